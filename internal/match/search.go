package match

import (
	"math"
	"math/bits"
	"slices"
)

// item is a candidate in a node's list, with its sort key and its bound.
type item struct {
	c     int
	key   float64
	bound float64
	u     float64 // a_C·gain + a_D·[new kind]/denom
	ex    float64 // trust above the default with the members so far
	g     float64 // coverage gain
	role  uint64  // the open needs it offers (short lists of repairs)
}

// sizeBound is the bound of a node for one final size m.
type sizeBound struct {
	m, pairs  float64
	j         int        // members to add
	base, cap float64    // score of the members so far; most the others can add
	top       [8]float64 // the j largest candidate values, descending
	n         int
	sum       float64    // of top[:n]
	rest      [8]float64 // the j−1 largest values but for coverage, descending
	nRest     int
	restSum   float64 // of rest[:nRest]
}

// roomLeft bounds the coverage that q more candidates can add once candidate x has
// joined members with summed levels cov: per open need, what x leaves of it, at most
// the sum of the q largest levels left for it (prefix sums in needTop).
func (s *searcher) roomLeft(x int, cov, needTop []float64, q int) float64 {
	in := s.in
	var room float64
	offers := in.cands[x].offers
	k := 0
	for _, i := range s.open[len(s.members)] {
		left := 1 - cov[i]
		for k < len(offers) && offers[k].need < i {
			k++
		}
		if k < len(offers) && offers[k].need == i {
			left -= offers[k].level
		}
		if left > 0 {
			room += in.w[i] * math.Min(left, needTop[i*in.maxSize+q-1])
		}
	}
	return room
}

// itemValue is the most candidate it can add to a coalition of final size b.m.
func (s *searcher) itemValue(it item, b *sizeBound) float64 {
	c := &s.in.cands[it.c]
	v := it.u
	if c.inc {
		v += s.in.aI / b.m
	}
	if b.pairs > 0 && c.trusted {
		v += s.in.aT * (it.ex + c.gains[min(b.j-1, len(c.gains)-1)]/2) / b.pairs
	}
	return v
}

// searcher runs one search of an instance: rules with or without rule 2.
type searcher struct {
	in      *instance
	relaxed bool
	top     topList
	budget  int // candidate evaluations the tree search may make; 0: no limit
	work    int
	stopped bool
	// weighed counts the work of every part of the search in weighed evaluations:
	// one for each candidate a node weighs, and for each member whose contribution
	// an added member or an offered coalition makes it weigh again. effort caps it
	// on pools of every size (Options.Effort). ended records that the effort was
	// spent or the caller stopped the search (interrupted): unlike stopped, no
	// repair clears it, and nothing after it searches further.
	weighed     int
	effort      int
	ended       bool
	interrupted bool
	// stop, when closed, ends the search (Options.Stop); it is looked at every
	// stopEvery weighed evaluations, at nextCheck.
	stop      <-chan struct{}
	nextCheck int
	// unexplored bounds the score of the coalitions the tree search left unexplored
	// when it stopped: the bound of the root's child it was in (the root's children
	// are tried best bound first, so no later one can do better).
	unexplored float64

	pool []int // candidates in play after the exact reduction, by index

	members  []int       // the current partial coalition, in the order added
	cov      [][]float64 // cov[d]: summed levels of members[:d]
	tal      []tally     // tal[d]: tally of members[:d]
	buf      [][]item    // buf[d]: the list a node at depth d hands its children
	needTop  [][]float64 // needTop[d]: for each need, the largest levels left, at depth d
	open     [][]int     // open[d]: the needs not fully covered at depth d
	mustPos  []int       // need index → position among the must needs, or −1 when relaxed
	sorted   []int       // scratch: members in ascending order
	scratch  []float64   // scratch summed levels
	inS      []bool      // scratch membership flags
	sizes    [9]sizeBound
	roleBest [][]item // scratch for short lists
	// repairing: only branches that could beat the best coalition found are
	// explored (see repair).
	repairing bool
	// maxClimbs, when set, is the most local searches polish starts; otherwise
	// the top list's size (variants.go: a list longer than the answer).
	maxClimbs int
	// root is the depth of the tree search's root: 0, or 1 when one member is
	// given (fit.go: the coalitions that include a partner).
	root int
}

func newSearcher(in *instance, relaxed bool, top, budget int, pool []int, effort int, stop <-chan struct{}) *searcher {
	k := in.maxSize
	s := &searcher{in: in, relaxed: relaxed, top: topList{n: top}, budget: budget, pool: pool, effort: effort, stop: stop,
		members: make([]int, 0, k), cov: make([][]float64, k+1), tal: make([]tally, k+1),
		buf: make([][]item, k+1), needTop: make([][]float64, k+1), open: make([][]int, k+1), mustPos: make([]int, len(in.needs)),
		scratch: make([]float64, len(in.needs)), inS: make([]bool, len(in.cands))}
	for d := range s.cov {
		s.cov[d] = make([]float64, len(in.needs))
		s.needTop[d] = make([]float64, len(in.needs)*k)
	}
	for i := range s.mustPos {
		s.mustPos[i] = -1
	}
	if !relaxed {
		for j, i := range in.must {
			s.mustPos[i] = j
		}
	}
	return s
}

// run fills s.top: incumbents first, then the tree search, then, when the tree search
// ran out of budget, a local search around what it found. When the effort is spent
// or the caller stops the search, it ends at once with what it has found: no repair
// or local search follows.
func (s *searcher) run() {
	s.seed()
	total := s.budget
	if s.budget > 0 {
		s.budget = total * treeShare / 100 // the rest is for the repairs
	}
	all := make([]item, len(s.pool))
	for i, c := range s.pool {
		all[i] = item{c: c}
	}
	s.node(0, all)
	if s.stopped && !s.ended {
		s.improve(total - s.budget)
		s.polish()
		s.stopped = true
	}
}

// stopEvery is how many weighed evaluations the search makes between two looks at
// its stop channel: tens of microseconds of work, so that a stopped search ends
// well within a millisecond, while a look per node would cost more than the node.
const stopEvery = 4096

// halted reports whether the search must end here: its caller closed the stop
// channel, it has spent its effort, or the tree search its budget.
func (s *searcher) halted() bool {
	if s.ended {
		return true
	}
	if s.stop != nil && s.weighed >= s.nextCheck {
		s.nextCheck = s.weighed + stopEvery
		select {
		case <-s.stop:
			s.ended, s.interrupted = true, true
			return true
		default:
		}
	}
	if s.effort > 0 && s.weighed > s.effort {
		s.ended = true
		return true
	}
	return s.budget > 0 && s.work > s.budget
}

// bound is an upper bound on the score of any coalition of the search's rules: the
// best score found when the tree search ran to its end, and otherwise at least
// what it left unexplored could reach.
func (s *searcher) bound() float64 {
	b := 0.0
	if len(s.top.items) > 0 {
		b = s.top.items[0].score
	}
	if s.stopped {
		b = math.Max(b, s.unexplored)
	}
	return b
}

// treeShare is the percentage of a search's budget for the tree search over the
// whole pool; the rest goes to the repairs (lns.go).
const treeShare = 30

// cut is the bound below which a branch is not worth exploring: the score needed to
// enter the top list, or more while a repair looks only for improvements.
func (s *searcher) cut() float64 {
	floor := s.top.threshold()
	if s.repairing && len(s.top.items) > 0 {
		floor = math.Max(floor, s.top.items[0].score)
	}
	return floor - eps
}

// record offers the current partial coalition to the top list when it is feasible.
func (s *searcher) record(d int) {
	t := s.tal[d]
	if t.size < s.in.minSize {
		return
	}
	v := s.in.value(t)
	if v < s.top.threshold()-eps {
		return
	}
	s.weighed += t.size // feasible weighs each member's contribution again
	if !s.in.feasible(s.members, t, s.cov[d], s.relaxed) {
		return
	}
	s.sorted = append(s.sorted[:0], s.members...)
	slices.Sort(s.sorted)
	s.top.offer(s.sorted, v)
}

// add extends members[:d] by x into depth d+1 and reports whether no member became
// a free rider (a branch with a free rider can never become feasible).
func (s *searcher) add(d, x int) bool {
	in := s.in
	c := &in.cands[x]
	prev, next := s.cov[d], s.cov[d+1]
	copy(next, prev)
	t := s.tal[d]
	t.coverage += in.gain(x, prev)
	for _, o := range c.offers {
		next[o.need] += o.level
	}
	for _, m := range s.members[:d] {
		t.trustSum += in.trustOf(x, m)
	}
	t.size++
	t.kinds |= 1 << uint(c.kind)
	if c.inc {
		t.inc++
	}
	if c.large {
		t.large++
	}
	s.members = append(s.members[:d], x)
	s.tal[d+1] = t
	s.weighed += d + 1
	// Only members sharing a need with x can have lost their contribution.
	for _, m := range s.members[:d] {
		if in.contribution(m, next) <= eps {
			return false
		}
	}
	return true
}

// node expands the partial coalition members[:d] with candidates from list.
func (s *searcher) node(d int, list []item) {
	in := s.in
	if d > 0 {
		s.record(d)
	}
	r := in.maxSize - d
	if r == 0 || s.stopped {
		return
	}
	// The root always computes its bounds, so that a search stopped at once still
	// proves one.
	if d > s.root && s.halted() {
		s.stopped = true
		return
	}
	t, cov := s.tal[d], s.cov[d]
	nk := bits.OnesCount64(t.kinds)
	// Scan: drop what can never join; note what is left of kinds, inclusion and the
	// largest levels left for each need.
	needTop := s.needTop[d]
	clear(needTop)
	var kindsLeft uint64
	incLeft := 0
	out := s.buf[d][:0]
	gaps := open(cov)
	// The work is the candidates evaluated, plus a little for those skipped by mask.
	s.work += 1 + len(list)/32
	s.weighed += 1 + len(list)/32
	for _, it := range list {
		x := it.c
		c := &in.cands[x]
		if c.needs&gaps == 0 || (c.large && t.large >= in.maxLarge) {
			continue
		}
		s.work++
		s.weighed++
		g := in.gain(x, cov)
		if g <= eps {
			continue
		}
		u := in.aC * g
		if t.kinds&(1<<uint(c.kind)) == 0 {
			u += in.aD / in.denom
		}
		if c.inc {
			incLeft++
		}
		kindsLeft |= 1 << uint(c.kind)
		for _, o := range c.offers {
			if gaps&needBit(o.need) != 0 {
				pushTop(needTop[o.need*in.maxSize:o.need*in.maxSize+r], r, o.level)
			}
		}
		out = append(out, item{c: x, u: u, ex: in.excessTrust(x, s.members[:d]), g: g})
	}
	s.buf[d] = out
	if len(out) == 0 {
		return
	}
	// needTop rows become prefix sums: the most the q best levels left add to need i.
	openNeeds := s.open[d][:0]
	for i := range in.needs {
		if gaps&needBit(i) == 0 || cov[i] >= 1 {
			continue
		}
		openNeeds = append(openNeeds, i)
		row := needTop[i*in.maxSize : i*in.maxSize+r]
		for q := 1; q < r; q++ {
			row[q] += row[q-1]
		}
	}
	s.open[d] = openNeeds

	// Can the rules still be met below this node?
	if !s.relaxed {
		for _, i := range in.must {
			if cov[i] < 1 && cov[i]+needTop[i*in.maxSize+r-1] < 1-eps {
				return
			}
		}
	}
	missing := in.require &^ t.kinds
	if missing&^kindsLeft != 0 || bits.OnesCount64(missing) > r {
		return
	}
	if t.inc+min(r, incLeft) < in.minSmall {
		return
	}

	// Bounds per final size m with j = m−d members to add: the score of the members
	// so far, plus the j best values of the candidates left (coverage gain, a new kind,
	// inclusion, trust above the default with the members and, for half, with each
	// other), capped by what each term can still gain.
	nb := 0
	newKinds := bits.OnesCount64(kindsLeft &^ t.kinds)
	for m := max(d+1, in.minSize); m <= in.maxSize; m++ {
		j := m - d
		if j > len(out) {
			break
		}
		b := &s.sizes[nb]
		nb++
		fm := float64(m)
		b.m, b.j, b.pairs = fm, j, float64(m*(m-1)/2)
		b.base = in.aC*t.coverage + in.aD*float64(nk)/in.denom + in.aI*float64(t.inc)/fm + in.aT*DefaultTrust
		b.cap = in.aC*(1-t.coverage) + in.aD*float64(min(j, newKinds))/in.denom + in.aI*float64(min(j, incLeft))/fm
		if m > 1 {
			excess := t.trustSum - DefaultTrust*float64(d*(d-1)/2)
			b.base += in.aT * excess / b.pairs
			b.cap += in.aT * (b.pairs - float64(d*(d-1)/2)) * (in.tmax - DefaultTrust) / b.pairs
		}
		b.n, b.nRest = 0, 0
		for _, it := range out {
			v := s.itemValue(it, b)
			b.n = pushTop(b.top[:j], b.n, v)
			if j > 1 {
				b.nRest = pushTop(b.rest[:j-1], b.nRest, v-in.aC*it.g)
			}
		}
		b.sum, b.restSum = 0, 0
		for _, v := range b.top[:b.n] {
			b.sum += v
		}
		for _, v := range b.rest[:b.nRest] {
			b.restSum += v
		}
	}
	// Sizes that no choice of candidates can bring up to the threshold need no
	// further look.
	thr := s.cut()
	mRef := float64(max(d+1, in.minSize))
	live := 0
	for i := range s.sizes[:nb] {
		if b := s.sizes[i]; b.base+math.Min(b.sum, b.cap) >= thr {
			s.sizes[live] = b
			live++
		}
	}
	nb = live
	if nb == 0 {
		return
	}
	kept := out[:0]
	for _, it := range out {
		c := &in.cands[it.c]
		best := math.Inf(-1)
		for i := range s.sizes[:nb] {
			b := &s.sizes[i]
			v := s.itemValue(it, b)
			// The j−1 best values besides this candidate's.
			other := b.sum - b.top[b.j-1]
			if v >= b.top[b.j-1] {
				other = b.sum - v
			}
			bound := b.base + math.Min(v+other, b.cap)
			if bound >= thr && b.j > 1 {
				// Coverage the others can add is also bounded need by need: what is
				// left of each need after this candidate, at most the j−1 largest
				// levels left for it.
				bound = math.Min(bound, b.base+v+b.restSum+in.aC*s.roomLeft(it.c, cov, needTop, b.j-1))
			}
			best = math.Max(best, bound)
		}
		if best < thr {
			continue
		}
		it.bound = best
		it.key = it.u
		// Among equal bounds, prefer a partner that takes no more than a fair share
		// of the coverage left, so that the search meets coalitions of many partners
		// with small parts early.
		it.key -= in.aC * math.Max(0, it.g-(1-t.coverage)/float64(r))
		if c.inc {
			it.key += in.aI / mRef
		}
		kept = append(kept, it)
	}
	slices.SortFunc(kept, func(a, b item) int {
		if a.bound != b.bound {
			if a.bound > b.bound {
				return -1
			}
			return 1
		}
		if a.key != b.key {
			if a.key > b.key {
				return -1
			}
			return 1
		}
		return a.c - b.c
	})
	for i, it := range kept {
		if it.bound < s.cut() {
			continue
		}
		if s.add(d, it.c) {
			s.node(d+1, kept[i+1:])
		}
		s.members = s.members[:d]
		if s.stopped {
			if d == s.root && !s.repairing {
				s.unexplored = it.bound
			}
			return
		}
	}
}

// pushTop inserts v into top, the n largest values so far in descending order, and
// returns the new count (at most len(top)).
func pushTop(top []float64, n int, v float64) int {
	if len(top) == 0 {
		return 0
	}
	if n == len(top) {
		if v <= top[n-1] {
			return n
		}
		n--
	}
	i := n
	for i > 0 && top[i-1] < v {
		top[i] = top[i-1]
		i--
	}
	top[i] = v
	return n + 1
}
