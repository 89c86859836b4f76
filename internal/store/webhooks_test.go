package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"samenspel/internal/store"
	"samenspel/internal/store/storetest"
)

// TestWebhooks: a partner has at most one webhook; setting it again replaces the
// url and the secret; deleting it leaves none; only existing profiles have one.
func TestWebhooks(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	if err := s.CreateProfile(ctx, storetest.Profile("buurtkamer")); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Webhook(ctx, "buurtkamer"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Webhook before any = %v, want ErrNotFound", err)
	}
	if err := s.PutWebhook(ctx, "buurtkamer", "https://a.example.org/hook", "whsec_one", day1); err != nil {
		t.Fatal(err)
	}
	if err := s.PutWebhook(ctx, "buurtkamer", "https://b.example.org/hook", "whsec_two", day2); err != nil {
		t.Fatal(err)
	}
	got, err := s.Webhook(ctx, "buurtkamer")
	want := store.Webhook{Profile: "buurtkamer", URL: "https://b.example.org/hook", Secret: "whsec_two", Created: day2.UTC()}
	if err != nil || !cmp.Equal(got, want) {
		t.Errorf("Webhook after two puts = %+v, %v; want %+v", got, err, want)
	}
	if err := s.PutWebhook(ctx, "nobody", "https://a.example.org/hook", "whsec_x", day1); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("PutWebhook(nobody) = %v, want ErrNotFound", err)
	}
	if err := s.PutWebhook(ctx, "buurtkamer", "https://a.example.org/hook", "", day1); err == nil {
		t.Errorf("PutWebhook without a secret = nil, want an error")
	}
	if err := s.DeleteWebhook(ctx, "buurtkamer"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Webhook(ctx, "buurtkamer"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Webhook after delete = %v, want ErrNotFound", err)
	}
	if err := s.DeleteWebhook(ctx, "buurtkamer"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("second DeleteWebhook = %v, want ErrNotFound", err)
	}
}

// TestDeleteProfileTakesItsWebhookAndNotifications: a partner registering a deleted
// profile's id later inherits neither its webhook nor its notifications.
func TestDeleteProfileTakesItsWebhookAndNotifications(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	if err := s.CreateProfile(ctx, storetest.Profile("weg")); err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 26, 2, 30, 0, 0, time.UTC)
	if err := s.PutWebhook(ctx, "weg", "https://weg.example.org/hook", "whsec_weg", now); err != nil {
		t.Fatal(err)
	}
	if _, err := s.AddNotifications(ctx, 1, now, []store.Notification{{Profile: "weg", Tender: "t", Rank: 1}}); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteProfile(ctx, "weg"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Webhook(ctx, "weg"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("webhook after the profile's deletion: %v, want ErrNotFound", err)
	}
	if ns, err := s.Notifications(ctx, "weg", 0); err != nil || len(ns) != 0 {
		t.Errorf("notifications after the profile's deletion = %v, %v; want none", ns, err)
	}
}
