package store_test

import (
	"context"
	"errors"
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
	got, err := s.Undelivered(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	ids := []int64{}
	for _, n := range got {
		ids = append(ids, n.ID)
	}
	if diff := cmp.Diff([]int64{1, 3}, ids); diff != "" || got[0].Attempts != 2 {
		t.Errorf("Undelivered() ids (-want +got):\n%s; attempts of 1 = %d, want 2", diff, got[0].Attempts)
	}
	if got, _ := s.Undelivered(ctx, 1); len(got) != 1 || got[0].ID != 1 {
		t.Errorf("Undelivered(1) = %+v, want the oldest only", got)
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
