package match

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"
	"testing"

	"samenspel/internal/profiles"
)

// The fit oracle answers "why (not) this partner" straight from SPEC §3–6 with the
// brute-force oracle of oracle_test.go: every subset of the candidates.

// withProfile returns the oracle's feasible coalitions (all of them, best first)
// that include id, and how many feasible coalitions rank above the best of them.
func (o *oracle) withProfile(id string) (best *oracleHit, above int) {
	all := o.top(math.MaxInt, false)
	for i, h := range all {
		if slices.Contains(h.ids, id) {
			return &all[i], i
		}
	}
	return nil, len(all)
}

func (o *oracle) byID() map[string]profiles.Profile {
	m := map[string]profiles.Profile{}
	for _, p := range o.cands {
		m[p.ID] = p
	}
	return m
}

// meets checks rules 1–3 of SPEC §5 (not rule 4), leaving out the rules in skip.
func (o *oracle) meets(S []profiles.Profile, skip map[string]bool) bool {
	if !skip[RuleMinSize] && len(S) < o.t.MinSize || !skip[RuleMaxSize] && len(S) > o.t.MaxSize {
		return false
	}
	if !skip[RuleMust] {
		for _, n := range o.t.Needs {
			var l float64
			for _, p := range S {
				l += p.Instruments[n.Instrument]
			}
			if n.Must && l < 1-1e-9 {
				return false
			}
		}
	}
	if !skip[RuleRequireKinds] {
		for _, k := range o.t.RequireKinds {
			if !slices.ContainsFunc(S, func(p profiles.Profile) bool { return p.Kind == k }) {
				return false
			}
		}
	}
	large, small := 0, 0
	for _, p := range S {
		if p.Size == "large" {
			large++
		}
		if p.Size == "small" || p.NewProvider {
			small++
		}
	}
	if !skip[RuleMaxLarge] && o.t.MaxLarge != nil && large > *o.t.MaxLarge {
		return false
	}
	return skip[RuleMinSmall] || small >= o.t.MinSmall
}

// existsWith reports whether some set of candidates with id meets rules 1–3 but
// those in skip. Without max_size every rule left is met by more members or by
// fewer large ones, so the sets to try are id with every candidate that is not
// large and each allowed choice of large ones.
func (o *oracle) existsWith(id string, skip map[string]bool) bool {
	p := o.byID()[id]
	var rest []profiles.Profile
	for _, c := range o.cands {
		if c.ID != id {
			rest = append(rest, c)
		}
	}
	found := false
	if skip[RuleMaxSize] {
		var small, large []profiles.Profile
		for _, c := range rest {
			if c.Size == "large" {
				large = append(large, c)
			} else {
				small = append(small, c)
			}
		}
		for mask := 0; mask < 1<<len(large) && !found; mask++ {
			S := append([]profiles.Profile{p}, small...)
			for i, c := range large {
				if mask&(1<<i) != 0 {
					S = append(S, c)
				}
			}
			found = o.meets(S, skip)
		}
		return found
	}
	var rec func(start int, S []profiles.Profile)
	rec = func(start int, S []profiles.Profile) {
		if found {
			return
		}
		if o.meets(S, skip) {
			found = true
			return
		}
		if len(S) >= o.t.MaxSize {
			return
		}
		for i := start; i < len(rest); i++ {
			rec(i+1, append(slices.Clone(S), rest[i]))
		}
	}
	rec(0, []profiles.Profile{p})
	return found
}

// profilesOf looks the ids up.
func profilesOf(byID map[string]profiles.Profile, ids []string) []profiles.Profile {
	out := make([]profiles.Profile, len(ids))
	for i, id := range ids {
		out[i] = byID[id]
	}
	return out
}

func partnerIDs(ps []FitPartner) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.ID
	}
	return out
}

// wantChanges is the changes to profile pi's offer, by brute force: per needed
// instrument the best score over its levels (ties: the lowest), those above base,
// best first, then by instrument, at most FitChangesMax.
func wantChanges(tender profiles.Tender, ps []profiles.Profile, events []profiles.Collaboration, pi int, base float64) []FitChange {
	p := ps[pi]
	var out []FitChange
	for _, n := range tender.Needs {
		from := math.Max(0, p.Instruments[n.Instrument])
		levels := []float64{1}
		if from > 0 {
			levels = nil
			for _, l := range OfferLevels {
				if l > from+1e-9 {
					levels = append(levels, l)
				}
			}
		}
		var best *FitChange
		for _, to := range levels {
			q := p
			q.Instruments = map[string]float64{}
			for k, v := range p.Instruments {
				q.Instruments[k] = v
			}
			q.Instruments[n.Instrument] = to
			changed := slices.Clone(ps)
			changed[pi] = q
			hit, _ := newOracle(tender, changed, events).withProfile(p.ID)
			if hit == nil || hit.score <= base+1e-9 || (best != nil && hit.score <= best.Score+1e-9) {
				continue
			}
			best = &FitChange{Instrument: n.Instrument, From: from, To: to, Score: hit.score, Members: hit.ids}
		}
		if best != nil {
			out = append(out, *best)
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		if math.Abs(out[i].Score-out[j].Score) > 1e-9 {
			return out[i].Score > out[j].Score
		}
		return out[i].Instrument < out[j].Instrument
	})
	return out[:min(len(out), FitChangesMax)]
}

// TestFitMatchesBruteForce: on small random pools, for a profile of each, the best
// coalition that includes it, its rank, why there is none, what keeps it out of
// the coalitions above and the changes to its offer are those that trying every
// subset gives.
func TestFitMatchesBruteForce(t *testing.T) {
	seeds := 300
	if testing.Short() {
		seeds = 60
	}
	checked := map[string]int{}
	for seed := range uint64(seeds) {
		tender, ps, events := randomCase(seed+5000, 5+int(seed%12))
		// Two seeds in three ask for a candidate, the third for any profile.
		pi := int(seed*7) % len(ps)
		if seed%3 != 0 {
			if cands := newOracle(tender, ps, events).cands; len(cands) > 0 {
				id := cands[int(seed/3)%len(cands)].ID
				pi = slices.IndexFunc(ps, func(p profiles.Profile) bool { return p.ID == id })
			}
		}
		p := ps[pi]
		got, err := Fit(Input{Tender: tender, Profiles: ps, Trust: NewTrust(events)}, p.ID, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if !got.Exact {
			t.Fatalf("seed %d: Fit exact false on a pool of %d", seed, len(ps))
		}
		reasons := reasonsOf(&tender, &p)
		if !slices.Equal(got.Reasons, reasons) || got.Candidate != (len(reasons) == 0) {
			t.Fatalf("seed %d: reasons %v candidate %v, want %v", seed, got.Reasons, got.Candidate, reasons)
		}
		o := newOracle(tender, ps, events)
		byID := o.byID()
		_, eligible := byID[p.ID]
		base := 0.0
		if !eligible {
			checked["not a candidate"]++
			if got.Best != nil || got.None != nil || len(got.Above) > 0 {
				t.Fatalf("seed %d: a profile that is no candidate has best %v, none %v, above %v", seed, got.Best, got.None, got.Above)
			}
		} else {
			best, above := o.withProfile(p.ID)
			switch {
			case best == nil && got.Best != nil:
				t.Fatalf("seed %d: Fit best %v (%.12f), want none", seed, ids(*got.Best), got.Best.Score)
			case best != nil && got.Best == nil:
				t.Fatalf("seed %d: Fit best none (%+v), want %v (%.12f)", seed, got.None, best.ids, best.score)
			case best != nil:
				checked["best"]++
				base = best.score
				if !slices.Equal(ids(*got.Best), best.ids) || math.Abs(got.Best.Score-best.score) > 1e-9 {
					t.Fatalf("seed %d: Fit best %v (%.12f), want %v (%.12f)", seed, ids(*got.Best), got.Best.Score, best.ids, best.score)
				}
				if above < FitCompared {
					if got.Rank == nil || *got.Rank != above+1 || got.RankAtLeast != nil || got.Best.Rank != above+1 {
						t.Fatalf("seed %d: Fit rank %v (at least %v), want %d", seed, got.Rank, got.RankAtLeast, above+1)
					}
				} else if got.Rank != nil || got.RankAtLeast == nil || *got.RankAtLeast != FitCompared+1 {
					t.Fatalf("seed %d: Fit rank %v (at least %v), want at least %d", seed, got.Rank, got.RankAtLeast, FitCompared+1)
				}
			default:
				checkNone(t, seed, o, p.ID, got.None)
				checked["none "+got.None.Code]++
				if got.None.Jointly {
					checked["none jointly"]++
				}
			}
			checked["above"] += checkAbove(t, seed, o, p, got)
		}
		if !slices.Contains(reasons, ReasonExcluded) && !slices.Contains(reasons, ReasonArea) {
			want := wantChanges(tender, ps, events, pi, base)
			if len(got.Changes) != len(want) {
				t.Fatalf("seed %d: %d changes %+v, want %d %+v", seed, len(got.Changes), got.Changes, len(want), want)
			}
			for i, c := range got.Changes {
				w := want[i]
				if c.Instrument != w.Instrument || c.From != w.From || c.To != w.To || math.Abs(c.Score-w.Score) > 1e-9 ||
					math.Abs(c.Gain-(w.Score-base)) > 1e-9 || !slices.Equal(c.Members, w.Members) {
					t.Fatalf("seed %d change %d: %+v, want %+v (gain %.12f)", seed, i, c, w, w.Score-base)
				}
				checked["change"]++
			}
		} else if len(got.Changes) > 0 {
			t.Fatalf("seed %d: changes %+v for a profile its offer cannot make a candidate", seed, got.Changes)
		}
	}
	// The random cases must reach every branch, or the test proves less than it says.
	for _, k := range []string{"best", "none free_rider", "none rules", "not a candidate", "change", "above"} {
		if checked[k] == 0 {
			t.Errorf("no seed checked %q: %v", k, checked)
		}
	}
	t.Logf("checked: %v", checked)
}

// checkNone checks why no feasible coalition includes id against the oracle.
func checkNone(t *testing.T, seed uint64, o *oracle, id string, n *FitNone) {
	t.Helper()
	if n == nil {
		t.Fatalf("seed %d: no best and no reason", seed)
	}
	if o.existsWith(id, nil) {
		if n.Code != NoneFreeRider || n.Example == nil {
			t.Fatalf("seed %d: none %+v, want free_rider with an example", seed, n)
		}
		byID := o.byID()
		S := profilesOf(byID, partnerIDs(n.Example.Members))
		if !slices.Contains(partnerIDs(n.Example.Members), id) || !o.meets(S, nil) {
			t.Fatalf("seed %d: example %v does not hold %s or breaks rules 1-3", seed, partnerIDs(n.Example.Members), id)
		}
		var riders []string
		c := o.coverage(S)
		for i := range S {
			if c <= o.coverage(slices.Delete(slices.Clone(S), i, i+1))+1e-9 {
				riders = append(riders, S[i].ID)
			}
		}
		if len(riders) == 0 || !slices.Equal(n.Example.FreeRiders, riders) {
			t.Fatalf("seed %d: example free riders %v, want %v", seed, n.Example.FreeRiders, riders)
		}
		return
	}
	if n.Code != NoneRules || len(n.Rules) == 0 {
		t.Fatalf("seed %d: none %+v, want rules", seed, n)
	}
	var alone []string
	for _, r := range fitRules {
		if o.existsWith(id, map[string]bool{r: true}) {
			alone = append(alone, r)
		}
	}
	if len(alone) > 0 {
		if n.Jointly || !slices.Equal(n.Rules, alone) {
			t.Fatalf("seed %d: rules %v jointly %v, want %v each alone", seed, n.Rules, n.Jointly, alone)
		}
		return
	}
	skip := map[string]bool{}
	for _, r := range n.Rules {
		skip[r] = true
	}
	if !n.Jointly || !o.existsWith(id, skip) {
		t.Fatalf("seed %d: rules %v jointly %v do not let it in together", seed, n.Rules, n.Jointly)
	}
}

// checkAbove checks what keeps p out of the coalitions ranked above its best, and
// returns how many it checked.
func checkAbove(t *testing.T, seed uint64, o *oracle, p profiles.Profile, got FitResult) int {
	t.Helper()
	all := o.top(FitCompared, false)
	var above []oracleHit
	for _, h := range all {
		if got.Best != nil && (h.score < got.Best.Score-1e-9 || math.Abs(h.score-got.Best.Score) <= 1e-9 && slices.Compare(h.ids, ids(*got.Best)) >= 0) {
			break
		}
		if !slices.Contains(h.ids, p.ID) {
			above = append(above, h)
		}
	}
	if len(got.Above) != min(FitAboveMax, len(above)) {
		t.Fatalf("seed %d: %d coalitions above, want %d", seed, len(got.Above), min(FitAboveMax, len(above)))
	}
	byID := o.byID()
	for i, a := range got.Above {
		h := above[i]
		if !slices.Equal(partnerIDs(a.Members), h.ids) || math.Abs(a.Score-h.score) > 1e-9 {
			t.Fatalf("seed %d above %d: %v (%.12f), want %v (%.12f)", seed, i, partnerIDs(a.Members), a.Score, h.ids, h.score)
		}
		S := profilesOf(byID, h.ids)
		T := append(slices.Clone(S), p)
		var want []FitBlock
		if len(S) >= o.t.MaxSize {
			want = append(want, FitBlock{Code: BlockMaxSize})
		}
		large := 0
		for _, m := range S {
			if m.Size == "large" {
				large++
			}
		}
		if p.Size == "large" && o.t.MaxLarge != nil && large >= *o.t.MaxLarge {
			want = append(want, FitBlock{Code: BlockMaxLarge})
		}
		if o.coverage(T) <= o.coverage(S)+1e-9 {
			want = append(want, FitBlock{Code: BlockFreeRider})
		}
		var riders []string
		for j := range S {
			if o.coverage(T) <= o.coverage(slices.Delete(slices.Clone(T), j, j+1))+1e-9 {
				riders = append(riders, S[j].ID)
			}
		}
		if len(riders) > 0 {
			want = append(want, FitBlock{Code: BlockMakesFreeRiders, Members: riders})
		}
		if len(want) == 0 {
			v, _ := o.score(T)
			if !o.feasible(T, false) || got.Best == nil || v > got.Best.Score+1e-9 {
				t.Fatalf("seed %d above %d: %v with %s would be feasible at %.12f, above its best", seed, i, h.ids, p.ID, v)
			}
			want = append(want, FitBlock{Code: BlockLowerScore, Score: &v})
		}
		if len(a.Blocks) != len(want) {
			t.Fatalf("seed %d above %d: blocks %+v, want %+v", seed, i, a.Blocks, want)
		}
		for j, b := range a.Blocks {
			w := want[j]
			if b.Code != w.Code || !slices.Equal(b.Members, w.Members) || (w.Score != nil) != (b.Score != nil) || (w.Score != nil && math.Abs(*w.Score-*b.Score) > 1e-9) {
				t.Fatalf("seed %d above %d: blocks %+v, want %+v", seed, i, a.Blocks, want)
			}
		}
	}
	return len(got.Above)
}

// fitCase is a tender in Overvecht with needs home_visits (must, weight 2), meals
// and meeting_place (weight 1 each), max_size 3, default weights and no trust
// events, and three partners:
//
//	buurt    residents_group, small:  meals 0.5
//	zorg     care, large:             home_visits 1
//	welzijn  welfare, medium:         meeting_place 1, home_visits 0.5
func fitCase() Input {
	t := profiles.Tender{ID: "hand", Title: "by hand", Area: []string{"WK034412"}, MinSize: 1, MaxSize: 3, Weights: profiles.DefaultWeights,
		RequireKinds: []string{}, Exclude: []string{}, Needs: []profiles.Need{
			{Instrument: "home_visits", Weight: 2, Must: true}, {Instrument: "meals", Weight: 1}, {Instrument: "meeting_place", Weight: 1}, {Instrument: "transport", Weight: 1}}}
	area := []string{"WK034412"}
	ps := []profiles.Profile{
		{ID: "buurt", Name: "Buurtkamer", Kind: "residents_group", Size: "small", Areas: area, Instruments: map[string]float64{"meals": 0.5},
			Contact: &profiles.Contact{Email: "secret@example.org"}, Private: map[string]string{"ideas": "never shown"}},
		{ID: "welzijn", Name: "Welzijn", Kind: "welfare", Size: "medium", Areas: area, Instruments: map[string]float64{"meeting_place": 1, "home_visits": 0.5}},
		{ID: "zorg", Name: "Zorg", Kind: "care", Size: "large", Areas: area, CanLead: true, Instruments: map[string]float64{"home_visits": 1}},
	}
	return Input{Tender: t, Profiles: ps, Trust: NewTrust(nil)}
}

// TestFitByHand: the best coalition of buurt and the changes to its offer,
// computed by hand. The tender of fitCase also needs transport (weight 1), which
// nobody offers: W = 2+1+1+1 = 5. K = 3 kinds, so diversity counts over
// min(3, 3) = 3. Trust is 0.5 throughout. score = 0.55·C + 0.20·D + 0.15·0.5 + 0.10·I.
//
// Best now, {buurt, welzijn, zorg}: home_visits 1.5 → 1, meals 0.5, meeting_place 1:
// C = (2 + 0.5 + 1)/5 = 0.7, D = 3/3 = 1, I = 1/3 (buurt is small):
// 0.385 + 0.2 + 0.075 + 0.0333… = 0.693333…; each member adds coverage (welzijn the
// meeting place, zorg the home visits' other half, buurt meals). It ranks first:
// {welzijn, zorg} has C = 3/5, D = 2/3, I = 0: 0.33 + 0.1333… + 0.075 = 0.538333…
//
// Changes:
//   - transport at 1: C = 4.5/5 = 0.9 → 0.495 + 0.308333… = 0.803333… (gain 0.11);
//   - meals at 1 (from 0.5): C = 4/5 = 0.8 → 0.44 + 0.308333… = 0.748333… (gain
//     0.055); at 0.75 only 0.720833…, so per instrument the level 1 is kept;
//   - home_visits at 1 lowers it: zorg then adds nothing (home_visits 2.5 without
//     it is still 1), so the best is {buurt, welzijn}: C = 3.5/5 = 0.7, D = 2/3,
//     I = 1/2: 0.385 + 0.1333… + 0.075 + 0.05 = 0.643333… < 0.693333…: not listed;
//   - meeting_place at 1 lowers it too: welzijn then adds nothing, and {buurt,
//     zorg} has C = 3.5/5, D = 2/3, I = 1/2: 0.643333…: not listed.
func TestFitByHand(t *testing.T) {
	got, err := Fit(fitCase(), "buurt", Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !got.Candidate || len(got.Reasons) != 0 || !got.Exact || got.Best == nil {
		t.Fatalf("Fit = candidate %v reasons %v exact %v best %v, want a candidate with a best coalition", got.Candidate, got.Reasons, got.Exact, got.Best)
	}
	if m := ids(*got.Best); !slices.Equal(m, []string{"buurt", "welzijn", "zorg"}) || math.Abs(got.Best.Score-(0.385+0.2+0.075+0.1/3)) > 1e-12 {
		t.Fatalf("best = %v (%.12f), want [buurt welzijn zorg] (0.693333…)", m, got.Best.Score)
	}
	if got.Rank == nil || *got.Rank != 1 || len(got.Above) != 0 {
		t.Fatalf("rank %v, above %v, want rank 1 and nothing above", got.Rank, got.Above)
	}
	want := []FitChange{
		{Instrument: "transport", From: 0, To: 1, Score: 0.495 + 0.2 + 0.075 + 0.1/3, Members: []string{"buurt", "welzijn", "zorg"}},
		{Instrument: "meals", From: 0.5, To: 1, Score: 0.44 + 0.2 + 0.075 + 0.1/3, Members: []string{"buurt", "welzijn", "zorg"}},
	}
	if len(got.Changes) != len(want) {
		t.Fatalf("changes = %+v, want %+v", got.Changes, want)
	}
	for i, c := range got.Changes {
		w := want[i]
		if c.Instrument != w.Instrument || c.From != w.From || c.To != w.To || math.Abs(c.Score-w.Score) > 1e-12 ||
			math.Abs(c.Gain-(w.Score-got.Best.Score)) > 1e-12 || !slices.Equal(c.Members, w.Members) {
			t.Fatalf("change %d = %+v, want %+v", i, c, w)
		}
	}
	// Public fields only: the answer never carries contact or private fields.
	b, _ := json.Marshal(got)
	if s := string(b); strings.Contains(s, "secret@example.org") || strings.Contains(s, "never shown") {
		t.Fatalf("Fit JSON carries a private field: %s", s)
	}
}

// issueCase is issue 13's finding 3 in small: a residents' group that offers home
// visits and meals (needs of weight 1 each, max_size 4, default weights) among
// six medium partners that each offer home visits at 0.5 and five that each
// offer meals at 0.5, all of different kinds.
func issueCase(homeVisits, meals float64) Input {
	t := profiles.Tender{ID: "issue-13", Title: "issue 13", Area: []string{"WK034412"}, MinSize: 1, MaxSize: 4, Weights: profiles.DefaultWeights,
		RequireKinds: []string{}, Exclude: []string{}, Needs: []profiles.Need{{Instrument: "home_visits", Weight: 1}, {Instrument: "meals", Weight: 1}}}
	area := []string{"WK034412"}
	buurt := profiles.Profile{ID: "buurt", Name: "Bewonersgroep", Kind: "residents_group", Size: "small", Areas: area, Instruments: map[string]float64{}}
	if homeVisits > 0 {
		buurt.Instruments["home_visits"] = homeVisits
	}
	if meals > 0 {
		buurt.Instruments["meals"] = meals
	}
	ps := []profiles.Profile{buurt}
	for i, k := range []string{"welfare", "care", "school", "business", "sports_culture", "knowledge"} {
		ps = append(ps, profiles.Profile{ID: fmt.Sprintf("hv-%d", i), Name: k, Kind: k, Size: "medium", Areas: area, Instruments: map[string]float64{"home_visits": 0.5}})
	}
	for i, k := range []string{"faith_community", "social_enterprise", "fund", "municipality", "housing_corporation"} {
		ps = append(ps, profiles.Profile{ID: fmt.Sprintf("meals-%d", i), Name: k, Kind: k, Size: "medium", Areas: area, Instruments: map[string]float64{"meals": 0.5}})
	}
	return Input{Tender: t, Profiles: ps, Trust: NewTrust(nil)}
}

// TestFitIssue13: a residents' group that improved its offer to home visits and
// meals in full vanishes from the top 50: with it, the partners that made the
// coalition broad add nothing, so its best coalition is itself alone. K = 12
// kinds, diversity over min(4, 12) = 4. Alone: C = 1, D = 1/4, I = 1:
// 0.55 + 0.05 + 0.075 + 0.1 = 0.775. Two home-visit and two meal partners, four
// kinds: C = 1, D = 1, I = 0: 0.55 + 0.2 + 0.075 = 0.825, and there are
// C(6,2)·C(5,2) = 150 of them. Before, with meals at 0.5 only, it was in the top
// coalition: with one meal partner and two home-visit partners, C = 1, D = 1,
// I = 1/4: 0.85.
func TestFitIssue13(t *testing.T) {
	before, err := Fit(issueCase(0, 0.5), "buurt", Options{})
	if err != nil {
		t.Fatal(err)
	}
	if before.Rank == nil || *before.Rank != 1 || math.Abs(before.Best.Score-0.85) > 1e-12 {
		t.Fatalf("before: rank %v best %v, want rank 1 at 0.85", before.Rank, before.Best)
	}
	after, err := Fit(issueCase(1, 1), "buurt", Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !after.Exact || after.Best == nil || !slices.Equal(ids(*after.Best), []string{"buurt"}) || math.Abs(after.Best.Score-0.775) > 1e-12 {
		t.Fatalf("after: best %v, want [buurt] alone at 0.775", after.Best)
	}
	if after.Rank != nil || after.RankAtLeast == nil || *after.RankAtLeast != FitCompared+1 || after.Compared != FitCompared {
		t.Fatalf("after: rank %v, at least %v, compared %d: want beyond the %d compared", after.Rank, after.RankAtLeast, after.Compared, FitCompared)
	}
	if len(after.Above) != FitAboveMax {
		t.Fatalf("after: %d coalitions above, want %d", len(after.Above), FitAboveMax)
	}
	top := after.Above[0]
	limit := 4
	want := []FitBlock{{Code: BlockMaxSize, Limit: &limit}, {Code: BlockFreeRider}, {Code: BlockMakesFreeRiders, Members: partnerIDs(top.Members)}}
	if len(top.Blocks) != len(want) || math.Abs(top.Score-0.825) > 1e-12 {
		t.Fatalf("after: top %+v, want score 0.825 with blocks %+v", top, want)
	}
	for i, b := range top.Blocks {
		if b.Code != want[i].Code || !slices.Equal(b.Members, want[i].Members) || (want[i].Limit != nil && (b.Limit == nil || *b.Limit != *want[i].Limit)) {
			t.Fatalf("after: top blocks %+v, want %+v", top.Blocks, want)
		}
	}
	if len(after.Changes) != 0 {
		t.Fatalf("after: changes %+v, want none: it offers every need in full", after.Changes)
	}
}

// TestFitNotCandidate: every reason a profile is no candidate, all that apply.
// Only a profile whose offer could make it one gets changes; a stale one is
// answered as if its owner had confirmed it.
func TestFitNotCandidate(t *testing.T) {
	tests := []struct {
		name    string
		change  func(in *Input)
		reasons []string
		best    bool
		changes bool
	}{
		{"excluded", func(in *Input) { in.Tender.Exclude = []string{"buurt"} }, []string{ReasonExcluded}, false, false},
		{"area", func(in *Input) { in.Profiles[0].Areas = []string{"GM0363"} }, []string{ReasonArea}, false, false},
		{"instrument", func(in *Input) { in.Profiles[0].Instruments = map[string]float64{"venue": 1} }, []string{ReasonInstrument}, false, true},
		{"stale", func(in *Input) { in.Profiles[0].Stale = true }, []string{ReasonStale}, true, true},
		{"all", func(in *Input) {
			in.Tender.Exclude = []string{"buurt"}
			in.Profiles[0].Areas = []string{"GM0363"}
			in.Profiles[0].Instruments = map[string]float64{"venue": 1}
			in.Profiles[0].Stale = true
		}, []string{ReasonExcluded, ReasonArea, ReasonInstrument, ReasonStale}, false, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in := fitCase()
			tc.change(&in)
			got, err := Fit(in, "buurt", Options{})
			if err != nil {
				t.Fatal(err)
			}
			if got.Candidate || !slices.Equal(got.Reasons, tc.reasons) {
				t.Fatalf("Fit = candidate %v reasons %v, want %v", got.Candidate, got.Reasons, tc.reasons)
			}
			if (got.Best != nil) != tc.best || got.None != nil {
				t.Fatalf("best %v none %v, want best %v", got.Best, got.None, tc.best)
			}
			if (len(got.Changes) > 0) != tc.changes {
				t.Fatalf("changes %+v, want some: %v", got.Changes, tc.changes)
			}
			for _, c := range got.Changes {
				if tc.name == "instrument" && (c.From != 0 || c.To != 1) {
					t.Fatalf("change %+v: want a needed instrument at level 1", c)
				}
			}
		})
	}
	// The stale profile's coalition is the one it had when current.
	in := fitCase()
	in.Profiles[0].Stale = true
	stale, _ := Fit(in, "buurt", Options{})
	current, _ := Fit(fitCase(), "buurt", Options{})
	if !slices.Equal(ids(*stale.Best), ids(*current.Best)) || stale.Best.Score != current.Best.Score {
		t.Fatalf("stale best %v, want the current one's %v", ids(*stale.Best), ids(*current.Best))
	}
}

// TestFitNone: why no feasible coalition includes a candidate, for each rule that
// can keep it out.
func TestFitNone(t *testing.T) {
	zero, one := 0, 1
	tests := []struct {
		name    string
		change  func(in *Input)
		code    string
		rules   []string
		jointly bool
		riders  []string
	}{
		// zorg brings home visits and meals in full: buurt's half of the meals is
		// nothing with it, and without zorg nobody covers the home visits.
		{"free rider", func(in *Input) { in.Profiles[2].Instruments["meals"] = 1 }, NoneFreeRider, nil, false, []string{"buurt"}},
		{"max_large", func(in *Input) {
			in.Profiles[0].Size = "large"
			in.Tender.MaxLarge = &zero
		}, NoneRules, []string{RuleMaxLarge}, false, nil},
		// One seat, and it must go to a small partner that covers the home visits:
		// buurt is small but brings no home visits; a second seat, or no must need,
		// would let it in.
		{"size or must", func(in *Input) { in.Tender.MaxSize = 1 }, NoneRules, []string{RuleMaxSize, RuleMust}, false, nil},
		{"require_kinds", func(in *Input) {
			in.Tender.MaxSize = 2
			in.Tender.RequireKinds = []string{"care", "welfare"}
		}, NoneRules, []string{RuleMaxSize, RuleRequireKinds}, false, nil},
		{"min_small", func(in *Input) {
			in.Profiles[0].Size = "medium"
			in.Tender.MinSmall = 1
		}, NoneRules, []string{RuleMinSmall}, false, nil},
		{"must", func(in *Input) { in.Tender.Needs[0].Instrument = "legal_advice" }, NoneRules, []string{RuleMust}, false, nil},
		{"jointly", func(in *Input) {
			in.Tender.Needs[0].Instrument = "legal_advice"
			in.Profiles[0].Size = "large"
			in.Tender.MaxLarge = &zero
		}, NoneRules, []string{RuleMust, RuleMaxLarge}, true, nil},
		// buurt is large, and so is zorg, the only partner with home visits: the
		// one large seat keeps them apart. Without max_large they would join;
		// without the must need buurt could go alone.
		{"one large seat taken", func(in *Input) {
			in.Profiles[0].Size = "large"
			in.Profiles[1].Instruments = map[string]float64{"meeting_place": 1}
			in.Tender.MaxLarge = &one
		}, NoneRules, []string{RuleMust, RuleMaxLarge}, false, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in := fitCase()
			tc.change(&in)
			got, err := Fit(in, "buurt", Options{})
			if err != nil {
				t.Fatal(err)
			}
			if got.Best != nil || got.None == nil || !got.Exact {
				t.Fatalf("Fit best %v none %v exact %v, want none", got.Best, got.None, got.Exact)
			}
			n := got.None
			if n.Code != tc.code || !slices.Equal(n.Rules, tc.rules) && len(tc.rules) > 0 || n.Jointly != tc.jointly {
				t.Fatalf("none = %+v, want %s %v jointly %v", n, tc.code, tc.rules, tc.jointly)
			}
			if tc.riders != nil && (n.Example == nil || !slices.Equal(n.Example.FreeRiders, tc.riders)) {
				t.Fatalf("example %+v, want free riders %v", n.Example, tc.riders)
			}
		})
	}
}

// TestFitUnknownProfile: a profile not in the input is an error naming it.
func TestFitUnknownProfile(t *testing.T) {
	_, err := Fit(fitCase(), "nobody", Options{})
	if !errors.Is(err, ErrNoProfile) || !strings.Contains(err.Error(), `"nobody"`) {
		t.Fatalf("Fit(nobody) error = %v, want ErrNoProfile naming it", err)
	}
}

// TestFitDeterministic: the same input gives the same answer, byte for byte, on
// a realistic pool above ExactPool where the searches are bounded by the budget.
func TestFitDeterministic(t *testing.T) {
	in := synthCase(1, 0, 200, 6)
	id := in.Profiles[17].ID
	a, err := Fit(in, id, Options{})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := Fit(in, id, Options{})
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	if string(ja) != string(jb) {
		t.Fatalf("two runs differ:\n%s\n%s", ja, jb)
	}
	if a.Best == nil || a.Compared == 0 {
		t.Fatalf("Fit on a 200-partner pool: best %v compared %d, want a coalition ranked among the suggestions", a.Best, a.Compared)
	}
}

// TestFitBounded: on the crowded pool of issue 11 a small effort ends every part
// at once: exact false, a bound at least the best score found, the changes not
// weighed counted in a warning; a closed Stop does so too and marks the answer
// interrupted.
func TestFitBounded(t *testing.T) {
	in := crowdedCase(32, 30, 8)
	got, err := Fit(in, "p05", Options{Effort: 20_000})
	if err != nil {
		t.Fatal(err)
	}
	if got.Exact || got.Interrupted || got.Bound == nil || got.Best == nil || *got.Bound < got.Best.Score-1e-9 {
		t.Fatalf("Fit with a small effort: exact %v interrupted %v bound %v best %v, want inexact with a bound", got.Exact, got.Interrupted, got.Bound, got.Best)
	}
	if !slices.ContainsFunc(got.Warnings, func(w string) bool { return strings.Contains(w, "effort") }) ||
		!slices.ContainsFunc(got.Warnings, func(w string) bool { return strings.Contains(w, "not weighed") }) {
		t.Fatalf("warnings %q: want the effort and the changes not weighed", got.Warnings)
	}
	again, _ := Fit(in, "p05", Options{Effort: 20_000})
	ja, _ := json.Marshal(got)
	jb, _ := json.Marshal(again)
	if string(ja) != string(jb) {
		t.Fatalf("an answer bounded by effort differs between runs")
	}
	stop := make(chan struct{})
	close(stop)
	got, err = Fit(in, "p05", Options{Stop: stop})
	if err != nil {
		t.Fatal(err)
	}
	if got.Exact || !got.Interrupted || got.Bound == nil {
		t.Fatalf("Fit stopped: exact %v interrupted %v bound %v, want inexact, interrupted, with a bound", got.Exact, got.Interrupted, got.Bound)
	}
}
