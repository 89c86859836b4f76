package storetest

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"samenspel/internal/profiles"
)

// searchEmptyIndex: no matches is an empty page and a total of 0, not an error.
func searchEmptyIndex(t *testing.T, s Subject) {
	for _, q := range []profiles.Query{{}, {Text: "buurtkamer"}, {Area: "NL", Kind: "welfare"}} {
		hits, total, err := s.Index.SearchProfiles(context.Background(), q)
		if err != nil || len(hits) != 0 || total != 0 {
			t.Errorf("SearchProfiles(%+v) of an empty index = %d hits, total %d, %v; want none, 0, nil", q, len(hits), total, err)
		}
	}
}

// search is the text matching and the filters of GET /v1/profiles: every word of the
// text must start a word of the name, the description or the Dutch or English label
// of an instrument or theme, ignoring case and accents, and nothing the user types is
// query syntax. Hits are the public profiles; without text they come by id.
func search(t *testing.T, s Subject) {
	ctx := context.Background()
	fixtures := searchProfiles()
	put(t, s, fixtures...)
	all := ids(fixtures)
	tests := []struct {
		name string
		q    profiles.Query
		want []string // by id; for text queries the order is by rank and is not compared here
	}{
		{"prefix of a name and of a Dutch label", profiles.Query{Text: "schuldhulp"}, []string{"geldzorgen-utrecht", "schuldhulp-noord"}},
		{"whole Dutch label", profiles.Query{Text: "Schuldhulpverlening"}, []string{"geldzorgen-utrecht"}},
		{"English label", profiles.Query{Text: "debt"}, []string{"geldzorgen-utrecht"}},
		{"without the accent", profiles.Query{Text: "eetcafe"}, []string{"eetcafe-de-hoek"}},
		{"upper case, with the accent", profiles.Query{Text: "EETCAFÉ"}, []string{"eetcafe-de-hoek"}},
		{"theme label", profiles.Query{Text: "eenzaamheid"}, []string{"eetcafe-de-hoek"}},
		{"English theme label", profiles.Query{Text: "loneliness"}, []string{"eetcafe-de-hoek"}},
		{"name and label", profiles.Query{Text: "maaltijd"}, []string{"amsterdam-meals", "eetcafe-de-hoek"}},
		{"description", profiles.Query{Text: "voetbal"}, []string{"sportclub-overvecht"}},
		{"every word must match", profiles.Query{Text: "schuld noord"}, []string{"schuldhulp-noord"}},
		{"every word is a prefix, not only the last", profiles.Query{Text: "schuld noo"}, []string{"schuldhulp-noord"}},
		{"OR is a word", profiles.Query{Text: "geldzorgen OR noord"}, []string{}},
		{"NOT is a word", profiles.Query{Text: "schuldhulp NOT noord"}, []string{}},
		{"unbalanced quote", profiles.Query{Text: `"schuldhulp`}, []string{"geldzorgen-utrecht", "schuldhulp-noord"}},
		{"star, column filter, caret", profiles.Query{Text: "schuld* ^noord"}, []string{"schuldhulp-noord"}},
		{"column filter is not interpreted", profiles.Query{Text: "description:voetbal"}, []string{}},
		{"blank text", profiles.Query{Text: "  \t "}, all},
		{"punctuation only", profiles.Query{Text: "!!! -- ()"}, all},
		{"contact is not searched", profiles.Query{Text: canary}, []string{}},
		{"email domain is not searched", profiles.Query{Text: "example"}, []string{}},
		{"kind", profiles.Query{Kind: "welfare"}, []string{"geldzorgen-utrecht", "schuldhulp-noord"}},
		{"size", profiles.Query{Size: "large"}, []string{"sportclub-overvecht", "taalhuis-nederland"}},
		{"instrument", profiles.Query{Instrument: "meals"}, []string{"amsterdam-meals", "eetcafe-de-hoek"}},
		{"theme", profiles.Query{Theme: "poverty"}, []string{"geldzorgen-utrecht", "schuldhulp-noord"}},
		{"area: municipality", profiles.Query{Area: "GM0344"}, []string{"eetcafe-de-hoek", "geldzorgen-utrecht", "schuldhulp-noord", "sportclub-overvecht", "taalhuis-nederland"}},
		{"area: neighbourhood", profiles.Query{Area: "BU03441205"}, []string{"eetcafe-de-hoek", "geldzorgen-utrecht", "schuldhulp-noord", "sportclub-overvecht", "taalhuis-nederland"}},
		{"area: sibling neighbourhood", profiles.Query{Area: "BU03441299"}, []string{"geldzorgen-utrecht", "schuldhulp-noord", "sportclub-overvecht", "taalhuis-nederland"}},
		{"area: other district", profiles.Query{Area: "WK034407"}, []string{"geldzorgen-utrecht", "taalhuis-nederland"}},
		{"area: other municipality", profiles.Query{Area: "GM0363"}, []string{"amsterdam-meals", "taalhuis-nederland"}},
		{"area: country", profiles.Query{Area: "NL"}, all},
		{"area: not a code", profiles.Query{Area: "X"}, []string{}},
		{"text and area", profiles.Query{Text: "maaltijd", Area: "GM0344"}, []string{"eetcafe-de-hoek"}},
		{"text and size", profiles.Query{Text: "schuldhulp", Size: "small"}, []string{"schuldhulp-noord"}},
		{"every filter", profiles.Query{Kind: "welfare", Size: "medium", Theme: "poverty", Instrument: "debt_counseling", Area: "WK034412"}, []string{"geldzorgen-utrecht"}},
		{"no match", profiles.Query{Kind: "fund"}, []string{}},
		{"a filter value is compared, never interpreted", profiles.Query{Kind: "welfare' OR 1=1 --"}, []string{}},
		{"a filter value with a double quote", profiles.Query{Theme: `poverty" OR theme = "youth`}, []string{}},
	}
	byID := map[string]profiles.Profile{}
	for _, p := range fixtures {
		byID[p.ID] = p
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			hits, total, err := s.Index.SearchProfiles(ctx, tc.q)
			if err != nil {
				t.Fatalf("SearchProfiles(%+v) = %v", tc.q, err)
			}
			got := ids(hits)
			if strings.TrimSpace(tc.q.Text) != "" {
				slices.Sort(got)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("SearchProfiles(%+v) ids (-want +got):\n%s", tc.q, diff)
			}
			if total != len(tc.want) {
				t.Errorf("SearchProfiles(%+v) total = %d, want %d", tc.q, total, len(tc.want))
			}
			for _, h := range hits {
				if diff := cmp.Diff(byID[h.ID].Public(), h, equateEmpty); diff != "" {
					t.Errorf("SearchProfiles(%+v) hit %s is not the public profile (-want +got):\n%s", tc.q, h.ID, diff)
				}
			}
		})
	}
}

// searchNeverShowsContactOrPrivate: whatever the query, no hit carries a contact or
// private field (SPEC §2).
func searchNeverShowsContactOrPrivate(t *testing.T, s Subject) {
	ctx := context.Background()
	put(t, s, searchProfiles()...)
	for _, q := range []profiles.Query{{}, {Text: "eetcafe"}, {Area: "NL", Limit: 100}, {Text: canary}} {
		hits, _, err := s.Index.SearchProfiles(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		for _, h := range hits {
			if h.Contact != nil || len(h.Private) > 0 {
				t.Errorf("SearchProfiles(%+v) hit %s has contact %+v, private %v; want neither", q, h.ID, h.Contact, h.Private)
			}
		}
		data, err := json.Marshal(hits)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(data), canary) {
			t.Errorf("SearchProfiles(%+v) leaks contact or private fields: %s", q, data)
		}
	}
}

// searchRanksNameAboveLabel: a word in a partner's name counts for more than the same
// word in the label of what it offers.
func searchRanksNameAboveLabel(t *testing.T, s Subject) {
	put(t, s, searchProfiles()...)
	hits, _, err := s.Index.SearchProfiles(context.Background(), profiles.Query{Text: "schuldhulp"})
	if err != nil {
		t.Fatal(err)
	}
	if got := ids(hits); !slices.Equal(got, []string{"schuldhulp-noord", "geldzorgen-utrecht"}) {
		t.Errorf("SearchProfiles(schuldhulp) = %v, want the name match first", got)
	}
}

// searchPaging: Limit (default profiles.DefaultLimit, at most profiles.MaxLimit) and Offset
// cut a page; total counts every match; pages of a ranked search neither repeat nor
// skip a profile.
func searchPaging(t *testing.T, s Subject) {
	ctx := context.Background()
	ps := numbered(150)
	put(t, s, ps...)
	all := ids(ps)
	tests := []struct {
		name string
		q    profiles.Query
		want []string
	}{
		{"default limit", profiles.Query{}, all[:profiles.DefaultLimit]},
		{"limit and offset", profiles.Query{Limit: 5, Offset: 10}, all[10:15]},
		{"limit at most MaxLimit", profiles.Query{Limit: 1000}, all[:profiles.MaxLimit]},
		{"last page", profiles.Query{Limit: 20, Offset: 140}, all[140:]},
		{"past the end", profiles.Query{Offset: 150}, []string{}},
		{"far past the end", profiles.Query{Offset: 1_000_000}, []string{}},
		{"negative offset", profiles.Query{Limit: 2, Offset: -3}, all[:2]},
		{"with text", profiles.Query{Text: "buurtkamer", Limit: 100, Offset: 120}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			hits, total, err := s.Index.SearchProfiles(ctx, tc.q)
			if err != nil {
				t.Fatal(err)
			}
			if total != len(ps) {
				t.Errorf("SearchProfiles(%+v) total = %d, want %d", tc.q, total, len(ps))
			}
			if tc.want == nil { // ranked: only the count is fixed
				if len(hits) != 30 {
					t.Errorf("SearchProfiles(%+v) = %d hits, want 30", tc.q, len(hits))
				}
				return
			}
			if diff := cmp.Diff(tc.want, ids(hits)); diff != "" {
				t.Errorf("SearchProfiles(%+v) (-want +got):\n%s", tc.q, diff)
			}
		})
	}
	seen := map[string]bool{}
	for offset := 0; offset < len(ps); offset += 40 {
		hits, _, err := s.Index.SearchProfiles(ctx, profiles.Query{Text: "buurtkamer", Limit: 40, Offset: offset})
		if err != nil {
			t.Fatal(err)
		}
		for _, h := range hits {
			if seen[h.ID] {
				t.Errorf("profile %s on two pages", h.ID)
			}
			seen[h.ID] = true
		}
	}
	if len(seen) != len(ps) {
		t.Errorf("pages of a ranked search hold %d profiles, want %d", len(seen), len(ps))
	}
}

// searchFollowsWrites: a replaced profile is found by its new values only, and a
// deleted one not at all.
func searchFollowsWrites(t *testing.T, s Subject) {
	ctx := context.Background()
	put(t, s, Profile("a"), Profile("b"))
	now := Profile("a")
	now.Name = "Taalcafé Zuid"
	now.Kind = "welfare"
	now.Areas = []string{"WK034407"}
	now.Instruments = map[string]float64{"language_classes": 1}
	now.Themes = []string{"integration"}
	now.Description = "Nederlands oefenen"
	put(t, s, now)
	if err := s.Delete(ctx, "b"); err != nil {
		t.Fatalf("Delete(b) = %v", err)
	}
	tests := []struct {
		q    profiles.Query
		want []string
	}{
		{profiles.Query{Text: "buurtkamer"}, []string{}},
		{profiles.Query{Text: "maaltijd"}, []string{}},
		{profiles.Query{Kind: "residents_group"}, []string{}},
		{profiles.Query{Instrument: "meals"}, []string{}},
		{profiles.Query{Theme: "loneliness"}, []string{}},
		{profiles.Query{Area: "WK034412"}, []string{}},
		{profiles.Query{Text: "taalcafe"}, []string{"a"}},
		{profiles.Query{Text: "oefenen"}, []string{"a"}},
		{profiles.Query{Kind: "welfare"}, []string{"a"}},
		{profiles.Query{Instrument: "language_classes"}, []string{"a"}},
		{profiles.Query{Theme: "integration"}, []string{"a"}},
		{profiles.Query{Area: "WK034407"}, []string{"a"}},
		{profiles.Query{}, []string{"a"}},
	}
	for _, tc := range tests {
		hits, total, err := s.Index.SearchProfiles(ctx, tc.q)
		if err != nil {
			t.Fatalf("SearchProfiles(%+v) = %v", tc.q, err)
		}
		if diff := cmp.Diff(tc.want, ids(hits)); diff != "" || total != len(tc.want) {
			t.Errorf("SearchProfiles(%+v) after writes = %v (total %d), want %v", tc.q, ids(hits), total, tc.want)
		}
	}
}
