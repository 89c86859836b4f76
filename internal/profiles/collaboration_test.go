package profiles_test

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"samenspel/internal/profiles"
)

func TestDecodeCollaborationSpecExample(t *testing.T) {
	const doc = `{"a": "buurtkamer-overvecht", "b": "woonstad", "outcome": "positive", "at": "2026-03-01"}`
	want := profiles.Collaboration{A: "buurtkamer-overvecht", B: "woonstad", Outcome: "positive", At: "2026-03-01"}
	got, err := profiles.DecodeCollaboration([]byte(doc))
	if err != nil {
		t.Fatalf("DecodeCollaboration(SPEC example) = %v, want no error", err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("DecodeCollaboration(SPEC example) (-want +got):\n%s", diff)
	}
}

func TestDecodeCollaboration(t *testing.T) {
	tests := []struct {
		name    string
		changes object
		want    []string // field paths, sorted; nil when valid
	}{
		{"negative", object{"outcome": "negative"}, nil},
		{"leap day", object{"at": "2028-02-29"}, nil},
		{"a missing", object{"a": nil}, []string{"a"}},
		{"a invalid", object{"a": "Buurtkamer"}, []string{"a"}},
		{"b invalid", object{"b": "woon_stad"}, []string{"b"}},
		{"a equals b", object{"b": "buurtkamer-overvecht"}, []string{"b"}},
		{"outcome missing", object{"outcome": nil}, []string{"outcome"}},
		{"outcome unknown", object{"outcome": "neutral"}, []string{"outcome"}},
		{"outcome upper case", object{"outcome": "Positive"}, []string{"outcome"}},
		{"at missing", object{"at": nil}, []string{"at"}},
		{"at 30 February", object{"at": "2026-02-30"}, []string{"at"}},
		{"at 29 February of a common year", object{"at": "2026-02-29"}, []string{"at"}},
		{"at month 13", object{"at": "2026-13-01"}, []string{"at"}},
		{"at without zero", object{"at": "2026-3-01"}, []string{"at"}},
		{"at with time", object{"at": "2026-03-01T10:00:00Z"}, []string{"at"}},
		{"at Dutch order", object{"at": "01-03-2026"}, []string{"at"}},
		{"at a number", object{"at": 20260301}, []string{"at"}},
		{"unknown field", object{"weight": 1}, []string{"weight"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := collaborationDoc().with(tt.changes).json(t)
			c, err := profiles.DecodeCollaboration(data)
			if tt.want == nil {
				if err != nil {
					t.Errorf("DecodeCollaboration(%s) = %v, want no error", data, err)
				}
				if err := profiles.ValidateCollaboration(c); err != nil {
					t.Errorf("ValidateCollaboration(%+v) = %v, want nil", c, err)
				}
				return
			}
			if err == nil {
				t.Fatalf("DecodeCollaboration(%s) = %+v, nil; want errors on %v", data, c, tt.want)
			}
			if diff := cmp.Diff(tt.want, fieldsOf(t, err)); diff != "" {
				t.Errorf("DecodeCollaboration(%s) = %v; fields (-want +got):\n%s", data, err, diff)
			}
		})
	}
}

func TestDecodeCollaborationOn(t *testing.T) {
	today := time.Date(2026, 5, 4, 23, 0, 0, 0, time.UTC)
	tests := []struct {
		name    string
		changes object
		want    string
	}{
		{"absent at is today", object{"at": nil}, "2026-05-04"},
		{"given at is kept", object{}, "2026-03-01"},
		{"the first date allowed", object{"at": "2000-01-01"}, "2000-01-01"},
		{"today", object{"at": "2026-05-04"}, "2026-05-04"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := collaborationDoc().with(tt.changes).json(t)
			c, err := profiles.DecodeCollaborationOn(data, today)
			if err != nil {
				t.Fatalf("DecodeCollaborationOn(%s) = %v, want no error", data, err)
			}
			if c.At != tt.want {
				t.Errorf("DecodeCollaborationOn(%s).At = %q, want %q", data, c.At, tt.want)
			}
		})
	}
	// SPEC §4: through the API, at lies from 2000-01-01 to today.
	for _, at := range []string{"2026-02-30", "2026-05-05", "2099-01-01", "1999-12-31", "1900-01-01"} {
		data := collaborationDoc().with(object{"at": at}).json(t)
		_, err := profiles.DecodeCollaborationOn(data, today)
		if diff := cmp.Diff([]string{"at"}, fieldsOf(t, err)); diff != "" {
			t.Errorf("DecodeCollaborationOn(%s) = %v; fields (-want +got):\n%s", data, err, diff)
		}
	}
	// Files are not the API: their dates are not bounded.
	if _, err := profiles.DecodeCollaboration(collaborationDoc().with(object{"at": "2099-01-01"}).json(t)); err != nil {
		t.Errorf("DecodeCollaboration(at 2099-01-01) = %v, want no error", err)
	}
}
