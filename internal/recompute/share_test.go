package recompute

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"samenspel/internal/cache"
	"samenspel/internal/jobs"
	"samenspel/internal/pgtest"
	"samenspel/internal/profiles"
	"samenspel/internal/store"
	"samenspel/internal/store/storetest"
	"samenspel/internal/suggest"
	"samenspel/internal/synth"
	"samenspel/internal/webhook"
)

// other opens another process's store over the fixture's data: another replica.
func (f *fixture) other(t *testing.T) *store.Store {
	t.Helper()
	st, err := store.Open(context.Background(), f.dir, f.tax)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// slowed is a replica's Suggestions that takes a while over each tender, so that
// two replicas both find work, and counts the tenders it answered.
type slowed struct {
	*suggest.Service
	by      time.Duration
	answers atomic.Int64
}

func (s *slowed) Recompute(ctx context.Context, tender string, run int64, full bool) (suggest.Outcome, error) {
	time.Sleep(s.by)
	s.answers.Add(1)
	return s.Service.Recompute(ctx, tender, run, full)
}

// shareStore is a store two replicas share a run over: either store.
type shareStore interface {
	HelpStore
	suggest.Store
	StartRun(ctx context.Context, job, replica string, now time.Time) (jobs.Run, error)
	FinishRun(ctx context.Context, r jobs.Run) error
	Undelivered(ctx context.Context, maxAttempts, limit int) ([]webhook.Notification, error)
}

// TestTwoReplicasShareARun: the replica that holds the lock runs the recompute;
// another replica, over a store of its own on the same data, helps it. Between
// them every open tender is answered once, by the run (its id fences every
// answer), each partner is notified once, and the run's report counts every
// tender with the replica that answered it. On the embedded store (two processes
// on one file) and on PostgreSQL (two hosts).
func TestTwoReplicasShareARun(t *testing.T) {
	t.Run("embedded", func(t *testing.T) {
		f := newFixture(t)
		shareARun(t, f.st, f.other(t), f.tenders)
	})
	t.Run("postgres", func(t *testing.T) {
		url := pgtest.Database(t)
		st := storetest.OpenPostgres(t, url)
		ctx := context.Background()
		if _, _, err := st.UpsertProfiles(ctx, synth.Profiles(1, 400)); err != nil {
			t.Fatal(err)
		}
		tenders := synth.Tenders(1, 6)
		for _, tn := range tenders {
			if err := st.CreateTender(ctx, tn, "gemeente-utrecht", time.Unix(0, 0)); err != nil {
				t.Fatal(err)
			}
		}
		shareARun(t, st, storetest.OpenPostgres(t, url), tenders)
	})
}

func shareARun(t *testing.T, st, otherSt shareStore, tenders []profiles.Tender) {
	ctx := context.Background()
	n := len(tenders)
	answers := cache.NewMemory(1000, time.Hour) // shared, as Redis is
	leader := &slowed{Service: suggest.New(st, answers, nil), by: 50 * time.Millisecond}
	helper := &slowed{Service: suggest.New(otherSt, answers, nil), by: 50 * time.Millisecond}

	run, err := st.StartRun(ctx, JobName, "matcher-1", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	var note string
	var helpErr error
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		help := Help(func(context.Context) (Suggestions, error) { return helper, nil }, otherSt,
			Options{Workers: 1, Replica: "matcher-2", Poll: 10 * time.Millisecond})
		note, helpErr = help(ctx, time.Now())
	}()
	got, err := Run(ctx, leader, st, run, Options{Workers: 1, Poll: 10 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	wg.Wait()
	got.Status, got.Ended = jobs.RunDone, time.Now()
	if err := st.FinishRun(ctx, got); err != nil {
		t.Fatal(err)
	}
	if helpErr != nil {
		t.Fatalf("Help() = %q, %v", note, helpErr)
	}
	if got.Done != n || leader.answers.Load()+helper.answers.Load() != int64(n) {
		t.Errorf("run done %d, answered %d here and %d by the helper; want %d, each once", got.Done, leader.answers.Load(), helper.answers.Load(), n)
	}
	if helper.answers.Load() == 0 || leader.answers.Load() == 0 {
		t.Errorf("answered %d here and %d by the helper: want both to share the work", leader.answers.Load(), helper.answers.Load())
	}
	rep := reportOf(t, got)
	if rep.Replicas["matcher-1"] != int(leader.answers.Load()) || rep.Replicas["matcher-2"] != int(helper.answers.Load()) {
		t.Errorf("report's replicas = %v, want matcher-1 %d and matcher-2 %d", rep.Replicas, leader.answers.Load(), helper.answers.Load())
	}
	if len(rep.Fairness.PerTender) != n || rep.Fairness.Seats == 0 {
		t.Errorf("fairness counts %d tenders (%d seats), want all %d, whoever answered them", len(rep.Fairness.PerTender), rep.Fairness.Seats, n)
	}
	if want := fmt.Sprintf("helped run %d of matcher-1: ", run.ID); !strings.HasPrefix(note, want) {
		t.Errorf("Help() said %q, want it to start %q", note, want)
	}
	for _, tn := range tenders {
		_, by, _, _, err := st.StoredSuggestion(ctx, tn.ID)
		if err != nil || by != run.ID {
			t.Errorf("tender %s stored by run %d (%v), want %d", tn.ID, by, err, run.ID)
		}
	}
	ns, err := st.Undelivered(ctx, 5, 10_000)
	if err != nil {
		t.Fatal(err)
	}
	if len(ns) != rep.Notifications || len(ns) == 0 {
		t.Errorf("%d notifications recorded, the report says %d", len(ns), rep.Notifications)
	}
	// The pages of every tender were warmed, by one replica or the other.
	var obs hits
	page := suggest.New(st, answers, &obs)
	for _, tn := range tenders {
		if _, err := page.ForTender(ctx, suggest.PageRequest(tn.ID)); err != nil {
			t.Fatal(err)
		}
	}
	if obs.hit.Load() != int64(n) || obs.miss.Load() != 0 {
		t.Errorf("the tender pages after the shared run: %d from the cache, %d missed; want all %d warm", obs.hit.Load(), obs.miss.Load(), n)
	}
}

// TestHelperThatStops: a helper that stops in the middle (its process ends)
// leaves the tenders it claimed unfinished; when its claims run out the run's own
// replica answers them, and the run counts every tender once.
func TestHelperThatStops(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	n := len(f.tenders)
	otherSt := f.other(t)
	stop, cancel := context.WithCancel(ctx)
	defer cancel()
	helper := &stopping{Service: suggest.New(otherSt, cache.NewMemory(100, time.Hour), nil), cancel: cancel}

	run := f.start(t, 1)
	// The helper claims a few tenders, answers one and stops with the rest of
	// its claim in hand.
	// The run's own tenders take it well under the claim's time to live: it
	// must wait for the helper's claim to run out.
	opts := Options{Workers: 1, Poll: 10 * time.Millisecond, ClaimTTL: time.Second}
	done := make(chan struct{})
	var got jobs.Run
	var err error
	go func() {
		defer close(done)
		got, err = Run(ctx, &slowed{Service: f.svc, by: 50 * time.Millisecond}, f.st, run, opts)
	}()
	hopts := opts
	hopts.Replica = "matcher-2"
	note, herr := Help(func(context.Context) (Suggestions, error) { return helper, nil }, otherSt, hopts)(stop, time.Now())
	if herr == nil {
		t.Errorf("Help() stopped in the middle = %q, nil; want its context's error", note)
	}
	<-done
	if err != nil {
		t.Fatal(err)
	}
	f.finish(t, got)
	if got.Done != n {
		t.Errorf("run done %d, want all %d (the stopped helper's claims taken up)", got.Done, n)
	}
	_, runs := f.stored(t)
	for _, tn := range f.tenders {
		if runs[tn.ID] != run.ID {
			t.Errorf("tender %s stored by run %d, want %d", tn.ID, runs[tn.ID], run.ID)
		}
	}
}

// stopping answers one tender, then ends its replica's context.
type stopping struct {
	*suggest.Service
	cancel context.CancelFunc
	once   sync.Once
}

func (s *stopping) Recompute(ctx context.Context, tender string, run int64, full bool) (suggest.Outcome, error) {
	out, err := s.Service.Recompute(ctx, tender, run, full)
	s.once.Do(s.cancel)
	return out, err
}

// TestStoppedInTheWarmPass: a run stopped once every default answer is stored,
// while it warms the pages, has stored them all, fails with its context's error,
// and reports the pages it did not come to.
func TestStoppedInTheWarmPass(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	n := len(f.tenders)
	stop, cancel := context.WithCancel(ctx)
	defer cancel()
	var yields atomic.Int64
	got, err := Run(stop, f.svc, f.st, f.start(t, 1), Options{Workers: 1, Yield: func(context.Context) {
		if yields.Add(1) == int64(n+1) { // before the first page
			cancel()
		}
	}})
	if err == nil {
		t.Fatal("Run() stopped in the warm pass = nil, want its context's error")
	}
	f.finish(t, got)
	if got.Done != n {
		t.Errorf("run done %d, want all %d default answers", got.Done, n)
	}
	if p := reportOf(t, got).Pages; p.Warmed != 0 || p.Left != n {
		t.Errorf("pages = %+v, want none warmed and %d left", p, n)
	}
	_, runs := f.stored(t)
	for _, tn := range f.tenders {
		if runs[tn.ID] != 1 {
			t.Errorf("tender %s stored by run %d, want 1", tn.ID, runs[tn.ID])
		}
	}
}

// hits counts the cache's hits and misses of a service.
type hits struct{ hit, miss atomic.Int64 }

func (h *hits) SuggestionCache(hit bool) {
	if hit {
		h.hit.Add(1)
	} else {
		h.miss.Add(1)
	}
}

func (h *hits) CacheError() {}

// TestHelpFindsNothing: a helper whose slot's run has ended, or that finds no run
// at all within its wait, helps nothing and says so.
func TestHelpFindsNothing(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	never := func(context.Context) (Suggestions, error) {
		t.Error("a helper with nothing to help built its Suggestions")
		return nil, nil
	}
	opts := Options{Replica: "matcher-2", HelpWait: 100 * time.Millisecond, Poll: 10 * time.Millisecond}
	if note, err := Help(never, f.st, opts)(ctx, time.Now()); err != nil || note != "found no run with tenders left to help" {
		t.Errorf("Help() with no run = %q, %v", note, err)
	}
	slot := time.Now().Add(-time.Second)
	ran := f.recompute(t, 1, Options{})
	start := time.Now()
	if note, err := Help(never, f.st, Options{Replica: "matcher-2", Poll: 10 * time.Millisecond})(ctx, slot); err != nil || note != "run 1 of matcher-1 had ended" {
		t.Errorf("Help() after the slot's run %d ended = %q, %v", ran.ID, note, err)
	}
	if waited := time.Since(start); waited > HelpWait/2 {
		t.Errorf("Help() after the slot's run ended waited %v, want it to give up at once", waited)
	}
}
