package recompute

import (
	"bufio"
	"bytes"
	"context"
	"os"
	"runtime/debug"
	"runtime/metrics"
	"strconv"
	"sync"
	"testing"
	"time"

	"samenspel/internal/benchdata"
	"samenspel/internal/cache"
	"samenspel/internal/jobs"
	"samenspel/internal/pgtest"
	"samenspel/internal/suggest"
)

// BenchmarkRecompute1000x50k is the nightly job's scale: a full recompute of 1,000
// open tenders over 50,000 partners, on GOMAXPROCS workers. The store is built
// once (it takes a while); each iteration is one full run as `matcher serve` and
// `matcher recompute` run it over the embedded store: a service of the run's own
// over a snapshot of the profiles taken when the run starts (FromSnapshot; the
// snapshot is part of the time). PerTender is the same run reading each tender's
// candidates from the store, as a run does with a search index. Besides the time
// per run it reports the peak of the live heap during the runs and the peak
// resident set of the process since the store was built (Linux only).
// SAMENSPEL_BENCH_STORE names a directory to keep the store in from one benchmark
// run to the next (internal/benchdata).
//
//	go test ./internal/recompute -run '^$' -bench 'Recompute1000x50k$' -benchtime 1x
func BenchmarkRecompute1000x50k(b *testing.B) {
	benchRecompute(b, 1000, 0, benchdata.Store(b, 50_000, 1000), fromSnapshot)
}

// BenchmarkRecompute1000x50kPostgres is BenchmarkRecompute1000x50k with PostgreSQL
// as the store (internal/pgtest's server), the same data and the same run.
//
//	go test ./internal/recompute -run '^$' -bench 'Recompute1000x50k(Postgres)?$' -benchtime 1x
func BenchmarkRecompute1000x50kPostgres(b *testing.B) {
	benchRecompute(b, 1000, 0, benchdata.Postgres(b, 50_000, 1000), fromSnapshot)
}

// fromSnapshot is the runs' suggestions as matcher serve and matcher recompute
// make them.
func fromSnapshot(st benchStore) NewSuggestions {
	return FromSnapshot(st, cache.NewMemory(4096, time.Hour), nil)
}

// benchStore is a store a benchmark run reads and records in.
type benchStore interface {
	SnapshotSource
	Store
	StartRun(ctx context.Context, job, replica string, now time.Time) (jobs.Run, error)
}

// BenchmarkRecompute10000x50k is the goal's scale, 10,000 open tenders over 50,000
// partners, in full: on every core as `matcher recompute` runs it, and on every core
// but one as `matcher serve` runs it (with no requests to give way to). Goal: 10
// minutes on 2 cores.
//
//	go test ./internal/recompute -run '^$' -bench 'Recompute10000x50k' -benchtime 1x -timeout 60m
func BenchmarkRecompute10000x50k(b *testing.B) {
	for _, w := range []struct {
		name    string
		workers int
	}{{"every-core", 0}, {"beside-requests", WorkersBesideRequests()}} {
		b.Run(w.name, func(b *testing.B) {
			benchRecompute(b, 10_000, w.workers, benchdata.Store(b, 50_000, 10_000), fromSnapshot)
		})
	}
}

// BenchmarkRecompute1000x50kPerTender is BenchmarkRecompute1000x50k with each
// tender's candidates read from the store.
func BenchmarkRecompute1000x50kPerTender(b *testing.B) {
	benchRecompute(b, 1000, 0, benchdata.Store(b, 50_000, 1000), func(st benchStore) NewSuggestions {
		return func(context.Context) (Suggestions, error) {
			return suggest.New(st, cache.NewMemory(4096, time.Hour), nil), nil
		}
	})
}

// benchRecompute runs full recomputes of the benchmark store with that many
// tenders, on workers (0: every core), with the services that newSvc makes, one per
// run, over st (benchdata: the embedded store or PostgreSQL).
func benchRecompute(b *testing.B, tenders, workers int, st benchStore, newSvc func(st benchStore) NewSuggestions) {
	ctx := context.Background()
	debug.FreeOSMemory() // what building the store took goes back, not into the peak
	resetPeakRSS()
	peak := watchHeap()
	for b.Loop() {
		// A recorded run, so that its id is newer than any earlier run's on a kept
		// store: an older one would be fenced off.
		run, err := st.StartRun(ctx, JobName, "bench", time.Now())
		if err != nil {
			b.Fatal(err)
		}
		run, err = JobEach(newSvc(st), st, Options{Full: true, Workers: workers})(ctx, run)
		if err != nil {
			b.Fatal(err)
		}
		if run.Done != tenders || run.Failed != 0 {
			b.Fatalf("run %d: %d done, %d failed of %d tenders", run.ID, run.Done, run.Failed, tenders)
		}
	}
	b.ReportMetric(float64(peak())/(1<<20), "peak-heap-MiB")
	if rss := peakRSS(); rss > 0 {
		b.ReportMetric(float64(rss)/(1<<20), "peak-RSS-MiB")
	}
	b.ReportMetric(b.Elapsed().Seconds()/float64(b.N), "s/run")
}

// watchHeap samples the live heap every 10 ms until the returned function is
// called, which returns the largest sample.
func watchHeap() func() uint64 {
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	var mu sync.Mutex
	var peak uint64
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		tick := time.NewTicker(10 * time.Millisecond)
		defer tick.Stop()
		for {
			metrics.Read(sample)
			mu.Lock()
			peak = max(peak, sample[0].Value.Uint64())
			mu.Unlock()
			select {
			case <-stop:
				return
			case <-tick.C:
			}
		}
	}()
	return func() uint64 {
		close(stop)
		<-done
		mu.Lock()
		defer mu.Unlock()
		return peak
	}
}

// resetPeakRSS starts the kernel's high-water mark of the resident set afresh
// (Linux: /proc/self/clear_refs); elsewhere it does nothing.
func resetPeakRSS() { _ = os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) }

// peakRSS is the process's peak resident set in bytes since resetPeakRSS (VmHWM),
// or 0 where /proc does not tell.
func peakRSS() uint64 {
	status, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	lines := bufio.NewScanner(bytes.NewReader(status))
	for lines.Scan() {
		if rest, ok := bytes.CutPrefix(lines.Bytes(), []byte("VmHWM:")); ok {
			kb, err := strconv.ParseUint(string(bytes.TrimSuffix(bytes.TrimSpace(rest), []byte(" kB"))), 10, 64)
			if err != nil {
				return 0
			}
			return kb << 10
		}
	}
	return 0
}

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }
