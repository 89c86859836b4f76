package match

import (
	"errors"
	"math"
	"strings"
	"testing"

	"samenspel/internal/profiles"
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

// TestScoreWithPooledTrust: scored with Trust.Pooled, a coalition shows no pair's
// own trust: two members get the default, three or more the mean of their pairs on
// every pair, which keeps the trust term and the score, while the Shapley values
// no longer tell a trusted pair from the others.
func TestScoreWithPooledTrust(t *testing.T) {
	in := handCase()
	in.Trust = NewTrust([]profiles.Collaboration{
		ev("p1", "p3", "positive", "2026-01-01"), ev("p1", "p3", "positive", "2026-01-02"), ev("p3", "p1", "positive", "2026-01-03"),
		ev("p2", "p1", "negative", "2026-01-01"),
		ev("p1", "outsider", "positive", "2026-01-01"),
	})
	pair := []string{"p3", "p1"}
	open, _ := Score(in, pair)
	pooled := in
	pooled.Trust = in.Trust.Pooled(pair)
	got, err := Score(pooled, pair)
	if err != nil {
		t.Fatal(err)
	}
	if near(open.Breakdown.Trust, DefaultTrust) || got.Breakdown.Trust != DefaultTrust {
		t.Errorf("Score(%v) trust = %v, pooled %v; want the pair's own (not %v), pooled %v", pair, open.Breakdown.Trust, got.Breakdown.Trust, DefaultTrust, DefaultTrust)
	}

	three := []string{"p1", "p2", "p3"}
	open, _ = Score(in, three)
	pooled.Trust = in.Trust.Pooled(append(three, "p1"))
	got, err = Score(pooled, three)
	if err != nil {
		t.Fatal(err)
	}
	mean := (in.Trust.Of("p1", "p2") + in.Trust.Of("p1", "p3") + in.Trust.Of("p2", "p3")) / 3
	for _, p := range [][2]string{{"p1", "p2"}, {"p3", "p1"}, {"p2", "p3"}} {
		if v := pooled.Trust.Of(p[0], p[1]); !near(v, mean) {
			t.Errorf("Pooled(%v).Of(%s, %s) = %v, want the mean %v", three, p[0], p[1], v, mean)
		}
	}
	if v := pooled.Trust.Of("p1", "outsider"); v != DefaultTrust {
		t.Errorf("Pooled(%v).Of(p1, outsider) = %v, want %v: only the coalition's pairs are known", three, v, DefaultTrust)
	}
	if !near(got.Breakdown.Trust, open.Breakdown.Trust) || !near(got.Score, open.Score) {
		t.Errorf("Score(%v) pooled = trust %v score %v; want the open trust term %v and score %v", three, got.Breakdown.Trust, got.Score, open.Breakdown.Trust, open.Score)
	}
	// The Shapley values are those of a coalition whose pairs all have the mean.
	even := in
	even.Trust = trustOf(map[[2]string]float64{pairKey("p1", "p2"): mean, pairKey("p1", "p3"): mean, pairKey("p2", "p3"): mean})
	want, _ := Score(even, three)
	for i, m := range got.Members {
		if !near(m.Shapley, want.Members[i].Shapley) {
			t.Errorf("pooled Shapley of %s = %v, want %v (every pair at the mean)", m.ID, m.Shapley, want.Members[i].Shapley)
		}
	}
	if got := (*Trust)(nil).Pooled(three); got.Of("p1", "p2") != DefaultTrust {
		t.Errorf("nil Trust: Pooled(%v).Of(p1, p2) = %v, want %v", three, got.Of("p1", "p2"), DefaultTrust)
	}
}
