package match

import (
	"errors"
	"math"
	"strings"
	"testing"
)

func TestScore(t *testing.T) {
	in := handCase()
	far := prof("far", "school", "small", true, map[string]float64{"meals": 1})
	far.Areas = []string{"GM0363"} // Amsterdam: outside the tender's GM0344
	in.Profiles = append(in.Profiles, far)
	best := Suggest(in, Options{}).Coalitions[0]
	tests := []struct {
		ids      []string
		feasible bool
		broken   []string
	}{
		{[]string{"p3", "p1"}, true, nil},
		// p3 covers meals fully, so p2 (meals 0.5) adds nothing.
		{[]string{"p2", "p3"}, false, []string{"must needs not fully covered: home_visits", "free rider: p2"}},
		{[]string{"p1", "p2", "p3"}, false, []string{"free rider: p2"}},
		{[]string{"p1", "far"}, false, []string{"far is not a candidate"}},
	}
	for _, tc := range tests {
		got, err := Score(in, tc.ids)
		if err != nil {
			t.Fatalf("Score(%v) = %v", tc.ids, err)
		}
		if got.Feasible != tc.feasible || len(got.Broken) != len(tc.broken) {
			t.Errorf("Score(%v) = feasible %v broken %q; want %v %q", tc.ids, got.Feasible, got.Broken, tc.feasible, tc.broken)
			continue
		}
		for i, b := range tc.broken {
			if !strings.HasPrefix(got.Broken[i], b) {
				t.Errorf("Score(%v) broken[%d] = %q, want it to start with %q", tc.ids, i, got.Broken[i], b)
			}
		}
	}
	got, _ := Score(in, []string{"p3", "p1"})
	if !near(got.Score, best.Score) || !near(got.Members[0].Shapley, best.Members[0].Shapley) || *got.Lead != *best.Lead {
		t.Errorf("Score of the best suggestion = %+v, want the suggestion's figures %+v", got.Coalition, best)
	}
	for _, ids := range [][]string{{}, {"p1", "p1"}, {"p1", "nobody"}, {"a", "b", "c", "d", "e", "f", "g", "h", "i"}} {
		if _, err := Score(in, ids); !errors.Is(err, ErrProposal) {
			t.Errorf("Score(%v) = %v, want ErrProposal", ids, err)
		}
	}
}

// TestScoreAgreesWithSuggest: every suggested coalition, scored on its own, has the
// same score and breaks no rule when the answer is feasible.
func TestScoreAgreesWithSuggest(t *testing.T) {
	for seed := range uint64(100) {
		tender, ps, events := randomCase(seed+5000, 12)
		in := Input{Tender: tender, Profiles: ps, Trust: NewTrust(events)}
		res := Suggest(in, Options{})
		for _, c := range res.Coalitions {
			got, err := Score(in, ids(c))
			if err != nil {
				t.Fatalf("seed %d: Score(%v) = %v", seed, ids(c), err)
			}
			if math.Abs(got.Score-c.Score) > 1e-9 || (res.Feasible && !got.Feasible) || (!res.Feasible && got.Feasible) {
				t.Fatalf("seed %d: Score(%v) = %.9f feasible %v %q; Suggest said %.9f feasible %v", seed, ids(c), got.Score, got.Feasible, got.Broken, c.Score, res.Feasible)
			}
		}
	}
}
