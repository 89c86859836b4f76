package match

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"samenspel/internal/profiles"
)

// Input is everything one answer depends on: the tender (defaults applied, valid),
// the profiles to consider (valid, unique ids) and the trust between partners.
type Input struct {
	Tender   profiles.Tender
	Profiles []profiles.Profile
	Trust    *Trust
}

// Limits and defaults of the search.
const (
	DefaultTop = 10
	MaxTop     = 50
	// ExactPool is the pool size (after the exact reduction) up to which the tree
	// search runs without a budget of candidate evaluations, so that its answer is
	// proven unless the effort runs out first.
	ExactPool = 32
	// DefaultBudget is the number of candidate evaluations the tree search may make
	// on larger pools.
	DefaultBudget = 50_000
	// DefaultEffort is the number of weighed evaluations one search may make on a
	// pool of any size (SPEC §6: every search is bounded): 2 to 3 seconds of one
	// core on the densest pools (32 partners that each offer all of 30 needs),
	// where an ordinary pool of up to ExactPool needs thousands, and Budget ends a
	// larger pool's search at some 20,000 to 60,000.
	DefaultEffort = 10_000_000
)

// Options tune one search. The zero value asks for the defaults.
type Options struct {
	Top    int // coalitions to return: DefaultTop when 0, at most MaxTop
	Budget int // candidate evaluations for pools above ExactPool: DefaultBudget when 0
	// Effort is the weighed evaluations the search may make on a pool of any size,
	// counting every member whose contribution it weighs: DefaultEffort when 0.
	Effort int
	// Stop, when closed, ends the search at its next look (every few thousand
	// weighed evaluations, well under a millisecond): the answer then holds the
	// best coalitions found so far, with Exact false and Interrupted true. Callers
	// hand it their context's Done channel; nil never stops.
	Stop <-chan struct{}
	// Variants lists a coalition that is a better-ranked one with partners swapped
	// for others that do as well only once, and names each member's alternatives
	// (SPEC §6; the definition is in variants.go). Top then counts the coalitions
	// kept.
	Variants bool
}

// Result is the answer to a tender (SPEC §6).
type Result struct {
	Tender     string      `json:"tender"`
	Feasible   bool        `json:"feasible"`
	Candidates int         `json:"candidates"`
	Coalitions []Coalition `json:"coalitions"`
	// Exact is true when the coalitions are the proven top N: the search ran to its
	// end within its budget and was not stopped.
	Exact bool `json:"exact"`
	// Bound is, when Exact is false, the upper bound the search proved on the score
	// of any coalition: none can score above it (SPEC §6). Nil when Exact.
	Bound    *float64 `json:"bound,omitempty"`
	Warnings []string `json:"warnings"`
	// Interrupted is true when Options.Stop ended the search: the answer depends on
	// when that happened, not on the input alone, so it must not be cached or
	// stored.
	Interrupted bool `json:"-"`
}

// Coalition is one suggested coalition with the reasons behind it.
type Coalition struct {
	Rank      int       `json:"rank"`
	Score     float64   `json:"score"`
	Breakdown Breakdown `json:"breakdown"`
	Lead      *string   `json:"lead"`
	Gaps      []string  `json:"gaps"`
	Warnings  []string  `json:"warnings"`
	Members   []Member  `json:"members"`
}

// Member is one partner of a coalition and what it adds. It carries public fields
// only.
type Member struct {
	ID          string   `json:"id"`
	Name        string   `json:"name"`
	Kind        string   `json:"kind"`
	Size        string   `json:"size"`
	Instruments []string `json:"instruments"`
	Unique      []string `json:"unique"`
	Shapley     float64  `json:"shapley"`
	Budget      *int64   `json:"budget,omitempty"`
	// Alternatives, with Options.Variants, are the ids of the candidates that could
	// take this member's seat, the others staying, at the same score and within the
	// rules: sorted, absent when there are none.
	Alternatives []string `json:"alternatives,omitempty"`
}

// Suggest answers a tender: the top N feasible coalitions, or, when none is
// feasible, the best ones under rules 1, 3 and 4 with their gaps.
func Suggest(in Input, opt Options) Result {
	top := opt.Top
	if top <= 0 {
		top = DefaultTop
	}
	top = min(top, MaxTop)
	budget := opt.Budget
	if budget <= 0 {
		budget = DefaultBudget
	}
	inst := newInstance(&in.Tender, in.Profiles, in.Trust)
	res := Result{Tender: in.Tender.ID, Candidates: len(inst.cands), Coalitions: []Coalition{}, Warnings: []string{}, Exact: true}
	if len(inst.cands) == 0 {
		res.Warnings = append(res.Warnings, "no candidates: no profile outside exclude offers a needed instrument in an area overlapping the tender's")
		return res
	}
	for _, k := range in.Tender.RequireKinds {
		if !slices.Contains(inst.kinds[:inst.K], k) {
			res.Warnings = append(res.Warnings, fmt.Sprintf("no candidate is of required kind %q", k))
		}
	}
	// The search always keeps at least DefaultTop coalitions: more starting points
	// for its repairs, and the answer for a smaller top is the first part of the
	// answer for DefaultTop.
	keep := max(top, DefaultTop)
	reduceTo := keep
	if opt.Variants {
		reduceTo = 1 // of identical candidates, only the first max_size can be kept (variants.go)
	}
	pool := inst.reduce(reduceTo)
	if len(pool) <= ExactPool {
		budget = 0
	}
	effort := opt.Effort
	if effort <= 0 {
		effort = DefaultEffort
	}
	// search returns the searcher and the coalitions of the answer, best first
	// (with variants, the kept ones).
	search := func(relaxed bool, effort int) (*searcher, []found) {
		if opt.Variants {
			return inst.searchVariants(relaxed, keep, budget, pool, effort, opt.Stop)
		}
		s := newSearcher(inst, relaxed, keep, budget, pool, effort, opt.Stop)
		s.run()
		return s, s.top.items
	}
	s, items := search(false, effort)
	// A search that stopped without a feasible coalition has not proven that there
	// is none: the answer stays inexact even when the search without rule 2 ends.
	stopped, ended, interrupted := s.stopped, s.ended, s.interrupted
	res.Feasible = len(items) > 0
	if !res.Feasible {
		// The search without rule 2 has what is left of the effort (at least one
		// look, so that it still returns its greedy coalitions).
		s, items = search(true, max(1, effort-s.weighed))
		stopped, ended, interrupted = stopped || s.stopped, ended || s.ended, interrupted || s.interrupted
		if len(items) > 0 {
			res.Warnings = append(res.Warnings, "no coalition covers every must need: these are the best under the other rules, with their gaps")
		}
	}
	items = items[:min(top, len(items))]
	var alts [][][]string
	partial := false
	if opt.Variants {
		w := newSwapper(inst, s.relaxed)
		for _, f := range items {
			a, complete := w.alternatives(f.members, f.score, opt.Stop, &s.weighed)
			alts = append(alts, a)
			if !complete {
				stopped, interrupted, partial = true, true, true
				break
			}
		}
	}
	if stopped {
		res.Exact = false
		bound := s.bound()
		if len(items) > 0 {
			// With variants the last round's list lacks the coalitions kept before it.
			bound = math.Max(bound, items[0].score)
		}
		res.Bound = &bound
		res.Interrupted = interrupted
		why := fmt.Sprintf("the search reached its budget of %d candidate evaluations", budget)
		switch {
		case interrupted:
			why = "the search was stopped at its deadline"
		case ended:
			why = fmt.Sprintf("the search reached its effort of %d weighed evaluations", effort)
		}
		res.Warnings = append(res.Warnings, fmt.Sprintf("%s: these are the best coalitions found, not proven optimal; no coalition scores above %.4f", why, bound))
	}
	if partial {
		res.Warnings = append(res.Warnings, "the search was stopped before it had weighed every alternative: some members' lists of alternatives may be incomplete")
	}
	if len(items) == 0 {
		res.Warnings = append(res.Warnings, "no coalition meets the size, kind, large and small rules without a free rider")
	}
	for i, f := range items {
		c := inst.describe(f.members)
		c.Rank = i + 1
		if i < len(alts) {
			for j := range c.Members {
				c.Members[j].Alternatives = alts[i][j]
			}
		}
		res.Coalitions = append(res.Coalitions, c)
	}
	return res
}

// reduce returns the candidates in play: all of them, except that of a group of
// candidates identical in everything the score and the rules see (and with no
// recorded trust), only the first top+max_size−1 by id are kept. A coalition with a
// later one is beaten by at least top coalitions that swap it for an earlier one
// outside it: same score, smaller ids.
func (in *instance) reduce(top int) []int {
	keep := top + in.maxSize - 1
	groups := map[string]int{}
	pool := make([]int, 0, len(in.cands))
	var b strings.Builder
	for i := range in.cands {
		c := &in.cands[i]
		if !c.trusted {
			b.Reset()
			fmt.Fprintf(&b, "%d|%s|%t", c.kind, c.p.Size, c.p.NewProvider)
			for _, o := range c.offers {
				b.WriteString("|")
				b.WriteString(strconv.Itoa(o.need))
				b.WriteString(":")
				b.WriteString(strconv.FormatFloat(o.level, 'g', -1, 64))
			}
			k := b.String()
			groups[k]++
			if groups[k] > keep {
				continue
			}
		}
		pool = append(pool, i)
	}
	return pool
}

// describe explains a coalition: its score, breakdown, members with their
// instruments, unique instruments and Shapley values, budget shares, lead, gaps and
// warnings.
func (in *instance) describe(members []int) Coalition {
	cov := make([]float64, len(in.needs))
	t := in.tallyOf(members, cov)
	phi := in.shapley(members)
	c := Coalition{Score: in.value(t), Breakdown: in.breakdown(t), Gaps: []string{}, Warnings: []string{}}

	brings := make([][]string, len(members))
	count := make([]int, len(in.needs))
	for i, m := range members {
		for _, o := range in.cands[m].offers {
			brings[i] = append(brings[i], in.needs[o.need].Instrument)
			count[o.need]++
		}
	}
	for i, m := range members {
		p := in.cands[m].p
		mem := Member{ID: p.ID, Name: p.Name, Kind: p.Kind, Size: p.Size, Instruments: brings[i], Unique: []string{}, Shapley: phi[i]}
		if mem.Instruments == nil {
			mem.Instruments = []string{}
		}
		for _, o := range in.cands[m].offers {
			if count[o.need] == 1 {
				mem.Unique = append(mem.Unique, in.needs[o.need].Instrument)
			}
		}
		c.Members = append(c.Members, mem)
	}
	if b := in.tender.Budget; b != nil {
		for i, amount := range splitBudget(*b, phi) {
			c.Members[i].Budget = &amount
		}
	}

	lead := -1
	for i, m := range members {
		if in.cands[m].p.CanLead && (lead < 0 || phi[i] > phi[lead]+eps) {
			lead = i
		}
	}
	if lead >= 0 {
		c.Lead = &c.Members[lead].ID
	} else {
		c.Warnings = append(c.Warnings, "no member can lead: the coalition must agree on a lead partner")
	}
	for i := range members {
		if c.Score > 0 && phi[i] > c.Score/2+eps {
			c.Warnings = append(c.Warnings, fmt.Sprintf("dominant partner: %s holds %.0f%% of the score; check that the others keep a say", c.Members[i].ID, 100*phi[i]/c.Score))
		}
	}
	for i, n := range in.needs {
		if cov[i] >= 1-eps {
			continue
		}
		if n.Must {
			c.Gaps = append(c.Gaps, n.Instrument)
		} else {
			c.Warnings = append(c.Warnings, fmt.Sprintf("need %s covered for %.0f%%", n.Instrument, 100*math.Min(1, cov[i])))
		}
	}
	return c
}

// shapley returns each member's Shapley value of score() over the subsets of the
// members; the values sum to the coalition's score.
func (in *instance) shapley(members []int) []float64 {
	cov := make([]float64, len(in.needs))
	return shapleyOf(members, func(sub []int) float64 { return in.value(in.tallyOf(sub, cov)) })
}

func binomial(n, k int) float64 {
	r := 1.0
	for i := 1; i <= k; i++ {
		r = r * float64(n-k+i) / float64(i)
	}
	return r
}

// splitBudget divides budget in proportion to the positive Shapley values, each share
// rounded down to whole euros, the remainder to the largest share (ties: the first,
// which is the smallest id). With no positive value the split is equal.
func splitBudget(budget int64, phi []float64) []int64 {
	pos := make([]float64, len(phi))
	var total float64
	for i, f := range phi {
		pos[i] = math.Max(f, 0)
		total += pos[i]
	}
	if total <= 0 {
		for i := range pos {
			pos[i] = 1
		}
		total = float64(len(pos))
	}
	out := make([]int64, len(phi))
	var sum int64
	largest := 0
	for i, p := range pos {
		x := float64(budget) * p / total
		out[i] = int64(math.Floor(x + 1e-9*math.Max(1, x)))
		sum += out[i]
		if p > pos[largest]+eps {
			largest = i
		}
	}
	out[largest] += budget - sum
	return out
}
