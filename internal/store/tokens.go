package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Token is a stored bearer token: never the secret, only its SHA-256 hash
// (hex, as internal/auth computes it), with the role and identity it carries.
type Token struct {
	Hash string
	// Role is admin, tender_owner or partner; the caller checks it.
	Role string
	// Name says whose token it is, for people reading logs and lists.
	Name string
	// Profile is the id of the profile a partner token owns, or "". Deleting the
	// profile deletes the token.
	Profile string
	Created time.Time
}

// CreateToken stores a token. It returns ErrConflict when the hash is taken,
// ErrNotFound when Profile names a profile that does not exist, and an error when
// Hash is not a hex SHA-256: a secret passed by mistake is never stored.
func (s *Store) CreateToken(ctx context.Context, t Token) error {
	err := s.write(ctx, func(tx *sql.Tx) error {
		if !isSHA256Hex(t.Hash) {
			return errors.New("hash is not a lower-case hex SHA-256")
		}
		var profile sql.NullString
		if t.Profile != "" {
			profile = sql.NullString{String: t.Profile, Valid: true}
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO tokens (hash, role, name, profile, created) VALUES (?, ?, ?, ?, ?)`,
			t.Hash, t.Role, t.Name, profile, formatTime(t.Created))
		return constraint(err)
	})
	if err != nil {
		return fmt.Errorf("store: create token %q: %w", t.Name, err)
	}
	return nil
}

// TokenByHash returns the token with hash. It returns ErrNotFound when there is
// none.
func (s *Store) TokenByHash(ctx context.Context, hash string) (Token, error) {
	t := Token{Hash: hash}
	var created string
	err := s.reader.QueryRowContext(ctx, `SELECT role, name, coalesce(profile, ''), created FROM tokens WHERE hash = ?`, hash).
		Scan(&t.Role, &t.Name, &t.Profile, &created)
	if errors.Is(err, sql.ErrNoRows) {
		err = ErrNotFound
	}
	if err == nil {
		t.Created, err = parseTime(created)
	}
	if err != nil {
		return Token{}, fmt.Errorf("store: token by hash: %w", err)
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
