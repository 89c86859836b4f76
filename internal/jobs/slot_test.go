package jobs

import (
	"context"
	"testing"
	"time"

	"samenspel/internal/lease"
	"samenspel/internal/settings"
)

func TestSlotOf(t *testing.T) {
	ams, err := time.LoadLocation("Europe/Amsterdam")
	if err != nil {
		t.Fatal(err)
	}
	at := func(s string) time.Time {
		t.Helper()
		v, err := time.ParseInLocation("2006-01-02 15:04:05.000", s, ams)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	tests := []struct {
		spec, now, want string
	}{
		{"30 2 * * *", "2026-11-26 02:30:00.004", "2026-11-26 02:30:00.000"},
		{"30 2 * * *", "2026-11-26 02:31:10.000", "2026-11-26 02:30:00.000"}, // fired late
		{"30 2 * * *", "2026-11-27 01:00:00.000", "2026-11-26 02:30:00.000"}, // a day late
		{"0 3 * * 0", "2026-11-29 03:00:00.020", "2026-11-29 03:00:00.000"},  // a Sunday
		{"0 3 * * 0", "2026-12-02 12:00:00.000", "2026-11-29 03:00:00.000"},  // days late
		{"*/2 * * * * *", "2026-11-26 10:00:03.500", "2026-11-26 10:00:02.000"},
		{"* * * * * *", "2026-11-26 10:00:03.001", "2026-11-26 10:00:03.000"},
		{"30 2 * * *", "2026-07-01 02:30:00.010", "2026-07-01 02:30:00.000"}, // summer time
	}
	for _, tt := range tests {
		sched, err := settings.ParseCron(tt.spec)
		if err != nil {
			t.Fatal(err)
		}
		if got := slotOf(sched, at(tt.now)); !got.Equal(at(tt.want)) {
			t.Errorf("slotOf(%q, %s) = %s, want %s", tt.spec, tt.now, got.In(ams), tt.want)
		}
	}
}

type nopStore struct{}

func (nopStore) StartRun(ctx context.Context, job, replica string, now time.Time) (Run, error) {
	return Run{}, nil
}
func (nopStore) FinishRun(ctx context.Context, r Run) error { return nil }
func (nopStore) RecordSkip(ctx context.Context, job, replica string, now time.Time, why string) (Run, error) {
	return Run{}, nil
}
func (nopStore) RecordFailure(ctx context.Context, job, replica string, now, ended time.Time, msg string) (Run, error) {
	return Run{}, nil
}
func (nopStore) LastRun(ctx context.Context, job string) (Run, error) {
	return Run{}, ErrNotFound
}
func (nopStore) Beat(ctx context.Context, id int64, now time.Time) error { return nil }
func (nopStore) AbandonRuns(ctx context.Context, job string, now time.Time) ([]int64, error) {
	return nil, nil
}

// The schedules are in Europe/Amsterdam unless told otherwise, from the zone
// database compiled into the binary (time/tzdata): the image has none.
func TestDefaults(t *testing.T) {
	s, err := New(Options{Store: nopStore{}, Replica: "matcher-1"})
	if err != nil {
		t.Fatal(err)
	}
	if s.loc.String() != "Europe/Amsterdam" || s.cron.Location() != s.loc {
		t.Errorf("location = %v (cron %v), want Europe/Amsterdam", s.loc, s.cron.Location())
	}
	if s.ttl != DefaultLockTTL {
		t.Errorf("lock ttl = %v, want %v", s.ttl, DefaultLockTTL)
	}
	if _, ok := s.lock.(*lease.Local); !ok {
		t.Errorf("lock = %T, want the local lock", s.lock)
	}
}
