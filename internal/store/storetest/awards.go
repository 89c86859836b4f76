package storetest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"samenspel/internal/profiles"
)

// AwardStore is what the award suite uses of a store: the awards of tenders and
// their outcomes, with the profiles and tenders they name, the collaboration
// events beside them (recorded as the API records one: a counted event or a
// claim) and the change counters.
type AwardStore interface {
	CreateProfile(ctx context.Context, p profiles.Profile) error
	DeleteProfile(ctx context.Context, id string) error
	CreateTender(ctx context.Context, t profiles.Tender, owner string, now time.Time) error
	AwardTender(ctx context.Context, tender string, members []string, role, recorder string, now time.Time) (profiles.Award, bool, error)
	Award(ctx context.Context, tender string) (profiles.Award, error)
	Awards(ctx context.Context) ([]profiles.Award, error)
	RecordAwardOutcome(ctx context.Context, tender, outcome, at, role, recorder string, now time.Time) (profiles.AwardOutcome, error)
	RecordCollaboration(ctx context.Context, r profiles.CollaborationRecord) (profiles.CollaborationRecord, error)
	Collaborations(ctx context.Context) ([]profiles.Collaboration, error)
	Versions(ctx context.Context) (profiles.Versions, error)
}

// Awards is the shared suite of the awards: an award keeps its members in order,
// each once, with whether each was small or new, and is replaced until its
// outcome; the outcome records one counted event per pair (skipping and naming
// the pairs it cannot), moves trust's version when it recorded one, and makes
// the award final. open is called once per subtest and must return an empty
// store.
func Awards(t *testing.T, open func(t *testing.T) AwardStore) {
	t.Run("AwardTender", func(t *testing.T) { awardTender(t, awardFixture(t, open(t))) })
	t.Run("Outcome", func(t *testing.T) { awardOutcome(t, awardFixture(t, open(t))) })
	t.Run("OutcomeWithoutEvents", func(t *testing.T) { awardOutcomeWithoutEvents(t, awardFixture(t, open(t))) })
}

var awardedAt = time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)

// recordedAt is when the suite's collaboration events were recorded.
var recordedAt = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

// awardClaim is a claim a partner records.
func awardClaim(a, b, outcome, at string) profiles.CollaborationRecord {
	return profiles.CollaborationRecord{
		Collaboration: profiles.Collaboration{A: a, B: b, Outcome: outcome, At: at},
		State:         profiles.CollaborationClaim, RecorderRole: "partner", Recorder: a, Recorded: recordedAt,
	}
}

// awardCounted is an event an admin records.
func awardCounted(a, b, outcome, at string) profiles.CollaborationRecord {
	return profiles.CollaborationRecord{
		Collaboration: profiles.Collaboration{A: a, B: b, Outcome: outcome, At: at},
		State:         profiles.CollaborationCounted, RecorderRole: "admin", Recorder: "tok_0123456789abcdef", Recorded: recordedAt,
	}
}

// awardFixture is s with tender t and partners a (small), b (large, not new), c
// (large, new provider) and d (medium).
func awardFixture(t *testing.T, s AwardStore) AwardStore {
	t.Helper()
	ctx := context.Background()
	mk := func(id, size string, isNew bool) profiles.Profile {
		p := Profile(id)
		p.Size, p.NewProvider = size, isNew
		return p
	}
	for _, p := range []profiles.Profile{mk("a", profiles.SizeSmall, false), mk("b", profiles.SizeLarge, false),
		mk("c", profiles.SizeLarge, true), mk("d", profiles.SizeMedium, false)} {
		if err := s.CreateProfile(ctx, p); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.CreateTender(ctx, Tender("t"), "tok_owner", awardedAt); err != nil {
		t.Fatal(err)
	}
	return s
}

// awardTender: an award keeps its members in order, each once, with whether
// each was small or new; it is replaced until its outcome; a member that is no
// profile, or a tender that does not exist, writes nothing.
func awardTender(t *testing.T, s AwardStore) {
	ctx := context.Background()
	a, replaced, err := s.AwardTender(ctx, "t", []string{"b", "a", "b", "c"}, "tender_owner", "tok_owner", awardedAt)
	if err != nil {
		t.Fatalf("AwardTender() = %v", err)
	}
	want := profiles.Award{Tender: "t", RecorderRole: "tender_owner", Recorder: "tok_owner", Awarded: awardedAt,
		Members: []profiles.AwardMember{{Profile: "b"}, {Profile: "a", SmallOrNew: true}, {Profile: "c", SmallOrNew: true}}}
	if diff := cmp.Diff(want, a); diff != "" || replaced {
		t.Errorf("AwardTender(b, a, b, c) replaced %v (-want +got):\n%s", replaced, diff)
	}
	if got, err := s.Award(ctx, "t"); err != nil || !cmp.Equal(got, want) {
		t.Errorf("Award(t) = %+v, %v; want %+v", got, err, want)
	}

	// Names that are no profile: a MissingProfilesError naming them, nothing written.
	_, _, err = s.AwardTender(ctx, "t", []string{"x", "d", "y"}, "admin", "tok_admin", awardedAt.Add(time.Hour))
	var missing *profiles.MissingProfilesError
	if !errors.As(err, &missing) || !cmp.Equal(missing.IDs, []string{"x", "y"}) || !errors.Is(err, profiles.ErrNotFound) {
		t.Errorf("AwardTender(x, d, y) = %v; want a MissingProfilesError of x, y that is ErrNotFound", err)
	}
	if got, _ := s.Award(ctx, "t"); !cmp.Equal(got, want) {
		t.Errorf("a refused award changed the award: %+v", got)
	}
	if _, _, err := s.AwardTender(ctx, "nope", []string{"a"}, "admin", "tok_admin", awardedAt); !errors.Is(err, profiles.ErrNotFound) || errors.As(err, &missing) {
		t.Errorf("AwardTender(no tender) = %v, want ErrNotFound", err)
	}
	if _, _, err := s.AwardTender(ctx, "t", nil, "admin", "tok_admin", awardedAt); err == nil {
		t.Error("AwardTender(no members) = nil, want an error")
	}

	// Before its outcome an award is replaced whole.
	later := awardedAt.Add(time.Hour)
	a, replaced, err = s.AwardTender(ctx, "t", []string{"d"}, "admin", "tok_admin", later)
	want = profiles.Award{Tender: "t", RecorderRole: "admin", Recorder: "tok_admin", Awarded: later, Members: []profiles.AwardMember{{Profile: "d"}}}
	if err != nil || !replaced || !cmp.Equal(a, want) {
		t.Errorf("AwardTender(d) again = %+v, %v, %v; want %+v, replaced", a, replaced, err, want)
	}
	if got, _ := s.Award(ctx, "t"); !cmp.Equal(got, want) {
		t.Errorf("Award(t) after replacing = %+v, want %+v", got, want)
	}
	if _, err := s.Award(ctx, "none"); !errors.Is(err, profiles.ErrNotFound) {
		t.Errorf("Award(no tender) = %v, want ErrNotFound", err)
	}
	if err := s.CreateTender(ctx, Tender("u"), "tok_owner", awardedAt); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Award(ctx, "u"); !errors.Is(err, profiles.ErrNotFound) {
		t.Errorf("Award(tender without award) = %v, want ErrNotFound", err)
	}
	if _, _, err := s.AwardTender(ctx, "u", []string{"a", "b"}, "admin", "tok_admin", awardedAt); err != nil {
		t.Fatal(err)
	}
	all, err := s.Awards(ctx)
	if err != nil || len(all) != 2 || all[0].Tender != "t" || all[1].Tender != "u" || len(all[1].Members) != 2 {
		t.Errorf("Awards() = %+v, %v; want t's and u's, by tender", all, err)
	}
}

// awardOutcome: an outcome records one counted event per pair of members, by
// the owner, skipping (and naming) the pairs that have a counted event that day
// or whose profile is gone; trust's version moves when an event was recorded;
// the award is final from then on.
func awardOutcome(t *testing.T, s AwardStore) {
	ctx := context.Background()
	if _, err := s.RecordAwardOutcome(ctx, "t", profiles.OutcomePositive, "2026-03-01", "admin", "tok_admin", awardedAt); !errors.Is(err, profiles.ErrNoAward) {
		t.Errorf("RecordAwardOutcome(no award) = %v, want ErrNoAward", err)
	}
	if _, err := s.RecordAwardOutcome(ctx, "nope", profiles.OutcomePositive, "2026-03-01", "admin", "tok_admin", awardedAt); !errors.Is(err, profiles.ErrNotFound) {
		t.Errorf("RecordAwardOutcome(no tender) = %v, want ErrNotFound", err)
	}
	if _, _, err := s.AwardTender(ctx, "t", []string{"a", "b", "c", "d"}, "tender_owner", "tok_owner", awardedAt); err != nil {
		t.Fatal(err)
	}
	if _, err := s.RecordAwardOutcome(ctx, "t", "great", "2026-03-01", "admin", "tok_admin", awardedAt); err == nil {
		t.Error("RecordAwardOutcome(great) = nil, want an error")
	}
	// a–b has a counted event that day; a–c only a claim, which does not block;
	// d's profile is deleted.
	if _, err := s.RecordCollaboration(ctx, awardCounted("b", "a", profiles.OutcomeNegative, "2026-03-01")); err != nil {
		t.Fatal(err)
	}
	if _, err := s.RecordCollaboration(ctx, awardClaim("a", "c", profiles.OutcomeNegative, "2026-03-01")); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteProfile(ctx, "d"); err != nil {
		t.Fatal(err)
	}
	v0 := countedVersion(t, s)
	before, _ := s.Collaborations(ctx)
	recorded := awardedAt.Add(24 * time.Hour)
	out, err := s.RecordAwardOutcome(ctx, "t", profiles.OutcomePositive, "2026-03-01", "tender_owner", "tok_owner", recorded)
	if err != nil {
		t.Fatalf("RecordAwardOutcome() = %v", err)
	}
	ev := func(a, b string) profiles.Collaboration {
		return profiles.Collaboration{A: a, B: b, Outcome: profiles.OutcomePositive, At: "2026-03-01"}
	}
	var gotEvents []profiles.Collaboration
	for _, r := range out.Events {
		if r.ID == 0 || r.State != profiles.CollaborationCounted || r.RecorderRole != "tender_owner" || r.Recorder != "tok_owner" || !r.Recorded.Equal(recorded) {
			t.Errorf("outcome's event %+v; want an id, counted, recorded by tok_owner at %v", r, recorded)
		}
		gotEvents = append(gotEvents, r.Collaboration)
	}
	if diff := cmp.Diff([]profiles.Collaboration{ev("a", "c"), ev("b", "c")}, gotEvents); diff != "" {
		t.Errorf("outcome's events (-want +got):\n%s", diff)
	}
	wantSkipped := []profiles.SkippedPair{{A: "a", B: "b", Reason: profiles.SkipDayTaken}, {A: "a", B: "d", Reason: profiles.SkipNoProfile},
		{A: "b", B: "d", Reason: profiles.SkipNoProfile}, {A: "c", B: "d", Reason: profiles.SkipNoProfile}}
	if diff := cmp.Diff(wantSkipped, out.Skipped); diff != "" {
		t.Errorf("outcome's skipped pairs (-want +got):\n%s", diff)
	}
	if a := out.Award; a.Outcome != profiles.OutcomePositive || a.OutcomeAt != "2026-03-01" || !a.OutcomeRecorded.Equal(recorded) || a.OutcomeEvents != 2 || a.OutcomeSkipped != 4 {
		t.Errorf("award after its outcome = %+v", a)
	}
	if got, _ := s.Award(ctx, "t"); !cmp.Equal(got, out.Award) {
		t.Errorf("Award(t) = %+v, want the outcome's %+v", got, out.Award)
	}
	if after, _ := s.Collaborations(ctx); len(after) != len(before)+2 || after[len(after)-1] != ev("b", "c") {
		t.Errorf("counted events after the outcome = %v; want the 2 new ones after %v", after, before)
	}
	if v := countedVersion(t, s); v == v0 {
		t.Error("an outcome that recorded events left the collaborations version as it was: caches would keep the old trust")
	}

	// Final: neither a new award nor a second outcome.
	if _, _, err := s.AwardTender(ctx, "t", []string{"a"}, "admin", "tok_admin", recorded); !errors.Is(err, profiles.ErrAwardFinal) {
		t.Errorf("AwardTender after the outcome = %v, want ErrAwardFinal", err)
	}
	if _, err := s.RecordAwardOutcome(ctx, "t", profiles.OutcomeNegative, "2026-03-02", "admin", "tok_admin", recorded); !errors.Is(err, profiles.ErrAwardFinal) {
		t.Errorf("a second outcome = %v, want ErrAwardFinal", err)
	}
}

// awardOutcomeWithoutEvents: an outcome whose pairs are all skipped, or of a
// coalition of one, records the outcome and moves no version.
func awardOutcomeWithoutEvents(t *testing.T, s AwardStore) {
	ctx := context.Background()
	if err := s.CreateTender(ctx, Tender("u"), "tok_owner", awardedAt); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.AwardTender(ctx, "t", []string{"a"}, "admin", "tok_admin", awardedAt); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.AwardTender(ctx, "u", []string{"a", "b"}, "admin", "tok_admin", awardedAt); err != nil {
		t.Fatal(err)
	}
	if _, err := s.RecordCollaboration(ctx, awardCounted("a", "b", profiles.OutcomePositive, "2026-02-01")); err != nil {
		t.Fatal(err)
	}
	v0 := countedVersion(t, s)
	for tender, skipped := range map[string]int{"t": 0, "u": 1} {
		out, err := s.RecordAwardOutcome(ctx, tender, profiles.OutcomeNegative, "2026-02-01", "admin", "tok_admin", awardedAt)
		if err != nil || len(out.Events) != 0 || len(out.Skipped) != skipped || out.Award.Outcome != profiles.OutcomeNegative {
			t.Errorf("RecordAwardOutcome(%s) = %+v, %v; want the outcome, no event, %d skipped", tender, out, err, skipped)
		}
	}
	if v := countedVersion(t, s); v != v0 {
		t.Errorf("outcomes without events moved the collaborations version %d → %d", v0, v)
	}
}
