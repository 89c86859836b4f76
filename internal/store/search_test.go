package store_test

import (
	"bytes"
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"samenspel/config"
	"samenspel/internal/profiles"
	"samenspel/internal/store"
)

// searchProfiles are a handful of partners in and around Utrecht, each findable by
// something the others lack.
func searchProfiles() []profiles.Profile {
	mk := func(id, name, kind, size, area, desc string, instruments map[string]float64, themes ...string) profiles.Profile {
		return profiles.Profile{
			ID: id, Name: name, Kind: kind, Size: size, Areas: []string{area},
			Instruments: instruments, Themes: themes, Description: desc,
			Contact: &profiles.Contact{Email: canary + "@example.org", Person: canary},
			Private: map[string]string{"ideas": canary},
		}
	}
	return []profiles.Profile{
		mk("amsterdam-meals", "Maaltijdservice Amsterdam", "care", "medium", "GM0363",
			"Warm eten aan huis.", map[string]float64{"meals": 1}, "health"),
		mk("eetcafe-de-hoek", "Eetcafé De Hoek", "business", "small", "BU03441205",
			"Elke dinsdag samen eten in Overvecht.", map[string]float64{"meals": 1, "meeting_place": 0.5}, "loneliness"),
		mk("geldzorgen-utrecht", "Stichting Geldzorgen", "welfare", "medium", "GM0344",
			"Hulp bij rekeningen en brieven.", map[string]float64{"debt_counseling": 1}, "poverty"),
		mk("schuldhulp-noord", "Schuldhulp Noord", "welfare", "small", "WK034412",
			"Vrijwilligers helpen met de administratie.", map[string]float64{"budget_coaching": 0.75}, "poverty"),
		mk("sportclub-overvecht", "Sportclub Overvecht", "sports_culture", "large", "WK034412",
			"Voetbal en fitness voor jongeren.", map[string]float64{"sports_activities": 1}, "youth", "health"),
		mk("taalhuis-nederland", "Taalhuis Nederland", "knowledge", "large", "NL",
			"Lessen in heel het land.", map[string]float64{"language_classes": 1, "digital_skills": 0.5}, "integration", "education"),
	}
}

func TestSearchProfiles(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	fixtures := searchProfiles()
	if _, _, err := s.UpsertProfiles(ctx, fixtures); err != nil {
		t.Fatal(err)
	}
	all := ids(fixtures)
	tests := []struct {
		name string
		q    store.Query
		want []string // by id; for text queries the order is by rank and is not compared here
	}{
		{"prefix of a name and of a Dutch label", store.Query{Text: "schuldhulp"}, []string{"geldzorgen-utrecht", "schuldhulp-noord"}},
		{"whole Dutch label", store.Query{Text: "Schuldhulpverlening"}, []string{"geldzorgen-utrecht"}},
		{"English label", store.Query{Text: "debt"}, []string{"geldzorgen-utrecht"}},
		{"without the accent", store.Query{Text: "eetcafe"}, []string{"eetcafe-de-hoek"}},
		{"upper case, with the accent", store.Query{Text: "EETCAFÉ"}, []string{"eetcafe-de-hoek"}},
		{"theme label", store.Query{Text: "eenzaamheid"}, []string{"eetcafe-de-hoek"}},
		{"English theme label", store.Query{Text: "loneliness"}, []string{"eetcafe-de-hoek"}},
		{"name and label", store.Query{Text: "maaltijd"}, []string{"amsterdam-meals", "eetcafe-de-hoek"}},
		{"description", store.Query{Text: "voetbal"}, []string{"sportclub-overvecht"}},
		{"every word must match", store.Query{Text: "schuld noord"}, []string{"schuldhulp-noord"}},
		{"OR is a word", store.Query{Text: "geldzorgen OR noord"}, []string{}},
		{"NOT is a word", store.Query{Text: "schuldhulp NOT noord"}, []string{}},
		{"unbalanced quote", store.Query{Text: `"schuldhulp`}, []string{"geldzorgen-utrecht", "schuldhulp-noord"}},
		{"star, column filter, caret", store.Query{Text: "schuld* ^noord"}, []string{"schuldhulp-noord"}},
		{"column filter is not interpreted", store.Query{Text: "description:voetbal"}, []string{}},
		{"blank text", store.Query{Text: "  \t "}, all},
		{"punctuation only", store.Query{Text: "!!! -- ()"}, all},
		{"contact is not searched", store.Query{Text: canary}, []string{}},
		{"email domain is not searched", store.Query{Text: "example"}, []string{}},
		{"kind", store.Query{Kind: "welfare"}, []string{"geldzorgen-utrecht", "schuldhulp-noord"}},
		{"size", store.Query{Size: "large"}, []string{"sportclub-overvecht", "taalhuis-nederland"}},
		{"instrument", store.Query{Instrument: "meals"}, []string{"amsterdam-meals", "eetcafe-de-hoek"}},
		{"theme", store.Query{Theme: "poverty"}, []string{"geldzorgen-utrecht", "schuldhulp-noord"}},
		{"area: municipality", store.Query{Area: "GM0344"}, []string{"eetcafe-de-hoek", "geldzorgen-utrecht", "schuldhulp-noord", "sportclub-overvecht", "taalhuis-nederland"}},
		{"area: neighbourhood", store.Query{Area: "BU03441205"}, []string{"eetcafe-de-hoek", "geldzorgen-utrecht", "schuldhulp-noord", "sportclub-overvecht", "taalhuis-nederland"}},
		{"area: sibling neighbourhood", store.Query{Area: "BU03441299"}, []string{"geldzorgen-utrecht", "schuldhulp-noord", "sportclub-overvecht", "taalhuis-nederland"}},
		{"area: other district", store.Query{Area: "WK034407"}, []string{"geldzorgen-utrecht", "taalhuis-nederland"}},
		{"area: other municipality", store.Query{Area: "GM0363"}, []string{"amsterdam-meals", "taalhuis-nederland"}},
		{"area: country", store.Query{Area: "NL"}, all},
		{"area: not a code", store.Query{Area: "X"}, []string{}},
		{"text and area", store.Query{Text: "maaltijd", Area: "GM0344"}, []string{"eetcafe-de-hoek"}},
		{"text and size", store.Query{Text: "schuldhulp", Size: "small"}, []string{"schuldhulp-noord"}},
		{"every filter", store.Query{Kind: "welfare", Size: "medium", Theme: "poverty", Instrument: "debt_counseling", Area: "WK034412"}, []string{"geldzorgen-utrecht"}},
		{"no match", store.Query{Kind: "fund"}, []string{}},
		{"a value is never SQL", store.Query{Kind: "welfare' OR 1=1 --"}, []string{}},
	}
	byID := map[string]profiles.Profile{}
	for _, p := range fixtures {
		byID[p.ID] = p
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			hits, total, err := s.SearchProfiles(ctx, tc.q)
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

func TestSearchNeverShowsContactOrPrivate(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	if _, _, err := s.UpsertProfiles(ctx, searchProfiles()); err != nil {
		t.Fatal(err)
	}
	for _, q := range []store.Query{{}, {Text: "eetcafe"}, {Area: "NL", Limit: 100}} {
		hits, _, err := s.SearchProfiles(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		data, err := json.Marshal(hits)
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(data, []byte(canary)) {
			t.Errorf("SearchProfiles(%+v) leaks contact or private fields: %s", q, data)
		}
	}
}

func TestSearchRanksNameAboveLabel(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	if _, _, err := s.UpsertProfiles(ctx, searchProfiles()); err != nil {
		t.Fatal(err)
	}
	hits, _, err := s.SearchProfiles(ctx, store.Query{Text: "schuldhulp"})
	if err != nil {
		t.Fatal(err)
	}
	if got := ids(hits); !slices.Equal(got, []string{"schuldhulp-noord", "geldzorgen-utrecht"}) {
		t.Errorf("SearchProfiles(schuldhulp) = %v, want the name match first", got)
	}
}

func TestSearchPaging(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	ps := numbered(150)
	if _, _, err := s.UpsertProfiles(ctx, ps); err != nil {
		t.Fatal(err)
	}
	all := ids(ps)
	tests := []struct {
		name string
		q    store.Query
		want []string
	}{
		{"default limit 20", store.Query{}, all[:20]},
		{"limit and offset", store.Query{Limit: 5, Offset: 10}, all[10:15]},
		{"limit at most 100", store.Query{Limit: 1000}, all[:100]},
		{"last page", store.Query{Limit: 20, Offset: 140}, all[140:]},
		{"past the end", store.Query{Offset: 150}, []string{}},
		{"negative offset", store.Query{Limit: 2, Offset: -3}, all[:2]},
		{"with text", store.Query{Text: "buurtkamer", Limit: 100, Offset: 120}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			hits, total, err := s.SearchProfiles(ctx, tc.q)
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
	// Pages of a ranked search neither repeat nor skip a profile.
	seen := map[string]bool{}
	for offset := 0; offset < len(ps); offset += 40 {
		hits, _, err := s.SearchProfiles(ctx, store.Query{Text: "buurtkamer", Limit: 40, Offset: offset})
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

// TestLabelsFollowTaxonomy: when the taxonomy's labels change, opening the store
// re-indexes the labels of the stored profiles, so that search uses the new words.
func TestLabelsFollowTaxonomy(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s, err := store.Open(ctx, dir, taxonomy(t))
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.UpsertProfiles(ctx, searchProfiles()); err != nil {
		t.Fatal(err)
	}
	s.Close()

	changed := bytes.Replace(config.Taxonomy, []byte("nl: schuldhulpverlening"), []byte("nl: geldhulpverlening"), 1)
	tax, err := profiles.ParseTaxonomy(changed)
	if err != nil {
		t.Fatal(err)
	}
	s, err = store.Open(ctx, dir, tax)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for text, want := range map[string][]string{
		"geldhulp":            {"geldzorgen-utrecht"},
		"schuldhulpverlening": {},
	} {
		hits, _, err := s.SearchProfiles(ctx, store.Query{Text: text})
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want, ids(hits)); diff != "" {
			t.Errorf("SearchProfiles(%q) after a label change (-want +got):\n%s", text, diff)
		}
	}
}
