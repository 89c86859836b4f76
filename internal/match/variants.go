package match

import (
	"math"
	"slices"
	"sort"
)

// Variants (SPEC §6, Options.Variants): a coalition that is the same idea as a
// better-ranked one, with partners swapped for others that do as well, is listed
// once, and each member of the coalition kept names the partners that could take its
// seat.
//
// # Definition
//
// Let A be a coalition that meets the rules in use (all of them, or all but rule 2
// when no coalition meets rule 2), x a member of A and y a candidate outside A. The
// one-for-one swap A−x+y is valid when A−x+y meets the same rules and scores as A,
// within 1e-9. The alternatives of x in A are the ids of every candidate y for which
// A−x+y is valid, sorted.
//
// A coalition B is a variant of A when both meet the rules, B ≠ A, |B| = |A|, they
// score the same within 1e-9, and every member of B outside A can be given a seat of
// its own among the members of A outside B, one whose alternatives list it: a
// matching of B\A onto A\B in which each y takes the seat of an x with A−x+y valid.
// A swap of one partner, B = A−x+y, is a variant exactly when it scores the same. A
// swap of several partners is a variant only when B itself is a coalition of that
// score and each of its newcomers could have taken its seat alone: alternatives are
// offered one seat at a time, and a combination of alternatives of several seats
// that breaks a rule or scores otherwise is no variant (it is a coalition of its
// own, listed where its score puts it, if anywhere).
//
// The answer walks the coalitions in the order of SPEC §6 (score, then the sorted
// list of member ids) and keeps one unless it is a variant of a coalition kept
// before it; the first N kept are the answer, ranked 1 to N. So the best coalition
// is always kept, no kept coalition is a variant of one kept before it, every
// coalition left out is a variant of a kept one that ranks before it, and the answer
// for a smaller N is the first part of the answer for a larger one. The relation is
// not transitive (A−x+y−z+w may break a rule that neither swap breaks alone), which
// is why a coalition is compared with the kept ones only, in order.
//
// # Search
//
// Three facts keep the search exact:
//
//   - Identical candidates (the groups of the exact reduction: same kind, size, new
//     provider and levels, no recorded trust) are interchangeable, and a kept
//     coalition holds, of each group, the members with the smallest ids: were y' in
//     it and y < y' of its group not, swapping them gives a coalition of the same
//     score that ranks before it, which is kept or a variant of a kept one, and then
//     the coalition is a variant of that kept one too (by induction over the ranks:
//     the kept one holds the smallest ids of the group as well). So of each group
//     only the first max_size can be in a kept coalition, and the search runs on
//     those alone; the alternatives are still looked for among all candidates.
//   - Whether a coalition is kept depends only on the coalitions that rank before
//     it.
//   - A variant of a coalition known to be kept can never be kept.
//
// The search runs in rounds, each the ordinary search with its own list (an
// alikeList): the list refuses the coalitions kept in earlier rounds and their
// variants, keeps the others it is offered in rank order with a flag that says
// whether the walk above would keep them among what the list holds, and ends at the
// m-th flagged one, m being the kept coalitions still wanted (max(N, 10) in all);
// that one's score is the threshold the search prunes against. A coalition found
// later can make an earlier-flagged one a variant and so lower the threshold, which
// may already have cut a branch. So a round keeps for good only the flagged
// coalitions that rank no later than the best-ranked coalition that ever was the
// list's last: everything that ranks before them has been offered and is still in
// the list. The best coalition of the list always is one, so every round keeps at
// least one; usually a round keeps all it looked for. The next round, seeded with
// the last round's list, looks for the rest. Rounds end when max(N, 10) are kept,
// when a round's list never filled (nothing else is left), or when the effort or Stop
// ends one; every round shares the one effort and Stop channel of the search, and
// the local search climbs from the best max(N, 10) only. On pools above ExactPool
// each round has the budget of a search.
//
// The alternatives of the N kept coalitions take one more pass, each seat against
// every candidate (linear in the pool: at most N·max_size times the candidates,
// quick checks that rarely need the rules in full). It looks at Stop as the search
// does, but not at the effort, which the search may have spent: when Stop ends it,
// the lists found so far stay, the answer is exact false and interrupted, and a
// warning says that some lists may be incomplete.

// swapper checks one-for-one swaps and variants under one set of rules; work counts
// its weighed evaluations (each member a check weighs).
type swapper struct {
	in      *instance
	relaxed bool
	set     []int
	cov     []float64
	work    int
}

func newSwapper(in *instance, relaxed bool) *swapper {
	return &swapper{in: in, relaxed: relaxed, set: make([]int, 0, in.maxSize), cov: make([]float64, len(in.needs))}
}

// valid reports whether a (which meets the rules, with score v) with member x
// replaced by y, a candidate outside a, meets the rules at score v.
func (w *swapper) valid(a []int, v float64, x, y int) bool {
	w.set = w.set[:0]
	for _, m := range a {
		if m == x {
			m = y
		}
		w.set = append(w.set, m)
	}
	w.work += len(a)
	t := w.in.tallyOf(w.set, w.cov)
	if math.Abs(w.in.value(t)-v) > eps {
		return false
	}
	return w.in.feasible(w.set, t, w.cov, w.relaxed)
}

// alike is a coalition of an alikeList or kept for good, with the one-for-one swaps
// of it checked so far.
type alike struct {
	found
	kept  bool            // in a list: whether the walk keeps it among the list
	swaps map[[2]int]bool // {x, y} → A−x+y is valid
}

func newAlike(f found) *alike { return &alike{found: f, swaps: map[[2]int]bool{}} }

// variantOf reports whether b, a coalition that meets the rules, is a variant of a
// (see the definition above).
func (w *swapper) variantOf(a *alike, b found) bool {
	if len(a.members) != len(b.members) || math.Abs(a.score-b.score) > eps {
		return false
	}
	w.work++
	// A\B (the seats given up) and B\A (the newcomers), merging the ascending lists.
	var seatBuf, newBuf [profilesMaxSize]int
	seats, newcomers := seatBuf[:0], newBuf[:0]
	i, j := 0, 0
	for i < len(a.members) || j < len(b.members) {
		switch {
		case j == len(b.members) || (i < len(a.members) && a.members[i] < b.members[j]):
			seats = append(seats, a.members[i])
			i++
		case i == len(a.members) || b.members[j] < a.members[i]:
			newcomers = append(newcomers, b.members[j])
			j++
		default:
			i++
			j++
		}
	}
	switch len(newcomers) {
	case 0:
		return false // the same coalition
	case 1:
		return true // A−x+y is B itself, which meets the rules at the same score
	}
	valid := func(x, y int) bool {
		k := [2]int{x, y}
		ok, seen := a.swaps[k]
		if !seen {
			ok = w.valid(a.members, a.score, x, y)
			a.swaps[k] = ok
		}
		return ok
	}
	// A matching of the newcomers onto the seats, by augmenting paths.
	var holder [profilesMaxSize]int // seat → newcomer + 1, or 0
	var place func(n int, tried *uint) bool
	place = func(n int, tried *uint) bool {
		for s, x := range seats {
			if *tried&(1<<uint(s)) != 0 || !valid(x, newcomers[n]) {
				continue
			}
			*tried |= 1 << uint(s)
			if holder[s] == 0 || place(holder[s]-1, tried) {
				holder[s] = n + 1
				return true
			}
		}
		return false
	}
	for n := range newcomers {
		var tried uint
		if !place(n, &tried) {
			return false
		}
	}
	return true
}

// profilesMaxSize is the largest coalition (profiles.MaxMaxSize), for fixed arrays.
const profilesMaxSize = 8

// alikeList is the top list of one round of a search for variants (see the notes
// above). Its topList's items are the coalitions it holds, best first; meta holds
// the same coalitions with their flags, and heads the flagged ones.
type alikeList struct {
	w      *swapper
	before []*alike // kept in earlier rounds
	want   int      // flagged coalitions the round looks for
	meta   []*alike
	heads  []*alike
	held   map[string]bool // key(members) of the coalitions held
	// last is the best-ranked coalition that was ever the list's last with want
	// flagged, the threshold; nil while the list has not filled.
	last *found
	// weighed receives the work of the checks (the searcher's count).
	weighed *int
}

func (l *alikeList) threshold(t *topList) float64 {
	if len(l.heads) < l.want {
		return math.Inf(-1)
	}
	return t.items[len(t.items)-1].score
}

// offer adds a coalition unless it ranks after the list's last (when the list has
// filled), is there already, is one kept before or a variant of one.
func (l *alikeList) offer(t *topList, members []int, score float64) bool {
	f := found{members: members, score: score}
	if len(l.heads) >= l.want && !better(f, t.items[len(t.items)-1]) {
		return false
	}
	k := key(members)
	if l.held[k] {
		return false
	}
	before := l.w.work
	defer func() { *l.weighed += l.w.work - before }()
	for _, a := range l.before {
		if slices.Equal(a.members, members) || l.w.variantOf(a, f) {
			return false
		}
	}
	pos := sort.Search(len(t.items), func(i int) bool { return better(f, t.items[i]) })
	f.members = slices.Clone(members)
	a := newAlike(f)
	t.items = slices.Insert(t.items, pos, f)
	l.meta = slices.Insert(l.meta, pos, a)
	l.held[k] = true
	a.kept = !l.variantOfHead(f)
	if !a.kept {
		return true // nothing else changes
	}
	// Those after it may now be variants of it, and those they made variants may
	// not be any more.
	l.heads = l.heads[:0]
	for i, m := range l.meta {
		if i > pos {
			m.kept = !l.variantOfHead(m.found)
		}
		if !m.kept {
			continue
		}
		l.heads = append(l.heads, m)
		if len(l.heads) == l.want {
			for _, dropped := range t.items[i+1:] {
				delete(l.held, key(dropped.members))
			}
			t.items, l.meta = t.items[:i+1], l.meta[:i+1]
			if l.last == nil || better(t.items[i], *l.last) {
				last := t.items[i]
				l.last = &last
			}
			break
		}
	}
	return true
}

// variantOfHead reports whether f is a variant of a flagged coalition that ranks
// before it.
func (l *alikeList) variantOfHead(f found) bool {
	for _, h := range l.heads {
		if !better(h.found, f) {
			break // heads are in rank order
		}
		if l.w.variantOf(h, f) {
			return true
		}
	}
	return false
}

// proven returns the flagged coalitions that rank no later than l.last: for them
// every coalition that ranks before has been offered and kept in the list.
func (l *alikeList) proven() []*alike {
	var out []*alike
	for _, m := range l.meta {
		if l.last != nil && better(*l.last, m.found) {
			break
		}
		if m.kept {
			out = append(out, m)
		}
	}
	return out
}

// searchVariants runs the search of one set of rules for Options.Variants in rounds
// (see the notes above) until keep coalitions are kept, a round's list never filled,
// or the effort or Stop ends a round. It returns the last round's searcher (its
// weighed counting every round and check) and the kept coalitions, best first.
func (in *instance) searchVariants(relaxed bool, keep, budget int, pool []int, effort int, stop <-chan struct{}) (*searcher, []found) {
	w := newSwapper(in, relaxed)
	var kept []*alike
	var last []found
	weighed := 0
	for {
		s := newSearcher(in, relaxed, keep, budget, pool, max(1, effort-weighed), stop)
		s.maxClimbs = keep
		l := &alikeList{w: w, before: kept, want: keep - len(kept), held: map[string]bool{}, weighed: &s.weighed}
		s.top.alike = l
		for _, f := range last {
			s.top.offer(f.members, f.score)
		}
		s.run()
		kept = append(kept, l.proven()...)
		weighed += s.weighed
		s.weighed = weighed
		if len(kept) >= keep || l.last == nil || s.ended {
			out := make([]found, min(keep, len(kept)))
			for i := range out {
				out[i] = kept[i].found
			}
			return s, out
		}
		last = s.top.items
	}
}

// alternatives returns, for each member of coalition a (ascending, meeting the rules
// with score v), the ids of the candidates that could take its seat: those y outside
// a for which a−x+y is valid, sorted (nil when there are none). It looks at stop
// every stopEvery candidates weighed and, when it is closed, returns what it has
// with complete false. work counts the weighed evaluations.
func (w *swapper) alternatives(a []int, v float64, stop <-chan struct{}, work *int) (alts [][]string, complete bool) {
	in := w.in
	alts = make([][]string, len(a))
	base := make([]float64, len(in.needs))
	trial := make([]float64, len(in.needs))
	rest := make([]int, 0, len(a))
	next := *work
	for i, x := range a {
		rest = rest[:0]
		for _, m := range a {
			if m != x {
				rest = append(rest, m)
			}
		}
		rt := in.tallyOf(rest, base)
		gaps := open(base)
		for y := range in.cands {
			*work++
			if stop != nil && *work >= next {
				next = *work + stopEvery
				select {
				case <-stop:
					return alts, false
				default:
				}
			}
			c := &in.cands[y]
			// A candidate that adds no coverage to the others would be a free rider.
			if c.needs&gaps == 0 || (c.large && rt.large >= in.maxLarge) || slices.Contains(a, y) {
				continue
			}
			if in.gain(y, base) <= eps {
				continue
			}
			nt := rt
			nt.size++
			nt.coverage = in.coverageOf(addOffers(trial, base, c.offers))
			nt.kinds |= 1 << uint(c.kind)
			if c.inc {
				nt.inc++
			}
			if c.large {
				nt.large++
			}
			for _, m := range rest {
				nt.trustSum += in.trustOf(y, m)
			}
			if math.Abs(in.value(nt)-v) > eps {
				continue
			}
			*work += len(a)
			if in.feasible(append(rest, y), nt, trial, w.relaxed) {
				alts[i] = append(alts[i], c.p.ID)
			}
		}
	}
	return alts, true
}

// addOffers sets dst to the summed levels base plus offers and returns it.
func addOffers(dst, base []float64, offers []offer) []float64 {
	copy(dst, base)
	for _, o := range offers {
		dst[o.need] += o.level
	}
	return dst
}
