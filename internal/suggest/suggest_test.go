package suggest

import (
	"context"
	"encoding/json"
	"errors"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"samenspel/config"
	"samenspel/internal/cache"
	"samenspel/internal/match"
	"samenspel/internal/profiles"
	"samenspel/internal/redistest"
	"samenspel/internal/store"
	"samenspel/internal/synth"
)

// counting wraps the real store and can make candidate retrieval slow.
type counting struct {
	*store.Store
	slow time.Duration
}

func (c *counting) Candidates(ctx context.Context, t profiles.Tender) ([]profiles.Profile, error) {
	time.Sleep(c.slow)
	return c.Store.Candidates(ctx, t)
}

func setup(t *testing.T) (*counting, *Service, profiles.Tender, []profiles.Profile) {
	t.Helper()
	ctx := context.Background()
	tax, err := profiles.ParseTaxonomy(config.Taxonomy)
	if err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(ctx, t.TempDir(), tax)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	tn := synth.Tenders(1, 1)[0]
	ps := synth.Pool(1, tn, 60)
	if _, _, err := st.UpsertProfiles(ctx, ps); err != nil {
		t.Fatal(err)
	}
	if err := st.CreateTender(ctx, tn, "owner", time.Unix(0, 0)); err != nil {
		t.Fatal(err)
	}
	c := &counting{Store: st}
	return c, New(c, cache.NewMemory(100, time.Hour), nil), tn, ps
}

func result(t *testing.T, b []byte) match.Result {
	t.Helper()
	var r match.Result
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatal(err)
	}
	return r
}

func TestCachedUntilSomethingChanges(t *testing.T) {
	ctx := context.Background()
	st, svc, tn, ps := setup(t)
	req := Request{Tender: tn.ID, Top: 5}
	first, err := svc.ForTender(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	if r := result(t, first); r.Tender != tn.ID || len(r.Coalitions) == 0 {
		t.Fatalf("ForTender = %+v, want coalitions for %s", r, tn.ID)
	}
	if again, _ := svc.ForTender(ctx, req); string(again) != string(first) || svc.computes.Load() != 1 {
		t.Fatalf("second ForTender computed again (%d computations)", svc.computes.Load())
	}

	best := result(t, first).Coalitions[0].Members[0].ID
	// A profile outside the tender's area is no candidate: its writes change nothing.
	outside := profiles.Profile{ID: "elders-in-amsterdam", Name: "Elders", Kind: "welfare", Size: "small", Areas: []string{"GM0363"},
		Instruments: map[string]float64{tn.Needs[0].Instrument: 1}, Themes: []string{}}
	if err := st.CreateProfile(ctx, outside); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.ForTender(ctx, req); err != nil || svc.computes.Load() != 1 {
		t.Errorf("a write to a profile that is no candidate made the answer stale (%d computations, %v)", svc.computes.Load(), err)
	}
	// Trust counts only between two candidates: an event with a partner that is no
	// candidate changes nothing.
	if err := st.AddCollaboration(ctx, profiles.Collaboration{A: outside.ID, B: best, Outcome: "negative", At: "2026-10-01"}); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.ForTender(ctx, req); err != nil || svc.computes.Load() != 1 {
		t.Errorf("an event with a partner that is no candidate made the answer stale (%d computations, %v)", svc.computes.Load(), err)
	}
	writes := []struct {
		name  string
		write func() error
	}{
		{"profile deleted", func() error { return st.DeleteProfile(ctx, best) }},
		{"collaboration", func() error {
			return st.AddCollaboration(ctx, profiles.Collaboration{A: ps[1].ID, B: ps[2].ID, Outcome: "negative", At: "2026-11-01"})
		}},
		{"tender replaced", func() error { tn.Weights.Trust = 0.5; return st.PutTender(ctx, tn, time.Unix(1, 0)) }},
		{"new candidate", func() error {
			p := ps[4]
			p.ID = "nieuwe-kandidaat"
			return st.CreateProfile(ctx, p)
		}},
	}
	for _, w := range writes {
		before := svc.computes.Load()
		if err := w.write(); err != nil {
			t.Fatalf("%s: %v", w.name, err)
		}
		got, err := svc.ForTender(ctx, req)
		if err != nil {
			t.Fatal(err)
		}
		if svc.computes.Load() != before+1 {
			t.Errorf("after %s the answer came from the cache", w.name)
		}
		if w.name == "profile deleted" {
			for _, c := range result(t, got).Coalitions {
				for _, m := range c.Members {
					if m.ID == best {
						t.Errorf("deleted profile %s still suggested", best)
					}
				}
			}
		}
	}
}

func TestInterestedOnly(t *testing.T) {
	ctx := context.Background()
	st, svc, tn, ps := setup(t)
	for _, p := range ps[:4] {
		if err := st.AddInterest(ctx, tn.ID, p.ID, time.Unix(0, 0)); err != nil {
			t.Fatal(err)
		}
	}
	b, err := svc.ForTender(ctx, Request{Tender: tn.ID, Top: 10, InterestedOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	r := result(t, b)
	if r.Candidates > 4 {
		t.Errorf("interested_only: %d candidates, want at most the 4 interested", r.Candidates)
	}
	for _, c := range r.Coalitions {
		for _, m := range c.Members {
			ok := false
			for _, p := range ps[:4] {
				ok = ok || p.ID == m.ID
			}
			if !ok {
				t.Errorf("interested_only suggests %s, which did not express interest", m.ID)
			}
		}
	}
}

func TestConcurrentMissesComputeOnce(t *testing.T) {
	st, svc, tn, _ := setup(t)
	st.slow = 50 * time.Millisecond
	var wg sync.WaitGroup
	errs := make(chan error, 200)
	for i := range 200 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ctx := context.Background()
			if i == 0 {
				// The first caller gives up at once: the others must still get an answer.
				c, cancel := context.WithCancel(ctx)
				cancel()
				ctx = c
			}
			if _, err := svc.ForTender(ctx, Request{Tender: tn.ID, Top: 10}); err != nil && i != 0 {
				errs <- err
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Errorf("ForTender: %v", err)
	}
	if n := svc.computes.Load(); n != 1 {
		t.Errorf("200 concurrent misses computed %d times, want 1", n)
	}
}

func TestMissingTender(t *testing.T) {
	_, svc, _, _ := setup(t)
	if _, err := svc.ForTender(context.Background(), Request{Tender: "nope", Top: 10}); !errors.Is(err, profiles.ErrNotFound) {
		t.Errorf("ForTender(nope) = %v, want ErrNotFound", err)
	}
}

// countingObserver records what the service reports.
type countingObserver struct{ hits, misses, errors atomic.Int64 }

func (o *countingObserver) SuggestionCache(hit bool) {
	if hit {
		o.hits.Add(1)
	} else {
		o.misses.Add(1)
	}
}
func (o *countingObserver) CacheError() { o.errors.Add(1) }

// TestCacheDownIsNoOutage: with the shared cache unreachable, answers still come,
// computed here, and the failures are counted.
func TestCacheDownIsNoOutage(t *testing.T) {
	st, _, tn, _ := setup(t)
	down, err := cache.NewRedis("redis://127.0.0.1:1/0", time.Hour) // nothing listens on port 1
	if err != nil {
		t.Fatal(err)
	}
	defer down.Close()
	obs := &countingObserver{}
	svc := New(st, down, obs)
	for range 3 {
		start := time.Now()
		b, err := svc.ForTender(context.Background(), Request{Tender: tn.ID, Top: 3})
		if err != nil || len(result(t, b).Coalitions) == 0 {
			t.Fatalf("ForTender with the cache down = %v", err)
		}
		if d := time.Since(start); d > 2*time.Second {
			t.Errorf("ForTender with the cache down took %v", d)
		}
	}
	if obs.errors.Load() < 3 || obs.hits.Load() != 0 || svc.computes.Load() != 3 {
		t.Errorf("cache down: %d errors, %d hits, %d computations; want ≥3 errors, 0 hits, 3 computations", obs.errors.Load(), obs.hits.Load(), svc.computes.Load())
	}
}

// TestReplicasComputeOnce: two replicas sharing a real Redis, 100 concurrent misses
// for one answer spread over both, compute it once.
func TestReplicasComputeOnce(t *testing.T) {
	st, _, tn, _ := setup(t)
	st.slow = 100 * time.Millisecond
	srv := redistest.Start(t)
	var replicas [2]*Service
	for i := range replicas {
		// A call that outlasts its timeout is Redis failing, and a replica that
		// cannot reach Redis computes by itself (as it must): under the race
		// detector on a busy machine 100 ms is too short for a healthy one.
		rc, err := cache.NewRedis(srv.URL, time.Hour, cache.WithTimeout(5*time.Second))
		if err != nil {
			t.Fatal(err)
		}
		defer rc.Close()
		replicas[i] = New(st, rc, nil)
		// The holder computes while the other waits; under the race detector on a
		// busy machine a computation can outlast the 2 s a waiter waits in service.
		replicas[i].lockTTL = 30 * time.Second
	}
	var wg sync.WaitGroup
	for i := range 100 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := replicas[i%2].ForTender(context.Background(), Request{Tender: tn.ID, Top: 5}); err != nil {
				t.Errorf("ForTender: %v", err)
			}
		}()
	}
	wg.Wait()
	if n := replicas[0].computes.Load() + replicas[1].computes.Load(); n != 1 {
		t.Errorf("100 misses over two replicas computed %d times, want 1", n)
	}
}

// TestRedisKilledDuringRequests: answers keep coming, each within 2 s, while Redis
// is killed under a stream of requests.
func TestRedisKilledDuringRequests(t *testing.T) {
	st, _, tn, ps := setup(t)
	srv := redistest.Start(t)
	if srv.PID() == 0 {
		t.Skip("Redis from SAMENSPEL_TEST_REDIS_URL: cannot kill it")
	}
	rc, err := cache.NewRedis(srv.URL, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	svc := New(st, rc, nil)
	ctx := context.Background()
	for i := range 40 {
		if i == 10 {
			if err := syscall.Kill(srv.PID(), syscall.SIGKILL); err != nil {
				t.Fatal(err)
			}
		}
		if i%5 == 0 { // writes move the versions, so some requests miss the cache
			st.AddCollaboration(ctx, profiles.Collaboration{A: ps[1].ID, B: ps[2].ID, Outcome: "positive", At: "2026-01-01"})
		}
		start := time.Now()
		b, err := svc.ForTender(ctx, Request{Tender: tn.ID, Top: 3})
		if err != nil || len(result(t, b).Coalitions) == 0 {
			t.Fatalf("request %d: %v", i, err)
		}
		if d := time.Since(start); d > 2*time.Second {
			t.Errorf("request %d took %v with Redis killed", i, d)
		}
	}
}

// TestInterestTouchesOnlyInterestedAnswers: an expression of interest makes the
// interested_only answer stale, not the plain one.
func TestInterestTouchesOnlyInterestedAnswers(t *testing.T) {
	ctx := context.Background()
	st, svc, tn, ps := setup(t)
	plain := Request{Tender: tn.ID, Top: 5}
	interested := Request{Tender: tn.ID, Top: 5, InterestedOnly: true}
	svc.ForTender(ctx, plain)
	svc.ForTender(ctx, interested)
	before := svc.computes.Load()
	if err := st.AddInterest(ctx, tn.ID, ps[0].ID, time.Unix(5, 0)); err != nil {
		t.Fatal(err)
	}
	svc.ForTender(ctx, plain)
	if n := svc.computes.Load(); n != before {
		t.Errorf("an interest recomputed the plain answer")
	}
	svc.ForTender(ctx, interested)
	if n := svc.computes.Load(); n != before+1 {
		t.Errorf("an interest did not recompute the interested_only answer")
	}
}

// TestVariantsHaveTheirOwnAnswers: an answer with variants is never served for a
// plain request, nor a plain one (cached, or stored by the nightly run) for a
// request with variants; each is the engine's answer to its own question.
func TestVariantsHaveTheirOwnAnswers(t *testing.T) {
	ctx := context.Background()
	st, svc, tn, _ := setup(t)
	if _, err := svc.Recompute(ctx, tn.ID, 1, false); err != nil {
		t.Fatal(err)
	}
	engine := func(variants bool) string {
		ps, err := st.Candidates(ctx, tn)
		if err != nil {
			t.Fatal(err)
		}
		events, err := st.Collaborations(ctx)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := json.Marshal(match.Suggest(match.Input{Tender: tn, Profiles: ps, Trust: match.NewTrust(events)}, match.Options{Variants: variants}))
		return string(b)
	}
	plainWant, variantsWant := engine(false), engine(true)
	if plainWant == variantsWant {
		t.Fatal("the example tender's answers with and without variants are the same: no test of their keys")
	}
	plain := Request{Tender: tn.ID, Top: match.DefaultTop}
	variants := Request{Tender: tn.ID, Top: match.DefaultTop, Variants: true}
	fresh := New(st, cache.NewMemory(100, time.Hour), nil)
	for i, r := range []Request{plain, variants, plain, variants} {
		b, err := fresh.ForTender(ctx, r)
		if err != nil {
			t.Fatal(err)
		}
		want := plainWant
		if r.Variants {
			want = variantsWant
		}
		if string(b) != want {
			t.Fatalf("request %d (variants %v) = %s, want %s", i, r.Variants, b, want)
		}
	}
	// The plain one came from the store, the variants one was computed once and
	// then cached.
	if n := fresh.computes.Load(); n != 1 {
		t.Errorf("%d computations, want 1: the variants answer once", n)
	}
	if cacheKey(plain, "d") == cacheKey(variants, "d") {
		t.Error("plain and variants requests share a cache key")
	}
}
