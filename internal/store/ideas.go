package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"samenspel/internal/profiles"
	"time"
)

// A partner's ideas, registered so that it can later show that it had an idea
// first: the source text warns that dominant partners take over small providers'
// ideas, and a private field hides an idea but proves nothing. Each idea is kept
// under a random receipt id with the SHA-256 of its exact text and when it was
// registered. The text is the partner's: the store gives it to whoever asks (the
// caller decides), but nothing else the store answers (search, candidates,
// profiles) ever holds it. An idea goes with its partner's profile.

// AddIdea registers text as an idea of profile at now and returns it with its
// receipt: a new random id and the digest of text. It returns ErrNotFound when
// there is no profile, and ErrTooManyIdeas when the partner has MaxIdeas already.
// It does not judge the text: the caller does.
func (s *Store) AddIdea(ctx context.Context, profile, text string, now time.Time) (profiles.Idea, error) {
	idea := profiles.Idea{Profile: profile, Text: text, SHA256: profiles.IdeaDigest(text), Created: now.UTC()}
	err := s.write(ctx, func(tx *sql.Tx) error {
		if err := exists(ctx, tx, `SELECT 1 FROM profiles WHERE id = ?`, profile); err != nil {
			return err
		}
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM ideas WHERE profile = ?`, profile).Scan(&n); err != nil {
			return err
		}
		if n >= profiles.MaxIdeas {
			return profiles.ErrTooManyIdeas
		}
		for range 3 { // a taken id of 128 random bits: never, in practice
			b := make([]byte, profiles.IdeaIDBytes)
			if _, err := rand.Read(b); err != nil {
				return err
			}
			idea.ID = profiles.IdeaIDPrefix + hex.EncodeToString(b)
			_, err := tx.ExecContext(ctx, `INSERT INTO ideas (id, profile, sha256, text, created) VALUES (?, ?, ?, ?, ?)`,
				idea.ID, profile, idea.SHA256, text, formatTime(now))
			if err = constraint(err); !errors.Is(err, profiles.ErrConflict) {
				return err
			}
		}
		return profiles.ErrConflict
	})
	if err != nil {
		return profiles.Idea{}, fmt.Errorf("store: add idea of %q: %w", profile, err)
	}
	return idea, nil
}

// Ideas returns profile's ideas, newest first (then by id), limit of them after
// skipping offset (limit < 1: all), and how many it has in all.
func (s *Store) Ideas(ctx context.Context, profile string, limit, offset int) ([]profiles.Idea, int, error) {
	if limit < 1 {
		limit = -1 // SQLite: no limit
	}
	out := []profiles.Idea{}
	var total int
	err := s.read(ctx, func(tx *sql.Tx) error {
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM ideas WHERE profile = ?`, profile).Scan(&total); err != nil {
			return err
		}
		rows, err := tx.QueryContext(ctx, `SELECT id, profile, sha256, text, created FROM ideas WHERE profile = ?
			ORDER BY created DESC, id LIMIT ? OFFSET ?`, profile, limit, max(offset, 0))
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			i, err := scanIdea(rows)
			if err != nil {
				return err
			}
			out = append(out, i)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, 0, fmt.Errorf("store: ideas of %q: %w", profile, err)
	}
	return out, total, nil
}

// IdeaByReceipt returns the idea with receipt id, or ErrNotFound.
func (s *Store) IdeaByReceipt(ctx context.Context, id string) (profiles.Idea, error) {
	idea, err := scanIdea(s.reader.QueryRowContext(ctx, `SELECT id, profile, sha256, text, created FROM ideas WHERE id = ?`, id))
	if err != nil {
		return profiles.Idea{}, fmt.Errorf("store: idea: %w", err)
	}
	return idea, nil
}

// scanIdea reads a row of (id, profile, sha256, text, created); no row is
// ErrNotFound.
func scanIdea(row interface{ Scan(...any) error }) (profiles.Idea, error) {
	var i profiles.Idea
	var created string
	err := row.Scan(&i.ID, &i.Profile, &i.SHA256, &i.Text, &created)
	if errors.Is(err, sql.ErrNoRows) {
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
