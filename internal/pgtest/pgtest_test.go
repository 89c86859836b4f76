package pgtest

import (
	"context"
	"os"
	"testing"

	"github.com/jackc/pgx/v5"
)

func TestMain(m *testing.M) { os.Exit(Main(m)) }

// TestDatabasesApart: each test's database is new and empty, and what one test
// writes the next does not see; the database is gone after its test.
func TestDatabasesApart(t *testing.T) {
	ctx := context.Background()
	var first string
	t.Run("writes", func(t *testing.T) {
		first = Database(t)
		conn, err := pgx.Connect(ctx, first)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close(ctx)
		if _, err := conn.Exec(ctx, "CREATE TABLE t (x int); INSERT INTO t VALUES (1)"); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("reads", func(t *testing.T) {
		dsn := Database(t)
		if dsn == first {
			t.Fatalf("two tests got the same database %s", dsn)
		}
		conn, err := pgx.Connect(ctx, dsn)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close(ctx)
		var n int
		if err := conn.QueryRow(ctx, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'").Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != 0 {
			t.Errorf("a new database has %d tables, want none", n)
		}
		if c, err := pgx.Connect(ctx, first); err == nil {
			c.Close(ctx)
			t.Errorf("the first test's database %s outlived its test", first)
		}
	})
}

func TestVersion(t *testing.T) {
	if v := version("/usr/lib/postgresql/16/bin/postgres"); v != 16 {
		t.Errorf("version = %d, want 16", v)
	}
	if v := version("/usr/bin/postgres"); v != 0 {
		t.Errorf("version of a path without one = %d, want 0", v)
	}
}
