package postgres_test

import (
	"context"
	"os"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"samenspel/config"
	"samenspel/internal/pgtest"
	"samenspel/internal/postgres"
	"samenspel/internal/profiles"
	"samenspel/internal/store"
	"samenspel/internal/store/storetest"
	"samenspel/internal/synth"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

// taxonomy is the shipped taxonomy (config/taxonomy.yaml).
func taxonomy(t testing.TB) *profiles.Taxonomy {
	t.Helper()
	tax, err := profiles.ParseTaxonomy(config.Taxonomy)
	if err != nil {
		t.Fatal(err)
	}
	return tax
}

// clock is a store's clock that a test sets.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) set(t time.Time) { c.mu.Lock(); c.t = t; c.mu.Unlock() }

// open is a new store on a new database, with a clock the test sets.
func open(t testing.TB) (*postgres.Store, *clock) {
	t.Helper()
	c := &clock{t: time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC)}
	s, err := postgres.Open(context.Background(), pgtest.Database(t), taxonomy(t), postgres.WithClock(c.now))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s, c
}

// TestIndexSuite: the PostgreSQL store passes the shared suite of the profile
// index, as the embedded store does.
func TestIndexSuite(t *testing.T) {
	storetest.Run(t, func(t *testing.T) storetest.Subject {
		s, c := open(t)
		return storetest.Subject{
			Index: s,
			Put: func(ctx context.Context, ps []profiles.Profile) error {
				_, _, err := s.UpsertProfiles(ctx, ps)
				return err
			},
			Delete: s.DeleteProfile,
			MarkStale: func(ctx context.Context, ids []string) error {
				// Written again 13 months ago, then the weekly marking runs now.
				now := c.now()
				var ps []profiles.Profile
				for _, id := range ids {
					p, err := s.GetProfile(ctx, id)
					if err != nil {
						return err
					}
					ps = append(ps, p)
				}
				c.set(now.AddDate(-1, -1, 0))
				_, _, err := s.UpsertProfiles(ctx, ps)
				c.set(now)
				if err != nil {
					return err
				}
				marked, err := s.MarkStale(ctx, profiles.StaleBefore(now), now)
				if err == nil && !slices.Equal(marked, slices.Sorted(slices.Values(ids))) {
					t.Errorf("MarkStale marked %v, want %v", marked, ids)
				}
				return err
			},
			Confirm: func(ctx context.Context, ids []string) error {
				for _, id := range ids {
					if err := s.ConfirmProfile(ctx, id, c.now()); err != nil {
						return err
					}
				}
				return nil
			},
		}
	})
}

// TestUpsertManyAsOneByOne: a write of many profiles in chunks (more than one
// chunk, an id that comes twice, profiles already stored) counts and stores what
// the embedded store does for the same calls: the later of two with one id wins.
func TestUpsertManyAsOneByOne(t *testing.T) {
	ctx := context.Background()
	pg, _ := open(t)
	lite, err := store.Open(ctx, t.TempDir(), taxonomy(t))
	if err != nil {
		t.Fatal(err)
	}
	defer lite.Close()
	ps := synth.Profiles(7, 2500)
	again := ps[1200]
	again.Name = "Tweede versie"
	calls := [][]profiles.Profile{ps[:300], append(slices.Clone(ps), again)}
	for i, call := range calls {
		pc, pu, perr := pg.UpsertProfiles(ctx, call)
		lc, lu, lerr := lite.UpsertProfiles(ctx, call)
		if perr != nil || lerr != nil || pc != lc || pu != lu {
			t.Fatalf("call %d: postgres %d created, %d updated, %v; embedded %d, %d, %v", i, pc, pu, perr, lc, lu, lerr)
		}
	}
	got, err := pg.GetProfile(ctx, again.ID)
	if err != nil || got.Name != "Tweede versie" {
		t.Errorf("the profile written twice in one call = %q, %v; want the later one", got.Name, err)
	}
	for _, q := range []profiles.Query{{Area: "WK034409", Instrument: "meeting_place", Limit: 1000}, {Text: "buurt", Limit: 1000}} {
		ph, pt, perr := pg.SearchProfiles(ctx, q)
		lh, lt, lerr := lite.SearchProfiles(ctx, q)
		if perr != nil || lerr != nil || pt != lt || len(ph) != len(lh) {
			t.Errorf("SearchProfiles(%+v): postgres %d of %d, %v; embedded %d of %d, %v", q, len(ph), pt, perr, len(lh), lt, lerr)
		}
	}
}

// TestBigWriteAnalyzes: a write of a city's profiles refreshes the planner's
// statistics at once (a first import is searched before autovacuum would look); a
// small write leaves that to autovacuum.
func TestBigWriteAnalyzes(t *testing.T) {
	ctx := context.Background()
	url := pgtest.Database(t)
	s, err := postgres.Open(ctx, url, taxonomy(t))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	analyzed := func() bool {
		var n int
		if err := conn.QueryRow(ctx, `SELECT count(*) FROM pg_stat_user_tables WHERE last_analyze IS NOT NULL
			AND relname IN ('profiles', 'profile_area_parents', 'profile_instruments', 'profile_themes')`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n == 4
	}
	ps := synth.Profiles(3, 5000)
	if _, _, err := s.UpsertProfiles(ctx, ps[:10]); err != nil {
		t.Fatal(err)
	}
	if analyzed() && os.Getenv("SAMENSPEL_TEST_DATABASE_URL") == "" {
		t.Errorf("a write of 10 profiles analyzed the tables (the private test server runs no autovacuum)")
	}
	if _, _, err := s.UpsertProfiles(ctx, ps); err != nil {
		t.Fatal(err)
	}
	if !analyzed() {
		t.Errorf("a write of %d profiles left the tables without statistics", len(ps))
	}
}
