package profiles_test

import (
	"math"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"samenspel/internal/profiles"
)

func TestDecodeProfileSpecExample(t *testing.T) {
	// The profile of SPEC §2, as written there.
	const doc = `{"id": "buurtkamer-overvecht", "name": "Buurtkamer Overvecht", "kind": "residents_group",
 "size": "small", "new_provider": true, "can_lead": false,
 "areas": ["WK034412"], "instruments": {"meeting_place": 1.0, "meals": 0.5},
 "themes": ["loneliness"], "description": "Free text, Dutch or English",
 "contact": {"email": "info@example.org"}, "private": {"ideas": "never shown to others"}}`
	want := profiles.Profile{
		ID: "buurtkamer-overvecht", Name: "Buurtkamer Overvecht", Kind: "residents_group",
		Size: "small", NewProvider: true, CanLead: false,
		Areas:       []string{"WK034412"},
		Instruments: map[string]float64{"meeting_place": 1, "meals": 0.5},
		Themes:      []string{"loneliness"}, Description: "Free text, Dutch or English",
		Contact: &profiles.Contact{Email: "info@example.org"},
		Private: map[string]string{"ideas": "never shown to others"},
	}
	got, err := taxonomy(t).DecodeProfile([]byte(doc))
	if err != nil {
		t.Fatalf("DecodeProfile(SPEC example) = %v, want no error", err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("DecodeProfile(SPEC example) (-want +got):\n%s", diff)
	}
}

func TestDecodeProfileAccepts(t *testing.T) {
	tests := []struct {
		name    string
		changes object
		check   func(p profiles.Profile) string // "" when fine
	}{
		{"minimal", object{"themes": nil, "description": nil, "contact": nil, "private": nil, "new_provider": nil, "can_lead": nil}, func(p profiles.Profile) string {
			if p.Themes == nil || len(p.Themes) != 0 {
				return "themes should be an empty, non-nil list"
			}
			if p.Contact != nil || p.Private != nil {
				return "contact and private should be absent"
			}
			return ""
		}},
		{"null is absent", object{"themes": raw("null"), "contact": raw("null"), "description": raw("null")}, func(p profiles.Profile) string {
			if p.Themes == nil || p.Contact != nil || p.Description != "" {
				return "null fields should be absent"
			}
			return ""
		}},
		{"id of 64 characters", object{"id": strings.Repeat("a", 64)}, nil},
		{"id with digits and dashes", object{"id": "0-a-9"}, nil},
		{"name trimmed", object{"name": "  Buurtkamer  "}, func(p profiles.Profile) string {
			if p.Name != "Buurtkamer" {
				return "name " + p.Name + " not trimmed"
			}
			return ""
		}},
		{"name of 200 characters", object{"name": strings.Repeat("é", 200)}, nil},
		{"sizes: medium", object{"size": "medium"}, nil},
		{"sizes: large", object{"size": "large"}, nil},
		{"every area level", object{"areas": []any{"NL", "GM0344", "WK034412", "BU03441205"}}, nil},
		{"level 1", object{"instruments": object{"meals": 1}}, nil},
		{"small level", object{"instruments": object{"meals": 1e-9}}, nil},
		{"several themes", object{"themes": []any{"loneliness", "poverty", "youth"}}, nil},
		{"description of 5000 characters", object{"description": strings.Repeat("x", 5000)}, nil},
		{"full contact", object{"contact": object{"email": "a.b+c@sub.example.nl", "phone": "030-1234567", "website": "https://example.org", "person": "Ans"}}, nil},
		{"empty contact is absent", object{"contact": object{}}, func(p profiles.Profile) string {
			if p.Contact != nil {
				return "empty contact should be nil"
			}
			return ""
		}},
		{"empty private is absent", object{"private": object{}}, func(p profiles.Profile) string {
			if p.Private != nil {
				return "empty private should be nil"
			}
			return ""
		}},
		{"20 private keys", object{"private": manyKeys(20, "x")}, nil},
		{"private value of 5000 characters", object{"private": object{"ideas": strings.Repeat("x", 5000)}}, nil},
	}
	tax := taxonomy(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := profileDoc().with(tt.changes).json(t)
			p, err := tax.DecodeProfile(data)
			if err != nil {
				t.Fatalf("DecodeProfile(%s) = %v, want no error", data, err)
			}
			if tt.check != nil {
				if problem := tt.check(p); problem != "" {
					t.Errorf("DecodeProfile(%s) = %+v: %s", data, p, problem)
				}
			}
			if err := tax.ValidateProfile(p); err != nil {
				t.Errorf("ValidateProfile(DecodeProfile(%s)) = %v, want nil", data, err)
			}
		})
	}
}

func manyKeys(n int, value string) object {
	o := object{}
	for i := range n {
		o[strings.Repeat("k", i+1)] = value
	}
	return o
}

func TestDecodeProfileRejects(t *testing.T) {
	tests := []struct {
		name    string
		changes object
		want    []string // field paths, sorted
	}{
		{"id missing", object{"id": nil}, []string{"id"}},
		{"id empty", object{"id": ""}, []string{"id"}},
		{"id upper case", object{"id": "Buurtkamer"}, []string{"id"}},
		{"id with underscore", object{"id": "buurt_kamer"}, []string{"id"}},
		{"id with space", object{"id": "buurt kamer"}, []string{"id"}},
		{"id of 65 characters", object{"id": strings.Repeat("a", 65)}, []string{"id"}},
		{"name missing", object{"name": nil}, []string{"name"}},
		{"name blank", object{"name": "   "}, []string{"name"}},
		{"name of 201 characters", object{"name": strings.Repeat("x", 201)}, []string{"name"}},
		{"kind missing", object{"kind": nil}, []string{"kind"}},
		{"kind unknown", object{"kind": "club"}, []string{"kind"}},
		{"kind upper case", object{"kind": "Welfare"}, []string{"kind"}},
		{"size missing", object{"size": nil}, []string{"size"}},
		{"size unknown", object{"size": "tiny"}, []string{"size"}},
		{"areas missing", object{"areas": nil}, []string{"areas"}},
		{"areas empty", object{"areas": []any{}}, []string{"areas"}},
		{"area invalid", object{"areas": []any{"WK034412", "Overvecht"}}, []string{"areas[1]"}},
		// A repeat is no error, and the index of an error after it is the sender's.
		{"area invalid after a repeat", object{"areas": []any{"WK034412", "WK034412", "Overvecht"}}, []string{"areas[2]"}},
		{"instruments missing", object{"instruments": nil}, []string{"instruments"}},
		{"instruments empty", object{"instruments": object{}}, []string{"instruments"}},
		{"instrument unknown", object{"instruments": object{"meals": 1, "soup": 1}}, []string{"instruments.soup"}},
		{"level zero", object{"instruments": object{"meals": 0}}, []string{"instruments.meals"}},
		{"level negative", object{"instruments": object{"meals": -0.5}}, []string{"instruments.meals"}},
		{"level above one", object{"instruments": object{"meals": 1.01}}, []string{"instruments.meals"}},
		{"level out of range", object{"instruments": object{"meals": raw("1e400")}}, []string{"instruments.meals"}},
		{"theme unknown", object{"themes": []any{"loneliness", "boredom"}}, []string{"themes[1]"}},
		{"description of 5001 characters", object{"description": strings.Repeat("x", 5001)}, []string{"description"}},
		{"email without at", object{"contact": object{"email": "info.example.org"}}, []string{"contact.email"}},
		{"email without domain dot", object{"contact": object{"email": "info@localhost"}}, []string{"contact.email"}},
		{"email with space", object{"contact": object{"email": "in fo@example.org"}}, []string{"contact.email"}},
		{"email with name", object{"contact": object{"email": "Info <info@example.org>"}}, []string{"contact.email"}},
		{"phone of 201 characters", object{"contact": object{"phone": strings.Repeat("1", 201)}}, []string{"contact.phone"}},
		{"person of 201 characters", object{"contact": object{"person": strings.Repeat("a", 201)}}, []string{"contact.person"}},
		{"21 private keys", object{"private": manyKeys(21, "x")}, []string{"private"}},
		{"private value of 5001 characters", object{"private": object{"ideas": strings.Repeat("x", 5001)}}, []string{"private.ideas"}},
		{"private empty key", object{"private": object{"": "x"}}, []string{"private"}},
		{"every error at once",
			object{"id": "X", "name": "", "kind": "club", "size": "huge", "areas": []any{"x"}, "instruments": object{"meals": 2}, "themes": []any{"fun"}},
			[]string{"areas[0]", "id", "instruments.meals", "kind", "name", "size", "themes[0]"}},
	}
	tax := taxonomy(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := profileDoc().with(tt.changes).json(t)
			p, err := tax.DecodeProfile(data)
			if err == nil {
				t.Fatalf("DecodeProfile(%s) = %+v, nil; want errors on %v", data, p, tt.want)
			}
			if diff := cmp.Diff(tt.want, fieldsOf(t, err)); diff != "" {
				t.Errorf("DecodeProfile(%s) = %v; fields (-want +got):\n%s", data, err, diff)
			}
		})
	}
}

// TestValidateProfile covers what JSON cannot carry: values built in Go.
func TestValidateProfile(t *testing.T) {
	valid := func() profiles.Profile {
		return profiles.Profile{
			ID: "buurtkamer", Name: "Buurtkamer", Kind: "residents_group", Size: "small",
			Areas: []string{"WK034412"}, Instruments: map[string]float64{"meals": 0.5},
		}
	}
	tests := []struct {
		name   string
		change func(p *profiles.Profile)
		want   []string
	}{
		{"valid", func(p *profiles.Profile) {}, nil},
		{"nil themes are fine", func(p *profiles.Profile) { p.Themes = nil }, nil},
		{"name not trimmed", func(p *profiles.Profile) { p.Name = " Buurtkamer" }, []string{"name"}},
		{"name not UTF-8", func(p *profiles.Profile) { p.Name = "Buurt\xffkamer" }, []string{"name"}},
		{"level NaN", func(p *profiles.Profile) { p.Instruments["meals"] = math.NaN() }, []string{"instruments.meals"}},
		{"level +Inf", func(p *profiles.Profile) { p.Instruments["meals"] = math.Inf(1) }, []string{"instruments.meals"}},
		{"nil areas", func(p *profiles.Profile) { p.Areas = nil }, []string{"areas"}},
		{"empty contact email is fine", func(p *profiles.Profile) { p.Contact = &profiles.Contact{Phone: "030"} }, nil},
	}
	tax := taxonomy(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := valid()
			tt.change(&p)
			err := tax.ValidateProfile(p)
			if tt.want == nil {
				if err != nil {
					t.Errorf("ValidateProfile(%+v) = %v, want nil", p, err)
				}
				return
			}
			if diff := cmp.Diff(tt.want, fieldsOf(t, err)); diff != "" {
				t.Errorf("ValidateProfile(%+v) = %v; fields (-want +got):\n%s", p, err, diff)
			}
		})
	}
}
