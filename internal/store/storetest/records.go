package storetest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"samenspel/internal/auth"
	"samenspel/internal/profiles"
)

// ProfileStore is what the profile-record suite uses of a store: the profile
// writes and reads with their records and versions, and, to see what a profile
// write changes and what it leaves alone, the search, the candidates, the tenders
// with their interests, the tokens, the collaboration events, Empty, the change
// counters and log, and the weekly staleness marking.
type ProfileStore interface {
	CreateProfile(ctx context.Context, p profiles.Profile) error
	GetProfile(ctx context.Context, id string) (profiles.Profile, error)
	PutProfile(ctx context.Context, p profiles.Profile) error
	DeleteProfile(ctx context.Context, id string) error
	UpsertProfiles(ctx context.Context, ps []profiles.Profile) (created, updated int, err error)
	UpsertProfilesKeeping(ctx context.Context, ps []profiles.Profile, keep func(stored, p profiles.Profile) (profiles.Profile, bool)) (created, updated, kept int, err error)
	Profiles(ctx context.Context) ([]profiles.Profile, error)
	GetProfileRecord(ctx context.Context, id string) (profiles.Record, error)
	UpdateProfile(ctx context.Context, id string, match []string, change func(profiles.Record) (profiles.Profile, error)) (profiles.Record, error)
	ConfirmProfile(ctx context.Context, id string, now time.Time) error
	SearchProfiles(ctx context.Context, q profiles.Query) ([]profiles.Profile, int, error)
	Candidates(ctx context.Context, t profiles.Tender) ([]profiles.Profile, error)
	CreateTender(ctx context.Context, t profiles.Tender, owner string, now time.Time) error
	PutTender(ctx context.Context, t profiles.Tender, now time.Time) error
	CloseTender(ctx context.Context, id string, now time.Time) error
	Tenders(ctx context.Context) ([]profiles.TenderRecord, error)
	AddInterest(ctx context.Context, tender, profile string, now time.Time) error
	Interests(ctx context.Context, tender string) ([]string, error)
	CreateToken(ctx context.Context, t auth.Token) error
	TokenByHash(ctx context.Context, hash string) (auth.Token, error)
	AddCollaboration(ctx context.Context, c profiles.Collaboration) error
	AddCollaborations(ctx context.Context, cs []profiles.Collaboration) error
	Collaborations(ctx context.Context) ([]profiles.Collaboration, error)
	Empty(ctx context.Context) (bool, error)
	Versions(ctx context.Context) (profiles.Versions, error)
	MarkStale(ctx context.Context, before, now time.Time) ([]string, error)
	SeedIfEmpty(ctx context.Context, seed profiles.Seed, now time.Time) (bool, error)
	ChangeReader
}

// ProfileSubject is one empty store under the profile-record suite: Store, Other
// a second store over the same data (another process, another replica), and the
// clock that stamps Store's profile writes, which Now reads and SetNow sets.
type ProfileSubject struct {
	Store  ProfileStore
	Other  ProfileStore
	Now    func() time.Time
	SetNow func(time.Time)
}

// Profiles is the shared suite of the profile records: profiles round-trip
// whole; the errors of the writes; a write replaces the index rows, a delete
// takes the profile's interests and tokens with it; an upsert's last version
// wins and may keep stored fields; conditional writes (If-Match) by the record's
// version; Empty; the change counters, which every write of a kind bumps and
// nothing else, and which another store sees at once; and staleness: every write
// stamps when a profile was written, the marking after 12 months, the owner's
// confirmation, and what a stale profile reads as. open is called once per
// subtest and must return an empty store.
func Profiles(t *testing.T, open func(t *testing.T) ProfileSubject) {
	t.Run("RoundTrip", func(t *testing.T) { profileRoundTrip(t, open) })
	t.Run("Errors", func(t *testing.T) { profileErrors(t, open(t).Store) })
	t.Run("PutProfileReplacesIndexes", func(t *testing.T) { putProfileReplacesIndexes(t, open(t).Store) })
	t.Run("DeleteProfile", func(t *testing.T) { deleteProfile(t, open(t).Store) })
	t.Run("UpsertProfiles", func(t *testing.T) { upsertProfiles(t, open(t).Store) })
	t.Run("ProfilesEmptyIsNotNil", func(t *testing.T) { profilesEmptyIsNotNil(t, open(t).Store) })
	t.Run("UpdateProfileIfMatch", func(t *testing.T) { updateProfileIfMatch(t, open(t)) })
	t.Run("UpsertProfilesKeeping", func(t *testing.T) { upsertProfilesKeeping(t, open(t).Store) })
	t.Run("Empty", func(t *testing.T) { empty(t, open) })
	t.Run("Versions", func(t *testing.T) { versions(t, open(t).Store) })
	t.Run("VersionsSeeAnotherStoresWrites", func(t *testing.T) { s := open(t); versionsSeeAnotherStoresWrites(t, s.Other, s.Store) })
	t.Run("VersionsUnderLoad", func(t *testing.T) { s := open(t); versionsUnderLoad(t, s.Other, s.Store) })
	t.Run("WritesStampUpdated", func(t *testing.T) { profileWritesStampUpdated(t, open) })
	t.Run("MarkStaleTwelveMonths", func(t *testing.T) { markStaleTwelveMonths(t, open) })
	t.Run("MarkStaleRecordsChanges", func(t *testing.T) { markStaleRecordsChanges(t, open) })
	t.Run("ConfirmProfile", func(t *testing.T) { confirmProfile(t, open) })
	t.Run("StaleProfileReadWhole", func(t *testing.T) { staleProfileReadWhole(t, open) })
}

func profileRoundTrip(t *testing.T, open func(t *testing.T) ProfileSubject) {
	ctx := context.Background()
	bare := profiles.Profile{ID: "bare", Name: "Bare", Kind: "business", Size: profiles.SizeLarge,
		Areas: []string{"NL"}, Instruments: map[string]float64{"co_funding": 0.25}}
	tests := []struct {
		name string
		p    profiles.Profile
	}{
		{"with contact and private", Profile("buurtkamer-overvecht")},
		{"no contact, no themes", bare},
		{"many areas", func() profiles.Profile {
			p := Profile("wide")
			p.Areas = []string{"BU03441205", "WK034412", "GM0344", "GM0363"}
			return p
		}()},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := open(t).Store
			if err := s.CreateProfile(ctx, tc.p); err != nil {
				t.Fatalf("CreateProfile() = %v", err)
			}
			got, err := s.GetProfile(ctx, tc.p.ID)
			if err != nil {
				t.Fatalf("GetProfile(%q) = %v", tc.p.ID, err)
			}
			if diff := cmp.Diff(tc.p, got, equateEmpty); diff != "" {
				t.Errorf("GetProfile(%q) (-want +got):\n%s", tc.p.ID, diff)
			}
		})
	}
}
func profileErrors(t *testing.T, s ProfileStore) {
	ctx := context.Background()
	if err := s.CreateProfile(ctx, Profile("a")); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		op   func() error
		want error
	}{
		{"create existing", func() error { return s.CreateProfile(ctx, Profile("a")) }, profiles.ErrConflict},
		{"put missing", func() error { return s.PutProfile(ctx, Profile("b")) }, profiles.ErrNotFound},
		{"get missing", func() error { _, err := s.GetProfile(ctx, "b"); return err }, profiles.ErrNotFound},
		{"delete missing", func() error { return s.DeleteProfile(ctx, "b") }, profiles.ErrNotFound},
		{"put existing", func() error { return s.PutProfile(ctx, Profile("a")) }, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if err := tc.op(); !isErr(err, tc.want) {
				t.Errorf("%s = %v, want %v", tc.name, err, tc.want)
			}
		})
	}
	if _, err := s.GetProfile(ctx, "b"); err == nil || !strings.Contains(err.Error(), `profile "b"`) {
		t.Errorf("GetProfile(b) error = %q, want the id in it", err)
	}
}
func putProfileReplacesIndexes(t *testing.T, s ProfileStore) {
	ctx := context.Background()
	old := Profile("a")
	if err := s.CreateProfile(ctx, old); err != nil {
		t.Fatal(err)
	}
	now := old
	now.Name = "Taalcafé Zuid"
	now.Kind = "welfare"
	now.Areas = []string{"WK034407"}
	now.Instruments = map[string]float64{"language_classes": 1}
	now.Themes = []string{"integration"}
	now.Private = nil
	if err := s.PutProfile(ctx, now); err != nil {
		t.Fatalf("PutProfile() = %v", err)
	}
	got, err := s.GetProfile(ctx, "a")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(now, got, equateEmpty); diff != "" {
		t.Errorf("GetProfile after PutProfile (-want +got):\n%s", diff)
	}
	for _, q := range []profiles.Query{
		{Text: "buurtkamer"}, {Text: "maaltijden"}, {Kind: "residents_group"},
		{Instrument: "meals"}, {Theme: "loneliness"}, {Area: "WK034412"},
	} {
		if hits, total, err := s.SearchProfiles(ctx, q); err != nil || total != 0 {
			t.Errorf("SearchProfiles(%+v) after PutProfile = %d hits, %v; want none for the old values", q, len(hits), err)
		}
	}
	for _, q := range []profiles.Query{
		{Text: "taalcafe"}, {Text: "taallessen"}, {Kind: "welfare"},
		{Instrument: "language_classes"}, {Theme: "integration"}, {Area: "WK034407"},
	} {
		if _, total, err := s.SearchProfiles(ctx, q); err != nil || total != 1 {
			t.Errorf("SearchProfiles(%+v) after PutProfile = %d, %v; want the profile", q, total, err)
		}
	}
	cands, err := s.Candidates(ctx, Tender("t"))
	if err != nil || len(cands) != 0 {
		t.Errorf("Candidates() after moving the profile away = %d, %v; want none", len(cands), err)
	}
}
func deleteProfile(t *testing.T, s ProfileStore) {
	ctx := context.Background()
	now := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	for _, id := range []string{"a", "b"} {
		if err := s.CreateProfile(ctx, Profile(id)); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.CreateTender(ctx, Tender("t"), "owner", now); err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"a", "b"} {
		if err := s.AddInterest(ctx, "t", id, now); err != nil {
			t.Fatal(err)
		}
	}
	tok := auth.Token{Hash: hash("a"), Role: "partner", Name: "a", Profile: "a", Created: now}
	if err := s.CreateToken(ctx, tok); err != nil {
		t.Fatal(err)
	}

	if err := s.DeleteProfile(ctx, "a"); err != nil {
		t.Fatalf("DeleteProfile(a) = %v", err)
	}
	if _, err := s.GetProfile(ctx, "a"); !errors.Is(err, profiles.ErrNotFound) {
		t.Errorf("GetProfile(a) after delete = %v, want ErrNotFound", err)
	}
	if err := s.DeleteProfile(ctx, "a"); !errors.Is(err, profiles.ErrNotFound) {
		t.Errorf("DeleteProfile(a) twice = %v, want ErrNotFound", err)
	}
	hits, _, err := s.SearchProfiles(ctx, profiles.Query{Text: "buurtkamer"})
	if err != nil {
		t.Fatal(err)
	}
	if got := ids(hits); !slices.Equal(got, []string{"b"}) {
		t.Errorf("SearchProfiles(buurtkamer) after delete = %v, want [b]", got)
	}
	cands, err := s.Candidates(ctx, Tender("t"))
	if err != nil {
		t.Fatal(err)
	}
	if got := ids(cands); !slices.Equal(got, []string{"b"}) {
		t.Errorf("Candidates() after delete = %v, want [b]", got)
	}
	if got, err := s.Interests(ctx, "t"); err != nil || !slices.Equal(got, []string{"b"}) {
		t.Errorf("Interests(t) after delete = %v, %v; want [b]", got, err)
	}
	// A partner token names its profile: once the profile is gone, so is the token,
	// or whoever registers the id next would find it already owned.
	if _, err := s.TokenByHash(ctx, tok.Hash); !errors.Is(err, auth.ErrNotFound) {
		t.Errorf("TokenByHash(token of a) after delete = %v, want ErrNotFound", err)
	}
	if err := s.CreateProfile(ctx, Profile("a")); err != nil {
		t.Errorf("CreateProfile(a) after delete = %v, want the id free again", err)
	}
}
func upsertProfiles(t *testing.T, s ProfileStore) {
	ctx := context.Background()
	if err := s.CreateProfile(ctx, Profile("b")); err != nil {
		t.Fatal(err)
	}
	changed := Profile("b")
	changed.Name = "Changed"
	last := Profile("c")
	last.Name = "Last wins"
	batch := []profiles.Profile{Profile("c"), Profile("a"), changed, last}
	created, updated, err := s.UpsertProfiles(ctx, batch)
	if err != nil || created != 2 || updated != 2 {
		t.Errorf("UpsertProfiles() = %d, %d, %v; want 2 created (a, c), 2 updated (b, c again)", created, updated, err)
	}
	got, err := s.Profiles(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := []profiles.Profile{Profile("a"), changed, last}
	if diff := cmp.Diff(want, got, equateEmpty); diff != "" {
		t.Errorf("Profiles() after UpsertProfiles (-want +got):\n%s", diff)
	}
	if _, total, _ := s.SearchProfiles(ctx, profiles.Query{Text: "last wins"}); total != 1 {
		t.Errorf("SearchProfiles(last wins) = %d hits, want 1: the index follows the last version", total)
	}
}
func profilesEmptyIsNotNil(t *testing.T, s ProfileStore) {
	got, err := s.Profiles(context.Background())
	if err != nil || got == nil || len(got) != 0 {
		t.Errorf("Profiles() of an empty store = %#v, %v; want an empty, non-nil list", got, err)
	}
}

// updateProfileIfMatch: a conditional write goes through while the stored
// version is the one named, and is refused with ErrChanged once another write
// came in between; the version is the one GetProfileRecord reads.
func updateProfileIfMatch(t *testing.T, subject ProfileSubject) {
	ctx := context.Background()
	s := subject.Store
	p := Profile("a")
	if err := s.CreateProfile(ctx, p); err != nil {
		t.Fatal(err)
	}
	rec, err := s.GetProfileRecord(ctx, "a")
	if err != nil || len(rec.Version) != 32 {
		t.Fatalf("GetProfileRecord() = %+v, %v; want a 32-digit version", rec, err)
	}
	rename := func(name string) func(profiles.Record) (profiles.Profile, error) {
		return func(r profiles.Record) (profiles.Profile, error) {
			r.Profile.Name = name
			return r.Profile, nil
		}
	}
	subject.SetNow(subject.Now().Add(time.Second))
	next, err := s.UpdateProfile(ctx, "a", []string{"0123", rec.Version}, rename("Eerste"))
	if err != nil {
		t.Fatalf("UpdateProfile(matching version) = %v", err)
	}
	if next.Version == rec.Version || next.Profile.Name != "Eerste" {
		t.Errorf("UpdateProfile() = %+v; want the new name under a new version", next)
	}
	if again, _ := s.GetProfileRecord(ctx, "a"); again.Version != next.Version {
		t.Errorf("GetProfileRecord().Version = %s after the write, UpdateProfile said %s", again.Version, next.Version)
	}
	if _, err := s.UpdateProfile(ctx, "a", []string{rec.Version}, rename("Tweede")); !errors.Is(err, profiles.ErrChanged) {
		t.Errorf("UpdateProfile(stale version) = %v, want ErrChanged", err)
	}
	if got, _ := s.GetProfile(ctx, "a"); got.Name != "Eerste" {
		t.Errorf("a refused conditional write stored the name %q", got.Name)
	}
	// The same document written at the same time again is the same state.
	if same, err := s.UpdateProfile(ctx, "a", nil, rename("Eerste")); err != nil || same.Version != next.Version {
		t.Errorf("UpdateProfile(same state) = %s, %v; want the version %s", same.Version, err, next.Version)
	}
	// Confirming a profile changes its record, so its version.
	subject.SetNow(subject.Now().Add(time.Hour))
	if err := s.ConfirmProfile(ctx, "a", subject.Now()); err != nil {
		t.Fatal(err)
	}
	if c, _ := s.GetProfileRecord(ctx, "a"); c.Version == next.Version {
		t.Errorf("the version did not change when the profile was confirmed")
	}
	boom := errors.New("invalid")
	if _, err := s.UpdateProfile(ctx, "a", nil, func(profiles.Record) (profiles.Profile, error) { return profiles.Profile{}, boom }); !errors.Is(err, boom) {
		t.Errorf("UpdateProfile(change fails) = %v, want its error", err)
	}
	if _, err := s.UpdateProfile(ctx, "a", nil, func(r profiles.Record) (profiles.Profile, error) { r.Profile.ID = "b"; return r.Profile, nil }); err == nil {
		t.Errorf("UpdateProfile(another id) = nil, want an error")
	}
	if _, err := s.UpdateProfile(ctx, "nobody", nil, rename("x")); !errors.Is(err, profiles.ErrNotFound) {
		t.Errorf("UpdateProfile(missing) = %v, want ErrNotFound", err)
	}
}

// upsertProfilesKeeping: an import that cannot carry a field keeps the stored
// one, in the same transaction, and counts the profiles it kept something of.
func upsertProfilesKeeping(t *testing.T, s ProfileStore) {
	ctx := context.Background()
	if _, _, err := s.UpsertProfiles(ctx, []profiles.Profile{Profile("a"), Profile("b")}); err != nil {
		t.Fatal(err)
	}
	bare := func(id string) profiles.Profile {
		p := Profile(id)
		p.Private, p.Contact = nil, nil
		return p
	}
	keepPrivate := func(stored, p profiles.Profile) (profiles.Profile, bool) {
		p.Private = stored.Private
		return p, len(stored.Private) > 0
	}
	created, updated, kept, err := s.UpsertProfilesKeeping(ctx, []profiles.Profile{bare("a"), bare("b"), bare("c")}, keepPrivate)
	if err != nil || created != 1 || updated != 2 || kept != 2 {
		t.Errorf("UpsertProfilesKeeping() = %d, %d, %d, %v; want 1 created, 2 updated, 2 kept", created, updated, kept, err)
	}
	for id, want := range map[string]bool{"a": true, "b": true, "c": false} {
		p, _ := s.GetProfile(ctx, id)
		if (p.Private["ideas"] != "") != want || p.Contact != nil {
			t.Errorf("profile %s after the import: private %v contact %v; want private kept %v, contact as imported (none)", id, p.Private, p.Contact, want)
		}
	}
}
func empty(t *testing.T, open func(t *testing.T) ProfileSubject) {
	ctx := context.Background()
	tests := []struct {
		name  string
		write func(s ProfileStore) error
		want  bool
	}{
		{"new", func(ProfileStore) error { return nil }, true},
		{"profile", func(s ProfileStore) error { return s.CreateProfile(ctx, Profile("a")) }, false},
		{"tender", func(s ProfileStore) error { return s.CreateTender(ctx, Tender("t"), "o", time.Now()) }, false},
		{"only events and tokens", func(s ProfileStore) error {
			if err := s.AddCollaboration(ctx, profiles.Collaboration{A: "a", B: "b", Outcome: "positive", At: "2026-03-01"}); err != nil {
				return err
			}
			return s.CreateToken(ctx, auth.Token{Hash: hash("x"), Role: "admin", Name: "root", Created: time.Now()})
		}, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := open(t).Store
			if err := tc.write(s); err != nil {
				t.Fatal(err)
			}
			got, err := s.Empty(ctx)
			if err != nil || got != tc.want {
				t.Errorf("Empty() = %v, %v; want %v, nil", got, err, tc.want)
			}
		})
	}
}
func versions(t *testing.T, s ProfileStore) {
	ctx := context.Background()
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	if err := s.CreateProfile(ctx, Profile("base")); err != nil {
		t.Fatal(err)
	}
	if err := s.CreateTender(ctx, Tender("base"), "owner", now); err != nil {
		t.Fatal(err)
	}
	p := profiles.Versions{Profiles: 1}
	tn := profiles.Versions{Tenders: 1}
	c := profiles.Versions{Collaborations: 1}
	none := profiles.Versions{}
	tests := []struct {
		name string
		op   func() error
		want profiles.Versions // the change
	}{
		{"CreateProfile", func() error { return s.CreateProfile(ctx, Profile("a")) }, p},
		{"PutProfile", func() error { return s.PutProfile(ctx, Profile("a")) }, p},
		{"UpsertProfiles", func() error {
			_, _, err := s.UpsertProfiles(ctx, []profiles.Profile{Profile("a"), Profile("b")})
			return err
		}, p},
		{"UpsertProfiles none", func() error { _, _, err := s.UpsertProfiles(ctx, nil); return err }, none},
		{"DeleteProfile", func() error { return s.DeleteProfile(ctx, "b") }, p},
		{"CreateTender", func() error { return s.CreateTender(ctx, Tender("t"), "owner", now) }, tn},
		{"PutTender", func() error { return s.PutTender(ctx, Tender("t"), now) }, tn},
		{"AddInterest", func() error { return s.AddInterest(ctx, "t", "a", now) }, tn},
		{"AddInterest again", func() error { return s.AddInterest(ctx, "t", "a", now) }, none},
		{"CloseTender", func() error { return s.CloseTender(ctx, "t", now) }, tn},
		{"AddCollaboration", func() error {
			return s.AddCollaboration(ctx, profiles.Collaboration{A: "a", B: "base", Outcome: "positive", At: "2026-03-01"})
		}, c},
		{"AddCollaborations", func() error {
			return s.AddCollaborations(ctx, []profiles.Collaboration{{A: "a", B: "base", Outcome: "negative", At: "2026-03-02"}})
		}, c},
		{"CreateToken", func() error {
			return s.CreateToken(ctx, auth.Token{Hash: hash("t"), Role: "admin", Name: "n", Created: now})
		}, none},
		{"failed PutProfile", func() error { s.PutProfile(ctx, Profile("missing")); return nil }, none},
		{"failed CreateTender", func() error { s.CreateTender(ctx, Tender("t"), "owner", now); return nil }, none},
		{"reads", func() error {
			if _, err := s.GetProfile(ctx, "a"); err != nil {
				return err
			}
			if _, err := s.Profiles(ctx); err != nil {
				return err
			}
			if _, _, err := s.SearchProfiles(ctx, profiles.Query{Text: "buurtkamer"}); err != nil {
				return err
			}
			if _, err := s.Candidates(ctx, Tender("t")); err != nil {
				return err
			}
			if _, err := s.Tenders(ctx); err != nil {
				return err
			}
			if _, err := s.Collaborations(ctx); err != nil {
				return err
			}
			if _, err := s.Interests(ctx, "t"); err != nil {
				return err
			}
			_, err := s.TokenByHash(ctx, hash("t"))
			return err
		}, none},
	}
	for _, tc := range tests {
		before, err := s.Versions(ctx)
		if err != nil {
			t.Fatalf("Versions() = %v", err)
		}
		if err := tc.op(); err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		after, err := s.Versions(ctx)
		if err != nil {
			t.Fatalf("Versions() = %v", err)
		}
		got := profiles.Versions{
			Profiles:       after.Profiles - before.Profiles,
			Tenders:        after.Tenders - before.Tenders,
			Collaborations: after.Collaborations - before.Collaborations,
		}
		if got != tc.want {
			t.Errorf("%s: Versions changed by %+v, want %+v", tc.name, got, tc.want)
		}
	}
}

// versionsSeeAnotherStoresWrites is the server and the indexer on one
// directory: the server remembers the counters between requests, yet every write
// the other has acknowledged shows in the server's next Versions.
func versionsSeeAnotherStoresWrites(t *testing.T, server, indexer ProfileStore) {
	ctx := context.Background()
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	if err := server.CreateTender(ctx, Tender("t"), "owner", now); err != nil {
		t.Fatal(err)
	}
	writes := []struct {
		name  string
		write func(i int) error
	}{
		{"CreateProfile", func(i int) error { return indexer.CreateProfile(ctx, Profile(fmt.Sprint("p", i))) }},
		{"UpsertProfiles", func(i int) error {
			_, _, err := indexer.UpsertProfiles(ctx, []profiles.Profile{Profile(fmt.Sprint("u", i))})
			return err
		}},
		{"PutTender", func(int) error { return indexer.PutTender(ctx, Tender("t"), now) }},
		{"AddCollaboration", func(i int) error {
			return indexer.AddCollaboration(ctx, profiles.Collaboration{A: fmt.Sprint("p", i), B: fmt.Sprint("u", i), Outcome: "positive", At: "2026-03-01"})
		}},
		{"server's own CreateProfile", func(i int) error { return server.CreateProfile(ctx, Profile(fmt.Sprint("s", i))) }},
	}
	for i := range 20 {
		for _, w := range writes {
			if _, err := server.Versions(ctx); err != nil { // remembered from here on
				t.Fatalf("server.Versions() = %v", err)
			}
			if err := w.write(i); err != nil {
				t.Fatalf("%s: %v", w.name, err)
			}
			want, err := indexer.Versions(ctx)
			if err != nil {
				t.Fatalf("indexer.Versions() = %v", err)
			}
			got, err := server.Versions(ctx)
			if err != nil {
				t.Fatalf("server.Versions() = %v", err)
			}
			if got != want {
				t.Fatalf("after %s %d: server.Versions() = %+v, want %+v", w.name, i, got, want)
			}
		}
	}
}

// versionsUnderLoad: while many requests ask for the counters at once (and so
// share checks), a Versions that begins after a write was acknowledged still sees
// it, and a cancelled caller spoils nothing for the others.
func versionsUnderLoad(t *testing.T, server, indexer ProfileStore) {
	ctx := context.Background()
	stop := make(chan struct{})
	var wg sync.WaitGroup
	var failed atomic.Value
	for g := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var last profiles.Versions
			for {
				select {
				case <-stop:
					return
				default:
				}
				cctx := ctx
				if g%4 == 0 { // some callers give up at once
					c, cancel := context.WithCancel(ctx)
					cancel()
					cctx = c
				}
				v, err := server.Versions(cctx)
				if cctx != ctx {
					continue // a cancelled caller may or may not get an answer
				}
				if err != nil {
					failed.Store(fmt.Sprintf("Versions() = %v", err))
					return
				}
				if v.Profiles < last.Profiles {
					failed.Store(fmt.Sprintf("Versions() went back from %+v to %+v", last, v))
					return
				}
				last = v
			}
		}()
	}
	for i := range 200 {
		if err := indexer.CreateProfile(ctx, Profile(fmt.Sprint("p", i))); err != nil {
			t.Fatal(err)
		}
		got, err := server.Versions(ctx)
		if err != nil {
			t.Fatalf("Versions() = %v", err)
		}
		if got.Profiles != int64(i+1) {
			t.Fatalf("after write %d: Versions().Profiles = %d, want %d", i+1, got.Profiles, i+1)
		}
	}
	close(stop)
	wg.Wait()
	if msg := failed.Load(); msg != nil {
		t.Fatal(msg)
	}
}
