package match

import (
	"fmt"
	"math"
	"testing"
)

// TestQualityAgainstProvenOptimum: on pools of 100 to 300 candidates (max_size 3 to 8,
// and realistic Utrecht pools of 100 at max_size 4 and 6), where a search
// without budget proves the optimum, the budgeted search's best coalition lies within
// 0.5% of it on average and 2% at worst.
func TestQualityAgainstProvenOptimum(t *testing.T) {
	if testing.Short() {
		t.Skip("proving optima takes about a minute; run without -short")
	}
	type instance struct {
		n, k  int
		synth bool // a realistic Utrecht pool (synthCase) rather than largeCase
	}
	var cases []instance
	for _, n := range []int{100, 200, 300} {
		for _, k := range []int{3, 4, 5} {
			cases = append(cases, instance{n, k, false})
		}
	}
	cases = append(cases, instance{100, 6, false}, instance{150, 6, false}, instance{100, 8, false})
	for range 6 {
		cases = append(cases, instance{100, 4, true}, instance{100, 6, true})
	}
	var sum, worst float64
	proven := 0
	for i, c := range cases {
		for seed := uint64(1); seed <= 3; seed++ {
			in := largeCase(seed*100+uint64(i), c.n, c.k)
			if c.synth {
				in = synthCase(seed, i%6, c.n, c.k)
			}
			ref := Suggest(in, Options{Top: 1, Budget: 200_000_000})
			if !ref.Exact {
				continue
			}
			proven++
			got := Suggest(in, Options{})
			if len(got.Coalitions) == 0 || len(ref.Coalitions) == 0 {
				t.Fatalf("n=%d k=%d seed %d: %d coalitions, optimum has %d", c.n, c.k, seed, len(got.Coalitions), len(ref.Coalitions))
			}
			if bound := boundOf(got); ref.Coalitions[0].Score > bound+1e-9 {
				t.Fatalf("n=%d k=%d seed %d: the optimum %.6f exceeds the bound %.6f the budgeted search proved", c.n, c.k, seed, ref.Coalitions[0].Score, bound)
			}
			gap := (ref.Coalitions[0].Score - got.Coalitions[0].Score) / ref.Coalitions[0].Score
			if gap < -1e-9 {
				t.Fatalf("n=%d k=%d seed %d: budgeted search %.6f beats the proven optimum %.6f", c.n, c.k, seed, got.Coalitions[0].Score, ref.Coalitions[0].Score)
			}
			sum += math.Max(gap, 0)
			worst = math.Max(worst, gap)
		}
	}
	if proven < len(cases)*2 {
		t.Fatalf("only %d of %d optima proven: the instances are too hard for this test", proven, len(cases)*3)
	}
	avg := sum / float64(proven)
	t.Logf("%d proven optima: mean gap %.4f%%, worst %.4f%%", proven, 100*avg, 100*worst)
	if avg > 0.005 || worst > 0.02 {
		t.Errorf("gap to the optimum: mean %s, worst %s; want at most 0.5%% and 2%%", pct(avg), pct(worst))
	}
}

// boundOf is the bound a result proved: Bound when inexact, else its best score.
func boundOf(r Result) float64 {
	if r.Bound != nil {
		return *r.Bound
	}
	if len(r.Coalitions) == 0 {
		return 0
	}
	return r.Coalitions[0].Score
}

func pct(x float64) string { return fmt.Sprintf("%.3f%%", 100*x) }
