package match

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"samenspel/internal/profiles"
)

// crowdedCase is the instance of issue 11's finding 1: n partners in one
// neighbourhood, each offering every one of the tender's needs (weight 1) at level
// 0.125, so that any 8 of them cover the tender exactly and no bound tells the
// coalitions apart. At top 50 the exact reduction keeps them all, and a search
// without effort weighs every set of up to max_size of them (56 s at n=32, 30
// needs, max_size 8).
func crowdedCase(n, needs, maxSize int) Input {
	kinds := []string{"residents_group", "welfare", "care", "school", "social_enterprise", "sports_culture"}
	t := profiles.Tender{ID: "crowded", Title: "crowded", Area: []string{"BU03440601"}, MinSize: 1, MaxSize: maxSize,
		Weights: profiles.DefaultWeights, RequireKinds: []string{}, Exclude: []string{}}
	for i := range needs {
		t.Needs = append(t.Needs, profiles.Need{Instrument: fmt.Sprintf("instrument_%02d", i), Weight: 1})
	}
	ps := make([]profiles.Profile, n)
	for i := range ps {
		p := profiles.Profile{ID: fmt.Sprintf("p%02d", i), Name: fmt.Sprintf("Partner %d", i), Kind: kinds[i%len(kinds)], Size: "medium",
			CanLead: true, Areas: []string{"BU03440601"}, Instruments: map[string]float64{}}
		for _, need := range t.Needs {
			p.Instruments[need.Instrument] = 0.125
		}
		ps[i] = p
	}
	return Input{Tender: t, Profiles: ps, Trust: NewTrust(nil)}
}

// checkInexact checks the answer of a search that ended early (SPEC §6): the top
// coalitions found, Exact false, and a bound no lower than the best of them.
func checkInexact(t *testing.T, res Result, top int, why string) {
	t.Helper()
	if res.Exact || res.Bound == nil {
		t.Fatalf("exact %v, bound %v: want an inexact answer with its bound", res.Exact, res.Bound)
	}
	if len(res.Coalitions) != top {
		t.Fatalf("%d coalitions, want the %d best found", len(res.Coalitions), top)
	}
	if best := res.Coalitions[0].Score; *res.Bound < best-1e-9 {
		t.Fatalf("bound %.6f is below the best score found %.6f", *res.Bound, best)
	}
	if !slices.ContainsFunc(res.Warnings, func(w string) bool { return strings.Contains(w, why) }) {
		t.Fatalf("warnings %q: want one saying %q", res.Warnings, why)
	}
}

// TestEffortBoundsSmallPools: a pool of up to ExactPool candidates has an effort
// too. On the crowded instance a search with a small one ends with the 50 best
// coalitions it found, exact false and a bound at least the best score; it was not
// interrupted, so its answer is the same on every run.
func TestEffortBoundsSmallPools(t *testing.T) {
	in := crowdedCase(32, 30, 8)
	opt := Options{Top: 50, Effort: 200_000}
	res := Suggest(in, opt)
	checkInexact(t, res, 50, "effort of 200000 weighed evaluations")
	if res.Interrupted {
		t.Fatal("Interrupted: nothing stopped this search but its effort")
	}
	// Every 8 of them cover the tender; the best score is what such a set reaches.
	inst := newInstance(&in.Tender, in.Profiles, in.Trust)
	var ids []int
	for i := range 8 {
		ids = append(ids, i)
	}
	if want := inst.value(inst.tallyOf(ids, make([]float64, len(inst.needs)))); res.Coalitions[0].Score < want-1e-9 {
		t.Fatalf("best score %.6f, want at least %.6f (8 partners of 6 kinds)", res.Coalitions[0].Score, want)
	}
	again := Suggest(in, opt)
	if !slices.EqualFunc(res.Coalitions, again.Coalitions, func(a, b Coalition) bool { return a.Score == b.Score && slices.Equal(idsOf(a), idsOf(b)) }) {
		t.Fatal("two searches with the same effort gave different answers")
	}
}

// TestDefaultEffortBoundsTheCrowdedPool: with the default options the crowded
// instance ends on its effort, with the answer of SPEC §6 for a bounded search.
func TestDefaultEffortBoundsTheCrowdedPool(t *testing.T) {
	if testing.Short() {
		t.Skip("spends the whole default effort: seconds")
	}
	res := Suggest(crowdedCase(32, 30, 8), Options{Top: 50})
	checkInexact(t, res, 50, fmt.Sprintf("effort of %d weighed evaluations", DefaultEffort))
}

// TestStopEndsTheSearch: a closed Stop channel ends the search at its first look:
// the answer holds what the greedy start found, exact false, Interrupted, and a
// bound.
func TestStopEndsTheSearch(t *testing.T) {
	in := crowdedCase(32, 30, 8)
	stop := make(chan struct{})
	close(stop)
	res := Suggest(in, Options{Top: 50, Stop: stop})
	checkInexact(t, res, 50, "stopped at its deadline")
	if !res.Interrupted {
		t.Fatal("Interrupted is false: a stopped answer must not be cached")
	}
	// The engine itself: one look, at most stopEvery evaluations and one node's
	// worth more.
	inst := newInstance(&in.Tender, in.Profiles, in.Trust)
	s := newSearcher(inst, false, 50, 0, inst.reduce(50), DefaultEffort, stop)
	s.run()
	if !s.interrupted || s.weighed > stopEvery+4*len(inst.cands) {
		t.Fatalf("interrupted %v after %d weighed evaluations: want it to end at its first look", s.interrupted, s.weighed)
	}
}

// TestOpenStopChannelChangesNothing: a Stop that stays open leaves the answer as it
// is without one, exact.
func TestOpenStopChannelChangesNothing(t *testing.T) {
	in := largeCase(3, 30, 4)
	want := Suggest(in, Options{})
	got := Suggest(in, Options{Stop: make(chan struct{})})
	if !want.Exact || !got.Exact || got.Bound != nil || got.Interrupted || len(got.Coalitions) != len(want.Coalitions) {
		t.Fatalf("with an open Stop: exact %v bound %v interrupted %v, %d coalitions; without: exact %v, %d", got.Exact, got.Bound, got.Interrupted, len(got.Coalitions), want.Exact, len(want.Coalitions))
	}
}

func idsOf(c Coalition) []string {
	out := make([]string, len(c.Members))
	for i, m := range c.Members {
		out[i] = m.ID
	}
	return out
}
