package postgres

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"samenspel/internal/auth"
	"samenspel/internal/profiles"
)

// CreateToken stores a token. profiles.ErrConflict when the hash is taken,
// profiles.ErrNotFound when Profile names a profile that does not exist, and an
// error when Hash is not a hex SHA-256: a secret passed by mistake is never
// stored.
func (s *Store) CreateToken(ctx context.Context, t auth.Token) error {
	err := s.write(ctx, false, func(tx pgx.Tx) error {
		if !isSHA256Hex(t.Hash) {
			return errors.New("hash is not a lower-case hex SHA-256")
		}
		return insertToken(ctx, tx, t)
	})
	if err != nil {
		return fmt.Errorf("postgres: create token %q: %w", t.Name, err)
	}
	return nil
}

// insertToken stores t in tx.
func insertToken(ctx context.Context, tx pgx.Tx, t auth.Token) error {
	var profile *string
	if t.Profile != "" {
		profile = &t.Profile
	}
	_, err := tx.Exec(ctx, `INSERT INTO tokens (hash, role, name, profile, created, expires, revoked)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`,
		t.Hash, t.Role, t.Name, profile, formatTime(t.Created), optionalTime(t.Expires), optionalTime(t.Revoked))
	return constraint(err)
}

// TokenByHash returns the token with hash, revoked and expired ones too (the
// caller tells them apart with State); auth.ErrNotFound when there is none.
func (s *Store) TokenByHash(ctx context.Context, hash string) (auth.Token, error) {
	t, err := scanToken(s.pool.QueryRow(ctx, `SELECT `+tokenColumns+` FROM tokens WHERE hash = $1`, hash))
	if err != nil {
		return auth.Token{}, fmt.Errorf("postgres: token by hash: %w", err)
	}
	return t, nil
}

// Tokens returns the tokens, newest first (by creation, then hash), limit of
// them after skipping offset (limit < 1: all), and how many there are in all.
// Revoked and expired tokens are listed too.
func (s *Store) Tokens(ctx context.Context, limit, offset int) ([]auth.Token, int, error) {
	var lim *int
	if limit >= 1 {
		lim = &limit
	}
	var out []auth.Token
	var total int
	err := s.snapshot(ctx, func(tx pgx.Tx) error {
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM tokens`).Scan(&total); err != nil {
			return err
		}
		rows, err := tx.Query(ctx, `SELECT `+tokenColumns+` FROM tokens ORDER BY created DESC, hash LIMIT $1 OFFSET $2`,
			lim, max(offset, 0))
		if err != nil {
			return err
		}
		out, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (auth.Token, error) { return scanToken(r) })
		return err
	})
	if err != nil {
		return nil, 0, fmt.Errorf("postgres: tokens: %w", err)
	}
	return nonNil(out), total, nil
}

// RevokeToken revokes the token with id (a auth.TokenID) at now, and returns it
// as stored. From the moment it returns, every replica over the same database
// refuses the token. A token revoked before keeps its first revocation time.
// auth.ErrNotFound when no token has id, and profiles.ErrConflict in the unlikely
// case that two do (their hashes share 64 bits): nothing is revoked then.
func (s *Store) RevokeToken(ctx context.Context, id string, now time.Time) (auth.Token, error) {
	var t auth.Token
	err := s.write(ctx, false, func(tx pgx.Tx) error {
		var err error
		if t, err = tokenByID(ctx, tx, id); err != nil {
			return err
		}
		return revoke(ctx, tx, &t, now)
	})
	if err != nil {
		return auth.Token{}, fmt.Errorf("postgres: revoke token %q: %w", id, err)
	}
	return t, nil
}

// RotateToken replaces the token with id by next, in one transaction: next gets
// the old token's role, name (unless next has one) and profile; the tenders
// recorded under the old token's id move to next's; the old token is revoked at
// now (if it was not already). A revoked or expired token can be rotated too. next
// needs Hash and Created (and Expires, if it is to expire). It returns the old
// token as stored, next as stored, and how many tenders moved; the errors are
// RevokeToken's and CreateToken's.
func (s *Store) RotateToken(ctx context.Context, id string, next auth.Token, now time.Time) (old, made auth.Token, tenders int, err error) {
	err = s.write(ctx, false, func(tx pgx.Tx) error {
		if old, err = tokenByID(ctx, tx, id); err != nil {
			return err
		}
		if !isSHA256Hex(next.Hash) {
			return errors.New("hash is not a lower-case hex SHA-256")
		}
		next.Role, next.Profile, next.Revoked = old.Role, old.Profile, time.Time{}
		if next.Name == "" {
			next.Name = old.Name
		}
		if err := insertToken(ctx, tx, next); err != nil {
			return err
		}
		tag, err := tx.Exec(ctx, `UPDATE tenders SET owner = $1 WHERE owner = $2`, next.ID(), old.ID())
		if err != nil {
			return err
		}
		tenders, made = int(tag.RowsAffected()), next
		return revoke(ctx, tx, &old, now)
	})
	if err != nil {
		return auth.Token{}, auth.Token{}, 0, fmt.Errorf("postgres: rotate token %q: %w", id, err)
	}
	return old, made, tenders, nil
}

// tokenByID reads and locks the token with id in tx: auth.ErrNotFound when
// there is none (or id is not a token id), profiles.ErrConflict when two tokens
// have it.
func tokenByID(ctx context.Context, tx pgx.Tx, id string) (auth.Token, error) {
	if !auth.ValidTokenID(id) {
		return auth.Token{}, auth.ErrNotFound
	}
	digits := strings.TrimPrefix(id, "tok_")
	// Every hash starting with digits sorts from digits up to, not including,
	// digits+"g" ('g' comes after every hex digit, "C" order): a range of the
	// primary key.
	rows, err := tx.Query(ctx, `SELECT `+tokenColumns+` FROM tokens WHERE hash >= $1 AND hash < $2 LIMIT 2 FOR UPDATE`,
		digits, digits+"g")
	if err != nil {
		return auth.Token{}, err
	}
	found, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (auth.Token, error) { return scanToken(r) })
	if err != nil {
		return auth.Token{}, err
	}
	switch len(found) {
	case 0:
		return auth.Token{}, auth.ErrNotFound
	case 1:
		return found[0], nil
	default:
		return auth.Token{}, fmt.Errorf("%w: two tokens have this id", profiles.ErrConflict)
	}
}

// revoke marks t revoked at now in tx, unless it is already.
func revoke(ctx context.Context, tx pgx.Tx, t *auth.Token, now time.Time) error {
	if !t.Revoked.IsZero() {
		return nil
	}
	t.Revoked = now
	_, err := tx.Exec(ctx, `UPDATE tokens SET revoked = $1 WHERE hash = $2`, formatTime(now), t.Hash)
	return err
}

// tokenColumns are the columns scanToken reads, in its order.
const tokenColumns = `hash, role, name, coalesce(profile, ''), created, expires, revoked`

// scanToken reads a row of tokenColumns; no row is auth.ErrNotFound.
func scanToken(row pgx.Row) (auth.Token, error) {
	var t auth.Token
	var created string
	var expires, revoked *string
	if err := row.Scan(&t.Hash, &t.Role, &t.Name, &t.Profile, &created, &expires, &revoked); err != nil {
		return auth.Token{}, noRows(err, auth.ErrNotFound)
	}
	var err error
	if t.Created, err = parseTime(created); err != nil {
		return auth.Token{}, err
	}
	if t.Expires, err = parseOptionalTime(expires); err != nil {
		return auth.Token{}, err
	}
	if t.Revoked, err = parseOptionalTime(revoked); err != nil {
		return auth.Token{}, err
	}
	return t, nil
}

// isSHA256Hex reports whether h is 64 lower-case hex digits.
func isSHA256Hex(h string) bool {
	if len(h) != 64 {
		return false
	}
	for i := 0; i < len(h); i++ {
		if (h[i] < '0' || h[i] > '9') && (h[i] < 'a' || h[i] > 'f') {
			return false
		}
	}
	return true
}
