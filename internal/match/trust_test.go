package match

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sync"
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

// randomEvents are n events among ids, on few dates so that many share one (the
// ties SPEC §4 breaks by input order), in no particular order.
func randomEvents(r *rand.Rand, ids []string, n int) []profiles.Collaboration {
	var events []profiles.Collaboration
	for range n {
		a, b := r.IntN(len(ids)), r.IntN(len(ids)-1)
		if b >= a {
			b++
		}
		outcome := profiles.OutcomePositive
		if r.IntN(3) == 0 {
			outcome = profiles.OutcomeNegative
		}
		events = append(events, ev(ids[a], ids[b], outcome, fmt.Sprintf("2026-01-%02d", 1+r.IntN(4))))
	}
	return events
}

// referenceTrust is SPEC §4 written out: every pair from 0.5, its events applied
// one by one in order of at, ties in input order.
func referenceTrust(events []profiles.Collaboration, a, b string) float64 {
	t := DefaultTrust
	for _, day := range []string{"2026-01-01", "2026-01-02", "2026-01-03", "2026-01-04"} {
		for _, e := range events {
			if e.At != day || !(e.A == a && e.B == b || e.A == b && e.B == a) {
				continue
			}
			if e.Outcome == profiles.OutcomeNegative {
				t -= 0.3 * t
			} else {
				t += 0.1 * (1 - t)
			}
		}
	}
	return t
}

// TestTrustAmongCandidates: what a tender's instance reads of the trust, the pairs
// among its candidates worked out from their events alone, is to the bit what the
// trust of every pair gives (SPEC §4: order of at, ties in input order), before and
// after the trust of every pair has been worked out; pairs with a partner outside
// are not read.
func TestTrustAmongCandidates(t *testing.T) {
	ids := []string{"a", "b", "c", "d", "e", "f", "g", "h"}
	r := rand.New(rand.NewPCG(13, 1))
	for round := range 200 {
		events := randomEvents(r, ids, r.IntN(40))
		in := map[string]int{}
		for i, id := range ids {
			if r.IntN(3) > 0 {
				in[id] = i
			}
		}
		read := func(tr *Trust) map[[2]int]float64 {
			got := map[[2]int]float64{}
			tr.among(in, func(a, b int, v float64) {
				if _, twice := got[[2]int{a, b}]; twice {
					t.Errorf("round %d: among gave %s-%s twice", round, ids[a], ids[b])
				}
				got[[2]int{a, b}] = v
			})
			return got
		}
		lazy := NewTrust(events)
		before := read(lazy)
		if lazy.built.Load() {
			t.Fatalf("round %d: among worked out every pair", round)
		}
		lazy.Of("a", "b")
		after := read(lazy)
		for _, got := range []map[[2]int]float64{before, after} {
			for k, v := range got {
				a, b := ids[k[0]], ids[k[1]]
				if _, ok := in[a]; !ok {
					t.Errorf("round %d: among read %s-%s, %s is no candidate", round, a, b, a)
				}
				if want := referenceTrust(events, a, b); v != want {
					t.Errorf("round %d: among gave %s-%s %v, want %v", round, a, b, v, want)
				}
			}
		}
		if len(before) != len(after) {
			t.Errorf("round %d: among gave %d pairs from the events, %d from the pairs", round, len(before), len(after))
		}
		for i, a := range ids {
			for _, b := range ids[i+1:] {
				if got, want := lazy.Of(a, b), referenceTrust(events, a, b); got != want {
					t.Errorf("round %d: Of(%s, %s) = %v, want %v", round, a, b, got, want)
				}
			}
		}
	}
}

// TestTrustShared: one Trust answers from many goroutines at once while it works
// itself out (run with -race).
func TestTrustShared(t *testing.T) {
	ids := []string{"a", "b", "c", "d", "e"}
	events := randomEvents(rand.New(rand.NewPCG(5, 5)), ids, 50)
	tr := NewTrust(events)
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			switch i % 4 {
			case 0:
				tr.Of("a", "b")
			case 1:
				tr.Among(ids)
			case 2:
				tr.among(map[string]int{"a": 0, "b": 1, "c": 2}, func(int, int, float64) {})
			default:
				tr.Pooled(ids)
			}
		})
	}
	wg.Wait()
	if got, want := tr.Of("c", "d"), referenceTrust(events, "c", "d"); got != want {
		t.Errorf("Of(c, d) = %v, want %v", got, want)
	}
}
