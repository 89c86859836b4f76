package postgres_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"samenspel/internal/postgres"
	"samenspel/internal/profiles"
	"samenspel/internal/store/storetest"
)

// TestMaxIdeas: a partner keeps at most profiles.MaxIdeas ideas, also when its last
// ones come at once (through several replicas): of 32 ideas beyond
// MaxIdeas - 2, exactly two are kept.
func TestMaxIdeas(t *testing.T) {
	ctx := context.Background()
	url, s := database(t)
	if err := s.CreateProfile(ctx, storetest.Profile("a")); err != nil {
		t.Fatal(err)
	}
	if _, err := sqlConn(t, url).Exec(ctx, `INSERT INTO ideas (id, profile, sha256, text, created)
		SELECT 'idea_' || lpad(to_hex(i), 32, '0'), 'a', '', 'x', '2026-01-01T00:00:00.000000000Z' FROM generate_series(1, $1::int) i`,
		profiles.MaxIdeas-2); err != nil {
		t.Fatal(err)
	}
	replicas := []*postgres.Store{s, openURL(t, url)}
	now := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	errs := make([]error, 32)
	var wg sync.WaitGroup
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = replicas[i%2].AddIdea(ctx, "a", fmt.Sprint("idee ", i), now)
		}()
	}
	wg.Wait()
	kept := 0
	for i, err := range errs {
		switch {
		case err == nil:
			kept++
		case !errors.Is(err, profiles.ErrTooManyIdeas):
			t.Errorf("AddIdea(%d) = %v, want nil or ErrTooManyIdeas", i, err)
		}
	}
	if _, total, err := s.Ideas(ctx, "a", 1, 0); err != nil || total != profiles.MaxIdeas || kept != 2 {
		t.Errorf("after %d ideas at once: %d kept, %d in all (%v); want 2 kept, %d in all", len(errs), kept, total, err, profiles.MaxIdeas)
	}
}
