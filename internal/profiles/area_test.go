package profiles_test

import (
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
