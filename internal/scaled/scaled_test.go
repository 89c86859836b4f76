package scaled

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"

	"samenspel/config"
	"samenspel/internal/cache"
	"samenspel/internal/indexsync"
	"samenspel/internal/logbuf"
	"samenspel/internal/match"
	"samenspel/internal/profiles"
	"samenspel/internal/store"
	"samenspel/internal/suggest"
	"samenspel/internal/synth"
)

// index is a search index for the tests: a second embedded store, filled only by
// the sync (as Meilisearch is), that can be made to fail.
type index struct {
	*store.Store
	fail  atomic.Bool
	calls atomic.Int64 // reads asked
}

var errDown = errors.New("search index: connection refused")

func (x *index) Candidates(ctx context.Context, t profiles.Tender) ([]profiles.Profile, error) {
	x.calls.Add(1)
	if x.fail.Load() {
		return nil, errDown
	}
	return x.Store.Candidates(ctx, t)
}

func (x *index) SearchProfiles(ctx context.Context, q profiles.Query) ([]profiles.Profile, int, error) {
	x.calls.Add(1)
	if x.fail.Load() {
		return nil, 0, errDown
	}
	return x.Store.SearchProfiles(ctx, q)
}

func (x *index) Put(ctx context.Context, ps []profiles.Profile) error {
	if x.fail.Load() {
		return errDown
	}
	_, _, err := x.Store.UpsertProfiles(ctx, ps)
	return err
}

func (x *index) Delete(ctx context.Context, ids []string) error {
	if x.fail.Load() {
		return errDown
	}
	for _, id := range ids {
		if err := x.Store.DeleteProfile(ctx, id); err != nil && !errors.Is(err, profiles.ErrNotFound) {
			return err
		}
	}
	return nil
}

// readsOver is the store with its profile reads from the scaled store, as
// cmd/matcher composes them.
type readsOver struct {
	*store.Store
	r *Store
}

func (o readsOver) Candidates(ctx context.Context, t profiles.Tender) ([]profiles.Profile, error) {
	return o.r.Candidates(ctx, t)
}

func (o readsOver) SearchProfiles(ctx context.Context, q profiles.Query) ([]profiles.Profile, int, error) {
	return o.r.SearchProfiles(ctx, q)
}

func (o readsOver) Versions(ctx context.Context) (profiles.Versions, error) { return o.r.Versions(ctx) }

type fixture struct {
	st     *store.Store
	idx    *index
	scaled *Store
	sync   *indexsync.Syncer
	logs   *logbuf.Buffer
	tender profiles.Tender
	pool   []profiles.Profile
}

func setup(t *testing.T) *fixture {
	t.Helper()
	ctx := context.Background()
	tax, err := profiles.ParseTaxonomy(config.Taxonomy)
	if err != nil {
		t.Fatal(err)
	}
	open := func() *store.Store {
		st, err := store.Open(ctx, t.TempDir(), tax)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		return st
	}
	f := &fixture{st: open(), logs: &logbuf.Buffer{}}
	f.idx = &index{Store: open()}
	f.scaled = New(f.st, f.idx, slog.New(slog.NewTextHandler(f.logs, nil)))
	f.sync = indexsync.New(f.st, f.idx, indexsync.Cursor, nil)
	f.tender = synth.Tenders(3, 1)[0]
	f.pool = synth.Pool(3, f.tender, 40)
	if _, _, err := f.st.UpsertProfiles(ctx, f.pool); err != nil {
		t.Fatal(err)
	}
	if err := f.st.CreateTender(ctx, f.tender, "owner", time.Unix(0, 0)); err != nil {
		t.Fatal(err)
	}
	f.pass(t)
	return f
}

func (f *fixture) pass(t *testing.T) {
	t.Helper()
	if _, err := f.sync.Pass(context.Background()); err != nil {
		t.Fatal(err)
	}
}

func ids(ps []profiles.Profile) []string {
	var out []string
	for _, p := range ps {
		out = append(out, p.ID)
	}
	return out
}

// TestReadsComeFromTheIndex: candidates and search show what the index holds, which
// lags the store until the sync has applied a write.
func TestReadsComeFromTheIndex(t *testing.T) {
	ctx := context.Background()
	f := setup(t)
	extra := f.pool[0]
	extra.ID, extra.Name = "zonnebloem-xylofoon", "Zonnebloem Xylofoon"
	if err := f.st.CreateProfile(ctx, extra); err != nil {
		t.Fatal(err)
	}
	has := func(ps []profiles.Profile) bool { return strings.Contains(strings.Join(ids(ps), " "), extra.ID) }
	cs, err := f.scaled.Candidates(ctx, f.tender)
	if err != nil || has(cs) {
		t.Fatalf("before the sync: candidates %v, %v; want the index's, without %s", ids(cs), err, extra.ID)
	}
	f.pass(t)
	cs, _ = f.scaled.Candidates(ctx, f.tender)
	hits, total, err := f.scaled.SearchProfiles(ctx, profiles.Query{Text: "xylofoon"})
	if !has(cs) || err != nil || total != 1 || !has(hits) {
		t.Errorf("after the sync: candidates have it: %v; search = %v, %d, %v", has(cs), ids(hits), total, err)
	}
}

// TestIndexDownFallsBack: a failing index is answered by the embedded store,
// counted, and logged once until it answers again.
func TestIndexDownFallsBack(t *testing.T) {
	ctx := context.Background()
	f := setup(t)
	want, _ := f.st.Candidates(ctx, f.tender)
	f.idx.calls.Store(0)
	now := time.Unix(1000, 0)
	f.scaled.now = func() time.Time { return now }
	f.idx.fail.Store(true)
	for range 3 {
		cs, err := f.scaled.Candidates(ctx, f.tender)
		if err != nil || len(cs) != len(want) {
			t.Fatalf("Candidates with the index down = %d, %v; want the store's %d", len(cs), err, len(want))
		}
	}
	if _, total, err := f.scaled.SearchProfiles(ctx, profiles.Query{}); err != nil || total != len(f.pool) {
		t.Errorf("SearchProfiles with the index down = %d, %v", total, err)
	}
	errorsCounted := func() float64 {
		var m dto.Metric
		if err := f.scaled.Errors().Write(&m); err != nil {
			t.Fatal(err)
		}
		return m.GetCounter().GetValue()
	}
	// The first failure sends the next reads straight to the store for Rest.
	if n := errorsCounted(); n != 1 {
		t.Errorf("errors counted = %v, want 1: reads within Rest of a failure skip the index", n)
	}
	now = now.Add(Rest)
	f.scaled.Candidates(ctx, f.tender)
	if n := errorsCounted(); n != 2 {
		t.Errorf("errors counted = %v, want 2: after Rest the index is asked again", n)
	}
	f.idx.fail.Store(false)
	if _, err := f.scaled.Candidates(ctx, f.tender); err != nil || f.idx.calls.Load() != 2 {
		t.Errorf("within Rest of the second failure: %v, index asked %d times; want 2", err, f.idx.calls.Load())
	}
	now = now.Add(Rest)
	if _, err := f.scaled.Candidates(ctx, f.tender); err != nil || f.idx.calls.Load() != 3 {
		t.Errorf("after Rest: %v, index asked %d times; want 3", err, f.idx.calls.Load())
	}
	logs := f.logs.String()
	if strings.Count(logs, "does not answer") != 1 || strings.Count(logs, "answers again") != 1 {
		t.Errorf("want one line for the outage and one for the recovery:\n%s", logs)
	}
	// A caller that gave up is not answered from the store, nor counted.
	gone, cancel := context.WithCancel(ctx)
	cancel()
	f.idx.fail.Store(true)
	if _, err := f.scaled.Candidates(gone, f.tender); err == nil {
		t.Errorf("Candidates for a cancelled caller fell back")
	}
}

// TestAnswersFollowTheIndex: cached suggestions over the scaled store change when
// the index has applied a write (on every replica: the key holds the cursor), and
// at once when the index is down and the store answers.
func TestAnswersFollowTheIndex(t *testing.T) {
	ctx := context.Background()
	f := setup(t)
	svc := suggest.New(readsOver{f.st, f.scaled}, cache.NewMemory(100, time.Hour), nil)
	ask := func() match.Result {
		t.Helper()
		b, err := svc.ForTender(ctx, suggest.Request{Tender: f.tender.ID, Top: 3})
		if err != nil {
			t.Fatal(err)
		}
		var r match.Result
		if err := json.Unmarshal(b, &r); err != nil {
			t.Fatal(err)
		}
		return r
	}
	first := ask()
	best := first.Coalitions[0].Members[0].ID
	suggested := func(r match.Result) bool {
		for _, c := range r.Coalitions {
			for _, m := range c.Members {
				if m.ID == best {
					return true
				}
			}
		}
		return false
	}
	if err := f.st.DeleteProfile(ctx, best); err != nil {
		t.Fatal(err)
	}
	if !suggested(ask()) {
		t.Fatalf("the answer changed before the index applied the deletion")
	}
	f.pass(t)
	if suggested(ask()) {
		t.Errorf("%s still suggested after the index applied its deletion", best)
	}

	// With the index down, the store answers, and its writes count at once.
	f.idx.fail.Store(true)
	again := ask()
	second := again.Coalitions[0].Members[0].ID
	if err := f.st.DeleteProfile(ctx, second); err != nil {
		t.Fatal(err)
	}
	for _, c := range ask().Coalitions {
		for _, m := range c.Members {
			if m.ID == second {
				t.Errorf("%s still suggested after its deletion, with the index down", second)
			}
		}
	}
}
