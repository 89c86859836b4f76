package match

import (
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"samenspel/internal/profiles"
)

// The oracle's variants follow the definition in variants.go word for word, over
// every feasible coalition the oracle enumerates, sharing no code with the engine.

// swap is A with x replaced by y, as profiles.
func (o *oracle) swap(a oracleHit, x, y string) []profiles.Profile {
	var S []profiles.Profile
	for _, id := range a.ids {
		if id == x {
			id = y
		}
		S = append(S, o.profile(id))
	}
	return S
}

func (o *oracle) profile(id string) profiles.Profile {
	i := slices.IndexFunc(o.cands, func(p profiles.Profile) bool { return p.ID == id })
	return o.cands[i]
}

// validSwap: A−x+y meets the rules and scores as A, within 1e-9.
func (o *oracle) validSwap(a oracleHit, x, y string, relaxed bool) bool {
	S := o.swap(a, x, y)
	v, _ := o.score(S)
	return o.feasible(S, relaxed) && math.Abs(v-a.score) <= 1e-9
}

// alternatives of each member of a: every candidate outside a whose swap is valid.
func (o *oracle) alternatives(a oracleHit, relaxed bool) [][]string {
	out := make([][]string, len(a.ids))
	for i, x := range a.ids {
		for _, p := range o.cands {
			if !slices.Contains(a.ids, p.ID) && o.validSwap(a, x, p.ID, relaxed) {
				out[i] = append(out[i], p.ID)
			}
		}
	}
	return out
}

// variantOf: same size and score, and the newcomers of b take distinct seats of a
// whose swaps are valid (every assignment is tried).
func (o *oracle) variantOf(a, b oracleHit, relaxed bool) bool {
	if len(a.ids) != len(b.ids) || math.Abs(a.score-b.score) > 1e-9 || slices.Equal(a.ids, b.ids) {
		return false
	}
	var seats, newcomers []string
	for _, id := range a.ids {
		if !slices.Contains(b.ids, id) {
			seats = append(seats, id)
		}
	}
	for _, id := range b.ids {
		if !slices.Contains(a.ids, id) {
			newcomers = append(newcomers, id)
		}
	}
	var try func(n int, used map[string]bool) bool
	try = func(n int, used map[string]bool) bool {
		if n == len(newcomers) {
			return true
		}
		for _, x := range seats {
			if !used[x] && o.validSwap(a, x, newcomers[n], relaxed) {
				used[x] = true
				if try(n+1, used) {
					return true
				}
				delete(used, x)
			}
		}
		return false
	}
	return try(0, map[string]bool{})
}

// variants walks every feasible coalition (relaxed: under rules 1, 3, 4) in rank
// order and keeps the first n that are no variant of one kept before.
func (o *oracle) variants(n int, relaxed bool) (kept, all []oracleHit) {
	all = o.top(math.MaxInt, relaxed)
	for _, h := range all {
		if len(kept) == n {
			break
		}
		if !slices.ContainsFunc(kept, func(a oracleHit) bool { return o.variantOf(a, h, relaxed) }) {
			kept = append(kept, h)
		}
	}
	return kept, all
}

// variantCase is randomCase with look-alikes added: exact twins, partners of
// another kind or with another level or flag, some with trust events, so that many
// coalitions score the same.
func variantCase(seed uint64, n int) (profiles.Tender, []profiles.Profile, []profiles.Collaboration) {
	t, ps, events := randomCase(seed, n)
	r := rand.New(rand.NewPCG(seed, 0x7a41))
	for i := range n/2 + r.IntN(n/2+1) {
		q := ps[r.IntN(len(ps))]
		q.ID, q.Name = fmt.Sprintf("q%02d", i), fmt.Sprintf("Look-alike %d", i)
		q.Instruments = maps.Clone(q.Instruments)
		switch r.IntN(5) {
		case 1:
			q.Kind = ps[r.IntN(len(ps))].Kind
		case 2:
			for code := range q.Instruments {
				q.Instruments[code] = 1
				break
			}
		case 3:
			q.NewProvider = !q.NewProvider
			q.CanLead = !q.CanLead
		case 4:
			events = append(events, profiles.Collaboration{A: q.ID, B: ps[r.IntN(len(ps))].ID, Outcome: profiles.OutcomePositive, At: "2026-03-01"})
		}
		ps = append(ps, q)
	}
	return t, ps, events
}

func hitOf(c Coalition) oracleHit { return oracleHit{ids: ids(c), score: c.Score} }

// TestVariantsMatchBruteForce: on small pools full of look-alikes the answer with
// variants is the oracle's walk: the same coalitions, ranked 1 to N, each member's
// alternatives exactly the valid one-for-one swaps; every coalition the plain
// ranking lists before the last one kept and the answer leaves out is a variant of
// a kept one that ranks before it; and no kept coalition is a variant of one kept
// before it.
func TestVariantsMatchBruteForce(t *testing.T) {
	seeds := 240
	if testing.Short() {
		seeds = 60
	}
	swapsSeen, multiSeen := 0, 0
	for seed := range uint64(seeds) {
		tender, ps, events := variantCase(seed, 5+int(seed%8))
		top := 1 + int(seed%7)
		got := Suggest(Input{Tender: tender, Profiles: ps, Trust: NewTrust(events)}, Options{Top: top, Variants: true})
		o := newOracle(tender, ps, events)
		relaxed := len(o.top(1, false)) == 0
		want, all := o.variants(top, relaxed)
		if got.Feasible == relaxed || !got.Exact || len(got.Coalitions) != len(want) {
			t.Fatalf("seed %d: Suggest feasible=%v exact=%v with %d coalitions, want feasible=%v exact with %d", seed, got.Feasible, got.Exact, len(got.Coalitions), !relaxed, len(want))
		}
		for i, c := range got.Coalitions {
			if c.Rank != i+1 || math.Abs(c.Score-want[i].score) > 1e-9 || !slices.Equal(ids(c), want[i].ids) {
				t.Fatalf("seed %d rank %d: Suggest = %d %v (%.12f), want %v (%.12f)", seed, i+1, c.Rank, ids(c), c.Score, want[i].ids, want[i].score)
			}
			alts := o.alternatives(want[i], relaxed)
			for j, m := range c.Members {
				if !slices.Equal(m.Alternatives, alts[j]) {
					t.Fatalf("seed %d rank %d: %s alternatives %v, want %v", seed, i+1, m.ID, m.Alternatives, alts[j])
				}
				swapsSeen += len(alts[j])
			}
			for _, e := range got.Coalitions[:i] {
				if o.variantOf(hitOf(e), hitOf(c), relaxed) {
					t.Fatalf("seed %d: kept %v is a variant of %v, kept before it", seed, ids(c), ids(e))
				}
			}
		}
		if len(want) == 0 {
			continue
		}
		// What the plain ranking holds up to the last coalition kept.
		lastKept := slices.IndexFunc(all, func(h oracleHit) bool { return slices.Equal(h.ids, want[len(want)-1].ids) })
		for i, h := range all[:lastKept] {
			if slices.ContainsFunc(want, func(k oracleHit) bool { return slices.Equal(k.ids, h.ids) }) {
				continue
			}
			by := slices.IndexFunc(got.Coalitions, func(c Coalition) bool {
				return o.variantOf(hitOf(c), h, relaxed) && slices.IndexFunc(all, func(a oracleHit) bool { return slices.Equal(a.ids, ids(c)) }) < i
			})
			if by < 0 {
				t.Fatalf("seed %d: %v (%.12f) is left out but is no variant of a kept coalition ranked before it", seed, h.ids, h.score)
			}
			if n := len(h.ids) - countCommon(h.ids, ids(got.Coalitions[by])); n > 1 {
				multiSeen++
			}
		}
	}
	// The cases must exercise what they test.
	t.Logf("%d alternatives, %d variants of several seats", swapsSeen, multiSeen)
	if swapsSeen < seeds || multiSeen < seeds/10 {
		t.Fatalf("only %d alternatives and %d variants of several seats in %d cases: the cases test too little", swapsSeen, multiSeen, seeds)
	}
}

func countCommon(a, b []string) int {
	n := 0
	for _, id := range a {
		if slices.Contains(b, id) {
			n++
		}
	}
	return n
}

// TestVariantsByHand: two tables worked out on paper.
func TestVariantsByHand(t *testing.T) {
	meals := profiles.Need{Instrument: "meals", Weight: 1}
	venue := profiles.Need{Instrument: "venue", Weight: 1}
	a := prof("a", "residents_group", "small", true, map[string]float64{"meals": 1})
	b := prof("b", "residents_group", "small", true, map[string]float64{"meals": 1})
	c := prof("c", "welfare", "medium", true, map[string]float64{"venue": 1})
	d := prof("d", "welfare", "medium", false, map[string]float64{"venue": 1})
	e := prof("e", "care", "medium", true, map[string]float64{"venue": 1})
	type kept struct {
		ids  []string
		alts [][]string
	}
	tests := []struct {
		name   string
		ps     []profiles.Profile
		events []profiles.Collaboration
		want   []kept
	}{
		{
			// K = 3 kinds. Every pair of a meals and a venue partner covers both
			// needs with two kinds, one small: the same score. {a,c} ranks first; a
			// may be swapped for b, c for d or e (e's kind, care, is as new as
			// welfare). Every other pair swaps one or both seats for such an
			// alternative: {b,e} gives b a's seat and e c's. {a,b} and {c,d} have a
			// free rider. Alone, a covers half with a small partner, c half with a
			// medium one; b, d and e are their variants.
			"every swap an alternative, two seats at once too", []profiles.Profile{a, b, c, d, e}, nil,
			[]kept{{[]string{"a", "c"}, [][]string{{"b"}, {"d", "e"}}}, {[]string{"a"}, [][]string{{"b"}}}, {[]string{"c"}, [][]string{{"d", "e"}}}},
		},
		{
			// Trust 0.55 for a–c, a–d and b–d (one positive event each), 0.5 for b–c:
			// {a,c}, {a,d} and {b,d} score the same, {b,c} less. {a,d} is {a,c} with d
			// in c's seat. {b,d} would put b in a's seat and d in c's, but {b,c}
			// scores less, and b in c's seat leaves a free rider: no variant, a
			// coalition of its own, where b could take a's seat ({a,d}) but d not
			// c's ({b,c}). Alone, b is a's variant and d c's.
			"a swap of two seats each of which alone does worse is no variant", []profiles.Profile{a, b, c, d},
			[]profiles.Collaboration{{A: "a", B: "c", Outcome: "positive", At: "2026-01-01"}, {A: "a", B: "d", Outcome: "positive", At: "2026-01-01"},
				{A: "b", B: "d", Outcome: "positive", At: "2026-01-01"}},
			[]kept{{[]string{"a", "c"}, [][]string{nil, {"d"}}}, {[]string{"b", "d"}, [][]string{{"a"}, nil}}, {[]string{"b", "c"}, [][]string{nil, nil}},
				{[]string{"a"}, [][]string{{"b"}}}, {[]string{"c"}, [][]string{{"d"}}}},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in := Input{Tender: tender(2, meals, venue), Profiles: tc.ps, Trust: NewTrust(tc.events)}
			res := Suggest(in, Options{Variants: true})
			if !res.Exact || len(res.Coalitions) != len(tc.want) {
				t.Fatalf("Suggest = exact %v, %d coalitions %v; want exact, %d", res.Exact, len(res.Coalitions), res.Coalitions, len(tc.want))
			}
			for i, w := range tc.want {
				c := res.Coalitions[i]
				if c.Rank != i+1 || !slices.Equal(ids(c), w.ids) {
					t.Fatalf("rank %d = %d %v, want %v", i+1, c.Rank, ids(c), w.ids)
				}
				for j, m := range c.Members {
					if !slices.Equal(m.Alternatives, w.alts[j]) {
						t.Errorf("rank %d: %s alternatives %v, want %v", i+1, m.ID, m.Alternatives, w.alts[j])
					}
				}
			}
			// Without variants the same coalitions come with their look-alikes, and
			// without alternatives.
			plain := Suggest(in, Options{})
			if len(plain.Coalitions) <= len(res.Coalitions) {
				t.Errorf("without variants %d coalitions, want more than %d", len(plain.Coalitions), len(res.Coalitions))
			}
			if b, _ := json.Marshal(plain); strings.Contains(string(b), "alternatives") {
				t.Errorf("an answer without variants names alternatives: %s", b)
			}
		})
	}
}

// TestVariantsSameBytes: same input, same output, byte for byte, whatever the
// order of the profiles; on a pool above ExactPool, where the search has a budget.
func TestVariantsSameBytes(t *testing.T) {
	in := synthCase(2, 3, 300, 6)
	first, _ := json.Marshal(Suggest(in, Options{Variants: true}))
	if !strings.Contains(string(first), `"alternatives"`) {
		t.Fatalf("the answer names no alternatives: a weak test of their order")
	}
	slices.Reverse(in.Profiles)
	for range 2 {
		again, _ := json.Marshal(Suggest(in, Options{Variants: true}))
		if string(again) != string(first) {
			t.Fatalf("Suggest with variants gave different bytes for the same input")
		}
	}
}

// TestVariantsSmallerTopIsPrefix: the answer for a smaller top is the first part
// of the default one, with the same alternatives.
func TestVariantsSmallerTopIsPrefix(t *testing.T) {
	for _, in := range []Input{largeCase(5, 30, 4), synthCase(3, 1, 600, 6)} {
		full := Suggest(in, Options{Variants: true})
		for _, top := range []int{1, 4} {
			got := Suggest(in, Options{Top: top, Variants: true})
			if len(got.Coalitions) != top {
				t.Fatalf("Suggest(top=%d) gave %d coalitions", top, len(got.Coalitions))
			}
			a, _ := json.Marshal(got.Coalitions)
			b, _ := json.Marshal(full.Coalitions[:top])
			if string(a) != string(b) {
				t.Errorf("Suggest(top=%d) = %s, want the first %d of the default answer %s", top, a, top, b)
			}
		}
	}
}

// TestVariantsFillTheTop: on realistic pools, where many partners can take one
// another's seat, the answer still holds the ten coalitions asked for, no two the
// same idea, and lists alternatives.
func TestVariantsFillTheTop(t *testing.T) {
	for _, n := range []int{100, 600} {
		in := synthCase(1, 0, n, 6)
		plain := Suggest(in, Options{})
		res := Suggest(in, Options{Variants: true})
		inst := newInstance(&in.Tender, in.Profiles, in.Trust)
		w := newSwapper(inst, false)
		index := map[string]int{}
		for i, c := range inst.cands {
			index[c.p.ID] = i
		}
		asFound := func(c Coalition) *alike {
			f := found{score: c.Score}
			for _, m := range c.Members {
				f.members = append(f.members, index[m.ID])
			}
			return newAlike(f)
		}
		alts := 0
		for i, c := range res.Coalitions {
			for _, e := range res.Coalitions[:i] {
				if w.variantOf(asFound(e), asFound(c).found) {
					t.Fatalf("pool %d: rank %d %v is a variant of %v", n, i+1, ids(c), ids(e))
				}
			}
			for _, m := range c.Members {
				alts += len(m.Alternatives)
			}
		}
		if len(res.Coalitions) != DefaultTop || alts == 0 || res.Coalitions[0].Score < plain.Coalitions[0].Score-1e-9 {
			t.Fatalf("pool %d: %d coalitions with %d alternatives, best %.6f (without variants %.6f); want %d, some alternatives, no worse",
				n, len(res.Coalitions), alts, res.Coalitions[0].Score, plain.Coalitions[0].Score, DefaultTop)
		}
	}
}

// TestVariantsBounded: the effort and Stop bound a search for variants as they do
// any search (SPEC §6): on the crowded pool, a small effort ends it with the best
// found, exact false, the bound, the same answer on every run; a closed Stop ends
// it at once, interrupted.
func TestVariantsBounded(t *testing.T) {
	in := crowdedCase(32, 30, 8)
	opt := Options{Top: 5, Effort: 200_000, Variants: true}
	res := Suggest(in, opt)
	checkInexact(t, res, 5, "effort of 200000 weighed evaluations")
	if res.Interrupted {
		t.Fatal("Interrupted: nothing stopped this search but its effort")
	}
	a, _ := json.Marshal(res)
	b, _ := json.Marshal(Suggest(in, opt))
	if string(a) != string(b) {
		t.Fatal("two searches for variants with the same effort gave different answers")
	}
	stop := make(chan struct{})
	close(stop)
	res = Suggest(in, Options{Top: 5, Stop: stop, Variants: true})
	if res.Exact || !res.Interrupted || res.Bound == nil || len(res.Coalitions) == 0 {
		t.Fatalf("stopped: exact %v interrupted %v bound %v, %d coalitions; want the best found, inexact and interrupted", res.Exact, res.Interrupted, res.Bound, len(res.Coalitions))
	}
	// The alternatives' pass looks at Stop first thing, too.
	if !slices.ContainsFunc(res.Warnings, func(w string) bool { return strings.Contains(w, "lists of alternatives may be incomplete") }) {
		t.Fatalf("stopped: warnings %q, want one saying the alternatives may be incomplete", res.Warnings)
	}
}

// TestStopDuringAlternatives: the alternatives' pass looks at Stop every
// stopEvery candidates weighed; closed, it ends the pass with the lists found so
// far, which are the first part of the whole lists.
func TestStopDuringAlternatives(t *testing.T) {
	in := synthCase(1, 0, 2000, 8)
	inst := newInstance(&in.Tender, in.Profiles, in.Trust)
	res := Suggest(in, Options{Variants: true})
	c := res.Coalitions[0]
	members := make([]int, len(c.Members))
	for i, m := range c.Members {
		members[i] = slices.IndexFunc(inst.cands, func(x cand) bool { return x.p.ID == m.ID })
	}
	w := newSwapper(inst, false)
	work := 0
	full, complete := w.alternatives(members, c.Score, nil, &work)
	if !complete || work < 2*stopEvery {
		t.Fatalf("complete %v after %d weighed: want a pass long enough to stop in", complete, work)
	}
	stop := make(chan struct{})
	close(stop)
	work = 1 // the first look is at stopEvery
	part, complete := w.alternatives(members, c.Score, stop, &work)
	if complete || work > stopEvery+2 {
		t.Fatalf("with Stop closed: complete %v after %d weighed, want to stop at the first look", complete, work)
	}
	for i := range part {
		if len(part[i]) > len(full[i]) || !slices.Equal(part[i], full[i][:len(part[i])]) {
			t.Fatalf("the stopped lists %v are no first part of %v", part, full)
		}
	}
}

// TestAlikeListProvesOnlyWhatItSaw: a coalition found late can make two flagged
// ones variants at once and so lower the list's threshold, after it refused a
// coalition below the old one. The list then proves only what ranks no later than
// its old last: the coalition flagged after the drop waits for the next round,
// which meets the refused one first.
func TestAlikeListProvesOnlyWhatItSaw(t *testing.T) {
	// a = p1 and b = p3 bring meals, d = p2 and c = p4 a venue; trust 0.55 for
	// a–c, a–d and b–d. X = {a,d}, A1 = {a,c}, A2 = {b,d} score 0.55·…; A1 and
	// A2 are each X with one seat swapped, but A2 is no variant of A1 ({b,c}
	// scores less, {a,b} has a free rider). D = {b,c} ranks after them, C = {a}
	// after D.
	meals := profiles.Need{Instrument: "meals", Weight: 1}
	venue := profiles.Need{Instrument: "venue", Weight: 1}
	ps := []profiles.Profile{
		prof("p1", "residents_group", "small", true, map[string]float64{"meals": 1}),
		prof("p2", "welfare", "medium", true, map[string]float64{"venue": 1}),
		prof("p3", "residents_group", "small", true, map[string]float64{"meals": 1}),
		prof("p4", "welfare", "medium", true, map[string]float64{"venue": 1}),
	}
	events := []profiles.Collaboration{{A: "p1", B: "p4", Outcome: "positive", At: "2026-01-01"},
		{A: "p1", B: "p2", Outcome: "positive", At: "2026-01-01"}, {A: "p3", B: "p2", Outcome: "positive", At: "2026-01-01"}}
	tn := tender(2, meals, venue)
	inst := newInstance(&tn, ps, NewTrust(events))
	coalition := func(members ...int) found {
		return found{members: members, score: inst.value(inst.tallyOf(members, make([]float64, len(inst.needs))))}
	}
	X, A1, A2, D, C := coalition(0, 1), coalition(0, 3), coalition(1, 2), coalition(2, 3), coalition(0)
	if !better(X, A1) || !better(A1, A2) || !better(A2, D) || !better(D, C) || !near(X.score, A2.score) {
		t.Fatalf("the coalitions do not rank X, A1, A2, D, C: %v", []found{X, A1, A2, D, C})
	}
	weighed := 0
	l := &alikeList{w: newSwapper(inst, false), want: 2, held: map[string]bool{}, weighed: &weighed}
	list := topList{n: 2, alike: l}
	for _, f := range []found{A1, A2, D, X, C} {
		list.offer(f.members, f.score)
	}
	var got [][]int
	for _, m := range l.proven() {
		got = append(got, m.members)
	}
	if !slices.EqualFunc(got, [][]int{X.members}, slices.Equal) {
		t.Fatalf("proven = %v, want only X %v: C ranks after A2, the list's last when it refused D", got, X.members)
	}
	// The engine meets D before C.
	res := Suggest(Input{Tender: tn, Profiles: ps, Trust: NewTrust(events)}, Options{Variants: true})
	var top3 [][]string
	for _, c := range res.Coalitions[:3] {
		top3 = append(top3, ids(c))
	}
	if want := [][]string{{"p1", "p2"}, {"p3", "p4"}, {"p1"}}; !slices.EqualFunc(top3, want, slices.Equal) {
		t.Fatalf("Suggest = %v, want %v first", top3, want)
	}
}
