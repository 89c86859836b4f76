package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"samenspel/internal/auth"
	"samenspel/internal/profiles"
	"time"
)

// CreateWebSession stores ws after making room: every session last seen before
// idleSince or made before madeSince is removed, and then, while max or more
// remain (max > 0), the least recently seen. It returns ErrConflict when ws.ID is
// taken and auth.ErrNotFound when ws.Token is no stored token.
func (s *Store) CreateWebSession(ctx context.Context, ws auth.WebSession, idleSince, madeSince time.Time, max int) error {
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
		if err := exists(ctx, tx, `SELECT 1 FROM tokens WHERE hash = ?`, ws.Token); errors.Is(err, profiles.ErrNotFound) {
			return auth.ErrNotFound // no such token
		} else if err != nil {
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

// GetWebSession returns the session with id, or auth.ErrNotFound.
func (s *Store) GetWebSession(ctx context.Context, id string) (auth.WebSession, error) {
	ws := auth.WebSession{ID: id}
	var created, seen string
	err := s.reader.QueryRowContext(ctx, `SELECT token, csrf, created, seen FROM web_sessions WHERE id = ?`, id).
		Scan(&ws.Token, &ws.CSRF, &created, &seen)
	if errors.Is(err, sql.ErrNoRows) {
		err = auth.ErrNotFound
	}
	if err == nil {
		ws.Created, err = parseTime(created)
	}
	if err == nil {
		ws.Seen, err = parseTime(seen)
	}
	if err != nil {
		return auth.WebSession{}, fmt.Errorf("store: web session: %w", err)
	}
	return ws, nil
}

// TouchWebSession records that the session with id was used at seen. It returns
// auth.ErrNotFound when there is no such session.
func (s *Store) TouchWebSession(ctx context.Context, id string, seen time.Time) error {
	err := s.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE web_sessions SET seen = ? WHERE id = ?`, formatTime(seen), id)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return errors.Join(err, auth.ErrNotFound)
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
