package recompute

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
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
	"samenspel/internal/store/storetest"
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
	FinishRun(ctx context.Context, r jobs.Run) error
	LastRun(ctx context.Context, job string) (jobs.Run, error)
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

// BenchmarkRecomputeTwoReplicasPostgres is the goal's scale on PostgreSQL,
// 10,000 open tenders over 50,000 partners (1000x50k: the nightly job's), in full,
// shared by two replicas as two `matcher serve` hosts share it: the one holding
// the lock runs it (Run), the other helps (Help), each with a store of its own
// (another pool on the same database) and a snapshot of its own, on one worker
// each, as a run beside requests takes on 2 cores. Both replicas are in this
// process on this machine's cores; on two hosts each has its own. default-s is
// the time until every tender's default answer is stored (the run's report);
// s/run includes the warm pass of the pages after it; helper-share is the
// tenders the helper answered.
//
//	go test ./internal/recompute -run '^$' -bench 'RecomputeTwoReplicasPostgres/10000x50k' -benchtime 1x -timeout 60m
func BenchmarkRecomputeTwoReplicasPostgres(b *testing.B) {
	for _, n := range []int{1000, 10_000} {
		b.Run(fmt.Sprintf("%dx50k", n), func(b *testing.B) {
			st, url := benchdata.PostgresURL(b, 50_000, n)
			benchShared(b, n, st, storetest.OpenPostgres(b, url))
		})
	}
}

// benchShared runs full recomputes of n tenders shared by two replicas over st
// and other, one worker each, with a cache they share (as Redis is). Both
// replicas' heaps are in the peak: on two hosts each holds about half.
func benchShared(b *testing.B, n int, st, other benchStore) {
	ctx := context.Background()
	debug.FreeOSMemory()
	resetPeakRSS()
	peak := watchHeap()
	var defaults time.Duration
	var helped int
	for b.Loop() {
		// Shared, as Redis is, and bounded as the other benchmarks' caches are:
		// the heap is the replicas', not every answer's.
		answers := cache.NewMemory(4096, time.Hour)
		run, err := st.StartRun(ctx, JobName, "bench-1", time.Now())
		if err != nil {
			b.Fatal(err)
		}
		start := time.Now()
		var defaultAt time.Time
		opts := Options{Full: true, Workers: 1, Progress: func(done, total int) {
			if done == total {
				defaultAt = time.Now()
			}
		}}
		var wg sync.WaitGroup
		var helpErr error
		wg.Add(1)
		go func() {
			defer wg.Done()
			hopts := Options{Full: true, Workers: 1, Replica: "bench-2"}
			_, helpErr = Help(FromSnapshot(other, answers, nil), other, hopts)(ctx, start)
		}()
		run, err = JobEach(FromSnapshot(st, answers, nil), st, opts)(ctx, run)
		if err != nil {
			b.Fatal(err)
		}
		wg.Wait()
		if helpErr != nil {
			b.Fatal(helpErr)
		}
		run.Status, run.Ended = jobs.RunDone, time.Now()
		if err := st.FinishRun(ctx, run); err != nil {
			b.Fatal(err)
		}
		if run.Done != n || run.Failed != 0 {
			b.Fatalf("run %d: %d done, %d failed of %d tenders", run.ID, run.Done, run.Failed, n)
		}
		defaults += defaultAt.Sub(start)
		helped += run.Report.Details.(Report).Replicas["bench-2"]
	}
	b.ReportMetric(float64(peak())/(1<<20), "peak-heap-MiB")
	if rss := peakRSS(); rss > 0 {
		b.ReportMetric(float64(rss)/(1<<20), "peak-RSS-MiB")
	}
	b.ReportMetric(defaults.Seconds()/float64(b.N), "default-s")
	b.ReportMetric(float64(helped)/float64(n*b.N), "helper-share")
	b.ReportMetric(b.Elapsed().Seconds()/float64(b.N), "s/run")
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
