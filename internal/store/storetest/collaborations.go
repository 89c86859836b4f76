package storetest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"samenspel/internal/profiles"
)

// CollaborationStore is what the collaboration suite uses of a store: the
// collaboration events with their states (SPEC §4) and the change counters.
type CollaborationStore interface {
	AddCollaboration(ctx context.Context, c profiles.Collaboration) error
	RecordCollaboration(ctx context.Context, r profiles.CollaborationRecord) (profiles.CollaborationRecord, error)
	GetCollaboration(ctx context.Context, id int64) (profiles.CollaborationRecord, error)
	ConfirmCollaboration(ctx context.Context, id int64, now time.Time) (profiles.CollaborationRecord, error)
	DisputeCollaboration(ctx context.Context, id int64, now time.Time) (profiles.CollaborationRecord, error)
	CollaborationsOf(ctx context.Context, profile string, limit int) ([]profiles.CollaborationRecord, error)
	Collaborations(ctx context.Context) ([]profiles.Collaboration, error)
	Versions(ctx context.Context) (profiles.Versions, error)
}

// Collaborations is the shared suite of the collaboration events: a partner's
// claim counts once the other confirms it, never when disputed; a pair has at
// most one counted event a day; a partner sees the events about it. open is
// called once per subtest and must return an empty store.
func Collaborations(t *testing.T, open func(t *testing.T) CollaborationStore) {
	t.Run("ClaimCountsOnceConfirmed", func(t *testing.T) { claimCountsOnceConfirmed(t, open(t)) })
	t.Run("OneCountedEventPerPairAndDay", func(t *testing.T) { oneCountedEventPerPairAndDay(t, open(t)) })
	t.Run("CollaborationsOf", func(t *testing.T) { collaborationsOf(t, open(t)) })
}

// countedVersion is the collaborations counter of s (profiles.Versions).
func countedVersion(t *testing.T, s interface {
	Versions(ctx context.Context) (profiles.Versions, error)
}) int64 {
	t.Helper()
	v, err := s.Versions(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return v.Collaborations
}

// claimCountsOnceConfirmed: a partner's claim is no counted event (SPEC §4)
// until the other partner confirms it; a confirmed claim is counted from then on, a
// disputed one never; neither can be settled twice.
func claimCountsOnceConfirmed(t *testing.T, s CollaborationStore) {
	ctx := context.Background()
	v0 := countedVersion(t, s)
	c, err := s.RecordCollaboration(ctx, awardClaim("a", "b", profiles.OutcomePositive, "2026-03-01"))
	if err != nil {
		t.Fatal(err)
	}
	if c.ID == 0 || c.State != profiles.CollaborationClaim {
		t.Errorf("RecordCollaboration(claim) = %+v; want an id and state claim", c)
	}
	if got, _ := s.Collaborations(ctx); len(got) != 0 {
		t.Errorf("Collaborations() with one claim = %v; want none counted", got)
	}
	if v := countedVersion(t, s); v != v0 {
		t.Errorf("a claim moved the collaborations version %d → %d; it moves no trust", v0, v)
	}
	got, err := s.GetCollaboration(ctx, c.ID)
	if err != nil || !cmp.Equal(got, c) {
		t.Errorf("GetCollaboration(%d) = %+v, %v; want %+v", c.ID, got, err, c)
	}

	confirmedAt := recordedAt.Add(time.Hour)
	conf, err := s.ConfirmCollaboration(ctx, c.ID, confirmedAt)
	if err != nil || conf.State != profiles.CollaborationCounted || !conf.Settled.Equal(confirmedAt) {
		t.Fatalf("ConfirmCollaboration(%d) = %+v, %v; want counted, settled at %v", c.ID, conf, err, confirmedAt)
	}
	if got, _ := s.Collaborations(ctx); !cmp.Equal(got, []profiles.Collaboration{c.Collaboration}) {
		t.Errorf("Collaborations() after confirming = %v; want the confirmed event", got)
	}
	if v := countedVersion(t, s); v == v0 {
		t.Errorf("confirming left the collaborations version at %d; trust moved", v)
	}
	if _, err := s.ConfirmCollaboration(ctx, c.ID, confirmedAt); !errors.Is(err, profiles.ErrNotClaim) {
		t.Errorf("ConfirmCollaboration of a counted event = %v, want ErrNotClaim", err)
	}
	if _, err := s.DisputeCollaboration(ctx, c.ID, confirmedAt); !errors.Is(err, profiles.ErrNotClaim) {
		t.Errorf("DisputeCollaboration of a counted event = %v, want ErrNotClaim", err)
	}

	d, err := s.RecordCollaboration(ctx, awardClaim("b", "c", profiles.OutcomeNegative, "2026-03-01"))
	if err != nil {
		t.Fatal(err)
	}
	v1 := countedVersion(t, s)
	if d, err = s.DisputeCollaboration(ctx, d.ID, confirmedAt); err != nil || d.State != profiles.CollaborationDisputed {
		t.Fatalf("DisputeCollaboration = %+v, %v; want disputed", d, err)
	}
	if _, err := s.ConfirmCollaboration(ctx, d.ID, confirmedAt); !errors.Is(err, profiles.ErrNotClaim) {
		t.Errorf("ConfirmCollaboration of a disputed event = %v, want ErrNotClaim", err)
	}
	if got, _ := s.Collaborations(ctx); len(got) != 1 {
		t.Errorf("Collaborations() with a disputed claim = %v; want the one confirmed only", got)
	}
	if v := countedVersion(t, s); v != v1 {
		t.Errorf("a dispute moved the collaborations version %d → %d", v1, v)
	}
	for name, f := range map[string]func(context.Context, int64, time.Time) (profiles.CollaborationRecord, error){
		"ConfirmCollaboration": s.ConfirmCollaboration, "DisputeCollaboration": s.DisputeCollaboration,
	} {
		if _, err := f(ctx, 999, confirmedAt); !errors.Is(err, profiles.ErrNotFound) {
			t.Errorf("%s(999) = %v, want ErrNotFound", name, err)
		}
	}
	if _, err := s.GetCollaboration(ctx, 999); !errors.Is(err, profiles.ErrNotFound) {
		t.Errorf("GetCollaboration(999) = %v, want ErrNotFound", err)
	}
}

// oneCountedEventPerPairAndDay: a pair has at most one counted event a day,
// whichever order it is named in; a claim for a day that has a counted event or an
// open claim is refused, a disputed claim blocks nothing, and a claim confirmed
// on a day that got a counted event meanwhile is refused.
func oneCountedEventPerPairAndDay(t *testing.T, s CollaborationStore) {
	ctx := context.Background()
	record := func(r profiles.CollaborationRecord) (profiles.CollaborationRecord, error) {
		t.Helper()
		return s.RecordCollaboration(ctx, r)
	}
	pos := profiles.OutcomePositive
	if _, err := record(awardCounted("a", "b", pos, "2026-03-01")); err != nil {
		t.Fatal(err)
	}
	for _, r := range []profiles.CollaborationRecord{
		awardCounted("b", "a", pos, "2026-03-01"),
		awardClaim("a", "b", pos, "2026-03-01"),
		awardClaim("b", "a", profiles.OutcomeNegative, "2026-03-01"),
	} {
		if _, err := record(r); !errors.Is(err, profiles.ErrDayTaken) {
			t.Errorf("RecordCollaboration(%s %s–%s %s) on a day with a counted event = %v, want ErrDayTaken", r.State, r.A, r.B, r.At, err)
		}
	}
	for _, r := range []profiles.CollaborationRecord{awardCounted("a", "b", pos, "2026-03-02"), awardCounted("a", "c", pos, "2026-03-01")} {
		if _, err := record(r); err != nil {
			t.Errorf("RecordCollaboration(%s–%s %s) = %v; another day or pair is free", r.A, r.B, r.At, err)
		}
	}

	open, err := record(awardClaim("c", "d", pos, "2026-03-01"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := record(awardClaim("d", "c", pos, "2026-03-01")); !errors.Is(err, profiles.ErrDayTaken) {
		t.Errorf("a second open claim for a pair and day = %v, want ErrDayTaken", err)
	}
	if _, err := record(awardCounted("c", "d", pos, "2026-03-01")); err != nil {
		t.Errorf("a counted event on a day with an open claim = %v, want it recorded", err)
	}
	if _, err := s.ConfirmCollaboration(ctx, open.ID, recordedAt); !errors.Is(err, profiles.ErrDayTaken) {
		t.Errorf("confirming a claim whose day has a counted event = %v, want ErrDayTaken", err)
	}
	if got, _ := s.GetCollaboration(ctx, open.ID); got.State != profiles.CollaborationClaim {
		t.Errorf("the refused confirmation left state %q, want claim", got.State)
	}

	d, err := record(awardClaim("e", "f", pos, "2026-03-01"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.DisputeCollaboration(ctx, d.ID, recordedAt); err != nil {
		t.Fatal(err)
	}
	if _, err := record(awardClaim("f", "e", pos, "2026-03-01")); err != nil {
		t.Errorf("a claim on a day whose only claim was disputed = %v, want it recorded", err)
	}
}

// collaborationsOf: the events about a partner in both directions and every
// state, newest first; the tools' events count and have no recorder.
func collaborationsOf(t *testing.T, s CollaborationStore) {
	ctx := context.Background()
	if err := s.AddCollaboration(ctx, profiles.Collaboration{A: "b", B: "a", Outcome: profiles.OutcomePositive, At: "2025-01-01"}); err != nil {
		t.Fatal(err)
	}
	c1, err := s.RecordCollaboration(ctx, awardClaim("a", "b", profiles.OutcomePositive, "2026-03-01"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.RecordCollaboration(ctx, awardCounted("c", "d", profiles.OutcomePositive, "2026-03-01")); err != nil {
		t.Fatal(err)
	}
	c3, err := s.RecordCollaboration(ctx, awardClaim("c", "a", profiles.OutcomeNegative, "2026-03-01"))
	if err != nil {
		t.Fatal(err)
	}
	got, err := s.CollaborationsOf(ctx, "a", 0)
	if err != nil {
		t.Fatal(err)
	}
	tool := profiles.CollaborationRecord{ID: 1, Collaboration: profiles.Collaboration{A: "b", B: "a", Outcome: profiles.OutcomePositive, At: "2025-01-01"}, State: profiles.CollaborationCounted}
	if diff := cmp.Diff([]profiles.CollaborationRecord{c3, c1, tool}, got); diff != "" {
		t.Errorf("CollaborationsOf(a) (-want +got):\n%s", diff)
	}
	if got, _ := s.CollaborationsOf(ctx, "a", 1); len(got) != 1 || got[0].ID != c3.ID {
		t.Errorf("CollaborationsOf(a, 1) = %+v; want the newest only", got)
	}
	if got, err := s.CollaborationsOf(ctx, "nobody", 0); err != nil || got == nil || len(got) != 0 {
		t.Errorf("CollaborationsOf(nobody) = %#v, %v; want an empty, non-nil list", got, err)
	}
}
