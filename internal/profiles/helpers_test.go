package profiles_test

import (
	"encoding/json"
	"errors"
	"maps"
	"slices"
	"testing"

	"samenspel/config"
	"samenspel/internal/profiles"
)

// taxonomy parses the shipped taxonomy, the one every test validates against.
func taxonomy(t testing.TB) *profiles.Taxonomy {
	t.Helper()
	tax, err := profiles.ParseTaxonomy(config.Taxonomy)
	if err != nil {
		t.Fatalf("ParseTaxonomy(config.Taxonomy) = %v", err)
	}
	return tax
}

// object is a JSON object under construction; with returns a copy with keys set
// (a nil value deletes the key), so that each table case names only what it changes.
type object map[string]any

func (o object) with(changes object) object {
	out := maps.Clone(o)
	for k, v := range changes {
		if v == nil {
			delete(out, k)
			continue
		}
		out[k] = v
	}
	return out
}

func (o object) json(t testing.TB) []byte {
	t.Helper()
	data, err := json.Marshal(o)
	if err != nil {
		t.Fatalf("json.Marshal(%v) = %v", o, err)
	}
	return data
}

// raw is a JSON value written out in full, for what json.Marshal cannot produce
// (1.5e400, repeated keys).
type raw string

func (r raw) MarshalJSON() ([]byte, error) { return []byte(r), nil }

// profileDoc is the profile of SPEC §2.
func profileDoc() object {
	return object{
		"id": "buurtkamer-overvecht", "name": "Buurtkamer Overvecht", "kind": "residents_group",
		"size": "small", "new_provider": true, "can_lead": false,
		"areas": []any{"WK034412"}, "instruments": object{"meeting_place": 1.0, "meals": 0.5},
		"themes": []any{"loneliness"}, "description": "Free text, Dutch or English",
		"contact": object{"email": "info@example.org"}, "private": object{"ideas": "never shown to others"},
	}
}

// tenderDoc is a tender with only the required fields.
func tenderDoc() object {
	return object{
		"id": "eenzaamheid-overvecht-2027", "title": "Minder eenzaamheid in Overvecht",
		"area":  []any{"WK034412"},
		"needs": []any{object{"instrument": "home_visits", "weight": 3, "must": true}},
	}
}

// collaborationDoc is the collaboration event of SPEC §2.
func collaborationDoc() object {
	return object{"a": "buurtkamer-overvecht", "b": "woonstad", "outcome": "positive", "at": "2026-03-01"}
}

// fieldsOf returns the sorted field paths of err, which must be a *ValidationError.
func fieldsOf(t *testing.T, err error) []string {
	t.Helper()
	var verr *profiles.ValidationError
	if !errors.As(err, &verr) {
		t.Fatalf("error %v (%T) is not a *ValidationError", err, err)
	}
	if errors.Is(err, profiles.ErrMalformed) {
		t.Errorf("error %v is both invalid and malformed", err)
	}
	var fields []string
	for _, fe := range verr.Errors {
		fields = append(fields, fe.Field)
	}
	slices.Sort(fields)
	return fields
}

// messageOf returns the message of the error on field, or fails.
func messageOf(t *testing.T, err error, field string) string {
	t.Helper()
	var verr *profiles.ValidationError
	if !errors.As(err, &verr) {
		t.Fatalf("error %v (%T) is not a *ValidationError", err, err)
	}
	for _, fe := range verr.Errors {
		if fe.Field == field {
			return fe.Message
		}
	}
	t.Fatalf("error %v has no error on %q", err, field)
	return ""
}

func ptr[T any](v T) *T { return &v }

// repeat returns n copies of s.
func repeat(s string, n int) []any {
	out := make([]any, n)
	for i := range out {
		out[i] = s
	}
	return out
}
