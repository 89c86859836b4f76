package jobs

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"
	_ "time/tzdata" // Europe/Amsterdam in an image without a zoneinfo database

	"github.com/prometheus/client_golang/prometheus"
	"github.com/robfig/cron/v3"

	"samenspel/internal/lease"
	"samenspel/internal/settings"
)

// ErrBusy is returned by RunNow when another run of the job holds its lock, in this
// process or, with Redis, in another replica.
var ErrBusy = errors.New("jobs: another run of the job holds its lock")

// ErrStopped is returned by RunNow once Stop was called.
var ErrStopped = errors.New("jobs: the scheduler is stopped")

// ErrUnknownJob is returned by RunNow for a job that was never added.
var ErrUnknownJob = errors.New("jobs: no such job")

// DefaultLockTTL is how long a run's lock lives without renewal when Options leave
// it unset. The scheduler renews it every third of that while the job runs, so a
// replica that dies leaves the job free for the next slot after at most this long.
const DefaultLockTTL = time.Minute

// DefaultLocation is the time zone of the schedules when Options leave it unset.
const DefaultLocation = "Europe/Amsterdam"

// Reasons of skipped runs, as RecordSkip stores them.
const (
	// ReasonLockHeld: the job's lock was held when the slot came.
	ReasonLockHeld = "another replica runs this slot"
	// ReasonSlotDone: another replica already ran this slot and released the lock
	// before this one came to it.
	ReasonSlotDone = "another replica ran this slot"
	// ReasonStillRunning: this replica's run of an earlier slot still runs.
	ReasonStillRunning = "the previous run of this job still runs here"
)

// finishTimeout bounds recording a run's result, which is done even when the run's
// context has ended.
const finishTimeout = 10 * time.Second

// RunStore records the runs: *store.Store.
type RunStore interface {
	StartRun(ctx context.Context, job, replica string, now time.Time) (Run, error)
	FinishRun(ctx context.Context, r Run) error
	RecordSkip(ctx context.Context, job, replica string, now time.Time, why string) (Run, error)
	RecordFailure(ctx context.Context, job, replica string, now, ended time.Time, msg string) (Run, error)
	LastRun(ctx context.Context, job string) (Run, error)
	// Beat records that a running run was alive at now (after each renewal of its
	// lock).
	Beat(ctx context.Context, id int64, now time.Time) error
	// AbandonRuns closes as failed the runs of job left running by a replica that
	// stopped, and returns their ids. The scheduler calls it holding job's lock.
	AbandonRuns(ctx context.Context, job string, now time.Time) ([]int64, error)
}

// Job is work done on a schedule.
type Job struct {
	// Name names the job in the runs, the metrics and its lock (recompute, stale,
	// digest).
	Name string
	// Spec is when it runs: five cron fields (minute hour day month weekday), six
	// with seconds first, or a descriptor such as @daily or @every 1s, in the
	// scheduler's time zone. With several replicas, use cron fields: @every counts
	// from each replica's start, so the replicas' slots differ.
	Spec string
	// Run does the work. run is the run as recorded (ID is the fencing token to
	// store with whatever the run writes); Run returns it with Done, Skipped,
	// Failed and Report filled in (Report: a JSON object, or nil). ctx ends when the
	// run's lock is lost (context.Cause is then lease.ErrLost) or the scheduler's context
	// ends. An error, or a panic, marks the run failed.
	Run func(ctx context.Context, run Run) (Run, error)
	// Help, when set, is called on a replica that finds the job's lock held when
	// a slot comes: it may help the run of the replica that holds it with its
	// shared work (WorkStore), fenced by that run's id, and says what it did in a
	// few words, which the skip's reason records. It runs without the lock; ctx
	// ends when the scheduler's context does. An error or a panic is logged and
	// recorded in the reason; it fails nothing.
	Help func(ctx context.Context, slot time.Time) (string, error)
}

// Options configure a Scheduler.
type Options struct {
	// Store records the runs. Required.
	Store RunStore
	// Lock makes one replica run each slot: lease.NewRedis with Redis; without it
	// lease.NewStore, which also keeps `matcher recompute` in another process out;
	// nil is lease.NewLocal (this process only). Every process that runs the jobs on
	// one store must share the lock: whoever holds a job's lock closes the runs of
	// the job it finds running as abandoned.
	Lock lease.Lock
	// Replica names this process in the runs. Required.
	Replica string
	// Location is the time zone of the schedules; nil is DefaultLocation.
	Location *time.Location
	// Log receives what the scheduler does; nil discards it.
	Log *slog.Logger
	// LockTTL is how long a run's lock lives without renewal; 0 is DefaultLockTTL.
	LockTTL time.Duration
}

// Scheduler runs jobs on their schedules, one run of a job at a time across the
// replicas, and records every run and skip. A run left running by a replica that
// stopped is closed as failed by the next holder of the job's lock: before each
// run, and when a scheduler starts and finds the lock free.
type Scheduler struct {
	store   RunStore
	lock    lease.Lock
	replica string
	loc     *time.Location
	log     *slog.Logger
	ttl     time.Duration
	metrics *metrics
	cron    *cron.Cron

	mu               sync.Mutex
	jobs             map[string]*entry
	order            []string // jobs in the order added
	started, stopped bool
	running          sync.WaitGroup // every run and skip being recorded, and Start's look for abandoned runs
}

// entry is an added job.
type entry struct {
	job      Job
	schedule cron.Schedule
	// starts counts scheduled runs that began, so that a slot SkipIfStillRunning
	// dropped can be told and recorded.
	starts atomic.Int64
}

// New returns a scheduler with no jobs.
func New(o Options) (*Scheduler, error) {
	if o.Store == nil {
		return nil, errors.New("jobs: new scheduler: no store")
	}
	if o.Replica == "" {
		return nil, errors.New("jobs: new scheduler: no replica name")
	}
	if o.LockTTL < 0 || (o.LockTTL > 0 && o.LockTTL < 10*time.Millisecond) {
		return nil, fmt.Errorf("jobs: new scheduler: lock ttl %v: want 0 (default) or at least 10ms", o.LockTTL)
	}
	s := &Scheduler{store: o.Store, lock: o.Lock, replica: o.Replica, loc: o.Location, log: o.Log,
		ttl: o.LockTTL, metrics: newMetrics(), jobs: map[string]*entry{}}
	if s.lock == nil {
		s.lock = lease.NewLocal()
	}
	if s.loc == nil {
		loc, err := time.LoadLocation(DefaultLocation)
		if err != nil {
			return nil, fmt.Errorf("jobs: new scheduler: %w", err)
		}
		s.loc = loc
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.ttl == 0 {
		s.ttl = DefaultLockTTL
	}
	s.cron = cron.New(cron.WithLocation(s.loc), cron.WithParser(settings.CronParser()),
		cron.WithLogger(cronLogger{log: s.log, quiet: true}))
	return s, nil
}

// Add adds a job; jobs are added before Start. A spec that does not parse is an
// error naming the job and the spec.
func (s *Scheduler) Add(j Job) error {
	if j.Name == "" || j.Run == nil {
		return fmt.Errorf("jobs: add %q: a job needs a name and a Run", j.Name)
	}
	sched, err := settings.ParseCron(j.Spec)
	if err != nil {
		return fmt.Errorf("jobs: add %q: schedule %q: %w", j.Name, j.Spec, err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.started || s.stopped {
		return fmt.Errorf("jobs: add %q: the scheduler has started", j.Name)
	}
	if _, ok := s.jobs[j.Name]; ok {
		return fmt.Errorf("jobs: add %q: added twice", j.Name)
	}
	s.jobs[j.Name] = &entry{job: j, schedule: sched}
	s.order = append(s.order, j.Name)
	s.metrics.known(j.Name)
	return nil
}

// Start runs the jobs on their schedules until Stop. ctx is the parent of every
// scheduled run: Stop does not cancel it, so that Stop can wait for a running job;
// cancel it (when the shutdown's time is up) to cancel the running job, whose run
// is then recorded failed. Start after Stop does nothing.
//
// First, in the background, Start closes the runs left running by a replica that
// stopped, so that they do not show as running until the job's next slot: for
// each job whose last run is still running, it tries the job's lock once, without
// waiting, and if it gets it abandons the job's running runs (a free lock means
// that no replica runs the job). The schedules begin once that is done, so that
// this replica does not find its own look holding a lock. Stop waits for it.
//
// Each job's chain: cron.Recover (robfig/cron does not recover panics by itself),
// then a note of slots dropped, then cron.SkipIfStillRunning (a slot that comes
// while the previous run still runs is skipped and recorded, not queued).
func (s *Scheduler) Start(ctx context.Context) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.started || s.stopped {
		return
	}
	s.started = true
	for _, name := range s.order {
		e := s.jobs[name]
		logger := cronLogger{log: s.log.With("job", name)}
		run := cron.FuncJob(func() {
			e.starts.Add(1)
			s.scheduled(ctx, e)
		})
		chain := cron.NewChain(cron.Recover(logger), s.noteDropped(ctx, e), cron.SkipIfStillRunning(logger))
		s.cron.Schedule(e.schedule, chain.Then(run))
	}
	s.running.Add(1) // not stopped, under s.mu: as begin does
	go func() {
		defer s.running.Done()
		s.abandonLeftovers(ctx)
		s.mu.Lock()
		defer s.mu.Unlock()
		if !s.stopped { // else Stop has stopped a cron that never started
			s.cron.Start()
		}
	}()
}

// abandonLeftovers closes, for each job whose lock is free, the runs that a
// replica which stopped left running (Start). It spends at most finishTimeout.
func (s *Scheduler) abandonLeftovers(ctx context.Context) {
	ctx, cancel := context.WithTimeout(ctx, finishTimeout)
	defer cancel()
	for _, name := range s.order {
		s.mu.Lock()
		stopped := s.stopped
		s.mu.Unlock()
		if stopped {
			return
		}
		log := s.log.With("job", name)
		// Only a job whose last run is running can have runs left running: each
		// run abandons those before it starts. This spares other replicas the
		// lock when nothing is left.
		last, err := s.store.LastRun(ctx, name)
		if errors.Is(err, ErrNotFound) || err == nil && last.Status != RunRunning {
			continue
		}
		if err != nil {
			log.Warn("job: cannot read its last run, so runs left running are not looked for", "err", err)
			continue
		}
		held, ok, err := s.lock.Acquire(ctx, name, s.ttl)
		if err != nil {
			log.Warn("job: cannot take its lock, so runs left running are not looked for", "err", err)
			continue
		}
		if !ok {
			log.Debug("job: its lock is held, so its running run may be alive and is left alone", "run", last.ID, "replica", last.Replica)
			continue
		}
		s.abandon(ctx, name, log)
		rctx, rcancel := context.WithTimeout(context.WithoutCancel(ctx), finishTimeout)
		held.Release(rctx) // even when the look ran out of time: the slots need the lock
		rcancel()
	}
}

// abandon closes the runs of job left running by a replica that stopped; the
// caller holds job's lock. A failure is logged: it does not keep a run from
// starting.
func (s *Scheduler) abandon(ctx context.Context, job string, log *slog.Logger) {
	ids, err := s.store.AbandonRuns(ctx, job, time.Now())
	if err != nil {
		log.Warn("job: cannot close the runs left running by a replica that stopped", "err", err)
		return
	}
	for _, id := range ids {
		log.Warn("job: a run was left running by a replica that stopped; it is now recorded failed", "abandoned", id)
	}
}

// Stop stops scheduling and returns a context that is done when every run in this
// process, scheduled or RunNow, has finished and been recorded. It does not cancel
// them: the caller waits on the context as long as its shutdown allows.
func (s *Scheduler) Stop() context.Context {
	s.mu.Lock()
	s.stopped = true
	s.mu.Unlock()
	cronDone := s.cron.Stop()
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		<-cronDone.Done()
		s.running.Wait()
		cancel()
	}()
	return ctx
}

// Collectors are the scheduler's metrics, for the matcher's Metrics.Register:
// samenspel_job_runs_total{job,status}, samenspel_job_duration_seconds{job},
// samenspel_job_last_success_timestamp_seconds{job} and
// samenspel_job_tenders{job,result} (the items of the last run).
func (s *Scheduler) Collectors() []prometheus.Collector { return s.metrics.collectors() }

// RunNow runs the job name at once, outside its schedule (matcher recompute), under
// the same lock as the scheduled runs, and returns the run as recorded. It returns
// ErrBusy, recording nothing, when another run holds the lock; the run and the job's
// error when the job failed; ErrStopped after Stop.
func (s *Scheduler) RunNow(ctx context.Context, name string) (Run, error) {
	s.mu.Lock()
	e, ok := s.jobs[name]
	s.mu.Unlock()
	if !ok {
		return Run{}, fmt.Errorf("jobs: run %q: %w", name, ErrUnknownJob)
	}
	if !s.begin() {
		return Run{}, fmt.Errorf("jobs: run %q: %w", name, ErrStopped)
	}
	defer s.running.Done()
	held, ok, err := s.lock.Acquire(ctx, name, s.ttl)
	if err != nil {
		return Run{}, fmt.Errorf("jobs: run %q: %w", name, err)
	}
	if !ok {
		return Run{}, fmt.Errorf("jobs: run %q: %w", name, ErrBusy)
	}
	defer held.Release(ctx)
	return s.execute(ctx, e.job, held, s.log.With("job", name))
}

// begin counts a run or skip about to start, unless the scheduler is stopped.
func (s *Scheduler) begin() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.stopped {
		return false
	}
	s.running.Add(1)
	return true
}

// noteDropped records the slots that the wrapped SkipIfStillRunning drops: those
// after which no run of e began.
func (s *Scheduler) noteDropped(ctx context.Context, e *entry) cron.JobWrapper {
	return func(next cron.Job) cron.Job {
		return cron.FuncJob(func() {
			before := e.starts.Load()
			next.Run()
			if e.starts.Load() == before && s.begin() {
				defer s.running.Done()
				s.skip(ctx, e.job.Name, time.Now(), ReasonStillRunning)
			}
		})
	}
}

// scheduled runs a slot of e, unless another replica runs or ran it.
func (s *Scheduler) scheduled(ctx context.Context, e *entry) {
	if !s.begin() {
		return
	}
	defer s.running.Done()
	name := e.job.Name
	now := time.Now().In(s.loc)
	slot := slotOf(e.schedule, now)
	log := s.log.With("job", name, "slot", slot)

	held, ok, err := s.lock.Acquire(ctx, name, s.ttl)
	if err != nil {
		log.Error("job: cannot take its lock, so the slot is not run here", "err", err)
		s.recordFailure(ctx, name, now, err, log)
		return
	}
	if !ok {
		s.skip(ctx, name, now, s.help(ctx, e.job, slot, log))
		return
	}
	defer held.Release(ctx)
	// Holding the lock, ask whether a replica whose clock ran a little ahead has
	// already run this slot and released the lock.
	last, err := s.store.LastRun(ctx, name)
	switch {
	case err == nil && !last.Started.Before(slot):
		s.skip(ctx, name, now, fmt.Sprintf("%s (%s, run %d)", ReasonSlotDone, last.Replica, last.ID))
		return
	case err != nil && !errors.Is(err, ErrNotFound):
		log.Error("job: cannot read its last run, so the slot is not run here", "err", err)
		return
	}
	_, _ = s.execute(ctx, e.job, held, log)
}

// execute runs j holding held: it closes the runs that replicas which stopped left
// running, records the start, keeps the lock renewed with a heartbeat, recovers a
// panic, and records the result.
func (s *Scheduler) execute(ctx context.Context, j Job, held lease.Held, log *slog.Logger) (Run, error) {
	s.abandon(ctx, j.Name, log)
	run, err := s.store.StartRun(ctx, j.Name, s.replica, time.Now())
	if err != nil {
		log.Error("job: cannot record its start, so it does not run", "err", err)
		return Run{}, fmt.Errorf("jobs: run %q: %w", j.Name, err)
	}
	log = log.With("run", run.ID)
	log.Info("job: run starts")

	jctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	stop, kept := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(kept)
		s.keep(ctx, held, run.ID, cancel, stop, log)
	}()
	result, jobErr := call(jctx, j, run, log)
	close(stop)
	<-kept
	if cause := context.Cause(jctx); errors.Is(cause, lease.ErrLost) {
		// The run may have overlapped another replica's; its writes are fenced by
		// its run id, and it is reported failed whatever the job returned.
		jobErr = errors.Join(cause, jobErr)
	}

	fin := run
	fin.Ended = time.Now()
	fin.Done, fin.Skipped, fin.Failed = result.Done, result.Skipped, result.Failed
	fin.Status, fin.Report = RunDone, result.Report
	if _, err := json.Marshal(fin.Report); jobErr == nil && err != nil {
		jobErr, fin.Report = fmt.Errorf("jobs: %s returned a report that cannot be stored: %w", j.Name, err), Report{}
	}
	if jobErr != nil {
		fin.Status, fin.Report.Error = RunFailed, jobErr.Error()
	}
	fctx, fcancel := context.WithTimeout(context.WithoutCancel(ctx), finishTimeout)
	defer fcancel()
	if err := s.store.FinishRun(fctx, fin); err != nil {
		log.Error("job: cannot record its result", "err", err, "status", fin.Status)
	}
	s.metrics.observe(fin)
	attrs := []any{"status", fin.Status, "done", fin.Done, "skipped", fin.Skipped, "failed", fin.Failed,
		"duration", fin.Ended.Sub(fin.Started)}
	if jobErr != nil {
		log.Error("job: run failed", append(attrs, "err", jobErr)...)
		return fin, jobErr
	}
	log.Info("job: run done", attrs...)
	return fin, nil
}

// help lets j help the run that holds its lock (Job.Help), and returns the reason
// of the slot's skip: ReasonLockHeld, with what the help did or why it failed.
func (s *Scheduler) help(ctx context.Context, j Job, slot time.Time, log *slog.Logger) (why string) {
	why = ReasonLockHeld
	if j.Help == nil {
		return why
	}
	defer func() {
		if p := recover(); p != nil {
			log.Error("job: panic while helping", "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
			why = fmt.Sprintf("%s; helping it panicked: %v", ReasonLockHeld, p)
		}
	}()
	note, err := j.Help(ctx, slot)
	if note != "" {
		why += "; " + note
	}
	if err != nil {
		log.Error("job: helping the run of another replica failed", "err", err)
		why += "; helping it failed: " + err.Error()
	}
	return why
}

// call runs j, turning a panic into an error (logged with its stack), so that the
// run is recorded failed and the process and the next slots go on.
func call(ctx context.Context, j Job, run Run, log *slog.Logger) (result Run, err error) {
	defer func() {
		if p := recover(); p != nil {
			log.Error("job: panic", "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
			result, err = Run{}, fmt.Errorf("jobs: %s panicked: %v", j.Name, p)
		}
	}()
	return j.Run(ctx, run)
}

// keep renews held every third of its time to live until stop is closed, and
// cancels the run with lease.ErrLost as soon as the lock is lost: when Renew finds another
// holder, or when the time to live passes without a renewal (a renewal that fails
// for another reason, Redis slow, is tried again until then). The watch of Lost runs
// beside the renewals, so that a renewal that hangs does not delay it.
//
// After each renewal it records the heartbeat of the run id, beside the renewals
// too, so that a slow store does not delay them; a heartbeat that cannot be
// recorded is logged and the run goes on. It returns once the last heartbeat is
// written, so none comes after the run's result.
func (s *Scheduler) keep(ctx context.Context, held lease.Held, id int64, cancel context.CancelCauseFunc, stop <-chan struct{}, log *slog.Logger) {
	var wg sync.WaitGroup
	wg.Go(func() {
		select {
		case <-stop:
		case <-held.Lost():
			log.Error("job: lock lost (not renewed in time); the run is cancelled")
			cancel(lease.ErrLost)
		}
	})
	beats := make(chan time.Time, 1) // the latest renewal not yet recorded
	wg.Go(func() {
		for {
			select {
			case <-stop:
				return
			case at := <-beats:
				bctx, bcancel := context.WithTimeout(ctx, s.ttl)
				err := s.store.Beat(bctx, id, at)
				bcancel()
				if err != nil {
					log.Warn("job: cannot record its heartbeat; the run goes on", "err", err)
				}
			}
		}
	})
	defer wg.Wait()
	t := time.NewTicker(s.ttl / 3)
	defer t.Stop()
	for {
		select {
		case <-stop:
			return
		case <-held.Lost():
			return
		case <-t.C:
			err := held.Renew(ctx)
			if errors.Is(err, lease.ErrLost) {
				log.Error("job: lock lost (another holds it); the run is cancelled", "err", err)
				cancel(err)
				return
			}
			if err != nil {
				log.Warn("job: cannot renew its lock; trying again", "err", err)
				continue
			}
			select { // replace a heartbeat still waiting: only the latest counts
			case <-beats:
			default:
			}
			beats <- time.Now()
		}
	}
}

// skip records that this replica skips a slot of the job name.
func (s *Scheduler) skip(ctx context.Context, name string, now time.Time, why string) {
	r, err := s.store.RecordSkip(ctx, name, s.replica, now, why)
	if err != nil {
		s.log.Error("job: cannot record a skipped slot", "job", name, "reason", why, "err", err)
		return
	}
	s.metrics.observe(r)
	s.log.Info("job: slot skipped", "job", name, "reason", why, "run", r.ID)
}

// recordFailure records a slot that could not run at all, as a failed run written
// whole (store.RecordFailure), never seen running.
func (s *Scheduler) recordFailure(ctx context.Context, name string, now time.Time, cause error, log *slog.Logger) {
	run, err := s.store.RecordFailure(ctx, name, s.replica, now, time.Now(), cause.Error())
	if err != nil {
		log.Error("job: cannot record a failed slot", "err", err)
		return
	}
	s.metrics.observe(run)
}

// slotOf is the slot a firing at now belongs to: the latest time of sched at or
// before now (cron fires at it, a little late). Replicas whose clocks agree find
// the same slot, which makes it the unit that one of them runs.
func slotOf(sched cron.Schedule, now time.Time) time.Time {
	// Look back a minute first: the slot is nearly always within it. Sparse
	// schedules that fired late need longer looks, in which they have few times.
	for _, back := range []time.Duration{time.Minute, time.Hour, 25 * time.Hour, 8 * 24 * time.Hour, 32 * 24 * time.Hour} {
		t := sched.Next(now.Add(-back))
		if t.IsZero() || t.After(now) {
			continue
		}
		for {
			n := sched.Next(t)
			if n.IsZero() || n.After(now) {
				return t
			}
			t = n
		}
	}
	return now
}
