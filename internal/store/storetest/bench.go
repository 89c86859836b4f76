package storetest

import (
	"context"
	"testing"

	"samenspel/internal/profiles"
	"samenspel/internal/synth"
)

// Profiler is a store that takes profiles and answers the profile index's two
// questions: what the store benchmarks measure.
type Profiler interface {
	Index
	UpsertProfiles(ctx context.Context, ps []profiles.Profile) (created, updated int, err error)
	Close() error
}

// BenchUpsertProfiles50k is an import of 50,000 synthetic Utrecht profiles into an
// empty store, in one call with every index row: the indexer's first run. open
// returns an empty store; it is not timed. Every store runs the same benchmark, so
// that their figures compare (README, "Two stores").
func BenchUpsertProfiles50k(b *testing.B, open func(b *testing.B) Profiler) {
	ctx := context.Background()
	ps := synth.Profiles(1, 50_000)
	for b.Loop() {
		b.StopTimer()
		s := open(b)
		b.StartTimer()
		created, _, err := s.UpsertProfiles(ctx, ps)
		b.StopTimer()
		if err != nil || created != len(ps) {
			b.Fatalf("UpsertProfiles() = %d, %v; want %d created", created, err, len(ps))
		}
		if err := s.Close(); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
	}
	b.ReportMetric(float64(len(ps))*float64(b.N)/b.Elapsed().Seconds(), "profiles/s")
}

// BenchSearchProfiles is searches over 50,000 profiles in the store that open
// returns (empty; filled once, not timed): a Dutch word prefix with an area filter,
// the common query of the profile pages; filters alone; a need in the whole city,
// a district and a neighbourhood, as partners look for who else offers it; and a
// tender's candidates.
func BenchSearchProfiles(b *testing.B, open func(b *testing.B) Profiler) {
	ctx := context.Background()
	s := open(b)
	defer s.Close()
	if _, _, err := s.UpsertProfiles(ctx, synth.Profiles(1, 50_000)); err != nil {
		b.Fatal(err)
	}
	tn := synth.Tenders(1, 1)[0]
	b.Run("text+area", func(b *testing.B) {
		for b.Loop() {
			if _, _, err := s.SearchProfiles(ctx, profiles.Query{Text: "schuldhulp", Area: "WK034412"}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("filters", func(b *testing.B) {
		for b.Loop() {
			if _, _, err := s.SearchProfiles(ctx, profiles.Query{Area: "BU03441205", Instrument: "meals", Limit: 100}); err != nil {
				b.Fatal(err)
			}
		}
	})
	for _, area := range []struct{ name, code string }{{"city", "GM0344"}, {"district", "WK034409"}, {"neighbourhood", "BU03440907"}} {
		b.Run("instrument+"+area.name, func(b *testing.B) {
			for b.Loop() {
				if _, _, err := s.SearchProfiles(ctx, profiles.Query{Area: area.code, Instrument: "meeting_place"}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	b.Run("candidates", func(b *testing.B) {
		for b.Loop() {
			if _, err := s.Candidates(ctx, tn); err != nil {
				b.Fatal(err)
			}
		}
	})
}
