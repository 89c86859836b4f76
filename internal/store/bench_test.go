package store_test

import (
	"context"
	"testing"

	"samenspel/internal/store"
	"samenspel/internal/store/storetest"
)

// openBench is an empty embedded store in a temporary directory, for the shared
// store benchmarks (storetest: the same as PostgreSQL's).
func openBench(b *testing.B) storetest.Profiler {
	s, err := store.Open(context.Background(), b.TempDir(), taxonomy(b))
	if err != nil {
		b.Fatal(err)
	}
	return s
}

// BenchmarkUpsertProfiles50k: storetest.BenchUpsertProfiles50k on the embedded
// store. The target is well under 10 s an import.
func BenchmarkUpsertProfiles50k(b *testing.B) { storetest.BenchUpsertProfiles50k(b, openBench) }

// BenchmarkSearchProfiles: storetest.BenchSearchProfiles on the embedded store.
func BenchmarkSearchProfiles(b *testing.B) { storetest.BenchSearchProfiles(b, openBench) }
