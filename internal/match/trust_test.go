package match

import (
	"math"
	"testing"

	"samenspel/internal/profiles"
)

func ev(a, b, outcome, at string) profiles.Collaboration {
	return profiles.Collaboration{A: a, B: b, Outcome: outcome, At: at}
}

func TestTrust(t *testing.T) {
	tests := []struct {
		name   string
		events []profiles.Collaboration
		a, b   string
		want   float64
	}{
		{"no events", nil, "x", "y", 0.5},
		{"one positive", []profiles.Collaboration{ev("x", "y", "positive", "2026-01-01")}, "x", "y", 0.55},
		{"one negative", []profiles.Collaboration{ev("x", "y", "negative", "2026-01-01")}, "x", "y", 0.35},
		{"pair is unordered", []profiles.Collaboration{ev("y", "x", "negative", "2026-01-01")}, "x", "y", 0.35},
		{"two positives", []profiles.Collaboration{ev("x", "y", "positive", "2026-01-01"), ev("x", "y", "positive", "2026-02-01")}, "x", "y", 0.595},
		// Applied in date order, not input order: negative (0.35) then positive.
		{"date order", []profiles.Collaboration{ev("x", "y", "positive", "2026-05-01"), ev("x", "y", "negative", "2026-01-01")}, "x", "y", 0.35 + 0.1*0.65},
		// Same date: input order. Positive (0.55) then negative.
		{"ties in input order", []profiles.Collaboration{ev("x", "y", "positive", "2026-01-01"), ev("x", "y", "negative", "2026-01-01")}, "x", "y", 0.55 * 0.7},
		{"other pairs untouched", []profiles.Collaboration{ev("x", "z", "negative", "2026-01-01")}, "x", "y", 0.5},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := NewTrust(tc.events).Of(tc.a, tc.b); math.Abs(got-tc.want) > 1e-12 {
				t.Errorf("NewTrust(%v).Of(%s, %s) = %v, want %v", tc.events, tc.a, tc.b, got, tc.want)
			}
		})
	}
}

// TestTrustComesOnFoot: one negative event costs more than three positive events
// gain, from the same start.
func TestTrustComesOnFoot(t *testing.T) {
	lost := 0.5 - NewTrust([]profiles.Collaboration{ev("x", "y", "negative", "2026-01-01")}).Of("x", "y")
	gained := NewTrust([]profiles.Collaboration{
		ev("x", "y", "positive", "2026-01-01"), ev("x", "y", "positive", "2026-01-02"), ev("x", "y", "positive", "2026-01-03"),
	}).Of("x", "y") - 0.5
	if !(lost > gained) || math.Abs(lost-0.15) > 1e-12 || math.Abs(gained-0.1355) > 1e-12 {
		t.Errorf("one negative loses %v, three positives gain %v; want 0.15 > 0.1355", lost, gained)
	}
}

func TestTrustAmong(t *testing.T) {
	tr := NewTrust([]profiles.Collaboration{
		ev("c", "a", "positive", "2026-01-01"),
		ev("b", "d", "negative", "2026-01-01"),
		ev("a", "x", "negative", "2026-01-01"), // x is no member
		ev("a", "b", "positive", "2026-01-01"),
	})
	got := tr.Among([]string{"d", "a", "b", "c"})
	want := []PairTrust{{"a", "b", 0.55}, {"a", "c", 0.55}, {"b", "d", 0.35}}
	if len(got) != len(want) {
		t.Fatalf("Among = %v, want %v", got, want)
	}
	for i := range want {
		if got[i].A != want[i].A || got[i].B != want[i].B || math.Abs(got[i].Trust-want[i].Trust) > 1e-12 {
			t.Fatalf("Among = %v, want %v", got, want)
		}
	}
	// Every pair Among leaves out has the default trust.
	ids := []string{"a", "b", "c", "d"}
	for i, a := range ids {
		for _, b := range ids[i+1:] {
			listed := false
			for _, p := range got {
				listed = listed || (p.A == a && p.B == b)
			}
			if !listed && tr.Of(a, b) != DefaultTrust {
				t.Errorf("Among left out %s-%s with trust %v", a, b, tr.Of(a, b))
			}
		}
	}
	if got := tr.Among([]string{"a"}); got != nil {
		t.Errorf("Among of one partner = %v, want none", got)
	}
	if got := (*Trust)(nil).Among(ids); got != nil {
		t.Errorf("nil Trust: Among = %v, want none", got)
	}
}
