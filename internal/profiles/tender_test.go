package profiles_test

import (
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"samenspel/internal/profiles"
)

func TestDecodeTenderSpecExample(t *testing.T) {
	// The tender of SPEC §2, as written there.
	const doc = `{"id": "eenzaamheid-overvecht-2027", "title": "Minder eenzaamheid in Overvecht",
 "area": ["WK034412"], "themes": ["loneliness"], "budget": 250000,
 "needs": [{"instrument": "home_visits", "weight": 3, "must": true},
           {"instrument": "meeting_place", "weight": 2}],
 "min_size": 1, "max_size": 5, "require_kinds": ["residents_group"],
 "max_large": 1, "min_small": 1, "exclude": [],
 "weights": {"coverage": 0.55, "diversity": 0.20, "trust": 0.15, "inclusion": 0.10}}`
	want := profiles.Tender{
		ID: "eenzaamheid-overvecht-2027", Title: "Minder eenzaamheid in Overvecht",
		Area: []string{"WK034412"}, Themes: []string{"loneliness"}, Budget: ptr(int64(250000)),
		Needs: []profiles.Need{
			{Instrument: "home_visits", Weight: 3, Must: true},
			{Instrument: "meeting_place", Weight: 2},
		},
		MinSize: 1, MaxSize: 5, RequireKinds: []string{"residents_group"},
		MaxLarge: ptr(1), MinSmall: 1, Exclude: []string{},
		Weights: profiles.Weights{Coverage: 0.55, Diversity: 0.20, Trust: 0.15, Inclusion: 0.10},
	}
	got, err := taxonomy(t).DecodeTender([]byte(doc))
	if err != nil {
		t.Fatalf("DecodeTender(SPEC example) = %v, want no error", err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("DecodeTender(SPEC example) (-want +got):\n%s", diff)
	}
}

func TestDecodeTenderDefaults(t *testing.T) {
	want := profiles.Tender{
		ID: "eenzaamheid-overvecht-2027", Title: "Minder eenzaamheid in Overvecht",
		Area: []string{"WK034412"}, Themes: []string{},
		Needs:   []profiles.Need{{Instrument: "home_visits", Weight: 3, Must: true}},
		MinSize: 1, MaxSize: 5, RequireKinds: []string{}, MaxLarge: nil, MinSmall: 0,
		Exclude: []string{}, Weights: profiles.DefaultWeights,
	}
	tax := taxonomy(t)
	tests := []struct {
		name    string
		changes object
	}{
		{"absent", object{}},
		{"null", object{"themes": raw("null"), "budget": raw("null"), "min_size": raw("null"),
			"max_size": raw("null"), "require_kinds": raw("null"), "max_large": raw("null"),
			"min_small": raw("null"), "exclude": raw("null"), "weights": raw("null")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := tenderDoc().with(tt.changes).json(t)
			got, err := tax.DecodeTender(data)
			if err != nil {
				t.Fatalf("DecodeTender(%s) = %v, want no error", data, err)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("DecodeTender(%s) (-want +got):\n%s", data, diff)
			}
			// The defaults are non-nil lists: they encode as [], not null.
			if got.Themes == nil || got.RequireKinds == nil || got.Exclude == nil {
				t.Errorf("DecodeTender(%s) = %+v, want non-nil themes, require_kinds and exclude", data, got)
			}
		})
	}
}

func TestDecodeTenderAccepts(t *testing.T) {
	tests := []struct {
		name    string
		changes object
		check   func(tn profiles.Tender) string // "" when fine
	}{
		{"must defaults to false", object{"needs": []any{object{"instrument": "meals", "weight": 1}}}, func(tn profiles.Tender) string {
			if tn.Needs[0].Must {
				return "must should be false"
			}
			return ""
		}},
		{"partial weights: missing terms are 0", object{"weights": object{"coverage": 2}}, func(tn profiles.Tender) string {
			if tn.Weights != (profiles.Weights{Coverage: 2}) {
				return "weights should be coverage 2, others 0"
			}
			return ""
		}},
		{"budget 0", object{"budget": 0}, nil},
		{"budget as 2.5e5", object{"budget": raw("2.5e5")}, func(tn profiles.Tender) string {
			if tn.Budget == nil || *tn.Budget != 250000 {
				return "budget should be 250000"
			}
			return ""
		}},
		{"min_size as 2.0", object{"min_size": raw("2.0")}, func(tn profiles.Tender) string {
			if tn.MinSize != 2 {
				return "min_size should be 2"
			}
			return ""
		}},
		{"title trimmed", object{"title": " Eenzaamheid\n"}, func(tn profiles.Tender) string {
			if tn.Title != "Eenzaamheid" {
				return "title not trimmed"
			}
			return ""
		}},
		{"description", object{"description": strings.Repeat("x", 5000)}, nil},
		{"weight 10", object{"needs": []any{object{"instrument": "meals", "weight": 10}}}, nil},
		{"max_size 8", object{"max_size": 8}, nil},
		{"min_size equals max_size", object{"min_size": 3, "max_size": 3}, nil},
		{"max_large 0", object{"max_large": 0}, func(tn profiles.Tender) string {
			if tn.MaxLarge == nil || *tn.MaxLarge != 0 {
				return "max_large should be 0, not unlimited"
			}
			return ""
		}},
		{"min_small equals max_size", object{"min_small": 5}, nil},
		{"require_kinds fill max_size", object{"max_size": 2, "require_kinds": []any{"welfare", "school"}}, nil},
		{"exclude ids", object{"exclude": []any{"woonstad", "buurtkamer-overvecht"}}, nil},
		{"zero weight terms", object{"weights": object{"coverage": 1, "diversity": 0, "trust": 0, "inclusion": 0}}, nil},
	}
	tax := taxonomy(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := tenderDoc().with(tt.changes).json(t)
			tn, err := tax.DecodeTender(data)
			if err != nil {
				t.Fatalf("DecodeTender(%s) = %v, want no error", data, err)
			}
			if tt.check != nil {
				if problem := tt.check(tn); problem != "" {
					t.Errorf("DecodeTender(%s) = %+v: %s", data, tn, problem)
				}
			}
			if err := tax.ValidateTender(tn); err != nil {
				t.Errorf("ValidateTender(DecodeTender(%s)) = %v, want nil", data, err)
			}
		})
	}
}

// TestDecodeTenderNeedCount needs more instruments than the shipped taxonomy has.
func TestDecodeTenderNeedCount(t *testing.T) {
	var yaml strings.Builder
	yaml.WriteString("kinds: [{code: welfare, nl: welzijn, en: welfare}]\n")
	yaml.WriteString("themes: [{code: youth, nl: jeugd, en: youth}]\ninstruments:\n")
	for i := range 60 {
		fmt.Fprintf(&yaml, "  - {code: i%d, nl: i%d, en: i%d}\n", i, i, i)
	}
	tax, err := profiles.ParseTaxonomy([]byte(yaml.String()))
	if err != nil {
		t.Fatalf("ParseTaxonomy(60 instruments) = %v", err)
	}
	needs := func(n int) []any {
		out := make([]any, n)
		for i := range out {
			out[i] = object{"instrument": fmt.Sprintf("i%d", i), "weight": 1}
		}
		return out
	}
	tests := []struct {
		n    int
		want []string
	}{
		{1, nil},
		{50, nil},
		{51, []string{"needs"}},
		{60, []string{"needs"}},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.n), func(t *testing.T) {
			data := tenderDoc().with(object{"needs": needs(tt.n)}).json(t)
			tn, err := tax.DecodeTender(data)
			if tt.want == nil {
				if err != nil || len(tn.Needs) != tt.n {
					t.Errorf("DecodeTender(%d needs) = %d needs, %v; want %d, no error", tt.n, len(tn.Needs), err, tt.n)
				}
				return
			}
			if diff := cmp.Diff(tt.want, fieldsOf(t, err)); diff != "" {
				t.Errorf("DecodeTender(%d needs) = %v; fields (-want +got):\n%s", tt.n, err, diff)
			}
		})
	}
}

func TestDecodeTenderRejects(t *testing.T) {
	tests := []struct {
		name    string
		changes object
		want    []string // field paths, sorted
		message string   // part of the message of want[0], when given
	}{
		{"id missing", object{"id": nil}, []string{"id"}, "required"},
		{"id invalid", object{"id": "Eenzaamheid 2027"}, []string{"id"}, ""},
		{"title missing", object{"title": nil}, []string{"title"}, "required"},
		{"title blank", object{"title": " "}, []string{"title"}, ""},
		{"title of 201 characters", object{"title": strings.Repeat("x", 201)}, []string{"title"}, "at most 200"},
		{"description of 5001 characters", object{"description": strings.Repeat("x", 5001)}, []string{"description"}, "at most 5000"},
		{"area missing", object{"area": nil}, []string{"area"}, ""},
		{"area empty", object{"area": []any{}}, []string{"area"}, ""},
		{"area invalid", object{"area": []any{"GM0344", "Utrecht"}}, []string{"area[1]"}, ""},
		{"theme unknown", object{"themes": []any{"boredom"}}, []string{"themes[0]"}, "valid: education"},
		{"budget negative", object{"budget": -1}, []string{"budget"}, "at least 0"},
		{"budget not whole", object{"budget": 1.5}, []string{"budget"}, "whole number"},
		{"budget a string", object{"budget": "250000"}, []string{"budget"}, "not a string"},
		{"budget too large", object{"budget": raw("1e30")}, []string{"budget"}, "out of range"},
		{"needs missing", object{"needs": nil}, []string{"needs"}, ""},
		{"needs empty", object{"needs": []any{}}, []string{"needs"}, ""},
		{"need instrument repeated", object{"needs": []any{
			object{"instrument": "meals", "weight": 1}, object{"instrument": "venue", "weight": 1},
			object{"instrument": "meals", "weight": 2}}}, []string{"needs[2].instrument"}, `"meals" already in needs[0]`},
		{"need instrument unknown", object{"needs": []any{object{"instrument": "soup", "weight": 1}}}, []string{"needs[0].instrument"}, "valid: after_school"},
		{"need instrument missing", object{"needs": []any{object{"weight": 1}}}, []string{"needs[0].instrument"}, "required"},
		{"need weight missing", object{"needs": []any{object{"instrument": "meals"}}}, []string{"needs[0].weight"}, "required"},
		{"need weight zero", object{"needs": []any{object{"instrument": "meals", "weight": 0}}}, []string{"needs[0].weight"}, "(0, 10]"},
		{"need weight above 10", object{"needs": []any{object{"instrument": "meals", "weight": 10.5}}}, []string{"needs[0].weight"}, ""},
		{"need weight negative", object{"needs": []any{object{"instrument": "meals", "weight": -1}}}, []string{"needs[0].weight"}, ""},
		{"need weight out of range", object{"needs": []any{object{"instrument": "meals", "weight": raw("1e999")}}}, []string{"needs[0].weight"}, "out of range"},
		{"need must a string", object{"needs": []any{object{"instrument": "meals", "weight": 1, "must": "yes"}}}, []string{"needs[0].must"}, "true or false"},
		{"need not an object", object{"needs": []any{"meals"}}, []string{"needs[0]"}, "must be an object"},
		{"min_size 0", object{"min_size": 0}, []string{"min_size"}, "at least 1"},
		{"min_size not whole", object{"min_size": 1.5}, []string{"min_size"}, "whole number"},
		{"max_size 9", object{"max_size": 9}, []string{"max_size"}, "at most 8"},
		{"max_size 0", object{"max_size": 0}, []string{"max_size"}, "at least 1"},
		{"min_size above max_size", object{"min_size": 4, "max_size": 3}, []string{"min_size"}, "at most max_size (3)"},
		{"max_large negative", object{"max_large": -1}, []string{"max_large"}, "at least 0"},
		{"min_small negative", object{"min_small": -1}, []string{"min_small"}, "at least 0"},
		{"min_small above max_size", object{"min_small": 6}, []string{"min_small"}, "at most max_size (5)"},
		{"require_kinds unknown", object{"require_kinds": []any{"club"}}, []string{"require_kinds[0]"}, "valid: business"},
		{"require_kinds above max_size", object{"max_size": 2, "require_kinds": []any{"school", "welfare", "care"}}, []string{"require_kinds"}, "max_size (2)"},
		{"exclude invalid id", object{"exclude": []any{"woonstad", "Woon Stad"}}, []string{"exclude[1]"}, ""},
		{"weight term negative", object{"weights": object{"coverage": 1, "trust": -0.1}}, []string{"weights.trust"}, "at least 0"},
		{"weights empty", object{"weights": object{}}, []string{"weights"}, "positive"},
		{"weights all zero", object{"weights": object{"coverage": 0, "diversity": 0, "trust": 0, "inclusion": 0}}, []string{"weights"}, "positive"},
		{"weights overflow", object{"weights": object{"coverage": 1e308, "trust": 1e308}}, []string{"weights"}, "finite"},
		{"weight term unknown", object{"weights": object{"coverage": 1, "cost": 1}}, []string{"weights.cost"}, "unknown field"},
		{"weight term a string", object{"weights": object{"coverage": "1"}}, []string{"weights.coverage"}, "must be a number"},
	}
	tax := taxonomy(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := tenderDoc().with(tt.changes).json(t)
			tn, err := tax.DecodeTender(data)
			if err == nil {
				t.Fatalf("DecodeTender(%s) = %+v, nil; want errors on %v", data, tn, tt.want)
			}
			if diff := cmp.Diff(tt.want, fieldsOf(t, err)); diff != "" {
				t.Errorf("DecodeTender(%s) = %v; fields (-want +got):\n%s", data, err, diff)
			}
			if tt.message != "" {
				if got := messageOf(t, err, tt.want[0]); !strings.Contains(got, tt.message) {
					t.Errorf("DecodeTender(%s) message on %s = %q, want it to contain %q", data, tt.want[0], got, tt.message)
				}
			}
		})
	}
}

// TestValidateTender covers what JSON cannot carry: values built in Go.
func TestValidateTender(t *testing.T) {
	valid := func() profiles.Tender {
		return profiles.Tender{
			ID: "t", Title: "T", Area: []string{"GM0344"},
			Needs:   []profiles.Need{{Instrument: "meals", Weight: 1}},
			MinSize: 1, MaxSize: 5, Weights: profiles.DefaultWeights,
		}
	}
	tests := []struct {
		name   string
		change func(tn *profiles.Tender)
		want   []string
	}{
		{"valid with nil lists", func(tn *profiles.Tender) {}, nil},
		{"defaults not applied", func(tn *profiles.Tender) { tn.MinSize, tn.MaxSize, tn.Weights = 0, 0, profiles.Weights{} }, []string{"max_size", "min_size", "weights"}},
		{"weight NaN", func(tn *profiles.Tender) { tn.Needs[0].Weight = math.NaN() }, []string{"needs[0].weight"}},
		{"weight term Inf", func(tn *profiles.Tender) { tn.Weights.Trust = math.Inf(1) }, []string{"weights.trust"}},
		{"weight term NaN", func(tn *profiles.Tender) { tn.Weights.Trust = math.NaN() }, []string{"weights.trust"}},
		{"negative budget", func(tn *profiles.Tender) { tn.Budget = ptr(int64(-5)) }, []string{"budget"}},
		{"title not trimmed", func(tn *profiles.Tender) { tn.Title = "T " }, []string{"title"}},
	}
	tax := taxonomy(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tn := valid()
			tt.change(&tn)
			err := tax.ValidateTender(tn)
			if tt.want == nil {
				if err != nil {
					t.Errorf("ValidateTender(%+v) = %v, want nil", tn, err)
				}
				return
			}
			if diff := cmp.Diff(tt.want, fieldsOf(t, err)); diff != "" {
				t.Errorf("ValidateTender(%+v) = %v; fields (-want +got):\n%s", tn, err, diff)
			}
		})
	}
}

func TestNormalizeWeights(t *testing.T) {
	tests := []struct {
		name string
		in   profiles.Weights
		want profiles.Weights
	}{
		{"already normal", profiles.Weights{Coverage: 0.5, Diversity: 0.25, Trust: 0.125, Inclusion: 0.125},
			profiles.Weights{Coverage: 0.5, Diversity: 0.25, Trust: 0.125, Inclusion: 0.125}},
		{"scaled", profiles.Weights{Coverage: 2, Diversity: 1, Trust: 1},
			profiles.Weights{Coverage: 0.5, Diversity: 0.25, Trust: 0.25}},
		{"one term", profiles.Weights{Inclusion: 7}, profiles.Weights{Inclusion: 1}},
		{"zero falls back to the defaults", profiles.Weights{}, profiles.NormalizeWeights(profiles.DefaultWeights)},
		{"negative falls back to the defaults", profiles.Weights{Coverage: 2, Trust: -1}, profiles.NormalizeWeights(profiles.DefaultWeights)},
		{"NaN falls back to the defaults", profiles.Weights{Coverage: math.NaN()}, profiles.NormalizeWeights(profiles.DefaultWeights)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := profiles.NormalizeWeights(tt.in)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("NormalizeWeights(%+v) (-want +got):\n%s", tt.in, diff)
			}
			if sum := got.Coverage + got.Diversity + got.Trust + got.Inclusion; math.Abs(sum-1) > 1e-12 {
				t.Errorf("NormalizeWeights(%+v) sums to %v, want 1", tt.in, sum)
			}
		})
	}
}
