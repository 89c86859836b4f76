package jobs_test

import (
	"context"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"samenspel/internal/jobs"
	"samenspel/internal/lease"
)

// A replica that finds the job's lock held when a slot comes calls the job's
// Help with that slot, runs nothing, and records its skip with what the help
// said; a help that fails or panics is recorded so, and the schedule goes on.
func TestHelpWhileTheLockIsHeld(t *testing.T) {
	for _, tt := range []struct {
		name string
		help func(ctx context.Context, slot time.Time) (string, error)
		want string
	}{
		{"helps", func(context.Context, time.Time) (string, error) { return "helped run 7 with 3 items", nil }, jobs.ReasonLockHeld + "; helped run 7 with 3 items"},
		{"fails", func(context.Context, time.Time) (string, error) { return "", context.DeadlineExceeded }, jobs.ReasonLockHeld + "; helping it failed: context deadline exceeded"},
		{"panics", func(context.Context, time.Time) (string, error) { panic("boom") }, jobs.ReasonLockHeld + "; helping it panicked: boom"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			lock := lease.NewLocal()
			held, ok, err := lock.Acquire(t.Context(), "recompute", time.Hour) // another replica's run
			if err != nil || !ok {
				t.Fatalf("Acquire = %v, %v", ok, err)
			}
			defer held.Release(context.Background())
			st := openStore(t, t.TempDir())
			var ran, helped atomic.Int64
			var slots = make(chan time.Time, 16)
			job := jobs.Job{Name: "recompute", Spec: "* * * * * *",
				Run: func(ctx context.Context, run jobs.Run) (jobs.Run, error) { ran.Add(1); return run, nil },
				Help: func(ctx context.Context, slot time.Time) (string, error) {
					helped.Add(1)
					slots <- slot
					return tt.help(ctx, slot)
				}}
			s := newScheduler(t, jobs.Options{Store: st, Lock: lock}, job)
			s.Start(t.Context())
			waitFor(t, "two skips recorded", func() bool { return len(runsOf(t, st, "recompute", jobs.RunSkipped)) >= 2 })
			<-s.Stop().Done()

			if ran.Load() != 0 {
				t.Errorf("the job ran %d times while another replica held its lock", ran.Load())
			}
			skips := runsOf(t, st, "recompute", jobs.RunSkipped)
			if int64(len(skips)) != helped.Load() {
				t.Errorf("%d skips for %d helps, want one help per skipped slot", len(skips), helped.Load())
			}
			for _, r := range skips {
				if got := reason(t, r); got != tt.want {
					t.Errorf("skip %d has reason %q, want %q", r.ID, got, tt.want)
				}
			}
			close(slots)
			for slot := range slots {
				if slot.Nanosecond() != 0 || time.Since(slot) > time.Minute || !strings.Contains(slot.Location().String(), "Amsterdam") {
					t.Errorf("Help got slot %v, want a whole second of the schedule's zone, just past", slot)
				}
			}
		})
	}
}
