package postgres_test

import (
	"context"
	"testing"

	"samenspel/internal/pgtest"
	"samenspel/internal/postgres"
	"samenspel/internal/store/storetest"
)

// openBench is a PostgreSQL store on a new database, for the shared store
// benchmarks (storetest: the same as the embedded store's).
func openBench(b *testing.B) storetest.Profiler {
	s, err := postgres.Open(context.Background(), pgtest.Database(b), taxonomy(b))
	if err != nil {
		b.Fatal(err)
	}
	return s
}

// BenchmarkUpsertProfiles50k: storetest.BenchUpsertProfiles50k on PostgreSQL.
func BenchmarkUpsertProfiles50k(b *testing.B) { storetest.BenchUpsertProfiles50k(b, openBench) }

// BenchmarkSearchProfiles: storetest.BenchSearchProfiles on PostgreSQL.
func BenchmarkSearchProfiles(b *testing.B) { storetest.BenchSearchProfiles(b, openBench) }
