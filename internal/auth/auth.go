// Package auth makes and checks Samenspel's bearer tokens (SPEC §8). A token is a
// random secret shown once; only its SHA-256 hash is stored, so a copy of the store
// gives nobody a usable token.
//
// It owns the roles and the token format; it never stores or logs a secret.
package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
)

// Roles a token can carry.
const (
	RoleAdmin       = "admin"
	RoleTenderOwner = "tender_owner"
	RolePartner     = "partner"
)

// ValidRole reports whether role is one of the three roles.
func ValidRole(role string) bool {
	return role == RoleAdmin || role == RoleTenderOwner || role == RolePartner
}

// prefix marks a Samenspel token, so that a leaked one is easy to recognise.
const prefix = "ssp_"

// ErrMalformed is a bearer value that is not a Samenspel token.
var ErrMalformed = errors.New("auth: malformed token")

// NewSecret returns a new random token secret: "ssp_" and 32 random bytes,
// base64url-encoded.
func NewSecret() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("auth: new secret: %w", err)
	}
	return prefix + base64.RawURLEncoding.EncodeToString(b), nil
}

// Hash is what the store keeps of a secret: its SHA-256, hex-encoded.
func Hash(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

// FromHeader takes the secret out of an Authorization header value ("Bearer
// ssp_..."). An empty header gives "" and no error: an anonymous request.
func FromHeader(h string) (string, error) {
	if h == "" {
		return "", nil
	}
	scheme, secret, ok := strings.Cut(h, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return "", ErrMalformed
	}
	secret = strings.TrimSpace(secret)
	if !strings.HasPrefix(secret, prefix) || len(secret) != len(prefix)+43 {
		return "", ErrMalformed
	}
	return secret, nil
}
