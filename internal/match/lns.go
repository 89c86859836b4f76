package match

import "slices"

// Large neighbourhood search: when the tree search over the whole pool runs out of
// budget, the best coalitions found are improved by freeing up to maxFreed of their
// members at a time and searching, with the same bounds, every way to complete the
// members kept. A swap of one member (the local search) cannot turn two partners who
// share a need into three who split it; freeing three at once can.

// maxFreed is the most members a repair frees, and maxStarts the most coalitions
// repaired (a new best coalition found by a repair is repaired in turn).
const (
	maxFreed  = 3
	maxStarts = 4
)

// repairBudget is the candidate evaluations one repair may make.
const repairBudget = 4000

// shortListMax is the most candidates a repair considers for the members it frees,
// and perRole the most for one set of open needs.
const (
	shortListMax = 64
	perRole      = 3
)

// improve runs repairs around the best coalitions, best first, until every coalition
// in the top list has been repaired or the budget (candidate evaluations) is spent.
// It reports whether it spent its budget.
func (s *searcher) improve(budget int) bool { return s.improveKeeping(-1, budget) }

// improveKeeping is improve where, when keep ≥ 0, no repair frees keep: the
// search for the coalitions that include it (fit.go) frees up to maxFreed of the
// other members.
func (s *searcher) improveKeeping(keep, budget int) bool {
	limit := s.work + budget
	done := map[string]bool{}
	all := make([]item, 0, len(s.pool))
	for starts := 0; starts < maxStarts; starts++ {
		var start []int
		for _, f := range s.top.items {
			if k := key(f.members); !done[k] {
				done[k] = true
				start = f.members
				break
			}
		}
		if start == nil {
			break
		}
		others, fixed, most := start, []int(nil), len(start)-1
		if keep >= 0 {
			others = slices.DeleteFunc(slices.Clone(start), func(m int) bool { return m == keep })
			fixed, most = []int{keep}, len(others)
		}
		for freed := 1; freed <= min(maxFreed, most); freed++ {
			for _, kept := range subsetsWithout(others, freed) {
				if s.work >= limit || s.ended {
					return true
				}
				if fixed != nil {
					kept = append(slices.Clone(fixed), kept...)
				}
				s.repair(kept, len(start), all, min(repairBudget, limit-s.work))
			}
		}
	}
	return false
}

// repair searches the completions of the members kept that could beat the best
// coalition found, within budget evaluations. Everything it meets that ranks in the
// top list is recorded.
func (s *searcher) repair(kept []int, size int, all []item, budget int) {
	s.members = s.members[:0]
	for d, c := range kept {
		if !s.add(d, c) {
			return // cannot happen: a subset of a coalition has no free rider
		}
	}
	all = s.shortList(len(kept), size, perRole, all)
	saved := s.budget
	s.budget, s.stopped, s.repairing = s.work+budget, false, true
	s.node(len(kept), all)
	s.budget, s.stopped, s.repairing = saved, false, false
	s.members = s.members[:0]
}

// shortList returns, into all, the candidates worth adding to members[:d] for a
// coalition of size members: for each set of open needs a candidate can fill (its
// role), the per candidates that add most, counting a new kind, inclusion and trust
// as the bound does, at most shortListMax in all, ascending. The best completion
// fills the open needs with complementary roles, each filled by one of its best.
func (s *searcher) shortList(d, size, per int, all []item) []item {
	in := s.in
	t, cov := s.tal[d], s.cov[d]
	kept := s.members[:d]
	gaps := open(cov)
	m := float64(size)
	all = all[:0]
	for _, c := range s.pool {
		cd := &in.cands[c]
		if cd.needs&gaps == 0 || slices.Contains(kept, c) || (cd.large && t.large >= in.maxLarge) {
			continue
		}
		g := in.gain(c, cov)
		if g <= eps {
			continue
		}
		v := in.aC * g
		if t.kinds&(1<<uint(cd.kind)) == 0 {
			v += in.aD / in.denom
		}
		if cd.inc {
			v += in.aI / m
		}
		if m > 1 {
			v += in.aT * in.excessTrust(c, kept) / (m * (m - 1) / 2)
		}
		all = append(all, item{c: c, key: v, role: cd.needs & gaps})
	}
	s.work += len(s.pool)/32 + len(all)
	s.weighed += len(s.pool)/32 + len(all)
	// Keep the per best of each role in one pass, then the shortListMax best of
	// those.
	better := func(a, b item) bool { return a.key > b.key || (a.key == b.key && a.c < b.c) }
	roles := map[uint64]int{}
	best := s.roleBest[:0]
	for _, it := range all {
		r, ok := roles[it.role]
		if !ok {
			r = len(best)
			roles[it.role] = r
			best = append(best, make([]item, 0, per))
		}
		row := best[r]
		if len(row) == per && !better(it, row[per-1]) {
			continue
		}
		if len(row) < per {
			row = append(row, it)
		}
		i := len(row) - 1
		for i > 0 && better(it, row[i-1]) {
			row[i] = row[i-1]
			i--
		}
		row[i] = it
		best[r] = row
	}
	s.roleBest = best
	all = all[:0]
	for _, row := range best {
		all = append(all, row...)
	}
	if len(all) > shortListMax {
		slices.SortFunc(all, func(a, b item) int {
			if better(a, b) {
				return -1
			}
			return 1
		})
		all = all[:shortListMax]
	}
	slices.SortFunc(all, func(a, b item) int { return a.c - b.c })
	return all
}

// subsetsWithout returns every subset of set that leaves out exactly n members, in a
// fixed order.
func subsetsWithout(set []int, n int) [][]int {
	var out [][]int
	var rec func(i int, kept []int, left int)
	rec = func(i int, kept []int, left int) {
		if i == len(set) {
			if left == 0 {
				out = append(out, slices.Clone(kept))
			}
			return
		}
		if left > 0 {
			rec(i+1, kept, left-1)
		}
		if len(set)-i > left {
			rec(i+1, append(kept, set[i]), left)
		}
	}
	rec(0, make([]int, 0, len(set)), n)
	return out
}
