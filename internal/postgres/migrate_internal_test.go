package postgres

import (
	"context"
	"io/fs"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"

	"samenspel/internal/pgtest"
)

// TestMigrationsDownAndUp: every migration's Down undoes its Up: from the newest
// schema each is taken back in turn, to an empty database, and all apply again.
func TestMigrationsDownAndUp(t *testing.T) {
	ctx := context.Background()
	pool, err := pgxpool.New(ctx, pgtest.Database(t))
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	if err := migrate(ctx, pool); err != nil {
		t.Fatal(err)
	}
	sub, err := fs.Sub(migrations, "migrations")
	if err != nil {
		t.Fatal(err)
	}
	db := stdlib.OpenDBFromPool(pool)
	defer db.Close()
	p, err := goose.NewProvider(goose.DialectPostgres, db, sub)
	if err != nil {
		t.Fatal(err)
	}
	sources := p.ListSources()
	if len(sources) < 2 {
		t.Fatalf("%d migrations, want at least the profiles' and the tenders'", len(sources))
	}
	for range sources {
		if _, err := p.Down(ctx); err != nil {
			t.Fatalf("Down() = %v", err)
		}
	}
	// Tables, indexes, sequences and types (the instant domain), goose's own left out.
	var left []string
	rows, err := pool.Query(ctx, `SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
		WHERE n.nspname = 'public' AND c.relname NOT LIKE 'goose\_db\_version%'
		UNION ALL SELECT t.typname FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
		WHERE n.nspname = 'public' AND t.typtype = 'd'`)
	if err == nil {
		left, err = pgx.CollectRows(rows, pgx.RowTo[string])
	}
	if err != nil || len(left) != 0 {
		t.Errorf("after every Down: %v left (%v), want nothing", left, err)
	}
	if err := migrate(ctx, pool); err != nil {
		t.Errorf("migrate() after every Down = %v", err)
	}
}
