package recompute

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"samenspel/internal/cache"
	"samenspel/internal/jobs"
	"samenspel/internal/match"
	"samenspel/internal/suggest"
)

// digests returns every open tender's stored digest.
func (f *fixture) digests(t *testing.T) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, tn := range f.tenders {
		d, _, _, _, err := f.st.StoredSuggestion(context.Background(), tn.ID)
		if err != nil {
			t.Fatalf("StoredSuggestion(%s) = %v", tn.ID, err)
		}
		out[tn.ID] = d
	}
	return out
}

// runWith runs a recompute as run id with svc.
func (f *fixture) runWith(t *testing.T, svc Suggestions, id int64, opts Options) jobs.Run {
	t.Helper()
	run, err := Run(context.Background(), svc, f.st, f.start(t, id), opts)
	if err != nil {
		t.Fatalf("Run(run %d) = %v", id, err)
	}
	f.finish(t, run)
	return run
}

// fairness is the fairness of a run's report.
func fairness(t *testing.T, r jobs.Run) Fairness {
	t.Helper()
	return reportOf(t, r).Fairness
}

// TestSnapshotRunSameAnswers: a run over a snapshot stores the same answers, under
// the same digests, as a run reading each tender's candidates from the store; the
// next incremental run over the store finds nothing changed, and the API's service
// serves the stored answers.
func TestSnapshotRunSameAnswers(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	perTender := f.recompute(t, 1, Options{Full: true})
	bodies, _ := f.stored(t)
	digests := f.digests(t)

	svc, err := FromSnapshot(f.st, cache.NewMemory(100, time.Hour), nil)(ctx)
	if err != nil {
		t.Fatal(err)
	}
	snapped := f.runWith(t, svc, 2, Options{Full: true})
	if counts(snapped) != [3]int{6, 0, 0} {
		t.Fatalf("run over the snapshot: done, skipped, failed = %v, want 6 done", counts(snapped))
	}
	gotBodies, runs := f.stored(t)
	if diff := cmp.Diff(bodies, gotBodies); diff != "" {
		t.Errorf("answers of the run over the snapshot (-per tender +snapshot):\n%s", diff)
	}
	if diff := cmp.Diff(digests, f.digests(t)); diff != "" {
		t.Errorf("digests of the run over the snapshot (-per tender +snapshot):\n%s", diff)
	}
	for id, run := range runs {
		if run != 2 {
			t.Errorf("tender %s stored by run %d, want 2", id, run)
		}
	}
	if diff := cmp.Diff(fairness(t, perTender), fairness(t, snapped)); diff != "" {
		t.Errorf("fairness of the run over the snapshot (-per tender +snapshot):\n%s", diff)
	}

	if again := f.recompute(t, 3, Options{}); counts(again) != [3]int{0, 6, 0} {
		t.Errorf("incremental run over the store after the snapshot's: done, skipped, failed = %v, want 6 unchanged", counts(again))
	}
	live := suggest.New(f.st, cache.NewMemory(100, time.Hour), nil)
	for _, tn := range f.tenders {
		b, err := live.ForTender(ctx, suggest.Request{Tender: tn.ID, Top: match.DefaultTop})
		if err != nil {
			t.Fatal(err)
		}
		if string(b) != bodies[tn.ID] {
			t.Errorf("ForTender(%s) = %s, want the stored answer %s", tn.ID, b, bodies[tn.ID])
		}
	}
}

// TestSnapshotRunThenWrite: a profile deleted while a run computes from a snapshot
// taken before is in that run's stored answer, but the API's service (which shares
// the cache) never serves that answer: the digest of its live inputs differs, so it
// computes. Each run gets a service of its own, so the next run takes a new snapshot
// and stores the answer the API then serves.
func TestSnapshotRunThenWrite(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	answers := cache.NewMemory(100, time.Hour)
	live := suggest.New(f.st, answers, nil)
	req := func(id string) suggest.Request { return suggest.Request{Tender: id, Top: match.DefaultTop} }
	before := map[string]string{}
	for _, tn := range f.tenders { // the API's digest memo and cache know the state before
		b, err := live.ForTender(ctx, req(tn.ID))
		if err != nil {
			t.Fatal(err)
		}
		before[tn.ID] = string(b)
	}
	newSvc := FromSnapshot(f.st, answers, nil)
	first, err := newSvc(ctx)
	if err != nil {
		t.Fatal(err)
	}

	// A partner suggested for the first tender leaves before the run computes it.
	target := f.tenders[0]
	var res match.Result
	if err := json.Unmarshal([]byte(before[target.ID]), &res); err != nil || len(res.Coalitions) == 0 {
		t.Fatalf("answer of %s = %s (%v), want coalitions", target.ID, before[target.ID], err)
	}
	gone := res.Coalitions[0].Members[0].ID
	if err := f.st.DeleteProfile(ctx, gone); err != nil {
		t.Fatal(err)
	}

	f.runWith(t, first, 1, Options{Full: true})
	stored, _ := f.stored(t)
	if !strings.Contains(stored[target.ID], `"`+gone+`"`) {
		t.Fatalf("the run over the snapshot taken before %s left stored %s without it", gone, stored[target.ID])
	}
	want := f.answer(t, target)
	got, err := live.ForTender(ctx, req(target.ID))
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != want || strings.Contains(string(got), `"`+gone+`"`) {
		t.Errorf("ForTender(%s) after %s left = %s; want the answer without it, %s", target.ID, gone, got, want)
	}

	// The run's own service, asked as the API asks, answers from its snapshot under
	// the store's newer version: this is why it must never be the API's.
	if b, err := first.(*suggest.Service).ForTender(ctx, req(target.ID)); err != nil || string(b) != stored[target.ID] {
		t.Errorf("the run's service answers %s with %s, %v; want its snapshot's answer %s", target.ID, b, err, stored[target.ID])
	}

	second, err := newSvc(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if second == first {
		t.Fatal("two runs got the same service: a run's digest memo must be its own")
	}
	run := f.runWith(t, second, 2, Options{})
	if run.Done < 1 || run.Failed != 0 {
		t.Errorf("next run: done, skipped, failed = %v; want at least %s recomputed", counts(run), target.ID)
	}
	stored, _ = f.stored(t)
	if stored[target.ID] != want {
		t.Errorf("next run stored %s for %s, want %s", stored[target.ID], target.ID, want)
	}
	for _, tn := range f.tenders {
		got, err := live.ForTender(ctx, req(tn.ID))
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != stored[tn.ID] {
			t.Errorf("ForTender(%s) after the next run = %s, want the stored %s", tn.ID, got, stored[tn.ID])
		}
	}
}
