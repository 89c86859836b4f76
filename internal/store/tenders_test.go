package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"samenspel/internal/profiles"
	"samenspel/internal/store"
	"samenspel/internal/store/storetest"
)

var (
	day1 = time.Date(2026, 3, 1, 9, 30, 0, 123456789, time.UTC)
	day2 = time.Date(2026, 3, 2, 10, 0, 0, 0, time.FixedZone("CET", 3600))
	day3 = time.Date(2026, 3, 3, 11, 0, 0, 0, time.UTC)
)

// ignoreVersion leaves out a tender record's version, a digest tested on its own
// (TestUpdateTenderIfMatch).
var ignoreVersion = cmpopts.IgnoreFields(store.TenderRecord{}, "Version")

func TestTenderLifecycle(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	tn := storetest.Tender("eenzaamheid-overvecht-2027")
	if err := s.CreateTender(ctx, tn, "gemeente-utrecht", day1); err != nil {
		t.Fatalf("CreateTender() = %v", err)
	}
	want := store.TenderRecord{Tender: tn, Owner: "gemeente-utrecht", Created: day1, Updated: day1}
	got, err := s.GetTender(ctx, tn.ID)
	if err != nil {
		t.Fatalf("GetTender() = %v", err)
	}
	if diff := cmp.Diff(want, got, equateEmpty, ignoreVersion); diff != "" {
		t.Errorf("GetTender() after create (-want +got):\n%s", diff)
	}

	changed := tn
	changed.Title = "Samen tegen eenzaamheid"
	changed.Budget = nil
	changed.MaxLarge = nil
	if err := s.PutTender(ctx, changed, day2); err != nil {
		t.Fatalf("PutTender() = %v", err)
	}
	want = store.TenderRecord{Tender: changed, Owner: "gemeente-utrecht", Created: day1, Updated: day2}
	got, err = s.GetTender(ctx, tn.ID)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got, equateEmpty, ignoreVersion); diff != "" {
		t.Errorf("GetTender() after put (-want +got):\n%s", diff)
	}

	if err := s.CloseTender(ctx, tn.ID, day3); err != nil {
		t.Fatalf("CloseTender() = %v", err)
	}
	if err := s.CloseTender(ctx, tn.ID, day3.Add(time.Hour)); err != nil {
		t.Errorf("CloseTender() of a closed tender = %v, want nil", err)
	}
	want.Closed, want.Updated = true, day3
	got, err = s.GetTender(ctx, tn.ID)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got, equateEmpty, ignoreVersion); diff != "" {
		t.Errorf("GetTender() after close (-want +got):\n%s", diff)
	}
	if loc := got.Created.Location(); loc != time.UTC {
		t.Errorf("GetTender().Created in %v, want UTC", loc)
	}
}

func TestTenderErrors(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	if err := s.CreateTender(ctx, storetest.Tender("t"), "o", day1); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		op   func() error
		want error
	}{
		{"create existing", func() error { return s.CreateTender(ctx, storetest.Tender("t"), "other", day2) }, store.ErrConflict},
		{"get missing", func() error { _, err := s.GetTender(ctx, "u"); return err }, store.ErrNotFound},
		{"put missing", func() error { return s.PutTender(ctx, storetest.Tender("u"), day2) }, store.ErrNotFound},
		{"close missing", func() error { return s.CloseTender(ctx, "u", day2) }, store.ErrNotFound},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if err := tc.op(); !isErr(err, tc.want) {
				t.Errorf("%s = %v, want %v", tc.name, err, tc.want)
			}
		})
	}
	got, err := s.GetTender(ctx, "t")
	if err != nil || got.Owner != "o" {
		t.Errorf("GetTender(t) after a refused create = %+v, %v; want the first owner kept", got, err)
	}
}

func TestTendersByID(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	if got, err := s.Tenders(ctx); err != nil || got == nil || len(got) != 0 {
		t.Errorf("Tenders() of an empty store = %#v, %v; want an empty, non-nil list", got, err)
	}
	for _, id := range []string{"c", "a", "b"} {
		if err := s.CreateTender(ctx, storetest.Tender(id), "owner-"+id, day1); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.CloseTender(ctx, "b", day2); err != nil {
		t.Fatal(err)
	}
	got, err := s.Tenders(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := []store.TenderRecord{
		{Tender: storetest.Tender("a"), Owner: "owner-a", Created: day1, Updated: day1},
		{Tender: storetest.Tender("b"), Owner: "owner-b", Closed: true, Created: day1, Updated: day2},
		{Tender: storetest.Tender("c"), Owner: "owner-c", Created: day1, Updated: day1},
	}
	if diff := cmp.Diff(want, got, equateEmpty, ignoreVersion); diff != "" {
		t.Errorf("Tenders() (-want +got):\n%s", diff)
	}
}

func TestInterests(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	for _, id := range []string{"c", "a", "b"} {
		if err := s.CreateProfile(ctx, storetest.Profile(id)); err != nil {
			t.Fatal(err)
		}
	}
	for _, id := range []string{"t", "u", "closed"} {
		if err := s.CreateTender(ctx, storetest.Tender(id), "o", day1); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.CloseTender(ctx, "closed", day1); err != nil {
		t.Fatal(err)
	}
	if got, err := s.Interests(ctx, "t"); err != nil || got == nil || len(got) != 0 {
		t.Errorf("Interests(t) with none = %#v, %v; want an empty, non-nil list", got, err)
	}
	adds := []struct {
		tender, profile string
		want            error
	}{
		{"t", "c", nil},
		{"t", "a", nil},
		{"t", "c", nil}, // again: idempotent
		{"u", "b", nil},
		{"t", "missing", store.ErrNotFound},
		{"missing", "a", store.ErrNotFound},
		{"closed", "a", store.ErrClosed}, // a closed tender takes no interest
	}
	for _, a := range adds {
		if err := s.AddInterest(ctx, a.tender, a.profile, day2); !isErr(err, a.want) {
			t.Errorf("AddInterest(%q, %q) = %v, want %v", a.tender, a.profile, err, a.want)
		}
	}
	for tender, want := range map[string][]string{"t": {"a", "c"}, "u": {"b"}, "closed": {}} {
		got, err := s.Interests(ctx, tender)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("Interests(%q) (-want +got):\n%s", tender, diff)
		}
	}
	if _, err := s.Interests(ctx, "missing"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Interests(missing) = %v, want ErrNotFound", err)
	}
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
