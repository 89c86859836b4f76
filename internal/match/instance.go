package match

import (
	"math"
	"math/bits"
	"sort"

	"samenspel/internal/profiles"
)

// eps is the tolerance for comparing scores and coverage (SPEC §6: scores that differ
// by less than 1e-9 are equal).
const eps = 1e-9

// offer is one needed instrument a candidate brings, by need index.
type offer struct {
	need  int
	level float64
}

// cand is a candidate reduced to what the score and the rules see. Candidates are
// indexed in order of id, so sorting members by index sorts them by id.
type cand struct {
	p       *profiles.Profile
	offers  []offer // by need index
	needs   uint64  // bit i set when the candidate offers need i
	kind    int     // index into instance.kinds
	large   bool
	inc     bool        // small or new provider
	trusted bool        // has a recorded trust other than the default with another candidate
	nb      []trustEdge // those trusts, by candidate index
	// gains[q] is the sum of the q largest positive excesses of trust over the
	// default with other candidates; gains[0] = 0.
	gains []float64
}

// trustEdge is a recorded trust with another candidate.
type trustEdge struct {
	other int
	trust float64
}

// instance is one tender against its candidates, ready to score.
type instance struct {
	tender *profiles.Tender
	needs  []profiles.Need
	w      []float64 // need weight divided by the sum of the weights
	W      float64   // the sum of the need weights
	must   []int     // indices of must needs

	aC, aD, aT, aI float64 // score weights divided by their sum

	cands []cand
	kinds []string // kind codes of the candidates, sorted, then required kinds none of them has
	K     int      // distinct kinds among the candidates
	denom float64  // min(max_size, K)

	minSize, maxSize, maxLarge, minSmall int
	require                              uint64 // bit per required kind

	tmax float64 // the largest trust of any pair
}

// newInstance selects the candidates of a tender (SPEC §3) and projects them onto the
// needs. Profiles with a repeated id after the first are ignored.
func newInstance(t *profiles.Tender, ps []profiles.Profile, tr *Trust) *instance {
	return newInstanceWith(t, ps, tr, nil)
}

// newInstanceWith is newInstance that also keeps the profiles in force, eligible or
// not (to score a proposed coalition); K still counts the eligible ones' kinds only.
func newInstanceWith(t *profiles.Tender, ps []profiles.Profile, tr *Trust, force map[string]bool) *instance {
	// A valid tender has max_size at most 8; the search's fixed arrays rely on it.
	in := &instance{tender: t, needs: t.Needs, minSize: t.MinSize, maxSize: min(t.MaxSize, profiles.MaxMaxSize), minSmall: t.MinSmall}
	needIdx := make(map[string]int, len(t.Needs))
	var W float64
	for i, n := range t.Needs {
		needIdx[n.Instrument] = i
		W += n.Weight
		if n.Must {
			in.must = append(in.must, i)
		}
	}
	in.W = W
	in.w = make([]float64, len(t.Needs))
	for i, n := range t.Needs {
		in.w[i] = n.Weight / W
	}
	wt := profiles.NormalizeWeights(t.Weights)
	in.aC, in.aD, in.aT, in.aI = wt.Coverage, wt.Diversity, wt.Trust, wt.Inclusion
	in.maxLarge = in.maxSize
	if t.MaxLarge != nil && *t.MaxLarge < in.maxLarge {
		in.maxLarge = *t.MaxLarge
	}

	excluded := make(map[string]bool, len(t.Exclude))
	for _, id := range t.Exclude {
		excluded[id] = true
	}
	order := make([]int, 0, len(ps))
	kindIdx := map[string]int{}
	for i := range ps {
		if !excluded[ps[i].ID] && overlaps(ps[i].Areas, t.Area) && offersAny(ps[i].Instruments, needIdx) {
			order = append(order, i)
			kindIdx[ps[i].Kind] = 0
		} else if force[ps[i].ID] {
			order = append(order, i)
		}
	}
	sort.SliceStable(order, func(a, b int) bool { return ps[order[a]].ID < ps[order[b]].ID })

	for k := range kindIdx {
		in.kinds = append(in.kinds, k)
	}
	sort.Strings(in.kinds)
	in.K = len(in.kinds)
	for _, i := range order {
		if _, ok := kindIdx[ps[i].Kind]; !ok {
			kindIdx[ps[i].Kind] = 0
			in.kinds = append(in.kinds, ps[i].Kind)
		}
	}
	for _, k := range t.RequireKinds {
		if _, ok := kindIdx[k]; !ok {
			kindIdx[k] = 0
			in.kinds = append(in.kinds, k)
		}
	}
	for i, k := range in.kinds {
		kindIdx[k] = i
	}
	for _, k := range t.RequireKinds {
		in.require |= 1 << uint(kindIdx[k])
	}
	// At least 1: a proposed coalition may be scored when nobody is eligible.
	in.denom = float64(max(1, min(in.maxSize, in.K)))

	byID := make(map[string]int, len(order))
	for _, i := range order {
		p := &ps[i]
		if _, dup := byID[p.ID]; dup {
			continue
		}
		byID[p.ID] = len(in.cands)
		c := cand{p: p, kind: kindIdx[p.Kind], large: p.Size == profiles.SizeLarge, inc: p.Inclusive()}
		for code, level := range p.Instruments {
			if j, ok := needIdx[code]; ok && level > 0 {
				c.offers = append(c.offers, offer{need: j, level: level})
			}
		}
		sort.Slice(c.offers, func(a, b int) bool { return c.offers[a].need < c.offers[b].need })
		for _, o := range c.offers {
			c.needs |= needBit(o.need)
		}
		in.cands = append(in.cands, c)
	}

	in.tmax = DefaultTrust
	if tr != nil {
		tr.among(byID, func(a, b int, v float64) {
			if v == DefaultTrust {
				return
			}
			in.cands[a].nb = append(in.cands[a].nb, trustEdge{b, v})
			in.cands[b].nb = append(in.cands[b].nb, trustEdge{a, v})
			in.tmax = math.Max(in.tmax, v)
		})
		for i := range in.cands {
			c := &in.cands[i]
			c.trusted = len(c.nb) > 0
			sort.Slice(c.nb, func(x, y int) bool { return c.nb[x].other < c.nb[y].other })
			var pos []float64
			for _, e := range c.nb {
				if e.trust > DefaultTrust {
					pos = append(pos, e.trust-DefaultTrust)
				}
			}
			sort.Sort(sort.Reverse(sort.Float64Slice(pos)))
			c.gains = make([]float64, len(pos)+1)
			for q, v := range pos {
				c.gains[q+1] = c.gains[q] + v
			}
		}
	}
	return in
}

func overlaps(areas, target []string) bool {
	for _, a := range areas {
		for _, b := range target {
			if profiles.AreasOverlap(a, b) {
				return true
			}
		}
	}
	return false
}

func offersAny(instruments map[string]float64, needs map[string]int) bool {
	for code, level := range instruments {
		if _, ok := needs[code]; ok && level > 0 {
			return true
		}
	}
	return false
}

// trustOf returns the trust between candidates a and b.
func (in *instance) trustOf(a, b int) float64 {
	ca, cb := &in.cands[a], &in.cands[b]
	if !ca.trusted || !cb.trusted {
		return DefaultTrust
	}
	nb := ca.nb
	if len(cb.nb) < len(nb) {
		nb, b = cb.nb, a
	}
	i := sort.Search(len(nb), func(i int) bool { return nb[i].other >= b })
	if i < len(nb) && nb[i].other == b {
		return nb[i].trust
	}
	return DefaultTrust
}

// excessTrust is the trust of candidate x with the members above the default,
// summed over the pairs (negative when distrust outweighs).
func (in *instance) excessTrust(x int, members []int) float64 {
	if !in.cands[x].trusted {
		return 0
	}
	var ex float64
	for _, m := range members {
		ex += in.trustOf(x, m) - DefaultTrust
	}
	return ex
}

// Breakdown is the four terms of a coalition's score, each in [0, 1].
type Breakdown struct {
	Coverage  float64 `json:"coverage"`
	Diversity float64 `json:"diversity"`
	Trust     float64 `json:"trust"`
	Inclusion float64 `json:"inclusion"`
}

// tally is what the score of a set needs, kept incrementally by the search.
type tally struct {
	size     int
	coverage float64 // C(S)
	kinds    uint64
	inc      int
	large    int
	trustSum float64 // over the pairs of S
}

// breakdown turns a tally into the four terms (SPEC §5).
func (in *instance) breakdown(t tally) Breakdown {
	if t.size == 0 {
		return Breakdown{}
	}
	b := Breakdown{
		Coverage:  t.coverage,
		Diversity: math.Min(1, float64(bits.OnesCount64(t.kinds))/in.denom), // above 1 only with members forced in
		Trust:     DefaultTrust,
		Inclusion: float64(t.inc) / float64(t.size),
	}
	if t.size >= 2 {
		b.Trust = t.trustSum / float64(t.size*(t.size-1)/2)
	}
	return b
}

// value is the weighted score of a breakdown; score(∅) = 0.
func (in *instance) value(t tally) float64 {
	if t.size == 0 {
		return 0
	}
	b := in.breakdown(t)
	return in.aC*b.Coverage + in.aD*b.Diversity + in.aT*b.Trust + in.aI*b.Inclusion
}

// tallyOf computes the tally of members from scratch; cov receives the summed levels
// per need and must have len(in.needs).
func (in *instance) tallyOf(members []int, cov []float64) tally {
	clear(cov)
	var t tally
	for i, m := range members {
		c := &in.cands[m]
		for _, o := range c.offers {
			cov[o.need] += o.level
		}
		t.kinds |= 1 << uint(c.kind)
		if c.inc {
			t.inc++
		}
		if c.large {
			t.large++
		}
		for _, other := range members[:i] {
			t.trustSum += in.trustOf(m, other)
		}
	}
	t.size = len(members)
	t.coverage = in.coverageOf(cov)
	return t
}

// coverageOf is C(S) for summed levels cov, computed as SPEC §5 writes it (the sum
// over the needs, then divided by W) so that full coverage is exactly 1.
func (in *instance) coverageOf(cov []float64) float64 {
	var c float64
	for i, v := range cov {
		c += in.needs[i].Weight * math.Min(1, v)
	}
	return c / in.W
}

// needBit is need i's bit in a set of needs. Tenders have at most 50 needs; beyond
// 64 bits would alias, which only makes a mask test pass where the exact gain then
// says no.
func needBit(i int) uint64 { return 1 << uint(i%64) }

// open is the set of needs not yet fully covered by summed levels cov: a candidate
// offering none of them gains nothing.
func open(cov []float64) uint64 {
	var m uint64
	for i, v := range cov {
		if v < 1 {
			m |= needBit(i)
		}
	}
	return m
}

// gain is the coverage candidate x adds to summed levels cov.
func (in *instance) gain(x int, cov []float64) float64 {
	var g float64
	for _, o := range in.cands[x].offers {
		if v := cov[o.need]; v < 1 {
			if v+o.level < 1 {
				g += in.w[o.need] * o.level
			} else {
				g += in.w[o.need] * (1 - v)
			}
		}
	}
	return g
}

// contribution is the coverage member x adds to the others of a set whose summed
// levels, x included, are cov: C(S) − C(S \ {x}).
func (in *instance) contribution(x int, cov []float64) float64 {
	var g float64
	for _, o := range in.cands[x].offers {
		v := cov[o.need]
		g += in.w[o.need] * (math.Min(1, v) - math.Min(1, v-o.level))
	}
	return g
}

// freeRider returns the first member that does not raise coverage (rule 4), or −1.
func (in *instance) freeRider(members []int, cov []float64) int {
	for _, m := range members {
		if in.contribution(m, cov) <= eps {
			return m
		}
	}
	return -1
}

// mustCovered reports whether every must need is fully covered (rule 2).
func (in *instance) mustCovered(cov []float64) bool {
	for _, i := range in.must {
		if cov[i] < 1-eps {
			return false
		}
	}
	return true
}

// feasible checks the rules of SPEC §5 for a set with tally t and summed levels cov;
// relaxed leaves out rule 2 (must needs).
func (in *instance) feasible(members []int, t tally, cov []float64, relaxed bool) bool {
	return t.size >= in.minSize && t.size <= in.maxSize &&
		(relaxed || in.mustCovered(cov)) &&
		t.kinds&in.require == in.require && t.large <= in.maxLarge && t.inc >= in.minSmall &&
		in.freeRider(members, cov) < 0
}
