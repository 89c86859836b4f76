package meili

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

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

func TestDeleteIndex(t *testing.T) {
	tests := []struct {
		name    string
		script  []exchange
		wantErr string // an error code; "" for none
	}{
		{"deleted", []exchange{
			{method: "DELETE", path: "/indexes/profiles_reindex", reply: "task_enqueued_index_deletion.json"},
			{method: "GET", path: "/tasks/6", reply: "task_6_succeeded_index_deletion.json"},
		}, ""},
		{"missing: the task fails", []exchange{
			{method: "DELETE", path: "/indexes/profiles_reindex", reply: "task_enqueued_index_deletion.json"},
			{method: "GET", path: "/tasks/6", reply: "task_6_failed_index_not_found.json"},
		}, ""},
		{"missing: the request fails", []exchange{
			{method: "DELETE", path: "/indexes/profiles_reindex", reply: "index_reindex_not_found.json"},
		}, ""},
		{"tried again after a 500", []exchange{
			{method: "DELETE", path: "/indexes/profiles_reindex", reply: "internal.json"},
			{method: "DELETE", path: "/indexes/profiles_reindex", reply: "task_enqueued_index_deletion.json"},
			{method: "GET", path: "/tasks/6", reply: "task_6_succeeded_index_deletion.json"},
		}, ""},
		{"forbidden", []exchange{
			{method: "DELETE", path: "/indexes/profiles_reindex", reply: "invalid_api_key.json"},
		}, "invalid_api_key"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake(t, tt.script...)
			err := f.index(WithIndexName("profiles_reindex")).DeleteIndex(context.Background())
			switch {
			case tt.wantErr == "" && err != nil:
				t.Fatalf("DeleteIndex = %v, want nil", err)
			case tt.wantErr != "" && !hasCode(err, tt.wantErr):
				t.Fatalf("DeleteIndex = %v, want an *Error with code %s", err, tt.wantErr)
			}
		})
	}
}

// pingBody asks for no documents: hitsPerPage 0.
const pingBody = `{"q":"","hitsPerPage":0,"hybrid":null}`

func TestPing(t *testing.T) {
	tests := []struct {
		reply    string
		status   int
		wantCode string // "" for no error
	}{
		{"search_ping.json", 200, ""},
		{"invalid_api_key.json", 403, "invalid_api_key"},
		{"index_not_found.json", 404, "index_not_found"},
		{"internal.json", 500, "internal"}, // tried once: the fake answers no second request
		{"too_many_requests.json", 429, "too_many_search_requests"},
	}
	for _, tt := range tests {
		t.Run(tt.reply, func(t *testing.T) {
			f := newFake(t, exchange{method: "POST", path: "/indexes/profiles/search", body: pingBody, reply: tt.reply})
			err := f.index().Ping(context.Background())
			if tt.wantCode == "" {
				if err != nil {
					t.Fatalf("Ping = %v, want nil", err)
				}
				return
			}
			var me *Error
			if !errors.As(err, &me) || me.Status != tt.status || me.Code != tt.wantCode {
				t.Fatalf("Ping = %v, want an *Error with status %d and code %s", err, tt.status, tt.wantCode)
			}
		})
	}
}

func TestPingWithoutAnswerFailsWithinTheRequestTimeout(t *testing.T) {
	f := newFake(t, exchange{method: "POST", path: "/indexes/profiles/search", body: pingBody, hangup: true})
	start := time.Now()
	if err := f.index().Ping(context.Background()); err == nil {
		t.Fatal("Ping to a Meilisearch that hangs up = nil, want an error")
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("Ping took %v, want one try", d)
	}
}
