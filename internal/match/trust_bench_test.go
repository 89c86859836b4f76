package match

import (
	"testing"

	"samenspel/internal/synth"
)

// BenchmarkNewTrust: the trust of a city's 12,000 collaboration events among 3,000
// partners (synth.Wide), and the instance of a tender of some 600 candidates built
// over it, which reads the trust of the pairs among its candidates only.
func BenchmarkNewTrust(b *testing.B) {
	w := synth.Wide(2026, 3000, 12000, 600, 6)
	b.Run("events=12000", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			NewTrust(w.Collaborations)
		}
	})
	b.Run("events=12000/instance", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			newInstance(&w.Tender, w.Profiles, NewTrust(w.Collaborations))
		}
	})
}
