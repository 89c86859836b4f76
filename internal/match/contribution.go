package match

import (
	"fmt"
	"math/bits"

	"samenspel/internal/profiles"
)

// Contribution is one member's Shapley value split over the four terms of the score
// (SPEC §5): what it adds to the coverage, the diversity, the trust and the
// inclusion, each already multiplied by the tender's weight of that term, so that
// the four sum to the member's Shapley value. A part can be negative: a large
// partner lowers the share of small ones, a distrusted one the mean trust.
type Contribution struct {
	Coverage  float64 `json:"coverage"`
	Diversity float64 `json:"diversity"`
	Trust     float64 `json:"trust"`
	Inclusion float64 `json:"inclusion"`
}

// Contributions splits the Shapley value of each member of coalition c, a
// coalition the engine described for tender t (a suggestion, or a scored
// proposal of candidates), into its Contribution; the result is in the order of
// c.Members. members are the members' profiles, public fields being enough, in any
// order; each member of c must be among them.
//
// The Shapley value is linear in the function it shares out, and the score is the
// weighted sum of its four terms, so each part is the Shapley value of one term
// over the members' subsets. Coverage, diversity and inclusion follow from the
// members' own offers, kinds and sizes; diversity's denominator min(max_size, K),
// where K counts the kinds of all the tender's candidates, is read back from
// c.Breakdown. The trust part is what remains of the member's Shapley value: it
// needs no pair's trust, and shows nothing that c does not show already.
func Contributions(t profiles.Tender, members []profiles.Profile, c Coalition) ([]Contribution, error) {
	byID := make(map[string]bool, len(members))
	for _, p := range members {
		byID[p.ID] = true
	}
	force := make(map[string]bool, len(c.Members))
	for _, m := range c.Members {
		if !byID[m.ID] {
			return nil, fmt.Errorf("match: contributions: no profile for member %q", m.ID)
		}
		force[m.ID] = true
	}
	in := newInstanceWith(&t, members, nil, force)
	idx := make([]int, len(c.Members))
	for i, m := range c.Members {
		idx[i] = -1
		for j := range in.cands {
			if in.cands[j].p.ID == m.ID {
				idx[i] = j
				break
			}
		}
		if idx[i] < 0 {
			return nil, fmt.Errorf("match: contributions: member %q is no profile of the list", m.ID)
		}
	}
	cov := make([]float64, len(in.needs))
	if d := c.Breakdown.Diversity; d > 0 {
		all := in.tallyOf(idx, cov)
		in.denom = float64(bits.OnesCount64(all.kinds)) / d
	}
	term := func(pick func(Breakdown) float64) func(sub []int) float64 {
		return func(sub []int) float64 { return pick(in.breakdown(in.tallyOf(sub, cov))) }
	}
	coverage := shapleyOf(idx, term(func(b Breakdown) float64 { return b.Coverage }))
	diversity := shapleyOf(idx, term(func(b Breakdown) float64 { return b.Diversity }))
	inclusion := shapleyOf(idx, term(func(b Breakdown) float64 { return b.Inclusion }))
	out := make([]Contribution, len(c.Members))
	for i, m := range c.Members {
		out[i] = Contribution{Coverage: in.aC * coverage[i], Diversity: in.aD * diversity[i], Inclusion: in.aI * inclusion[i]}
		out[i].Trust = m.Shapley - out[i].Coverage - out[i].Diversity - out[i].Inclusion
	}
	return out, nil
}

// shapleyOf returns each member's Shapley value of value over the subsets of the
// members (value of the empty set taken as 0).
func shapleyOf(members []int, value func(sub []int) float64) []float64 {
	n := len(members)
	v := make([]float64, 1<<n)
	sub := make([]int, 0, n)
	for mask := 1; mask < len(v); mask++ {
		sub = sub[:0]
		for i, m := range members {
			if mask&(1<<i) != 0 {
				sub = append(sub, m)
			}
		}
		v[mask] = value(sub)
	}
	// weight[t] = t!(n−t−1)!/n!
	weight := make([]float64, n)
	for t := range weight {
		weight[t] = 1 / (float64(n) * binomial(n-1, t))
	}
	phi := make([]float64, n)
	for mask := range v {
		size := bits.OnesCount(uint(mask))
		for i := range members {
			if mask&(1<<i) == 0 {
				phi[i] += weight[size] * (v[mask|1<<i] - v[mask])
			}
		}
	}
	return phi
}
