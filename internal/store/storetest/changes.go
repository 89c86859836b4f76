package storetest

import (
	"context"
	"errors"
	"fmt"
	"math"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"samenspel/internal/profiles"
)

// ChangeStore is what the change-log suite uses of a store: the profile writes
// that record changes, the change log, its consumers' cursors and the leases
// that make them take turns.
type ChangeStore interface {
	CreateProfile(ctx context.Context, p profiles.Profile) error
	PutProfile(ctx context.Context, p profiles.Profile) error
	UpsertProfiles(ctx context.Context, ps []profiles.Profile) (created, updated int, err error)
	DeleteProfile(ctx context.Context, id string) error
	GetProfile(ctx context.Context, id string) (profiles.Profile, error)
	ChangesSince(ctx context.Context, seq int64, limit int) ([]profiles.Change, error)
	LastChange(ctx context.Context) (int64, error)
	Cursor(ctx context.Context, name string) (int64, error)
	SetCursor(ctx context.Context, name string, seq int64) error
	MoveCursor(ctx context.Context, name string, from, to int64) (bool, error)
	ResetCursor(ctx context.Context, name string, seq int64) error
	TakeLease(ctx context.Context, name, holder string, now time.Time, ttl time.Duration) (bool, error)
	ReleaseLease(ctx context.Context, name, holder string) error
}

// Changes is the shared suite of the change log of profiles (profiles.Change): every
// profile write records its change in its own transaction, a failed one none; the
// log read page by page misses nothing; a change always carries its profile, even
// while another store writes; the cursors of its consumers and the leases. open is
// called once per subtest and returns an empty store s and other, a second store
// over the same data (another process, another replica).
func Changes(t *testing.T, open func(t *testing.T) (s, other ChangeStore)) {
	t.Run("EveryWrite", func(t *testing.T) { s, _ := open(t); changesEveryWrite(t, s) })
	t.Run("FailedWriteRecordsNothing", func(t *testing.T) { s, _ := open(t); changesFailedWriteRecordsNothing(t, s) })
	t.Run("Paging", func(t *testing.T) { s, _ := open(t); changesPaging(t, s) })
	t.Run("CarryTheirProfile", func(t *testing.T) { s, other := open(t); changesCarryTheirProfile(t, s, other) })
	t.Run("Cursors", func(t *testing.T) { s, other := open(t); cursors(t, s, other) })
	t.Run("Lease", func(t *testing.T) { s, _ := open(t); lease(t, s) })
	t.Run("OneWinnerAtOnce", func(t *testing.T) { s, other := open(t); oneWinnerAtOnce(t, s, other) })
}

// Logged is what a test expects of a profiles.Change: the profile it names and
// whether it was deleted.
type Logged struct {
	ID      string
	Deleted bool
}

// ChangeReader reads the change log of profiles, and the profiles it names.
type ChangeReader interface {
	ChangesSince(ctx context.Context, seq int64, limit int) ([]profiles.Change, error)
	LastChange(ctx context.Context) (int64, error)
	GetProfile(ctx context.Context, id string) (profiles.Profile, error)
}

// ChangesSince reads the changes after seq, failing the test on an error, and
// checks that they come by sequence number and carry the stored profile.
func ChangesSince(t *testing.T, s ChangeReader, seq int64) ([]Logged, []profiles.Change) {
	t.Helper()
	ctx := context.Background()
	cs, err := s.ChangesSince(ctx, seq, 0)
	if err != nil {
		t.Fatalf("ChangesSince(%d) = %v", seq, err)
	}
	out := []Logged{}
	for i, c := range cs {
		out = append(out, Logged{c.ID, c.Deleted})
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

// changesEveryWrite: each kind of profile write records its change, and a
// profile written again moves past every other.
func changesEveryWrite(t *testing.T, s ChangeStore) {
	ctx := context.Background()
	renamed := Profile("a")
	renamed.Name = "Renamed"
	tests := []struct {
		name string
		op   func() error
		want []Logged // the changes the write adds, in order
		all  []Logged // the whole log afterwards
	}{
		{"CreateProfile", func() error { return s.CreateProfile(ctx, Profile("a")) },
			[]Logged{{"a", false}}, []Logged{{"a", false}}},
		{"CreateProfile another", func() error { return s.CreateProfile(ctx, Profile("b")) },
			[]Logged{{"b", false}}, []Logged{{"a", false}, {"b", false}}},
		{"PutProfile moves a past b", func() error { return s.PutProfile(ctx, renamed) },
			[]Logged{{"a", false}}, []Logged{{"b", false}, {"a", false}}},
		{"UpsertProfiles creates and updates", func() error {
			_, _, err := s.UpsertProfiles(ctx, []profiles.Profile{Profile("c"), Profile("b")})
			return err
		}, []Logged{{"c", false}, {"b", false}}, []Logged{{"a", false}, {"c", false}, {"b", false}}},
		{"UpsertProfiles twice the same id", func() error {
			_, _, err := s.UpsertProfiles(ctx, []profiles.Profile{Profile("d"), Profile("a"), Profile("d")})
			return err
		}, []Logged{{"a", false}, {"d", false}}, []Logged{{"c", false}, {"b", false}, {"a", false}, {"d", false}}},
		{"DeleteProfile", func() error { return s.DeleteProfile(ctx, "c") },
			[]Logged{{"c", true}}, []Logged{{"b", false}, {"a", false}, {"d", false}, {"c", true}}},
		{"CreateProfile after delete", func() error { return s.CreateProfile(ctx, Profile("c")) },
			[]Logged{{"c", false}}, []Logged{{"b", false}, {"a", false}, {"d", false}, {"c", false}}},
		{"UpsertProfiles none", func() error { _, _, err := s.UpsertProfiles(ctx, nil); return err },
			[]Logged{}, []Logged{{"b", false}, {"a", false}, {"d", false}, {"c", false}}},
	}
	for _, tc := range tests {
		before, err := s.LastChange(ctx)
		if err != nil {
			t.Fatalf("LastChange() = %v", err)
		}
		if err := tc.op(); err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		got, cs := ChangesSince(t, s, before)
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
		all, _ := ChangesSince(t, s, 0)
		if diff := cmp.Diff(tc.all, all); diff != "" {
			t.Errorf("%s: whole log (-want +got):\n%s", tc.name, diff)
		}
	}
}

// changesFailedWriteRecordsNothing: a write that fails is rolled back with its
// change: the log never names a write that did not happen.
func changesFailedWriteRecordsNothing(t *testing.T, s ChangeStore) {
	ctx := context.Background()
	if err := s.CreateProfile(ctx, Profile("a")); err != nil {
		t.Fatal(err)
	}
	last, err := s.LastChange(ctx)
	if err != nil {
		t.Fatal(err)
	}
	unencodable := Profile("bad")
	unencodable.Instruments = map[string]float64{"meals": math.NaN()} // JSON has no NaN
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	for name, op := range map[string]func() error{
		"CreateProfile of a taken id": func() error { return s.CreateProfile(ctx, Profile("a")) },
		"PutProfile of a missing id":  func() error { return s.PutProfile(ctx, Profile("missing")) },
		"DeleteProfile of a missing":  func() error { return s.DeleteProfile(ctx, "missing") },
		"UpsertProfiles with one profile that cannot be stored": func() error {
			_, _, err := s.UpsertProfiles(ctx, []profiles.Profile{Profile("good"), Profile("a"), unencodable})
			return err
		},
		"PutProfile with a cancelled context": func() error { return s.PutProfile(cancelled, Profile("a")) },
	} {
		if err := op(); err == nil {
			t.Fatalf("%s = nil error, want one", name)
		}
		if got, err := s.LastChange(ctx); err != nil || got != last {
			t.Errorf("%s: LastChange() = %d, %v; want %d, nothing recorded", name, got, err, last)
		}
	}
	if got, _ := ChangesSince(t, s, 0); !cmp.Equal(got, []Logged{{"a", false}}) {
		t.Errorf("changes after failed writes = %v, want only a's creation", got)
	}
}

// changesPaging: a consumer reading the log page by page, while profiles are
// written, ends with every profile, and a profile written again after its page
// was read comes again on a later page.
func changesPaging(t *testing.T, s ChangeStore) {
	ctx := context.Background()
	var ps []profiles.Profile
	for i := range 25 {
		ps = append(ps, Profile(fmt.Sprintf("p-%02d", i)))
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
			changed := Profile("p-03")
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

// changesCarryTheirProfile: the change and the document are written in one
// transaction, so a reader never finds the change of a stored profile without
// the profile, even while another store writes.
func changesCarryTheirProfile(t *testing.T, writer, reader ChangeStore) {
	ctx := context.Background()
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		defer close(done)
		for i := range 200 {
			id := fmt.Sprintf("p-%d", i%7)
			var err error
			switch i % 3 {
			case 0, 1:
				p := Profile(id)
				p.Name = fmt.Sprintf("Version %d", i)
				_, _, err = writer.UpsertProfiles(ctx, []profiles.Profile{p})
			case 2:
				if err = writer.DeleteProfile(ctx, id); errors.Is(err, profiles.ErrNotFound) {
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

// cursors: a cursor starts at 0, SetCursor never moves it back, ResetCursor does,
// MoveCursor is a compare-and-set; none steps past the last change; another store
// over the same data reads the same cursors.
func cursors(t *testing.T, s, other ChangeStore) {
	ctx := context.Background()
	if _, _, err := s.UpsertProfiles(ctx, []profiles.Profile{Profile("a"), Profile("b"), Profile("c")}); err != nil {
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
	for n, want := range map[string]int64{name: last, "new": 2, "other": 0} {
		if got, err := other.Cursor(ctx, n); err != nil || got != want {
			t.Errorf("Cursor(%s) through another store = %d, %v; want %d", n, got, err, want)
		}
	}
}

// lease: a lease is given when free or run out, renewed by its holder, released
// only by its holder; a ttl is required.
func lease(t *testing.T, s ChangeStore) {
	ctx := context.Background()
	t0 := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
	take := func(holder string, at time.Time) bool {
		t.Helper()
		ok, err := s.TakeLease(ctx, "meili:profiles", holder, at, 10*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		return ok
	}
	if !take("a", t0) {
		t.Fatal("a free lease was not given")
	}
	if take("b", t0.Add(5*time.Second)) {
		t.Error("b took a lease a holds")
	}
	if !take("a", t0.Add(8*time.Second)) {
		t.Error("a could not renew its lease")
	}
	if take("b", t0.Add(15*time.Second)) {
		t.Error("b took a's renewed lease before it ran out")
	}
	if !take("b", t0.Add(19*time.Second)) {
		t.Error("b could not take a lease that ran out")
	}
	// a's late release leaves b's lease alone.
	if err := s.ReleaseLease(ctx, "meili:profiles", "a"); err != nil {
		t.Fatal(err)
	}
	if take("c", t0.Add(20*time.Second)) {
		t.Error("a's release ended b's lease")
	}
	if err := s.ReleaseLease(ctx, "meili:profiles", "b"); err != nil {
		t.Fatal(err)
	}
	if !take("c", t0.Add(20*time.Second)) {
		t.Error("a released lease could not be taken")
	}
	if ok, err := s.TakeLease(ctx, "other", "c", t0, 0); ok || err == nil {
		t.Errorf("TakeLease with no ttl = %v, %v; want an error", ok, err)
	}
}

// oneWinnerAtOnce: consumers in two stores that take a free lease at the same
// moment, or move one cursor from the same place, have one winner between them.
func oneWinnerAtOnce(t *testing.T, s, other ChangeStore) {
	ctx := context.Background()
	if err := s.CreateProfile(ctx, Profile("a")); err != nil {
		t.Fatal(err)
	}
	last, err := s.LastChange(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t0 := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
	const n = 8
	var leases, moves atomic.Int32
	var wg sync.WaitGroup
	for i := range n {
		st := []ChangeStore{s, other}[i%2]
		wg.Go(func() {
			ok, err := st.TakeLease(ctx, "meili:profiles", fmt.Sprint("holder-", i), t0, 10*time.Second)
			if err != nil {
				t.Errorf("TakeLease(holder-%d) = %v", i, err)
			}
			if ok {
				leases.Add(1)
			}
			moved, err := st.MoveCursor(ctx, "meili:profiles", 0, last)
			if err != nil {
				t.Errorf("MoveCursor(0 → %d) = %v", last, err)
			}
			if moved {
				moves.Add(1)
			}
		})
	}
	wg.Wait()
	if leases.Load() != 1 || moves.Load() != 1 {
		t.Errorf("%d consumers at once: %d took the free lease and %d moved the cursor from 0; want one of each", n, leases.Load(), moves.Load())
	}
}
