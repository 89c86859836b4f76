package match

import (
	"math"
	"slices"
)

// seed fills the top list with greedy coalitions of the larger sizes (their prefixes
// are the smaller ones) and their local optima, so that the tree search starts with
// a threshold worth pruning against.
func (s *searcher) seed() {
	in := s.in
	for m := in.maxSize; m >= max(1, in.minSize, (in.maxSize+1)/2); m-- {
		for _, crowd := range crowding {
			s.greedy(m, crowd)
		}
	}

	s.polish()
}

// crowding are the penalties the greedy construction tries for a partner that covers
// more than its fair share, in members' worth of diversity and inclusion per fair
// share: 0 is plain greedy; higher values favour many partners with small parts.
var crowding = [...]float64{0, 1, 4}

// priority ranks candidate x as the next member of members (tally t, summed levels in
// s.scratch) for a coalition of m members. Coverage counts only up to a fair share of
// what is left to cover, and beyond it costs crowd times the diversity and inclusion
// a member can bring, so that one partner who covers much does not crowd out the
// others the size allows. Each rule x helps to meet adds one, so that a greedy
// coalition heads for feasibility first.
func (s *searcher) priority(members []int, t tally, x int, gain float64, m int, crowd float64) float64 {
	in := s.in
	c := &in.cands[x]
	slots := max(1, m-t.size)
	fair := (1 - t.coverage) / float64(slots)
	key := in.aC * math.Min(gain, fair)
	if gain > fair && fair > eps {
		key -= crowd * (in.aD/in.denom + in.aI/float64(m)) * (gain - fair) / fair
	}
	if t.kinds&(1<<uint(c.kind)) == 0 {
		key += in.aD / in.denom
	}
	if c.inc {
		key += in.aI / float64(m)
	}
	if m > 1 {
		key += in.aT * in.excessTrust(x, members) / float64(m*(m-1)/2)
	}
	if !s.relaxed {
		for _, o := range c.offers {
			if s.mustPos[o.need] >= 0 && s.scratch[o.need] < 1 {
				key += math.Min(1, s.scratch[o.need]+o.level) - s.scratch[o.need]
			}
		}
	}
	if in.require&^t.kinds&(1<<uint(c.kind)) != 0 {
		key++
	}
	if c.inc && t.inc < in.minSmall {
		key++
	}
	return key
}

// greedy builds one coalition of up to m members by adding the best-ranked candidate
// (priority with crowding penalty crowd) until none can join, offering every feasible
// step.
func (s *searcher) greedy(m int, crowd float64) {
	in := s.in
	members := make([]int, 0, m)
	clear(s.scratch)
	cov := make([]float64, len(in.needs))
	var t tally
	banned := map[int]bool{}
	for len(members) < m {
		next := -1
		bestKey := math.Inf(-1)
		gaps := open(s.scratch)
		for _, x := range s.pool {
			c := &in.cands[x]
			if c.needs&gaps == 0 || banned[x] || slices.Contains(members, x) || (c.large && t.large >= in.maxLarge) {
				continue
			}
			g := in.gain(x, s.scratch)
			if g <= eps {
				continue
			}
			if k := s.priority(members, t, x, g, m, crowd); k > bestKey {
				next, bestKey = x, k
			}
		}
		if next < 0 {
			return
		}
		trial := append(slices.Clone(members), next)
		nt := in.tallyOf(trial, cov)
		if in.freeRider(trial, cov) >= 0 {
			banned[next] = true
			continue
		}
		members, t = trial, nt
		copy(s.scratch, cov)
		s.offerSet(members, t, cov)
	}
}

// offerSet offers a set given in any order, with its tally and summed levels.
func (s *searcher) offerSet(members []int, t tally, cov []float64) {
	if !s.in.feasible(members, t, cov, s.relaxed) {
		return
	}
	sorted := slices.Clone(members)
	slices.Sort(sorted)
	s.top.offer(sorted, s.in.value(t))
}

// maxPolishRounds bounds the moves of one local search.
const maxPolishRounds = 25

// polish runs a local search (drop, add or swap one member) from every coalition in
// the top list, offering every feasible neighbour it meets, until every coalition in
// the list has been a starting point or N climbs have been made (maxClimbs when set).
func (s *searcher) polish() {
	seen := map[string]bool{}
	most := s.top.n
	if s.maxClimbs > 0 {
		most = s.maxClimbs
	}
	for climbs, changed := 0, true; changed && climbs < most; {
		changed = false
		for _, f := range slices.Clone(s.top.items) {
			k := key(f.members)
			if seen[k] || climbs >= most || s.ended {
				continue
			}
			seen[k] = true
			s.climb(f.members)
			climbs++
			changed = true
		}
	}
}

func key(members []int) string {
	b := make([]byte, 0, 4*len(members))
	for _, m := range members {
		b = append(b, byte(m>>24), byte(m>>16), byte(m>>8), byte(m))
	}
	return string(b)
}

// climb moves from start to its best feasible neighbour while that improves the
// score.
func (s *searcher) climb(start []int) {
	in := s.in
	cur := slices.Clone(start)
	cov := make([]float64, len(in.needs))
	curT := in.tallyOf(cur, cov)
	curV := in.value(curT)
	base := make([]float64, len(in.needs))
	trial := make([]float64, len(in.needs))
	for round := 0; round < maxPolishRounds; round++ {
		bestV := curV + eps
		var best []int
		consider := func(set []int, t tally, c []float64) {
			v := in.value(t)
			if v < bestV && v < s.top.threshold()-eps {
				return
			}
			if !in.feasible(set, t, c, s.relaxed) {
				return
			}
			sorted := slices.Clone(set)
			slices.Sort(sorted)
			s.top.offer(sorted, v)
			if v > bestV {
				bestV, best = v, sorted
			}
		}
		for _, m := range cur {
			s.inS[m] = true
		}
		// Drop or swap member i (i == len(cur): add to the whole coalition).
		for i := 0; i <= len(cur); i++ {
			rest := make([]int, 0, len(cur))
			for j, m := range cur {
				if j != i {
					rest = append(rest, m)
				}
			}
			rt := in.tallyOf(rest, base)
			gaps := open(base)
			if i < len(cur) && len(rest) > 0 {
				consider(rest, rt, base)
			}
			if len(rest) >= in.maxSize {
				continue
			}
			for _, x := range s.pool {
				c := &in.cands[x]
				if c.needs&gaps == 0 || s.inS[x] || (c.large && rt.large >= in.maxLarge) {
					continue
				}
				g := in.gain(x, base)
				if g <= eps {
					continue
				}
				nt := rt
				nt.size++
				nt.coverage += g
				nt.kinds |= 1 << uint(c.kind)
				if c.inc {
					nt.inc++
				}
				if c.large {
					nt.large++
				}
				for _, m := range rest {
					nt.trustSum += in.trustOf(x, m)
				}
				if v := in.value(nt); v < bestV && v < s.top.threshold()-eps {
					continue
				}
				copy(trial, base)
				for _, o := range c.offers {
					trial[o.need] += o.level
				}
				consider(append(rest, x), nt, trial)
			}
		}
		for _, m := range cur {
			s.inS[m] = false
		}
		if best == nil {
			return
		}
		cur = best
		curV = bestV
	}
}
