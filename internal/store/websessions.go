package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// WebSession is a signed-in session of the pages (internal/web/session), as the
// store keeps it so that every replica over the store sees it. It never holds the
// cookie's secret or a bearer token: only digests of both.
type WebSession struct {
	// ID is the digest of the session's secret, the value of its cookie.
	ID string
	// Token is the hash of the bearer token the session signed in with (as
	// Token.Hash): the session ends with it.
	Token string
	// CSRF is the session's token for its forms.
	CSRF string
	// Created is when the session was made, Seen when it was last used.
	Created, Seen time.Time
}

// CreateWebSession stores ws after making room: every session last seen before
// idleSince or made before madeSince is removed, and then, while max or more
// remain (max > 0), the least recently seen. It returns ErrConflict when ws.ID is
// taken and ErrNotFound when ws.Token is no stored token.
func (s *Store) CreateWebSession(ctx context.Context, ws WebSession, idleSince, madeSince time.Time, max int) error {
	err := s.write(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM web_sessions WHERE seen < ? OR created < ?`,
			formatTime(idleSince), formatTime(madeSince)); err != nil {
			return err
		}
		if max > 0 {
			_, err := tx.ExecContext(ctx, `DELETE FROM web_sessions WHERE id IN (SELECT id FROM web_sessions
				ORDER BY seen, id LIMIT max(0, (SELECT count(*) FROM web_sessions) - ? + 1))`, max)
			if err != nil {
				return err
			}
		}
		if err := exists(ctx, tx, `SELECT 1 FROM tokens WHERE hash = ?`, ws.Token); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO web_sessions (id, token, csrf, created, seen) VALUES (?, ?, ?, ?, ?)`,
			ws.ID, ws.Token, ws.CSRF, formatTime(ws.Created), formatTime(ws.Seen))
		return constraint(err)
	})
	if err != nil {
		return fmt.Errorf("store: create web session: %w", err)
	}
	return nil
}

// GetWebSession returns the session with id, or ErrNotFound.
func (s *Store) GetWebSession(ctx context.Context, id string) (WebSession, error) {
	ws := WebSession{ID: id}
	var created, seen string
	err := s.reader.QueryRowContext(ctx, `SELECT token, csrf, created, seen FROM web_sessions WHERE id = ?`, id).
		Scan(&ws.Token, &ws.CSRF, &created, &seen)
	if errors.Is(err, sql.ErrNoRows) {
		err = ErrNotFound
	}
	if err == nil {
		ws.Created, err = parseTime(created)
	}
	if err == nil {
		ws.Seen, err = parseTime(seen)
	}
	if err != nil {
		return WebSession{}, fmt.Errorf("store: web session: %w", err)
	}
	return ws, nil
}

// TouchWebSession records that the session with id was used at seen. It returns
// ErrNotFound when there is no such session.
func (s *Store) TouchWebSession(ctx context.Context, id string, seen time.Time) error {
	err := s.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE web_sessions SET seen = ? WHERE id = ?`, formatTime(seen), id)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return errors.Join(err, ErrNotFound)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("store: touch web session: %w", err)
	}
	return nil
}

// DeleteWebSession removes the session with id; one that is not there is no error.
func (s *Store) DeleteWebSession(ctx context.Context, id string) error {
	err := s.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM web_sessions WHERE id = ?`, id)
		return err
	})
	if err != nil {
		return fmt.Errorf("store: delete web session: %w", err)
	}
	return nil
}

// WebKey returns the key stored under name, storing fresh there first when there
// is none: the first replica to ask sets the key, and every replica then signs
// with the same one.
func (s *Store) WebKey(ctx context.Context, name string, fresh []byte) ([]byte, error) {
	var key []byte
	err := s.write(ctx, func(tx *sql.Tx) error {
		if len(fresh) == 0 {
			return errors.New("an empty key")
		}
		if _, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO web_keys (name, key) VALUES (?, ?)`, name, fresh); err != nil {
			return err
		}
		return tx.QueryRowContext(ctx, `SELECT key FROM web_keys WHERE name = ?`, name).Scan(&key)
	})
	if err != nil {
		return nil, fmt.Errorf("store: web key %q: %w", name, err)
	}
	return key, nil
}
