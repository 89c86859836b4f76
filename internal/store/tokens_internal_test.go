package store

import (
	"context"
	"samenspel/internal/auth"
	"strings"
	"testing"
	"time"
)

// TestTokensBeforeExpiryNeverExpire: a store made before tokens could expire or
// be revoked upgrades with its tokens active, for ever. The old store is built
// from the steps before the one that added expiry, wherever that step stands.
func TestTokensBeforeExpiryNeverExpire(t *testing.T) {
	dir, _ := storeBefore(t, "token_lifetimes",
		`INSERT INTO tokens (hash, role, name, created) VALUES ('`+strings.Repeat("ab", 32)+`', 'admin', 'beheer', '2020-01-01T00:00:00.000000000Z')`)
	ctx := context.Background()
	s := openInternal(t, dir)
	tok, err := s.TokenByHash(ctx, strings.Repeat("ab", 32))
	if err != nil || !tok.Expires.IsZero() || !tok.Revoked.IsZero() || tok.State(time.Date(2999, 1, 1, 0, 0, 0, 0, time.UTC)) != auth.TokenActive {
		t.Errorf("old token after upgrading = %+v, %v; want it active and never expiring", tok, err)
	}
	if list, total, err := s.Tokens(ctx, 0, 0); err != nil || total != 1 || len(list) != 1 {
		t.Errorf("Tokens after upgrading = %+v, %d, %v; want the old token", list, total, err)
	}
}
