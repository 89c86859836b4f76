package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"strings"
	"testing"

	"samenspel/internal/benchdata"
	"samenspel/internal/pgtest"
)

// BenchmarkMigrate50k is a whole `matcher migrate --to postgres://...` of the
// embedded store of the nightly benchmarks (internal/benchdata: 50,000 partners,
// their collaboration events and 1,000 tenders) but for the process: "empty"
// copies it into a new, empty database each time, "again" runs it over a
// complete copy, which changes nothing. Each reports the seconds per copy.
//
//	SAMENSPEL_BENCH_STORE=/tmp/rcbench go test ./cmd/matcher -run '^$' -bench Migrate50k -benchtime 1x
func BenchmarkMigrate50k(b *testing.B) {
	const partners, tenders = 50_000, 1000
	dir := benchdata.Dir(b, partners, tenders)
	copied := fmt.Sprintf("profiles %d copied (%d new, 0 replaced, 0 unchanged)", partners, partners)
	unchanged := fmt.Sprintf("profiles %d copied (0 new, 0 replaced, %d unchanged)", partners, partners)
	// migrate runs the command into db and fails b unless its first line, the
	// profiles', is want; it returns what the command printed.
	migrate := func(b *testing.B, db, want string) string {
		b.Helper()
		var stdout bytes.Buffer
		if err := run(context.Background(), []string{"migrate", "--data", dir, "--to", db}, &stdout, io.Discard); err != nil {
			b.Fatalf("matcher migrate = %v", err)
		}
		if !strings.HasPrefix(stdout.String(), want+"\n") {
			b.Fatalf("matcher migrate printed\n%s\nwant it to begin with %s", stdout.String(), want)
		}
		return stdout.String()
	}
	b.Run("empty", func(b *testing.B) {
		var out string
		for b.Loop() {
			b.StopTimer()
			db := pgtest.Database(b) // dropped when the benchmark ends
			b.StartTimer()
			out = migrate(b, db, copied)
		}
		b.ReportMetric(b.Elapsed().Seconds()/float64(b.N), "s/copy")
		b.Log(strings.TrimSuffix(out, "\n"))
	})
	b.Run("again", func(b *testing.B) {
		db := pgtest.Database(b)
		migrate(b, db, copied)
		var out string
		for b.Loop() {
			out = migrate(b, db, unchanged)
		}
		b.ReportMetric(b.Elapsed().Seconds()/float64(b.N), "s/copy")
		b.Log(strings.TrimSuffix(out, "\n"))
	})
}
