package indexsync

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"samenspel/config"
	"samenspel/internal/logbuf"
	"samenspel/internal/profiles"
	"samenspel/internal/store"
)

const canary = "canary-5d1e"

// memIndex is a search index in memory that can be made to fail.
type memIndex struct {
	mu      sync.Mutex
	docs    map[string]profiles.Profile
	fail    error
	onPut   func() // called inside Put, before it applies
	written bytes.Buffer
}

func newMemIndex() *memIndex { return &memIndex{docs: map[string]profiles.Profile{}} }

func (m *memIndex) Put(ctx context.Context, ps []profiles.Profile) error {
	m.mu.Lock()
	hook := m.onPut
	m.onPut = nil
	m.mu.Unlock()
	if hook != nil {
		hook()
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.fail != nil {
		return m.fail
	}
	for _, p := range ps {
		json.NewEncoder(&m.written).Encode(p)
		m.docs[p.ID] = p
	}
	return nil
}

func (m *memIndex) Delete(ctx context.Context, ids []string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.fail != nil {
		return m.fail
	}
	var missing []string
	for _, id := range ids {
		if _, ok := m.docs[id]; !ok {
			missing = append(missing, id)
		}
		delete(m.docs, id)
	}
	if len(missing) > 0 { // as meili.Index does: the rest is deleted
		return fmt.Errorf("no profiles %v: %w", missing, profiles.ErrNotFound)
	}
	return nil
}

func (m *memIndex) setFail(err error) { m.mu.Lock(); m.fail = err; m.mu.Unlock() }

func (m *memIndex) ids() []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return slices.Sorted(maps.Keys(m.docs))
}

func newStore(t *testing.T) *store.Store {
	t.Helper()
	tax, err := profiles.ParseTaxonomy(config.Taxonomy)
	if err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(context.Background(), t.TempDir(), tax)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

func profile(id string) profiles.Profile {
	return profiles.Profile{ID: id, Name: "Partner " + id, Kind: "welfare", Size: "small",
		Areas: []string{"GM0344"}, Instruments: map[string]float64{"meals": 1}, Themes: []string{},
		Contact: &profiles.Contact{Email: canary + "@example.org"}, Private: map[string]string{"ideas": canary}}
}

func put(t *testing.T, st *store.Store, ids ...string) {
	t.Helper()
	var ps []profiles.Profile
	for _, id := range ids {
		ps = append(ps, profile(id))
	}
	if _, _, err := st.UpsertProfiles(context.Background(), ps); err != nil {
		t.Fatal(err)
	}
}

func storeIDs(t *testing.T, st *store.Store) []string {
	t.Helper()
	ps, err := st.Profiles(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, p := range ps {
		ids = append(ids, p.ID)
	}
	return ids
}

func TestPassAppliesPutsAndDeletesPublicOnly(t *testing.T) {
	ctx := context.Background()
	st, idx := newStore(t), newMemIndex()
	s := New(st, idx, Cursor, nil)
	s.batch = 3 // several steps
	put(t, st, "a", "b", "c", "d", "e", "f", "g")
	if err := st.DeleteProfile(ctx, "c"); err != nil { // never indexed
		t.Fatal(err)
	}
	n, err := s.Pass(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if n != 7 {
		t.Errorf("Pass applied %d changes, want 7 (6 profiles, 1 deletion)", n)
	}
	if got, want := idx.ids(), storeIDs(t, st); !slices.Equal(got, want) {
		t.Errorf("index holds %v, store %v", got, want)
	}
	if strings.Contains(idx.written.String(), canary) {
		t.Errorf("contact or private reached the index: %s", idx.written.String())
	}
	last, _ := st.LastChange(ctx)
	if c, _ := st.Cursor(ctx, Cursor); c != last {
		t.Errorf("cursor = %d after a pass, want the last change %d", c, last)
	}
	if n, err := s.Pass(ctx); n != 0 || err != nil {
		t.Errorf("a second pass = %d, %v; want nothing to do", n, err)
	}
}

// TestIndexDownLosesNothing: while the index fails, writes are acknowledged and wait
// in the store; the cursor stays; the first pass after recovery applies them all.
func TestIndexDownLosesNothing(t *testing.T) {
	ctx := context.Background()
	st, idx := newStore(t), newMemIndex()
	s := New(st, idx, Cursor, nil)
	put(t, st, "a", "b")
	if _, err := s.Pass(ctx); err != nil {
		t.Fatal(err)
	}
	before, _ := st.Cursor(ctx, Cursor)
	idx.setFail(errors.New("meilisearch: 503"))
	put(t, st, "c")
	if err := st.DeleteProfile(ctx, "a"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Pass(ctx); err == nil || !strings.Contains(err.Error(), "503") {
		t.Errorf("Pass with the index down = %v, want its error", err)
	}
	if c, _ := st.Cursor(ctx, Cursor); c != before {
		t.Errorf("cursor moved to %d while the index was down (was %d)", c, before)
	}
	idx.setFail(nil)
	if _, err := s.Pass(ctx); err != nil {
		t.Fatal(err)
	}
	if got := idx.ids(); !slices.Equal(got, []string{"b", "c"}) {
		t.Errorf("index after recovery = %v, want [b c]", got)
	}
}

// TestResetDuringPass: a reindex resets the cursor while a pass is applying a batch;
// the pass must not step over the reset, and applies the changes again.
func TestResetDuringPass(t *testing.T) {
	ctx := context.Background()
	st, idx := newStore(t), newMemIndex()
	s := New(st, idx, Cursor, nil)
	put(t, st, "a", "b", "c")
	idx.onPut = func() {
		if err := st.ResetCursor(ctx, Cursor, 1); err != nil {
			t.Error(err)
		}
	}
	if _, err := s.Pass(ctx); err != nil {
		t.Fatal(err)
	}
	last, _ := st.LastChange(ctx)
	if c, _ := st.Cursor(ctx, Cursor); c != last {
		t.Errorf("cursor = %d, want %d", c, last)
	}
	if got := idx.ids(); !slices.Equal(got, []string{"a", "b", "c"}) {
		t.Errorf("index = %v", got)
	}
}

// TestConcurrentSyncers: replicas and the indexer may sync at once while writes go
// on; at the end the index equals the store.
func TestConcurrentSyncers(t *testing.T) {
	ctx := context.Background()
	st, idx := newStore(t), newMemIndex()
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for range 3 {
		s := New(st, idx, Cursor, nil)
		s.batch = 7
		wg.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				if _, err := s.Pass(ctx); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	for i := range 60 {
		put(t, st, fmt.Sprintf("p%02d", i))
		if i%5 == 4 {
			if err := st.DeleteProfile(ctx, fmt.Sprintf("p%02d", i-2)); err != nil {
				t.Fatal(err)
			}
		}
	}
	close(stop)
	wg.Wait()
	if _, err := New(st, idx, Cursor, nil).Pass(ctx); err != nil {
		t.Fatal(err)
	}
	if got, want := idx.ids(), storeIDs(t, st); !slices.Equal(got, want) {
		t.Errorf("index holds %v,\nstore %v", got, want)
	}
}

// TestRunPokeAndFailureLog: Run applies a poked change at once, logs a run of
// failures once, and says when it works again.
func TestRunPokeAndFailureLog(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	st, idx := newStore(t), newMemIndex()
	var logs logbuf.Buffer
	s := New(st, idx, Cursor, slog.New(slog.NewTextHandler(&logs, nil)))
	poke := make(chan struct{}, 1)
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx, time.Hour, poke) }() // only pokes wake it
	waitFor := func(what string, ok func() bool) {
		t.Helper()
		deadline := time.Now().Add(5 * time.Second)
		for !ok() {
			if time.Now().After(deadline) {
				t.Fatalf("timed out waiting for %s", what)
			}
			time.Sleep(5 * time.Millisecond)
		}
	}
	put(t, st, "a")
	poke <- struct{}{}
	waitFor("a in the index", func() bool { return slices.Equal(idx.ids(), []string{"a"}) })

	idx.setFail(errors.New("meilisearch: connection refused"))
	put(t, st, "b")
	for range 3 {
		poke <- struct{}{}
		waitFor("the poke taken", func() bool { return len(poke) == 0 })
	}
	waitFor("the failure logged", func() bool { return strings.Contains(logs.String(), "sync failed") })
	idx.setFail(nil)
	poke <- struct{}{}
	waitFor("b in the index", func() bool { return slices.Equal(idx.ids(), []string{"a", "b"}) })
	waitFor("the recovery logged", func() bool { return strings.Contains(logs.String(), "works again") })
	if n := strings.Count(logs.String(), "sync failed"); n != 1 {
		t.Errorf("failure logged %d times, want once:\n%s", n, logs.String())
	}
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Errorf("Run after cancel = %v", err)
	}
}

// freshIndex is a memIndex to swap with a live one.
type freshIndex struct {
	*memIndex
	live    *memIndex
	swapped bool
}

func (f *freshIndex) Reset(ctx context.Context) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.docs = map[string]profiles.Profile{}
	return nil
}

func (f *freshIndex) SwapIn(ctx context.Context) error {
	f.mu.Lock()
	f.live.mu.Lock()
	f.docs, f.live.docs = f.live.docs, f.docs
	f.live.mu.Unlock()
	f.mu.Unlock()
	f.swapped = true
	return nil
}

func (f *freshIndex) Drop(ctx context.Context) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.docs = nil
	return nil
}

// TestReindex: a live index that drifted (a profile it should not have, one it
// lacks) equals the store after a reindex, including writes made while the fresh
// index was filled; no sync writes meanwhile.
func TestReindex(t *testing.T) {
	ctx := context.Background()
	st, live := newStore(t), newMemIndex()
	put(t, st, "a", "b", "c")
	s := New(st, live, Cursor, nil)
	if _, err := s.Pass(ctx); err != nil {
		t.Fatal(err)
	}
	live.docs["ghost"] = profile("ghost") // drift
	delete(live.docs, "b")
	fresh := &freshIndex{memIndex: newMemIndex(), live: live}
	other := New(st, live, Cursor, nil)
	fresh.onPut = func() {
		put(t, st, "d")
		if n, err := other.Pass(ctx); n != 0 || err != nil {
			t.Errorf("a sync during the reindex applied %d changes (%v); want none", n, err)
		}
	}
	s.batch = 2
	n, err := s.Reindex(ctx, fresh)
	if err != nil {
		t.Fatal(err)
	}
	if n != 3 || !fresh.swapped {
		t.Errorf("Reindex = %d profiles, swapped %v; want 3, swapped", n, fresh.swapped)
	}
	if got, want := live.ids(), storeIDs(t, st); !slices.Equal(got, want) {
		t.Errorf("live index after reindex = %v, store %v", got, want)
	}
	if strings.Contains(fresh.written.String(), canary) {
		t.Errorf("contact or private reached the fresh index")
	}
	last, _ := st.LastChange(ctx)
	if c, _ := st.Cursor(ctx, Cursor); c != last {
		t.Errorf("cursor after reindex = %d, want %d", c, last)
	}
	// The lease is free again.
	if _, err := other.Pass(ctx); err != nil {
		t.Fatal(err)
	}
	if ok, _ := st.TakeLease(ctx, Cursor, "someone", time.Now(), time.Second); !ok {
		t.Errorf("the lease is still held after the reindex")
	}
}
