package meili

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/meilisearch/meilisearch-go"

	"samenspel/internal/profiles"
)

func TestCreateKey(t *testing.T) {
	tests := []struct {
		spec         KeySpec
		body, reply  string
		wantKeyStart string
	}{
		{SearchKey("profiles"), `{
			"name": "samenspel search",
			"description": "Samenspel matcher: search and read the profiles index, nothing else",
			"actions": ["search", "documents.get"],
			"indexes": ["profiles"],
			"expiresAt": null}`, "key_created_search.json", "d0552b41"},
		{IndexerKey("profiles"), `{
			"name": "samenspel indexer",
			"description": "Samenspel indexer: fill, configure and rebuild the profiles index, nothing else",
			"actions": ["search", "documents.*", "indexes.create", "indexes.get", "indexes.delete", "indexes.swap", "settings.*", "tasks.get"],
			"indexes": ["profiles", "profiles_reindex"],
			"expiresAt": null}`, "key_created_indexer.json", "3ef2a4b1"},
	}
	for _, tt := range tests {
		t.Run(tt.spec.Name, func(t *testing.T) {
			f := newFake(t, exchange{method: "POST", path: "/keys", body: tt.body, reply: tt.reply})
			// The fake checks that the request carries testKey, here in the master key's place.
			key, err := CreateKey(context.Background(), f.srv.URL, testKey, tt.spec)
			if err != nil {
				t.Fatalf("CreateKey = %v", err)
			}
			if len(key) != 64 || !strings.HasPrefix(key, tt.wantKeyStart) {
				t.Errorf("CreateKey = %q, want the key of the response", key)
			}
		})
	}
}

func TestCreateKeyWithAWrongMasterKeyIsForbidden(t *testing.T) {
	f := newFake(t, exchange{method: "POST", path: "/keys", reply: "invalid_api_key.json"})
	_, err := CreateKey(context.Background(), f.srv.URL, testKey, SearchKey("profiles"))
	var me *Error
	if !errors.As(err, &me) || me.Status != 403 || me.Code != "invalid_api_key" {
		t.Fatalf("CreateKey = %v, want the 403 invalid_api_key *Error", err)
	}
	if n := len(f.requests()); n != 1 {
		t.Errorf("CreateKey sent %d requests, want 1", n)
	}
}

func TestCreateKeyRefusesEveryIndexAndEveryAction(t *testing.T) {
	f := newFake(t)
	for _, k := range []KeySpec{
		SearchKey("*"), SearchKey("prof*"), SearchKey(""), IndexerKey("*"), IndexerKey("profiles reindex"),
		{Name: "no index", Actions: []string{"search"}},
		{Name: "every action", Actions: []string{"*"}, Indexes: []string{"profiles"}},
		{Name: "no action", Indexes: []string{"profiles"}},
		{Name: "one wildcard index", Actions: []string{"search"}, Indexes: []string{"profiles", "*"}},
	} {
		if _, err := CreateKey(context.Background(), f.srv.URL, testKey, k); err == nil {
			t.Errorf("CreateKey(%+v) = nil error, want a refusal", k)
		}
	}
	if _, err := CreateKey(context.Background(), f.srv.URL, "", SearchKey("profiles")); err == nil {
		t.Error("CreateKey without a master key = nil error, want a refusal")
	}
}

// TestKeysCoverTheirCommands runs the calls of each command against the fake, names
// the Meilisearch action every request needs and the indexes it touches, and checks
// that the command's key allows exactly those: each request is covered, and each
// action the key names is used.
func TestKeysCoverTheirCommands(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name   string
		key    KeySpec
		script []exchange
		run    func(live, rebuild *Index) error
	}{
		{"matcher", SearchKey("profiles"), []exchange{
			// readiness: Ping; the API: Get, Candidates, SearchProfiles.
			{method: "POST", path: "/indexes/profiles/search", reply: "search_ping.json"},
			{method: "GET", path: "/indexes/profiles/documents/buurtkamer-overvecht", query: "fields=" + strings.Join(publicFields, ","), reply: "document.json"},
			{method: "POST", path: "/indexes/profiles/documents/fetch", reply: "documents_fetch_page1.json"},
			{method: "POST", path: "/indexes/profiles/documents/fetch", reply: "documents_fetch_page2.json"},
			{method: "POST", path: "/indexes/profiles/search", reply: "search_page.json"},
		}, func(live, _ *Index) error {
			err := live.Ping(ctx)
			_, gerr := live.Get(ctx, "buurtkamer-overvecht")
			_, cerr := live.Candidates(ctx, profiles.Tender{ID: "t", Area: []string{"GM0344"},
				Needs: []profiles.Need{{Instrument: "home_visits"}}})
			_, _, serr := live.SearchProfiles(ctx, profiles.Query{Kind: "welfare"})
			return errors.Join(err, gerr, cerr, serr)
		}},
		{"indexer", IndexerKey("profiles"), []exchange{
			// EnsureIndex at start, creating the index.
			{method: "GET", path: "/indexes/profiles", reply: "index_not_found.json"},
			{method: "POST", path: "/indexes", reply: "task_enqueued_index_creation.json"},
			{method: "GET", path: "/tasks/0", reply: "task_0_succeeded.json"},
			{method: "PATCH", path: "/indexes/profiles/settings", reply: "task_enqueued_settings.json"},
			{method: "GET", path: "/tasks/1", reply: "task_1_succeeded.json"},
			// sync: Put, Delete; status: Ping.
			{method: "POST", path: "/indexes/profiles/documents", query: "primaryKey=id", reply: "task_enqueued_documents.json"},
			{method: "GET", path: "/tasks/2", reply: "task_2_succeeded.json"},
			{method: "POST", path: "/indexes/profiles/documents/delete-batch", reply: "task_enqueued_deletion.json"},
			{method: "GET", path: "/tasks/3", reply: "task_3_succeeded_deleted_2.json"},
			{method: "POST", path: "/indexes/profiles/search", reply: "search_ping.json"},
			// reindex: delete a rebuild cut short, build it, swap, delete it.
			{method: "DELETE", path: "/indexes/profiles_reindex", reply: "task_enqueued_index_deletion.json"},
			{method: "GET", path: "/tasks/6", reply: "task_6_failed_index_not_found.json"},
			{method: "GET", path: "/indexes/profiles_reindex", reply: "index_reindex_not_found.json"},
			{method: "POST", path: "/indexes", reply: "task_enqueued_index_creation.json"},
			{method: "GET", path: "/tasks/0", reply: "task_0_succeeded.json"},
			{method: "PATCH", path: "/indexes/profiles_reindex/settings", reply: "task_enqueued_settings.json"},
			{method: "GET", path: "/tasks/1", reply: "task_1_succeeded.json"},
			{method: "POST", path: "/indexes/profiles_reindex/documents", query: "primaryKey=id", reply: "task_enqueued_documents.json"},
			{method: "GET", path: "/tasks/2", reply: "task_2_succeeded.json"},
			{method: "POST", path: "/swap-indexes", reply: "task_enqueued_swap.json"},
			{method: "GET", path: "/tasks/5", reply: "task_5_succeeded_swap.json"},
			{method: "DELETE", path: "/indexes/profiles_reindex", reply: "task_enqueued_index_deletion.json"},
			{method: "GET", path: "/tasks/6", reply: "task_6_succeeded_index_deletion.json"},
		}, func(live, rebuild *Index) error {
			ps := []profiles.Profile{specProfile(), wijkteam()}
			return errors.Join(live.EnsureIndex(ctx), live.Put(ctx, ps),
				live.Delete(ctx, []string{"buurtkamer-overvecht", "wijkteam-noord"}), live.Ping(ctx),
				rebuild.DeleteIndex(ctx), rebuild.EnsureIndex(ctx), rebuild.Put(ctx, ps),
				live.Swap(ctx, rebuild.Name()), rebuild.DeleteIndex(ctx))
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake(t, tt.script...)
			if err := tt.run(f.index(), f.index(WithIndexName("profiles"+ReindexSuffix))); err != nil {
				t.Fatalf("the %s's calls = %v", tt.name, err)
			}
			used := map[string]bool{}
			for _, r := range f.requests() {
				action, indexes := neededAction(t, r)
				used[action] = true
				if !allows(tt.key.Actions, action) {
					t.Errorf("%s needs %s, which the %s key lacks", strings.Join(strings.Fields(r)[:2], " "), action, tt.name)
				}
				for _, uid := range indexes {
					if !slices.Contains(tt.key.Indexes, uid) {
						t.Errorf("%s touches index %s, which the %s key lacks", strings.Join(strings.Fields(r)[:2], " "), uid, tt.name)
					}
				}
			}
			for _, a := range tt.key.Actions {
				if !strings.HasSuffix(a, ".*") && !used[a] {
					t.Errorf("the %s key allows %s, which no call needs", tt.name, a)
				}
			}
		})
	}
}

// allows reports whether actions, with families such as "documents.*", include action.
func allows(actions []string, action string) bool {
	for _, a := range actions {
		if a == action || strings.HasSuffix(a, ".*") && strings.HasPrefix(action, strings.TrimSuffix(a, "*")) {
			return true
		}
	}
	return false
}

// neededAction names the action of Meilisearch's API reference that a request the
// fake saw ("METHOD URL BODY") needs, and the indexes it touches (none named for a
// task: the key must cover all of a task's indexes, which are those of the request
// that enqueued it).
func neededAction(t *testing.T, request string) (string, []string) {
	t.Helper()
	parts := strings.SplitN(request, " ", 3)
	method, path, body := parts[0], strings.SplitN(parts[1], "?", 2)[0], parts[2]
	seg := strings.Split(strings.Trim(path, "/"), "/")
	switch {
	case method == "POST" && path == "/indexes":
		var b struct{ UID string }
		json.Unmarshal([]byte(body), &b)
		return "indexes.create", []string{b.UID}
	case method == "POST" && path == "/swap-indexes":
		var b []struct{ Indexes []string }
		json.Unmarshal([]byte(body), &b)
		var uids []string
		for _, s := range b {
			uids = append(uids, s.Indexes...)
		}
		return "indexes.swap", uids
	case method == "GET" && len(seg) == 2 && seg[0] == "tasks":
		return "tasks.get", nil
	case len(seg) >= 2 && seg[0] == "indexes":
		uid := []string{seg[1]}
		rest := strings.Join(seg[2:], "/")
		switch {
		case rest == "" && method == "GET":
			return "indexes.get", uid
		case rest == "" && method == "DELETE":
			return "indexes.delete", uid
		case rest == "settings" && method == "PATCH":
			return "settings.update", uid
		case rest == "search" && method == "POST":
			return "search", uid
		case rest == "documents" && method == "POST":
			return "documents.add", uid
		case rest == "documents/delete-batch" && method == "POST":
			return "documents.delete", uid
		case rest == "documents/fetch" && method == "POST", strings.HasPrefix(rest, "documents/") && method == "GET":
			return "documents.get", uid
		}
	}
	t.Fatalf("no action known for %s %s: add it from https://www.meilisearch.com/docs/reference/api/keys/create-api-key", method, path)
	return "", nil
}

func TestAllows(t *testing.T) {
	actions := []string{"search", "documents.*"}
	got := []bool{allows(actions, "search"), allows(actions, "documents.add"), allows(actions, "settings.update"), allows(actions, "documentsX")}
	if diff := cmp.Diff([]bool{true, true, false, false}, got); diff != "" {
		t.Errorf("allows (-want +got):\n%s", diff)
	}
}

// TestKeysLive creates both keys on a live Meilisearch (it needs MEILI_MASTER_KEY),
// runs the indexer's calls with the indexer key, rebuild included, and checks that
// the search key can search but not write, and neither reaches another index.
func TestKeysLive(t *testing.T) {
	url, _ := live(t)
	master := os.Getenv("MEILI_MASTER_KEY")
	if master == "" {
		t.Skip("MEILI_MASTER_KEY is not set: the keys cannot be created")
	}
	ctx := t.Context()
	name := testIndexName()
	create := func(k KeySpec) string {
		key, err := CreateKey(ctx, url, master, k)
		if err != nil {
			t.Fatalf("CreateKey(%s) = %v", k.Name, err)
		}
		t.Cleanup(func() {
			client := meilisearch.New(url, meilisearch.WithAPIKey(master))
			if _, err := client.DeleteKey(context.Background(), key); err != nil {
				t.Errorf("delete test key %s: %v", k.Name, convert("delete key", err))
			}
		})
		return key
	}
	open := func(key, uid string) *Index {
		m, err := New(url, key, testTaxonomy(t), WithIndexName(uid), WithTaskTimeout(30*time.Second), WithRetries(0, time.Millisecond, time.Millisecond))
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	for _, uid := range []string{name, name + ReindexSuffix, name + "_other"} {
		t.Cleanup(func() { deleteIndex(t, url, master, uid) })
	}
	indexerKey, searchKey := create(IndexerKey(name)), create(SearchKey(name))

	current, rebuild := open(indexerKey, name), open(indexerKey, name+ReindexSuffix)
	ps := []profiles.Profile{specProfile(), wijkteam()}
	steps := []struct {
		what string
		do   func() error
	}{
		{"EnsureIndex", func() error { return current.EnsureIndex(ctx) }},
		{"Put", func() error { return current.Put(ctx, ps) }},
		{"Delete", func() error { return current.Delete(ctx, []string{ps[1].ID}) }},
		{"Ping", func() error { return current.Ping(ctx) }},
		{"DeleteIndex of the rebuild", func() error { return rebuild.DeleteIndex(ctx) }},
		{"EnsureIndex of the rebuild", func() error { return rebuild.EnsureIndex(ctx) }},
		{"Put in the rebuild", func() error { return rebuild.Put(ctx, ps) }},
		{"Swap", func() error { return current.Swap(ctx, rebuild.Name()) }},
		{"DeleteIndex of the rebuild", func() error { return rebuild.DeleteIndex(ctx) }},
	}
	for _, s := range steps {
		if err := s.do(); err != nil {
			t.Fatalf("with the indexer key, %s = %v", s.what, err)
		}
	}

	search := open(searchKey, name)
	if err := search.Ping(ctx); err != nil {
		t.Errorf("with the search key, Ping = %v", err)
	}
	if _, err := search.Get(ctx, ps[1].ID); err != nil {
		t.Errorf("with the search key, Get = %v", err)
	}
	forbidden := func(what string, err error) {
		t.Helper()
		if !hasCode(err, "invalid_api_key") {
			t.Errorf("%s = %v, want 403 invalid_api_key", what, err)
		}
	}
	forbidden("with the search key, Put", search.Put(ctx, ps))
	forbidden("with the search key, EnsureIndex", search.EnsureIndex(ctx))
	forbidden("with the search key, Swap", search.Swap(ctx, name+ReindexSuffix))
	forbidden("with the search key, Ping of another index", open(searchKey, name+"_other").Ping(ctx))
	forbidden("with the indexer key, EnsureIndex of another index", open(indexerKey, name+"_other").EnsureIndex(ctx))
}
