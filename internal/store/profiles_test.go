package store_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"samenspel/internal/profiles"
	"samenspel/internal/store"
	"samenspel/internal/store/storetest"
)

func TestProfileRoundTrip(t *testing.T) {
	ctx := context.Background()
	bare := profiles.Profile{ID: "bare", Name: "Bare", Kind: "business", Size: profiles.SizeLarge,
		Areas: []string{"NL"}, Instruments: map[string]float64{"co_funding": 0.25}}
	tests := []struct {
		name string
		p    profiles.Profile
	}{
		{"with contact and private", storetest.Profile("buurtkamer-overvecht")},
		{"no contact, no themes", bare},
		{"many areas", func() profiles.Profile {
			p := storetest.Profile("wide")
			p.Areas = []string{"BU03441205", "WK034412", "GM0344", "GM0363"}
			return p
		}()},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := newStore(t)
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

func TestProfileErrors(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	if err := s.CreateProfile(ctx, storetest.Profile("a")); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		op   func() error
		want error
	}{
		{"create existing", func() error { return s.CreateProfile(ctx, storetest.Profile("a")) }, store.ErrConflict},
		{"put missing", func() error { return s.PutProfile(ctx, storetest.Profile("b")) }, store.ErrNotFound},
		{"get missing", func() error { _, err := s.GetProfile(ctx, "b"); return err }, store.ErrNotFound},
		{"delete missing", func() error { return s.DeleteProfile(ctx, "b") }, store.ErrNotFound},
		{"put existing", func() error { return s.PutProfile(ctx, storetest.Profile("a")) }, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if err := tc.op(); !isErr(err, tc.want) {
				t.Errorf("%s = %v, want %v", tc.name, err, tc.want)
			}
		})
	}
	if _, err := s.GetProfile(ctx, "b"); err == nil || err.Error() != `store: get profile "b": store: not found` {
		t.Errorf("GetProfile(b) error = %q, want the id in it", err)
	}
}

func TestPutProfileReplacesIndexes(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	old := storetest.Profile("a")
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
	for _, q := range []store.Query{
		{Text: "buurtkamer"}, {Text: "maaltijden"}, {Kind: "residents_group"},
		{Instrument: "meals"}, {Theme: "loneliness"}, {Area: "WK034412"},
	} {
		if hits, total, err := s.SearchProfiles(ctx, q); err != nil || total != 0 {
			t.Errorf("SearchProfiles(%+v) after PutProfile = %d hits, %v; want none for the old values", q, len(hits), err)
		}
	}
	for _, q := range []store.Query{
		{Text: "taalcafe"}, {Text: "taallessen"}, {Kind: "welfare"},
		{Instrument: "language_classes"}, {Theme: "integration"}, {Area: "WK034407"},
	} {
		if _, total, err := s.SearchProfiles(ctx, q); err != nil || total != 1 {
			t.Errorf("SearchProfiles(%+v) after PutProfile = %d, %v; want the profile", q, total, err)
		}
	}
	cands, err := s.Candidates(ctx, storetest.Tender("t"))
	if err != nil || len(cands) != 0 {
		t.Errorf("Candidates() after moving the profile away = %d, %v; want none", len(cands), err)
	}
}

func TestDeleteProfile(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	s := newStore(t)
	for _, id := range []string{"a", "b"} {
		if err := s.CreateProfile(ctx, storetest.Profile(id)); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.CreateTender(ctx, storetest.Tender("t"), "owner", now); err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"a", "b"} {
		if err := s.AddInterest(ctx, "t", id, now); err != nil {
			t.Fatal(err)
		}
	}
	tok := store.Token{Hash: hash("a"), Role: "partner", Name: "a", Profile: "a", Created: now}
	if err := s.CreateToken(ctx, tok); err != nil {
		t.Fatal(err)
	}

	if err := s.DeleteProfile(ctx, "a"); err != nil {
		t.Fatalf("DeleteProfile(a) = %v", err)
	}
	if _, err := s.GetProfile(ctx, "a"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("GetProfile(a) after delete = %v, want ErrNotFound", err)
	}
	if err := s.DeleteProfile(ctx, "a"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("DeleteProfile(a) twice = %v, want ErrNotFound", err)
	}
	hits, _, err := s.SearchProfiles(ctx, store.Query{Text: "buurtkamer"})
	if err != nil {
		t.Fatal(err)
	}
	if got := ids(hits); !slices.Equal(got, []string{"b"}) {
		t.Errorf("SearchProfiles(buurtkamer) after delete = %v, want [b]", got)
	}
	cands, err := s.Candidates(ctx, storetest.Tender("t"))
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
	if _, err := s.TokenByHash(ctx, tok.Hash); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("TokenByHash(token of a) after delete = %v, want ErrNotFound", err)
	}
	if err := s.CreateProfile(ctx, storetest.Profile("a")); err != nil {
		t.Errorf("CreateProfile(a) after delete = %v, want the id free again", err)
	}
}

func TestUpsertProfiles(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	if err := s.CreateProfile(ctx, storetest.Profile("b")); err != nil {
		t.Fatal(err)
	}
	changed := storetest.Profile("b")
	changed.Name = "Changed"
	last := storetest.Profile("c")
	last.Name = "Last wins"
	batch := []profiles.Profile{storetest.Profile("c"), storetest.Profile("a"), changed, last}
	created, updated, err := s.UpsertProfiles(ctx, batch)
	if err != nil || created != 2 || updated != 2 {
		t.Errorf("UpsertProfiles() = %d, %d, %v; want 2 created (a, c), 2 updated (b, c again)", created, updated, err)
	}
	got, err := s.Profiles(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := []profiles.Profile{storetest.Profile("a"), changed, last}
	if diff := cmp.Diff(want, got, equateEmpty); diff != "" {
		t.Errorf("Profiles() after UpsertProfiles (-want +got):\n%s", diff)
	}
	if _, total, _ := s.SearchProfiles(ctx, store.Query{Text: "last wins"}); total != 1 {
		t.Errorf("SearchProfiles(last wins) = %d hits, want 1: the index follows the last version", total)
	}
}

func TestProfilesEmptyIsNotNil(t *testing.T) {
	got, err := newStore(t).Profiles(context.Background())
	if err != nil || got == nil || len(got) != 0 {
		t.Errorf("Profiles() of an empty store = %#v, %v; want an empty, non-nil list", got, err)
	}
}

// ids lists the ids of ps in order.
func ids(ps []profiles.Profile) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.ID
	}
	return out
}
