package match

import (
	"fmt"
	"testing"
)

// BenchmarkSuggest: top 10 with Shapley values, pools of 100 to 2,000 candidates,
// max_size 4, 6 and 8. The goal is about 600 candidates at max_size 6 in under 10 ms.
func BenchmarkSuggest(b *testing.B) {
	for _, n := range []int{100, 500, 600, 2000} {
		for _, k := range []int{4, 6, 8} {
			in := largeCase(1, n, k)
			b.Run(fmt.Sprintf("pool=%d/max_size=%d", n, k), func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					Suggest(in, Options{})
				}
			})
		}
	}
}

// BenchmarkQuality reports, for pools too large to prove the optimum, how far the
// default search's best coalition lies below that of a search with a budget 100
// times larger (gap-%, averaged over five tenders per pool; worst-gap-%), and the
// largest gap to the proven upper bound (bound-gap-%): the true gap to the optimum
// is at most that. Run it on its own: the reference searches take seconds each.
func BenchmarkQuality(b *testing.B) {
	for _, n := range []int{600, 2000, 5000} {
		b.Run(fmt.Sprintf("pool=%d/max_size=6", n), func(b *testing.B) {
			var gap, worst, proven float64
			for b.Loop() {
				gap, worst, proven = 0, 0, 0
				for seed := uint64(1); seed <= 5; seed++ {
					in := largeCase(seed, n, 6)
					got := Suggest(in, Options{Top: 1})
					ref := Suggest(in, Options{Top: 1, Budget: 100 * DefaultBudget})
					g := max(0, (ref.Coalitions[0].Score-got.Coalitions[0].Score)/ref.Coalitions[0].Score)
					gap += g / 5
					worst = max(worst, g)
					proven = max(proven, (got.Bound-got.Coalitions[0].Score)/got.Coalitions[0].Score)
				}
			}
			b.ReportMetric(100*gap, "gap-%")
			b.ReportMetric(100*worst, "worst-gap-%")
			b.ReportMetric(100*proven, "bound-gap-%")
		})
	}
}
