package meili

import (
	"context"
	"fmt"
	"slices"

	"github.com/meilisearch/meilisearch-go"
)

// KeySpec is an API key to create with the master key: its name and description, the
// actions it may take and the indexes it may take them on.
type KeySpec struct {
	Name, Description string
	Actions, Indexes  []string
}

// SearchKey is the matcher's key: search and read the documents of index, nothing
// else. The matcher never writes, never applies settings, and never sees another
// index, the tasks, the keys or anything instance-wide.
func SearchKey(index string) KeySpec {
	return KeySpec{
		Name:        "samenspel search",
		Description: "Samenspel matcher: search and read the " + index + " index, nothing else",
		Actions:     []string{"search", "documents.get"},
		Indexes:     []string{index},
	}
}

// IndexerKey is the indexer's key, on index and on its rebuild (index +
// ReindexSuffix) only: EnsureIndex at the start of each command (indexes.get,
// indexes.create, settings.update), Put and Delete (documents.add, documents.delete),
// Get, Candidates and search (documents.get, search), Ping (search), the tasks of
// every write (tasks.get, which shows a task only when the key covers all its
// indexes: a swap's are both), and reindex's Swap and DeleteIndex (indexes.swap,
// indexes.delete). Nothing instance-wide: no keys, dumps, snapshots or other
// indexes.
func IndexerKey(index string) KeySpec {
	return KeySpec{
		Name:        "samenspel indexer",
		Description: "Samenspel indexer: fill, configure and rebuild the " + index + " index, nothing else",
		Actions: []string{"search", "documents.*", "indexes.create", "indexes.get", "indexes.delete",
			"indexes.swap", "settings.*", "tasks.get"},
		Indexes: []string{index, index + ReindexSuffix},
	}
}

// CreateKey creates the key k with the master key and returns its secret. It is the
// only use of the master key: run it once at setup for SearchKey and IndexerKey, and
// give the matcher and the indexer the key each needs (the package comment shows the
// same requests as curl commands). It refuses every action ("*") and any index that
// is not one single index: no "*", no "profiles*". The key does not expire.
func CreateKey(ctx context.Context, url, masterKey string, k KeySpec) (string, error) {
	what := fmt.Sprintf("create key %q", k.Name)
	if len(k.Actions) == 0 || slices.Contains(k.Actions, "*") {
		return "", fmt.Errorf("meili: %s: actions %q: want the actions it needs, not none and not \"*\"", what, k.Actions)
	}
	if len(k.Indexes) == 0 {
		return "", fmt.Errorf("meili: %s: no index", what)
	}
	for _, uid := range k.Indexes {
		if !validIndexUID(uid) {
			return "", fmt.Errorf("meili: %s: index name %q: want a single index, 1-400 characters a-z, A-Z, 0-9, '-' and '_'", what, uid)
		}
	}
	if masterKey == "" {
		return "", fmt.Errorf("meili: %s: no master key", what)
	}
	// No retries: a repeated request would create a second key.
	client := meilisearch.New(url, meilisearch.WithAPIKey(masterKey), meilisearch.DisableRetries())
	key, err := client.CreateKey(ctx, &meilisearch.Key{
		Name:        k.Name,
		Description: k.Description,
		Actions:     slices.Clone(k.Actions),
		Indexes:     slices.Clone(k.Indexes),
	})
	if err != nil {
		return "", convert(what, err)
	}
	return key.Key, nil
}
