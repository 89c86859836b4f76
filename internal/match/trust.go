package match

import (
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"

	"samenspel/internal/profiles"
)

// DefaultTrust is the trust of a pair with no recorded collaboration (SPEC §4).
const DefaultTrust = 0.5

// Trust is the trust between partners, derived from collaboration events only. It is
// read-only once built, so one Trust can serve every tender at once.
//
// It is worked out when it is first needed, and only as far as needed: a tender's
// search (newInstance) applies the events of the pairs among its candidates alone,
// so that `matcher suggest` on a city's export does not sort every event of every
// other pair; any other question (Of, Among, Pooled, Recorded, Pairs) works out
// every pair once, for good.
type Trust struct {
	events []event // in input order

	once    sync.Once
	built   atomic.Bool // pairs and touched are set (after once)
	pairs   map[[2]string]float64
	touched map[string]bool
}

// event is a collaboration event as trust needs it: its pair in order (a < b).
type event struct {
	a, b, at string
	negative bool
}

// NewTrust applies the events in order of their date, ties in input order (SPEC §4):
// a positive event moves t to t + 0.1·(1 − t), a negative one to t − 0.3·t. The
// events must be valid (profiles.ValidateCollaboration); the slice is not modified
// nor kept.
func NewTrust(events []profiles.Collaboration) *Trust {
	t := &Trust{events: make([]event, len(events))}
	for i, e := range events {
		k := pairKey(e.A, e.B)
		t.events[i] = event{a: k[0], b: k[1], at: e.At, negative: e.Outcome == profiles.OutcomeNegative}
	}
	return t
}

// build works out the trust of every pair, once.
func (t *Trust) build() {
	t.once.Do(func() {
		t.pairs, t.touched = make(map[[2]string]float64), make(map[string]bool)
		for _, e := range byDate(t.events) {
			k := [2]string{e.a, e.b}
			v, ok := t.pairs[k]
			if !ok {
				v = DefaultTrust
			}
			t.pairs[k] = step(v, e.negative)
			t.touched[e.a] = true
			t.touched[e.b] = true
		}
		t.built.Store(true)
	})
}

// byDate returns the events in order of at, ties in input order, in a new slice.
// Dates are YYYY-MM-DD, so string order is date order.
func byDate(events []event) []event {
	out := slices.Clone(events)
	slices.SortStableFunc(out, func(x, y event) int { return strings.Compare(x.at, y.at) })
	return out
}

// among calls fn with the trust of each pair of the partners in ids (by their index
// there) that has an event, each pair once: from the pairs when they are worked out,
// else from the events whose partners are both in ids, which it applies as build
// does, in order of at with ties in input order.
func (t *Trust) among(ids map[string]int, fn func(a, b int, trust float64)) {
	if t == nil {
		return
	}
	if t.built.Load() {
		for k, v := range t.pairs {
			a, okA := ids[k[0]]
			b, okB := ids[k[1]]
			if okA && okB {
				fn(a, b, v)
			}
		}
		return
	}
	type indexed struct {
		pair     [2]int
		at       string
		negative bool
	}
	var in []indexed
	for _, e := range t.events {
		a, okA := ids[e.a]
		if !okA {
			continue
		}
		if b, okB := ids[e.b]; okB {
			in = append(in, indexed{[2]int{a, b}, e.at, e.negative})
		}
	}
	slices.SortStableFunc(in, func(x, y indexed) int { return strings.Compare(x.at, y.at) })
	pairs := make(map[[2]int]float64)
	var order [][2]int // the pairs in the order of their first event, for fn
	for _, e := range in {
		v, ok := pairs[e.pair]
		if !ok {
			v = DefaultTrust
			order = append(order, e.pair)
		}
		pairs[e.pair] = step(v, e.negative)
	}
	for _, k := range order {
		fn(k[0], k[1], pairs[k])
	}
}

// step is one event's effect: trust comes on foot and leaves on horseback.
func step(t float64, negative bool) float64 {
	if negative {
		return t - 0.3*t
	}
	return t + 0.1*(1-t)
}

func pairKey(a, b string) [2]string {
	if b < a {
		a, b = b, a
	}
	return [2]string{a, b}
}

// Of returns the trust between partners a and b. A nil Trust knows no events.
func (t *Trust) Of(a, b string) float64 {
	if t == nil {
		return DefaultTrust
	}
	t.build()
	if v, ok := t.pairs[pairKey(a, b)]; ok {
		return v
	}
	return DefaultTrust
}

// Recorded reports whether partner id appears in any event, that is whether its trust
// with anyone may differ from DefaultTrust.
func (t *Trust) Recorded(id string) bool {
	if t == nil {
		return false
	}
	t.build()
	return t.touched[id]
}

// Pairs returns the number of pairs with at least one event.
func (t *Trust) Pairs() int {
	if t == nil {
		return 0
	}
	t.build()
	return len(t.pairs)
}

// PairTrust is the trust of one pair of partners, A < B.
type PairTrust struct {
	A, B  string
	Trust float64
}

// Among returns the pairs of ids that have at least one event, with their trust,
// sorted by A then B. Every other pair among ids has DefaultTrust, so the result is
// all an answer over these partners depends on: a cache key built from it moves only
// when an event touches two of them.
func (t *Trust) Among(ids []string) []PairTrust {
	if t == nil || len(ids) < 2 {
		return nil
	}
	if t.build(); len(t.pairs) == 0 {
		return nil
	}
	in := make(map[string]bool, len(ids))
	for _, id := range ids {
		in[id] = true
	}
	var out []PairTrust
	for k, v := range t.pairs {
		if in[k[0]] && in[k[1]] {
			out = append(out, PairTrust{A: k[0], B: k[1], Trust: v})
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].A != out[j].A {
			return out[i].A < out[j].A
		}
		return out[i].B < out[j].B
	})
	return out
}

// Pooled is the trust among the partners ids as it may be shown to someone who may
// not see a single pair's (an anonymous caller of the score route): every pair
// among ids has the mean trust of those pairs, so that a coalition of them
// keeps its trust term (SPEC §5) and no pair's own trust shows, not even through
// the Shapley values. With two partners the mean is their pair's trust itself, so
// fewer than three get DefaultTrust. Pairs with a partner outside ids are unknown
// (DefaultTrust). Repeated ids count once.
func (t *Trust) Pooled(ids []string) *Trust {
	var members []string
	seen := make(map[string]bool, len(ids))
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			members = append(members, id)
		}
	}
	pairs := make(map[[2]string]float64)
	if len(members) < 3 {
		return trustOf(pairs)
	}
	var sum float64
	for i, a := range members {
		for _, b := range members[:i] {
			sum += t.Of(a, b)
		}
	}
	mean := sum / float64(len(members)*(len(members)-1)/2)
	if mean == DefaultTrust {
		return trustOf(pairs)
	}
	for i, a := range members {
		for _, b := range members[:i] {
			pairs[pairKey(a, b)] = mean
		}
	}
	return trustOf(pairs)
}

// trustOf is the Trust that knows these pairs (keys in order, a < b) and no
// events.
func trustOf(pairs map[[2]string]float64) *Trust {
	t := &Trust{}
	t.once.Do(func() {
		t.pairs, t.touched = pairs, make(map[string]bool)
		for k := range pairs {
			t.touched[k[0]] = true
			t.touched[k[1]] = true
		}
		t.built.Store(true)
	})
	return t
}
