package main

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"samenspel/internal/logbuf"
	"samenspel/internal/meili"
	"samenspel/internal/profiles"
	"samenspel/internal/settings"
	"samenspel/internal/synth"
)

// fakeMeili stands in for a Meilisearch server: indexes by name, each a set of
// documents. The HTTP side of *meili.Index has its own contract tests; these test
// what the commands do with it.
type fakeMeili struct {
	mu      sync.Mutex
	indexes map[string]map[string]profiles.Profile
	down    bool
	swaps   int
}

func newFakeMeili() *fakeMeili {
	return &fakeMeili{indexes: map[string]map[string]profiles.Profile{}}
}

func (f *fakeMeili) ids(index string) []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Sorted(maps.Keys(f.indexes[index]))
}

func (f *fakeMeili) setDown(down bool) { f.mu.Lock(); f.down = down; f.mu.Unlock() }

var errMeiliDown = errors.New("meili: connection refused")

type fakeIndex struct {
	f    *fakeMeili
	name string
}

func (x fakeIndex) Name() string { return x.name }

func (x fakeIndex) do(fn func(docs map[string]profiles.Profile) error) error {
	x.f.mu.Lock()
	defer x.f.mu.Unlock()
	if x.f.down {
		return errMeiliDown
	}
	docs, ok := x.f.indexes[x.name]
	if !ok {
		return fmt.Errorf("index %s not found", x.name)
	}
	return fn(docs)
}

func (x fakeIndex) Put(ctx context.Context, ps []profiles.Profile) error {
	return x.do(func(docs map[string]profiles.Profile) error {
		for _, p := range ps {
			if p.Contact != nil || p.Private != nil {
				return fmt.Errorf("profile %s sent with contact or private", p.ID)
			}
			docs[p.ID] = p
		}
		return nil
	})
}

func (x fakeIndex) Delete(ctx context.Context, ids []string) error {
	return x.do(func(docs map[string]profiles.Profile) error {
		for _, id := range ids {
			delete(docs, id)
		}
		return nil
	})
}

func (x fakeIndex) EnsureIndex(ctx context.Context) error {
	x.f.mu.Lock()
	defer x.f.mu.Unlock()
	if x.f.down {
		return errMeiliDown
	}
	if x.f.indexes[x.name] == nil {
		x.f.indexes[x.name] = map[string]profiles.Profile{}
	}
	return nil
}

func (x fakeIndex) Ping(ctx context.Context) error {
	return x.do(func(map[string]profiles.Profile) error { return nil })
}

func (x fakeIndex) Swap(ctx context.Context, other string) error {
	return x.do(func(docs map[string]profiles.Profile) error {
		o, ok := x.f.indexes[other]
		if !ok {
			return fmt.Errorf("index %s not found", other)
		}
		x.f.indexes[x.name], x.f.indexes[other] = o, docs
		x.f.swaps++
		return nil
	})
}

func (x fakeIndex) DeleteIndex(ctx context.Context) error {
	x.f.mu.Lock()
	defer x.f.mu.Unlock()
	if x.f.down {
		return errMeiliDown
	}
	delete(x.f.indexes, x.name)
	return nil
}

// useFakeMeili makes the commands talk to a fake Meilisearch for this test.
func useFakeMeili(t *testing.T) *fakeMeili {
	f := newFakeMeili()
	old := openIndex
	openIndex = func(cfg settings.Settings, tax *profiles.Taxonomy, name string) (searchIndex, error) {
		return fakeIndex{f, name}, nil
	}
	t.Cleanup(func() { openIndex = old })
	return f
}

var meiliEnv = map[string]string{"SAMENSPEL_MEILI_URL": "http://meilisearch:7700", "SAMENSPEL_MEILI_KEY": "indexer-key"}

// TestImportSyncStatusReindex: the scaled set-up's data path, command by command.
func TestImportSyncStatusReindex(t *testing.T) {
	f := useFakeMeili(t)
	data := t.TempDir()
	file := filepath.Join(t.TempDir(), "p.ndjson")
	tn := synth.Tenders(5, 1)[0]
	ps := synth.Pool(5, tn, 30)
	writeProfiles(t, file, ps)

	// Import stores and goes on to the index.
	out, _, err := indexer(t, meiliEnv, "import", "--data", data, file)
	if err != nil {
		t.Fatalf("import: %v\n%s", err, out)
	}
	if got := f.ids("profiles"); len(got) != len(ps) {
		t.Fatalf("after import the index holds %d profiles, want %d", len(got), len(ps))
	}
	if !strings.Contains(out, "(0 pending)") {
		t.Errorf("import output = %q, want the index caught up", out)
	}

	// With Meilisearch down, an import stores and says the index lags; status fails;
	// a sync after it returns catches up.
	f.setDown(true)
	more := synth.Pool(6, tn, 5)
	for i := range more {
		more[i].ID = fmt.Sprintf("extra-%d", i)
	}
	writeProfiles(t, file, more)
	if _, _, err := indexer(t, meiliEnv, "import", "--data", data, file); err == nil || !strings.Contains(err.Error(), "indexer sync applies them") {
		t.Errorf("import with Meilisearch down = %v, want an error saying the sync applies them", err)
	}
	if got := len(stored(t, data)); got != len(ps)+len(more) {
		t.Errorf("store holds %d profiles, want %d: an import must store whatever the index does", got, len(ps)+len(more))
	}
	out, _, err = indexer(t, meiliEnv, "status", "--data", data)
	if err == nil || !strings.Contains(out, "(5 pending)") {
		t.Errorf("status with Meilisearch down = %v, %q; want an error and 5 pending", err, out)
	}
	f.setDown(false)
	out, _, err = indexer(t, meiliEnv, "sync", "--data", data)
	if err != nil || !strings.Contains(out, "applied 5 changes") || len(f.ids("profiles")) != len(ps)+len(more) {
		t.Errorf("sync = %v, %q; index holds %d", err, out, len(f.ids("profiles")))
	}
	if out, _, err := indexer(t, meiliEnv, "status", "--data", data); err != nil || !strings.Contains(out, "(0 pending)") {
		t.Errorf("status = %v, %q", err, out)
	}

	// Reindex: a drifted index is rebuilt, swapped in, the rebuild dropped.
	f.mu.Lock()
	delete(f.indexes["profiles"], ps[0].ID)
	f.indexes["profiles"]["ghost"] = profiles.Profile{ID: "ghost"}
	f.indexes["profiles_reindex"] = map[string]profiles.Profile{"left-over": {ID: "left-over"}}
	f.mu.Unlock()
	out, _, err = indexer(t, meiliEnv, "reindex", "--data", data)
	if err != nil || !strings.Contains(out, fmt.Sprintf("reindexed %d profiles", len(ps)+len(more))) {
		t.Fatalf("reindex = %v, %q", err, out)
	}
	want := ids(stored(t, data))
	if got := f.ids("profiles"); !slices.Equal(got, want) {
		t.Errorf("index after reindex = %v,\nwant %v", got, want)
	}
	f.mu.Lock()
	_, left := f.indexes["profiles_reindex"]
	swaps := f.swaps
	f.mu.Unlock()
	if left || swaps != 1 {
		t.Errorf("after reindex: rebuild index left: %v, swaps %d; want dropped, 1 swap", left, swaps)
	}
}

// TestSyncWatch: the watching sync waits for Meilisearch, applies changes as they
// come, and stops cleanly on SIGTERM (a cancelled context).
func TestSyncWatch(t *testing.T) {
	f := useFakeMeili(t)
	f.setDown(true) // not up yet when the indexer starts
	data := t.TempDir()
	file := filepath.Join(t.TempDir(), "p.ndjson")
	tn := synth.Tenders(7, 1)[0]
	writeProfiles(t, file, synth.Pool(7, tn, 10))
	if _, _, err := indexer(t, nil, "import", "--data", data, file); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		lookup := func(k string) (string, bool) { v, ok := meiliEnv[k]; return v, ok }
		done <- run(ctx, []string{"sync", "--watch", "--interval", "10ms", "--data", data}, lookup, &strings.Builder{}, &logbuf.Buffer{})
	}()
	time.Sleep(50 * time.Millisecond)
	f.setDown(false)
	deadline := time.Now().Add(10 * time.Second)
	for len(f.ids("profiles")) != 10 {
		if time.Now().After(deadline) {
			t.Fatalf("the watching sync did not apply the changes: index holds %v", f.ids("profiles"))
		}
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("sync --watch after SIGTERM = %v, want nil", err)
	}
}

func TestKeys(t *testing.T) {
	var made []meili.KeySpec
	old := createKey
	createKey = func(ctx context.Context, url, master string, k meili.KeySpec) (string, error) {
		if url != "http://meilisearch:7700" || master != "master-key-of-16-bytes" {
			return "", fmt.Errorf("CreateKey(%q, %q)", url, master)
		}
		made = append(made, k)
		return fmt.Sprintf("key-%d", len(made)), nil
	}
	t.Cleanup(func() { createKey = old })
	env := map[string]string{"SAMENSPEL_MEILI_URL": "http://meilisearch:7700", "MEILI_MASTER_KEY": "master-key-of-16-bytes"}
	out, _, err := indexer(t, env, "keys")
	if err != nil || out != "SAMENSPEL_MEILI_SEARCH_KEY=key-1\nSAMENSPEL_MEILI_INDEXER_KEY=key-2\n" {
		t.Fatalf("keys = %v, %q", err, out)
	}
	if len(made) != 2 || !slices.Equal(made[0].Actions, meili.SearchKey("profiles").Actions) ||
		!slices.Equal(made[1].Indexes, []string{"profiles", "profiles_reindex"}) {
		t.Errorf("keys made = %+v", made)
	}
	delete(env, "MEILI_MASTER_KEY")
	if _, _, err := indexer(t, env, "keys"); !errors.Is(err, errUsage) {
		t.Errorf("keys without MEILI_MASTER_KEY = %v, want a usage error", err)
	}
}
