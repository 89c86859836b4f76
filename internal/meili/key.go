package meili

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/meilisearch/meilisearch-go"
)

// RuntimeKeyActions are the actions of the key the service runs with: search, read
// and write documents, read the index, apply its settings and follow the tasks of
// its writes. Nothing instance-wide: no keys, no dumps, no other index, and no
// creating or deleting indexes.
var RuntimeKeyActions = []string{"search", "documents.*", "indexes.get", "settings.*", "tasks.get"}

// CreateRuntimeKey creates the scoped key the service runs with, limited to
// RuntimeKeyActions on the given indexes (DefaultIndexName when none are given), and
// returns its secret. It is the one call that needs the master key: run it once at
// setup, together with EnsureIndex on an Index built with the master key (the
// runtime key cannot create the index), and give the service the key it returns.
// The package comment shows the same request as a curl command.
func CreateRuntimeKey(ctx context.Context, url, masterKey string, indexes ...string) (string, error) {
	if len(indexes) == 0 {
		indexes = []string{DefaultIndexName}
	}
	for _, uid := range indexes {
		if !validIndexUID(uid) || uid == "*" {
			return "", fmt.Errorf("meili: create runtime key: index name %q: want a single index, 1-400 characters a-z, A-Z, 0-9, '-' and '_'", uid)
		}
	}
	if masterKey == "" {
		return "", errors.New("meili: create runtime key: no master key")
	}
	client := meilisearch.New(url, meilisearch.WithAPIKey(masterKey))
	key, err := client.CreateKey(ctx, &meilisearch.Key{
		Name:        "samenspel runtime",
		Description: "Samenspel: search and write the profiles index, nothing else",
		Actions:     slices.Clone(RuntimeKeyActions),
		Indexes:     indexes,
	})
	if err != nil {
		return "", convert("create runtime key", err)
	}
	return key.Key, nil
}
