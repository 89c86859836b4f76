package store_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"
	"time"

	"samenspel/internal/auth"
	"samenspel/internal/store"
	"samenspel/internal/store/storetest"
)

// TestWebSessions: the embedded store passes the shared suite of the web
// sessions, the second store another Store over the same directory.
func TestWebSessions(t *testing.T) {
	storetest.WebSessions(t, func(t *testing.T) (s, other storetest.WebSessionStore) {
		dir := t.TempDir()
		return open(t, dir), open(t, dir)
	})
}

// TestWebSessionStepReplays: the schema step of the sessions can run again over a
// store that has it.
func TestWebSessionStepReplays(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s, err := store.Open(ctx, dir, taxonomy(t))
	if err != nil {
		t.Fatal(err)
	}
	if err := s.CreateProfileWithToken(ctx, storetest.Profile("a"), partnerToken("sa", "a"), nil); err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 11, 2, 10, 0, 0, 0, time.UTC)
	if err := s.CreateWebSession(ctx, auth.WebSession{ID: "s", Token: hashOf("sa"), CSRF: "c", Created: at, Seen: at}, at, at, 0); err != nil {
		t.Fatal(err)
	}
	s.Close()
	db, err := sql.Open("sqlite", filepath.Join(dir, "samenspel.db"))
	if err != nil {
		t.Fatal(err)
	}
	_, err = db.Exec(`UPDATE schema_version SET version = 9`) // before step 10
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
	s = open(t, dir)
	if _, err := s.GetWebSession(ctx, "s"); err != nil {
		t.Errorf("GetWebSession(s) after the step ran again = %v, want the session", err)
	}
}
