package synth

import "math/rand/v2"

// Streams keep the generators independent: Profiles(s) and Tenders(s) do not draw
// the same numbers for the same seed.
const (
	streamProfiles       = 0x70726f66696c6573 // "profiles"
	streamTenders        = 0x74656e6465727321 // "tenders!"
	streamCollaborations = 0x636f6c6c61626f72 // "collabor"
	streamPool           = 0x706f6f6c706f6f6c // "poolpool"
)

// rng is a seeded source with the few draws the generators need.
type rng struct{ r *rand.Rand }

func newRNG(seed, stream uint64) *rng { return &rng{rand.New(rand.NewPCG(seed, stream))} }

// intn returns a number in [0, n).
func (g *rng) intn(n int) int { return g.r.IntN(n) }

// between returns a number in [lo, hi].
func (g *rng) between(lo, hi int) int { return lo + g.r.IntN(hi-lo+1) }

// chance reports true with probability p.
func (g *rng) chance(p float64) bool { return g.r.Float64() < p }

// pick returns an index drawn in proportion to the weights; at least one must be positive.
func (g *rng) pick(weights []float64) int {
	var total float64
	for _, w := range weights {
		total += w
	}
	x := g.r.Float64() * total
	last := 0
	for i, w := range weights {
		if w <= 0 {
			continue
		}
		last = i
		if x < w {
			return i
		}
		x -= w
	}
	return last
}

func oneOf[T any](g *rng, xs []T) T { return xs[g.intn(len(xs))] }

func (g *rng) shuffle(n int, swap func(i, j int)) { g.r.Shuffle(n, swap) }
