package suggest

import (
	"context"
	"errors"
	"testing"
	"time"

	"samenspel/config"
	"samenspel/internal/cache"
	"samenspel/internal/match"
	"samenspel/internal/profiles"
	"samenspel/internal/store"
	"samenspel/internal/synth"
)

// crowdedSetup is a store holding issue 11's finding 1 (synth.Crowded: 32
// partners that each offer all 30 instruments of the taxonomy at 0.125, and a
// tender needing all of them), and a service over it with opts.
func crowdedSetup(t *testing.T, opts ...Option) (*store.Store, *Service, profiles.Tender) {
	t.Helper()
	ctx := context.Background()
	tax, err := profiles.ParseTaxonomy(config.Taxonomy)
	if err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(ctx, t.TempDir(), tax)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	var codes []string
	for _, in := range tax.Instruments {
		codes = append(codes, in.Code)
	}
	tn, ps := synth.Crowded(codes, 32)
	if _, _, err := st.UpsertProfiles(ctx, ps); err != nil {
		t.Fatal(err)
	}
	if err := st.CreateTender(ctx, tn, "owner", time.Unix(0, 0)); err != nil {
		t.Fatal(err)
	}
	return st, New(st, cache.NewMemory(100, time.Hour), nil, opts...), tn
}

// shortDeadline is a deadline far below what the crowded search takes to spend
// its effort (seconds), and far above what loading its inputs takes.
const shortDeadline = 300 * time.Millisecond

// TestStoppedAnswerIsServedNotCached: at its caller's deadline the search of a
// stored tender stops; the caller gets the best coalitions found with exact false
// and the bound (SPEC §6), and the next request computes again, because the
// answer depends on when the search stopped.
func TestStoppedAnswerIsServedNotCached(t *testing.T) {
	_, svc, tn := crowdedSetup(t)
	req := Request{Tender: tn.ID, Top: match.MaxTop}
	for i := range 2 {
		ctx, cancel := context.WithTimeout(context.Background(), shortDeadline)
		b, err := svc.ForTender(ctx, req)
		cancel()
		if err != nil {
			t.Fatalf("request %d: ForTender() = %v, want the answer found by the deadline", i, err)
		}
		r := result(t, b)
		if r.Exact || r.Bound == nil || len(r.Coalitions) != match.MaxTop || *r.Bound < r.Coalitions[0].Score-1e-9 {
			t.Fatalf("request %d: exact %v, bound %v, %d coalitions: want exact false and a bound at least the best score", i, r.Exact, r.Bound, len(r.Coalitions))
		}
		if n := svc.computes.Load(); n != int64(i+1) {
			t.Fatalf("request %d: %d computations, want %d: a stopped answer must not be cached", i, n, i+1)
		}
	}
}

// TestStoppedRecomputeStoresNothing: a nightly run stopped during a search stores
// no answer for the tender (nor caches one): its answer would depend on when.
func TestStoppedRecomputeStoresNothing(t *testing.T) {
	st, svc, tn := crowdedSetup(t)
	ctx, cancel := context.WithTimeout(context.Background(), shortDeadline)
	defer cancel()
	if _, err := svc.Recompute(ctx, tn.ID, 1, false); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Recompute() stopped at its deadline = %v, want context.DeadlineExceeded", err)
	}
	if _, _, _, _, err := st.StoredSuggestion(context.Background(), tn.ID); !errors.Is(err, profiles.ErrNotFound) {
		t.Fatalf("StoredSuggestion() after a stopped run = %v, want ErrNotFound", err)
	}
}

// TestBusyAboveMaxHeavy: with every heavy slot taken, a cache miss, Match and Score
// are refused with ErrBusy at once; a cache hit is still served; once the slot is
// free they are computed.
func TestBusyAboveMaxHeavy(t *testing.T) {
	ctx := context.Background()
	st, _, tn, ps := setup(t)
	svc := New(st, cache.NewMemory(100, time.Hour), nil, WithMaxHeavy(1))
	cached := Request{Tender: tn.ID, Top: 3}
	if _, err := svc.ForTender(ctx, cached); err != nil {
		t.Fatal(err)
	}
	leave, err := svc.enter(ctx) // a heavy computation in flight
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.ForTender(ctx, Request{Tender: tn.ID, Top: 4}); !errors.Is(err, ErrBusy) {
		t.Errorf("a miss while busy: %v, want ErrBusy", err)
	}
	if _, err := svc.Match(ctx, tn, 3, false); !errors.Is(err, ErrBusy) {
		t.Errorf("Match while busy: %v, want ErrBusy", err)
	}
	if _, err := svc.Score(ctx, ScoreRequest{Tender: tn.ID, Members: []string{ps[0].ID}}); !errors.Is(err, ErrBusy) {
		t.Errorf("Score while busy: %v, want ErrBusy", err)
	}
	if _, err := svc.ForTender(ctx, cached); err != nil {
		t.Errorf("a cache hit while busy: %v, want the cached answer", err)
	}
	leave()
	if _, err := svc.ForTender(ctx, Request{Tender: tn.ID, Top: 4}); err != nil {
		t.Errorf("a miss once the slot is free: %v", err)
	}
	if _, err := svc.Match(ctx, tn, 3, false); err != nil {
		t.Errorf("Match once the slot is free: %v", err)
	}

	// A slot that comes free within admissionWait is waited for: computations of
	// milliseconds queue behind each other instead of refusing each other.
	leave, err = svc.enter(ctx)
	if err != nil {
		t.Fatal(err)
	}
	time.AfterFunc(admissionWait/5, leave)
	if _, err := svc.Match(ctx, tn, 3, false); err != nil {
		t.Errorf("Match while a slot comes free within the admission wait: %v, want it to wait and run", err)
	}
	// A caller that gives up while waiting gets its own error, not ErrBusy.
	leave, err = svc.enter(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer leave()
	gone, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := svc.Match(gone, tn, 3, false); !errors.Is(err, context.Canceled) {
		t.Errorf("Match of a caller gone while waiting: %v, want context.Canceled", err)
	}
}
