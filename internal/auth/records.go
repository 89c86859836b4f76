package auth

import (
	"errors"
	"strings"
	"time"
)

// The records of the credentials, as both stores keep them: bearer tokens (never a
// secret, only its hash) and the pages' signed-in sessions.

// ErrNotFound is returned by a store when there is no such token or web session.
var ErrNotFound = errors.New("auth: not found")

// Token is a stored bearer token: never the secret, only its SHA-256 hash
// (hex, as Hash computes it), with the role and identity it carries.
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
	// Expires is when the token stops being accepted; zero: never (as for every
	// token stored before tokens could expire).
	Expires time.Time
	// Revoked is when the token was revoked (RevokeToken); zero: it was not.
	// A revoked token is kept, so that the list says what became of it.
	Revoked time.Time
}

// The states of a token at a time (Token.State).
const (
	TokenActive  = "active"
	TokenExpired = "expired"
	TokenRevoked = "revoked"
)

// State is what the token is at now: revoked, expired (its expiry is now or
// before), or active. A revoked token that has also expired is revoked.
func (t Token) State(now time.Time) string {
	switch {
	case !t.Revoked.IsZero():
		return TokenRevoked
	case !t.Expires.IsZero() && !now.Before(t.Expires):
		return TokenExpired
	default:
		return TokenActive
	}
}

// TokenIDPrefix starts every token id.
const TokenIDPrefix = "tok_"

// tokenIDDigits is how many hex digits of the hash a token id carries: 64 bits,
// enough to tell tokens apart, and nothing that helps to find the secret (a
// SHA-256 preimage of a 256-bit random secret).
const tokenIDDigits = 16

// TokenID is the id of the token with hash: "tok_" and the first 16 hex digits
// of the hash. It is not secret: lists show it, revocation takes it, tenders are
// recorded under a tender owner's token id.
func TokenID(hash string) string {
	if len(hash) < tokenIDDigits {
		return TokenIDPrefix + hash
	}
	return TokenIDPrefix + hash[:tokenIDDigits]
}

// ID is t's TokenID.
func (t Token) ID() string { return TokenID(t.Hash) }

// ValidTokenID reports whether id has the form of a token id.
func ValidTokenID(id string) bool {
	digits, ok := strings.CutPrefix(id, TokenIDPrefix)
	return ok && len(digits) == tokenIDDigits && isLowerHex(digits)
}

// isLowerHex reports whether h is lower-case hex digits only.
func isLowerHex(h string) bool {
	for _, c := range h {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

// WebSession is a signed-in session of the pages (internal/web/session), as the
// store keeps it so that every replica over the store sees it. It never holds the
// cookie's secret or a bearer token: only digests of both.
type WebSession struct {
	// ID is the digest of the session's secret, the value of its cookie.
	ID string
	// Token is the hash of the bearer token the session signed in with (as
	// Token.Hash): the session ends with it.
	Token string
	// CSRF is the session's token for its forms.
	CSRF string
	// Created is when the session was made, Seen when it was last used.
	Created, Seen time.Time
}
