package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"samenspel/internal/auth"
	"samenspel/internal/profiles"
)

// sessionWrites is the key of the advisory lock that serialises the making of
// web sessions, so that two replicas making room at once keep the bound on their
// number: an arbitrary number no other lock uses.
const sessionWrites = 0x53616d656e03 // "Samen" 3

// CreateWebSession stores ws after making room: every session last seen before
// idleSince or made before madeSince is removed, and then, while max or more
// remain (max > 0), the least recently seen. profiles.ErrConflict when ws.ID is
// taken, auth.ErrNotFound when ws.Token is no stored token.
func (s *Store) CreateWebSession(ctx context.Context, ws auth.WebSession, idleSince, madeSince time.Time, max int) error {
	err := s.write(ctx, false, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, int64(sessionWrites)); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM web_sessions WHERE seen < $1 OR created < $2`,
			formatTime(idleSince), formatTime(madeSince)); err != nil {
			return err
		}
		if max > 0 {
			if _, err := tx.Exec(ctx, `DELETE FROM web_sessions WHERE id IN (SELECT id FROM web_sessions
				ORDER BY seen, id LIMIT greatest(0, (SELECT count(*) FROM web_sessions) - $1 + 1))`, max); err != nil {
				return err
			}
		}
		if err := exists(ctx, tx, `SELECT 1 FROM tokens WHERE hash = $1`, ws.Token); errors.Is(err, profiles.ErrNotFound) {
			return auth.ErrNotFound // no such token
		} else if err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `INSERT INTO web_sessions (id, token, csrf, created, seen) VALUES ($1, $2, $3, $4, $5)`,
			ws.ID, ws.Token, ws.CSRF, formatTime(ws.Created), formatTime(ws.Seen))
		return constraint(err)
	})
	if err != nil {
		return fmt.Errorf("postgres: create web session: %w", err)
	}
	return nil
}

// GetWebSession returns the session with id, or auth.ErrNotFound.
func (s *Store) GetWebSession(ctx context.Context, id string) (auth.WebSession, error) {
	ws := auth.WebSession{ID: id}
	var created, seen string
	err := s.pool.QueryRow(ctx, `SELECT token, csrf, created, seen FROM web_sessions WHERE id = $1`, id).
		Scan(&ws.Token, &ws.CSRF, &created, &seen)
	if err = noRows(err, auth.ErrNotFound); err == nil {
		ws.Created, err = parseTime(created)
	}
	if err == nil {
		ws.Seen, err = parseTime(seen)
	}
	if err != nil {
		return auth.WebSession{}, fmt.Errorf("postgres: web session: %w", err)
	}
	return ws, nil
}

// TouchWebSession records that the session with id was used at seen;
// auth.ErrNotFound when there is no such session.
func (s *Store) TouchWebSession(ctx context.Context, id string, seen time.Time) error {
	if err := s.updateOne(ctx, auth.ErrNotFound, `UPDATE web_sessions SET seen = $1 WHERE id = $2`, formatTime(seen), id); err != nil {
		return fmt.Errorf("postgres: touch web session: %w", err)
	}
	return nil
}

// DeleteWebSession removes the session with id; one that is not there is no
// error.
func (s *Store) DeleteWebSession(ctx context.Context, id string) error {
	if _, err := s.pool.Exec(ctx, `DELETE FROM web_sessions WHERE id = $1`, id); err != nil {
		return fmt.Errorf("postgres: delete web session: %w", err)
	}
	return nil
}

// WebKey returns the key stored under name, storing fresh there first when there
// is none: the first replica to ask sets the key, and every replica then signs
// with the same one. Two that ask at once both get the first one's.
func (s *Store) WebKey(ctx context.Context, name string, fresh []byte) ([]byte, error) {
	var key []byte
	err := s.write(ctx, false, func(tx pgx.Tx) error {
		if len(fresh) == 0 {
			return errors.New("an empty key")
		}
		if _, err := tx.Exec(ctx, `INSERT INTO web_keys (name, key) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING`, name, fresh); err != nil {
			return err
		}
		return tx.QueryRow(ctx, `SELECT key FROM web_keys WHERE name = $1`, name).Scan(&key)
	})
	if err != nil {
		return nil, fmt.Errorf("postgres: web key %q: %w", name, err)
	}
	return key, nil
}
