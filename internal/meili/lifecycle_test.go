package meili

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/meilisearch/meilisearch-go"
)

// swapBody is the whole swap request: the pair and nothing else, no "rename" (which
// Meilisearch before 1.18 rejects).
const swapBody = `[{"indexes":["profiles","profiles_reindex"]}]`

func TestSwapSendsThePairAndWaitsForTheTask(t *testing.T) {
	f := newFake(t,
		exchange{method: "POST", path: "/swap-indexes", body: swapBody, reply: "task_enqueued_swap.json"},
		exchange{method: "GET", path: "/tasks/5", reply: "task_5_succeeded_swap.json"},
	)
	if err := f.index().Swap(context.Background(), "profiles"+ReindexSuffix); err != nil {
		t.Fatalf("Swap = %v, want nil", err)
	}
}

func TestSwapWithAMissingIndexFails(t *testing.T) {
	f := newFake(t,
		exchange{method: "POST", path: "/swap-indexes", body: swapBody, reply: "task_enqueued_swap.json"},
		exchange{method: "GET", path: "/tasks/5", reply: "task_5_failed_swap_index_not_found.json"},
	)
	err := f.index().Swap(context.Background(), "profiles_reindex")
	var me *Error
	if !errors.As(err, &me) || me.TaskUID != 5 || me.Code != "index_not_found" || !strings.Contains(me.Message, "profiles_reindex") {
		t.Fatalf("Swap = %v, want task 5 failed with index_not_found naming profiles_reindex", err)
	}
}

// TestSwapIsNotRepeatedAfterAnUncertainFailure: a swap that Meilisearch may have
// enqueued is not sent again, since a second swap would undo the first.
func TestSwapIsNotRepeatedAfterAnUncertainFailure(t *testing.T) {
	for _, ex := range []exchange{
		{method: "POST", path: "/swap-indexes", body: swapBody, reply: "internal.json"},
		{method: "POST", path: "/swap-indexes", body: swapBody, hangup: true},
	} {
		f := newFake(t, ex)
		if err := f.index().Swap(context.Background(), "profiles_reindex"); err == nil {
			t.Errorf("Swap after %s = nil, want the error", ex.reply+map[bool]string{true: "a dropped connection"}[ex.hangup])
		}
		if n := len(f.requests()); n != 1 {
			t.Errorf("Swap sent %d requests, want 1", n)
		}
	}
}

func TestSwapIsSentAgainAfterTooManyRequests(t *testing.T) {
	f := newFake(t,
		exchange{method: "POST", path: "/swap-indexes", body: swapBody, reply: "too_many_requests.json"},
		exchange{method: "POST", path: "/swap-indexes", body: swapBody, reply: "task_enqueued_swap.json"},
		exchange{method: "GET", path: "/tasks/5", reply: "internal.json"},
		exchange{method: "GET", path: "/tasks/5", reply: "task_5_succeeded_swap.json"},
	)
	if err := f.index().Swap(context.Background(), "profiles_reindex"); err != nil {
		t.Fatalf("Swap after a 429 = %v, want nil", err)
	}
}

func TestSwapWithoutTheActionIsForbidden(t *testing.T) {
	f := newFake(t, exchange{method: "POST", path: "/swap-indexes", body: swapBody, reply: "invalid_api_key.json"})
	err := f.index().Swap(context.Background(), "profiles_reindex")
	var me *Error
	if !errors.As(err, &me) || me.Status != 403 || me.Code != "invalid_api_key" {
		t.Fatalf("Swap = %v, want the 403 invalid_api_key *Error", err)
	}
}

func TestSwapRefusesItselfAndInvalidNamesWithoutARequest(t *testing.T) {
	f := newFake(t)
	for _, other := range []string{"profiles", "", "*", "prof*", "profiles reindex", "../keys"} {
		if err := f.index().Swap(context.Background(), other); err == nil {
			t.Errorf("Swap(%q) = nil, want a refusal", other)
		}
	}
}

func TestMarshalJSONRefusesARenamingSwap(t *testing.T) {
	if _, err := marshalJSON([]*meilisearch.SwapIndexesParams{{Indexes: []string{"a", "b"}, Rename: true}}); err == nil {
		t.Error("marshalJSON(rename) = nil error, want a refusal")
	}
}
