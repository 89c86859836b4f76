package storetest

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"samenspel/internal/profiles"
	"samenspel/internal/webhook"
)

// NotificationStore is what the notification suite uses of a store: the
// partners' notifications with their delivery, their webhooks, and the profiles
// both go with.
type NotificationStore interface {
	CreateProfile(ctx context.Context, p profiles.Profile) error
	DeleteProfile(ctx context.Context, id string) error
	AddNotifications(ctx context.Context, run int64, now time.Time, ns []webhook.Notification) (added int, err error)
	Notifications(ctx context.Context, profile string, limit int) ([]webhook.Notification, error)
	Undelivered(ctx context.Context, maxAttempts, limit int) ([]webhook.Notification, error)
	MarkDelivered(ctx context.Context, id int64, now time.Time) error
	MarkAttempt(ctx context.Context, id int64) error
	PutWebhook(ctx context.Context, profile, url, secret string, now time.Time) error
	Webhook(ctx context.Context, profile string) (webhook.Webhook, error)
	DeleteWebhook(ctx context.Context, profile string) error
}

// Notifications is the shared suite of the notifications and the webhooks: a
// partner is notified once per tender; the webhook sender's view of attempts and
// deliveries; a partner has at most one webhook; a deleted profile takes both
// with it. open is called once per subtest and must return an empty store.
func Notifications(t *testing.T, open func(t *testing.T) NotificationStore) {
	t.Run("FirstAppearanceOnly", func(t *testing.T) { notificationsFirstAppearanceOnly(t, open(t)) })
	t.Run("Delivery", func(t *testing.T) { notificationDelivery(t, open(t)) })
	t.Run("UndeliveredLeavesOutGivenUp", func(t *testing.T) { undeliveredLeavesOutGivenUp(t, open(t)) })
	t.Run("Webhooks", func(t *testing.T) { webhooks(t, open(t)) })
	t.Run("DeleteProfileTakesItsWebhookAndNotifications", func(t *testing.T) {
		deleteProfileTakesItsWebhookAndNotifications(t, open(t))
	})
}

// notificationsFirstAppearanceOnly: a partner is notified once per tender, by
// the run that first suggested it.
func notificationsFirstAppearanceOnly(t *testing.T, s NotificationStore) {
	ctx := context.Background()
	added, err := s.AddNotifications(ctx, 1, day1, []webhook.Notification{
		{Profile: "buurtkamer", Tender: "t1", Rank: 2},
		{Profile: "wijkteam", Tender: "t1", Rank: 1},
	})
	if err != nil || added != 2 {
		t.Fatalf("AddNotifications(run 1) = %d, %v; want 2", added, err)
	}
	added, err = s.AddNotifications(ctx, 2, day2, []webhook.Notification{
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
	want := []webhook.Notification{
		{Profile: "buurtkamer", Tender: "t2", Run: 2, Created: day2.UTC(), Rank: 4},
		{Profile: "buurtkamer", Tender: "t1", Run: 1, Created: day1, Rank: 2},
	}
	if diff := cmp.Diff(want, got, cmpopts.IgnoreFields(webhook.Notification{}, "ID")); diff != "" {
		t.Errorf("Notifications(buurtkamer) (-want +got):\n%s", diff)
	}
	if got, _ := s.Notifications(ctx, "buurtkamer", 1); len(got) != 1 || got[0].Tender != "t2" {
		t.Errorf("Notifications(buurtkamer, 1) = %+v, want the newest only", got)
	}
	if got, err := s.Notifications(ctx, "nobody", 10); err != nil || got == nil || len(got) != 0 {
		t.Errorf("Notifications(nobody) = %v, %v; want an empty list", got, err)
	}
}

// notificationDelivery: the webhook sender's view, attempts and delivery.
func notificationDelivery(t *testing.T, s NotificationStore) {
	ctx := context.Background()
	if _, err := s.AddNotifications(ctx, 1, day1, []webhook.Notification{
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
	if err := s.MarkDelivered(ctx, 99, day3); !errors.Is(err, webhook.ErrNotFound) {
		t.Errorf("MarkDelivered(99) = %v, want ErrNotFound", err)
	}
	if err := s.MarkAttempt(ctx, 99); !errors.Is(err, webhook.ErrNotFound) {
		t.Errorf("MarkAttempt(99) = %v, want ErrNotFound", err)
	}
}

// undeliveredLeavesOutGivenUp: the notifications tried maxAttempts times or
// more (the sender gave up on them) are not read again; the others are, oldest
// first, whatever their attempts.
func undeliveredLeavesOutGivenUp(t *testing.T, s NotificationStore) {
	ctx := context.Background()
	// Notification i+1 is tried attempts[i] times; 5 is delivered after 1 attempt.
	attempts := []int{0, 3, 2, 4, 1, 7}
	var ns []webhook.Notification
	for i := range attempts {
		ns = append(ns, webhook.Notification{Profile: "p", Tender: fmt.Sprint("t", i), Rank: 1})
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
func notificationIDs(ns []webhook.Notification) []int64 {
	ids := []int64{}
	for _, n := range ns {
		ids = append(ids, n.ID)
	}
	return ids
}

// webhooks: a partner has at most one webhook; setting it again replaces the
// url and the secret; deleting it leaves none; only existing profiles have one.
func webhooks(t *testing.T, s NotificationStore) {
	ctx := context.Background()
	if err := s.CreateProfile(ctx, Profile("buurtkamer")); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Webhook(ctx, "buurtkamer"); !errors.Is(err, webhook.ErrNotFound) {
		t.Errorf("Webhook before any = %v, want ErrNotFound", err)
	}
	if err := s.PutWebhook(ctx, "buurtkamer", "https://a.example.org/hook", "whsec_one", day1); err != nil {
		t.Fatal(err)
	}
	if err := s.PutWebhook(ctx, "buurtkamer", "https://b.example.org/hook", "whsec_two", day2); err != nil {
		t.Fatal(err)
	}
	got, err := s.Webhook(ctx, "buurtkamer")
	want := webhook.Webhook{Profile: "buurtkamer", URL: "https://b.example.org/hook", Secret: "whsec_two", Created: day2.UTC()}
	if err != nil || !cmp.Equal(got, want) {
		t.Errorf("Webhook after two puts = %+v, %v; want %+v", got, err, want)
	}
	if err := s.PutWebhook(ctx, "nobody", "https://a.example.org/hook", "whsec_x", day1); !errors.Is(err, profiles.ErrNotFound) {
		t.Errorf("PutWebhook(nobody) = %v, want ErrNotFound", err)
	}
	if err := s.PutWebhook(ctx, "buurtkamer", "https://a.example.org/hook", "", day1); err == nil {
		t.Errorf("PutWebhook without a secret = nil, want an error")
	}
	if err := s.DeleteWebhook(ctx, "buurtkamer"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Webhook(ctx, "buurtkamer"); !errors.Is(err, webhook.ErrNotFound) {
		t.Errorf("Webhook after delete = %v, want ErrNotFound", err)
	}
	if err := s.DeleteWebhook(ctx, "buurtkamer"); !errors.Is(err, webhook.ErrNotFound) {
		t.Errorf("second DeleteWebhook = %v, want ErrNotFound", err)
	}
}

// deleteProfileTakesItsWebhookAndNotifications: a partner registering a deleted
// profile's id later inherits neither its webhook nor its notifications.
func deleteProfileTakesItsWebhookAndNotifications(t *testing.T, s NotificationStore) {
	ctx := context.Background()
	if err := s.CreateProfile(ctx, Profile("weg")); err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 26, 2, 30, 0, 0, time.UTC)
	if err := s.PutWebhook(ctx, "weg", "https://weg.example.org/hook", "whsec_weg", now); err != nil {
		t.Fatal(err)
	}
	if _, err := s.AddNotifications(ctx, 1, now, []webhook.Notification{{Profile: "weg", Tender: "t", Rank: 1}}); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteProfile(ctx, "weg"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Webhook(ctx, "weg"); !errors.Is(err, webhook.ErrNotFound) {
		t.Errorf("webhook after the profile's deletion: %v, want ErrNotFound", err)
	}
	if ns, err := s.Notifications(ctx, "weg", 0); err != nil || len(ns) != 0 {
		t.Errorf("notifications after the profile's deletion = %v, %v; want none", ns, err)
	}
}
