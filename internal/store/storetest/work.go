package storetest

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"samenspel/internal/jobs"
)

// startWork starts a run of job and lists keys as its work.
func startWork(t *testing.T, s JobStore, job string, now time.Time, keys ...string) jobs.Run {
	t.Helper()
	ctx := context.Background()
	run, err := s.StartRun(ctx, job, "matcher-1", now)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.AddWork(ctx, run.ID, keys); err != nil {
		t.Fatal(err)
	}
	return run
}

// result is an item's result as a job writes it.
func result(key string) json.RawMessage { return json.RawMessage(fmt.Sprintf(`{"of":%q}`, key)) }

// items are the finished items of keys with their results.
func items(keys ...string) []jobs.Item {
	out := make([]jobs.Item, len(keys))
	for i, k := range keys {
		out[i] = jobs.Item{Key: k, Result: result(k)}
	}
	return out
}

// A run's items are claimed in their order, each by one replica, finished only
// by the replica that holds the claim, and read back in their order with who
// finished them.
func work(t *testing.T, s JobStore) {
	ctx := context.Background()
	t0 := time.Date(2026, 12, 4, 2, 30, 0, 0, time.UTC)
	ttl := time.Minute
	run := startWork(t, s, "recompute", t0, "t-a", "t-b", "t-c", "t-d", "t-e")

	claim := func(replica string, n int, want ...string) {
		t.Helper()
		got, err := s.ClaimWork(ctx, run.ID, replica, n, t0, ttl)
		if err != nil {
			t.Fatal(err)
		}
		if want == nil {
			want = []string{}
		}
		if got == nil {
			got = []string{}
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("ClaimWork(%s, %d) mismatch (-want +got):\n%s", replica, n, diff)
		}
	}
	claim("matcher-1", 2, "t-a", "t-b")
	claim("matcher-2", 2, "t-c", "t-d")
	claim("matcher-1", 2, "t-e")
	claim("matcher-2", 2)
	if left, err := s.WorkLeft(ctx, run.ID); err != nil || left != 5 {
		t.Errorf("WorkLeft with every item claimed, none finished = %d, %v; want 5", left, err)
	}

	finish := func(replica string, want int, its ...jobs.Item) {
		t.Helper()
		left, err := s.FinishWork(ctx, run.ID, replica, its)
		if err != nil {
			t.Fatal(err)
		}
		if left != want {
			t.Errorf("FinishWork(%s, %d items) left %d, want %d", replica, len(its), left, want)
		}
	}
	finish("matcher-1", 3, items("t-b", "t-a")...)
	// Not matcher-2's claim, and finished already: both left as they are.
	finish("matcher-2", 3, jobs.Item{Key: "t-e", Result: json.RawMessage(`"stolen"`)}, jobs.Item{Key: "t-a", Result: json.RawMessage(`"again"`)})
	finish("matcher-2", 1, items("t-c", "t-d")...)
	if _, err := s.FinishWork(ctx, run.ID, "matcher-1", []jobs.Item{{Key: "t-e", Result: json.RawMessage(`{not json`)}}); err == nil {
		t.Error("FinishWork with a result that is not JSON = nil, want an error")
	}
	if left, err := s.WorkLeft(ctx, run.ID); err != nil || left != 1 {
		t.Errorf("WorkLeft after a refused finish = %d, %v; want 1 (nothing written)", left, err)
	}
	finish("matcher-1", 0, items("t-e")...)

	got, err := s.WorkResults(ctx, run.ID)
	if err != nil {
		t.Fatal(err)
	}
	want := []jobs.Item{
		{Key: "t-a", Replica: "matcher-1", Result: result("t-a")},
		{Key: "t-b", Replica: "matcher-1", Result: result("t-b")},
		{Key: "t-c", Replica: "matcher-2", Result: result("t-c")},
		{Key: "t-d", Replica: "matcher-2", Result: result("t-d")},
		{Key: "t-e", Replica: "matcher-1", Result: result("t-e")},
	}
	if diff := cmp.Diff(want, got, cmp.Transformer("json", func(r json.RawMessage) string { return compactJSON(t, r) })); diff != "" {
		t.Errorf("WorkResults mismatch (-want +got):\n%s", diff)
	}
	if err := s.AddWork(ctx, run.ID, []string{"t-f"}); err == nil {
		t.Error("AddWork a second time for one run = nil, want an error")
	}
	other := startWork(t, s, "stale", t0)
	if left, err := s.WorkLeft(ctx, other.ID); err != nil || left != 0 {
		t.Errorf("WorkLeft of a run with no items = %d, %v; want 0", left, err)
	}
	if err := s.AddWork(ctx, 999, []string{"x"}); err == nil {
		t.Error("AddWork of no run = nil, want an error")
	}
}

// compactJSON is r without its spaces (a store may keep JSON as it likes).
func compactJSON(t *testing.T, r json.RawMessage) string {
	var v any
	if err := json.Unmarshal(r, &v); err != nil {
		t.Fatalf("result %q: %v", r, err)
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// A claim that ran out before its item was finished (its replica stopped) is
// taken by whoever claims next, and the replica that had it can no longer
// finish the item.
func workClaimsRunOut(t *testing.T, s JobStore) {
	ctx := context.Background()
	t0 := time.Date(2026, 12, 4, 2, 30, 0, 0, time.UTC)
	ttl := time.Minute
	run := startWork(t, s, "recompute", t0, "t-a", "t-b", "t-c")
	if got, err := s.ClaimWork(ctx, run.ID, "matcher-1", 2, t0, ttl); err != nil || !slices.Equal(got, []string{"t-a", "t-b"}) {
		t.Fatalf("ClaimWork = %v, %v; want t-a, t-b", got, err)
	}
	if got, err := s.ClaimWork(ctx, run.ID, "matcher-2", 5, t0.Add(30*time.Second), ttl); err != nil || !slices.Equal(got, []string{"t-c"}) {
		t.Errorf("ClaimWork while the first claim holds = %v, %v; want t-c only", got, err)
	}
	if got, err := s.ClaimWork(ctx, run.ID, "matcher-2", 5, t0.Add(ttl+time.Second), ttl); err != nil || !slices.Equal(got, []string{"t-a", "t-b"}) {
		t.Errorf("ClaimWork after the first claim ran out = %v, %v; want t-a, t-b", got, err)
	}
	if left, err := s.FinishWork(ctx, run.ID, "matcher-1", items("t-a")); err != nil || left != 3 {
		t.Errorf("FinishWork by the replica whose claim ran out = %d, %v; want 3 left (refused)", left, err)
	}
	if left, err := s.FinishWork(ctx, run.ID, "matcher-2", items("t-a", "t-b", "t-c")); err != nil || left != 0 {
		t.Errorf("FinishWork by the claim's holder = %d, %v; want 0 left", left, err)
	}
	// A finished item is never claimed again, however old its claim.
	if got, err := s.ClaimWork(ctx, run.ID, "matcher-3", 5, t0.Add(time.Hour), ttl); err != nil || len(got) != 0 {
		t.Errorf("ClaimWork with every item finished = %v, %v; want none", got, err)
	}
}

// Once a run has ended, none of its items is claimed; a new run's list drops
// the work of runs that ended, and a run that is not running lists none.
func workOfEndedRuns(t *testing.T, s JobStore) {
	ctx := context.Background()
	t0 := time.Date(2026, 12, 4, 2, 30, 0, 0, time.UTC)
	run := startWork(t, s, "recompute", t0, "t-a", "t-b")
	if _, err := s.ClaimWork(ctx, run.ID, "matcher-1", 1, t0, time.Minute); err != nil {
		t.Fatal(err)
	}
	if _, err := s.FinishWork(ctx, run.ID, "matcher-1", items("t-a")); err != nil {
		t.Fatal(err)
	}
	fin := run
	fin.Status, fin.Ended = jobs.RunFailed, t0.Add(time.Minute)
	if err := s.FinishRun(ctx, fin); err != nil {
		t.Fatal(err)
	}
	if got, err := s.ClaimWork(ctx, run.ID, "matcher-2", 5, t0.Add(time.Hour), time.Minute); err != nil || len(got) != 0 {
		t.Errorf("ClaimWork of a run that ended = %v, %v; want none", got, err)
	}
	if err := s.AddWork(ctx, run.ID, []string{"t-c"}); err == nil {
		t.Error("AddWork of a run that ended = nil, want an error")
	}
	if res, err := s.WorkResults(ctx, run.ID); err != nil || len(res) != 1 {
		t.Errorf("WorkResults of the ended run before a new list = %v, %v; want its one finished item", res, err)
	}
	next := startWork(t, s, "recompute", t0.Add(24*time.Hour), "t-a")
	if res, err := s.WorkResults(ctx, run.ID); err != nil || len(res) != 0 {
		t.Errorf("WorkResults of the ended run after a new list = %v, %v; want none (dropped)", res, err)
	}
	if left, err := s.WorkLeft(ctx, run.ID); err != nil || left != 0 {
		t.Errorf("WorkLeft of the ended run after a new list = %d, %v; want 0 (dropped)", left, err)
	}
	if left, err := s.WorkLeft(ctx, next.ID); err != nil || left != 1 {
		t.Errorf("WorkLeft of the new run = %d, %v; want 1", left, err)
	}
}

// Two replicas claiming at once, a few workers each, take every item exactly
// once.
func workAcrossReplicas(t *testing.T, a, b JobStore) {
	ctx := context.Background()
	t0 := time.Date(2026, 12, 4, 2, 30, 0, 0, time.UTC)
	keys := make([]string, 120)
	for i := range keys {
		keys[i] = fmt.Sprintf("t-%03d", i)
	}
	run := startWork(t, a, "recompute", t0, keys...)
	var mu sync.Mutex
	taken := map[string]int{}
	var wg sync.WaitGroup
	for w := range 6 {
		s, replica := a, "matcher-1"
		if w%2 == 1 {
			s, replica = b, "matcher-2"
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				got, err := s.ClaimWork(ctx, run.ID, replica, 3, t0, time.Hour)
				if err != nil {
					t.Error(err)
					return
				}
				if len(got) == 0 {
					return
				}
				mu.Lock()
				for _, k := range got {
					taken[k]++
				}
				mu.Unlock()
				if _, err := s.FinishWork(ctx, run.ID, replica, items(got...)); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	for _, k := range keys {
		if taken[k] != 1 {
			t.Errorf("item %s claimed %d times, want once", k, taken[k])
		}
	}
	if left, err := b.WorkLeft(ctx, run.ID); err != nil || left != 0 {
		t.Errorf("WorkLeft after both replicas = %d, %v; want 0", left, err)
	}
	res, err := b.WorkResults(ctx, run.ID)
	if err != nil || len(res) != len(keys) {
		t.Fatalf("WorkResults = %d items, %v; want %d", len(res), err, len(keys))
	}
	for i, it := range res {
		if it.Key != keys[i] {
			t.Fatalf("WorkResults[%d] = %s, want %s (their order)", i, it.Key, keys[i])
		}
	}
}
