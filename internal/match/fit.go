package match

// Why (not) this partner (SPEC §6). Fit answers, for one tender and one profile,
// what a partner needs to know when it is not suggested: whether it is a
// candidate (and every reason it is not), the best feasible coalition that
// includes it with the place that coalition would take among the tender's
// suggestions, or why no such coalition exists, what keeps it out of the
// coalitions ranked above, and the changes to its own offer that would raise its
// best score most.
//
// # What is searched
//
//   - The tender's suggestions it is compared with: the top FitCompared (50)
//     coalitions, searched as Suggest searches them.
//   - The best coalition with the partner: it starts from the suggestions, each
//     joined by the partner or with one member swapped for it (where a partner
//     most often fits), then runs the tree search of search.go from the partner
//     alone (searcher.root = 1), so that every branch holds it; on pools above
//     ExactPool with the tree's share of the budget, and then repairs (lns.go)
//     that free up to three of the other members, never the partner itself.
//   - Its rank: 1 + the number of the suggestions that rank above its best
//     coalition (by score, equal within 1e-9, then by the sorted member ids,
//     SPEC §6). When all FitCompared rank above it, Rank is nil and RankAtLeast
//     is FitCompared+1. When both searches are exact, that is its rank among all
//     feasible coalitions; otherwise its place among the coalitions the search
//     found, which are what the tender's owner is shown.
//   - Why none exists, when no feasible coalition includes it: a depth-first
//     search (witness) for a coalition with it that meets rules 1–3, leaving out
//     rule 4. If one exists, rule 4 keeps the partner out (NoneFreeRider): in
//     every coalition that meets the other rules, it or another member adds no
//     coverage; the answer shows one such coalition and its free riders. If none
//     exists, the rules of 1–3 that keep it out (NoneRules): each rule that, left
//     out on its own, lets some coalition with it meet the others (free riders
//     aside); when no single rule does, the first smallest set of rules that
//     together does (Jointly).
//   - What keeps it out of the coalitions ranked above its best (the first
//     FitAboveMax): for each, what joining it would do: the coalition is full
//     (max_size), its large seats are taken (max_large), the partner would add no
//     coverage (free_rider), members would then add none (makes_free_riders, the
//     issue 13 case: a partner that offers meals in full makes the one that
//     brought half of them a free rider), or, when the coalition with it meets
//     every rule, that it scores lower (lower_score).
//   - Changes to its offer: each needed instrument it lacks, at level 1, and each
//     needed instrument it offers at a level below 1, at each higher level of
//     OfferLevels. Each is scored by the best coalition with the changed partner
//     (searched as above, from the same suggestions);
//     per instrument the best level is kept (ties: the lowest), the changes that
//     raise its best score are sorted by the score they reach (then instrument
//     code) and the first FitChangesMax returned. Only a partner whose area
//     overlaps the tender's and that is not excluded gets them: no offer changes
//     those.
//
// A stale profile (its reason "stale") is taken as if its owner had confirmed it:
// the coalition, rank and changes are what it would have then, compared with the
// suggestions it would then be part of. Every other profile of Input.Profiles is
// taken as the caller's candidates, as Suggest takes them.
//
// Every part is bounded (SPEC §6) by the one Options.Effort for the whole answer
// and by Options.Stop; pools above ExactPool by Options.Budget per search (a
// change's search by a fifth of it). When any part ends early, Exact is false,
// and changes not yet weighed are left out with a warning saying how many. The
// answer depends on its input alone unless Stop ended it (Interrupted).

import (
	"errors"
	"fmt"
	"math"
	"math/bits"
	"slices"
	"strconv"
	"strings"

	"samenspel/internal/profiles"
)

// OfferLevels are the levels a partner can state for an instrument, as the
// profile forms offer them (internal/web): a change to its offer raises a level to
// one of these.
var OfferLevels = []float64{0.25, 0.5, 0.75, 1}

// Limits of a fit answer.
const (
	// FitCompared is how many of the tender's best coalitions the partner's best is
	// ranked among.
	FitCompared = MaxTop
	// FitAboveMax is how many of the coalitions ranked above its best are
	// explained.
	FitAboveMax = 3
	// FitChangesMax is how many changes to its offer are returned.
	FitChangesMax = 5
	// changeShare is the share (1/changeShare) of Options.Budget that the search
	// for one change's best coalition may spend on pools above ExactPool.
	changeShare = 5
)

// Reasons a profile is no candidate (SPEC §3), and stale: a profile its owner has
// not confirmed for 12 months takes part in no coalition.
const (
	ReasonExcluded   = "excluded"   // the tender's exclude names it
	ReasonArea       = "area"       // none of its areas overlaps the tender's
	ReasonInstrument = "instrument" // it offers none of the needed instruments
	ReasonStale      = "stale"      // not confirmed for 12 months
)

// Rules of SPEC §5 that can keep a partner out of every coalition (FitNone.Rules).
const (
	RuleMinSize      = "min_size"
	RuleMaxSize      = "max_size"
	RuleMust         = "must"
	RuleRequireKinds = "require_kinds"
	RuleMaxLarge     = "max_large"
	RuleMinSmall     = "min_small"
)

// Codes of FitNone.
const (
	// NoneFreeRider: coalitions with it that meet rules 1–3 exist, and in each one
	// a member (it, or another) adds no coverage (rule 4).
	NoneFreeRider = "free_rider"
	// NoneRules: no coalition with it meets rules 1–3; Rules names those that keep
	// it out.
	NoneRules = "rules"
	// NoneNotFound: the search ended (effort, deadline) before it found a
	// coalition with it or proved that there is none.
	NoneNotFound = "not_found"
)

// Codes of FitBlock: what joining a coalition ranked above would do.
const (
	BlockMaxSize         = "max_size"          // the coalition has max_size members (Limit)
	BlockMaxLarge        = "max_large"         // it is large and the coalition has max_large large members (Limit)
	BlockFreeRider       = "free_rider"        // it would add no coverage: the members cover what it offers
	BlockMakesFreeRiders = "makes_free_riders" // Members would then add no coverage
	BlockLowerScore      = "lower_score"       // the coalition with it meets every rule, and scores Score
)

// ErrNoProfile is a fit asked for a profile that is not in the input.
var ErrNoProfile = errors.New("match: fit: no such profile")

// FitResult is the answer to "why (not) this partner" (SPEC §6). Everything in it
// is public: ids, names, kinds, sizes, scores and instrument codes.
type FitResult struct {
	Tender  string     `json:"tender"`
	Profile FitPartner `json:"profile"`
	// Candidate is true when the profile is a candidate for the tender; Reasons
	// lists every reason it is not (Reason*), empty when it is.
	Candidate bool     `json:"candidate"`
	Reasons   []string `json:"reasons"`
	// Best is the best feasible coalition that includes it, described as a
	// suggestion; its rank is Rank, or 0 when Rank is nil. Nil when none was
	// found (None says why) or it is no candidate but for being stale.
	Best *Coalition `json:"best"`
	// Rank is the place Best would take among the tender's suggestions; nil when
	// the FitCompared best coalitions all rank above it (RankAtLeast is then
	// FitCompared+1) or there is no Best.
	Rank        *int `json:"rank"`
	RankAtLeast *int `json:"rank_at_least"`
	// Compared is how many of the tender's coalitions Best was ranked among: the
	// feasible ones found, at most FitCompared.
	Compared int `json:"compared"`
	// Bound is, when the search for Best ended early, the proven upper bound on
	// the score of any coalition that includes it.
	Bound *float64 `json:"bound,omitempty"`
	// None says why no feasible coalition includes it, when it is (or, but for
	// being stale, would be) a candidate and there is no Best.
	None *FitNone `json:"none"`
	// Above explains, for the first FitAboveMax coalitions ranked above Best (all
	// of the tender's, when there is no Best), what keeps it out of them.
	Above []FitAbove `json:"above"`
	// Changes are the changes to its offer that raise its best score most, best
	// first.
	Changes []FitChange `json:"changes"`
	// Exact is true when every part is proven: every search ran to its end.
	Exact    bool     `json:"exact"`
	Warnings []string `json:"warnings"`
	// Interrupted is true when Options.Stop ended a search: the answer must not be
	// cached.
	Interrupted bool `json:"-"`
}

// FitPartner is a partner's public face in a fit answer.
type FitPartner struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	Kind string `json:"kind"`
	Size string `json:"size"`
}

// FitNone says why no feasible coalition includes the partner.
type FitNone struct {
	Code string `json:"code"` // None*
	// Rules are, for NoneRules, the rules that keep it out (Rule*, in SPEC
	// order): each on its own when Jointly is false, all together when true.
	Rules   []string `json:"rules"`
	Jointly bool     `json:"jointly"`
	// Example is, for NoneFreeRider (and NoneNotFound when one was seen), a
	// coalition with it that meets rules 1–3, and the members that add nothing to
	// it.
	Example *FitExample `json:"example"`
}

// FitExample is a coalition that meets every rule but the one against free riders.
type FitExample struct {
	Members    []FitPartner `json:"members"`
	FreeRiders []string     `json:"free_riders"`
}

// FitAbove is a coalition ranked above the partner's best, and what keeps the
// partner out of it.
type FitAbove struct {
	Rank    int          `json:"rank"`
	Score   float64      `json:"score"`
	Members []FitPartner `json:"members"`
	Blocks  []FitBlock   `json:"blocks"`
}

// FitBlock is one thing that joining a coalition would run into (Block*).
type FitBlock struct {
	Code string `json:"code"`
	// Limit is the tender's max_size or max_large.
	Limit *int `json:"limit,omitempty"`
	// Members are, for makes_free_riders, the members that would add nothing.
	Members []string `json:"members,omitempty"`
	// Score is, for lower_score, the score of the coalition with it.
	Score *float64 `json:"score,omitempty"`
}

// FitChange is a change to the partner's offer and the best score it would reach.
type FitChange struct {
	Instrument string  `json:"instrument"`
	From       float64 `json:"from"` // its level now; 0 when it does not offer it
	To         float64 `json:"to"`
	// Score is the best score of a coalition with it after the change, and Gain
	// what that adds to its best score now (0 when it has no coalition).
	Score float64 `json:"score"`
	Gain  float64 `json:"gain"`
	// Members are the ids of that coalition.
	Members []string `json:"members"`
}

// Fit answers why (not) profile id for the tender of in (see the comment at the top
// of this file). in.Profiles must hold the profile, stale or not a candidate as it
// may be; Options.Top is not used.
func Fit(in Input, id string, opt Options) (FitResult, error) {
	pi := slices.IndexFunc(in.Profiles, func(p profiles.Profile) bool { return p.ID == id })
	if pi < 0 {
		return FitResult{}, fmt.Errorf("%w: %q", ErrNoProfile, id)
	}
	p := in.Profiles[pi]
	f := &fitter{budget: opt.Budget, left: opt.Effort, stop: opt.Stop}
	if f.budget <= 0 {
		f.budget = DefaultBudget
	}
	if f.left <= 0 {
		f.left = DefaultEffort
	}
	effort := f.left
	res := FitResult{Tender: in.Tender.ID, Profile: partnerOf(&p), Reasons: reasonsOf(&in.Tender, &p),
		Above: []FitAbove{}, Changes: []FitChange{}, Warnings: []string{}}
	res.Candidate = len(res.Reasons) == 0
	inst := newInstance(&in.Tender, in.Profiles, in.Trust)
	x := slices.IndexFunc(inst.cands, func(c cand) bool { return c.p.ID == id })
	if slices.Contains(res.Reasons, ReasonStale) {
		res.Warnings = append(res.Warnings, "the profile is stale: it takes part in no coalition until its owner confirms it; what follows is what it would have once confirmed")
	}
	base := 0.0
	if x >= 0 {
		base = f.explain(inst, x, &res)
	}
	if !slices.Contains(res.Reasons, ReasonExcluded) && !slices.Contains(res.Reasons, ReasonArea) {
		f.changes(in, pi, inst, x, base, &res)
	}
	res.Exact = !f.inexact
	res.Interrupted = f.interrupted
	if f.inexact {
		why := fmt.Sprintf("a search reached its budget of %d candidate evaluations", f.budget)
		switch {
		case f.interrupted:
			why = "the search was stopped at its deadline"
		case f.spent:
			why = fmt.Sprintf("the search reached its effort of %d weighed evaluations", effort)
		}
		res.Warnings = append(res.Warnings, why+": these are the best coalitions found, not proven optimal")
	}
	if f.skipped > 0 {
		res.Warnings = append(res.Warnings, fmt.Sprintf("%d changes to the offer were not weighed before the search ended", f.skipped))
	}
	return res, nil
}

// reasonsOf lists every reason p is no candidate for t (SPEC §3), and stale.
func reasonsOf(t *profiles.Tender, p *profiles.Profile) []string {
	out := []string{}
	if slices.Contains(t.Exclude, p.ID) {
		out = append(out, ReasonExcluded)
	}
	if !overlaps(p.Areas, t.Area) {
		out = append(out, ReasonArea)
	}
	if !slices.ContainsFunc(t.Needs, func(n profiles.Need) bool { return p.Instruments[n.Instrument] > 0 }) {
		out = append(out, ReasonInstrument)
	}
	if p.Stale {
		out = append(out, ReasonStale)
	}
	return out
}

func partnerOf(p *profiles.Profile) FitPartner {
	return FitPartner{ID: p.ID, Name: p.Name, Kind: p.Kind, Size: p.Size}
}

// fitter runs the searches of one fit answer within one effort.
type fitter struct {
	budget int // Options.Budget
	left   int // weighed evaluations left of Options.Effort
	stop   <-chan struct{}
	// inexact: some part ended early; interrupted: by Stop; spent: by the effort.
	inexact, interrupted, spent bool
	skipped                     int // changes not weighed
	// seeds are the tender's best coalitions found (by index of the instance
	// without changes): where the searches for changes start.
	seeds []found
}

// effort is what the next search may spend: what is left, and at least one look.
func (f *fitter) effort() int { return max(1, f.left) }

// account books a search: its work, and whether (and why) it ended early.
func (f *fitter) account(s *searcher, stopped bool) {
	f.left -= s.weighed
	if stopped {
		f.inexact = true
	}
	f.interrupted = f.interrupted || s.interrupted
	f.spent = f.spent || (s.ended && !s.interrupted)
}

// withRun is the best coalition found that includes one candidate.
type withRun struct {
	best  found
	ok    bool
	exact bool
	bound float64 // no coalition with the candidate scores above it
}

// bestWith searches the best feasible coalition of in that includes candidate x,
// starting from the coalitions seeds (members by index of in) joined by x or with
// one member swapped for x.
func (f *fitter) bestWith(in *instance, x, budget int, seeds []found) withRun {
	c := &in.cands[x]
	if c.large && in.maxLarge == 0 {
		return withRun{exact: true}
	}
	pool := in.reduce(1)
	if !slices.Contains(pool, x) {
		pool = append(pool, x)
		slices.Sort(pool)
	}
	if len(pool) <= ExactPool {
		budget = 0
	}
	s := newSearcher(in, false, 1, budget, pool, f.effort(), f.stop)
	s.root = 1
	total := budget
	if budget > 0 {
		s.budget = total * treeShare / 100
	}
	list := make([]item, 0, len(pool))
	for _, c := range pool {
		if c != x {
			list = append(list, item{c: c})
		}
	}
	s.seedWith(x, seeds)
	s.add(0, x) // one member: no free rider
	s.node(1, list)
	stopped, bound := s.stopped, s.unexplored
	if stopped && !s.ended && len(s.top.items) > 0 {
		s.improveKeeping(x, total-s.budget)
	}
	f.account(s, stopped)
	r := withRun{exact: !stopped}
	if len(s.top.items) > 0 {
		r.best, r.ok = s.top.items[0], true
		bound = math.Max(bound, r.best.score)
	}
	r.bound = bound
	return r
}

// seedWith offers the feasible coalitions that x makes of seeds: each seed with x
// (when it has x, itself), and each seed with one of its members swapped for x.
// They are good starting points: the seeds are the tender's best coalitions, and
// a partner is most often suggested in the place of a member of one of them.
func (s *searcher) seedWith(x int, seeds []found) {
	in := s.in
	cov := make([]float64, len(in.needs))
	try := func(members []int) {
		s.weighed += 1 + len(members)
		s.offerSet(members, in.tallyOf(members, cov), cov)
	}
	for _, f := range seeds {
		if slices.Contains(f.members, x) {
			try(f.members)
			continue
		}
		if len(f.members) < in.maxSize {
			try(insertSorted(f.members, x))
		}
		for i := range f.members {
			try(insertSorted(slices.Delete(slices.Clone(f.members), i, i+1), x))
		}
	}
}

// suggestions searches the tender's top FitCompared coalitions, as Suggest does.
func (f *fitter) suggestions(in *instance) []found {
	budget := f.budget
	pool := in.reduce(FitCompared)
	if len(pool) <= ExactPool {
		budget = 0
	}
	s := newSearcher(in, false, FitCompared, budget, pool, f.effort(), f.stop)
	s.run()
	f.account(s, s.stopped)
	return s.top.items
}

// explain fills in the best coalition with candidate x, its rank, why there is
// none, and what keeps x out of the coalitions above; it returns the best score
// (0 when there is none).
func (f *fitter) explain(in *instance, x int, res *FitResult) float64 {
	top := f.suggestions(in)
	f.seeds = top
	w := f.bestWith(in, x, f.budget, top)
	best, ok := w.best, w.ok
	if !w.exact {
		b := w.bound
		if ok {
			b = math.Max(b, best.score)
		}
		res.Bound = &b
	}
	res.Compared = len(top)
	above := top
	if ok {
		c := in.describe(best.members)
		above = nil
		for _, s := range top {
			if better(s, best) {
				above = append(above, s)
			}
		}
		if n := len(above); n >= FitCompared {
			r := FitCompared + 1
			res.RankAtLeast = &r
		} else {
			r := n + 1
			res.Rank, c.Rank = &r, r
		}
		res.Best = &c
	} else {
		res.None = f.none(in, x, w.exact)
	}
	for i, s := range above {
		if len(res.Above) == FitAboveMax {
			break
		}
		if slices.Contains(s.members, x) {
			continue
		}
		res.Above = append(res.Above, in.blocks(s, i+1, x))
	}
	if !ok {
		return 0
	}
	return best.score
}

// insertSorted returns members (ascending) with x added, as a new slice.
func insertSorted(members []int, x int) []int {
	i, _ := slices.BinarySearch(members, x)
	return slices.Insert(slices.Clone(members), i, x)
}

// blocks explains what keeps candidate x out of coalition s, ranked rank.
func (in *instance) blocks(s found, rank, x int) FitAbove {
	a := FitAbove{Rank: rank, Score: s.score, Blocks: []FitBlock{}}
	large := 0
	for _, m := range s.members {
		a.Members = append(a.Members, partnerOf(in.cands[m].p))
		if in.cands[m].large {
			large++
		}
	}
	if len(s.members) >= in.maxSize {
		limit := in.maxSize
		a.Blocks = append(a.Blocks, FitBlock{Code: BlockMaxSize, Limit: &limit})
	}
	if in.cands[x].large && large >= in.maxLarge {
		limit := in.maxLarge
		a.Blocks = append(a.Blocks, FitBlock{Code: BlockMaxLarge, Limit: &limit})
	}
	members := insertSorted(s.members, x)
	cov := make([]float64, len(in.needs))
	t := in.tallyOf(members, cov)
	if in.contribution(x, cov) <= eps {
		a.Blocks = append(a.Blocks, FitBlock{Code: BlockFreeRider})
	}
	var riders []string
	for _, m := range s.members {
		if in.contribution(m, cov) <= eps {
			riders = append(riders, in.cands[m].p.ID)
		}
	}
	if len(riders) > 0 {
		a.Blocks = append(a.Blocks, FitBlock{Code: BlockMakesFreeRiders, Members: riders})
	}
	if len(a.Blocks) == 0 {
		// Rules 2 and 3 hold for a coalition once they hold for a part of it: the
		// coalition with x meets every rule, and it ranks below.
		v := in.value(t)
		a.Blocks = append(a.Blocks, FitBlock{Code: BlockLowerScore, Score: &v})
	}
	return a
}

// ruleSet is a set of the rules of SPEC §5 left out (bit i: fitRules[i]).
type ruleSet uint8

// fitRules are the rules a witness search can leave out, in SPEC order.
var fitRules = [...]string{RuleMinSize, RuleMaxSize, RuleMust, RuleRequireKinds, RuleMaxLarge, RuleMinSmall}

// none says why no feasible coalition includes candidate x; searched tells whether
// the search for one ran to its end.
func (f *fitter) none(in *instance, x int, searched bool) *FitNone {
	sig := in.signatures()
	members, ok, done := f.witness(in, x, 0, sig)
	if !done {
		return &FitNone{Code: NoneNotFound, Rules: []string{}}
	}
	if ok {
		n := &FitNone{Code: NoneFreeRider, Rules: []string{}, Example: in.example(members)}
		if !searched {
			n.Code = NoneNotFound
		}
		return n
	}
	// Sets of rules by size, each size in increasing order of their bits (rule i is
	// bit i), so that the answer is the same on every run.
	for k := 1; k <= len(fitRules); k++ {
		var alone []string
		for set := ruleSet(1); set < 1<<len(fitRules); set++ {
			if bits.OnesCount8(uint8(set)) != k {
				continue
			}
			_, ok, done := f.witness(in, x, set, sig)
			if !done {
				return &FitNone{Code: NoneNotFound, Rules: []string{}}
			}
			if !ok {
				continue
			}
			if k == 1 {
				alone = append(alone, fitRules[bits.TrailingZeros8(uint8(set))])
				continue
			}
			return &FitNone{Code: NoneRules, Rules: set.codes(), Jointly: true}
		}
		if len(alone) > 0 {
			return &FitNone{Code: NoneRules, Rules: alone}
		}
	}
	// Cannot happen: without any rule, the partner alone meets them all.
	return &FitNone{Code: NoneNotFound, Rules: []string{}}
}

// codes lists the rules of the set in SPEC order.
func (r ruleSet) codes() []string {
	var out []string
	for i, c := range fitRules {
		if r&(1<<i) != 0 {
			out = append(out, c)
		}
	}
	return out
}

// example describes a coalition that meets rules 1–3 and its free riders.
func (in *instance) example(members []int) *FitExample {
	cov := make([]float64, len(in.needs))
	in.tallyOf(members, cov)
	e := &FitExample{FreeRiders: []string{}}
	for _, m := range members {
		e.Members = append(e.Members, partnerOf(in.cands[m].p))
		if in.contribution(m, cov) <= eps {
			e.FreeRiders = append(e.FreeRiders, in.cands[m].p.ID)
		}
	}
	return e
}

// signatures numbers the candidates by what rules 1–3 see of them (kind, large,
// small or new, levels of the must needs): two with one number are
// interchangeable in a witness search.
func (in *instance) signatures() []int {
	ids := map[string]int{}
	out := make([]int, len(in.cands))
	var b strings.Builder
	for i := range in.cands {
		c := &in.cands[i]
		b.Reset()
		fmt.Fprintf(&b, "%d|%t|%t", c.kind, c.large, c.inc)
		for _, o := range c.offers {
			if slices.Contains(in.must, o.need) {
				b.WriteString("|" + strconv.Itoa(o.need) + ":" + strconv.FormatFloat(o.level, 'g', -1, 64))
			}
		}
		k := b.String()
		if _, ok := ids[k]; !ok {
			ids[k] = len(ids)
		}
		out[i] = ids[k]
	}
	return out
}

// witness looks for a coalition with candidate x that meets rules 1–3 but those
// in relax (rule 4 is not looked at). done is false when the effort or Stop ended
// it first.
func (f *fitter) witness(in *instance, x int, relax ruleSet, sig []int) (members []int, ok, done bool) {
	w := &witnessSearch{in: in, sig: sig, effort: f.effort(), stop: f.stop, seen: map[string]bool{},
		inS: make([]bool, len(in.cands)), cov: make([]float64, len(in.needs)),
		minSize: in.minSize, maxSize: in.maxSize, maxLarge: in.maxLarge, minSmall: in.minSmall, require: in.require, must: in.must}
	if relax&(1<<0) != 0 {
		w.minSize = 0
	}
	if relax&(1<<1) != 0 {
		w.maxSize = len(in.cands)
	}
	if relax&(1<<2) != 0 {
		w.must = nil
	}
	if relax&(1<<3) != 0 {
		w.require = 0
	}
	if relax&(1<<4) != 0 {
		w.maxLarge = len(in.cands)
	}
	if relax&(1<<5) != 0 {
		w.minSmall = 0
	}
	w.push(x)
	ok = w.search()
	f.left -= w.work
	if w.ended {
		f.inexact = true
		f.interrupted = f.interrupted || w.interrupted
		f.spent = f.spent || !w.interrupted
		return nil, false, false
	}
	return slices.Sorted(slices.Values(w.members)), ok, true
}

// witnessSearch is a depth-first search for a set with one given member that
// meets the monotone rules (must needs, required kinds, min_small, min_size)
// within max_size and max_large: each step adds a candidate that meets the first
// rule not yet met, one per signature.
type witnessSearch struct {
	in                                   *instance
	sig                                  []int
	minSize, maxSize, maxLarge, minSmall int
	require                              uint64
	must                                 []int

	members []int
	inS     []bool
	cov     []float64
	seen    map[string]bool

	work, effort, next int
	stop               <-chan struct{}
	ended, interrupted bool
}

func (w *witnessSearch) push(c int) {
	w.members = append(w.members, c)
	w.inS[c] = true
	for _, o := range w.in.cands[c].offers {
		w.cov[o.need] += o.level
	}
}

func (w *witnessSearch) pop() {
	c := w.members[len(w.members)-1]
	w.members = w.members[:len(w.members)-1]
	w.inS[c] = false
	for _, o := range w.in.cands[c].offers {
		w.cov[o.need] -= o.level
	}
}

func (w *witnessSearch) halted() bool {
	if w.ended {
		return true
	}
	if w.stop != nil && w.work >= w.next {
		w.next = w.work + stopEvery
		select {
		case <-w.stop:
			w.ended, w.interrupted = true, true
			return true
		default:
		}
	}
	if w.work > w.effort {
		w.ended = true
	}
	return w.ended
}

// search reports whether the members can be completed to a set meeting the rules.
func (w *witnessSearch) search() bool {
	in := w.in
	w.work += 1 + len(w.members)
	if w.halted() {
		return false
	}
	large, inc := 0, 0
	var kinds uint64
	for _, m := range w.members {
		c := &in.cands[m]
		if c.large {
			large++
		}
		if c.inc {
			inc++
		}
		kinds |= 1 << uint(c.kind)
	}
	if large > w.maxLarge || len(w.members) > w.maxSize {
		return false
	}
	var helps func(c *cand) bool
	if i := slices.IndexFunc(w.must, func(i int) bool { return w.cov[i] < 1-eps }); i >= 0 {
		need := w.must[i]
		helps = func(c *cand) bool {
			return c.needs&needBit(need) != 0 && slices.ContainsFunc(c.offers, func(o offer) bool { return o.need == need })
		}
	} else if missing := w.require &^ kinds; missing != 0 {
		k := bits.TrailingZeros64(missing)
		helps = func(c *cand) bool { return c.kind == k }
	} else if inc < w.minSmall {
		helps = func(c *cand) bool { return c.inc }
	} else if len(w.members) < w.minSize {
		return w.pad(large)
	} else {
		return true
	}
	if len(w.members) == w.maxSize {
		return false
	}
	k := key(slices.Sorted(slices.Values(w.members)))
	if w.seen[k] {
		return false
	}
	w.seen[k] = true
	tried := map[int]bool{}
	for i := range in.cands {
		c := &in.cands[i]
		w.work++
		if w.inS[i] || !helps(c) || (c.large && large >= w.maxLarge) || tried[w.sig[i]] {
			continue
		}
		tried[w.sig[i]] = true
		w.push(i)
		if w.search() {
			return true
		}
		w.pop()
		if w.ended {
			return false
		}
	}
	return false
}

// pad completes the members to min_size with any candidates the size and large
// rules allow (every other rule holds already and stays so), not large ones
// first.
func (w *witnessSearch) pad(large int) bool {
	in := w.in
	if w.minSize > w.maxSize {
		return false
	}
	for _, wantLarge := range []bool{false, true} {
		for i := range in.cands {
			if len(w.members) >= w.minSize {
				return true
			}
			c := &in.cands[i]
			w.work++
			if w.inS[i] || c.large != wantLarge || (c.large && large >= w.maxLarge) {
				continue
			}
			if c.large {
				large++
			}
			w.push(i)
		}
	}
	return len(w.members) >= w.minSize
}

// remap returns coalitions of from (members by its indices) by the indices of to,
// an instance with the same candidates and one more.
func remap(from, to *instance, coalitions []found) []found {
	idx := make(map[string]int, len(to.cands))
	for i := range to.cands {
		idx[to.cands[i].p.ID] = i
	}
	out := make([]found, len(coalitions))
	for i, f := range coalitions {
		members := make([]int, len(f.members))
		for j, m := range f.members {
			members[j] = idx[from.cands[m].p.ID]
		}
		slices.Sort(members)
		out[i] = found{members: members, score: f.score}
	}
	return out
}

// withLevel returns a copy of in in which candidate x offers need at level; the
// other candidates, the kinds and the trust are shared.
func (in *instance) withLevel(x, need int, level float64) *instance {
	out := *in
	out.cands = slices.Clone(in.cands)
	c := &out.cands[x]
	offers := slices.DeleteFunc(slices.Clone(c.offers), func(o offer) bool { return o.need == need })
	offers = append(offers, offer{need: need, level: level})
	slices.SortFunc(offers, func(a, b offer) int { return a.need - b.need })
	c.offers = offers
	c.needs |= needBit(need)
	return &out
}

// changes fills in the changes to profile in.Profiles[pi]'s offer that raise its
// best score (base) most; x is its index in inst, or −1 when it is no candidate
// (it offers no needed instrument).
func (f *fitter) changes(in Input, pi int, inst *instance, x int, base float64, res *FitResult) {
	p := in.Profiles[pi]
	budget := max(1, f.budget/changeShare)
	if x < 0 && len(inst.cands) > 0 {
		f.seeds = f.suggestions(inst) // explain did not run: no candidate
	}
	var out []FitChange
	for i, n := range in.Tender.Needs {
		from := math.Max(0, p.Instruments[n.Instrument])
		levels := []float64{1}
		if from > 0 {
			levels = slices.DeleteFunc(slices.Clone(OfferLevels), func(l float64) bool { return l <= from+eps })
		}
		var best *FitChange
		for _, to := range levels {
			if f.left <= 0 || f.interrupted {
				f.skipped++
				f.inexact = true
				continue
			}
			ci, cx, seeds := inst, x, f.seeds
			if x >= 0 {
				ci = inst.withLevel(x, i, to)
			} else {
				ps := slices.Clone(in.Profiles)
				q := p
				q.Instruments = make(map[string]float64, len(p.Instruments)+1)
				for k, v := range p.Instruments {
					q.Instruments[k] = v
				}
				q.Instruments[n.Instrument] = to
				ps[pi] = q
				ci = newInstance(&in.Tender, ps, in.Trust)
				cx = slices.IndexFunc(ci.cands, func(c cand) bool { return c.p.ID == p.ID })
				if cx < 0 {
					continue
				}
				seeds = remap(inst, ci, f.seeds)
			}
			r := f.bestWith(ci, cx, budget, seeds)
			if !r.ok || r.best.score <= base+eps || (best != nil && r.best.score <= best.Score+eps) {
				continue
			}
			ids := make([]string, len(r.best.members))
			for j, m := range r.best.members {
				ids[j] = ci.cands[m].p.ID
			}
			best = &FitChange{Instrument: n.Instrument, From: from, To: to, Score: r.best.score, Gain: r.best.score - base, Members: ids}
		}
		if best != nil {
			out = append(out, *best)
		}
	}
	slices.SortStableFunc(out, func(a, b FitChange) int {
		if math.Abs(a.Score-b.Score) > eps {
			if a.Score > b.Score {
				return -1
			}
			return 1
		}
		return strings.Compare(a.Instrument, b.Instrument)
	})
	res.Changes = append(res.Changes, out[:min(len(out), FitChangesMax)]...)
}
