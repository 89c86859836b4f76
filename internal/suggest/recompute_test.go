package suggest

import (
	"context"
	"testing"
	"time"

	"samenspel/internal/cache"
	"samenspel/internal/match"
	"samenspel/internal/profiles"
)

func TestRecomputeSkipsUnchangedInputs(t *testing.T) {
	ctx := context.Background()
	st, svc, tn, ps := setup(t)
	steps := []struct {
		name         string
		write        func() error
		run          int64
		full         bool
		wantSkipped  bool
		wantComputes int64
	}{
		// One computation per default answer computed; the page's is warmed
		// apart (TestWarmPage).
		{"first run", nil, 1, false, false, 1},
		{"nothing changed", nil, 2, false, true, 1},
		{"full", nil, 3, true, false, 2},
		{"a candidate changed", func() error {
			p := ps[0]
			p.Description = "Nu ook op zaterdag"
			return st.PutProfile(ctx, p)
		}, 4, false, false, 3},
		{"a partner far away changed", func() error {
			return st.CreateProfile(ctx, profiles.Profile{ID: "elders-in-amsterdam", Name: "Elders", Kind: "welfare", Size: "small",
				Areas: []string{"GM0363"}, Instruments: map[string]float64{tn.Needs[0].Instrument: 1}, Themes: []string{}})
		}, 5, false, true, 3},
	}
	for _, s := range steps {
		if s.write != nil {
			if err := s.write(); err != nil {
				t.Fatalf("%s: %v", s.name, err)
			}
		}
		out, err := svc.Recompute(ctx, tn.ID, s.run, s.full)
		if err != nil {
			t.Fatalf("%s: Recompute() = %v", s.name, err)
		}
		if out.Skipped != s.wantSkipped || svc.computes.Load() != s.wantComputes || out.Fenced {
			t.Errorf("%s: Recompute() skipped %t, fenced %t, %d computations; want skipped %t, %d computations",
				s.name, out.Skipped, out.Fenced, svc.computes.Load(), s.wantSkipped, s.wantComputes)
		}
		if out.Result.Tender != tn.ID || len(out.Result.Coalitions) == 0 {
			t.Errorf("%s: Recompute() result = %+v, want coalitions for %s", s.name, out.Result, tn.ID)
		}
	}
}

// TestRecomputeFenced: a replica frozen past its lock's lifetime (run 1) wakes up
// after run 2 stored the answer: its answer is refused, run 2's stays.
func TestRecomputeFenced(t *testing.T) {
	ctx := context.Background()
	st, svc, tn, _ := setup(t)
	if out, err := svc.Recompute(ctx, tn.ID, 2, false); err != nil || out.Fenced {
		t.Fatalf("Recompute(run 2) = %+v, %v", out, err)
	}
	_, _, _, newer, err := st.StoredSuggestion(ctx, tn.ID)
	if err != nil {
		t.Fatal(err)
	}
	out, err := svc.Recompute(ctx, tn.ID, 1, true)
	if err != nil || !out.Fenced {
		t.Fatalf("Recompute(run 1) after run 2 = fenced %t, %v; want fenced", out.Fenced, err)
	}
	_, run, _, body, err := st.StoredSuggestion(ctx, tn.ID)
	if err != nil || run != 2 || string(body) != string(newer) {
		t.Errorf("stored answer after the late run 1: run %d, %v; want run 2's answer", run, err)
	}
}

// TestForTenderServesRecomputedAnswer: after the nightly run, a fresh replica (a
// restart: empty cache, nothing remembered) answers the default request from the
// store without computing; other requests, and inputs changed since, compute.
func TestForTenderServesRecomputedAnswer(t *testing.T) {
	ctx := context.Background()
	st, nightly, tn, ps := setup(t)
	if _, err := nightly.Recompute(ctx, tn.ID, 1, false); err != nil {
		t.Fatal(err)
	}
	// The run computed the default answer once.
	if b, err := nightly.ForTender(ctx, Request{Tender: tn.ID, Top: match.DefaultTop}); err != nil || nightly.computes.Load() != 1 {
		t.Fatalf("ForTender() on the replica that recomputed: %d computations, %v; want the cached answer", nightly.computes.Load(), err)
	} else if len(result(t, b).Coalitions) == 0 {
		t.Fatal("ForTender() on the replica that recomputed: no coalitions")
	}
	_, _, _, stored, err := st.StoredSuggestion(ctx, tn.ID)
	if err != nil {
		t.Fatal(err)
	}

	fresh := New(st, cache.NewMemory(100, time.Hour), nil)
	b, err := fresh.ForTender(ctx, Request{Tender: tn.ID, Top: match.DefaultTop})
	if err != nil || string(b) != string(stored) || fresh.computes.Load() != 0 {
		t.Errorf("ForTender() after a restart: %d computations, %v, same bytes as stored %t; want the stored answer, no computation",
			fresh.computes.Load(), err, string(b) == string(stored))
	}
	if _, err := fresh.ForTender(ctx, Request{Tender: tn.ID, Top: 5}); err != nil || fresh.computes.Load() != 1 {
		t.Errorf("ForTender(top 5) after a restart: %d computations, %v; want 1: only the default answer is stored", fresh.computes.Load(), err)
	}
	if err := st.DeleteProfile(ctx, ps[0].ID); err != nil {
		t.Fatal(err)
	}
	again := New(st, cache.NewMemory(100, time.Hour), nil)
	if _, err := again.ForTender(ctx, Request{Tender: tn.ID, Top: match.DefaultTop}); err != nil || again.computes.Load() != 1 {
		t.Errorf("ForTender() after a candidate was deleted: %d computations, %v; want 1: the stored answer is stale", again.computes.Load(), err)
	}
}

// TestWarmPage: after the nightly run's default answer and its warm pass, the
// tender page's answer (PageRequest, with variants) is served from the cache
// without a computation, the same answer the page would compute; the default
// answer alone warms nothing; after a restart (a cache of its own, empty) an
// unchanged tender's warm computes it again; a page already warm is left alone.
func TestWarmPage(t *testing.T) {
	ctx := context.Background()
	st, _, tn, ps := setup(t)
	answers := cache.NewMemory(100, time.Hour)
	nightly := New(st, answers, nil)
	if _, err := nightly.Recompute(ctx, tn.ID, 1, false); err != nil {
		t.Fatal(err)
	}
	if nightly.computes.Load() != 1 {
		t.Fatalf("the default answer: %d computations, want 1 (no page warmed with it)", nightly.computes.Load())
	}
	cold := New(st, answers, nil)
	if _, err := cold.ForTender(ctx, PageRequest(tn.ID)); err != nil || cold.computes.Load() != 1 {
		t.Fatalf("the page before its warm: %d computations, %v; want 1", cold.computes.Load(), err)
	}
	answers = cache.NewMemory(100, time.Hour)
	nightly = New(st, answers, nil)
	if warmed, err := nightly.WarmPage(ctx, tn.ID); err != nil || !warmed || nightly.computes.Load() != 1 {
		t.Fatalf("WarmPage() = %t, %v with %d computations; want warmed by one", warmed, err, nightly.computes.Load())
	}
	page := New(st, answers, nil) // the API's service: the same cache, nothing remembered
	b, err := page.ForTender(ctx, PageRequest(tn.ID))
	if err != nil || page.computes.Load() != 0 {
		t.Fatalf("the page's answer after the warm: %d computations, %v; want it from the cache", page.computes.Load(), err)
	}
	want, err := New(st, cache.NewMemory(100, time.Hour), nil).ForTender(ctx, PageRequest(tn.ID))
	if err != nil {
		t.Fatal(err)
	}
	if string(b) != string(want) {
		t.Errorf("the warmed page answer differs from the one the page computes:\n%s\n%s", b, want)
	}
	if res := result(t, b); len(res.Coalitions) == 0 {
		t.Errorf("the warmed page answer has no coalitions")
	}
	if warmed, err := nightly.WarmPage(ctx, tn.ID); err != nil || warmed || nightly.computes.Load() != 1 {
		t.Errorf("WarmPage() of a warm page = %t, %v with %d computations; want nothing done", warmed, err, nightly.computes.Load())
	}

	// A restart: the store keeps the default answer, the new cache nothing. The
	// run skips the unchanged tender, and its warm computes the page again.
	restarted := cache.NewMemory(100, time.Hour)
	run2 := New(st, restarted, nil)
	out, err := run2.Recompute(ctx, tn.ID, 2, false)
	if err != nil || !out.Skipped || run2.computes.Load() != 0 {
		t.Fatalf("the run after a restart: skipped %t, %d computations, %v; want skipped", out.Skipped, run2.computes.Load(), err)
	}
	if warmed, err := run2.WarmPage(ctx, tn.ID); err != nil || !warmed {
		t.Fatalf("WarmPage() after a restart = %t, %v; want warmed", warmed, err)
	}
	after := New(st, restarted, nil)
	if _, err := after.ForTender(ctx, PageRequest(tn.ID)); err != nil || after.computes.Load() != 0 {
		t.Errorf("the page's answer after the run that followed a restart: %d computations, %v; want none", after.computes.Load(), err)
	}

	// A changed candidate: the run computes both answers, and the page reads the new one.
	p := ps[0]
	p.Description = "Nu ook op zondag"
	if err := st.PutProfile(ctx, p); err != nil {
		t.Fatal(err)
	}
	run3 := New(st, restarted, nil)
	if out, err := run3.Recompute(ctx, tn.ID, 3, false); err != nil || out.Skipped {
		t.Fatalf("the run after a change: skipped %t, %v; want computed", out.Skipped, err)
	}
	if warmed, err := run3.WarmPage(ctx, tn.ID); err != nil || !warmed || run3.computes.Load() != 2 {
		t.Fatalf("WarmPage() after a change = %t, %v with %d computations in all; want both answers computed", warmed, err, run3.computes.Load())
	}
	fresh := New(st, restarted, nil)
	if _, err := fresh.ForTender(ctx, PageRequest(tn.ID)); err != nil || fresh.computes.Load() != 0 {
		t.Errorf("the page's answer after the run that followed a change: %d computations, %v; want none", fresh.computes.Load(), err)
	}
}
