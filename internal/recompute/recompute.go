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
	"context"
	"fmt"
	"log/slog"
	"maps"
	"runtime"
	"slices"
	"sync"
	"time"

	"samenspel/internal/jobs"
	"samenspel/internal/profiles"
	"samenspel/internal/snapshot"
	"samenspel/internal/suggest"
	"samenspel/internal/webhook"
)

// Suggestions recomputes one tender's answer; *suggest.Service implements it.
type Suggestions interface {
	Recompute(ctx context.Context, tender string, run int64, full bool) (suggest.Outcome, error)
}

// Store lists the tenders and their awards and records notifications;
// *store.Store implements it.
type Store interface {
	Tenders(ctx context.Context) ([]profiles.TenderRecord, error)
	Awards(ctx context.Context) ([]profiles.Award, error)
	AddNotifications(ctx context.Context, run int64, now time.Time, ns []webhook.Notification) (int, error)
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
	// Now is the clock of the notifications: time.Now when nil.
	Now func() time.Time
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

// notifyBatch is how many notifications one write records: the run writes a few
// hundred transactions a night rather than one per tender.
const notifyBatch = 1000

// Run recomputes the open tenders for job run run and returns it with Done
// (tenders recomputed), Skipped (unchanged, or already answered by a newer run),
// Failed and Report filled in; the caller records it (store.FinishRun) and sets
// its status. A tender that fails is logged and counted, and the run goes on.
//
// When ctx ends (the run's lock was lost, or the process is stopping) no tender
// is started any more; those in flight finish or are dropped, each whole, and Run
// returns what it did with ctx's error. Notifications not yet recorded are then
// recorded by the next run, which records those of unchanged answers again (a
// partner already notified for a tender is not notified twice).
func Run(ctx context.Context, svc Suggestions, st Store, run jobs.Run, opts Options) (jobs.Run, error) {
	if opts.Workers <= 0 {
		opts.Workers = runtime.GOMAXPROCS(0)
	}
	if opts.Log == nil {
		opts.Log = slog.New(slog.DiscardHandler)
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
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

	type result struct {
		tender string
		out    suggest.Outcome
		err    error
	}
	todo := make(chan string)
	results := make(chan result)
	var wg sync.WaitGroup
	for range min(opts.Workers, max(len(open), 1)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for id := range todo {
				if opts.Yield != nil {
					opts.Yield(ctx)
				}
				out, err := svc.Recompute(ctx, id, run.ID, opts.Full)
				results <- result{id, out, err}
			}
		}()
	}
	go func() {
		defer close(todo)
		for _, id := range open {
			if ctx.Err() != nil {
				return // stopped: start no more tenders
			}
			select {
			case todo <- id:
			case <-ctx.Done():
				return
			}
		}
	}()
	go func() { wg.Wait(); close(results) }()

	rep := Report{Fairness: Fairness{PerTender: map[string]TenderShare{}}}
	rep.Fairness.Awarded = awardedSeats(awards)
	var pending []webhook.Notification
	var notifyErr error
	flush := func() {
		if len(pending) == 0 || notifyErr != nil {
			return
		}
		n, err := st.AddNotifications(ctx, run.ID, opts.Now().UTC(), pending)
		if err != nil {
			notifyErr = err
			return
		}
		rep.Notifications += n
		pending = pending[:0]
	}
	finished := 0
	for r := range results {
		finished++
		switch {
		case r.err != nil:
			if ctx.Err() == nil {
				run.Failed++
				opts.Log.Error("recompute: tender failed", "tender", r.tender, "run", run.ID, "err", r.err)
			}
		case r.out.Fenced:
			// A newer run answered the tender: its answer stands, and so do its
			// notifications and fairness.
			run.Skipped++
			rep.Fenced++
		default:
			if r.out.Skipped {
				run.Skipped++
			} else {
				run.Done++
			}
			rep.Fairness.add(r.tender, r.out)
			pending = append(pending, firstAppearances(r.tender, r.out)...)
			if len(pending) >= notifyBatch {
				flush()
			}
		}
		if opts.Progress != nil {
			opts.Progress(finished, len(open))
		}
	}
	if ctx.Err() == nil {
		flush()
	}
	rep.Fairness.Share = ratio(rep.Fairness.SmallOrNew, rep.Fairness.Seats)
	run.Report.Details = rep
	if err := ctx.Err(); err != nil {
		return run, fmt.Errorf("recompute: stopped after %d of %d tenders: %w", finished, len(open), err)
	}
	if notifyErr != nil {
		return run, fmt.Errorf("recompute: notifications: %w", notifyErr)
	}
	return run, nil
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

// add counts the seats of one tender's answer.
func (f *Fairness) add(tender string, out suggest.Outcome) {
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
