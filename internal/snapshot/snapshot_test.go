package snapshot_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"samenspel/config"
	"samenspel/internal/profiles"
	"samenspel/internal/snapshot"
	"samenspel/internal/store"
	"samenspel/internal/store/storetest"
	"samenspel/internal/suggest"
	"samenspel/internal/synth"
)

var _ suggest.Store = (*snapshot.Store)(nil)

// clock is a store's clock that a test sets.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

// openStore opens an empty store whose profile writes read a clock the test sets.
func openStore(t *testing.T) (*store.Store, *clock) {
	t.Helper()
	tax, err := profiles.ParseTaxonomy(config.Taxonomy)
	if err != nil {
		t.Fatal(err)
	}
	c := &clock{t: time.Date(2026, 11, 2, 2, 0, 0, 0, time.UTC)}
	st, err := store.Open(context.Background(), t.TempDir(), tax, store.WithClock(c.now))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := st.Close(); err != nil {
			t.Errorf("Close() = %v", err)
		}
	})
	return st, c
}

// makeStale makes the profiles ids stale the way it happens: they are written again
// 13 months ago, and the weekly marking runs now.
func makeStale(ctx context.Context, st *store.Store, c *clock, ids []string) error {
	now := c.now()
	var ps []profiles.Profile
	for _, id := range ids {
		p, err := st.GetProfile(ctx, id)
		if err != nil {
			return err
		}
		ps = append(ps, p)
	}
	c.set(now.AddDate(-1, -1, 0))
	_, _, err := st.UpsertProfiles(ctx, ps)
	c.set(now)
	if err != nil {
		return err
	}
	marked, err := st.MarkStale(ctx, profiles.StaleBefore(now), now)
	if err != nil {
		return err
	}
	if want := slices.Sorted(slices.Values(ids)); !slices.Equal(marked, want) {
		return fmt.Errorf("MarkStale marked %v, want %v", marked, want)
	}
	return nil
}

// retaken is the index under test in the shared suite: a snapshot over a store,
// taken again after every write, so that it holds what the store holds.
type retaken struct {
	st  *store.Store
	cur *snapshot.Store
}

func (r *retaken) retake(ctx context.Context, err error) error {
	if err != nil {
		return err
	}
	snap, err := snapshot.Take(ctx, r.st)
	if err != nil {
		return err
	}
	r.cur = snapshot.Over(r.st, snap)
	return nil
}

func (r *retaken) Candidates(ctx context.Context, t profiles.Tender) ([]profiles.Profile, error) {
	return r.cur.Candidates(ctx, t)
}

// SearchProfiles is the store's: a snapshot answers candidates only.
func (r *retaken) SearchProfiles(ctx context.Context, q profiles.Query) ([]profiles.Profile, int, error) {
	return r.st.SearchProfiles(ctx, q)
}

func TestIndexSuite(t *testing.T) {
	storetest.Run(t, func(t *testing.T) storetest.Subject {
		st, c := openStore(t)
		r := &retaken{st: st}
		if err := r.retake(context.Background(), nil); err != nil {
			t.Fatal(err)
		}
		return storetest.Subject{
			Index: r,
			Put: func(ctx context.Context, ps []profiles.Profile) error {
				_, _, err := st.UpsertProfiles(ctx, ps)
				return r.retake(ctx, err)
			},
			Delete: func(ctx context.Context, id string) error {
				return r.retake(ctx, st.DeleteProfile(ctx, id))
			},
			MarkStale: func(ctx context.Context, ids []string) error {
				return r.retake(ctx, makeStale(ctx, st, c, ids))
			},
			Confirm: func(ctx context.Context, ids []string) error {
				for _, id := range ids {
					if err := st.ConfirmProfile(ctx, id, c.now()); err != nil {
						return err
					}
				}
				return r.retake(ctx, nil)
			},
		}
	})
}

// TestCandidatesAsTheStore: for many tenders over synthetic Utrecht, the snapshot's
// candidates are the store's, exactly: the same profiles, whole (contact and private
// too), in the same order. The data tries what the store's query distinguishes:
// areas at every level in both directions, codes that are no valid area, profiles
// without areas or instruments, stale profiles, short and long exclude lists, needs
// nobody offers, tenders without area or needs, and pools of profiles eligible for
// a tender (synth.Pool).
func TestCandidatesAsTheStore(t *testing.T) {
	ctx := context.Background()
	st, c := openStore(t)
	r := rand.New(rand.NewPCG(11, 12))
	ps := synth.Profiles(5, 1500)
	tenders := synth.Tenders(5, 120)
	for i, tn := range tenders[:40] {
		for j, p := range synth.Pool(uint64(100+i), tn, 25) {
			p.ID = fmt.Sprintf("pool-%03d-%02d-%s", i, j, p.ID)
			ps = append(ps, p)
		}
	}
	var pool []string
	for _, p := range ps {
		for _, a := range p.Areas {
			pool = append(pool, profiles.AreaParents(a)...)
		}
	}
	odd := []string{"GM0363", "WK036301", "BU03630101", "NL", "XX", "gm0344", "WK0344", "BU0344120", "", "GM03441"}
	pool = append(pool, odd...)
	randomAreas := func() []string {
		out := make([]string, r.IntN(4))
		for i := range out {
			if r.IntN(8) == 0 {
				out[i] = odd[r.IntN(len(odd))]
			} else {
				out[i] = pool[r.IntN(len(pool))]
			}
		}
		return out
	}
	instruments := map[string]bool{}
	for _, p := range ps {
		for code := range p.Instruments {
			instruments[code] = true
		}
	}
	codes := slices.Sorted(func(yield func(string) bool) {
		for code := range instruments {
			if !yield(code) {
				return
			}
		}
	})
	for i := range ps {
		switch r.IntN(10) {
		case 0, 1, 2:
			ps[i].Areas = randomAreas()
		case 3:
			ps[i].Instruments = map[string]float64{}
		}
	}
	for batch := range slices.Chunk(ps, 500) {
		if _, _, err := st.UpsertProfiles(ctx, batch); err != nil {
			t.Fatal(err)
		}
	}
	var stale []string
	for _, p := range ps {
		if r.IntN(12) == 0 && !slices.Contains(stale, p.ID) {
			stale = append(stale, p.ID)
		}
	}
	if err := makeStale(ctx, st, c, stale); err != nil {
		t.Fatal(err)
	}
	for i := range tenders {
		tn := &tenders[i]
		switch i % 6 {
		case 1:
			tn.Area = randomAreas()
		case 2:
			tn.Area = []string{profiles.CountryArea}
		case 3:
			tn.Needs = append(tn.Needs, profiles.Need{Instrument: codes[r.IntN(len(codes))], Weight: 1},
				profiles.Need{Instrument: "nobody_offers_this", Weight: 1})
		}
		for range r.IntN(3) * r.IntN(15) {
			tn.Exclude = append(tn.Exclude, ps[r.IntN(len(ps))].ID)
		}
	}
	tenders = append(tenders,
		profiles.Tender{ID: "no-area", Needs: []profiles.Need{{Instrument: codes[0], Weight: 1}}},
		profiles.Tender{ID: "no-needs", Area: []string{"GM0344"}},
		profiles.Tender{ID: "odd-areas", Area: odd, Needs: tenders[0].Needs},
	)

	snap, err := snapshot.Take(ctx, st)
	if err != nil {
		t.Fatal(err)
	}
	if snap.Len() != len(ps)-countDuplicates(ps) {
		t.Errorf("Len() = %d, want %d", snap.Len(), len(ps)-countDuplicates(ps))
	}
	nonEmpty, staleSeen := 0, 0
	for _, tn := range tenders {
		want, err := st.Candidates(ctx, tn)
		if err != nil {
			t.Fatalf("store Candidates(%s) = %v", tn.ID, err)
		}
		got, err := snap.Candidates(ctx, tn)
		if err != nil {
			t.Fatalf("snapshot Candidates(%s) = %v", tn.ID, err)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("Candidates(%s, area %v, exclude %d) differ from the store's (-store +snapshot):\n%s", tn.ID, tn.Area, len(tn.Exclude), diff)
		}
		if len(want) > 0 {
			nonEmpty++
		}
		// How many stale profiles would have been candidates: the test must try some.
		for _, p := range ps {
			if slices.Contains(stale, p.ID) && slices.ContainsFunc(tn.Needs, func(n profiles.Need) bool { _, ok := p.Instruments[n.Instrument]; return ok }) {
				staleSeen++
				break
			}
		}
	}
	if nonEmpty < len(tenders)*2/3 || staleSeen == 0 {
		t.Errorf("%d of %d tenders have candidates, %d could have had stale ones: the test data tries too little", nonEmpty, len(tenders), staleSeen)
	}
}

// countDuplicates counts the profiles of ps whose id an earlier one has.
func countDuplicates(ps []profiles.Profile) int {
	seen := map[string]bool{}
	n := 0
	for _, p := range ps {
		if seen[p.ID] {
			n++
		}
		seen[p.ID] = true
	}
	return n
}

// TestOverIsTheStoreButCandidates: the run's store answers candidates from the
// snapshot, which keeps what it was taken from, and everything else from the store,
// which follows writes.
func TestOverIsTheStoreButCandidates(t *testing.T) {
	ctx := context.Background()
	st, _ := openStore(t)
	p := synth.Profiles(1, 1)[0]
	if err := st.CreateProfile(ctx, p); err != nil {
		t.Fatal(err)
	}
	snap, err := snapshot.Take(ctx, st)
	if err != nil {
		t.Fatal(err)
	}
	run := snapshot.Over(st, snap)
	tn := profiles.Tender{ID: "t", Area: []string{profiles.CountryArea}}
	for code := range p.Instruments {
		tn.Needs = append(tn.Needs, profiles.Need{Instrument: code, Weight: 1})
	}
	if err := st.DeleteProfile(ctx, p.ID); err != nil {
		t.Fatal(err)
	}
	got, err := run.Candidates(ctx, tn)
	if err != nil || len(got) != 1 || got[0].ID != p.ID {
		t.Errorf("snapshot Candidates after the profile was deleted = %v, %v; want the profile as it was", got, err)
	}
	if _, err := run.GetProfile(ctx, p.ID); err == nil {
		t.Errorf("GetProfile(%s) after it was deleted found it; want the store's answer, not found", p.ID)
	}
}
