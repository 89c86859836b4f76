package store_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"samenspel/internal/profiles"
	"samenspel/internal/store"
	"samenspel/internal/store/storetest"
)

// TestSeedOnce: processes starting together on one directory seed it once, whole.
func TestSeedOnce(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	seed := store.Seed{
		Profiles:       []profiles.Profile{storetest.Profile("a"), storetest.Profile("b")},
		Collaborations: []profiles.Collaboration{{A: "a", B: "b", Outcome: "positive", At: "2026-01-01"}},
		Tenders:        []profiles.Tender{storetest.Tender("t1")},
		Owner:          "examples",
	}
	var stores []*store.Store
	for range 4 {
		s, err := store.Open(ctx, dir, taxonomy(t))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		stores = append(stores, s)
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	seeded := 0
	for _, s := range stores {
		wg.Go(func() {
			ok, err := s.SeedIfEmpty(ctx, seed, time.Unix(0, 0))
			if err != nil {
				t.Error(err)
			}
			if ok {
				mu.Lock()
				seeded++
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if seeded != 1 {
		t.Errorf("%d processes seeded, want 1", seeded)
	}
	s := stores[0]
	ps, _ := s.Profiles(ctx)
	cs, _ := s.Collaborations(ctx)
	ts, _ := s.Tenders(ctx)
	if len(ps) != 2 || len(cs) != 1 || len(ts) != 1 || ts[0].Owner != "examples" {
		t.Errorf("seeded store: %d profiles, %d events, %d tenders (%+v); want 2, 1, 1 of examples", len(ps), len(cs), len(ts), ts)
	}
	if last, _ := s.LastChange(ctx); last != 2 {
		t.Errorf("change log after the seed = %d changes, want one per profile", last)
	}
	v, _ := s.Versions(ctx)
	if v.Profiles == 0 || v.Collaborations == 0 || v.Tenders == 0 {
		t.Errorf("versions after the seed = %+v, want every kind moved", v)
	}
}

// TestSeedAllOrNothing: a seed that fails stores nothing, and the store stays
// empty for the next try.
func TestSeedAllOrNothing(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	bad := store.Seed{Profiles: []profiles.Profile{storetest.Profile("a")}, Tenders: []profiles.Tender{storetest.Tender("t"), storetest.Tender("t")}}
	if ok, err := s.SeedIfEmpty(ctx, bad, time.Unix(0, 0)); ok || !errors.Is(err, store.ErrConflict) {
		t.Errorf("seed with a tender twice = %v, %v; want ErrConflict", ok, err)
	}
	if empty, _ := s.Empty(ctx); !empty {
		t.Errorf("a failed seed left data behind")
	}
}
