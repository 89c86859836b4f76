package profiles_test

import (
	"testing"
	"time"

	"samenspel/internal/profiles"
)

// A profile is stale when last written or confirmed more than 12 months before now.
func TestStaleBefore(t *testing.T) {
	tests := []struct {
		now, want string
	}{
		{"2026-11-02T02:00:00Z", "2025-11-02T02:00:00Z"},
		{"2028-02-29T02:00:00Z", "2027-03-01T02:00:00Z"}, // no 29 February in 2027
		{"2027-01-01T00:00:00Z", "2026-01-01T00:00:00Z"},
	}
	for _, tc := range tests {
		now, _ := time.Parse(time.RFC3339, tc.now)
		want, _ := time.Parse(time.RFC3339, tc.want)
		if got := profiles.StaleBefore(now); !got.Equal(want) {
			t.Errorf("StaleBefore(%s) = %v, want %v", tc.now, got, want)
		}
	}
}
