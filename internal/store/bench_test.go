package store_test

import (
	"context"
	"testing"

	"samenspel/internal/store"
	"samenspel/internal/synth"
)

// BenchmarkUpsertProfiles50k is an import of 50,000 synthetic Utrecht profiles into
// an empty store, in one transaction with every index: the indexer's first run. The
// target is well under 10 s an import.
func BenchmarkUpsertProfiles50k(b *testing.B) {
	ctx := context.Background()
	ps := synth.Profiles(1, 50_000)
	tax := taxonomy(b)
	for b.Loop() {
		b.StopTimer()
		s, err := store.Open(ctx, b.TempDir(), tax)
		if err != nil {
			b.Fatal(err)
		}
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

// BenchmarkSearchProfiles is one search over 50,000 profiles: a Dutch word prefix
// with an area filter, the common query of the profile pages.
func BenchmarkSearchProfiles(b *testing.B) {
	ctx := context.Background()
	s, err := store.Open(ctx, b.TempDir(), taxonomy(b))
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	if _, _, err := s.UpsertProfiles(ctx, synth.Profiles(1, 50_000)); err != nil {
		b.Fatal(err)
	}
	tn := synth.Tenders(1, 1)[0]
	b.Run("text+area", func(b *testing.B) {
		for b.Loop() {
			if _, _, err := s.SearchProfiles(ctx, store.Query{Text: "schuldhulp", Area: "WK034412"}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("filters", func(b *testing.B) {
		for b.Loop() {
			if _, _, err := s.SearchProfiles(ctx, store.Query{Area: "BU03441205", Instrument: "meals", Limit: 100}); err != nil {
				b.Fatal(err)
			}
		}
	})
	// A tender's first need in its area, as partners look for who else offers it:
	// the whole city, a district, a neighbourhood.
	for _, area := range []string{"GM0344", "WK034409", "BU03440907"} {
		b.Run("instrument+"+area, func(b *testing.B) {
			for b.Loop() {
				if _, _, err := s.SearchProfiles(ctx, store.Query{Area: area, Instrument: "meeting_place"}); err != nil {
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
