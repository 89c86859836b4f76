package match

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"sort"
	"strings"
	"testing"

	"samenspel/internal/profiles"
)

// The oracle scores and checks coalitions straight from SPEC §3–5, sharing no code
// with the engine, and finds the top N by trying every subset.

type oracle struct {
	t     profiles.Tender
	cands []profiles.Profile
	trust *Trust
	K     int
}

func newOracle(t profiles.Tender, ps []profiles.Profile, events []profiles.Collaboration) *oracle {
	o := &oracle{t: t, trust: NewTrust(events)}
	kinds := map[string]bool{}
	for _, p := range ps {
		if slices.Contains(t.Exclude, p.ID) {
			continue
		}
		area := false
		for _, a := range p.Areas {
			for _, b := range t.Area {
				area = area || profiles.AreasOverlap(a, b)
			}
		}
		offers := false
		for _, n := range t.Needs {
			offers = offers || p.Instruments[n.Instrument] > 0
		}
		if area && offers {
			o.cands = append(o.cands, p)
			kinds[p.Kind] = true
		}
	}
	sort.Slice(o.cands, func(i, j int) bool { return o.cands[i].ID < o.cands[j].ID })
	o.K = len(kinds)
	return o
}

func (o *oracle) coverage(S []profiles.Profile) float64 {
	var sum, W float64
	for _, n := range o.t.Needs {
		var l float64
		for _, p := range S {
			l += p.Instruments[n.Instrument]
		}
		sum += n.Weight * math.Min(1, l)
		W += n.Weight
	}
	return sum / W
}

func (o *oracle) score(S []profiles.Profile) (float64, Breakdown) {
	if len(S) == 0 {
		return 0, Breakdown{}
	}
	kinds := map[string]bool{}
	inc := 0
	for _, p := range S {
		kinds[p.Kind] = true
		if p.Size == "small" || p.NewProvider {
			inc++
		}
	}
	trust := 0.5
	if len(S) >= 2 {
		var sum float64
		n := 0
		for i := range S {
			for j := i + 1; j < len(S); j++ {
				sum += o.trust.Of(S[i].ID, S[j].ID)
				n++
			}
		}
		trust = sum / float64(n)
	}
	b := Breakdown{
		Coverage:  o.coverage(S),
		Diversity: float64(len(kinds)) / float64(min(o.t.MaxSize, o.K)),
		Trust:     trust,
		Inclusion: float64(inc) / float64(len(S)),
	}
	w := o.t.Weights
	sum := w.Coverage + w.Diversity + w.Trust + w.Inclusion
	return (w.Coverage*b.Coverage + w.Diversity*b.Diversity + w.Trust*b.Trust + w.Inclusion*b.Inclusion) / sum, b
}

// feasible checks rules 1–4; relaxed leaves out rule 2.
func (o *oracle) feasible(S []profiles.Profile, relaxed bool) bool {
	if len(S) < o.t.MinSize || len(S) > o.t.MaxSize {
		return false
	}
	if !relaxed {
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
	for _, k := range o.t.RequireKinds {
		if !slices.ContainsFunc(S, func(p profiles.Profile) bool { return p.Kind == k }) {
			return false
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
	if o.t.MaxLarge != nil && large > *o.t.MaxLarge {
		return false
	}
	if small < o.t.MinSmall {
		return false
	}
	c := o.coverage(S)
	for i := range S {
		rest := slices.Delete(slices.Clone(S), i, i+1)
		if c <= o.coverage(rest)+1e-9 {
			return false
		}
	}
	return true
}

type oracleHit struct {
	ids   []string
	score float64
}

// top enumerates every subset up to max_size and returns the best n feasible ones.
func (o *oracle) top(n int, relaxed bool) []oracleHit {
	var hits []oracleHit
	var rec func(start int, S []profiles.Profile)
	rec = func(start int, S []profiles.Profile) {
		if len(S) > 0 && o.feasible(S, relaxed) {
			v, _ := o.score(S)
			ids := make([]string, len(S))
			for i, p := range S {
				ids[i] = p.ID
			}
			hits = append(hits, oracleHit{ids, v})
		}
		if len(S) == o.t.MaxSize {
			return
		}
		for i := start; i < len(o.cands); i++ {
			rec(i+1, append(S, o.cands[i]))
		}
	}
	rec(0, nil)
	sort.SliceStable(hits, func(i, j int) bool {
		a, b := hits[i], hits[j]
		if math.Abs(a.score-b.score) >= 1e-9 {
			return a.score > b.score
		}
		return slices.Compare(a.ids, b.ids) < 0
	})
	return hits[:min(n, len(hits))]
}

// randomCase makes a small random tender and pool with every feature the rules see.
func randomCase(seed uint64, n int) (profiles.Tender, []profiles.Profile, []profiles.Collaboration) {
	r := rand.New(rand.NewPCG(seed, 0x5a3e))
	instruments := []string{"home_visits", "meeting_place", "meals", "debt_counseling", "buddy_program", "transport", "venue", "outreach"}
	kinds := []string{"residents_group", "welfare", "care", "school", "business", "housing_corporation"}
	sizes := []string{"small", "medium", "large"}
	levels := []float64{0.25, 0.5, 0.5, 0.75, 1, 1, 0.3, 0.7}
	t := profiles.Tender{ID: fmt.Sprintf("t-%d", seed), Title: "random", Area: []string{"WK034403"},
		MinSize: 1 + r.IntN(2), MaxSize: 2 + r.IntN(4), Weights: profiles.DefaultWeights,
		RequireKinds: []string{}, Exclude: []string{}, Themes: []string{}}
	if r.IntN(3) == 0 {
		t.Weights = profiles.Weights{Coverage: r.Float64(), Diversity: r.Float64(), Trust: r.Float64(), Inclusion: r.Float64() + 0.01}
	}
	nNeeds := 2 + r.IntN(4)
	for _, i := range r.Perm(len(instruments))[:nNeeds] {
		t.Needs = append(t.Needs, profiles.Need{Instrument: instruments[i], Weight: float64(1 + r.IntN(3)), Must: r.IntN(3) == 0})
	}
	if r.IntN(3) == 0 {
		t.RequireKinds = []string{kinds[r.IntN(len(kinds))]}
	}
	if r.IntN(3) == 0 {
		ml := r.IntN(2)
		t.MaxLarge = &ml
	}
	if r.IntN(3) == 0 {
		t.MinSmall = 1
	}
	areas := []string{"WK034403", "BU03440301", "GM0344", "WK034404", "NL"}
	var ps []profiles.Profile
	for i := range n {
		p := profiles.Profile{ID: fmt.Sprintf("p%02d", i), Name: fmt.Sprintf("Partner %d", i),
			Kind: kinds[r.IntN(len(kinds))], Size: sizes[r.IntN(3)], NewProvider: r.IntN(4) == 0,
			CanLead: r.IntN(2) == 0, Areas: []string{areas[r.IntN(len(areas))]}, Instruments: map[string]float64{}}
		for range 1 + r.IntN(3) {
			p.Instruments[instruments[r.IntN(len(instruments))]] = levels[r.IntN(len(levels))]
		}
		ps = append(ps, p)
	}
	if n > 3 && r.IntN(4) == 0 {
		t.Exclude = []string{ps[r.IntN(n)].ID}
	}
	var events []profiles.Collaboration
	for range r.IntN(2 * n) {
		a, b := r.IntN(n), r.IntN(n)
		if a == b {
			continue
		}
		outcome := "positive"
		if r.IntN(4) == 0 {
			outcome = "negative"
		}
		events = append(events, profiles.Collaboration{A: ps[a].ID, B: ps[b].ID, Outcome: outcome, At: fmt.Sprintf("2026-0%d-1%d", 1+r.IntN(9), r.IntN(10))})
	}
	return t, ps, events
}

func ids(c Coalition) []string {
	out := make([]string, len(c.Members))
	for i, m := range c.Members {
		out[i] = m.ID
	}
	return out
}

// TestSuggestMatchesBruteForce: on pools of up to 20 candidates the engine's top N
// equals the top N of trying every subset, feasible or (when none is) relaxed.
func TestSuggestMatchesBruteForce(t *testing.T) {
	seeds := 300
	if testing.Short() {
		seeds = 60
	}
	for seed := range uint64(seeds) {
		tender, ps, events := randomCase(seed, 6+int(seed%15))
		top := 1 + int(seed%7)
		got := Suggest(Input{Tender: tender, Profiles: ps, Trust: NewTrust(events)}, Options{Top: top})
		o := newOracle(tender, ps, events)
		want := o.top(top, false)
		feasible := len(want) > 0
		if !feasible {
			want = o.top(top, true)
		}
		if got.Feasible != feasible || len(got.Coalitions) != len(want) || !got.Exact {
			t.Fatalf("seed %d: Suggest feasible=%v exact=%v with %d coalitions, want feasible=%v with %d", seed, got.Feasible, got.Exact, len(got.Coalitions), feasible, len(want))
		}
		for i, c := range got.Coalitions {
			if math.Abs(c.Score-want[i].score) > 1e-9 || !slices.Equal(ids(c), want[i].ids) {
				t.Fatalf("seed %d rank %d: Suggest = %v (%.12f), want %v (%.12f)", seed, i+1, ids(c), c.Score, want[i].ids, want[i].score)
			}
		}
	}
}

// TestCoalitionInvariants: every returned coalition keeps every rule, its breakdown
// matches the oracle, its Shapley values sum to its score, and the list is distinct
// and ordered.
func TestCoalitionInvariants(t *testing.T) {
	for seed := range uint64(200) {
		tender, ps, events := randomCase(seed+1000, 8+int(seed%12))
		got := Suggest(Input{Tender: tender, Profiles: ps, Trust: NewTrust(events)}, Options{Top: 10})
		o := newOracle(tender, ps, events)
		byID := map[string]profiles.Profile{}
		for _, p := range ps {
			byID[p.ID] = p
		}
		seen := map[string]bool{}
		for i, c := range got.Coalitions {
			var S []profiles.Profile
			var sum float64
			for _, m := range c.Members {
				S = append(S, byID[m.ID])
				sum += m.Shapley
			}
			if !o.feasible(S, !got.Feasible) {
				t.Fatalf("seed %d: coalition %v breaks a rule", seed, ids(c))
			}
			v, b := o.score(S)
			if math.Abs(v-c.Score) > 1e-9 || math.Abs(sum-c.Score) > 1e-9 {
				t.Fatalf("seed %d: %v score %.12f, Shapley sum %.12f, want %.12f", seed, ids(c), c.Score, sum, v)
			}
			if math.Abs(b.Coverage-c.Breakdown.Coverage) > 1e-9 || math.Abs(b.Trust-c.Breakdown.Trust) > 1e-9 ||
				math.Abs(b.Diversity-c.Breakdown.Diversity) > 1e-9 || math.Abs(b.Inclusion-c.Breakdown.Inclusion) > 1e-9 {
				t.Fatalf("seed %d: %v breakdown %+v, want %+v", seed, ids(c), c.Breakdown, b)
			}
			k := strings.Join(ids(c), ",")
			if seen[k] {
				t.Fatalf("seed %d: coalition %v returned twice", seed, ids(c))
			}
			seen[k] = true
			if i > 0 {
				prev := got.Coalitions[i-1]
				if c.Score > prev.Score+1e-9 || (math.Abs(c.Score-prev.Score) <= 1e-9 && slices.Compare(ids(c), ids(prev)) < 0) {
					t.Fatalf("seed %d: rank %d %v (%.12f) should come before rank %d %v (%.12f)", seed, i+1, ids(c), c.Score, i, ids(prev), prev.Score)
				}
			}
			if !got.Feasible && len(c.Gaps) == 0 {
				t.Fatalf("seed %d: infeasible answer %v lists no gaps", seed, ids(c))
			}
		}
	}
}
