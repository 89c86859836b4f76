package storetest

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"samenspel/internal/auth"
	"samenspel/internal/idempotency"
	"samenspel/internal/profiles"
)

// BumpStore is what the suite of change counters uses of a store: the writes of
// tenders, interests, registrations, tokens, stored suggestions, awards and ideas,
// and the counters (profiles.Versions).
type BumpStore interface {
	CreateProfileWithToken(ctx context.Context, p profiles.Profile, t auth.Token, answer *idempotency.Stored) error
	CreateTender(ctx context.Context, t profiles.Tender, owner string, now time.Time) error
	PutTender(ctx context.Context, t profiles.Tender, now time.Time) error
	UpdateTender(ctx context.Context, id string, match []string, now time.Time, change func(profiles.TenderRecord) (profiles.Tender, error)) (profiles.TenderRecord, error)
	CloseTender(ctx context.Context, id string, now time.Time) error
	AddInterest(ctx context.Context, tender, profile string, now time.Time) error
	CreateToken(ctx context.Context, t auth.Token) error
	RevokeToken(ctx context.Context, id string, now time.Time) (auth.Token, error)
	PutSuggestion(ctx context.Context, tender, digest string, run int64, body []byte, now time.Time) (bool, error)
	AwardTender(ctx context.Context, tender string, members []string, role, recorder string, now time.Time) (profiles.Award, bool, error)
	AddIdea(ctx context.Context, profile, text string, now time.Time) (profiles.Idea, error)
	Versions(ctx context.Context) (profiles.Versions, error)
}

// Bumps is the shared suite of the change counters that caches compare
// (profiles.Versions): a registration moves the profiles counter; every write that
// changes a tender or adds an expression of interest moves the tenders counter;
// a write that changes nothing (refused, or done before) moves none, and tokens,
// stored suggestions, awards and ideas move none (nothing cached depends on
// them). Award outcomes are the award suite's. open must return an empty store.
func Bumps(t *testing.T, open func(t *testing.T) BumpStore) {
	t.Run("Bumps", func(t *testing.T) { bumps(t, open(t)) })
}

func bumps(t *testing.T, s BumpStore) {
	ctx := context.Background()
	retitle := func(r profiles.TenderRecord) (profiles.Tender, error) { r.Tender.Title = "Nieuw"; return r.Tender, nil }
	admin := auth.Token{Hash: hash("ssp_admin"), Role: "admin", Name: "beheer", Created: day1}
	const none, profilesMove, tendersMove = 0, 1, 2
	steps := []struct {
		name  string
		write func() error
		moves int
	}{
		{"CreateProfileWithToken", func() error {
			return s.CreateProfileWithToken(ctx, Profile("a"), partnerToken("sa", "a"), nil)
		}, profilesMove},
		{"CreateTender", func() error { return s.CreateTender(ctx, Tender("t"), "o", day1) }, tendersMove},
		{"CreateTender of a taken id", func() error { return refused(s.CreateTender(ctx, Tender("t"), "o", day1), profiles.ErrConflict) }, none},
		{"PutTender", func() error { return s.PutTender(ctx, Tender("t"), day2) }, tendersMove},
		{"UpdateTender refused", func() error {
			_, err := s.UpdateTender(ctx, "t", []string{"stale"}, day2, retitle)
			return refused(err, profiles.ErrChanged)
		}, none},
		{"UpdateTender", func() error { _, err := s.UpdateTender(ctx, "t", nil, day2, retitle); return err }, tendersMove},
		{"AddInterest", func() error { return s.AddInterest(ctx, "t", "a", day2) }, tendersMove},
		{"AddInterest again", func() error { return s.AddInterest(ctx, "t", "a", day2) }, none},
		{"AddInterest of no profile", func() error { return refused(s.AddInterest(ctx, "t", "nobody", day2), profiles.ErrNotFound) }, none},
		{"CreateToken", func() error { return s.CreateToken(ctx, admin) }, none},
		{"RevokeToken", func() error { _, err := s.RevokeToken(ctx, admin.ID(), day2); return err }, none},
		{"PutSuggestion", func() error { _, err := s.PutSuggestion(ctx, "t", "d", 1, []byte(`{}`), day2); return err }, none},
		{"AwardTender", func() error {
			_, _, err := s.AwardTender(ctx, "t", []string{"a"}, "tender_owner", "o", day2)
			return err
		}, none},
		{"AddIdea", func() error { _, err := s.AddIdea(ctx, "a", "een idee", day2); return err }, none},
		{"CloseTender", func() error { return s.CloseTender(ctx, "t", day3) }, tendersMove},
		{"CloseTender again", func() error { return s.CloseTender(ctx, "t", day3) }, none},
		{"AddInterest in a closed tender", func() error { return refused(s.AddInterest(ctx, "t", "a", day3), profiles.ErrClosed) }, none},
	}
	before, err := s.Versions(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, step := range steps {
		if err := step.write(); err != nil {
			t.Fatalf("%s = %v", step.name, err)
		}
		after, err := s.Versions(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if moved := after.Profiles != before.Profiles; moved != (step.moves == profilesMove) {
			t.Errorf("%s: profiles counter %d → %d; want it moved: %v", step.name, before.Profiles, after.Profiles, step.moves == profilesMove)
		}
		if moved := after.Tenders != before.Tenders; moved != (step.moves == tendersMove) {
			t.Errorf("%s: tenders counter %d → %d; want it moved: %v", step.name, before.Tenders, after.Tenders, step.moves == tendersMove)
		}
		if after.Collaborations != before.Collaborations {
			t.Errorf("%s: collaborations counter %d → %d; want it as it was", step.name, before.Collaborations, after.Collaborations)
		}
		before = after
	}
}

// refused is nil when err is want (a write the store refused, as it should),
// else an error saying so.
func refused(err, want error) error {
	if errors.Is(err, want) {
		return nil
	}
	return fmt.Errorf("got %v, want %v", err, want)
}
