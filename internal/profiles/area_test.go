package profiles_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"samenspel/internal/profiles"
)

func TestValidArea(t *testing.T) {
	tests := []struct {
		code string
		want bool
	}{
		{"NL", true},
		{"GM0344", true},
		{"WK034412", true},
		{"BU03441205", true},
		{"", false},
		{"nl", false},
		{"GM344", false},
		{"GM03441", false},
		{"WK03441", false},
		{"BU0344120", false},
		{"BU034412055", false},
		{"gm0344", false},
		{"XX0344", false},
		{"GM03a4", false},
		{" GM0344", false},
	}
	for _, tt := range tests {
		t.Run(tt.code, func(t *testing.T) {
			if got := profiles.ValidArea(tt.code); got != tt.want {
				t.Errorf("ValidArea(%q) = %v, want %v", tt.code, got, tt.want)
			}
		})
	}
}

func TestAreaContains(t *testing.T) {
	tests := []struct {
		a, b string
		want bool
	}{
		{"BU03441205", "BU03441205", true},
		{"WK034412", "BU03441205", true},
		{"GM0344", "BU03441205", true},
		{"GM0344", "WK034412", true},
		{"NL", "BU03441205", true},
		{"NL", "GM0344", true},
		{"NL", "NL", true},
		{"BU03441205", "WK034412", false},
		{"WK034412", "GM0344", false},
		{"GM0344", "NL", false},
		{"WK034413", "BU03441205", false},
		{"GM0363", "WK034412", false},
		{"WK034412", "WK034413", false},
	}
	for _, tt := range tests {
		t.Run(tt.a+"/"+tt.b, func(t *testing.T) {
			if got := profiles.AreaContains(tt.a, tt.b); got != tt.want {
				t.Errorf("AreaContains(%q, %q) = %v, want %v", tt.a, tt.b, got, tt.want)
			}
		})
	}
}

func TestAreasOverlap(t *testing.T) {
	tests := []struct {
		a, b string
		want bool
	}{
		{"WK034412", "WK034412", true},
		{"WK034412", "BU03441205", true},
		{"BU03441205", "WK034412", true},
		{"GM0344", "BU03441205", true},
		{"NL", "WK034413", true},
		{"WK034413", "NL", true},
		{"WK034412", "WK034413", false},
		{"BU03441205", "BU03441206", false},
		{"BU03441205", "WK034413", false},
		{"GM0344", "GM0363", false},
	}
	for _, tt := range tests {
		t.Run(tt.a+"/"+tt.b, func(t *testing.T) {
			if got := profiles.AreasOverlap(tt.a, tt.b); got != tt.want {
				t.Errorf("AreasOverlap(%q, %q) = %v, want %v", tt.a, tt.b, got, tt.want)
			}
		})
	}
}

// TestAreaParentsInvalid: a code that is not an area code is its own only parent,
// never a panic or a made-up municipality (the stores index what they are given).
func TestAreaParentsInvalid(t *testing.T) {
	for _, code := range []string{"", "G", "GM", "GM03", "BU0344", "XX0344", "GM03x4", "nl"} {
		if diff := cmp.Diff([]string{code}, profiles.AreaParents(code)); diff != "" {
			t.Errorf("AreaParents(%q) (-want +got):\n%s", code, diff)
		}
	}
}

func TestAreaParents(t *testing.T) {
	tests := []struct {
		code string
		want []string
	}{
		{"BU03441205", []string{"BU03441205", "WK034412", "GM0344", "NL"}},
		{"WK034412", []string{"WK034412", "GM0344", "NL"}},
		{"GM0344", []string{"GM0344", "NL"}},
		{"NL", []string{"NL"}},
	}
	for _, tt := range tests {
		t.Run(tt.code, func(t *testing.T) {
			got := profiles.AreaParents(tt.code)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("AreaParents(%q) (-want +got):\n%s", tt.code, diff)
			}
			for _, parent := range got {
				if !profiles.AreaContains(parent, tt.code) {
					t.Errorf("AreaContains(%q, %q) = false, want true for a parent", parent, tt.code)
				}
			}
		})
	}
}

// refuse is an AreaRegister that refuses the codes it holds, naming their index.
type refuse []string

func (r refuse) CheckAreas(codes []string, field string) []profiles.FieldError {
	var out []profiles.FieldError
	for i, c := range codes {
		for _, bad := range r {
			if c == bad {
				out = append(out, profiles.FieldError{Field: fmt.Sprintf("%s[%d]", field, i), Message: "unknown area in Utrecht"})
			}
		}
	}
	return out
}

func TestWithAreas(t *testing.T) {
	plain := taxonomy(t)
	tax := plain.WithAreas(refuse{"BU03440199"})
	areas := []any{"WK034401", "BU03440199"}

	t.Run("profile", func(t *testing.T) {
		doc := profileDoc().with(object{"areas": areas, "kind": "club"}).json(t)
		_, err := tax.DecodeProfile(doc)
		if got, want := fieldsOf(t, err), []string{"areas[1]", "kind"}; !slices.Equal(got, want) {
			t.Errorf("DecodeProfile with a register = fields %v, want %v (the register's refusal beside the others)", got, want)
		}
		_, err = plain.DecodeProfile(doc)
		if got, want := fieldsOf(t, err), []string{"kind"}; !slices.Equal(got, want) {
			t.Errorf("DecodeProfile of the taxonomy WithAreas copied = fields %v, want %v (unchanged)", got, want)
		}
	})
	t.Run("tender", func(t *testing.T) {
		_, err := tax.DecodeTender(tenderDoc().with(object{"area": areas}).json(t))
		if got, want := fieldsOf(t, err), []string{"area[1]"}; !slices.Equal(got, want) {
			t.Errorf("DecodeTender with a register = fields %v, want %v", got, want)
		}
	})
	t.Run("file", func(t *testing.T) {
		lines := string(profileDoc().json(t)) + "\n" + string(profileDoc().with(object{"id": "tweede", "areas": areas}).json(t)) + "\n"
		ps, bad, err := tax.ReadProfiles(strings.NewReader(lines), "p.ndjson")
		if err != nil || len(ps) != 1 || len(bad) != 1 {
			t.Fatalf("ReadProfiles = %d profiles, %v, %v; want 1 and one rejected line", len(ps), bad, err)
		}
		if got, want := bad[0].Error(), `p.ndjson:2: areas[1]: unknown area in Utrecht`; got != want {
			t.Errorf("ReadProfiles rejected %q, want %q", got, want)
		}
	})
	if got := plain.WithAreas(nil); got != plain {
		t.Errorf("WithAreas(nil) = %p, want the taxonomy itself %p", got, plain)
	}
}
