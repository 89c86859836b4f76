package postgres

import (
	"context"
	"errors"
	"fmt"
	"samenspel/internal/profiles"
	"time"

	"github.com/jackc/pgx/v5"
)

// The change log of profiles, as the embedded store keeps it (profiles.Change): one
// row per profile in profile_changes, its number above every number taken before
// (profile writes are serialised, doc.go), and the cursors of its consumers. A
// consumer reads the changes past its cursor, applies them and moves its cursor
// with a compare-and-set, while it holds a lease; see internal/indexsync.
//
// Beside polling, a consumer can be woken when the log grows: every transaction
// that writes profiles sends a NOTIFY on changesChannel before it commits, and
// PostgreSQL delivers it, to every connection that LISTENs, only once the
// transaction has committed, so that a woken consumer finds the change. Listen
// and WaitChange listen on a connection of their own, outside the pool.

// changesChannel is the channel of the NOTIFY that every profile write sends.
const changesChannel = "samenspel_profile_changes"

// ChangesSince returns the changes with a number above seq, by number, at most
// limit of them (profiles.DefaultChangesLimit when limit is not positive), each with
// the profile as stored now (Stale set), the zero profile for a deletion. One
// statement: one snapshot.
func (s *Store) ChangesSince(ctx context.Context, seq int64, limit int) ([]profiles.Change, error) {
	if limit <= 0 {
		limit = profiles.DefaultChangesLimit
	}
	rows, err := s.pool.Query(ctx, `SELECT c.seq, c.id, c.deleted, p.doc, p.stale_since IS NOT NULL
		FROM profile_changes c LEFT JOIN profiles p ON p.id = c.id
		WHERE c.seq > $1 ORDER BY c.seq LIMIT $2`, seq, limit)
	if err != nil {
		return nil, fmt.Errorf("postgres: changes since %d: %w", seq, err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (profiles.Change, error) {
		var c profiles.Change
		var doc []byte
		var stale bool
		if err := r.Scan(&c.Seq, &c.ID, &c.Deleted, &doc, &stale); err != nil {
			return c, err
		}
		if c.Deleted {
			return c, nil
		}
		if doc == nil { // a write records its change in its own transaction: never
			return c, fmt.Errorf("change %d of profile %q has no profile", c.Seq, c.ID)
		}
		p, err := decodeProfile(doc)
		if err != nil {
			return c, fmt.Errorf("profile %q: %w", c.ID, err)
		}
		p.Stale = stale
		c.Profile = p
		return c, nil
	})
	if err != nil {
		return nil, fmt.Errorf("postgres: changes since %d: %w", seq, err)
	}
	return nonNil(out), nil
}

const lastChangeQuery = `SELECT coalesce(max(seq), 0) FROM profile_changes`

// LastChange returns the number of the latest change, 0 when no profile was ever
// written.
func (s *Store) LastChange(ctx context.Context) (int64, error) {
	var seq int64
	if err := s.pool.QueryRow(ctx, lastChangeQuery).Scan(&seq); err != nil {
		return 0, fmt.Errorf("postgres: last change: %w", err)
	}
	return seq, nil
}

// Cursor returns how far the consumer name has applied the change log, 0 when it
// has recorded nothing.
func (s *Store) Cursor(ctx context.Context, name string) (int64, error) {
	var seq int64
	err := s.pool.QueryRow(ctx, `SELECT seq FROM cursors WHERE name = $1`, name).Scan(&seq)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("postgres: cursor %q: %w", name, err)
	}
	return seq, nil
}

// SetCursor records that the consumer name has applied every change up to seq,
// never moving its cursor backwards (a smaller seq is no error and changes
// nothing). A negative seq or one past LastChange is an error.
func (s *Store) SetCursor(ctx context.Context, name string, seq int64) error {
	err := s.write(ctx, false, func(tx pgx.Tx) error {
		if err := checkCursorSeq(ctx, tx, seq); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `INSERT INTO cursors (name, seq) VALUES ($1, $2)
			ON CONFLICT (name) DO UPDATE SET seq = greatest(cursors.seq, EXCLUDED.seq)`, name, seq)
		return err
	})
	if err != nil {
		return fmt.Errorf("postgres: set cursor %q to %d: %w", name, seq, err)
	}
	return nil
}

// MoveCursor sets the cursor of name to to only when it is at from (a cursor
// never recorded is at 0), and reports whether it did: a compare-and-set in one
// statement. to may lie below from; past LastChange it is an error.
func (s *Store) MoveCursor(ctx context.Context, name string, from, to int64) (bool, error) {
	moved := false
	err := s.write(ctx, false, func(tx pgx.Tx) error {
		if err := checkCursorSeq(ctx, tx, to); err != nil {
			return err
		}
		var tag interface{ RowsAffected() int64 }
		var err error
		if from == 0 { // also a cursor never recorded
			tag, err = tx.Exec(ctx, `INSERT INTO cursors (name, seq) VALUES ($1, $2)
				ON CONFLICT (name) DO UPDATE SET seq = EXCLUDED.seq WHERE cursors.seq = 0`, name, to)
		} else {
			tag, err = tx.Exec(ctx, `UPDATE cursors SET seq = $3 WHERE name = $1 AND seq = $2`, name, from, to)
		}
		if err != nil {
			return err
		}
		moved = tag.RowsAffected() == 1
		return nil
	})
	if err != nil {
		return false, fmt.Errorf("postgres: move cursor %q from %d to %d: %w", name, from, to, err)
	}
	return moved, nil
}

// ResetCursor sets the cursor of name to seq, backwards too. A seq past
// LastChange is an error.
func (s *Store) ResetCursor(ctx context.Context, name string, seq int64) error {
	err := s.write(ctx, false, func(tx pgx.Tx) error {
		if err := checkCursorSeq(ctx, tx, seq); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `INSERT INTO cursors (name, seq) VALUES ($1, $2)
			ON CONFLICT (name) DO UPDATE SET seq = EXCLUDED.seq`, name, seq)
		return err
	})
	if err != nil {
		return fmt.Errorf("postgres: reset cursor %q to %d: %w", name, seq, err)
	}
	return nil
}

// checkCursorSeq refuses a cursor position that is negative or past the last
// change.
func checkCursorSeq(ctx context.Context, tx pgx.Tx, seq int64) error {
	if seq < 0 {
		return errors.New("a cursor is never negative")
	}
	var last int64
	if err := tx.QueryRow(ctx, lastChangeQuery).Scan(&last); err != nil {
		return err
	}
	if seq > last {
		return fmt.Errorf("past the last change (%d)", last)
	}
	return nil
}

// TakeLease gives the lease name to holder until now+ttl when nobody else holds
// it (or the other holder's lease has run out), and reports whether holder has
// it; a holder takes it again to renew it. One statement: two that take a free
// lease at once are ordered by its row. The caller passes the clock; the clocks
// of the replicas must agree to well within ttl.
func (s *Store) TakeLease(ctx context.Context, name, holder string, now time.Time, ttl time.Duration) (bool, error) {
	if holder == "" || ttl <= 0 {
		return false, errors.New("postgres: take lease: a holder and a positive ttl are required")
	}
	tag, err := s.pool.Exec(ctx, `INSERT INTO leases (name, holder, until) VALUES ($1, $2, $3)
		ON CONFLICT (name) DO UPDATE SET holder = EXCLUDED.holder, until = EXCLUDED.until
		WHERE leases.holder = EXCLUDED.holder OR leases.until <= $4`,
		name, holder, formatTime(now.Add(ttl)), formatTime(now))
	if err != nil {
		return false, fmt.Errorf("postgres: take lease %q: %w", name, err)
	}
	return tag.RowsAffected() == 1, nil
}

// ReleaseLease ends holder's lease on name; a lease another holds is left alone.
func (s *Store) ReleaseLease(ctx context.Context, name, holder string) error {
	if _, err := s.pool.Exec(ctx, `DELETE FROM leases WHERE name = $1 AND holder = $2`, name, holder); err != nil {
		return fmt.Errorf("postgres: release lease %q: %w", name, err)
	}
	return nil
}

// listenRetry is how long Listen waits before it connects again after losing
// its connection, at first; each failure doubles it, up to listenRetryMax.
const (
	listenRetry    = 100 * time.Millisecond
	listenRetryMax = 10 * time.Second
)

// Listen returns a channel that receives whenever the change log may have grown:
// a profile write committed (by any replica on the database), or Listen's
// connection was lost and made again, during which a wake may have been missed.
// Wakes that come while one waits unreceived are merged into it, so a receiver
// reads the log (ChangesSince past its cursor) after each and misses nothing; a
// wake may find nothing new. The channel is closed when ctx ends. Listen holds a
// connection of its own, outside the pool, until then; it fails only when the
// first connection cannot be made.
//
// It is the poke of indexsync.Syncer.Run: the sync then follows the log at
// once instead of at its next poll, and the poll stays as the safety net.
func (s *Store) Listen(ctx context.Context) (<-chan struct{}, error) {
	conn, err := s.listenConn(ctx)
	if err != nil {
		return nil, fmt.Errorf("postgres: listen for changes: %w", err)
	}
	wake := make(chan struct{}, 1)
	poke := func() {
		select {
		case wake <- struct{}{}:
		default:
		}
	}
	go func() {
		defer close(wake)
		defer func() {
			if conn != nil {
				conn.Close(context.WithoutCancel(ctx))
			}
		}()
		retry := listenRetry
		for {
			_, err := conn.WaitForNotification(ctx)
			if ctx.Err() != nil {
				return
			}
			if err == nil {
				retry = listenRetry
				poke()
				continue
			}
			conn.Close(context.WithoutCancel(ctx))
			conn = nil
			for {
				t := time.NewTimer(retry)
				select {
				case <-ctx.Done():
					t.Stop()
					return
				case <-t.C:
				}
				retry = min(2*retry, listenRetryMax)
				if conn, err = s.listenConn(ctx); err == nil {
					break
				}
			}
			poke() // what was committed while it was away
		}
	}()
	return wake, nil
}

// listenConn is a new connection, outside the pool, that listens on
// changesChannel.
func (s *Store) listenConn(ctx context.Context) (*pgx.Conn, error) {
	conn, err := pgx.ConnectConfig(ctx, s.pool.Config().ConnConfig.Copy())
	if err != nil {
		return nil, err
	}
	if _, err := conn.Exec(ctx, `LISTEN `+pgx.Identifier{changesChannel}.Sanitize()); err != nil {
		conn.Close(context.WithoutCancel(ctx))
		return nil, err
	}
	return conn, nil
}

// WaitChange returns once the change log holds a change numbered above after
// (at once when it does already), or ctx's error when ctx ends first. It listens
// (Listen) before it reads the log, so that a write committed in between still
// wakes it.
func (s *Store) WaitChange(ctx context.Context, after int64) error {
	lctx, cancel := context.WithCancel(ctx)
	defer cancel()
	wake, err := s.Listen(lctx)
	if err != nil {
		return err
	}
	for {
		last, err := s.LastChange(ctx)
		if err != nil {
			return err
		}
		if last > after {
			return nil
		}
		if _, ok := <-wake; !ok {
			return ctx.Err()
		}
	}
}
