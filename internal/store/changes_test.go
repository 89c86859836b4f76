package store_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"path/filepath"
	"sync"
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

// TestChangesEveryWrite: each kind of profile write records its change, and a
// profile written again moves past every other.
func TestChangesEveryWrite(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	renamed := storetest.Profile("a")
	renamed.Name = "Renamed"
	tests := []struct {
		name string
		op   func() error
		want []change // the changes the write adds, in order
		all  []change // the whole log afterwards
	}{
		{"CreateProfile", func() error { return s.CreateProfile(ctx, storetest.Profile("a")) },
			[]change{{"a", false}}, []change{{"a", false}}},
		{"CreateProfile another", func() error { return s.CreateProfile(ctx, storetest.Profile("b")) },
			[]change{{"b", false}}, []change{{"a", false}, {"b", false}}},
		{"PutProfile moves a past b", func() error { return s.PutProfile(ctx, renamed) },
			[]change{{"a", false}}, []change{{"b", false}, {"a", false}}},
		{"UpsertProfiles creates and updates", func() error {
			_, _, err := s.UpsertProfiles(ctx, []profiles.Profile{storetest.Profile("c"), storetest.Profile("b")})
			return err
		}, []change{{"c", false}, {"b", false}}, []change{{"a", false}, {"c", false}, {"b", false}}},
		{"UpsertProfiles twice the same id", func() error {
			_, _, err := s.UpsertProfiles(ctx, []profiles.Profile{storetest.Profile("d"), storetest.Profile("a"), storetest.Profile("d")})
			return err
		}, []change{{"a", false}, {"d", false}}, []change{{"c", false}, {"b", false}, {"a", false}, {"d", false}}},
		{"DeleteProfile", func() error { return s.DeleteProfile(ctx, "c") },
			[]change{{"c", true}}, []change{{"b", false}, {"a", false}, {"d", false}, {"c", true}}},
		{"CreateProfile after delete", func() error { return s.CreateProfile(ctx, storetest.Profile("c")) },
			[]change{{"c", false}}, []change{{"b", false}, {"a", false}, {"d", false}, {"c", false}}},
		{"UpsertProfiles none", func() error { _, _, err := s.UpsertProfiles(ctx, nil); return err },
			[]change{}, []change{{"b", false}, {"a", false}, {"d", false}, {"c", false}}},
	}
	for _, tc := range tests {
		before, err := s.LastChange(ctx)
		if err != nil {
			t.Fatalf("LastChange() = %v", err)
		}
		if err := tc.op(); err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		got, cs := changesSince(t, s, before)
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("%s: changes (-want +got):\n%s", tc.name, diff)
		}
		after, err := s.LastChange(ctx)
		if err != nil {
			t.Fatalf("LastChange() = %v", err)
		}
		if len(cs) > 0 && after != cs[len(cs)-1].Seq || len(cs) == 0 && after != before {
			t.Errorf("%s: LastChange() = %d, want the last change's seq", tc.name, after)
		}
		all, _ := changesSince(t, s, 0)
		if diff := cmp.Diff(tc.all, all); diff != "" {
			t.Errorf("%s: whole log (-want +got):\n%s", tc.name, diff)
		}
	}
}

// TestChangesFailedWriteRecordsNothing: a write that fails is rolled back with its
// change: the log never names a write that did not happen.
func TestChangesFailedWriteRecordsNothing(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	if err := s.CreateProfile(ctx, storetest.Profile("a")); err != nil {
		t.Fatal(err)
	}
	last, err := s.LastChange(ctx)
	if err != nil {
		t.Fatal(err)
	}
	unencodable := storetest.Profile("bad")
	unencodable.Instruments = map[string]float64{"meals": math.NaN()} // JSON has no NaN
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	for name, op := range map[string]func() error{
		"CreateProfile of a taken id": func() error { return s.CreateProfile(ctx, storetest.Profile("a")) },
		"PutProfile of a missing id":  func() error { return s.PutProfile(ctx, storetest.Profile("missing")) },
		"DeleteProfile of a missing":  func() error { return s.DeleteProfile(ctx, "missing") },
		"UpsertProfiles with one profile that cannot be stored": func() error {
			_, _, err := s.UpsertProfiles(ctx, []profiles.Profile{storetest.Profile("good"), storetest.Profile("a"), unencodable})
			return err
		},
		"PutProfile with a cancelled context": func() error { return s.PutProfile(cancelled, storetest.Profile("a")) },
	} {
		if err := op(); err == nil {
			t.Fatalf("%s = nil error, want one", name)
		}
		if got, err := s.LastChange(ctx); err != nil || got != last {
			t.Errorf("%s: LastChange() = %d, %v; want %d, nothing recorded", name, got, err, last)
		}
	}
	if got, _ := changesSince(t, s, 0); !cmp.Equal(got, []change{{"a", false}}) {
		t.Errorf("changes after failed writes = %v, want only a's creation", got)
	}
}

// TestChangesPaging: a consumer reading the log page by page, while profiles are
// written, ends with every profile, and a profile written again after its page was
// read comes again on a later page.
func TestChangesPaging(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	var ps []profiles.Profile
	for i := range 25 {
		ps = append(ps, storetest.Profile(fmt.Sprintf("p-%02d", i)))
	}
	if _, _, err := s.UpsertProfiles(ctx, ps); err != nil {
		t.Fatal(err)
	}
	var seen []string
	var cursor int64
	for page := 0; ; page++ {
		cs, err := s.ChangesSince(ctx, cursor, 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(cs) > 10 {
			t.Fatalf("ChangesSince(%d, 10) = %d changes, want at most 10", cursor, len(cs))
		}
		if len(cs) == 0 {
			break
		}
		for _, c := range cs {
			seen = append(seen, c.ID)
		}
		cursor = cs[len(cs)-1].Seq
		if page == 0 { // written again after its page was read
			changed := storetest.Profile("p-03")
			changed.Name = "Changed"
			if err := s.PutProfile(ctx, changed); err != nil {
				t.Fatal(err)
			}
		}
	}
	want := []string{}
	for _, p := range ps {
		want = append(want, p.ID)
	}
	want = append(want, "p-03")
	if diff := cmp.Diff(want, seen); diff != "" {
		t.Errorf("changes read page by page (-want +got):\n%s", diff)
	}
	if got, _ := s.ChangesSince(ctx, 0, -1); len(got) != len(ps) {
		t.Errorf("ChangesSince(0, -1) = %d changes, want all %d (the default limit)", len(got), len(ps))
	}
}

// TestChangesCarryTheirProfile: the change and the document are written in one
// transaction, so a reader never finds the change of a stored profile without the
// profile, even while another process writes.
func TestChangesCarryTheirProfile(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	writer, reader := open(t, dir), open(t, dir)
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		defer close(done)
		for i := range 200 {
			id := fmt.Sprintf("p-%d", i%7)
			var err error
			switch i % 3 {
			case 0, 1:
				p := storetest.Profile(id)
				p.Name = fmt.Sprintf("Version %d", i)
				_, _, err = writer.UpsertProfiles(ctx, []profiles.Profile{p})
			case 2:
				if err = writer.DeleteProfile(ctx, id); errors.Is(err, store.ErrNotFound) {
					err = nil
				}
			}
			if err != nil {
				t.Errorf("write %d: %v", i, err)
				return
			}
		}
	})
	for reading := true; reading; {
		select {
		case <-done:
			reading = false
		default:
		}
		cs, err := reader.ChangesSince(ctx, 0, 0)
		if err != nil {
			t.Fatalf("ChangesSince(0) while writing = %v", err)
		}
		for _, c := range cs {
			if !c.Deleted && c.Profile.ID != c.ID {
				t.Fatalf("change %d of %s carries profile %q", c.Seq, c.ID, c.Profile.ID)
			}
		}
	}
	wg.Wait()
}

func TestCursors(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s, err := store.Open(ctx, dir, taxonomy(t))
	if err != nil {
		t.Fatal(err)
	}
	defer func() { s.Close() }()
	if _, _, err := s.UpsertProfiles(ctx, []profiles.Profile{storetest.Profile("a"), storetest.Profile("b"), storetest.Profile("c")}); err != nil {
		t.Fatal(err)
	}
	last, err := s.LastChange(ctx)
	if err != nil || last == 0 {
		t.Fatalf("LastChange() = %d, %v; want a change", last, err)
	}
	const name = "meili:profiles"
	cursor := func() int64 {
		t.Helper()
		seq, err := s.Cursor(ctx, name)
		if err != nil {
			t.Fatalf("Cursor(%s) = %v", name, err)
		}
		return seq
	}
	if got := cursor(); got != 0 {
		t.Errorf("Cursor of a consumer that never ran = %d, want 0", got)
	}
	steps := []struct {
		name    string
		op      func() error
		wantErr bool
		want    int64
	}{
		{"SetCursor forward", func() error { return s.SetCursor(ctx, name, last-1) }, false, last - 1},
		{"SetCursor backwards is ignored", func() error { return s.SetCursor(ctx, name, 1) }, false, last - 1},
		{"SetCursor to the last change", func() error { return s.SetCursor(ctx, name, last) }, false, last},
		{"SetCursor past the last change", func() error { return s.SetCursor(ctx, name, last+1) }, true, last},
		{"SetCursor negative", func() error { return s.SetCursor(ctx, name, -1) }, true, last},
		{"ResetCursor backwards", func() error { return s.ResetCursor(ctx, name, 1) }, false, 1},
		{"ResetCursor past the last change", func() error { return s.ResetCursor(ctx, name, last+1) }, true, 1},
		{"MoveCursor from the wrong place", func() error {
			if moved, err := s.MoveCursor(ctx, name, 0, last); err != nil || moved {
				return fmt.Errorf("MoveCursor(0 → %d) = %v, %v; want false, nil", last, moved, err)
			}
			return nil
		}, false, 1},
		{"MoveCursor from where it is", func() error {
			if moved, err := s.MoveCursor(ctx, name, 1, last); err != nil || !moved {
				return fmt.Errorf("MoveCursor(1 → %d) = %v, %v; want true, nil", last, moved, err)
			}
			return nil
		}, false, last},
		{"MoveCursor past the last change", func() error {
			_, err := s.MoveCursor(ctx, name, last, last+1)
			return err
		}, true, last},
	}
	for _, st := range steps {
		if err := st.op(); (err != nil) != st.wantErr {
			t.Errorf("%s: error %v, want error %v", st.name, err, st.wantErr)
		}
		if got := cursor(); got != st.want {
			t.Errorf("%s: Cursor() = %d, want %d", st.name, got, st.want)
		}
	}
	if moved, err := s.MoveCursor(ctx, "new", 0, 2); err != nil || !moved {
		t.Errorf("MoveCursor of a consumer that never ran, from 0 = %v, %v; want true", moved, err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s = open(t, dir)
	for n, want := range map[string]int64{name: last, "new": 2, "other": 0} {
		if got, err := s.Cursor(ctx, n); err != nil || got != want {
			t.Errorf("Cursor(%s) after reopening = %d, %v; want %d", n, got, err, want)
		}
	}
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
