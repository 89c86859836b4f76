package postgres

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"samenspel/internal/profiles"
	"time"

	"github.com/jackc/pgx/v5"
)

// AddIdea registers text as an idea of profile at now and returns it with its
// receipt: a new random id and the digest of text. profiles.ErrNotFound when there
// is no profile, profiles.ErrTooManyIdeas when the partner has profiles.MaxIdeas
// already. It does not judge the text: the caller does. The profile's row is
// locked from the count to the insert, so that two ideas at once cannot both be
// the last one allowed.
func (s *Store) AddIdea(ctx context.Context, profile, text string, now time.Time) (profiles.Idea, error) {
	idea := profiles.Idea{Profile: profile, Text: text, SHA256: profiles.IdeaDigest(text), Created: now.UTC()}
	err := s.write(ctx, false, func(tx pgx.Tx) error {
		if err := exists(ctx, tx, `SELECT 1 FROM profiles WHERE id = $1 FOR NO KEY UPDATE`, profile); err != nil {
			return err
		}
		var n int
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM ideas WHERE profile = $1`, profile).Scan(&n); err != nil {
			return err
		}
		if n >= profiles.MaxIdeas {
			return profiles.ErrTooManyIdeas
		}
		b := make([]byte, 16)
		if _, err := rand.Read(b); err != nil {
			return err
		}
		// A taken id of 128 random bits: never, in practice; if it were, the
		// insert fails with profiles.ErrConflict and nothing is stored.
		idea.ID = profiles.IdeaIDPrefix + hex.EncodeToString(b)
		_, err := tx.Exec(ctx, `INSERT INTO ideas (id, profile, sha256, text, created) VALUES ($1, $2, $3, $4, $5)`,
			idea.ID, profile, idea.SHA256, text, formatTime(now))
		return constraint(err)
	})
	if err != nil {
		return profiles.Idea{}, fmt.Errorf("postgres: add idea of %q: %w", profile, err)
	}
	return idea, nil
}

// Ideas returns profile's ideas, newest first (then by id), limit of them after
// skipping offset (limit < 1: all), and how many it has in all.
func (s *Store) Ideas(ctx context.Context, profile string, limit, offset int) ([]profiles.Idea, int, error) {
	var lim *int
	if limit >= 1 {
		lim = &limit
	}
	var out []profiles.Idea
	var total int
	err := s.snapshot(ctx, func(tx pgx.Tx) error {
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM ideas WHERE profile = $1`, profile).Scan(&total); err != nil {
			return err
		}
		rows, err := tx.Query(ctx, `SELECT id, profile, sha256, text, created FROM ideas WHERE profile = $1
			ORDER BY created DESC, id LIMIT $2 OFFSET $3`, profile, lim, max(offset, 0))
		if err != nil {
			return err
		}
		out, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (profiles.Idea, error) { return scanIdea(r) })
		return err
	})
	if err != nil {
		return nil, 0, fmt.Errorf("postgres: ideas of %q: %w", profile, err)
	}
	return nonNil(out), total, nil
}

// IdeaByReceipt returns the idea with receipt id, or profiles.ErrNotFound.
func (s *Store) IdeaByReceipt(ctx context.Context, id string) (profiles.Idea, error) {
	idea, err := scanIdea(s.pool.QueryRow(ctx, `SELECT id, profile, sha256, text, created FROM ideas WHERE id = $1`, id))
	if err != nil {
		return profiles.Idea{}, fmt.Errorf("postgres: idea: %w", err)
	}
	return idea, nil
}

// scanIdea reads a row of (id, profile, sha256, text, created); no row is
// profiles.ErrNotFound.
func scanIdea(row pgx.Row) (profiles.Idea, error) {
	var i profiles.Idea
	var created string
	err := row.Scan(&i.ID, &i.Profile, &i.SHA256, &i.Text, &created)
	if errors.Is(err, pgx.ErrNoRows) {
		return profiles.Idea{}, profiles.ErrNotFound
	}
	if err != nil {
		return profiles.Idea{}, err
	}
	if i.Created, err = parseTime(created); err != nil {
		return profiles.Idea{}, err
	}
	return i, nil
}
