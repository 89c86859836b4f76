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

// change is what a test expects of a store.Change: the profile it names and
// whether it was deleted.
type change struct {
	ID      string
	Deleted bool
}

// changesSince reads the changes after seq, failing the test on an error, and checks
// that they come by sequence number and carry the stored profile.
func changesSince(t *testing.T, s *store.Store, seq int64) ([]change, []store.Change) {
	t.Helper()
	ctx := context.Background()
	cs, err := s.ChangesSince(ctx, seq, 0)
	if err != nil {
		t.Fatalf("ChangesSince(%d) = %v", seq, err)
	}
	out := []change{}
	for i, c := range cs {
		out = append(out, change{c.ID, c.Deleted})
		if c.Seq <= seq || i > 0 && c.Seq <= cs[i-1].Seq {
			t.Errorf("ChangesSince(%d)[%d].Seq = %d, not above %d and the change before it", seq, i, c.Seq, seq)
		}
		if c.Deleted {
			if diff := cmp.Diff(profiles.Profile{}, c.Profile, equateEmpty); diff != "" {
				t.Errorf("ChangesSince(%d): deleted %s carries a profile:\n%s", seq, c.ID, diff)
			}
			continue
		}
		stored, err := s.GetProfile(ctx, c.ID)
		if err != nil {
			t.Fatalf("GetProfile(%s) of a change = %v", c.ID, err)
		}
		if diff := cmp.Diff(stored, c.Profile, equateEmpty); diff != "" {
			t.Errorf("ChangesSince(%d): %s is not the stored profile, whole (-want +got):\n%s", seq, c.ID, diff)
		}
	}
	return out, cs
}

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
	got, _ := changesSince(t, s, 0)
	if diff := cmp.Diff([]change{{"a", false}, {"b", false}, {"c", false}}, got); diff != "" {
		t.Errorf("changes of a store from before the change log (-want +got):\n%s", diff)
	}
	if seq, err := s.Cursor(ctx, "meili:profiles"); err != nil || seq != 0 {
		t.Errorf("Cursor() of an older store = %d, %v; want 0", seq, err)
	}
}
