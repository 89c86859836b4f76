package postgres

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"

	"samenspel/internal/profiles"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Store is the PostgreSQL store. It is safe for concurrent use.
type Store struct {
	pool   *pgxpool.Pool
	labels labeler
	now    func() time.Time
}

// Option configures a Store.
type Option func(*Store)

// WithClock sets the clock that stamps when a profile is written (time.Now by
// default).
func WithClock(now func() time.Time) Option { return func(s *Store) { s.now = now } }

// Open connects to the database at url (a postgres:// URL or a key=value
// string), brings its schema to the newest migration and returns the store. tax
// names the labels that the profile search finds.
func Open(ctx context.Context, url string, tax *profiles.Taxonomy, opts ...Option) (*Store, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("postgres: database URL: %w", err)
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("postgres: connect: %w", err)
	}
	s := &Store{pool: pool, labels: newLabeler(tax), now: time.Now}
	for _, o := range opts {
		o(s)
	}
	if err := migrate(ctx, pool); err != nil {
		pool.Close()
		return nil, err
	}
	return s, nil
}

// migrate applies the migrations the database lacks, each in its transaction,
// under goose's session lock so that replicas starting at once take turns.
func migrate(ctx context.Context, pool *pgxpool.Pool) error {
	sub, err := fs.Sub(migrations, "migrations")
	if err != nil {
		return err
	}
	db := stdlib.OpenDBFromPool(pool)
	defer db.Close()
	locker, err := lock.NewPostgresSessionLocker()
	if err != nil {
		return err
	}
	p, err := goose.NewProvider(goose.DialectPostgres, db, sub, goose.WithSessionLocker(locker))
	if err != nil {
		return fmt.Errorf("postgres: migrations: %w", err)
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("postgres: migrate: %w", err)
	}
	return nil
}

// Close closes the connections.
func (s *Store) Close() error {
	s.pool.Close()
	return nil
}

// Ping reports whether the database answers.
func (s *Store) Ping(ctx context.Context) error { return s.pool.Ping(ctx) }

// The kinds of document the change counters count.
const kindProfiles = "profiles"

// bump adds one to the change counter of kind, in tx.
func bump(ctx context.Context, tx pgx.Tx, kind string) error {
	_, err := tx.Exec(ctx, `INSERT INTO versions (kind, n) VALUES ($1, 1)
		ON CONFLICT (kind) DO UPDATE SET n = versions.n + 1`, kind)
	return err
}

// profileWrites is the key of the advisory lock that serialises profile writes
// (doc.go): an arbitrary number no other lock of the database uses.
const profileWrites = 0x53616d656e01 // "Samen" 1

// write runs fn in a transaction and commits it when fn returns nil. With
// profileLock, the transaction first takes the lock of profile writes, and
// before it commits it sends the NOTIFY that wakes the followers of the change
// log (changes.go), which PostgreSQL delivers only if it commits.
func (s *Store) write(ctx context.Context, profileLock bool, fn func(tx pgx.Tx) error) error {
	return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if profileLock {
			if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, int64(profileWrites)); err != nil {
				return err
			}
		}
		if err := fn(tx); err != nil || !profileLock {
			return err
		}
		_, err := tx.Exec(ctx, `SELECT pg_notify($1, '')`, changesChannel)
		return err
	})
}

// noRows maps pgx's "no rows" to err.
func noRows(err, to error) error {
	if errors.Is(err, pgx.ErrNoRows) {
		return to
	}
	return err
}
