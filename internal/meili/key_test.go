package meili

import (
	"context"
	"testing"
)

func TestCreateRuntimeKeyIsScopedToTheProfilesIndex(t *testing.T) {
	f := newFake(t, exchange{method: "POST", path: "/keys", body: `{
		"name": "samenspel runtime",
		"description": "Samenspel: search and write the profiles index, nothing else",
		"actions": ["search", "documents.*", "indexes.get", "settings.*", "tasks.get"],
		"indexes": ["profiles"],
		"expiresAt": null}`, reply: "key_created.json"})
	// The fake checks that the request carries testKey, here in the master key's place.
	key, err := CreateRuntimeKey(context.Background(), f.srv.URL, testKey)
	if err != nil {
		t.Fatalf("CreateRuntimeKey = %v", err)
	}
	if key != "d0552b41536279a0ad88bd595327b96f01176a60c2243e906c52ac02375f9bc4" {
		t.Errorf("CreateRuntimeKey = %q, want the key of the response", key)
	}
}

func TestCreateRuntimeKeyRefusesEveryIndex(t *testing.T) {
	for _, indexes := range [][]string{{"*"}, {"prof*"}, {""}} {
		if _, err := CreateRuntimeKey(context.Background(), "http://127.0.0.1:1", testKey, indexes...); err == nil {
			t.Errorf("CreateRuntimeKey(indexes %q) = nil error, want a refusal", indexes)
		}
	}
}
