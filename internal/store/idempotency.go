package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"samenspel/internal/auth"
	"samenspel/internal/idempotency"
	"samenspel/internal/profiles"
)

// CreateProfileWithToken registers a partner: it stores the new profile p and its
// token t in one transaction, so that no crash can leave a profile nobody can
// manage. t.Profile must be p.ID. When answer is not nil, the registration's
// answer is stored in the same transaction, after every answer expired at
// answer.Created is removed. It returns ErrConflict when the id (or the token
// hash) is taken, and ErrKeyUsed when answer's key has an answer that has not
// expired; nothing is stored then. Like CreateProfile, it records the profile's
// change and stamps it as written now.
func (s *Store) CreateProfileWithToken(ctx context.Context, p profiles.Profile, t auth.Token, answer *idempotency.Stored) error {
	err := s.write(ctx, func(tx *sql.Tx) error {
		if t.Profile != p.ID {
			return fmt.Errorf("token is for profile %q, not %q", t.Profile, p.ID)
		}
		if !isSHA256Hex(t.Hash) {
			return errors.New("hash is not a lower-case hex SHA-256")
		}
		if answer != nil {
			// Before the profile: a second request with the key learns that its key
			// was used, not that the id it registers is taken.
			if _, err := tx.ExecContext(ctx, `DELETE FROM idempotent_answers WHERE expires <= ?`, formatTime(answer.Created)); err != nil {
				return err
			}
			switch err := exists(ctx, tx, `SELECT 1 FROM idempotent_answers WHERE key = ?`, answer.Key); {
			case err == nil:
				return idempotency.ErrKeyUsed
			case !errors.Is(err, profiles.ErrNotFound):
				return err
			}
		}
		w, err := s.newProfileWriter(ctx, tx, s.now())
		if err != nil {
			return err
		}
		defer w.close()
		if err := w.insert(ctx, p); err != nil {
			return err
		}
		if err := w.flush(ctx); err != nil {
			return err
		}
		if err := insertToken(ctx, tx, t); err != nil {
			return fmt.Errorf("token: %w", err)
		}
		if answer != nil {
			_, err := tx.ExecContext(ctx, `INSERT INTO idempotent_answers (key, fingerprint, sealed, profile, created, expires)
				VALUES (?, ?, ?, ?, ?, ?)`, answer.Key, answer.Fingerprint, answer.Sealed, p.ID,
				formatTime(answer.Created), formatTime(answer.Expires))
			if err := constraint(err); errors.Is(err, profiles.ErrConflict) {
				return idempotency.ErrKeyUsed
			} else if err != nil {
				return err
			}
		}
		return bump(ctx, tx, kindProfiles)
	})
	if err != nil {
		return fmt.Errorf("store: register profile %q: %w", p.ID, err)
	}
	return nil
}

// IdempotentAnswer returns the answer stored under key that has not expired at
// now. It returns idempotency.ErrNotFound when there is none.
func (s *Store) IdempotentAnswer(ctx context.Context, key string, now time.Time) (idempotency.Stored, error) {
	a := idempotency.Stored{Key: key}
	var created, expires string
	err := s.reader.QueryRowContext(ctx, `SELECT fingerprint, sealed, profile, created, expires FROM idempotent_answers
		WHERE key = ? AND expires > ?`, key, formatTime(now)).Scan(&a.Fingerprint, &a.Sealed, &a.Profile, &created, &expires)
	if errors.Is(err, sql.ErrNoRows) {
		err = idempotency.ErrNotFound
	}
	if err == nil {
		a.Created, err = parseTime(created)
	}
	if err == nil {
		a.Expires, err = parseTime(expires)
	}
	if err != nil {
		return idempotency.Stored{}, fmt.Errorf("store: idempotent answer: %w", err)
	}
	return a, nil
}
