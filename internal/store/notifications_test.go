package store_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"samenspel/internal/store"
)

// TestNotificationsFirstAppearanceOnly: a partner is notified once per tender, by
// the run that first suggested it.
func TestNotificationsFirstAppearanceOnly(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	added, err := s.AddNotifications(ctx, 1, day1, []store.Notification{
		{Profile: "buurtkamer", Tender: "t1", Rank: 2},
		{Profile: "wijkteam", Tender: "t1", Rank: 1},
	})
	if err != nil || added != 2 {
		t.Fatalf("AddNotifications(run 1) = %d, %v; want 2", added, err)
	}
	added, err = s.AddNotifications(ctx, 2, day2, []store.Notification{
		{Profile: "buurtkamer", Tender: "t1", Rank: 1}, // already notified for t1
		{Profile: "buurtkamer", Tender: "t2", Rank: 4},
	})
	if err != nil || added != 1 {
		t.Fatalf("AddNotifications(run 2) = %d, %v; want 1", added, err)
	}
	got, err := s.Notifications(ctx, "buurtkamer", 10)
	if err != nil {
		t.Fatal(err)
	}
	want := []store.Notification{
		{Profile: "buurtkamer", Tender: "t2", Run: 2, Created: day2.UTC(), Rank: 4},
		{Profile: "buurtkamer", Tender: "t1", Run: 1, Created: day1, Rank: 2},
	}
	if diff := cmp.Diff(want, got, cmpopts.IgnoreFields(store.Notification{}, "ID")); diff != "" {
		t.Errorf("Notifications(buurtkamer) (-want +got):\n%s", diff)
	}
	if got, _ := s.Notifications(ctx, "buurtkamer", 1); len(got) != 1 || got[0].Tender != "t2" {
		t.Errorf("Notifications(buurtkamer, 1) = %+v, want the newest only", got)
	}
	if got, err := s.Notifications(ctx, "nobody", 10); err != nil || got == nil || len(got) != 0 {
		t.Errorf("Notifications(nobody) = %v, %v; want an empty list", got, err)
	}
}

// TestNotificationDelivery: the webhook sender's view, attempts and delivery.
func TestNotificationDelivery(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	if _, err := s.AddNotifications(ctx, 1, day1, []store.Notification{
		{Profile: "a", Tender: "t1", Rank: 1}, {Profile: "b", Tender: "t1", Rank: 1}, {Profile: "c", Tender: "t1", Rank: 1},
	}); err != nil {
		t.Fatal(err)
	}
	if err := s.MarkAttempt(ctx, 1); err != nil {
		t.Fatal(err)
	}
	if err := s.MarkAttempt(ctx, 1); err != nil {
		t.Fatal(err)
	}
	if err := s.MarkDelivered(ctx, 2, day3); err != nil {
		t.Fatal(err)
	}
	got, err := s.Undelivered(ctx, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]int64{1, 3}, notificationIDs(got)); diff != "" || got[0].Attempts != 2 {
		t.Errorf("Undelivered(0, 0) ids (-want +got):\n%s; attempts of 1 = %d, want 2", diff, got[0].Attempts)
	}
	if got, _ := s.Undelivered(ctx, 0, 1); len(got) != 1 || got[0].ID != 1 {
		t.Errorf("Undelivered(0, 1) = %+v, want the oldest only", got)
	}
	delivered, _ := s.Notifications(ctx, "b", 0)
	if len(delivered) != 1 || !delivered[0].Delivered.Equal(day3) {
		t.Errorf("Notifications(b) = %+v, want delivered at %v", delivered, day3)
	}
	if err := s.MarkDelivered(ctx, 99, day3); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("MarkDelivered(99) = %v, want ErrNotFound", err)
	}
	if err := s.MarkAttempt(ctx, 99); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("MarkAttempt(99) = %v, want ErrNotFound", err)
	}
}

// TestUndeliveredLeavesOutGivenUp: the notifications tried maxAttempts times or
// more (the sender gave up on them) are not read again; the others are, oldest
// first, whatever their attempts.
func TestUndeliveredLeavesOutGivenUp(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	// Notification i+1 is tried attempts[i] times; 5 is delivered after 1 attempt.
	attempts := []int{0, 3, 2, 4, 1, 7}
	var ns []store.Notification
	for i := range attempts {
		ns = append(ns, store.Notification{Profile: "p", Tender: fmt.Sprint("t", i), Rank: 1})
	}
	if _, err := s.AddNotifications(ctx, 1, day1, ns); err != nil {
		t.Fatal(err)
	}
	for i, n := range attempts {
		for range n {
			if err := s.MarkAttempt(ctx, int64(i+1)); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := s.MarkDelivered(ctx, 5, day2); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		maxAttempts, limit int
		want               []int64
	}{
		{3, 0, []int64{1, 3}},
		{4, 0, []int64{1, 2, 3}},
		{1, 0, []int64{1}},
		{5, 2, []int64{1, 2}},
		{0, 0, []int64{1, 2, 3, 4, 6}},  // no bound
		{-1, 0, []int64{1, 2, 3, 4, 6}}, // no bound
	}
	for _, tt := range tests {
		got, err := s.Undelivered(ctx, tt.maxAttempts, tt.limit)
		if err != nil {
			t.Fatalf("Undelivered(%d, %d) = %v", tt.maxAttempts, tt.limit, err)
		}
		if diff := cmp.Diff(tt.want, notificationIDs(got)); diff != "" {
			t.Errorf("Undelivered(%d, %d) ids (-want +got):\n%s", tt.maxAttempts, tt.limit, diff)
		}
		for _, n := range got {
			if tt.maxAttempts > 0 && n.Attempts >= tt.maxAttempts {
				t.Errorf("Undelivered(%d, %d) has notification %d tried %d times", tt.maxAttempts, tt.limit, n.ID, n.Attempts)
			}
		}
	}
}

func notificationIDs(ns []store.Notification) []int64 {
	ids := []int64{}
	for _, n := range ns {
		ids = append(ids, n.ID)
	}
	return ids
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
	if _, err := s.AddNotifications(ctx, 1, day1, []store.Notification{{Profile: "a", Tender: "t1", Rank: 1}, {Profile: "b", Tender: "t1", Rank: 2}}); err != nil {
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
