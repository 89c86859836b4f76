package store_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"

	"samenspel/internal/store"
	"samenspel/internal/store/storetest"
	"samenspel/internal/webhook"
)

// TestNotifications: the embedded store passes the shared suite of the
// notifications and the webhooks.
func TestNotifications(t *testing.T) {
	storetest.Notifications(t, func(t *testing.T) storetest.NotificationStore { return newStore(t) })
}

// TestNotificationsOfAVersion5Store: upgrading a store of schema version 5 keeps
// its notifications, and Undelivered leaves out the given-up ones there too.
func TestNotificationsOfAVersion5Store(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s, err := store.Open(ctx, dir, taxonomy(t))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.AddNotifications(ctx, 1, day1, []webhook.Notification{{Profile: "a", Tender: "t1", Rank: 1}, {Profile: "b", Tender: "t1", Rank: 2}}); err != nil {
		t.Fatal(err)
	}
	for range 5 {
		if err := s.MarkAttempt(ctx, 2); err != nil {
			t.Fatal(err)
		}
	}
	s.Close()
	db, err := sql.Open("sqlite", filepath.Join(dir, "samenspel.db"))
	if err != nil {
		t.Fatal(err)
	}
	_, err = db.Exec(`DROP INDEX notifications_pending; CREATE INDEX notifications_undelivered ON notifications (delivered, id);
		UPDATE schema_version SET version = 5`)
	db.Close()
	if err != nil {
		t.Fatalf("make a version 5 store: %v", err)
	}

	s = open(t, dir)
	if ns, err := s.Notifications(ctx, "b", 0); err != nil || len(ns) != 1 || ns[0].Attempts != 5 {
		t.Errorf("Notifications(b) after upgrading = %+v, %v; want the one tried 5 times", ns, err)
	}
	if ns, err := s.Undelivered(ctx, 5, 0); err != nil || len(ns) != 1 || ns[0].ID != 1 {
		t.Errorf("Undelivered(5, 0) after upgrading = %+v, %v; want notification 1 only", ns, err)
	}
}
