package jobs_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"samenspel/internal/jobs"
	"samenspel/internal/lease"
	"samenspel/internal/lease/leasetest"
	"samenspel/internal/logbuf"
	"samenspel/internal/store"
)

// idle is a job that does nothing, scheduled too rarely to run in a test.
func idle(name string) jobs.Job {
	return jobs.Job{Name: name, Spec: "@yearly", Run: func(ctx context.Context, run jobs.Run) (jobs.Run, error) {
		return run, nil
	}}
}

// deadRun records a run of job by a replica that died while it ran: started at
// started, seen alive last at heartbeat (none when zero).
func deadRun(t *testing.T, st *store.Store, job string, started, heartbeat time.Time) jobs.Run {
	t.Helper()
	r, err := st.StartRun(context.Background(), job, "matcher-dead", started)
	if err != nil {
		t.Fatal(err)
	}
	if !heartbeat.IsZero() {
		if err := st.Beat(context.Background(), r.ID, heartbeat); err != nil {
			t.Fatal(err)
		}
	}
	return r
}

// getRun reads the run id as stored.
func getRun(t *testing.T, st *store.Store, id int64) jobs.Run {
	t.Helper()
	r, err := st.GetRun(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// wantAbandoned fails t unless the stored run r is failed as abandoned, ended at
// ended.
func wantAbandoned(t *testing.T, st *store.Store, r jobs.Run, ended time.Time) {
	t.Helper()
	got := getRun(t, st, r.ID)
	if got.Status != jobs.RunFailed || !got.Ended.Equal(ended) || !strings.Contains(reportJSON(got), jobs.AbandonedError) {
		t.Errorf("run %d left running by a dead replica = %s, ended %v, report %s; want failed as abandoned, ended %v",
			r.ID, got.Status, got.Ended, reportJSON(got), ended)
	}
}

// The next run of a job, here by RunNow, closes the runs of that job that a dead
// replica left running, ended when it last showed a sign of life, and logs each;
// another job's running run is not its business.
func TestNextRunAbandonsDeadReplicasRuns(t *testing.T) {
	st := openStore(t, t.TempDir())
	t0 := time.Now().Add(-24 * time.Hour).Truncate(time.Second)
	beating := deadRun(t, st, "recompute", t0, t0.Add(40*time.Second))
	silent := deadRun(t, st, "recompute", t0.Add(time.Hour), time.Time{})
	other := deadRun(t, st, "stale", t0, time.Time{})
	var logs logbuf.Buffer
	s := newScheduler(t, jobs.Options{Store: st, Log: slog.New(slog.NewTextHandler(&logs, nil))},
		counting("recompute", "@yearly", new(atomic.Int64)), idle("stale"))

	run, err := s.RunNow(t.Context(), "recompute")
	if err != nil || run.Status != jobs.RunDone || run.ID <= silent.ID {
		t.Fatalf("RunNow(recompute) = %+v, %v; want a new run, done", run, err)
	}
	wantAbandoned(t, st, beating, t0.Add(40*time.Second))
	wantAbandoned(t, st, silent, t0.Add(time.Hour))
	if got := getRun(t, st, other.ID); got.Status != jobs.RunRunning {
		t.Errorf("the stale run left running = %s after a recompute; want it left alone", got.Status)
	}
	for _, r := range []jobs.Run{beating, silent} {
		if want := fmt.Sprintf("level=WARN msg=\"job: a run was left running by a replica that stopped; it is now recorded failed\" job=recompute abandoned=%d", r.ID); !strings.Contains(logs.String(), want) {
			t.Errorf("the log does not say that run %d was abandoned:\n%s", r.ID, logs.String())
		}
	}
	// Nothing is left to abandon: the next run only runs.
	if run, err := s.RunNow(t.Context(), "recompute"); err != nil || run.Status != jobs.RunDone {
		t.Errorf("a second RunNow(recompute) = %+v, %v; want done", run, err)
	}
	if n := strings.Count(logs.String(), "abandoned="); n != 2 {
		t.Errorf("the log tells %d abandoned runs, want 2:\n%s", n, logs.String())
	}
}

// countingLock counts the Acquire calls that returned.
type countingLock struct {
	lease.Lock
	calls atomic.Int64
}

func (l *countingLock) Acquire(ctx context.Context, job string, ttl time.Duration) (lease.Held, bool, error) {
	defer l.calls.Add(1)
	return l.Lock.Acquire(ctx, job, ttl)
}

// At Start, a replica closes a run that a dead replica left running once it finds
// the job's lock free, without running the job; while another holds the lock (the
// run may be alive), it leaves the run alone.
func TestStartAbandonsDeadReplicasRun(t *testing.T) {
	for _, k := range leasetest.Kinds {
		t.Run(k.Name, func(t *testing.T) {
			ctx := context.Background()
			a, b := k.Pair(t)
			st := openStore(t, t.TempDir())
			t0 := time.Now().Add(-time.Hour).Truncate(time.Second)
			left := deadRun(t, st, "recompute", t0, t0.Add(20*time.Second))
			var calls atomic.Int64
			start := func() *jobs.Scheduler {
				lock := &countingLock{Lock: a}
				s := newScheduler(t, jobs.Options{Store: st, Lock: lock}, counting("recompute", "@yearly", &calls), idle("stale"))
				s.Start(t.Context())
				waitFor(t, "Start to try the lock of recompute", func() bool { return lock.calls.Load() >= 1 })
				<-s.Stop().Done()
				if n := lock.calls.Load(); n != 1 {
					t.Errorf("Start tried the locks %d times; want once, for the job with a run left running", n)
				}
				return s
			}

			other, ok := leasetest.Acquire(t, b, "recompute", time.Minute)
			if !ok {
				t.Fatal("cannot take the lock for another holder")
			}
			start()
			if got := getRun(t, st, left.ID); got.Status != jobs.RunRunning {
				t.Errorf("with the lock held elsewhere, the run left running became %s; want it left alone", got.Status)
			}
			other.Release(ctx)

			start()
			wantAbandoned(t, st, left, t0.Add(20*time.Second))
			if runs := runsOf(t, st, "recompute", ""); len(runs) != 1 || calls.Load() != 0 {
				t.Errorf("runs of recompute = %+v after %d calls; want only the abandoned one, no run", runs, calls.Load())
			}
			if h, ok := leasetest.Acquire(t, b, "recompute", time.Minute); !ok {
				t.Error("Start kept the lock after closing the run left running")
			} else {
				h.Release(ctx)
			}
		})
	}
}

// A long run's heartbeat advances with each renewal of its lock, and stays in the
// stored run once it is done, between its start and its end.
func TestLongRunsHeartbeatAdvances(t *testing.T) {
	st := openStore(t, t.TempDir())
	const ttl = 150 * time.Millisecond
	var beats []time.Time
	s := newScheduler(t, jobs.Options{Store: st, LockTTL: ttl}, jobs.Job{Name: "long", Spec: "@yearly",
		Run: func(ctx context.Context, run jobs.Run) (jobs.Run, error) {
			// Two heartbeats, one after the other: they come every ttl/3.
			deadline := time.Now().Add(patience)
			for len(beats) < 2 {
				if time.Now().After(deadline) {
					return run, fmt.Errorf("heartbeats seen: %v", beats)
				}
				if ctx.Err() != nil {
					return run, context.Cause(ctx)
				}
				r, err := st.GetRun(ctx, run.ID)
				if err != nil {
					return run, err
				}
				if !r.Heartbeat.IsZero() && (len(beats) == 0 || r.Heartbeat.After(beats[0])) {
					beats = append(beats, r.Heartbeat)
				}
				time.Sleep(ttl / 10)
			}
			return run, nil
		}})
	run, err := s.RunNow(t.Context(), "long")
	if err != nil || run.Status != jobs.RunDone {
		t.Fatalf("RunNow(long) = %+v, %v; want done", run, err)
	}
	got := getRun(t, st, run.ID)
	if got.Heartbeat.Before(beats[1]) || got.Heartbeat.Before(got.Started) || got.Heartbeat.After(got.Ended) {
		t.Errorf("stored run: started %v, heartbeat %v, ended %v; want the heartbeat from %v, between start and end",
			got.Started, got.Heartbeat, got.Ended, beats[1])
	}
}

// A heartbeat that cannot be recorded does not stop the run.
func TestHeartbeatFailureDoesNotStopRun(t *testing.T) {
	st := &failingBeats{Store: openStore(t, t.TempDir())}
	const ttl = 60 * time.Millisecond
	s := newScheduler(t, jobs.Options{Store: st, LockTTL: ttl}, jobs.Job{Name: "long", Spec: "@yearly",
		Run: func(ctx context.Context, run jobs.Run) (jobs.Run, error) {
			deadline := time.Now().Add(patience)
			for st.tries.Load() < 3 && time.Now().Before(deadline) && ctx.Err() == nil {
				time.Sleep(ttl / 10)
			}
			return run, nil
		}})
	run, err := s.RunNow(t.Context(), "long")
	if err != nil || run.Status != jobs.RunDone || st.tries.Load() < 3 {
		t.Errorf("RunNow(long) = %+v, %v after %d failed heartbeats; want done after at least 3", run, err, st.tries.Load())
	}
}

// failingBeats is a store whose heartbeats fail.
type failingBeats struct {
	*store.Store
	tries atomic.Int64
}

func (f *failingBeats) Beat(context.Context, int64, time.Time) error {
	f.tries.Add(1)
	return errors.New("database is locked")
}
