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

// DeleteIndex deletes the index with its documents and settings, and returns once it
// is gone. An index that does not exist is no error.
func (m *Index) DeleteIndex(ctx context.Context) error {
	err := m.task(ctx, "delete index "+m.uid, func(ctx context.Context) (*meilisearch.TaskInfo, error) {
		return m.client.DeleteIndex(ctx, m.uid)
	}, nil)
	if hasCode(err, "index_not_found") {
		return nil
	}
	return err
}

// Ping checks that Meilisearch answers and that the key may search this index, with
// a search that returns no documents. It tries once, within the request timeout: it
// reports the state of now, for the matcher's readiness and the indexer's status. A
// missing index is an *Error with code index_not_found, a key without access to it
// one with status 403 and code invalid_api_key.
func (m *Index) Ping(ctx context.Context) error {
	none := int64(0)
	return m.callWith(ctx, "ping index "+m.uid, never, func(ctx context.Context) error {
		_, err := m.index.SearchRaw(ctx, "", &meilisearch.SearchRequest{HitsPerPage: &none})
		return err
	})
}

// never tries nothing again: for a check that reports the state of now.
func never(error) bool { return false }

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
