package meili

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"os"
	"testing"
	"time"

	"github.com/meilisearch/meilisearch-go"

	"samenspel/internal/profiles"
	"samenspel/internal/scaled"
	"samenspel/internal/store/storetest"
)

// The index reads what scaled.Index asks of a search index.
var _ scaled.Index = (*Index)(nil)

// TestIndexSuite runs the profile index's shared suite against a live Meilisearch,
// one new index per subtest, deleted after it.
func TestIndexSuite(t *testing.T) {
	url, key := live(t)
	tax := testTaxonomy(t)
	storetest.Run(t, func(t *testing.T) storetest.Subject {
		name := testIndexName()
		m, err := New(url, key, tax, WithIndexName(name), WithTaskTimeout(30*time.Second))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { deleteIndex(t, url, key, name) })
		if err := m.EnsureIndex(t.Context()); err != nil {
			t.Fatalf("EnsureIndex(%s) = %v", name, err)
		}
		return storetest.Subject{
			Index: m,
			Put:   m.Put,
			Delete: func(ctx context.Context, id string) error {
				return m.Delete(ctx, []string{id})
			},
			MarkStale: func(ctx context.Context, ids []string) error { return setStale(ctx, m, ids, true) },
			Confirm:   func(ctx context.Context, ids []string) error { return setStale(ctx, m, ids, false) },
		}
	})
}

// live returns the Meilisearch to test against and the key to use (MEILI_API_KEY, else
// MEILI_MASTER_KEY), or skips the test when MEILI_URL is not set.
func live(t *testing.T) (url, key string) {
	t.Helper()
	url = os.Getenv("MEILI_URL")
	if url == "" {
		t.Skip("no Meilisearch to test against: run `docker compose up meilisearch` (or " +
			"`docker run -p 7700:7700 -e MEILI_MASTER_KEY=... getmeili/meilisearch:v1.16.0`), then " +
			"MEILI_URL=http://localhost:7700 MEILI_MASTER_KEY=... go test ./internal/meili")
	}
	key = os.Getenv("MEILI_API_KEY")
	if key == "" {
		key = os.Getenv("MEILI_MASTER_KEY")
	}
	return url, key
}

// testIndexName returns a new index name for one test, with room for ReindexSuffix.
func testIndexName() string {
	var b [6]byte
	rand.Read(b[:])
	return "samenspel_test_" + hex.EncodeToString(b[:])
}

// TestReindexLive runs `indexer reindex`'s steps against a live Meilisearch: the
// rebuild is filled beside the live index, swapped in, and deleted with the old
// documents; deleting it again, and pinging it, find it missing.
func TestReindexLive(t *testing.T) {
	url, key := live(t)
	ctx := t.Context()
	name := testIndexName()
	open := func(uid string) *Index {
		m, err := New(url, key, testTaxonomy(t), WithIndexName(uid), WithTaskTimeout(30*time.Second))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { deleteIndex(t, url, key, uid) })
		return m
	}
	current, rebuild := open(name), open(name+ReindexSuffix)
	if err := rebuild.DeleteIndex(ctx); err != nil {
		t.Fatalf("DeleteIndex of a missing index = %v, want nil", err)
	}
	if err := current.Swap(ctx, rebuild.Name()); !hasCode(err, "index_not_found") {
		t.Fatalf("Swap with a missing index = %v, want index_not_found", err)
	}
	old, fresh := wijkteam(), specProfile()
	for m, p := range map[*Index]profiles.Profile{current: old, rebuild: fresh} {
		if err := m.EnsureIndex(ctx); err != nil {
			t.Fatalf("EnsureIndex(%s) = %v", m.Name(), err)
		}
		if err := m.Put(ctx, []profiles.Profile{p}); err != nil {
			t.Fatalf("Put(%s) = %v", m.Name(), err)
		}
	}
	if err := current.Swap(ctx, rebuild.Name()); err != nil {
		t.Fatalf("Swap = %v", err)
	}
	if _, err := current.Get(ctx, fresh.ID); err != nil {
		t.Errorf("after the swap, Get(%s) on %s = %v, want the rebuilt profile", fresh.ID, name, err)
	}
	if _, err := current.Get(ctx, old.ID); !errors.Is(err, profiles.ErrNotFound) {
		t.Errorf("after the swap, Get(%s) on %s = %v, want ErrNotFound", old.ID, name, err)
	}
	if _, err := rebuild.Get(ctx, old.ID); err != nil {
		t.Errorf("after the swap, Get(%s) on the rebuild = %v, want the old profile", old.ID, err)
	}
	if err := rebuild.DeleteIndex(ctx); err != nil {
		t.Fatalf("DeleteIndex = %v", err)
	}
	if err := rebuild.DeleteIndex(ctx); err != nil {
		t.Errorf("DeleteIndex again = %v, want nil", err)
	}
	if err := current.Ping(ctx); err != nil {
		t.Errorf("Ping = %v, want nil", err)
	}
	if err := rebuild.Ping(ctx); !hasCode(err, "index_not_found") {
		t.Errorf("Ping of the deleted rebuild = %v, want index_not_found", err)
	}
}

// deleteIndex removes a test's index, and waits until it is gone.
func deleteIndex(t *testing.T, url, key, name string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second) // the test's context has ended
	defer cancel()
	client := meilisearch.New(url, meilisearch.WithAPIKey(key))
	info, err := client.DeleteIndex(ctx, name)
	if err != nil {
		t.Errorf("delete test index %s: %v", name, convert("delete index", err))
		return
	}
	if _, err := client.WaitForTask(ctx, info.TaskUID, 10*time.Millisecond); err != nil {
		t.Errorf("delete test index %s: %v", name, convert("delete index", err))
	}
}
