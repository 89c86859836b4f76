package profiles_test

import (
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"samenspel/internal/profiles"
)

func codes(terms []profiles.Term) []string {
	out := make([]string, len(terms))
	for i, term := range terms {
		out[i] = term.Code
	}
	return out
}

func TestParseTaxonomyShipped(t *testing.T) {
	tax := taxonomy(t)

	// SPEC §1: the kinds with their Dutch labels, exactly.
	wantKinds := map[string]string{
		"residents_group": "bewonersorganisatie", "municipality": "gemeente",
		"housing_corporation": "woningcorporatie", "welfare": "welzijnsorganisatie",
		"care": "zorginstelling", "school": "school", "business": "bedrijf",
		"social_enterprise": "sociale onderneming", "sports_culture": "sport- of cultuurorganisatie",
		"faith_community": "levensbeschouwelijke organisatie", "knowledge": "kennisinstelling",
		"fund": "fonds",
	}
	gotKinds := make(map[string]string)
	for _, term := range tax.Kinds {
		gotKinds[term.Code] = term.NL
	}
	if diff := cmp.Diff(wantKinds, gotKinds); diff != "" {
		t.Errorf("kinds (-want +got):\n%s", diff)
	}

	// SPEC §1: at least these instruments; more may be added.
	wantInstruments := []string{"home_visits", "buddy_program", "meeting_place", "meals",
		"volunteer_network", "debt_counseling", "budget_coaching", "language_classes",
		"digital_skills", "job_placement", "internships", "youth_work", "after_school",
		"sports_activities", "cultural_activities", "housing_adaptation", "housing_allocation",
		"odd_jobs", "district_nursing", "mental_health_support", "informal_care_support",
		"transport", "neighbourhood_watch", "greening", "energy_coaching", "co_funding",
		"research_monitoring", "outreach", "venue", "legal_advice"}
	if len(wantInstruments) != 30 {
		t.Fatalf("the test lists %d instruments, want the 30 of SPEC §1", len(wantInstruments))
	}
	for _, code := range wantInstruments {
		if !tax.HasInstrument(code) {
			t.Errorf("HasInstrument(%q) = false, want true", code)
		}
	}

	// SPEC §1: the themes, exactly.
	wantThemes := []string{"loneliness", "poverty", "youth", "health", "housing", "safety",
		"work", "integration", "sustainability", "education"}
	if diff := cmp.Diff(wantThemes, codes(tax.Themes)); diff != "" {
		t.Errorf("themes (-want +got):\n%s", diff)
	}

	for list, terms := range map[string][]profiles.Term{"kinds": tax.Kinds, "instruments": tax.Instruments, "themes": tax.Themes} {
		for _, term := range terms {
			if term.NL == "" || term.EN == "" {
				t.Errorf("%s: %+v lacks a label, want both nl and en", list, term)
			}
		}
	}
}

func TestTaxonomyLookups(t *testing.T) {
	tax := taxonomy(t)
	tests := []struct {
		name string
		got  bool
		want bool
	}{
		{"HasKind(welfare)", tax.HasKind("welfare"), true},
		{"HasKind(Welfare)", tax.HasKind("Welfare"), false},
		{"HasKind(meals)", tax.HasKind("meals"), false},
		{"HasInstrument(meals)", tax.HasInstrument("meals"), true},
		{"HasInstrument(loneliness)", tax.HasInstrument("loneliness"), false},
		{"HasTheme(loneliness)", tax.HasTheme("loneliness"), true},
		{"HasTheme()", tax.HasTheme(""), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.got != tt.want {
				t.Errorf("%s = %v, want %v", tt.name, tt.got, tt.want)
			}
		})
	}
	if term, ok := tax.Instrument("meals"); !ok || term.NL != "maaltijden" || term.EN != "meals" {
		t.Errorf("Instrument(meals) = %+v, %v, want maaltijden/meals, true", term, ok)
	}
}

func TestParseTaxonomyRejects(t *testing.T) {
	tests := []struct {
		name string
		yaml string
	}{
		{"empty kinds", "kinds: []\ninstruments: [{code: a, nl: a, en: a}]\nthemes: [{code: a, nl: a, en: a}]\n"},
		{"bad code", "kinds: [{code: A, nl: a, en: a}]\ninstruments: [{code: a, nl: a, en: a}]\nthemes: [{code: a, nl: a, en: a}]\n"},
		{"missing label", "kinds: [{code: a, nl: a}]\ninstruments: [{code: a, nl: a, en: a}]\nthemes: [{code: a, nl: a, en: a}]\n"},
		{"repeated code", "kinds: [{code: a, nl: a, en: a}, {code: a, nl: b, en: b}]\ninstruments: [{code: a, nl: a, en: a}]\nthemes: [{code: a, nl: a, en: a}]\n"},
		{"unknown key", "kinds: [{code: a, nl: a, en: a}]\ninstruments: [{code: a, nl: a, en: a}]\nthemes: [{code: a, nl: a, en: a}]\ncolours: []\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := profiles.ParseTaxonomy([]byte(tt.yaml)); err == nil {
				t.Errorf("ParseTaxonomy(%q) = nil error, want an error", tt.yaml)
			}
		})
	}
}

func TestUnknownCodeListsValidCodes(t *testing.T) {
	tax := taxonomy(t)
	_, err := tax.DecodeProfile(profileDoc().with(object{"kind": "club"}).json(t))
	want := `unknown kind "club"; valid: business, care, faith_community, fund, ` +
		`housing_corporation, knowledge, municipality, residents_group, school, ` +
		`social_enterprise, sports_culture, welfare`
	if got := messageOf(t, err, "kind"); got != want {
		t.Errorf("DecodeProfile(kind club) message = %q, want %q", got, want)
	}
	sorted := slices.Sorted(slices.Values(codes(tax.Instruments)))
	_, err = tax.DecodeProfile(profileDoc().with(object{"instruments": object{"soup": 1}}).json(t))
	if got, want := messageOf(t, err, "instruments.soup"), `unknown instrument "soup"; valid: `+strings.Join(sorted, ", "); got != want {
		t.Errorf("DecodeProfile(instrument soup) message = %q, want %q", got, want)
	}
}

// TestParseTaxonomyCodes: a code is one or more of [a-z0-9_], nothing else.
func TestParseTaxonomyCodes(t *testing.T) {
	doc := func(code string) []byte {
		return []byte("kinds: [{code: " + strconv.Quote(code) + ", nl: a, en: a}]\ninstruments: [{code: a, nl: a, en: a}]\nthemes: [{code: a, nl: a, en: a}]\n")
	}
	for _, code := range []string{"a", "z", "0", "9", "_", "buurt_9", "a0_z9"} {
		if _, err := profiles.ParseTaxonomy(doc(code)); err != nil {
			t.Errorf("ParseTaxonomy(code %q): %v, want it accepted", code, err)
		}
	}
	for _, code := range []string{"", "A", "a-b", "a b", "a\t", "é", "a/", "`", "{", "a:"} {
		_, err := profiles.ParseTaxonomy(doc(code))
		if err == nil || !strings.Contains(err.Error(), "kinds[0].code") {
			t.Errorf("ParseTaxonomy(code %q) = %v, want the code refused by name", code, err)
		}
	}
}
