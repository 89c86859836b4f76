package synth

import (
	"slices"

	"samenspel/internal/profiles"
)

// Instance is one tender with the whole population of a city's partners and its
// collaboration history, as `matcher suggest` reads them from an export: most
// profiles and most events have nothing to do with the tender.
type Instance struct {
	Tender         profiles.Tender
	Profiles       []profiles.Profile
	Collaborations []profiles.Collaboration
}

// Wide returns an instance of n profiles (Profiles), events collaboration events
// among them (Collaborations) and the first tender (loneliness among the elderly in
// Overvecht) with max_size maxSize, its area widened until about candidates of the
// profiles are eligible for it (SPEC §3): district by district, nearest first (the
// districts bordering those already in, in code order), and the first district that
// would take it beyond candidates neighbourhood by neighbourhood, up to the count
// closest to candidates. It is the benchmark instance of a whole `matcher suggest`
// process over a city's export, where most profiles and events have nothing to do
// with the tender.
func Wide(seed uint64, n, events, candidates, maxSize int) Instance {
	ps := Profiles(seed, n)
	t := Tenders(seed, 1)[0]
	t.MaxSize = maxSize
	needed := make(map[string]bool, len(t.Needs))
	for _, need := range t.Needs {
		needed[need.Instrument] = true
	}
	eligible := func(area []string) int {
		count := 0
		for _, p := range ps {
			if !slices.Contains(t.Exclude, p.ID) && overlap(p.Areas, area) && offersOne(p.Instruments, needed) {
				count++
			}
		}
		return count
	}
	area := slices.Clone(t.Area)
	have := eligible(area)
	// The districts nearest first: those of the tender, then their neighbours.
	order := slices.Clone(area)
	for i := 0; i < len(order); i++ {
		for _, next := range neighbours[order[i]] {
			if !slices.Contains(order, next) {
				order = append(order, next)
			}
		}
	}
	byCode := map[string]District{}
	for _, d := range Utrecht() {
		byCode[d.Code] = d
	}
	for _, code := range order[len(area):] {
		if have >= candidates {
			break
		}
		wider := append(slices.Clone(area), code)
		if more := eligible(wider); more <= candidates {
			area, have = wider, more
			continue
		}
		for _, nb := range byCode[code].Neighbourhoods {
			wider := append(slices.Clone(area), nb.Code)
			more := eligible(wider)
			if more-candidates > candidates-have {
				break // closer to candidates without it
			}
			area, have = wider, more
			if have >= candidates {
				break
			}
		}
		break
	}
	t.Area = area
	return Instance{Tender: t, Profiles: ps, Collaborations: Collaborations(seed, ps, events)}
}

// offersOne reports whether a partner offers one of the needed instruments.
func offersOne(levels map[string]float64, needed map[string]bool) bool {
	for code, l := range levels {
		if l > 0 && needed[code] {
			return true
		}
	}
	return false
}
