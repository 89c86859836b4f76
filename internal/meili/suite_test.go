package meili

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"testing"
	"time"

	"github.com/meilisearch/meilisearch-go"

	"samenspel/internal/store/storetest"
)

// TestIndexSuite runs the profile index's shared suite against a live Meilisearch,
// one new index per subtest, deleted after it.
func TestIndexSuite(t *testing.T) {
	url := os.Getenv("MEILI_URL")
	if url == "" {
		t.Skip("no Meilisearch to test against: run `docker compose up meilisearch` (or " +
			"`docker run -p 7700:7700 -e MEILI_MASTER_KEY=... getmeili/meilisearch`), then " +
			"MEILI_URL=http://localhost:7700 MEILI_MASTER_KEY=... go test ./internal/meili")
	}
	key := os.Getenv("MEILI_API_KEY")
	if key == "" {
		key = os.Getenv("MEILI_MASTER_KEY")
	}
	tax := testTaxonomy(t)
	storetest.Run(t, func(t *testing.T) storetest.Subject {
		var b [6]byte
		rand.Read(b[:])
		name := "samenspel_test_" + hex.EncodeToString(b[:])
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
		}
	})
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
