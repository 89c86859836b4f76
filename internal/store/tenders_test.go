package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"samenspel/internal/profiles"
	"samenspel/internal/store/storetest"
)

var (
	day1 = time.Date(2026, 3, 1, 9, 30, 0, 123456789, time.UTC)
	day2 = time.Date(2026, 3, 2, 10, 0, 0, 0, time.FixedZone("CET", 3600))
	day3 = time.Date(2026, 3, 3, 11, 0, 0, 0, time.UTC)
)

// TestTenders: the embedded store passes the shared suite of the tenders and
// their expressions of interest.
func TestTenders(t *testing.T) {
	storetest.Tenders(t, func(t *testing.T) storetest.TenderStore { return newStore(t) })
}

func TestCollaborationsKeepOrder(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	if got, err := s.Collaborations(ctx); err != nil || got == nil || len(got) != 0 {
		t.Errorf("Collaborations() of an empty store = %#v, %v; want an empty, non-nil list", got, err)
	}
	// Later dates first and the same event twice: the store keeps input order; the
	// trust computation (SPEC §4) sorts by date itself, ties in this order.
	first := profiles.Collaboration{A: "b", B: "a", Outcome: profiles.OutcomeNegative, At: "2026-05-01"}
	batch := []profiles.Collaboration{
		{A: "a", B: "c", Outcome: profiles.OutcomePositive, At: "2026-01-01"},
		{A: "a", B: "b", Outcome: profiles.OutcomePositive, At: "2026-05-01"},
		{A: "a", B: "b", Outcome: profiles.OutcomePositive, At: "2026-05-01"},
	}
	last := profiles.Collaboration{A: "c", B: "a", Outcome: profiles.OutcomePositive, At: "2025-12-31"}
	if err := s.AddCollaboration(ctx, first); err != nil {
		t.Fatal(err)
	}
	if err := s.AddCollaborations(ctx, batch); err != nil {
		t.Fatal(err)
	}
	if err := s.AddCollaborations(ctx, nil); err != nil {
		t.Fatal(err)
	}
	if err := s.AddCollaboration(ctx, last); err != nil {
		t.Fatal(err)
	}
	got, err := s.Collaborations(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := append(append([]profiles.Collaboration{first}, batch...), last)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Collaborations() (-want +got):\n%s", diff)
	}
}

// TestBumps: the embedded store's writes of tenders, interests, registrations,
// tokens, suggestions, awards and ideas move the change counters the shared suite
// says.
func TestBumps(t *testing.T) {
	storetest.Bumps(t, func(t *testing.T) storetest.BumpStore { return newStore(t) })
}
