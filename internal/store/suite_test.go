package store_test

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"samenspel/internal/profiles"
	"samenspel/internal/store"
	"samenspel/internal/store/storetest"
)

func TestIndexSuite(t *testing.T) {
	storetest.Run(t, func(t *testing.T) storetest.Subject {
		s, clock := newClockStore(t)
		return storetest.Subject{
			Index: s,
			Put: func(ctx context.Context, ps []profiles.Profile) error {
				_, _, err := s.UpsertProfiles(ctx, ps)
				return err
			},
			Delete: s.DeleteProfile,
			MarkStale: func(ctx context.Context, ids []string) error {
				return makeStale(ctx, s, clock, ids)
			},
			Confirm: func(ctx context.Context, ids []string) error {
				for _, id := range ids {
					if err := s.ConfirmProfile(ctx, id, clock.now()); err != nil {
						return err
					}
				}
				return nil
			},
		}
	})
}

// makeStale makes the profiles ids stale the way it happens: they are written again
// 13 months ago, and the weekly marking runs now and must mark exactly them.
func makeStale(ctx context.Context, s *store.Store, clock *testClock, ids []string) error {
	now := clock.now()
	var ps []profiles.Profile
	for _, id := range ids {
		p, err := s.GetProfile(ctx, id)
		if err != nil {
			return err
		}
		ps = append(ps, p)
	}
	clock.set(now.AddDate(-1, -1, 0))
	_, _, err := s.UpsertProfiles(ctx, ps)
	clock.set(now)
	if err != nil {
		return err
	}
	marked, err := s.MarkStale(ctx, profiles.StaleBefore(now), now)
	if err != nil {
		return err
	}
	if want := slices.Sorted(slices.Values(ids)); !slices.Equal(marked, want) {
		return fmt.Errorf("MarkStale marked %v, want %v", marked, want)
	}
	return nil
}

// testClock is a store's clock that a test sets.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *testClock) set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

// newClockStore opens a store in a fresh directory whose profile writes read a
// clock the test sets, at first Monday 2 November 2026, 03:00 in Amsterdam.
func newClockStore(t testing.TB) (*store.Store, *testClock) {
	t.Helper()
	clock := &testClock{t: time.Date(2026, 11, 2, 2, 0, 0, 0, time.UTC)}
	s, err := store.Open(context.Background(), t.TempDir(), taxonomy(t), store.WithClock(clock.now))
	if err != nil {
		t.Fatalf("Open = %v", err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("Close() = %v", err)
		}
	})
	return s, clock
}
