package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"samenspel/internal/auth"
	"samenspel/internal/profiles"
	"strings"
	"time"
)

// CreateToken stores a token. It returns ErrConflict when the hash is taken,
// ErrNotFound when Profile names a profile that does not exist, and an error when
// Hash is not a hex SHA-256: a secret passed by mistake is never stored.
func (s *Store) CreateToken(ctx context.Context, t auth.Token) error {
	err := s.write(ctx, func(tx *sql.Tx) error {
		if !isSHA256Hex(t.Hash) {
			return errors.New("hash is not a lower-case hex SHA-256")
		}
		return insertToken(ctx, tx, t)
	})
	if err != nil {
		return fmt.Errorf("store: create token %q: %w", t.Name, err)
	}
	return nil
}

// insertToken stores t in tx, its lifetime beside it when it has one.
func insertToken(ctx context.Context, tx *sql.Tx, t auth.Token) error {
	var profile sql.NullString
	if t.Profile != "" {
		profile = sql.NullString{String: t.Profile, Valid: true}
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO tokens (hash, role, name, profile, created) VALUES (?, ?, ?, ?, ?)`,
		t.Hash, t.Role, t.Name, profile, formatTime(t.Created))
	if err != nil || (t.Expires.IsZero() && t.Revoked.IsZero()) {
		return constraint(err)
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO token_lifetimes (hash, expires, revoked) VALUES (?, ?, ?)`,
		t.Hash, optionalTime(t.Expires), optionalTime(t.Revoked))
	return err
}

// TokenByHash returns the token with hash, revoked and expired ones too (the
// caller tells them apart with State). It returns auth.ErrNotFound when there is none.
func (s *Store) TokenByHash(ctx context.Context, hash string) (auth.Token, error) {
	t, err := scanToken(s.reader.QueryRowContext(ctx, `SELECT `+tokenColumns+` FROM `+tokenTable+` WHERE t.hash = ?`, hash))
	if err != nil {
		return auth.Token{}, fmt.Errorf("store: token by hash: %w", err)
	}
	return t, nil
}

// Tokens returns the tokens, newest first (by creation, then hash), limit of them
// after skipping offset (limit < 1: all), and how many there are in all. Revoked
// and expired tokens are listed too.
func (s *Store) Tokens(ctx context.Context, limit, offset int) ([]auth.Token, int, error) {
	if limit < 1 {
		limit = -1 // SQLite: no limit
	}
	var out []auth.Token
	var total int
	err := s.read(ctx, func(tx *sql.Tx) error {
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM tokens`).Scan(&total); err != nil {
			return err
		}
		rows, err := tx.QueryContext(ctx, `SELECT `+tokenColumns+` FROM `+tokenTable+` ORDER BY t.created DESC, t.hash LIMIT ? OFFSET ?`, limit, max(offset, 0))
		if err != nil {
			return err
		}
		defer rows.Close()
		out = []auth.Token{}
		for rows.Next() {
			t, err := scanToken(rows)
			if err != nil {
				return err
			}
			out = append(out, t)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, 0, fmt.Errorf("store: tokens: %w", err)
	}
	return out, total, nil
}

// RevokeToken revokes the token with id (a TokenID) at now, and returns it as
// stored. From the moment it returns, every store over the same data refuses
// the token. A token revoked before keeps its first revocation time. It returns
// auth.ErrNotFound when no token has id, and ErrConflict in the unlikely case that two
// do (their hashes share 64 bits): nothing is revoked then.
func (s *Store) RevokeToken(ctx context.Context, id string, now time.Time) (auth.Token, error) {
	var t auth.Token
	err := s.write(ctx, func(tx *sql.Tx) error {
		var err error
		if t, err = tokenByID(ctx, tx, id); err != nil {
			return err
		}
		return revoke(ctx, tx, &t, now)
	})
	if err != nil {
		return auth.Token{}, fmt.Errorf("store: revoke token %q: %w", id, err)
	}
	return t, nil
}

// RotateToken replaces the token with id by next, in one transaction: next gets
// the old token's role, name (unless next has one) and profile; the tenders
// recorded under the old token's id move to next's; the old token is revoked at
// now (if it was not already). A revoked or expired token can be rotated too, so
// that a tender owner whose token was revoked in haste gets its tenders back with
// a new token. next needs Hash and Created (and Expires, if it is to expire). It
// returns the old token as stored, next as stored, and how many tenders moved;
// the errors are RevokeToken's and CreateToken's.
func (s *Store) RotateToken(ctx context.Context, id string, next auth.Token, now time.Time) (old, made auth.Token, tenders int, err error) {
	err = s.write(ctx, func(tx *sql.Tx) error {
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
		res, err := tx.ExecContext(ctx, `UPDATE tenders SET owner = ? WHERE owner = ?`, next.ID(), old.ID())
		if err != nil {
			return err
		}
		moved, err := res.RowsAffected()
		if err != nil {
			return err
		}
		tenders, made = int(moved), next
		return revoke(ctx, tx, &old, now)
	})
	if err != nil {
		return auth.Token{}, auth.Token{}, 0, fmt.Errorf("store: rotate token %q: %w", id, err)
	}
	return old, made, tenders, nil
}

// tokenByID reads the token with id in tx: auth.ErrNotFound when there is none (or id
// is not a token id), ErrConflict when two tokens have it.
func tokenByID(ctx context.Context, tx *sql.Tx, id string) (auth.Token, error) {
	if !auth.ValidTokenID(id) {
		return auth.Token{}, auth.ErrNotFound
	}
	digits := strings.TrimPrefix(id, auth.TokenIDPrefix)
	// Every hash starting with digits sorts from digits up to, not including,
	// digits+"g" ('g' comes after every hex digit): a range on the primary key.
	rows, err := tx.QueryContext(ctx, `SELECT `+tokenColumns+` FROM `+tokenTable+` WHERE t.hash >= ? AND t.hash < ? LIMIT 2`, digits, digits+"g")
	if err != nil {
		return auth.Token{}, err
	}
	defer rows.Close()
	var found []auth.Token
	for rows.Next() {
		t, err := scanToken(rows)
		if err != nil {
			return auth.Token{}, err
		}
		found = append(found, t)
	}
	if err := rows.Err(); err != nil {
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
func revoke(ctx context.Context, tx *sql.Tx, t *auth.Token, now time.Time) error {
	if !t.Revoked.IsZero() {
		return nil
	}
	t.Revoked = now
	_, err := tx.ExecContext(ctx, `INSERT INTO token_lifetimes (hash, revoked) VALUES (?, ?)
		ON CONFLICT (hash) DO UPDATE SET revoked = excluded.revoked`, t.Hash, formatTime(now))
	return err
}

// tokenColumns are the columns scanToken reads, in its order, from tokenTable.
const tokenColumns = `t.hash, t.role, t.name, coalesce(t.profile, ''), t.created, coalesce(l.expires, ''), coalesce(l.revoked, '')`

// tokenTable is the tokens with their lifetimes: a token without a row in
// token_lifetimes never expires and is not revoked.
const tokenTable = `tokens t LEFT JOIN token_lifetimes l ON l.hash = t.hash`

// scanToken reads a row of tokenColumns; no row is auth.ErrNotFound.
func scanToken(row interface{ Scan(...any) error }) (auth.Token, error) {
	var t auth.Token
	var created, expires, revoked string
	err := row.Scan(&t.Hash, &t.Role, &t.Name, &t.Profile, &created, &expires, &revoked)
	if errors.Is(err, sql.ErrNoRows) {
		return auth.Token{}, auth.ErrNotFound
	}
	if err != nil {
		return auth.Token{}, err
	}
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

// optionalTime is t as stored, or "" for the zero time (never); parseOptionalTime
// reads it back.
func optionalTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return formatTime(t)
}

// isSHA256Hex reports whether h is 64 lower-case hex digits.
func isSHA256Hex(h string) bool {
	return len(h) == 64 && isHex(h)
}

// isHex reports whether h is lower-case hex digits only.
func isHex(h string) bool {
	for i := 0; i < len(h); i++ {
		if (h[i] < '0' || h[i] > '9') && (h[i] < 'a' || h[i] > 'f') {
			return false
		}
	}
	return true
}
