// Package benchdata builds the store of the nightly job's benchmarks: 50,000
// partners all over Utrecht and 1,000 open tenders, the scale the SPEC's goals are
// stated at. The recompute benchmark (internal/recompute) and the benchmark of live
// requests during a recompute (internal/api) share it, so that both figures in the
// README are measured over the same data; the benchmark of `matcher migrate`
// (cmd/matcher) copies it into PostgreSQL (Dir).
//
// It is for benchmarks and tests only: it writes synthetic data into the store it
// opens and fails the benchmark on any error. It never touches a store it did not
// open.
package benchdata

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"samenspel/config"
	"samenspel/internal/pgtest"
	"samenspel/internal/postgres"
	"samenspel/internal/profiles"
	"samenspel/internal/store"
	"samenspel/internal/store/storetest"
	"samenspel/internal/synth"
)

// DirEnv names a directory to keep the benchmark stores in from one run to the next
// (building one takes a while), each size in a directory of its own below it;
// without it each benchmark builds one in a temporary directory.
const DirEnv = "SAMENSPEL_BENCH_STORE"

// Store opens a store with n partners all over Utrecht and t open tenders: the
// synthetic tenders in a district or the whole city, a third of them narrowed to
// one of their district's neighbourhoods, so that the candidates vary from tens to
// thousands. A store kept below DirEnv that already holds t tenders is used as it
// is. The store is closed when b ends.
func Store(b testing.TB, n, t int) *store.Store {
	b.Helper()
	st := open(b, dir(b, n, t))
	b.Cleanup(func() { st.Close() })
	fill(b, st, n, t)
	return st
}

// Dir is the directory of Store's store, filled and closed again: for a
// benchmark of a command that opens the store itself.
func Dir(b testing.TB, n, t int) string {
	b.Helper()
	d := dir(b, n, t)
	st := open(b, d)
	defer st.Close() // also when filling it fails b
	fill(b, st, n, t)
	return d
}

// dir is the directory of the store with n partners and t tenders: below DirEnv,
// or a temporary one.
func dir(b testing.TB, n, t int) string {
	if kept := os.Getenv(DirEnv); kept != "" {
		return filepath.Join(kept, fmt.Sprintf("%dx%d", t, n))
	}
	return b.TempDir()
}

// open opens the embedded store in dir with the shipped taxonomy.
func open(b testing.TB, dir string) *store.Store {
	b.Helper()
	tax, err := profiles.ParseTaxonomy(config.Taxonomy)
	if err != nil {
		b.Fatal(err)
	}
	st, err := store.Open(context.Background(), dir, tax)
	if err != nil {
		b.Fatal(err)
	}
	return st
}

// Postgres is Store on PostgreSQL: a new database of the test server
// (internal/pgtest), filled with the same partners, events and tenders, so that
// the two stores' figures compare.
func Postgres(b testing.TB, n, t int) *postgres.Store {
	b.Helper()
	st, _ := PostgresURL(b, n, t)
	return st
}

// PostgresURL is Postgres with the URL of its database, for a second store over
// the same data (another replica).
func PostgresURL(b testing.TB, n, t int) (*postgres.Store, string) {
	b.Helper()
	url := pgtest.Database(b)
	st := storetest.OpenPostgres(b, url)
	fill(b, st, n, t)
	if err := st.Analyze(context.Background()); err != nil { // as autovacuum would, long before a nightly run
		b.Fatal(err)
	}
	return st, url
}

// Filler is what filling a benchmark store takes.
type Filler interface {
	Tenders(ctx context.Context) ([]profiles.TenderRecord, error)
	UpsertProfiles(ctx context.Context, ps []profiles.Profile) (created, updated int, err error)
	AddCollaborations(ctx context.Context, cs []profiles.Collaboration) error
	CreateTender(ctx context.Context, t profiles.Tender, owner string, now time.Time) error
}

// fill puts n partners, their events and t tenders into st, unless it holds t
// tenders already (kept from an earlier run).
func fill(b testing.TB, st Filler, n, t int) {
	b.Helper()
	ctx := context.Background()
	if recs, err := st.Tenders(ctx); err == nil && len(recs) == t {
		return // built by an earlier run in DirEnv
	}
	ps := synth.Profiles(1, n)
	for batch := range slices.Chunk(ps, 1000) {
		if _, _, err := st.UpsertProfiles(ctx, batch); err != nil {
			b.Fatal(err)
		}
	}
	if err := st.AddCollaborations(ctx, synth.Collaborations(1, ps, n/2)); err != nil {
		b.Fatal(err)
	}
	districts := synth.Utrecht()
	for i, tn := range synth.Tenders(1, t) {
		if i%3 == 2 {
			for _, d := range districts {
				if slices.Contains(tn.Area, d.Code) {
					tn.Area = []string{d.Neighbourhoods[i%len(d.Neighbourhoods)].Code}
					break
				}
			}
		}
		if err := st.CreateTender(ctx, tn, "gemeente-utrecht", time.Unix(0, 0)); err != nil {
			b.Fatal(err)
		}
	}
}
