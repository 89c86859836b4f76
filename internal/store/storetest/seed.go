package storetest

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"samenspel/internal/profiles"
)

// SeedStore is what the seed suite asks of a store.
type SeedStore interface {
	SeedIfEmpty(ctx context.Context, seed profiles.Seed, now time.Time) (bool, error)
	Profiles(ctx context.Context) ([]profiles.Profile, error)
	Collaborations(ctx context.Context) ([]profiles.Collaboration, error)
	Tenders(ctx context.Context) ([]profiles.TenderRecord, error)
	LastChange(ctx context.Context) (int64, error)
	Versions(ctx context.Context) (profiles.Versions, error)
	Empty(ctx context.Context) (bool, error)
}

// Seeds is the suite of the first start's data (SeedIfEmpty). open returns n
// stores on one empty source of truth, as n processes starting together open it.
func Seeds(t *testing.T, open func(t *testing.T, n int) []SeedStore) {
	t.Run("Once", func(t *testing.T) {
		// Processes starting together seed it once, whole.
		ctx := context.Background()
		seed := profiles.Seed{
			Profiles:       []profiles.Profile{Profile("a"), Profile("b")},
			Collaborations: []profiles.Collaboration{{A: "a", B: "b", Outcome: "positive", At: "2026-01-01"}},
			Tenders:        []profiles.Tender{Tender("t1")},
			Owner:          "examples",
		}
		stores := open(t, 4)
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
	})
	t.Run("AllOrNothing", func(t *testing.T) {
		// A seed that fails stores nothing, and the store stays empty for the
		// next try.
		ctx := context.Background()
		s := open(t, 1)[0]
		bad := profiles.Seed{Profiles: []profiles.Profile{Profile("a")}, Tenders: []profiles.Tender{Tender("t"), Tender("t")}}
		if ok, err := s.SeedIfEmpty(ctx, bad, time.Unix(0, 0)); ok || !errors.Is(err, profiles.ErrConflict) {
			t.Errorf("seed with a tender twice = %v, %v; want ErrConflict", ok, err)
		}
		if empty, _ := s.Empty(ctx); !empty {
			t.Errorf("a failed seed left data behind")
		}
	})
}
