package postgres_test

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"samenspel/internal/pgtest"
	"samenspel/internal/postgres"
	"samenspel/internal/store"
	"samenspel/internal/store/storetest"
)

// database is a new, empty database with the store's schema, and a store on it.
func database(t *testing.T) (string, *postgres.Store) {
	t.Helper()
	url := pgtest.Database(t)
	return url, openURL(t, url)
}

// openURL is a store on the database at url (another replica when one is open).
func openURL(t *testing.T, url string) *postgres.Store {
	t.Helper()
	s, err := postgres.Open(context.Background(), url, taxonomy(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// sqlConn is a connection of the test's own to the database at url, for what the
// suites check that no method answers.
func sqlConn(t *testing.T, url string) *pgx.Conn {
	t.Helper()
	c, err := pgx.Connect(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close(context.Background()) })
	return c
}

// TestTenders: the PostgreSQL store passes the shared suite of the tenders and
// their expressions of interest, as the embedded store does.
func TestTenders(t *testing.T) {
	storetest.Tenders(t, func(t *testing.T) storetest.TenderStore { _, s := database(t); return s })
}

// TestTokens: the PostgreSQL store passes the shared suite of the tokens; the
// second store is another pool on the same database (a second replica).
func TestTokens(t *testing.T) {
	storetest.Tokens(t, func(t *testing.T) (s, other storetest.TokenStore) {
		url, s1 := database(t)
		return s1, openURL(t, url)
	})
}

// TestRegistrations: the PostgreSQL store passes the shared suite of the
// registrations and their idempotent answers.
func TestRegistrations(t *testing.T) {
	storetest.Registrations(t, func(t *testing.T) storetest.RegistrationSubject {
		url, s := database(t)
		c := sqlConn(t, url)
		return storetest.RegistrationSubject{
			Store: s,
			StoredAnswers: func(ctx context.Context, key string) (int, error) {
				var n int
				err := c.QueryRow(ctx, `SELECT count(*) FROM idempotent_answers WHERE key = $1`, key).Scan(&n)
				return n, err
			},
		}
	})
}

// TestSuggestions: the PostgreSQL store passes the shared suite of the stored
// suggestions.
func TestSuggestions(t *testing.T) {
	storetest.Suggestions(t, func(t *testing.T) storetest.SuggestionStore { _, s := database(t); return s })
}

// TestIdeas: the PostgreSQL store passes the shared suite of the partners' ideas.
func TestIdeas(t *testing.T) {
	storetest.Ideas(t, func(t *testing.T) storetest.IdeaStore { _, s := database(t); return s })
}

// TestAwards: the PostgreSQL store passes the shared suite of the awards.
func TestAwards(t *testing.T) {
	storetest.Awards(t, func(t *testing.T) storetest.AwardStore { _, s := database(t); return s })
}

// TestBumps: the PostgreSQL store's writes move the change counters as the
// embedded store's do.
func TestBumps(t *testing.T) {
	storetest.Bumps(t, func(t *testing.T) storetest.BumpStore { _, s := database(t); return s })
}

// TestTenderVersionAsEmbedded: a tender's version is the embedded store's for
// the same record, so that an If-Match taken before the data moved to PostgreSQL
// still matches after.
func TestTenderVersionAsEmbedded(t *testing.T) {
	ctx := context.Background()
	_, pg := database(t)
	lite, err := store.Open(ctx, t.TempDir(), taxonomy(t))
	if err != nil {
		t.Fatal(err)
	}
	defer lite.Close()
	at := time.Date(2026, 3, 1, 9, 30, 0, 123456789, time.UTC)
	for _, s := range []storetest.TenderStore{pg, lite} {
		if err := s.CreateTender(ctx, storetest.Tender("t"), "tok_owner", at); err != nil {
			t.Fatal(err)
		}
		if err := s.CloseTender(ctx, "t", at.Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
	}
	got, err := pg.GetTender(ctx, "t")
	if err != nil {
		t.Fatal(err)
	}
	want, err := lite.GetTender(ctx, "t")
	if err != nil {
		t.Fatal(err)
	}
	if got.Version != want.Version {
		t.Errorf("GetTender().Version = %s, the embedded store's is %s", got.Version, want.Version)
	}
}
