package store_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"samenspel/internal/profiles"
	"samenspel/internal/store"
	"samenspel/internal/store/storetest"
)

// TestChanges: the embedded store passes the shared suite of the change log, the
// second store another Store over the same directory (another process).
func TestChanges(t *testing.T) {
	storetest.Changes(t, func(t *testing.T) (s, other storetest.ChangeStore) {
		dir := t.TempDir()
		return open(t, dir), open(t, dir)
	})
}

// TestChangesOfAnOlderStore: opening a store made before the change log existed
// records every stored profile as a change, so that the first sync copies them all.
func TestChangesOfAnOlderStore(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s, err := store.Open(ctx, dir, taxonomy(t))
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.UpsertProfiles(ctx, []profiles.Profile{storetest.Profile("c"), storetest.Profile("a"), storetest.Profile("b")}); err != nil {
		t.Fatal(err)
	}
	s.Close()
	db, err := sql.Open("sqlite", filepath.Join(dir, "samenspel.db"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`DROP TABLE profile_changes; DROP TABLE cursors; DROP TABLE leases; DROP TABLE job_runs; DROP TABLE stored_suggestions; DROP TABLE notifications; DROP TABLE webhooks; DROP INDEX profiles_updated; ALTER TABLE profiles DROP COLUMN updated; ALTER TABLE profiles DROP COLUMN stale_since; UPDATE schema_version SET version = 1`); err != nil {
		t.Fatalf("make a version 1 store: %v", err)
	}
	db.Close()

	s = open(t, dir)
	got, _ := storetest.ChangesSince(t, s, 0)
	if diff := cmp.Diff([]storetest.Logged{{ID: "a"}, {ID: "b"}, {ID: "c"}}, got); diff != "" {
		t.Errorf("changes of a store from before the change log (-want +got):\n%s", diff)
	}
	if seq, err := s.Cursor(ctx, "meili:profiles"); err != nil || seq != 0 {
		t.Errorf("Cursor() of an older store = %d, %v; want 0", seq, err)
	}
}
