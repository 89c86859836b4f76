package store

import (
	"context"
	"database/sql"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"samenspel/config"
	"samenspel/internal/profiles"
)

// TestTokensBeforeExpiryNeverExpire: a store made before tokens could expire or
// be revoked upgrades with its tokens active, for ever. The old store is built
// from the steps before the one that added expiry, wherever that step stands.
func TestTokensBeforeExpiryNeverExpire(t *testing.T) {
	step := -1
	for i, m := range migrations {
		if strings.Contains(m, "token_lifetimes") {
			step = i
		}
	}
	if step < 0 {
		t.Fatal("no migration makes token_lifetimes")
	}
	dir := t.TempDir()
	db, err := sql.Open("sqlite", filepath.Join(dir, fileName))
	if err != nil {
		t.Fatal(err)
	}
	old := append([]string{`CREATE TABLE schema_version (version INTEGER NOT NULL)`}, migrations[:step]...)
	old = append(old, `INSERT INTO schema_version (version) VALUES (`+strconv.Itoa(step)+`)`,
		`INSERT INTO tokens (hash, role, name, created) VALUES ('`+strings.Repeat("ab", 32)+`', 'admin', 'beheer', '2020-01-01T00:00:00.000000000Z')`)
	for _, q := range old {
		if _, err := db.Exec(q); err != nil {
			db.Close()
			t.Fatalf("make a store of schema version %d: %v", step, err)
		}
	}
	db.Close()

	tax, err := profiles.ParseTaxonomy(config.Taxonomy)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	s, err := Open(ctx, dir, tax)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	tok, err := s.TokenByHash(ctx, strings.Repeat("ab", 32))
	if err != nil || !tok.Expires.IsZero() || !tok.Revoked.IsZero() || tok.State(time.Date(2999, 1, 1, 0, 0, 0, 0, time.UTC)) != TokenActive {
		t.Errorf("old token after upgrading = %+v, %v; want it active and never expiring", tok, err)
	}
	if list, total, err := s.Tokens(ctx, 0, 0); err != nil || total != 1 || len(list) != 1 {
		t.Errorf("Tokens after upgrading = %+v, %d, %v; want the old token", list, total, err)
	}
}
