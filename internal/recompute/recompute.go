// Package recompute is the nightly job that brings the stored suggestions of every
// open tender up to date (SPEC §8, `matcher recompute`). It sits above
// internal/suggest, which computes and stores one tender's answer, and below the
// job scheduler (internal/jobs) and the command line, which record the run and
// hold its lock.
//
// A run is incremental: a tender whose inputs (the tender, its candidates' public
// fields, the trust among them) are unchanged since its stored answer is skipped;
// Options.Full recomputes all. Tenders are recomputed in parallel by a bounded
// pool of workers. Each answer replaces the old one in one write, fenced by the
// run's id, so a run that stops part-way (cancelled, crashed, its lock lost)
// leaves every tender with either its old answer or its new one, and a run that
// lost its lock cannot overwrite a newer run's answers.
//
// Each run records a notification for every partner that appears in a tender's
// suggestions for the first time, and reports how fair the suggestions are: the
// share of the seats in suggested coalitions that went to small and new providers,
// overall and per tender, and beside it the same share of the seats in the
// coalitions tender owners awarded (profiles.Award), which is what the suggestions
// are for.
package recompute

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"samenspel/internal/jobs"
	"samenspel/internal/profiles"
	"samenspel/internal/snapshot"
	"samenspel/internal/suggest"
	"samenspel/internal/webhook"
)

// Suggestions recomputes one tender's answer and warms its page;
// *suggest.Service implements it.
type Suggestions interface {
	Recompute(ctx context.Context, tender string, run int64, full bool) (suggest.Outcome, error)
	WarmPage(ctx context.Context, tender string) (bool, error)
}

// Store lists the tenders and their awards, records notifications, and keeps the
// run's shared work; both stores implement it.
type Store interface {
	Tenders(ctx context.Context) ([]profiles.TenderRecord, error)
	Awards(ctx context.Context) ([]profiles.Award, error)
	AddNotifications(ctx context.Context, run int64, now time.Time, ns []webhook.Notification) (int, error)
	jobs.WorkStore
}

// Options tune a run. The zero value is an incremental run on every core.
type Options struct {
	// Full recomputes every open tender, changed or not.
	Full bool
	// Workers bounds the tenders recomputed at once: runtime.GOMAXPROCS(0) when 0.
	// A run inside a process that also serves requests takes WorkersBesideRequests.
	Workers int
	// Yield, when set, is called by each worker before each tender: a run beside
	// live requests gives way to them there (GiveWay).
	Yield func(ctx context.Context)
	// Progress, when set, is called after each tender with the tenders finished so
	// far and their total, from one goroutine at a time.
	Progress func(done, total int)
	// Log receives the tenders that failed; none when nil.
	Log *slog.Logger
	// Now is the clock of the notifications and the claims: time.Now when nil.
	Now func() time.Time
	// Replica names this process in the claims of a run it helps (Help); a run's
	// own replica claims under the run's Replica.
	Replica string
	// ClaimTTL is how long a claim on a few tenders lasts: jobs.DefaultClaimTTL
	// when 0.
	ClaimTTL time.Duration
	// HelpWait is how long Help waits for a run to help: HelpWait when 0.
	HelpWait time.Duration
	// Poll is how often a run waiting for the tenders another replica holds, or a
	// helper waiting for a run, looks again: 250 ms when 0.
	Poll time.Duration
}

// withDefaults fills in the defaults of the zero fields.
func (o Options) withDefaults() Options {
	if o.Workers <= 0 {
		o.Workers = runtime.GOMAXPROCS(0)
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Yield == nil {
		o.Yield = func(context.Context) {}
	}
	o.ClaimTTL = cmp.Or(o.ClaimTTL, jobs.DefaultClaimTTL)
	o.HelpWait = cmp.Or(o.HelpWait, HelpWait)
	o.Poll = cmp.Or(o.Poll, 250*time.Millisecond)
	return o
}

// WorkersBesideRequests is the bound of Options.Workers for a run in a process
// that serves live requests too (`matcher serve`): every core but one, and at
// least one. The core left over keeps the live requests' p99 near its idle value
// (BenchmarkLiveDuringRecompute in internal/api); `matcher recompute`, alone in its
// process, takes every core.
func WorkersBesideRequests() int { return max(1, runtime.GOMAXPROCS(0)-1) }

// GiveWay is an Options.Yield for a run in a process that also answers requests:
// before each tender it waits while inFlight (the requests being answered) is not
// zero, at most most, so that a tender's computation never starts beside a live
// request, and a busy API slows the run down but never stops it.
func GiveWay(inFlight func() int64, most time.Duration) func(ctx context.Context) {
	return func(ctx context.Context) {
		if inFlight() == 0 {
			return
		}
		deadline := time.Now().Add(most)
		t := time.NewTicker(time.Millisecond)
		defer t.Stop()
		for inFlight() > 0 && time.Now().Before(deadline) {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
		}
	}
}

// DefaultGiveWay is how long GiveWay waits at most before a tender in `matcher
// serve`: a few times a request's usual time.
const DefaultGiveWay = 20 * time.Millisecond

// JobName is the job's name in the runs, the metrics and its lock.
const JobName = "recompute"

// SnapshotSource is the store a run's snapshot is taken from and the rest of its
// reads go to: the embedded store, PostgreSQL.
type SnapshotSource interface {
	suggest.Store
	snapshot.Profiler
}

// NewSuggestions builds the Suggestions of one run, when the run starts.
type NewSuggestions func(ctx context.Context) (Suggestions, error)

// JobEach is Run as the scheduler's job (internal/jobs: Job.Run), for `matcher
// serve`'s nightly slot and `matcher recompute`, with the Suggestions built afresh by
// newSvc at the start of each run (FromSnapshot).
func JobEach(newSvc NewSuggestions, st Store, opts Options) func(ctx context.Context, run jobs.Run) (jobs.Run, error) {
	return func(ctx context.Context, run jobs.Run) (jobs.Run, error) {
		svc, err := newSvc(ctx)
		if err != nil {
			return run, fmt.Errorf("recompute: %w", err)
		}
		return Run(ctx, svc, st, run, opts)
	}
}

// FromSnapshot builds the Suggestions of each run whose candidates are read from
// the embedded store st: a suggest.Service of the run's own over st, except that
// the candidates of every tender come from a snapshot of st's profiles taken when
// the run starts (internal/snapshot), read and decoded once rather than once per
// tender. Its answers go to answers, the cache the API's service reads (obs counts
// its failures; it may be nil).
//
// The digest a run stores is that of the inputs it computed from. The snapshot's
// candidates are those st.Candidates gives at the moment it is taken, so an answer
// stands for exactly the state the run saw; a profile written during the run makes
// the snapshot older than the store, the digest of the live inputs then differs,
// and the API computes that tender's answer instead of serving the stored one (as
// it does for any write after a run). The run's service is never the API's: its
// digest memo, keyed by the store's versions, would otherwise remember a digest of
// the snapshot under a version that the store has since passed with a write the
// snapshot does not hold.
//
// Only for reads from the embedded store: with a search index (internal/scaled)
// the candidates come from it, and a run must read them as the API does.
func FromSnapshot(st SnapshotSource, answers suggest.Cache, obs suggest.Observer) NewSuggestions {
	return func(ctx context.Context) (Suggestions, error) {
		snap, err := snapshot.Take(ctx, st)
		if err != nil {
			return nil, err
		}
		return suggest.New(snapshot.Over(st, snap), answers, obs), nil
	}
}

// Run recomputes the open tenders for job run run and returns it with Done
// (tenders recomputed), Skipped (unchanged, or already answered by a newer run),
// Failed and Report filled in; the caller records it (FinishRun) and sets its
// status. A tender that fails is logged and counted, and the run goes on.
//
// The open tenders are the run's shared work (jobs.WorkStore): Run lists them in
// the store, and its workers, with those of any replica that helps (Help), claim a
// few at a time and record each tender's outcome with its notifications. Once
// every tender is finished (Run takes up the claims of a helper that stopped
// when they run out), the report is written from the outcomes, whoever computed
// them. Then, as a second pass, Run warms the pages (suggest.Service.WarmPage) of
// the tenders its own workers answered; a run may be stopped in that pass with
// every default answer stored.
//
// When ctx ends (the run's lock was lost, or the process is stopping) no tender
// is started any more; those in flight finish or are dropped, each whole, the
// outcomes of those finished are recorded, and Run returns what was done with
// ctx's error. A partner already notified for a tender is not notified twice.
func Run(ctx context.Context, svc Suggestions, st Store, run jobs.Run, opts Options) (jobs.Run, error) {
	opts = opts.withDefaults()
	recs, err := st.Tenders(ctx)
	if err != nil {
		return run, fmt.Errorf("recompute: %w", err)
	}
	awards, err := st.Awards(ctx)
	if err != nil {
		return run, fmt.Errorf("recompute: %w", err)
	}
	var open []string
	for _, rec := range recs {
		if !rec.Closed {
			open = append(open, rec.Tender.ID)
		}
	}
	if err := st.AddWork(ctx, run.ID, open); err != nil {
		return run, fmt.Errorf("recompute: %w", err)
	}
	p := &pass{svc: svc, st: st, run: run.ID, replica: run.Replica, total: len(open), wait: true, opts: opts}
	p.answerAll(ctx)

	// The outcomes are read even when ctx has ended: a run that stops reports
	// what it did.
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), recordTimeout)
	defer cancel()
	items, err := st.WorkResults(rctx, run.ID)
	if err != nil {
		return run, fmt.Errorf("recompute: %w", err)
	}
	rep := Report{Fairness: Fairness{PerTender: map[string]TenderShare{}}, Replicas: map[string]int{}}
	rep.Fairness.Awarded = awardedSeats(awards)
	for _, it := range items {
		var o outcome
		if err := json.Unmarshal(it.Result, &o); err != nil {
			return run, fmt.Errorf("recompute: the outcome of tender %q: %w", it.Key, err)
		}
		rep.Replicas[it.Replica]++
		rep.Notifications += o.Notified
		switch o.Status {
		case outcomeFailed:
			run.Failed++
		case outcomeFenced:
			// A newer run answered the tender: its answer stands, and so do its
			// notifications and fairness.
			run.Skipped++
			rep.Fenced++
		default:
			if o.Status == outcomeSkipped {
				run.Skipped++
			} else {
				run.Done++
			}
			rep.Fairness.add(it.Key, o.TenderShare)
		}
	}
	rep.Fairness.Share = ratio(rep.Fairness.SmallOrNew, rep.Fairness.Seats)
	finished := len(items)
	if err := ctx.Err(); err == nil && p.err == nil {
		rep.Pages = p.warmAll(ctx)
	}
	run.Report.Details = rep
	if err := ctx.Err(); err != nil {
		return run, fmt.Errorf("recompute: stopped after %d of %d tenders: %w", finished, len(open), err)
	}
	if p.err != nil {
		return run, fmt.Errorf("recompute: %w", p.err)
	}
	if p.notifyErr != nil {
		return run, fmt.Errorf("recompute: notifications: %w", p.notifyErr)
	}
	return run, nil
}

// HelpStore is what a replica that helps another's run reads besides Store: the
// runs, to find the one to help.
type HelpStore interface {
	Store
	LastRun(ctx context.Context, job string) (jobs.Run, error)
}

// HelpWait is how long a helper waits for the run it is to help to list its
// tenders: the replica that holds the lock lists them when its run starts.
const HelpWait = 30 * time.Second

// Help is Job.Help of the recompute (internal/jobs): on a replica that finds the
// job's lock held when a slot comes, it helps the running run of another replica
// with its open tenders, as that run's workers do (claims of opts.Replica, fenced
// by that run's id), with the Suggestions built by newSvc (a snapshot of its own),
// then warms the pages of the tenders it answered. It waits up to HelpWait for a
// running run with tenders left (not past the end of a run that started in the
// slot), and stops when none is left to claim. It says what it did, for the skip's
// reason.
func Help(newSvc NewSuggestions, st HelpStore, opts Options) func(ctx context.Context, slot time.Time) (string, error) {
	return func(ctx context.Context, slot time.Time) (string, error) {
		opts := opts.withDefaults()
		if opts.Replica == "" {
			return "", errors.New("recompute: a helper needs its replica's name")
		}
		deadline := time.Now().Add(opts.HelpWait)
		var run jobs.Run
		for {
			last, err := st.LastRun(ctx, JobName)
			if err != nil && !errors.Is(err, jobs.ErrNotFound) {
				return "", fmt.Errorf("recompute: %w", err)
			}
			if err == nil && last.Status != jobs.RunRunning && !last.Started.Before(slot) {
				return fmt.Sprintf("run %d of %s had ended", last.ID, last.Replica), nil // the slot's run: nothing left to help
			}
			if err == nil && last.Status == jobs.RunRunning && last.Replica != opts.Replica {
				left, err := st.WorkLeft(ctx, last.ID)
				if err != nil {
					return "", fmt.Errorf("recompute: %w", err)
				}
				if left > 0 {
					run = last
					break
				}
			}
			if !time.Now().Before(deadline) {
				return "found no run with tenders left to help", nil
			}
			select {
			case <-ctx.Done():
				return "", ctx.Err()
			case <-time.After(opts.Poll):
			}
		}
		svc, err := newSvc(ctx)
		if err != nil {
			return "", fmt.Errorf("recompute: %w", err)
		}
		p := &pass{svc: svc, st: st, run: run.ID, replica: opts.Replica, opts: opts}
		p.answerAll(ctx)
		var pages Pages
		if ctx.Err() == nil && p.err == nil {
			pages = p.warmAll(ctx)
		}
		note := fmt.Sprintf("helped run %d of %s: %d tenders, %d failed, %d pages warmed", run.ID, run.Replica, p.answered, p.failed, pages.Warmed)
		switch {
		case ctx.Err() != nil:
			return note, ctx.Err()
		case p.err != nil:
			return note, fmt.Errorf("recompute: %w", p.err)
		case p.notifyErr != nil:
			return note, fmt.Errorf("recompute: notifications: %w", p.notifyErr)
		}
		return note, nil
	}
}

// claimBatch is how many tenders a worker claims at once: few, so that the
// replicas share the last of the work evenly, and enough that the claims cost
// little beside the searches.
const claimBatch = 4

// recordTimeout bounds recording a batch's outcomes and reading a run's: done
// even when the run's context has ended, so that a computed answer is counted.
const recordTimeout = 10 * time.Second

// Outcomes of a tender, as its shared work item records them.
const (
	outcomeDone    = "done"
	outcomeSkipped = "skipped"
	outcomeFenced  = "fenced"
	outcomeFailed  = "failed"
)

// outcome is a tender's result in the run's shared work: what was done, the
// seats of its answer, and how many partners were first notified with the
// batch it was finished in (counted on the batch's first tender).
type outcome struct {
	Status string `json:"status"`
	TenderShare
	Notified int `json:"notified,omitempty"`
}

// pass is one replica's share of a run: its workers claim tenders and record
// their outcomes, and remember those they answered for the warm pass.
type pass struct {
	svc     Suggestions
	st      Store
	run     int64
	replica string
	total   int  // the run's tenders, for Progress (the run's own replica)
	wait    bool // wait for every tender to be finished, taking up claims that ran out
	opts    Options

	mu               sync.Mutex
	answered, failed int
	mine             []string // answered here (not fenced, not failed), for the warm pass
	done             int      // the most tenders seen finished, for Progress
	err, notifyErr   error
}

// answerAll runs the workers of the pass until no tender is left to claim (or,
// when p.wait, none is left unfinished) or ctx ends.
func (p *pass) answerAll(ctx context.Context) {
	var wg sync.WaitGroup
	for range p.opts.Workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := p.work(ctx); err != nil && ctx.Err() == nil {
				p.mu.Lock()
				p.err = cmp.Or(p.err, err)
				p.mu.Unlock()
			}
		}()
	}
	wg.Wait()
}

// work is one worker: claim a few tenders, answer them, record their outcomes.
func (p *pass) work(ctx context.Context) error {
	for ctx.Err() == nil {
		keys, err := p.st.ClaimWork(ctx, p.run, p.replica, claimBatch, p.opts.Now(), p.opts.ClaimTTL)
		if err != nil {
			return err
		}
		if len(keys) == 0 {
			if !p.wait {
				return nil
			}
			left, err := p.st.WorkLeft(ctx, p.run)
			if err != nil || left == 0 {
				return err
			}
			select { // another replica holds the rest: wait for it, or for its claims to run out
			case <-ctx.Done():
			case <-time.After(p.opts.Poll):
			}
			continue
		}
		if err := p.answer(ctx, keys); err != nil {
			return err
		}
	}
	return nil
}

// answer recomputes the claimed tenders and records their outcomes with their
// notifications. A tender stopped by ctx is left unfinished.
func (p *pass) answer(ctx context.Context, keys []string) error {
	items := make([]jobs.Item, 0, len(keys))
	outs := make([]outcome, 0, len(keys))
	var ns []webhook.Notification
	var mine []string
	failed := 0
	for _, id := range keys {
		if ctx.Err() != nil {
			break
		}
		p.opts.Yield(ctx)
		out, err := p.svc.Recompute(ctx, id, p.run, p.opts.Full)
		var o outcome
		switch {
		case err != nil && ctx.Err() != nil:
			continue // stopped: the tender keeps its old answer, and stays unfinished
		case err != nil:
			p.opts.Log.Error("recompute: tender failed", "tender", id, "run", p.run, "err", err)
			o.Status = outcomeFailed
			failed++
		case out.Fenced:
			o.Status = outcomeFenced
		default:
			o.Status = outcomeDone
			if out.Skipped {
				o.Status = outcomeSkipped
			}
			o.TenderShare = shareOf(out)
			ns = append(ns, firstAppearances(id, out)...)
			mine = append(mine, id)
		}
		items = append(items, jobs.Item{Key: id})
		outs = append(outs, o)
	}
	if len(items) == 0 {
		return nil
	}
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), recordTimeout)
	defer cancel()
	notified, nerr := p.st.AddNotifications(rctx, p.run, p.opts.Now().UTC(), ns)
	outs[0].Notified = notified
	for i := range items {
		b, err := json.Marshal(outs[i])
		if err != nil {
			return err
		}
		items[i].Result = b
	}
	left, err := p.st.FinishWork(rctx, p.run, p.replica, items)
	if err != nil {
		return err
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if nerr != nil && p.notifyErr == nil {
		p.notifyErr = nerr // those partners are notified by the next run
	}
	p.answered += len(items)
	p.failed += failed
	p.mine = append(p.mine, mine...)
	if done := p.total - left; p.opts.Progress != nil && p.total > 0 && done > p.done {
		p.done = done
		p.opts.Progress(done, p.total)
	}
	return nil
}

// warmAll warms the pages of the tenders this pass answered, on the pass's
// workers, until they are all warm or ctx ends.
func (p *pass) warmAll(ctx context.Context) Pages {
	todo := make(chan string)
	var warmed, seen atomic.Int64
	var wg sync.WaitGroup
	for range p.opts.Workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for id := range todo {
				p.opts.Yield(ctx)
				ok, err := p.svc.WarmPage(ctx, id)
				if err != nil && ctx.Err() == nil {
					p.opts.Log.Warn("recompute: page not warmed", "tender", id, "run", p.run, "err", err)
				}
				if ctx.Err() == nil {
					seen.Add(1)
				}
				if ok {
					warmed.Add(1)
				}
			}
		}()
	}
	for _, id := range p.mine {
		if ctx.Err() != nil {
			break
		}
		select {
		case todo <- id:
		case <-ctx.Done():
		}
	}
	close(todo)
	wg.Wait()
	return Pages{Warmed: int(warmed.Load()), Left: len(p.mine) - int(seen.Load())}
}

// firstAppearances are the notifications of an answer: each member of a suggested
// coalition, with the best rank it got. The store keeps only the first per partner
// and tender.
func firstAppearances(tender string, out suggest.Outcome) []webhook.Notification {
	best := map[string]int{}
	for _, c := range out.Result.Coalitions {
		for _, m := range c.Members {
			if r, ok := best[m.ID]; !ok || c.Rank < r {
				best[m.ID] = c.Rank
			}
		}
	}
	ns := make([]webhook.Notification, 0, len(best))
	for _, id := range slices.Sorted(maps.Keys(best)) {
		ns = append(ns, webhook.Notification{Profile: id, Tender: tender, Rank: best[id]})
	}
	return ns
}

// Report is what a run reports besides its counts: store.Run.Report, as GET
// /v1/jobs/{id} shows it.
type Report struct {
	Fairness Fairness `json:"fairness"`
	// Notifications counts the partners notified for the first time.
	Notifications int `json:"notifications"`
	// Fenced counts the tenders a newer run had answered first.
	Fenced int `json:"fenced"`
	// Replicas counts the tenders each replica finished: the run's own, and
	// those that helped it.
	Replicas map[string]int `json:"replicas"`
	// Pages is the warm pass of the run's own replica (a helper's is in the
	// reason of its skip).
	Pages Pages `json:"pages"`
}

// Pages is what a replica's warm pass did: the tender pages it computed and put in
// the cache (a page already there is not counted), and those of the tenders it
// answered that it did not come to because the run stopped.
type Pages struct {
	Warmed int `json:"warmed"`
	Left   int `json:"left"`
}

// Fairness is the share of the seats in suggested coalitions (a seat is one
// member of one coalition: a partner in three coalitions holds three) that went to
// small or new providers, over the tenders answered and per tender; and Awarded,
// the same of the coalitions tender owners chose.
type Fairness struct {
	Seats      int                    `json:"seats"`
	SmallOrNew int                    `json:"small_or_new"`
	Share      float64                `json:"share"`
	PerTender  map[string]TenderShare `json:"per_tender"`
	Awarded    AwardedSeats           `json:"awarded"`
}

// AwardedSeats is the share of the seats in awarded coalitions (one per member of
// each tender's award, open tenders and closed) that went to partners small or new
// when they were awarded, over every award and per tender: whether small and new
// providers are chosen, not only suggested.
type AwardedSeats struct {
	Seats      int                    `json:"seats"`
	SmallOrNew int                    `json:"small_or_new"`
	Share      float64                `json:"share"`
	PerTender  map[string]TenderShare `json:"per_tender"`
}

// awardedSeats counts the seats of the awards.
func awardedSeats(awards []profiles.Award) AwardedSeats {
	out := AwardedSeats{PerTender: map[string]TenderShare{}}
	for _, a := range awards {
		var s TenderShare
		for _, m := range a.Members {
			s.Seats++
			if m.SmallOrNew {
				s.SmallOrNew++
			}
		}
		s.Share = ratio(s.SmallOrNew, s.Seats)
		out.PerTender[a.Tender] = s
		out.Seats += s.Seats
		out.SmallOrNew += s.SmallOrNew
	}
	out.Share = ratio(out.SmallOrNew, out.Seats)
	return out
}

// TenderShare is the seats of one tender's answer.
type TenderShare struct {
	Seats      int     `json:"seats"`
	SmallOrNew int     `json:"small_or_new"`
	Share      float64 `json:"share"`
}

// shareOf is the seats of one tender's answer.
func shareOf(out suggest.Outcome) TenderShare {
	var s TenderShare
	for _, c := range out.Result.Coalitions {
		for _, m := range c.Members {
			s.Seats++
			if out.Inclusive[m.ID] {
				s.SmallOrNew++
			}
		}
	}
	s.Share = ratio(s.SmallOrNew, s.Seats)
	return s
}

// add counts the seats of one tender's answer.
func (f *Fairness) add(tender string, s TenderShare) {
	f.PerTender[tender] = s
	f.Seats += s.Seats
	f.SmallOrNew += s.SmallOrNew
}

// ratio is a/b, 0 when b is 0.
func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}
