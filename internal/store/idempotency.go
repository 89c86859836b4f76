package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"samenspel/internal/auth"
	"samenspel/internal/profiles"
)

// ErrKeyUsed is returned when a registration comes with an idempotency key whose
// answer is already stored (and not expired): the caller answers with that one.
var ErrKeyUsed = errors.New("store: idempotency key already used")

// IdempotentAnswer is the stored first answer to a registration made with an
// Idempotency-Key, which a retry with the same key gets again until Expires.
// The store keeps it as given and never reads Sealed: the caller seals the answer
// (it carries the partner's token) so that only the holder of the key can open
// it, and names it by a digest of the key, never the key itself.
type IdempotentAnswer struct {
	// Key is the digest of the idempotency key that names the answer.
	Key string
	// Fingerprint identifies the request that got the answer, so that the same
	// key with another request is told apart.
	Fingerprint string
	// Sealed is the answer, sealed by the caller.
	Sealed []byte
	// Profile is the id of the profile the registration stored: the answer goes
	// when the profile does.
	Profile string
	// Created is when the answer was given; Expires when a retry no longer gets it.
	Created, Expires time.Time
}

// CreateProfileWithToken registers a partner: it stores the new profile p and its
// token t in one transaction, so that no crash can leave a profile nobody can
// manage. t.Profile must be p.ID. When answer is not nil, the registration's
// answer is stored in the same transaction, after every answer expired at
// answer.Created is removed. It returns ErrConflict when the id (or the token
// hash) is taken, and ErrKeyUsed when answer's key has an answer that has not
// expired; nothing is stored then. Like CreateProfile, it records the profile's
// change and stamps it as written now.
func (s *Store) CreateProfileWithToken(ctx context.Context, p profiles.Profile, t auth.Token, answer *IdempotentAnswer) error {
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
				return ErrKeyUsed
			case !errors.Is(err, ErrNotFound):
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
			if err := constraint(err); errors.Is(err, ErrConflict) {
				return ErrKeyUsed
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
// now. It returns ErrNotFound when there is none.
func (s *Store) IdempotentAnswer(ctx context.Context, key string, now time.Time) (IdempotentAnswer, error) {
	a := IdempotentAnswer{Key: key}
	var created, expires string
	err := s.reader.QueryRowContext(ctx, `SELECT fingerprint, sealed, profile, created, expires FROM idempotent_answers
		WHERE key = ? AND expires > ?`, key, formatTime(now)).Scan(&a.Fingerprint, &a.Sealed, &a.Profile, &created, &expires)
	if errors.Is(err, sql.ErrNoRows) {
		err = ErrNotFound
	}
	if err == nil {
		a.Created, err = parseTime(created)
	}
	if err == nil {
		a.Expires, err = parseTime(expires)
	}
	if err != nil {
		return IdempotentAnswer{}, fmt.Errorf("store: idempotent answer: %w", err)
	}
	return a, nil
}
