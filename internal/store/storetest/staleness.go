package storetest

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"samenspel/internal/profiles"
)

// The staleness of profile records (SPEC §3): a profile not written or confirmed
// for 12 months is marked stale by the weekly job and leaves the candidates until
// its owner confirms it or writes it again. Times are a microsecond apart at the
// finest: PostgreSQL keeps when a profile was written to the microsecond.

// record reads the profile record of id or fails the test.
func record(t *testing.T, s ProfileStore, id string) profiles.Record {
	t.Helper()
	rec, err := s.GetProfileRecord(context.Background(), id)
	if err != nil {
		t.Fatalf("GetProfileRecord(%s) = %v", id, err)
	}
	return rec
}

// checkCurrent fails the test unless id counts as written at want and is not stale.
func checkCurrent(t *testing.T, s ProfileStore, id string, want time.Time) {
	t.Helper()
	rec := record(t, s, id)
	if !rec.Updated.Equal(want) || !rec.StaleSince.IsZero() || rec.Profile.Stale {
		t.Errorf("GetProfileRecord(%s) = updated %v, stale since %v, Stale %t; want updated %v, not stale",
			id, rec.Updated, rec.StaleSince, rec.Profile.Stale, want)
	}
}

// profilesVersion reads the profiles counter or fails the test.
func profilesVersion(t *testing.T, s ProfileStore) int64 {
	t.Helper()
	v, err := s.Versions(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return v.Profiles
}

// isCandidate reports whether id is a candidate of the SPEC §2 tender.
func isCandidate(t *testing.T, s ProfileStore, id string) bool {
	t.Helper()
	ps, err := s.Candidates(context.Background(), Tender("t"))
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range ps {
		if p.ID == id {
			return true
		}
	}
	return false
}

// profileWritesStampUpdated: every way a profile is written stamps it as
// written at the store's clock, and makes a stale profile current again (and a
// candidate).
func profileWritesStampUpdated(t *testing.T, open func(t *testing.T) ProfileSubject) {
	ctx := context.Background()
	tests := []struct {
		name  string
		write func(s ProfileStore, p profiles.Profile) error
	}{
		{"PutProfile", func(s ProfileStore, p profiles.Profile) error { return s.PutProfile(ctx, p) }},
		{"UpsertProfiles", func(s ProfileStore, p profiles.Profile) error {
			_, _, err := s.UpsertProfiles(ctx, []profiles.Profile{Profile("other"), p})
			return err
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			sub := open(t)
			s := sub.Store
			written := sub.Now()
			if err := s.CreateProfile(ctx, Profile("a")); err != nil {
				t.Fatal(err)
			}
			checkCurrent(t, s, "a", written)

			now := written.AddDate(1, 0, 1)
			sub.SetNow(now)
			if ids, err := s.MarkStale(ctx, profiles.StaleBefore(now), now); err != nil || len(ids) != 1 {
				t.Fatalf("MarkStale = %v, %v; want [a]", ids, err)
			}
			if isCandidate(t, s, "a") {
				t.Fatal("stale a is a candidate")
			}

			sub.SetNow(now.Add(time.Hour))
			p := Profile("a")
			p.Stale = true // ignored: a write makes the profile current
			if err := tc.write(s, p); err != nil {
				t.Fatalf("%s(a) = %v", tc.name, err)
			}
			checkCurrent(t, s, "a", now.Add(time.Hour))
			if !isCandidate(t, s, "a") {
				t.Errorf("a written again after it was stale is no candidate")
			}
		})
	}
	t.Run("UpsertProfiles creates", func(t *testing.T) {
		sub := open(t)
		s := sub.Store
		p := Profile("a")
		p.Stale = true
		if _, _, err := s.UpsertProfiles(ctx, []profiles.Profile{p}); err != nil {
			t.Fatal(err)
		}
		checkCurrent(t, s, "a", sub.Now())
	})
	t.Run("SeedIfEmpty", func(t *testing.T) {
		sub := open(t)
		s := sub.Store
		seeded := sub.Now().Add(-time.Minute) // the seed's own time, not the clock's
		if _, err := s.SeedIfEmpty(ctx, profiles.Seed{Profiles: []profiles.Profile{Profile("a")}}, seeded); err != nil {
			t.Fatal(err)
		}
		checkCurrent(t, s, "a", seeded)
	})
}

// markStaleTwelveMonths: a profile last written more than 12 months before now
// is stale; one written exactly 12 months before (the cut-off) is not yet, nor a
// later one.
func markStaleTwelveMonths(t *testing.T, open func(t *testing.T) ProfileSubject) {
	ctx := context.Background()
	sub := open(t)
	s := sub.Store
	now := sub.Now()
	cutoff := now.AddDate(-1, 0, 0)
	for id, written := range map[string]time.Time{
		"long-ago":          now.AddDate(-3, 0, 0),
		"just-over-a-year":  cutoff.Add(-time.Microsecond),
		"exactly-a-year":    cutoff,
		"just-under-a-year": cutoff.Add(time.Microsecond),
		"today":             now,
	} {
		sub.SetNow(written)
		if err := s.CreateProfile(ctx, Profile(id)); err != nil {
			t.Fatal(err)
		}
	}
	sub.SetNow(now)
	got, err := s.MarkStale(ctx, profiles.StaleBefore(now), now)
	if err != nil {
		t.Fatalf("MarkStale = %v", err)
	}
	if diff := cmp.Diff([]string{"just-over-a-year", "long-ago"}, got); diff != "" {
		t.Errorf("MarkStale(%v) (-want +got):\n%s", cutoff, diff)
	}
	for _, id := range got {
		if rec := record(t, s, id); !rec.StaleSince.Equal(now) || !rec.Profile.Stale {
			t.Errorf("GetProfileRecord(%s) = stale since %v, Stale %t; want since %v", id, rec.StaleSince, rec.Profile.Stale, now)
		}
	}
	checkCurrent(t, s, "exactly-a-year", cutoff)
}

// markStaleRecordsChanges: marking records each marked profile's change, with
// Stale set, so that the search index learns it, and moves the profiles counter, so
// that cached answers do; a marking that finds nothing new changes neither, and a
// profile stays stale since the first marking.
func markStaleRecordsChanges(t *testing.T, open func(t *testing.T) ProfileSubject) {
	ctx := context.Background()
	sub := open(t)
	s := sub.Store
	written := sub.Now()
	if _, _, err := s.UpsertProfiles(ctx, []profiles.Profile{Profile("b"), Profile("a")}); err != nil {
		t.Fatal(err)
	}
	sub.SetNow(written.AddDate(0, 6, 0))
	if err := s.CreateProfile(ctx, Profile("c")); err != nil {
		t.Fatal(err)
	}
	last, err := s.LastChange(ctx)
	if err != nil {
		t.Fatal(err)
	}
	version := profilesVersion(t, s)

	first := written.AddDate(1, 0, 7)
	ids, err := s.MarkStale(ctx, profiles.StaleBefore(first), first)
	if err != nil || !cmp.Equal(ids, []string{"a", "b"}) {
		t.Fatalf("MarkStale(%v) = %v, %v; want [a b]", first, ids, err)
	}
	got, cs := ChangesSince(t, s, last)
	if diff := cmp.Diff([]Logged{{ID: "a"}, {ID: "b"}}, got); diff != "" {
		t.Errorf("changes of MarkStale (-want +got):\n%s", diff)
	}
	for _, c := range cs {
		if !c.Profile.Stale {
			t.Errorf("change of %s after MarkStale has Stale false, want true", c.ID)
		}
	}
	if v := profilesVersion(t, s); v <= version {
		t.Errorf("profiles version after MarkStale = %d, want above %d", v, version)
	}

	last, _ = s.LastChange(ctx)
	version = profilesVersion(t, s)
	again := first.AddDate(0, 0, 7) // next week: a and b are stale already, c not yet
	ids, err = s.MarkStale(ctx, profiles.StaleBefore(again), again)
	if err != nil || ids == nil || len(ids) != 0 {
		t.Fatalf("MarkStale a week later = %#v, %v; want an empty list", ids, err)
	}
	if got, _ := ChangesSince(t, s, last); len(got) != 0 {
		t.Errorf("MarkStale that marked nothing recorded changes %v", got)
	}
	if v := profilesVersion(t, s); v != version {
		t.Errorf("profiles version after MarkStale that marked nothing = %d, want %d", v, version)
	}
	if rec := record(t, s, "a"); !rec.StaleSince.Equal(first) {
		t.Errorf("a is stale since %v, want the first marking %v", rec.StaleSince, first)
	}
}

// confirmProfile: the owner's confirmation makes a stale profile current and a
// candidate, and tells the change log and the counter; confirming a current profile
// only moves when it was confirmed.
func confirmProfile(t *testing.T, open func(t *testing.T) ProfileSubject) {
	ctx := context.Background()
	sub := open(t)
	s := sub.Store
	if err := s.CreateProfile(ctx, Profile("a")); err != nil {
		t.Fatal(err)
	}
	marked := sub.Now().AddDate(2, 0, 0)
	if _, err := s.MarkStale(ctx, profiles.StaleBefore(marked), marked); err != nil {
		t.Fatal(err)
	}
	last, _ := s.LastChange(ctx)
	version := profilesVersion(t, s)

	confirmed := marked.Add(48 * time.Hour)
	if err := s.ConfirmProfile(ctx, "a", confirmed); err != nil {
		t.Fatalf("ConfirmProfile(a) = %v", err)
	}
	checkCurrent(t, s, "a", confirmed)
	if !isCandidate(t, s, "a") {
		t.Error("confirmed a is no candidate")
	}
	got, cs := ChangesSince(t, s, last)
	if diff := cmp.Diff([]Logged{{ID: "a"}}, got); diff != "" || cs[0].Profile.Stale {
		t.Errorf("changes of ConfirmProfile = %v, want a, not stale (-want +got):\n%s", cs, diff)
	}
	if v := profilesVersion(t, s); v <= version {
		t.Errorf("profiles version after ConfirmProfile = %d, want above %d", v, version)
	}

	last, _ = s.LastChange(ctx)
	version = profilesVersion(t, s)
	later := confirmed.AddDate(0, 3, 0)
	if err := s.ConfirmProfile(ctx, "a", later); err != nil {
		t.Fatalf("ConfirmProfile(a) again = %v", err)
	}
	checkCurrent(t, s, "a", later)
	if got, _ := ChangesSince(t, s, last); len(got) != 0 || profilesVersion(t, s) != version {
		t.Errorf("confirming a current profile recorded changes %v or moved the version; want neither", got)
	}

	if err := s.ConfirmProfile(ctx, "nobody", later); !errors.Is(err, profiles.ErrNotFound) {
		t.Errorf("ConfirmProfile(nobody) = %v, want ErrNotFound", err)
	}
	if _, err := s.GetProfileRecord(ctx, "nobody"); !errors.Is(err, profiles.ErrNotFound) {
		t.Errorf("GetProfileRecord(nobody) = %v, want ErrNotFound", err)
	}
}

// staleProfileReadWhole: the whole reads of a profile (GetProfile, Profiles,
// the change log) say it is stale; the candidates leave it out; its JSON does not
// carry it.
func staleProfileReadWhole(t *testing.T, open func(t *testing.T) ProfileSubject) {
	ctx := context.Background()
	sub := open(t)
	s := sub.Store
	if _, _, err := s.UpsertProfiles(ctx, []profiles.Profile{Profile("a"), Profile("b")}); err != nil {
		t.Fatal(err)
	}
	sub.SetNow(sub.Now().AddDate(1, 1, 0))
	if err := s.PutProfile(ctx, Profile("b")); err != nil {
		t.Fatal(err)
	}
	now := sub.Now()
	if _, err := s.MarkStale(ctx, profiles.StaleBefore(now), now); err != nil {
		t.Fatal(err)
	}
	p, err := s.GetProfile(ctx, "a")
	if err != nil || !p.Stale || !p.Public().Stale {
		t.Errorf("GetProfile(a) = Stale %t, public Stale %t, %v; want both true", p.Stale, p.Public().Stale, err)
	}
	ps, err := s.Profiles(ctx)
	if err != nil || len(ps) != 2 || !ps[0].Stale || ps[1].Stale {
		t.Errorf("Profiles() = %+v, %v; want a stale and b not", ps, err)
	}
	if isCandidate(t, s, "a") || !isCandidate(t, s, "b") {
		t.Errorf("candidates: a %t, b %t; want only b", isCandidate(t, s, "a"), isCandidate(t, s, "b"))
	}
	data, _ := json.Marshal(p)
	if strings.Contains(strings.ToLower(string(data)), "stale") {
		t.Errorf("JSON of a stale profile carries its staleness: %s", data)
	}
}
