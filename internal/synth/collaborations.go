package synth

import (
	"cmp"
	"slices"
	"time"

	"samenspel/internal/profiles"
)

// The window collaboration events fall in, both ends included.
var (
	firstEvent = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	lastEvent  = time.Date(2026, 10, 31, 0, 0, 0, 0, time.UTC)
)

// Collaborations returns up to n collaboration events between partners of ps who share
// an area (one of their areas overlaps one of the other's), dated 2024-01-01 to
// 2026-10-31 and sorted by date. Larger partners take part more often and partners
// favour those working close by; some pairs work together more than once, and about
// 80% of the events are positive: most pairs get on, a few do not. Fewer than n events
// come back only when hardly any partners of ps share an area.
func Collaborations(seed uint64, ps []profiles.Profile, n int) []profiles.Collaboration {
	if n <= 0 || len(ps) < 2 {
		return nil
	}
	g := newRNG(seed, streamCollaborations)
	// Who starts a collaboration: larger partners more often.
	weights := make([]float64, len(ps))
	areas := make([][]string, len(ps)) // the valid areas, checked once
	for i, p := range ps {
		switch p.Size {
		case profiles.SizeLarge:
			weights[i] = 2
		case profiles.SizeMedium:
			weights[i] = 1.5
		default:
			weights[i] = 1
		}
		for _, a := range p.Areas {
			if profiles.ValidArea(a) {
				areas[i] = append(areas[i], a)
			}
		}
	}
	// Whom with: a partner sharing an area; local ones (small, medium) rather than the
	// city-wide ones, which every partner shares an area with, except that large
	// organisations know each other.
	partners := map[int][]int{}
	partnerWeights := map[int][]float64{}
	neighbours := func(a int) ([]int, []float64) {
		if bs, ok := partners[a]; ok {
			return bs, partnerWeights[a]
		}
		var bs []int
		var ws []float64
		for b := range ps {
			if b != a && ps[b].ID != ps[a].ID && overlap(areas[a], areas[b]) {
				bs = append(bs, b)
				w := 3.0
				if ps[b].Size == profiles.SizeLarge {
					w = 1
					if ps[a].Size == profiles.SizeLarge {
						w = 6
					}
				}
				ws = append(ws, w)
			}
		}
		partners[a], partnerWeights[a] = bs, ws
		return bs, ws
	}
	type pair struct{ a, b int }
	var pairs []pair
	getsOn := map[pair]bool{}
	days := int(lastEvent.Sub(firstEvent).Hours()/24) + 1

	out := make([]profiles.Collaboration, 0, n)
	for misses := 0; len(out) < n && misses < 10*n; {
		var pr pair
		if len(pairs) > 0 && g.chance(0.3) {
			pr = oneOf(g, pairs) // an old pair works together again
		} else {
			a := g.pick(weights)
			bs, ws := neighbours(a)
			if len(bs) == 0 {
				misses++
				continue
			}
			b := bs[g.pick(ws)]
			if ps[b].ID < ps[a].ID {
				a, b = b, a
			}
			pr = pair{a, b}
			if _, seen := getsOn[pr]; !seen {
				getsOn[pr] = g.chance(0.8)
				pairs = append(pairs, pr)
			}
		}
		positive := 0.35
		if getsOn[pr] {
			positive = 0.9
		}
		outcome := profiles.OutcomeNegative
		if g.chance(positive) {
			outcome = profiles.OutcomePositive
		}
		at := firstEvent.AddDate(0, 0, g.intn(days)).Format("2006-01-02")
		out = append(out, profiles.Collaboration{A: ps[pr.a].ID, B: ps[pr.b].ID, Outcome: outcome, At: at})
	}
	slices.SortStableFunc(out, func(x, y profiles.Collaboration) int {
		return cmp.Or(cmp.Compare(x.At, y.At), cmp.Compare(x.A, y.A), cmp.Compare(x.B, y.B))
	})
	return out
}

// overlap reports whether one of the valid area codes as overlaps one of bs.
func overlap(as, bs []string) bool {
	for _, a := range as {
		for _, b := range bs {
			if profiles.AreasOverlap(a, b) {
				return true
			}
		}
	}
	return false
}
