package meili

import (
	"context"
	"os"
	"testing"
	"time"

	"samenspel/internal/indexsync"
	"samenspel/internal/pgtest"
	"samenspel/internal/postgres"
	"samenspel/internal/profiles"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

// TestSyncFollowsAPostgresChangeLog: the indexer's sync, from a PostgreSQL change
// log to the recorded Meilisearch contract. A write on PostgreSQL wakes the
// watching sync at once (LISTEN/NOTIFY; its poll interval is an hour), which puts
// the profiles' public fields with the request Meilisearch's reference gives; the
// deletions that follow go as one batch.
func TestSyncFollowsAPostgresChangeLog(t *testing.T) {
	ctx := context.Background()
	st, err := postgres.Open(ctx, pgtest.Database(t), testTaxonomy(t))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	f := newFake(t,
		exchange{method: "POST", path: "/indexes/profiles/documents", query: "primaryKey=id",
			golden: "put_request.golden.json", reply: "task_enqueued_documents.json"},
		exchange{method: "GET", path: "/tasks/2", reply: "task_2_succeeded.json"},
		exchange{method: "POST", path: "/indexes/profiles/documents/delete-batch",
			body: `["buurtkamer-overvecht","wijkteam-noord"]`, reply: "task_enqueued_deletion.json"},
		exchange{method: "GET", path: "/tasks/3", reply: "task_3_succeeded_deleted_2.json"},
	)
	s := indexsync.New(st, f.index(), indexsync.Cursor, nil)

	rctx, stop := context.WithCancel(ctx)
	wake, err := st.Listen(rctx)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- s.Run(rctx, time.Hour, wake) }()
	time.Sleep(100 * time.Millisecond) // the first pass, on an empty log, sends nothing
	if n := len(f.requests()); n != 0 {
		t.Fatalf("the sync of an empty change log sent %d requests", n)
	}
	if _, _, err := st.UpsertProfiles(ctx, []profiles.Profile{specProfile(), wijkteam()}); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for len(f.requests()) < 2 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if n := len(f.requests()); n < 2 {
		t.Fatalf("10 s after the write the sync had sent %d requests; the write's NOTIFY should wake it at once", n)
	}
	// The pass moves its cursor after Meilisearch's task: stopped before that, the
	// next pass would send the two writes again.
	for cur, _ := st.Cursor(ctx, indexsync.Cursor); cur < 2 && time.Now().Before(deadline); cur, _ = st.Cursor(ctx, indexsync.Cursor) {
		time.Sleep(10 * time.Millisecond)
	}
	stop()
	<-done

	for _, id := range []string{"wijkteam-noord", "buurtkamer-overvecht"} {
		if err := st.DeleteProfile(ctx, id); err != nil {
			t.Fatal(err)
		}
	}
	if n, err := s.Pass(ctx); err != nil || n != 2 {
		t.Errorf("Pass after two deletions = %d, %v; want both applied", n, err)
	}
	if cur, err := st.Cursor(ctx, indexsync.Cursor); err != nil || cur != 4 {
		t.Errorf("the sync's cursor = %d, %v; want 4, the last change", cur, err)
	}
}
