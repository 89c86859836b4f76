package storetest

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"

	"samenspel/internal/profiles"
)

// needsStaleness skips a staleness subtest for a subject that cannot mark profiles
// stale.
func needsStaleness(t *testing.T, s Subject) {
	t.Helper()
	if s.MarkStale == nil || s.Confirm == nil {
		t.Skip("the subject has no MarkStale and Confirm: it cannot make a profile stale, so whether stale profiles leave the candidates goes untested here")
	}
}

// markStale marks ids stale in s or fails the test.
func markStale(t *testing.T, s Subject, ids ...string) {
	t.Helper()
	if err := s.MarkStale(context.Background(), ids); err != nil {
		t.Fatalf("MarkStale(%v) = %v", ids, err)
	}
}

// candidateIDs returns the ids of the candidates of a tender in area that needs
// meeting_place, as the fixtures offer it.
func candidateIDs(t *testing.T, s Subject, area string) []string {
	t.Helper()
	tn := Tender("t")
	tn.Area = []string{area}
	got, err := s.Index.Candidates(context.Background(), tn)
	if err != nil {
		t.Fatalf("Candidates(area %s) = %v", area, err)
	}
	return ids(got)
}

// candidatesLeaveOutStale: a stale profile is no candidate for any tender, until
// its owner confirms it; the others stay.
func candidatesLeaveOutStale(t *testing.T, s Subject) {
	needsStaleness(t, s)
	put(t, s, Profile("a"), Profile("b"), Profile("c"))
	markStale(t, s, "b")
	for _, area := range []string{"WK034412", "NL"} {
		if diff := cmp.Diff([]string{"a", "c"}, candidateIDs(t, s, area)); diff != "" {
			t.Errorf("Candidates(area %s) with b stale (-want +got):\n%s", area, diff)
		}
	}
	if err := s.Confirm(context.Background(), []string{"b"}); err != nil {
		t.Fatalf("Confirm(b) = %v", err)
	}
	if diff := cmp.Diff([]string{"a", "b", "c"}, candidateIDs(t, s, "WK034412")); diff != "" {
		t.Errorf("Candidates after b was confirmed (-want +got):\n%s", diff)
	}
}

// candidatesTakeBackStaleWhenWritten: writing a stale profile again makes it
// current: it is a candidate again, by its new values.
func candidatesTakeBackStaleWhenWritten(t *testing.T, s Subject) {
	needsStaleness(t, s)
	put(t, s, Profile("a"), Profile("b"))
	markStale(t, s, "a", "b")
	if got := candidateIDs(t, s, "WK034412"); len(got) != 0 {
		t.Fatalf("Candidates with a and b stale = %v, want none", got)
	}
	renamed := Profile("a")
	renamed.Name = "Buurtkamer Vernieuwd"
	put(t, s, renamed)
	tn := Tender("t")
	got, err := s.Index.Candidates(context.Background(), tn)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(publics([]profiles.Profile{renamed}), publics(got), equateEmpty); diff != "" {
		t.Errorf("Candidates after stale a was written again (-want +got):\n%s", diff)
	}
}

// searchFindsStale: a stale profile stays findable in the public search, by text
// and by filters; only the candidates leave it out.
func searchFindsStale(t *testing.T, s Subject) {
	needsStaleness(t, s)
	ctx := context.Background()
	fixtures := searchProfiles()
	put(t, s, fixtures...)
	markStale(t, s, "eetcafe-de-hoek", "schuldhulp-noord")
	tests := []struct {
		q    profiles.Query
		want []string
	}{
		{profiles.Query{Text: "eetcafe"}, []string{"eetcafe-de-hoek"}},
		{profiles.Query{Kind: "welfare"}, []string{"geldzorgen-utrecht", "schuldhulp-noord"}},
		{profiles.Query{Area: "BU03441205", Instrument: "meals"}, []string{"eetcafe-de-hoek"}},
		{profiles.Query{}, ids(fixtures)},
	}
	for _, tc := range tests {
		hits, total, err := s.Index.SearchProfiles(ctx, tc.q)
		if err != nil {
			t.Fatalf("SearchProfiles(%+v) = %v", tc.q, err)
		}
		if diff := cmp.Diff(tc.want, ids(hits)); diff != "" || total != len(tc.want) {
			t.Errorf("SearchProfiles(%+v) with stale profiles = %v (total %d), want %v", tc.q, ids(hits), total, tc.want)
		}
	}
}
