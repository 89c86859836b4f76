package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"samenspel/internal/auth"
	"samenspel/internal/idempotency"
	"samenspel/internal/profiles"
)

// CreateProfileWithToken registers a partner: it stores the new profile p and its
// token t in one transaction, so that no crash can leave a profile nobody can
// manage. t.Profile must be p.ID. When answer is not nil, the registration's
// answer is stored in the same transaction, after every answer expired at
// answer.Created is removed. profiles.ErrConflict when the id (or the token hash) is
// taken, and idempotency.ErrKeyUsed when answer's key has an answer that has not
// expired; nothing is stored then. Like CreateProfile it runs under the lock of
// profile writes, records the profile's change and stamps it as written now; the
// lock also makes two registrations with one key take turns, so that the second
// learns that the key was used.
func (s *Store) CreateProfileWithToken(ctx context.Context, p profiles.Profile, t auth.Token, answer *idempotency.Stored) error {
	err := s.write(ctx, true, func(tx pgx.Tx) error {
		if t.Profile != p.ID {
			return fmt.Errorf("token is for profile %q, not %q", t.Profile, p.ID)
		}
		if !isSHA256Hex(t.Hash) {
			return errors.New("hash is not a lower-case hex SHA-256")
		}
		if answer != nil {
			// Before the profile: a second request with the key learns that its key
			// was used, not that the id it registers is taken.
			if _, err := tx.Exec(ctx, `DELETE FROM idempotent_answers WHERE expires <= $1`, formatTime(answer.Created)); err != nil {
				return err
			}
			switch err := exists(ctx, tx, `SELECT 1 FROM idempotent_answers WHERE key = $1`, answer.Key); {
			case err == nil:
				return idempotency.ErrKeyUsed
			case !errors.Is(err, profiles.ErrNotFound):
				return err
			}
		}
		if err := s.writer(tx).insert(ctx, p); err != nil {
			return err
		}
		if err := insertToken(ctx, tx, t); err != nil {
			return fmt.Errorf("token: %w", err)
		}
		if answer != nil {
			_, err := tx.Exec(ctx, `INSERT INTO idempotent_answers (key, fingerprint, sealed, profile, created, expires)
				VALUES ($1, $2, $3, $4, $5, $6)`, answer.Key, answer.Fingerprint, nonNil(answer.Sealed), p.ID,
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
		return fmt.Errorf("postgres: register profile %q: %w", p.ID, err)
	}
	return nil
}

// IdempotentAnswer returns the answer stored under key that has not expired at
// now; idempotency.ErrNotFound when there is none.
func (s *Store) IdempotentAnswer(ctx context.Context, key string, now time.Time) (idempotency.Stored, error) {
	a := idempotency.Stored{Key: key}
	var created, expires string
	err := s.pool.QueryRow(ctx, `SELECT fingerprint, sealed, profile, created, expires FROM idempotent_answers
		WHERE key = $1 AND expires > $2`, key, formatTime(now)).Scan(&a.Fingerprint, &a.Sealed, &a.Profile, &created, &expires)
	err = noRows(err, idempotency.ErrNotFound)
	if err == nil {
		a.Created, err = parseTime(created)
	}
	if err == nil {
		a.Expires, err = parseTime(expires)
	}
	if err != nil {
		return idempotency.Stored{}, fmt.Errorf("postgres: idempotent answer: %w", err)
	}
	return a, nil
}
