package match

import (
	"sort"

	"samenspel/internal/profiles"
)

// DefaultTrust is the trust of a pair with no recorded collaboration (SPEC §4).
const DefaultTrust = 0.5

// Trust is the trust between partners, derived from collaboration events only. It is
// read-only once built, so one Trust can serve every tender at once.
type Trust struct {
	pairs   map[[2]string]float64
	touched map[string]bool
}

// NewTrust applies the events in order of their date, ties in input order (SPEC §4):
// a positive event moves t to t + 0.1·(1 − t), a negative one to t − 0.3·t. The
// events must be valid (profiles.ValidateCollaboration); the slice is not modified.
func NewTrust(events []profiles.Collaboration) *Trust {
	order := make([]int, len(events))
	for i := range order {
		order[i] = i
	}
	// Dates are YYYY-MM-DD, so string order is date order.
	sort.SliceStable(order, func(i, j int) bool { return events[order[i]].At < events[order[j]].At })
	t := &Trust{pairs: make(map[[2]string]float64), touched: make(map[string]bool)}
	for _, i := range order {
		e := events[i]
		k := pairKey(e.A, e.B)
		v, ok := t.pairs[k]
		if !ok {
			v = DefaultTrust
		}
		t.pairs[k] = step(v, e.Outcome)
		t.touched[e.A] = true
		t.touched[e.B] = true
	}
	return t
}

// step is one event's effect: trust comes on foot and leaves on horseback.
func step(t float64, outcome string) float64 {
	if outcome == profiles.OutcomeNegative {
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
	if v, ok := t.pairs[pairKey(a, b)]; ok {
		return v
	}
	return DefaultTrust
}

// Recorded reports whether partner id appears in any event, that is whether its trust
// with anyone may differ from DefaultTrust.
func (t *Trust) Recorded(id string) bool { return t != nil && t.touched[id] }

// Pairs returns the number of pairs with at least one event.
func (t *Trust) Pairs() int {
	if t == nil {
		return 0
	}
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
	if t == nil || len(t.pairs) == 0 || len(ids) < 2 {
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
	pooled := &Trust{pairs: make(map[[2]string]float64), touched: make(map[string]bool)}
	var members []string
	seen := make(map[string]bool, len(ids))
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			members = append(members, id)
		}
	}
	if len(members) < 3 {
		return pooled
	}
	var sum float64
	for i, a := range members {
		for _, b := range members[:i] {
			sum += t.Of(a, b)
		}
	}
	mean := sum / float64(len(members)*(len(members)-1)/2)
	if mean == DefaultTrust {
		return pooled
	}
	for i, a := range members {
		pooled.touched[a] = true
		for _, b := range members[:i] {
			pooled.pairs[pairKey(a, b)] = mean
		}
	}
	return pooled
}
