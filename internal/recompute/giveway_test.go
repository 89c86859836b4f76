package recompute

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"samenspel/internal/jobs"
	"samenspel/internal/match"
	"samenspel/internal/profiles"
	"samenspel/internal/suggest"
)

// Each worker calls Yield before each tender, and a tender starts only after its
// Yield returned; the warm pass yields before each page too.
func TestYieldBeforeEachTender(t *testing.T) {
	svc := canned{}
	l := &tenderList{}
	for _, id := range []string{"a", "b", "c", "d", "e"} {
		svc[id] = suggest.Outcome{Result: match.Result{Coalitions: []match.Coalition{}}}
		l.recs = append(l.recs, profiles.TenderRecord{Tender: profiles.Tender{ID: id}})
	}
	var yields atomic.Int64
	var started []int64 // yields counted when each tender started
	rec := recording{canned: svc, onStart: func() { started = append(started, yields.Load()) }}
	run, err := Run(context.Background(), &rec, l, jobs.Run{ID: 1, Replica: "matcher-1"}, Options{Workers: 1,
		Yield: func(context.Context) { yields.Add(1) }})
	if err != nil {
		t.Fatal(err)
	}
	// Five before the tenders' answers, five before their pages' warming.
	if run.Done != 5 || yields.Load() != 10 {
		t.Fatalf("done %d, yields %d; want 5 and 10", run.Done, yields.Load())
	}
	for i, n := range started {
		if n != int64(i+1) {
			t.Errorf("tender %d started after %d yields, want %d", i, n, i+1)
		}
	}
}

// recording is canned, calling onStart as each tender starts (one worker: no race).
type recording struct {
	canned
	onStart func()
}

func (r *recording) Recompute(ctx context.Context, tender string, run int64, full bool) (suggest.Outcome, error) {
	r.onStart()
	return r.canned.Recompute(ctx, tender, run, full)
}

// GiveWay returns at once when no request is in flight, waits while some are (and
// returns soon after they are done), never longer than its bound, and not past
// its context.
func TestGiveWay(t *testing.T) {
	var inFlight atomic.Int64
	const most = 300 * time.Millisecond
	yield := GiveWay(inFlight.Load, most)
	ctx := context.Background()

	start := time.Now()
	yield(ctx)
	if took := time.Since(start); took >= most {
		t.Errorf("idle: waited %v, want no wait", took)
	}

	inFlight.Store(2)
	start = time.Now()
	yield(ctx)
	if took := time.Since(start); took < most {
		t.Errorf("always busy: waited %v, want the bound %v", took, most)
	}

	done := make(chan struct{})
	go func() {
		defer close(done)
		yield(ctx)
	}()
	select {
	case <-done:
		t.Fatal("returned while requests were in flight")
	case <-time.After(most / 3):
	}
	inFlight.Store(0)
	select {
	case <-done:
	case <-time.After(most / 2):
		t.Error("still waiting after the requests were done")
	}

	inFlight.Store(1)
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	start = time.Now()
	yield(cctx)
	if took := time.Since(start); took >= most {
		t.Errorf("cancelled: waited %v, want no wait", took)
	}
}
