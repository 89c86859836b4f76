package store_test

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"path/filepath"
	"testing"
	"time"

	"samenspel/internal/auth"
	"samenspel/internal/idempotency"
	"samenspel/internal/store"
	"samenspel/internal/store/storetest"
)

// hashOf is a token hash for tests: the SHA-256 of s, in hex.
func hashOf(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

func partnerToken(secret, profile string) auth.Token {
	return auth.Token{Hash: hashOf(secret), Role: "partner", Name: profile, Profile: profile, Created: time.Unix(0, 0).UTC()}
}

// TestRegistrations: the embedded store passes the shared suite of the
// registrations and their idempotent answers.
func TestRegistrations(t *testing.T) {
	storetest.Registrations(t, func(t *testing.T) storetest.RegistrationSubject {
		dir := t.TempDir()
		return storetest.RegistrationSubject{
			Store: open(t, dir),
			StoredAnswers: func(ctx context.Context, key string) (int, error) {
				db, err := sql.Open("sqlite", filepath.Join(dir, "samenspel.db"))
				if err != nil {
					return 0, err
				}
				defer db.Close()
				var n int
				err = db.QueryRowContext(ctx, `SELECT count(*) FROM idempotent_answers WHERE key = ?`, key).Scan(&n)
				return n, err
			},
		}
	})
}

// TestIdempotencyStepReplays: the schema step of the idempotent answers can run
// again over a store that has it (the upgrade tests wind the version back).
func TestIdempotencyStepReplays(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s, err := store.Open(ctx, dir, taxonomy(t))
	if err != nil {
		t.Fatal(err)
	}
	a := storetest.Profile("a")
	at := time.Date(2026, 11, 2, 10, 0, 0, 0, time.UTC)
	if err := s.CreateProfileWithToken(ctx, a, partnerToken("sa", "a"), &idempotency.Stored{Key: "k1", Fingerprint: "f", Sealed: []byte{1}, Created: at, Expires: at.Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	s.Close()
	db, err := sql.Open("sqlite", filepath.Join(dir, "samenspel.db"))
	if err != nil {
		t.Fatal(err)
	}
	_, err = db.Exec(`UPDATE schema_version SET version = 8`) // before step 9, and every later step
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
	s = open(t, dir)
	if _, err := s.IdempotentAnswer(ctx, "k1", at); err != nil {
		t.Errorf("IdempotentAnswer(k1) after the step ran again = %v, want the answer", err)
	}
}
