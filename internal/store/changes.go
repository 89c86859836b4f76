package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"samenspel/internal/profiles"
)

// The change log of profiles (the outbox of the scaled set-up). Every profile write
// records, in its own transaction, a row in profile_changes: one row per profile id,
// whose sequence number moves past every other on each write of that profile, and
// which says whether the profile now exists. A consumer that keeps a copy of the
// profiles elsewhere (the Meilisearch index) reads the changes past the sequence
// number it has applied (its cursor, kept in the store too) and so never misses an
// acknowledged write, however long it was away: the log holds the last change of
// every profile ever written, so it is as large as the number of profiles, not the
// number of writes.
//
// Sequence numbers only grow and are never reused (SQLite AUTOINCREMENT). Because a
// write takes a number above every number taken before it, a consumer that reads
// the log in pages by sequence number misses nothing: whatever is written after it
// read a page lands after that page. Reading from 0 gives every profile, and every
// deletion ever made, once: a full rebuild of the copy.

// ChangesSince returns the changes with a sequence number above seq, by sequence
// number, at most limit of them (DefaultChangesLimit when limit is not positive).
// Each profile appears at most once, with its current document.
func (s *Store) ChangesSince(ctx context.Context, seq int64, limit int) ([]profiles.Change, error) {
	if limit <= 0 {
		limit = profiles.DefaultChangesLimit
	}
	rows, err := s.reader.QueryContext(ctx, `SELECT c.seq, c.id, c.deleted, p.doc, coalesce(p.stale_since, '')
		FROM profile_changes c LEFT JOIN profiles p ON p.id = c.id
		WHERE c.seq > ? ORDER BY c.seq LIMIT ?`, seq, limit)
	if err != nil {
		return nil, fmt.Errorf("store: changes since %d: %w", seq, err)
	}
	defer rows.Close()
	out := []profiles.Change{}
	for rows.Next() {
		var c profiles.Change
		var doc []byte
		var staleSince string
		if err := rows.Scan(&c.Seq, &c.ID, &c.Deleted, &doc, &staleSince); err != nil {
			return nil, fmt.Errorf("store: changes since %d: %w", seq, err)
		}
		if !c.Deleted {
			if doc == nil { // a write records its change in its own transaction: never
				return nil, fmt.Errorf("store: changes since %d: change %d of profile %q has no profile", seq, c.Seq, c.ID)
			}
			if c.Profile, err = decodeStoredProfile(doc, staleSince); err != nil {
				return nil, fmt.Errorf("store: changes since %d: profile %q: %w", seq, c.ID, err)
			}
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: changes since %d: %w", seq, err)
	}
	return out, nil
}

// LastChange returns the sequence number of the latest change, 0 when no profile was
// ever written.
func (s *Store) LastChange(ctx context.Context) (int64, error) {
	var seq int64
	if err := s.reader.QueryRowContext(ctx, lastChangeQuery).Scan(&seq); err != nil {
		return 0, fmt.Errorf("store: last change: %w", err)
	}
	return seq, nil
}

const lastChangeQuery = `SELECT coalesce(max(seq), 0) FROM profile_changes`

// Cursor returns how far the consumer name has applied the change log: the sequence
// number it last recorded with SetCursor, MoveCursor or ResetCursor, or 0 when it has
// recorded none (a consumer that never ran starts at the beginning).
func (s *Store) Cursor(ctx context.Context, name string) (int64, error) {
	var seq int64
	err := s.reader.QueryRowContext(ctx, `SELECT seq FROM cursors WHERE name = ?`, name).Scan(&seq)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("store: cursor %q: %w", name, err)
	}
	return seq, nil
}

// SetCursor records that the consumer name has applied every change up to seq. It
// never moves a cursor backwards: a seq below the recorded one leaves it where it is,
// without error, so that a slow consumer finishing an older batch cannot make a
// faster one apply changes again or, worse, hide a reset. ResetCursor moves a cursor
// anywhere, MoveCursor moves it only from a known place. A seq beyond LastChange is
// an error: the cursor would step over changes not yet written.
func (s *Store) SetCursor(ctx context.Context, name string, seq int64) error {
	err := s.write(ctx, func(tx *sql.Tx) error {
		if err := checkCursorSeq(ctx, tx, seq); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO cursors (name, seq) VALUES (?, ?)
			ON CONFLICT (name) DO UPDATE SET seq = max(seq, excluded.seq)`, name, seq)
		return err
	})
	if err != nil {
		return fmt.Errorf("store: set cursor %q to %d: %w", name, seq, err)
	}
	return nil
}

// MoveCursor sets the cursor of name to to only when it is at from (a cursor never
// recorded is at 0), and reports whether it did: a compare-and-set, so that
// consumers in several processes take turns and a consumer whose cursor was reset
// while it worked notices instead of stepping over the reset. to may lie below from.
// A to beyond LastChange is an error, as for SetCursor.
func (s *Store) MoveCursor(ctx context.Context, name string, from, to int64) (bool, error) {
	moved := false
	err := s.write(ctx, func(tx *sql.Tx) error {
		if err := checkCursorSeq(ctx, tx, to); err != nil {
			return err
		}
		var at int64
		err := tx.QueryRowContext(ctx, `SELECT seq FROM cursors WHERE name = ?`, name).Scan(&at)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		if at != from {
			return nil
		}
		moved = true
		_, err = tx.ExecContext(ctx, `INSERT INTO cursors (name, seq) VALUES (?, ?)
			ON CONFLICT (name) DO UPDATE SET seq = excluded.seq`, name, to)
		return err
	})
	if err != nil {
		return false, fmt.Errorf("store: move cursor %q from %d to %d: %w", name, from, to, err)
	}
	return moved, nil
}

// ResetCursor sets the cursor of name to seq, backwards too: after its copy was
// rebuilt or lost (0 makes the consumer apply every profile again). A seq beyond
// LastChange is an error, as for SetCursor.
func (s *Store) ResetCursor(ctx context.Context, name string, seq int64) error {
	err := s.write(ctx, func(tx *sql.Tx) error {
		if err := checkCursorSeq(ctx, tx, seq); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO cursors (name, seq) VALUES (?, ?)
			ON CONFLICT (name) DO UPDATE SET seq = excluded.seq`, name, seq)
		return err
	})
	if err != nil {
		return fmt.Errorf("store: reset cursor %q to %d: %w", name, seq, err)
	}
	return nil
}

// checkCursorSeq refuses a cursor position that is negative or past the last change.
func checkCursorSeq(ctx context.Context, tx *sql.Tx, seq int64) error {
	if seq < 0 {
		return errors.New("a cursor is never negative")
	}
	var last int64
	if err := tx.QueryRowContext(ctx, lastChangeQuery).Scan(&last); err != nil {
		return err
	}
	if seq > last {
		return fmt.Errorf("past the last change (%d)", last)
	}
	return nil
}

// TakeLease gives the lease name to holder until now+ttl when nobody else holds it
// (or the other holder's lease has run out), and reports whether holder has it. A
// holder takes it again to renew it. It makes consumers of the change log in
// several processes (the indexer's sync, a reindex) take turns: the cursor's
// compare-and-set keeps the cursor right, but only one writer at a time keeps the
// copy right, since two could otherwise apply one profile's versions out of order.
// The caller passes the clock; clocks of processes on one machine agree.
func (s *Store) TakeLease(ctx context.Context, name, holder string, now time.Time, ttl time.Duration) (bool, error) {
	if holder == "" || ttl <= 0 {
		return false, errors.New("store: take lease: a holder and a positive ttl are required")
	}
	var got bool
	err := s.write(ctx, func(tx *sql.Tx) error {
		var held, until string
		err := tx.QueryRowContext(ctx, `SELECT holder, until FROM leases WHERE name = ?`, name).Scan(&held, &until)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		if err == nil && held != holder {
			end, err := parseTime(until)
			if err != nil {
				return err
			}
			if now.Before(end) {
				return nil // another holds it
			}
		}
		got = true
		_, err = tx.ExecContext(ctx, `INSERT INTO leases (name, holder, until) VALUES (?, ?, ?)
			ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, until = excluded.until`,
			name, holder, formatTime(now.Add(ttl)))
		return err
	})
	if err != nil {
		return false, fmt.Errorf("store: take lease %q: %w", name, err)
	}
	return got, nil
}

// ReleaseLease ends holder's lease on name; a lease another holds is left alone.
func (s *Store) ReleaseLease(ctx context.Context, name, holder string) error {
	err := s.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM leases WHERE name = ? AND holder = ?`, name, holder)
		return err
	})
	if err != nil {
		return fmt.Errorf("store: release lease %q: %w", name, err)
	}
	return nil
}
