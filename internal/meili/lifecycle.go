package meili

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/meilisearch/meilisearch-go"
)

// ReindexSuffix names the index that `indexer reindex` builds beside the live one:
// the rebuild of "profiles" is "profiles_reindex". The name is fixed, so that the
// indexer's key can be scoped to it (IndexerKey) and a rebuild that was cut short is
// found and deleted by the next one.
const ReindexSuffix = "_reindex"

// Swap exchanges this index with other, documents, settings and task history, in one
// atomic Meilisearch task, and returns once it has succeeded. Both indexes must
// exist: a missing one fails the task with index_not_found (an *Error). `indexer
// reindex` fills other (this index's name + ReindexSuffix), swaps, and deletes other,
// which then holds the old documents.
//
// A swap is not safe to repeat (a second one swaps back), so its request is tried
// again only when Meilisearch refused it (429). After any other error, a timeout
// included, the swap may or may not have been applied: do not delete either index
// on the strength of it; rebuild instead, which starts by deleting other.
func (m *Index) Swap(ctx context.Context, other string) error {
	if !validIndexUID(other) || other == m.uid {
		return fmt.Errorf("meili: swap index %s with %q: want another index, 1-400 characters a-z, A-Z, 0-9, '-' and '_'", m.uid, other)
	}
	swap := []*meilisearch.SwapIndexesParams{{Indexes: []string{m.uid, other}}}
	return m.taskWith(ctx, fmt.Sprintf("swap index %s with %s", m.uid, other), rejected,
		func(ctx context.Context) (*meilisearch.TaskInfo, error) { return m.client.SwapIndexes(ctx, swap) }, nil)
}

// marshalJSON encodes request bodies for the client, as encoding/json does, except
// that a swap carries only the indexes: the client always adds "rename": false, a
// field Meilisearch knows from 1.18 on and rejects as unknown before (the compose
// file runs 1.16).
func marshalJSON(v any) ([]byte, error) {
	swaps, ok := v.([]*meilisearch.SwapIndexesParams)
	if !ok {
		return json.Marshal(v)
	}
	type swap struct {
		Indexes []string `json:"indexes"`
	}
	out := make([]swap, len(swaps))
	for i, s := range swaps {
		if s.Rename {
			return nil, errors.New("meili: renaming an index by swap is not supported")
		}
		out[i] = swap{Indexes: s.Indexes}
	}
	return json.Marshal(out)
}
