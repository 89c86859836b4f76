package store_test

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"testing"
	"time"

	"samenspel/internal/auth"
	"samenspel/internal/store/storetest"
)

// hash is the hex SHA-256 of secret, as internal/auth makes it.
func hash(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

// TestTokens: the embedded store passes the shared suite of the tokens; the
// second store is another Open of the same directory (a second replica).
func TestTokens(t *testing.T) {
	storetest.Tokens(t, func(t *testing.T) (s, other storetest.TokenStore) {
		dir := t.TempDir()
		return open(t, dir), open(t, dir)
	})
}

func TestTokenState(t *testing.T) {
	tests := []struct {
		name string
		tok  auth.Token
		at   time.Time
		want string
	}{
		{"never expires", auth.Token{Created: day1}, day3.AddDate(50, 0, 0), auth.TokenActive},
		{"before expiry", auth.Token{Created: day1, Expires: day2}, day2.Add(-time.Nanosecond), auth.TokenActive},
		{"at expiry", auth.Token{Created: day1, Expires: day2}, day2, auth.TokenExpired},
		{"after expiry", auth.Token{Created: day1, Expires: day2}, day3, auth.TokenExpired},
		{"revoked", auth.Token{Created: day1, Revoked: day2}, day1, auth.TokenRevoked},
		{"revoked and expired", auth.Token{Created: day1, Expires: day2, Revoked: day2}, day3, auth.TokenRevoked},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.tok.State(tc.at); got != tc.want {
				t.Errorf("State(%v) = %s, want %s", tc.at, got, tc.want)
			}
		})
	}
}

func TestTokenID(t *testing.T) {
	h := hash("ssp_admin")
	id := auth.TokenID(h)
	if id != "tok_"+h[:16] || !auth.ValidTokenID(id) {
		t.Errorf("TokenID(%s) = %s (valid %v), want tok_ and its first 16 hex digits", h, id, auth.ValidTokenID(id))
	}
	if (auth.Token{Hash: h}).ID() != id {
		t.Errorf("Token.ID() = %s, want %s", (auth.Token{Hash: h}).ID(), id)
	}
	for _, bad := range []string{"", "tok_", h[:16], "tok_" + h[:15], "tok_" + h[:17], "tok_" + h, "TOK_" + h[:16], "tok_" + strings.ToUpper(h[:16]), "tok_" + h[:15] + "g"} {
		if auth.ValidTokenID(bad) {
			t.Errorf("ValidTokenID(%q) = true, want false", bad)
		}
	}
}
