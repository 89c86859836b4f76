package storetest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"samenspel/internal/idempotency"
	"samenspel/internal/profiles"
)

// The instants the suites write at: day1 has nanoseconds, which a store keeps
// (the times a caller passes come back as passed, in UTC); day2 is not in UTC.
var (
	day1 = time.Date(2026, 3, 1, 9, 30, 0, 123456789, time.UTC)
	day2 = time.Date(2026, 3, 2, 10, 0, 0, 0, time.FixedZone("CET", 3600))
	day3 = time.Date(2026, 3, 3, 11, 0, 0, 0, time.UTC)
)

// ignoreVersion leaves out a tender record's version, a digest tested on its own
// (tenderIfMatch).
var ignoreVersion = cmpopts.IgnoreFields(profiles.TenderRecord{}, "Version")

// isErr reports whether err is want, or nil when want is.
func isErr(err, want error) bool {
	if want == nil {
		return err == nil
	}
	return errors.Is(err, want)
}

// TenderStore is what the tender suite uses of a store: the tenders, their
// conditional writes and the expressions of interest in them.
type TenderStore interface {
	CreateProfile(ctx context.Context, p profiles.Profile) error
	CreateTender(ctx context.Context, t profiles.Tender, owner string, now time.Time) error
	CreateTenderOnce(ctx context.Context, t profiles.Tender, owner string, now time.Time, key string, expires time.Time) (string, error)
	GetTender(ctx context.Context, id string) (profiles.TenderRecord, error)
	Tenders(ctx context.Context) ([]profiles.TenderRecord, error)
	PutTender(ctx context.Context, t profiles.Tender, now time.Time) error
	UpdateTender(ctx context.Context, id string, match []string, now time.Time, change func(profiles.TenderRecord) (profiles.Tender, error)) (profiles.TenderRecord, error)
	CloseTender(ctx context.Context, id string, now time.Time) error
	AddInterest(ctx context.Context, tender, profile string, now time.Time) error
	Interests(ctx context.Context, tender string) ([]string, error)
}

// Tenders is the shared suite of the tenders: a tender's life (created, replaced,
// closed, never deleted) with its owner and times as the caller passed them, the
// errors of each write, the list by id, the If-Match versions, and the
// expressions of interest. open is called once per subtest and must return an
// empty store.
func Tenders(t *testing.T, open func(t *testing.T) TenderStore) {
	t.Run("Lifecycle", func(t *testing.T) { tenderLifecycle(t, open(t)) })
	t.Run("Errors", func(t *testing.T) { tenderErrors(t, open(t)) })
	t.Run("ByID", func(t *testing.T) { tendersByID(t, open(t)) })
	t.Run("IfMatch", func(t *testing.T) { tenderIfMatch(t, open(t)) })
	t.Run("IfMatchRace", func(t *testing.T) { tenderIfMatchRace(t, open(t)) })
	t.Run("Interests", func(t *testing.T) { interests(t, open(t)) })
	t.Run("FormKeys", func(t *testing.T) { tenderFormKeys(t, open(t)) })
	t.Run("FormKeysAtOnce", func(t *testing.T) { tenderFormKeysAtOnce(t, open(t)) })
}

func tenderLifecycle(t *testing.T, s TenderStore) {
	ctx := context.Background()
	tn := Tender("eenzaamheid-overvecht-2027")
	if err := s.CreateTender(ctx, tn, "gemeente-utrecht", day1); err != nil {
		t.Fatalf("CreateTender() = %v", err)
	}
	want := profiles.TenderRecord{Tender: tn, Owner: "gemeente-utrecht", Created: day1, Updated: day1}
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
	want = profiles.TenderRecord{Tender: changed, Owner: "gemeente-utrecht", Created: day1, Updated: day2}
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

func tenderErrors(t *testing.T, s TenderStore) {
	ctx := context.Background()
	if err := s.CreateTender(ctx, Tender("t"), "o", day1); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		op   func() error
		want error
	}{
		{"create existing", func() error { return s.CreateTender(ctx, Tender("t"), "other", day2) }, profiles.ErrConflict},
		{"get missing", func() error { _, err := s.GetTender(ctx, "u"); return err }, profiles.ErrNotFound},
		{"put missing", func() error { return s.PutTender(ctx, Tender("u"), day2) }, profiles.ErrNotFound},
		{"close missing", func() error { return s.CloseTender(ctx, "u", day2) }, profiles.ErrNotFound},
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

func tendersByID(t *testing.T, s TenderStore) {
	ctx := context.Background()
	if got, err := s.Tenders(ctx); err != nil || got == nil || len(got) != 0 {
		t.Errorf("Tenders() of an empty store = %#v, %v; want an empty, non-nil list", got, err)
	}
	for _, id := range []string{"c", "a", "b"} {
		if err := s.CreateTender(ctx, Tender(id), "owner-"+id, day1); err != nil {
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
	want := []profiles.TenderRecord{
		{Tender: Tender("a"), Owner: "owner-a", Created: day1, Updated: day1},
		{Tender: Tender("b"), Owner: "owner-b", Closed: true, Created: day1, Updated: day2},
		{Tender: Tender("c"), Owner: "owner-c", Created: day1, Updated: day1},
	}
	if diff := cmp.Diff(want, got, equateEmpty, ignoreVersion); diff != "" {
		t.Errorf("Tenders() (-want +got):\n%s", diff)
	}
}

// tenderIfMatch: a conditional write goes through while the stored version is
// the one named, and is refused with ErrChanged once another write came in
// between; closing changes the version.
func tenderIfMatch(t *testing.T, s TenderStore) {
	ctx := context.Background()
	day := time.Date(2026, 11, 2, 10, 0, 0, 0, time.UTC)
	if err := s.CreateTender(ctx, Tender("t1"), "owner", day); err != nil {
		t.Fatal(err)
	}
	rec, err := s.GetTender(ctx, "t1")
	if err != nil || len(rec.Version) != 32 {
		t.Fatalf("GetTender() = %+v, %v; want a 32-digit version", rec, err)
	}
	retitle := func(title string) func(profiles.TenderRecord) (profiles.Tender, error) {
		return func(r profiles.TenderRecord) (profiles.Tender, error) {
			r.Tender.Title = title
			return r.Tender, nil
		}
	}
	next, err := s.UpdateTender(ctx, "t1", []string{rec.Version}, day.Add(time.Minute), retitle("Nieuw"))
	if err != nil || next.Version == rec.Version || next.Tender.Title != "Nieuw" || next.Owner != "owner" || !next.Created.Equal(day) {
		t.Fatalf("UpdateTender(matching) = %+v, %v", next, err)
	}
	if got, _ := s.GetTender(ctx, "t1"); got.Version != next.Version {
		t.Errorf("GetTender().Version = %s, UpdateTender said %s", got.Version, next.Version)
	}
	if _, err := s.UpdateTender(ctx, "t1", []string{rec.Version}, day.Add(2*time.Minute), retitle("Later")); !errors.Is(err, profiles.ErrChanged) {
		t.Errorf("UpdateTender(stale) = %v, want ErrChanged", err)
	}
	if err := s.CloseTender(ctx, "t1", day.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.GetTender(ctx, "t1"); got.Version == next.Version {
		t.Errorf("closing the tender did not change its version")
	}
	if _, err := s.UpdateTender(ctx, "nope", nil, day, retitle("x")); !errors.Is(err, profiles.ErrNotFound) {
		t.Errorf("UpdateTender(missing) = %v, want ErrNotFound", err)
	}
}

// tenderIfMatchRace: of conditional writes at once that name the same version,
// exactly one goes through; every other is refused with ErrChanged (another
// replica's write came in between), and the stored tender is the winner's.
func tenderIfMatchRace(t *testing.T, s TenderStore) {
	ctx := context.Background()
	if err := s.CreateTender(ctx, Tender("t"), "owner", day1); err != nil {
		t.Fatal(err)
	}
	rec, err := s.GetTender(ctx, "t")
	if err != nil {
		t.Fatal(err)
	}
	const writers = 8
	errs := make([]error, writers)
	var wg sync.WaitGroup
	for i := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = s.UpdateTender(ctx, "t", []string{rec.Version}, day2, func(r profiles.TenderRecord) (profiles.Tender, error) {
				r.Tender.Title = fmt.Sprint("writer ", i)
				time.Sleep(20 * time.Millisecond) // the others read meanwhile, where they can
				return r.Tender, nil
			})
		}()
	}
	wg.Wait()
	winner := -1
	for i, err := range errs {
		switch {
		case err == nil && winner >= 0:
			t.Errorf("writers %d and %d both wrote with the version %s", winner, i, rec.Version)
		case err == nil:
			winner = i
		case !errors.Is(err, profiles.ErrChanged):
			t.Errorf("writer %d: UpdateTender() = %v, want nil or ErrChanged", i, err)
		}
	}
	if winner < 0 {
		t.Fatal("no conditional write went through")
	}
	if got, _ := s.GetTender(ctx, "t"); got.Tender.Title != fmt.Sprint("writer ", winner) {
		t.Errorf("stored title %q, want the winner's (writer %d)", got.Tender.Title, winner)
	}
}

func interests(t *testing.T, s TenderStore) {
	ctx := context.Background()
	for _, id := range []string{"c", "a", "b"} {
		if err := s.CreateProfile(ctx, Profile(id)); err != nil {
			t.Fatal(err)
		}
	}
	for _, id := range []string{"t", "u", "closed"} {
		if err := s.CreateTender(ctx, Tender(id), "o", day1); err != nil {
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
		{"t", "missing", profiles.ErrNotFound},
		{"missing", "a", profiles.ErrNotFound},
		{"closed", "a", profiles.ErrClosed}, // a closed tender takes no interest
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
	if _, err := s.Interests(ctx, "missing"); !errors.Is(err, profiles.ErrNotFound) {
		t.Errorf("Interests(missing) = %v, want ErrNotFound", err)
	}
}

// tenderFormKeys: a tender form's key makes one tender until it expires: the same
// key again creates nothing and names the tender it made, before any id it tries
// is found taken; another key with a taken id is a conflict; once the key
// expired it is free again.
func tenderFormKeys(t *testing.T, s TenderStore) {
	ctx := context.Background()
	expires := day1.Add(24 * time.Hour)
	if id, err := s.CreateTenderOnce(ctx, Tender("a"), "o", day1, "k1", expires); id != "a" || err != nil {
		t.Fatalf("CreateTenderOnce(a, k1) = %q, %v; want a", id, err)
	}
	if rec, err := s.GetTender(ctx, "a"); err != nil || rec.Owner != "o" || !rec.Created.Equal(day1) {
		t.Errorf("GetTender(a) = %+v, %v; want it stored for o at day1", rec, err)
	}
	for _, id := range []string{"a", "a-2"} {
		kept, err := s.CreateTenderOnce(ctx, Tender(id), "o", day1.Add(time.Hour), "k1", expires.Add(time.Hour))
		if kept != "a" || !errors.Is(err, idempotency.ErrKeyUsed) {
			t.Errorf("CreateTenderOnce(%s, k1) again = %q, %v; want a, ErrKeyUsed", id, kept, err)
		}
	}
	if _, err := s.GetTender(ctx, "a-2"); !errors.Is(err, profiles.ErrNotFound) {
		t.Errorf("a second sending of k1 stored a tender (%v)", err)
	}
	if _, err := s.CreateTenderOnce(ctx, Tender("a"), "o", day1, "k2", expires); !errors.Is(err, profiles.ErrConflict) {
		t.Errorf("CreateTenderOnce(a, k2) = %v, want ErrConflict: the id is taken", err)
	}
	// k1 expires at day1 + 24h: then it may make a tender again.
	if kept, err := s.CreateTenderOnce(ctx, Tender("b"), "o", expires.Add(-time.Nanosecond), "k1", expires.Add(24*time.Hour)); kept != "a" || !errors.Is(err, idempotency.ErrKeyUsed) {
		t.Errorf("CreateTenderOnce(b, k1) just before k1 expires = %q, %v; want a, ErrKeyUsed", kept, err)
	}
	if id, err := s.CreateTenderOnce(ctx, Tender("b"), "o", expires, "k1", expires.Add(24*time.Hour)); id != "b" || err != nil {
		t.Errorf("CreateTenderOnce(b, k1) once k1 expired = %q, %v; want b", id, err)
	}
	recs, err := s.Tenders(ctx)
	if err != nil || len(recs) != 2 {
		t.Errorf("Tenders = %d, %v; want a and b", len(recs), err)
	}
}

// tenderFormKeysAtOnce: one form sent eight times at once, each sending trying
// the next id when its id is taken (as the form does): one tender, and every
// sending names it.
func tenderFormKeysAtOnce(t *testing.T, s TenderStore) {
	ctx := context.Background()
	const n = 8
	got := make([]string, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for try := 1; try <= n+1; try++ {
				id := "c"
				if try > 1 {
					id = fmt.Sprintf("c-%d", try)
				}
				kept, err := s.CreateTenderOnce(ctx, Tender(id), "o", day1, "k", day1.Add(24*time.Hour))
				if errors.Is(err, profiles.ErrConflict) {
					continue
				}
				if err != nil && !errors.Is(err, idempotency.ErrKeyUsed) {
					t.Errorf("sending %d: %v", i, err)
				}
				got[i] = kept
				return
			}
		}()
	}
	wg.Wait()
	recs, err := s.Tenders(ctx)
	if err != nil || len(recs) != 1 || recs[0].Tender.ID != "c" {
		t.Fatalf("Tenders after %d sendings at once = %+v, %v; want c alone", n, recs, err)
	}
	for i, id := range got {
		if id != "c" {
			t.Errorf("sending %d names %q, want c", i, id)
		}
	}
}
