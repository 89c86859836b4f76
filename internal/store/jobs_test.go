package store_test

import (
	"context"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"samenspel/internal/store"
)

func TestRuns(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	t0 := time.Date(2026, 11, 26, 2, 30, 0, 0, time.UTC)

	if _, err := s.LastRun(ctx, "recompute"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("LastRun(recompute) before any run = %v, want ErrNotFound", err)
	}
	started, err := s.StartRun(ctx, "recompute", "matcher-1", t0)
	if err != nil {
		t.Fatal(err)
	}
	want := store.Run{ID: started.ID, Job: "recompute", Replica: "matcher-1", Started: t0, Status: store.RunRunning, Report: json.RawMessage(`{}`)}
	if diff := cmp.Diff(want, started); diff != "" {
		t.Errorf("StartRun() mismatch (-want +got):\n%s", diff)
	}
	if got, err := s.GetRun(ctx, started.ID); err != nil || !cmp.Equal(got, want) {
		t.Errorf("GetRun(%d) = %+v, %v; want %+v", started.ID, got, err, want)
	}

	skip, err := s.RecordSkip(ctx, "recompute", "matcher-2", t0.Add(time.Millisecond), "another replica runs this slot")
	if err != nil {
		t.Fatal(err)
	}
	if skip.ID <= started.ID || skip.Status != store.RunSkipped || !skip.Ended.Equal(skip.Started) {
		t.Errorf("RecordSkip() = %+v; want a later id, status skipped, ended when started", skip)
	}
	var reason map[string]string
	if err := json.Unmarshal(skip.Report, &reason); err != nil || reason["reason"] != "another replica runs this slot" {
		t.Errorf("RecordSkip() report = %s, want the reason", skip.Report)
	}

	finished := started
	finished.Ended = t0.Add(90 * time.Second)
	finished.Status = store.RunDone
	finished.Done, finished.Skipped, finished.Failed = 5, 2, 1
	finished.Report = json.RawMessage(`{"tenders":["a","b"]}`)
	if err := s.FinishRun(ctx, finished); err != nil {
		t.Fatal(err)
	}
	if got, err := s.GetRun(ctx, started.ID); err != nil || !cmp.Equal(got, finished) {
		t.Errorf("GetRun(%d) after FinishRun = %+v, %v; want %+v", started.ID, got, err, finished)
	}
	// A skip is not a run of the slot: LastRun passes over it.
	if got, err := s.LastRun(ctx, "recompute"); err != nil || got.ID != started.ID {
		t.Errorf("LastRun(recompute) = %+v, %v; want run %d", got, err, started.ID)
	}

	runs, err := s.Runs(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]store.Run{skip, finished}, runs); diff != "" {
		t.Errorf("Runs(0) mismatch, want newest first (-want +got):\n%s", diff)
	}
	if runs, err := s.Runs(ctx, 1); err != nil || len(runs) != 1 || runs[0].ID != skip.ID {
		t.Errorf("Runs(1) = %+v, %v; want the skip only", runs, err)
	}
	if _, err := s.GetRun(ctx, 999); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("GetRun(999) = %v, want ErrNotFound", err)
	}
}

func TestFinishRunRefuses(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	t0 := time.Date(2026, 11, 26, 2, 30, 0, 0, time.UTC)
	r, err := s.StartRun(ctx, "stale", "matcher-1", t0)
	if err != nil {
		t.Fatal(err)
	}
	done := r
	done.Status, done.Ended = store.RunDone, t0.Add(time.Second)
	skip, err := s.RecordSkip(ctx, "stale", "matcher-2", t0, "another replica runs this slot")
	if err != nil {
		t.Fatal(err)
	}
	skipDone := skip
	skipDone.Status, skipDone.Ended = store.RunDone, t0.Add(time.Second)

	tests := []struct {
		name     string
		run      store.Run
		notFound bool
	}{
		{name: "still running", run: withStatus(done, store.RunRunning)},
		{name: "finished as skipped", run: withStatus(done, store.RunSkipped)},
		{name: "no end time", run: store.Run{ID: r.ID, Status: store.RunDone}},
		{name: "report not an object", run: withReport(done, `[1]`)},
		{name: "report not JSON", run: withReport(done, `{"a":`)},
		{name: "a skip", run: skipDone},
		{name: "no such run", run: withID(done, 999), notFound: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := s.FinishRun(ctx, tt.run)
			if err == nil || errors.Is(err, store.ErrNotFound) != tt.notFound {
				t.Errorf("FinishRun(%+v) = %v; want an error (not found: %t)", tt.run, err, tt.notFound)
			}
		})
	}
	if err := s.FinishRun(ctx, done); err != nil {
		t.Fatalf("FinishRun(done) = %v", err)
	}
	again := withStatus(done, store.RunFailed)
	if err := s.FinishRun(ctx, again); err == nil {
		t.Error("FinishRun of a finished run succeeded; a run's result is written once")
	}
	if got, err := s.GetRun(ctx, r.ID); err != nil || got.Status != store.RunDone {
		t.Errorf("GetRun(%d) = %+v, %v; want it done", r.ID, got, err)
	}
	if _, err := s.StartRun(ctx, "", "matcher-1", t0); err == nil {
		t.Error("StartRun without a job succeeded")
	}
}

// Two processes on one data directory take run ids from one sequence: a later run
// has a larger id whichever process started it, so the id can fence writes.
func TestRunIDsGrowAcrossProcesses(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	a, b := open(t, dir), open(t, dir)
	t0 := time.Date(2026, 11, 26, 2, 30, 0, 0, time.UTC)
	var last int64
	for i := range 6 {
		s, replica := a, "matcher-1"
		if i%2 == 1 {
			s, replica = b, "matcher-2"
		}
		r, err := s.StartRun(ctx, "recompute", replica, t0.Add(time.Duration(i)*time.Second))
		if err != nil {
			t.Fatal(err)
		}
		if r.ID <= last {
			t.Fatalf("run %d by %s has id %d, not above the previous %d", i, replica, r.ID, last)
		}
		last = r.ID
	}
}

func withStatus(r store.Run, status string) store.Run { r.Status = status; return r }
func withReport(r store.Run, report string) store.Run {
	r.Report = json.RawMessage(report)
	return r
}
func withID(r store.Run, id int64) store.Run { r.ID = id; return r }
