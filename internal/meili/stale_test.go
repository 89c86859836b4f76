package meili

import (
	"context"
	"strings"
	"testing"
	"time"

	"samenspel/internal/indexsync"
	"samenspel/internal/profiles"
	"samenspel/internal/store"
)

// TestSyncCarriesStaleness: what the store marks stale reaches the index through the
// change log and the sync as a document with stale true, and what its owner
// confirmed as stale false, in the one batch the sync sends.
func TestSyncCarriesStaleness(t *testing.T) {
	ctx := t.Context()
	written := time.Date(2025, 6, 1, 10, 0, 0, 0, time.UTC)
	st, err := store.Open(ctx, t.TempDir(), testTaxonomy(t), store.WithClock(func() time.Time { return written }))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if _, _, err := st.UpsertProfiles(ctx, []profiles.Profile{specProfile(), wijkteam()}); err != nil {
		t.Fatal(err)
	}
	now := written.AddDate(1, 0, 7)
	if ids, err := st.MarkStale(ctx, profiles.StaleBefore(now), now); err != nil || len(ids) != 2 {
		t.Fatalf("MarkStale = %v, %v; want both profiles", ids, err)
	}
	if err := st.ConfirmProfile(ctx, "wijkteam-noord", now.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}

	f := newFake(t,
		exchange{method: "POST", path: "/indexes/profiles/documents", query: "primaryKey=id",
			golden: "put_request_stale.golden.json", reply: "task_enqueued_documents.json"},
		exchange{method: "GET", path: "/tasks/2", reply: "task_2_succeeded.json"},
	)
	n, err := indexsync.New(st, f.index(), indexsync.Cursor, nil).Pass(ctx)
	if err != nil || n != 2 {
		t.Fatalf("Pass = %d, %v; want 2 changes applied", n, err)
	}
	for _, r := range f.requests() {
		if strings.Contains(r, canary) {
			t.Errorf("a request carries the canary from contact or private: %s", r)
		}
	}
}

// TestDocumentStale: a document says whether its profile is stale, and a profile
// read back says so too.
func TestDocumentStale(t *testing.T) {
	tax := testTaxonomy(t)
	for _, stale := range []bool{false, true} {
		p := specProfile()
		p.Stale = stale
		d := newDocument(p, tax)
		if d.Stale != stale || d.profile().Stale != stale {
			t.Errorf("newDocument(Stale %t) = stale %t, read back %t", stale, d.Stale, d.profile().Stale)
		}
	}
}

// setStale writes the profiles ids again with Stale set to stale, as the sync does
// after the store marked or confirmed them: the live suite's MarkStale and Confirm.
func setStale(ctx context.Context, m *Index, ids []string, stale bool) error {
	ps := make([]profiles.Profile, 0, len(ids))
	for _, id := range ids {
		p, err := m.Get(ctx, id)
		if err != nil {
			return err
		}
		p.Stale = stale
		ps = append(ps, p)
	}
	return m.Put(ctx, ps)
}
