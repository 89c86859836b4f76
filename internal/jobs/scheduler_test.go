package jobs_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
	"github.com/redis/go-redis/v9"

	"samenspel/internal/jobs"
	"samenspel/internal/lease"
	"samenspel/internal/lease/leasetest"
	"samenspel/internal/store"
)

// Timing: the schedules fire every second or two; waits poll with a generous
// deadline, and no assertion depends on how long a sleep took.
const patience = 20 * time.Second

// openStore opens the store in dir, as one replica's process does.
func openStore(t *testing.T, dir string) *store.Store { return leasetest.OpenStore(t, dir) }

// newScheduler makes a scheduler with o (a store in a fresh directory unless o has
// one, replica "matcher-1" unless named) and stops it, waiting, when the test ends.
func newScheduler(t *testing.T, o jobs.Options, js ...jobs.Job) *jobs.Scheduler {
	t.Helper()
	if o.Store == nil {
		o.Store = openStore(t, t.TempDir())
	}
	if o.Replica == "" {
		o.Replica = "matcher-1"
	}
	if o.Log == nil {
		o.Log = slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	s, err := jobs.New(o)
	if err != nil {
		t.Fatalf("New() = %v", err)
	}
	for _, j := range js {
		if err := s.Add(j); err != nil {
			t.Fatalf("Add(%q) = %v", j.Name, err)
		}
	}
	t.Cleanup(func() {
		select {
		case <-s.Stop().Done():
		case <-time.After(patience):
			t.Error("Stop() did not finish")
		}
	})
	return s
}

// testWriter logs to t, so that a failing test shows what the scheduler did.
type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}

// waitFor polls cond until it holds, failing the test after patience.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(patience)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// runsOf returns the recorded runs of job with status, oldest first (any status
// when status is "").
func runsOf(t *testing.T, st *store.Store, job, status string) []jobs.Run {
	t.Helper()
	all, err := st.Runs(context.Background(), 1000)
	if err != nil {
		t.Fatal(err)
	}
	var out []jobs.Run
	for i := len(all) - 1; i >= 0; i-- {
		if all[i].Job == job && (status == "" || all[i].Status == status) {
			out = append(out, all[i])
		}
	}
	return out
}

// counting is a job that counts its runs and reports one item done each time.
func counting(name, spec string, calls *atomic.Int64) jobs.Job {
	return jobs.Job{Name: name, Spec: spec, Run: func(ctx context.Context, run jobs.Run) (jobs.Run, error) {
		calls.Add(1)
		run.Done = 1
		return run, nil
	}}
}

func TestScheduleWithSecondsRunsRepeatedly(t *testing.T) {
	for _, spec := range []string{"*/1 * * * * *", "@every 1s"} {
		t.Run(spec, func(t *testing.T) {
			st := openStore(t, t.TempDir())
			var calls atomic.Int64
			s := newScheduler(t, jobs.Options{Store: st}, counting("tick", spec, &calls))
			s.Start(t.Context())
			waitFor(t, "three runs", func() bool { return len(runsOf(t, st, "tick", jobs.RunDone)) >= 3 })
			<-s.Stop().Done()
			runs := runsOf(t, st, "tick", "")
			if int64(len(runs)) != calls.Load() {
				t.Errorf("%d runs recorded for %d calls of the job", len(runs), calls.Load())
			}
			for _, r := range runs {
				if r.Status != jobs.RunDone || r.Done != 1 || r.Replica != "matcher-1" || r.Ended.Before(r.Started) {
					t.Errorf("run %+v; want done, 1 item, by matcher-1, ended after it started", r)
				}
			}
		})
	}
}

func TestPanicDoesNotStopTheSchedule(t *testing.T) {
	st := openStore(t, t.TempDir())
	var calls atomic.Int64
	s := newScheduler(t, jobs.Options{Store: st}, jobs.Job{Name: "fragile", Spec: "* * * * * *",
		Run: func(ctx context.Context, run jobs.Run) (jobs.Run, error) {
			if calls.Add(1) == 1 {
				panic("boom")
			}
			return run, nil
		}})
	reg := prometheus.NewRegistry()
	reg.MustRegister(s.Collectors()...)
	s.Start(t.Context())
	waitFor(t, "a run after the panic", func() bool { return len(runsOf(t, st, "fragile", jobs.RunDone)) >= 1 })

	failed := runsOf(t, st, "fragile", jobs.RunFailed)
	if len(failed) != 1 {
		t.Fatalf("%d failed runs, want 1 (the panic): %+v", len(failed), runsOf(t, st, "fragile", ""))
	}
	var report struct{ Error string }
	if err := json.Unmarshal([]byte(reportJSON(failed[0])), &report); err != nil || !strings.Contains(report.Error, "boom") {
		t.Errorf("the panicked run's report = %s, want the panic message", reportJSON(failed[0]))
	}
	if done := runsOf(t, st, "fragile", jobs.RunDone); done[0].ID <= failed[0].ID {
		t.Errorf("done run %d is not after the failed run %d", done[0].ID, failed[0].ID)
	}
	if got := counterValue(t, reg, "samenspel_job_runs_total", map[string]string{"job": "fragile", "status": "failed"}); got != 1 {
		t.Errorf("samenspel_job_runs_total{job=fragile,status=failed} = %v, want 1", got)
	}
}

// Two replicas, each with a store of its own on one data directory (two processes)
// and a client of one real Redis, run each slot once: the other records a skip.
// Either it finds the lock taken, or, when its clock runs behind so that the first
// has finished and released the lock, it finds the slot already run.
func TestTwoReplicasRunEachSlotOnce(t *testing.T) {
	tests := []struct {
		name string
		// work is how long a run takes; behind delays the second replica's lock.
		work, behind time.Duration
		reason       string // of the skips
	}{
		{"the lock is held while the slot runs", 100 * time.Millisecond, 0, "another replica r"},
		{"the other replica's clock is behind", 0, 300 * time.Millisecond, jobs.ReasonSlotDone},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			testTwoReplicas(t, tt.work, tt.behind, tt.reason)
		})
	}
}

func testTwoReplicas(t *testing.T, work, behind time.Duration, wantReason string) {
	rc := leasetest.RedisClient(t)
	dir := t.TempDir()
	var mu sync.Mutex
	calls := 0
	job := jobs.Job{Name: "recompute", Spec: "*/2 * * * * *", Run: func(ctx context.Context, run jobs.Run) (jobs.Run, error) {
		mu.Lock()
		calls++
		mu.Unlock()
		time.Sleep(work)
		run.Done = 1
		return run, nil
	}}
	var scheds []*jobs.Scheduler
	for i, replica := range []string{"matcher-1", "matcher-2"} {
		opt := *rc.Options()
		var lock lease.Lock = lease.NewRedis(newClient(t, &opt), "samenspel:lock:job:")
		if i == 1 {
			lock = lateLock{lock, behind}
		}
		s := newScheduler(t, jobs.Options{Store: openStore(t, dir), Lock: lock, Replica: replica, LockTTL: 2 * time.Second}, job)
		scheds = append(scheds, s)
	}
	st := openStore(t, dir)
	for _, s := range scheds {
		s.Start(t.Context())
	}
	waitFor(t, "five slots run", func() bool { return len(runsOf(t, st, "recompute", jobs.RunDone)) >= 5 })
	for _, s := range scheds {
		<-s.Stop().Done()
	}

	// Slots are even seconds: every run and skip of one slot starts within it.
	slotOf := func(r jobs.Run) int64 { return r.Started.Unix() / 2 }
	type tally struct{ done, skipped int }
	slots := map[int64]*tally{}
	var first, last int64
	for i, r := range runsOf(t, st, "recompute", "") {
		k := slotOf(r)
		if i == 0 || k < first {
			first = k
		}
		last = max(last, k)
		if slots[k] == nil {
			slots[k] = &tally{}
		}
		switch r.Status {
		case jobs.RunDone:
			slots[k].done++
			if behind > 0 && r.Replica != "matcher-1" {
				t.Errorf("run %d by %s, the replica whose clock is behind", r.ID, r.Replica)
			}
		case jobs.RunSkipped:
			slots[k].skipped++
			if !strings.HasPrefix(reason(t, r), wantReason) {
				t.Errorf("skip %d has reason %q, want %q", r.ID, reason(t, r), wantReason)
			}
		default:
			t.Errorf("run %d is %s", r.ID, r.Status)
		}
	}
	for k, n := range slots {
		if n.done > 1 {
			t.Errorf("slot %d ran %d times", k*2, n.done)
		}
		// Both replicas were scheduling during every slot but the first and the last.
		if k != first && k != last && (n.done != 1 || n.skipped != 1) {
			t.Errorf("slot %d: %d runs and %d skips, want one of each", k*2, n.done, n.skipped)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if done := runsOf(t, st, "recompute", jobs.RunDone); calls != len(done) {
		t.Errorf("the job ran %d times for %d recorded runs", calls, len(done))
	}
}

// lateLock asks for the lock late, as a replica whose clock runs behind does.
type lateLock struct {
	lease.Lock
	by time.Duration
}

func (l lateLock) Acquire(ctx context.Context, job string, ttl time.Duration) (lease.Held, bool, error) {
	time.Sleep(l.by)
	return l.Lock.Acquire(ctx, job, ttl)
}

// newClient is another client of the Redis that opt names: another replica's.
func newClient(t *testing.T, opt *redis.Options) *redis.Client {
	t.Helper()
	c := redis.NewClient(opt)
	t.Cleanup(func() { c.Close() })
	return c
}

// reason is a skip's reason.
func reason(t *testing.T, r jobs.Run) string {
	t.Helper()
	var rep struct{ Reason string }
	if err := json.Unmarshal([]byte(reportJSON(r)), &rep); err != nil {
		t.Fatalf("report of run %d = %s: %v", r.ID, reportJSON(r), err)
	}
	return rep.Reason
}

// A slow run makes the next slots skipped (and recorded), not queued: when it
// ends, no burst of delayed runs follows.
func TestSlowRunSkipsNextSlots(t *testing.T) {
	st := openStore(t, t.TempDir())
	release := make(chan struct{})
	var mu sync.Mutex
	var starts []time.Time
	s := newScheduler(t, jobs.Options{Store: st}, jobs.Job{Name: "slow", Spec: "* * * * * *",
		Run: func(ctx context.Context, run jobs.Run) (jobs.Run, error) {
			mu.Lock()
			starts = append(starts, time.Now())
			first := len(starts) == 1
			mu.Unlock()
			if first {
				<-release
			}
			return run, nil
		}})
	s.Start(t.Context())
	waitFor(t, "two slots skipped", func() bool { return len(runsOf(t, st, "slow", jobs.RunSkipped)) >= 2 })
	released := time.Now()
	close(release)
	waitFor(t, "a run after the slow one", func() bool { return len(runsOf(t, st, "slow", jobs.RunDone)) >= 2 })
	<-s.Stop().Done()

	for _, r := range runsOf(t, st, "slow", jobs.RunSkipped) {
		if got := reason(t, r); got != jobs.ReasonStillRunning {
			t.Errorf("skip %d has reason %q, want %q", r.ID, got, jobs.ReasonStillRunning)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	burst := 0
	for _, at := range starts[1:] {
		if at.Sub(released) < 300*time.Millisecond {
			burst++
		}
	}
	// The next slot may fall just after the release; the skipped ones must not run.
	if burst > 1 {
		t.Errorf("%d runs started within 300ms of the slow run's end; skipped slots were queued", burst)
	}
}

func TestStopWaitsForRunningJob(t *testing.T) {
	st := openStore(t, t.TempDir())
	started, release := make(chan struct{}), make(chan struct{})
	var once sync.Once
	s := newScheduler(t, jobs.Options{Store: st}, jobs.Job{Name: "long", Spec: "* * * * * *",
		Run: func(ctx context.Context, run jobs.Run) (jobs.Run, error) {
			once.Do(func() { close(started) })
			<-release
			run.Done = 7
			return run, nil
		}})
	s.Start(t.Context())
	select {
	case <-started:
	case <-time.After(patience):
		t.Fatal("the job never started")
	}
	stopped := s.Stop()
	select {
	case <-stopped.Done():
		t.Fatal("Stop() was done while the job ran")
	default:
	}
	if _, err := s.RunNow(t.Context(), "long"); !errors.Is(err, jobs.ErrStopped) {
		t.Errorf("RunNow after Stop = %v, want ErrStopped", err)
	}
	close(release)
	select {
	case <-stopped.Done():
	case <-time.After(patience):
		t.Fatal("Stop() never finished after the job did")
	}
	runs := runsOf(t, st, "long", "")
	if len(runs) != 1 || runs[0].Status != jobs.RunDone || runs[0].Done != 7 {
		t.Errorf("runs after Stop = %+v; want the one run, recorded done", runs)
	}
}

// A run renews its lock while it runs: a job that runs for several times the
// lock's life keeps it, and another holder cannot take it meanwhile.
func TestRenewalKeepsLongRunsLock(t *testing.T) {
	for _, k := range leasetest.Kinds {
		t.Run(k.Name, func(t *testing.T) {
			a, b := k.Pair(t)
			const ttl = 300 * time.Millisecond
			s := newScheduler(t, jobs.Options{Lock: a, LockTTL: ttl}, jobs.Job{Name: "long", Spec: "@yearly",
				Run: func(ctx context.Context, run jobs.Run) (jobs.Run, error) {
					end := time.Now().Add(5 * ttl)
					for time.Now().Before(end) {
						if ctx.Err() != nil {
							return run, fmt.Errorf("cancelled while the lock was renewed: %w", context.Cause(ctx))
						}
						if h, ok, err := b.Acquire(ctx, "long", ttl); err != nil || ok {
							if ok {
								h.Release(ctx)
							}
							return run, fmt.Errorf("another took the lock of a running job: %v, %v", ok, err)
						}
						time.Sleep(ttl / 5)
					}
					return run, nil
				}})
			run, err := s.RunNow(t.Context(), "long")
			if err != nil || run.Status != jobs.RunDone {
				t.Fatalf("RunNow() = %+v, %v; want done", run, err)
			}
		})
	}
}

// freezingLock wraps a Lock so that its holders' renewals hang while frozen, as in
// a process that stopped (a long GC pause, a suspended VM), and records what the
// renewals returned after.
type freezingLock struct {
	lease.Lock
	thaw chan struct{}
	mu   sync.Mutex
	errs []error
}

func (l *freezingLock) Acquire(ctx context.Context, job string, ttl time.Duration) (lease.Held, bool, error) {
	h, ok, err := l.Lock.Acquire(ctx, job, ttl)
	if h != nil {
		h = &freezingHeld{Held: h, l: l}
	}
	return h, ok, err
}

type freezingHeld struct {
	lease.Held
	l *freezingLock
}

func (h *freezingHeld) Renew(ctx context.Context) error {
	<-h.l.thaw
	err := h.Held.Renew(ctx)
	h.l.mu.Lock()
	h.l.errs = append(h.l.errs, err)
	h.l.mu.Unlock()
	return err
}

// fenced is a result written with the run that computed it, as stored suggestions
// are: a write from an older run than the stored one is refused.
type fenced struct {
	mu    sync.Mutex
	run   int64
	value string
}

func (f *fenced) put(run int64, v string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	if run < f.run {
		return false
	}
	f.run, f.value = run, v
	return true
}

// A replica frozen past its lock's life loses the lock to another, which records
// the frozen run failed as abandoned and starts its own, with a larger id; when it
// wakes, its context is cancelled with ErrLost, its renewal says ErrLost, its run
// is reported failed (its own record of it is refused), and its late write cannot
// replace the newer run's result.
func TestFrozenReplicaCannotOverwriteNewerResult(t *testing.T) {
	rc := leasetest.RedisClient(t)
	dir := t.TempDir()
	const ttl = 300 * time.Millisecond
	var result fenced
	type woke struct {
		cause    error
		accepted bool
	}
	frozeA, wake := make(chan struct{}), make(chan struct{})
	wokeA := make(chan woke, 1)
	lockA := &freezingLock{Lock: lease.NewRedis(rc, "samenspel:lock:job:"), thaw: make(chan struct{})}
	a := newScheduler(t, jobs.Options{Store: openStore(t, dir), Lock: lockA, Replica: "matcher-1", LockTTL: ttl},
		jobs.Job{Name: "recompute", Spec: "@yearly", Run: func(ctx context.Context, run jobs.Run) (jobs.Run, error) {
			close(frozeA)
			<-wake // frozen: it does not look at ctx until it wakes
			wokeA <- woke{context.Cause(ctx), result.put(run.ID, "matcher-1")}
			run.Done = 1
			return run, nil
		}})
	opt := *rc.Options()
	b := newScheduler(t, jobs.Options{Store: openStore(t, dir), Lock: lease.NewRedis(newClient(t, &opt), "samenspel:lock:job:"),
		Replica: "matcher-2", LockTTL: ttl},
		jobs.Job{Name: "recompute", Spec: "@yearly", Run: func(ctx context.Context, run jobs.Run) (jobs.Run, error) {
			if !result.put(run.ID, "matcher-2") {
				return run, errors.New("the newer run's write was refused")
			}
			run.Done = 1
			return run, nil
		}})

	type outcome struct {
		run jobs.Run
		err error
	}
	doneA := make(chan outcome, 1)
	go func() {
		run, err := a.RunNow(t.Context(), "recompute")
		doneA <- outcome{run, err}
	}()
	<-frozeA
	var runB jobs.Run
	waitFor(t, "matcher-2 to take the frozen replica's lock", func() bool {
		run, err := b.RunNow(t.Context(), "recompute")
		if errors.Is(err, jobs.ErrBusy) {
			return false
		}
		if err != nil {
			t.Fatalf("matcher-2's RunNow() = %v", err)
		}
		runB = run
		return true
	})
	close(lockA.thaw)
	close(wake)
	w := <-wokeA
	outA := <-doneA

	if !errors.Is(w.cause, lease.ErrLost) {
		t.Errorf("the frozen run's context cause = %v, want ErrLost", w.cause)
	}
	if w.accepted || result.value != "matcher-2" {
		t.Errorf("the frozen run's late write accepted = %t, result %q; want refused, matcher-2's", w.accepted, result.value)
	}
	if runB.ID <= outA.run.ID {
		t.Errorf("the newer run has id %d, not above the frozen run's %d", runB.ID, outA.run.ID)
	}
	if !errors.Is(outA.err, lease.ErrLost) || outA.run.Status != jobs.RunFailed || !strings.Contains(reportJSON(outA.run), "lock lost") {
		t.Errorf("the frozen replica's RunNow() = %+v, %v; want failed with ErrLost", outA.run, outA.err)
	}
	// matcher-2, taking the lock, found the frozen run running and recorded it
	// failed as abandoned; the frozen replica's own result came too late.
	if got, err := openStore(t, dir).GetRun(t.Context(), outA.run.ID); err != nil || got.Status != jobs.RunFailed ||
		!strings.Contains(reportJSON(got), jobs.AbandonedError) {
		t.Errorf("the frozen run as stored = %+v (%s), %v; want failed as abandoned", got, reportJSON(got), err)
	}
	lockA.mu.Lock()
	defer lockA.mu.Unlock()
	if len(lockA.errs) == 0 || !errors.Is(lockA.errs[len(lockA.errs)-1], lease.ErrLost) {
		t.Errorf("the frozen replica's renewals returned %v, want ErrLost last", lockA.errs)
	}
}

// Without Redis, the in-process lock keeps two RunNow (matcher recompute beside a
// scheduled run) from running one job at once; the refused one records nothing.
func TestLocalLockExcludesConcurrentRunNow(t *testing.T) {
	st := openStore(t, t.TempDir())
	started, release := make(chan struct{}), make(chan struct{})
	var calls atomic.Int64
	s := newScheduler(t, jobs.Options{Store: st}, jobs.Job{Name: "recompute", Spec: "@yearly",
		Run: func(ctx context.Context, run jobs.Run) (jobs.Run, error) {
			if calls.Add(1) == 1 {
				close(started)
				<-release
			}
			return run, nil
		}})
	first := make(chan error, 1)
	go func() {
		_, err := s.RunNow(t.Context(), "recompute")
		first <- err
	}()
	<-started
	if _, err := s.RunNow(t.Context(), "recompute"); !errors.Is(err, jobs.ErrBusy) {
		t.Errorf("RunNow() beside a running one = %v, want ErrBusy", err)
	}
	if runs := runsOf(t, st, "recompute", ""); len(runs) != 1 {
		t.Errorf("%d runs recorded, want 1 (a refused RunNow records nothing)", len(runs))
	}
	close(release)
	if err := <-first; err != nil {
		t.Fatalf("the first RunNow() = %v", err)
	}
	if run, err := s.RunNow(t.Context(), "recompute"); err != nil || run.Status != jobs.RunDone {
		t.Errorf("RunNow() after the first ended = %+v, %v; want done", run, err)
	}
}

func TestAddRefuses(t *testing.T) {
	ok := func(ctx context.Context, run jobs.Run) (jobs.Run, error) { return run, nil }
	s := newScheduler(t, jobs.Options{}, jobs.Job{Name: "recompute", Spec: "30 2 * * *", Run: ok})
	tests := []struct {
		name string
		job  jobs.Job
		want []string // in the error
	}{
		{"empty spec", jobs.Job{Name: "stale", Spec: "", Run: ok}, []string{`"stale"`, `""`}},
		{"minute out of range", jobs.Job{Name: "stale", Spec: "61 3 * * 0", Run: ok}, []string{`"stale"`, `"61 3 * * 0"`}},
		{"too few fields", jobs.Job{Name: "digest", Spec: "* * *", Run: ok}, []string{`"digest"`, `"* * *"`}},
		{"unknown descriptor", jobs.Job{Name: "digest", Spec: "@fortnightly", Run: ok}, []string{`"digest"`, `"@fortnightly"`}},
		{"no name", jobs.Job{Spec: "@daily", Run: ok}, []string{"name"}},
		{"no run", jobs.Job{Name: "digest", Spec: "@daily"}, []string{`"digest"`}},
		{"added twice", jobs.Job{Name: "recompute", Spec: "@daily", Run: ok}, []string{`"recompute"`, "twice"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := s.Add(tt.job)
			if err == nil {
				t.Fatalf("Add(%q, %q) = nil, want an error", tt.job.Name, tt.job.Spec)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("Add(%q, %q) = %q, want it to name %s", tt.job.Name, tt.job.Spec, err, w)
				}
			}
		})
	}
	if _, err := s.RunNow(t.Context(), "nothing"); !errors.Is(err, jobs.ErrUnknownJob) {
		t.Errorf("RunNow(nothing) = %v, want ErrUnknownJob", err)
	}
	s.Start(t.Context())
	if err := s.Add(jobs.Job{Name: "late", Spec: "@daily", Run: ok}); err == nil {
		t.Error("Add after Start = nil, want an error")
	}
}

func TestNewRefuses(t *testing.T) {
	st := openStore(t, t.TempDir())
	tests := []struct {
		name string
		o    jobs.Options
	}{
		{"no store", jobs.Options{Replica: "matcher-1"}},
		{"no replica", jobs.Options{Store: st}},
		{"tiny lock ttl", jobs.Options{Store: st, Replica: "matcher-1", LockTTL: time.Millisecond}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := jobs.New(tt.o); err == nil {
				t.Errorf("New(%+v) = nil error", tt.o)
			}
		})
	}
}

// A job's error, or a report that is not a JSON object, marks its run failed with
// the error in the report; the figures of the last run go to /metrics.
func TestRunResultsAndMetrics(t *testing.T) {
	st := openStore(t, t.TempDir())
	var mode atomic.Value
	s := newScheduler(t, jobs.Options{Store: st}, jobs.Job{Name: "recompute", Spec: "@yearly",
		Run: func(ctx context.Context, run jobs.Run) (jobs.Run, error) {
			run.Done, run.Skipped, run.Failed = 3, 1, 2
			switch mode.Load() {
			case "error":
				run.Report = jobs.Report{Details: map[string]int{"tenders": 6}}
				return run, errors.New("meilisearch does not answer")
			case "bad report":
				run.Report = jobs.Report{Details: []int{1, 2}}
			default:
				run.Report = jobs.Report{Details: map[string]int{"tenders": 6}}
			}
			return run, nil
		}})
	reg := prometheus.NewRegistry()
	reg.MustRegister(s.Collectors()...)

	tests := []struct {
		mode       string
		wantStatus string
		wantReport string // in the stored report
	}{
		{"ok", jobs.RunDone, `"tenders":6`},
		{"error", jobs.RunFailed, `"error":"meilisearch does not answer"`},
		{"bad report", jobs.RunFailed, `not a JSON object`},
	}
	for _, tt := range tests {
		t.Run(tt.mode, func(t *testing.T) {
			mode.Store(tt.mode)
			run, err := s.RunNow(t.Context(), "recompute")
			if (err != nil) != (tt.wantStatus == jobs.RunFailed) {
				t.Errorf("RunNow() error = %v, want one only for a failure", err)
			}
			got, gerr := st.GetRun(t.Context(), run.ID)
			if gerr != nil || got.Status != tt.wantStatus || !strings.Contains(reportJSON(got), tt.wantReport) {
				t.Errorf("stored run = %+v (%s), %v; want %s with %s", got, reportJSON(got), gerr, tt.wantStatus, tt.wantReport)
			}
			if got.Done != 3 || got.Skipped != 1 || got.Failed != 2 {
				t.Errorf("stored counts = %d, %d, %d; want 3, 1, 2", got.Done, got.Skipped, got.Failed)
			}
		})
	}
	for _, c := range []struct {
		name   string
		labels map[string]string
		want   float64
	}{
		{"samenspel_job_runs_total", map[string]string{"job": "recompute", "status": "done"}, 1},
		{"samenspel_job_runs_total", map[string]string{"job": "recompute", "status": "failed"}, 2},
		{"samenspel_job_runs_total", map[string]string{"job": "recompute", "status": "skipped"}, 0},
		{"samenspel_job_tenders", map[string]string{"job": "recompute", "result": "done"}, 3},
		{"samenspel_job_tenders", map[string]string{"job": "recompute", "result": "skipped"}, 1},
		{"samenspel_job_tenders", map[string]string{"job": "recompute", "result": "failed"}, 2},
	} {
		if got := counterValue(t, reg, c.name, c.labels); got != c.want {
			t.Errorf("%s%v = %v, want %v", c.name, c.labels, got, c.want)
		}
	}
	if got := counterValue(t, reg, "samenspel_job_last_success_timestamp_seconds", map[string]string{"job": "recompute"}); got < float64(time.Now().Add(-time.Hour).Unix()) {
		t.Errorf("samenspel_job_last_success_timestamp_seconds = %v, want about now", got)
	}
	if got := histogramCount(t, reg, "samenspel_job_duration_seconds", map[string]string{"job": "recompute"}); got != 3 {
		t.Errorf("samenspel_job_duration_seconds count = %d, want 3", got)
	}
}

// metric finds the sample of name with labels in reg.
func metric(t *testing.T, reg *prometheus.Registry, name string, labels map[string]string) *dto.Metric {
	t.Helper()
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
	next:
		for _, m := range mf.GetMetric() {
			if len(m.GetLabel()) != len(labels) {
				continue
			}
			for _, l := range m.GetLabel() {
				if labels[l.GetName()] != l.GetValue() {
					continue next
				}
			}
			return m
		}
	}
	t.Fatalf("no %s%v", name, labels)
	return nil
}

func counterValue(t *testing.T, reg *prometheus.Registry, name string, labels map[string]string) float64 {
	t.Helper()
	m := metric(t, reg, name, labels)
	if m.Counter != nil {
		return m.GetCounter().GetValue()
	}
	return m.GetGauge().GetValue()
}

func histogramCount(t *testing.T, reg *prometheus.Registry, name string, labels map[string]string) uint64 {
	t.Helper()
	return metric(t, reg, name, labels).GetHistogram().GetSampleCount()
}

// brokenLock cannot be taken: Redis is down.
type brokenLock struct{ lease.Lock }

func (brokenLock) Acquire(ctx context.Context, job string, ttl time.Duration) (lease.Held, bool, error) {
	return nil, false, errors.New("dial tcp 10.0.0.9:6379: connection refused")
}

// A slot whose lock cannot be taken is not run, and is recorded as a failed run
// that says why, written whole: never seen running.
func TestSlotWithoutLockRecordedFailed(t *testing.T) {
	st := openStore(t, t.TempDir())
	s := newScheduler(t, jobs.Options{Store: st, Lock: brokenLock{}}, jobs.Job{Name: "recompute", Spec: "@every 1s",
		Run: func(ctx context.Context, r jobs.Run) (jobs.Run, error) {
			t.Error("the job ran without its lock")
			return r, nil
		}})
	s.Start(context.Background())
	waitFor(t, "a failed slot", func() bool { return len(runsOf(t, st, "recompute", jobs.RunFailed)) > 0 })
	r := runsOf(t, st, "recompute", jobs.RunFailed)[0]
	if r.Ended.IsZero() || r.Replica != "matcher-1" || !strings.Contains(reportJSON(r), "connection refused") {
		t.Errorf("failed slot = %+v (report %s); want ended, by matcher-1, saying why", r, reportJSON(r))
	}
	if running := runsOf(t, st, "recompute", jobs.RunRunning); len(running) > 0 {
		t.Errorf("runs left running: %+v", running)
	}
}

// reportJSON is the run's report as a store keeps it.
func reportJSON(r jobs.Run) string {
	b, err := json.Marshal(r.Report)
	if err != nil {
		return err.Error()
	}
	return string(b)
}
