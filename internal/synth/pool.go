package synth

import "samenspel/internal/profiles"

// Pool returns n profiles that are all eligible for tender t (SPEC §3: one of their
// areas overlaps one of t.Area, they offer at least one needed instrument, and their
// id is not in t.Exclude), for benchmarks and property tests. The pool is varied like
// Profiles: kinds that plausibly offer the needed instruments, all sizes, some new
// providers, different instruments and levels. Within Utrecht the profiles sit in the
// tender's districts and neighbourhoods; for areas outside it they take the tender's
// area as their own. Pool returns nil when t has no valid area or no needs.
func Pool(seed uint64, t profiles.Tender, n int) []profiles.Profile {
	var targets []string
	for _, a := range t.Area {
		if profiles.ValidArea(a) {
			targets = append(targets, a)
		}
	}
	if n <= 0 || len(targets) == 0 || len(t.Needs) == 0 {
		return nil
	}
	b := newBuilder(newRNG(seed, streamPool), t.Exclude)
	g := b.g
	shares := make([]float64, len(kinds))
	out := make([]profiles.Profile, 0, n)
	for range n {
		want := oneOf(g, t.Needs).Instrument
		for i := range kinds {
			shares[i] = kinds[i].share * affinity(&kinds[i], want)
		}
		if !anyPositive(shares) { // an instrument no kind offers: any kind will do
			for i := range kinds {
				shares[i] = kinds[i].share
			}
		}
		k := &kinds[g.pick(shares)]
		size := g.pick(k.size[:])
		out = append(out, b.profile(k, size, want, b.scopeOf(oneOf(g, targets))))
	}
	return out
}

// affinity is how readily an organisation of kind k offers code: its weight in the
// kind's list, 1 when only some of its names offer it, 0 when none does.
func affinity(k *kindSpec, code string) float64 {
	for _, w := range k.instruments {
		if w.code == code {
			return w.weight
		}
	}
	for _, tpl := range k.names {
		if offers(k, tpl, code) {
			return 1
		}
	}
	return 0
}

// scopeOf is where a profile must be to overlap area: the whole of Utrecht for NL and
// GM0344, a known district or neighbourhood, or else the area itself.
func (b *builder) scopeOf(area string) scope {
	if area == profiles.CountryArea || area == Municipality {
		return scope{district: -1, neighbourhood: -1}
	}
	for di, d := range b.districts {
		if d.Code == area {
			return scope{district: di, neighbourhood: -1}
		}
		for ni, nb := range d.Neighbourhoods {
			if nb.Code == area {
				return scope{district: di, neighbourhood: ni}
			}
		}
	}
	return scope{district: -1, neighbourhood: -1, areas: []string{area}}
}

func anyPositive(xs []float64) bool {
	for _, x := range xs {
		if x > 0 {
			return true
		}
	}
	return false
}
