package postgres_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"samenspel/internal/auth"
	"samenspel/internal/postgres"
	"samenspel/internal/profiles"
	"samenspel/internal/store"
	"samenspel/internal/store/storetest"
	"samenspel/internal/webhook"
)

// embeddedWithEverything is an embedded store filled through its public methods
// with a few records of every kind that migrate copies, in every state: a stale
// profile, an updated and a closed tender, interests, tokens that expire and are
// revoked, an award with its outcome and one without, events counted, claimed,
// confirmed and disputed, ideas, a webhook, and notifications delivered and
// not. Its times carry nanoseconds.
func embeddedWithEverything(t *testing.T) *store.Store {
	t.Helper()
	ctx := context.Background()
	now := time.Date(2026, 11, 2, 9, 30, 15, 123456789, time.UTC)
	c := &clock{t: now.AddDate(-1, -1, 0)}
	src, err := store.Open(ctx, t.TempDir(), taxonomy(t), store.WithClock(c.now))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { src.Close() })
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(src.CreateProfile(ctx, storetest.Profile("c"))) // written 13 months ago: stale below
	c.set(now)
	must(src.CreateProfile(ctx, storetest.Profile("a")))
	b := storetest.Profile("b")
	b.Size, b.NewProvider = profiles.SizeLarge, false
	must(src.CreateProfile(ctx, b))
	if _, err := src.MarkStale(ctx, profiles.StaleBefore(now), now.Add(time.Second)); err != nil {
		t.Fatal(err)
	}

	owner := auth.Token{Hash: hash("owner"), Role: "tender_owner", Name: "Gemeente Utrecht", Created: now}
	must(src.CreateToken(ctx, owner))
	must(src.CreateToken(ctx, auth.Token{Hash: hash("partner"), Role: "partner", Name: "Buurtkamer a", Profile: "a",
		Created: now.Add(time.Minute), Expires: now.AddDate(0, 6, 0)}))
	must(src.CreateToken(ctx, auth.Token{Hash: hash("admin"), Role: "admin", Name: "beheer", Created: now.Add(2 * time.Minute)}))
	if _, err := src.RevokeToken(ctx, auth.TokenID(hash("admin")), now.Add(3*time.Minute)); err != nil {
		t.Fatal(err)
	}

	must(src.CreateTender(ctx, storetest.Tender("t1"), owner.ID(), now))
	t1 := storetest.Tender("t1")
	t1.Title = "Minder eenzaamheid in Overvecht en Zuilen"
	must(src.PutTender(ctx, t1, now.Add(time.Hour)))
	must(src.CreateTender(ctx, storetest.Tender("t2"), "examples", now))
	must(src.AddInterest(ctx, "t1", "a", now.Add(2*time.Hour)))
	must(src.AddInterest(ctx, "t1", "b", now.Add(3*time.Hour)))
	must(src.CloseTender(ctx, "t2", now.Add(4*time.Hour)))

	must(src.AddCollaborations(ctx, []profiles.Collaboration{{A: "a", B: "b", Outcome: profiles.OutcomePositive, At: "2025-06-01"}}))
	claim, err := src.RecordCollaboration(ctx, profiles.CollaborationRecord{
		Collaboration: profiles.Collaboration{A: "a", B: "c", Outcome: profiles.OutcomePositive, At: "2026-10-01"},
		State:         profiles.CollaborationClaim, RecorderRole: "partner", Recorder: "a", Recorded: now.Add(5 * time.Hour)})
	must(err)
	_, err = src.ConfirmCollaboration(ctx, claim.ID, now.Add(6*time.Hour))
	must(err)
	disputed, err := src.RecordCollaboration(ctx, profiles.CollaborationRecord{
		Collaboration: profiles.Collaboration{A: "b", B: "c", Outcome: profiles.OutcomeNegative, At: "2026-10-02"},
		State:         profiles.CollaborationClaim, RecorderRole: "partner", Recorder: "b", Recorded: now.Add(7 * time.Hour)})
	must(err)
	_, err = src.DisputeCollaboration(ctx, disputed.ID, now.Add(8*time.Hour))
	must(err)
	_, err = src.RecordCollaboration(ctx, profiles.CollaborationRecord{
		Collaboration: profiles.Collaboration{A: "c", B: "a", Outcome: profiles.OutcomePositive, At: "2026-10-03"},
		State:         profiles.CollaborationClaim, RecorderRole: "partner", Recorder: "c", Recorded: now.Add(9 * time.Hour)})
	must(err)

	_, _, err = src.AwardTender(ctx, "t1", []string{"a", "b"}, "tender_owner", owner.ID(), now.Add(10*time.Hour))
	must(err)
	_, err = src.RecordAwardOutcome(ctx, "t1", profiles.OutcomePositive, "2026-11-01", "tender_owner", owner.ID(), now.Add(11*time.Hour))
	must(err)
	_, _, err = src.AwardTender(ctx, "t2", []string{"c", "a"}, "admin", "tok_0000000000000000", now.Add(12*time.Hour))
	must(err)

	for i, text := range []string{"Een buurtmaaltijd met de sportclub", "Taalles bij de koffie\nmet een tweede regel"} {
		_, err := src.AddIdea(ctx, "a", text, now.Add(time.Duration(13+i)*time.Hour))
		must(err)
	}
	must(src.PutWebhook(ctx, "a", "https://buurtkamer.example.org/hook", "geheim-1234", now.Add(15*time.Hour)))
	if _, err := src.AddNotifications(ctx, 7, now.Add(16*time.Hour), []webhook.Notification{
		{Profile: "a", Tender: "t1", Rank: 1}, {Profile: "b", Tender: "t1", Rank: 2}}); err != nil {
		t.Fatal(err)
	}
	ns, err := src.Notifications(ctx, "a", 0)
	must(err)
	must(src.MarkAttempt(ctx, ns[0].ID))
	must(src.MarkDelivered(ctx, ns[0].ID, now.Add(17*time.Hour)))
	return src
}

// hash is a token hash made of a name (any 64 hex digits will do).
func hash(name string) string { return profiles.IdeaDigest(name) }

// copyStore copies src into dst as `matcher migrate` does (a batch of two of
// each kind, to cross batches) and returns what each kind's import did.
func copyStore(t *testing.T, src *store.Store, dst *postgres.Store) map[string]postgres.Imported {
	t.Helper()
	ctx := context.Background()
	out := map[string]postgres.Imported{}
	err := src.Export(ctx, func(x *store.Export) error {
		return errorsOf(
			copyIn(ctx, out, "profiles", x.Profiles, dst.ImportProfiles),
			copyIn(ctx, out, "tenders", x.Tenders, dst.ImportTenders),
			copyIn(ctx, out, "interests", x.Interests, dst.ImportInterests),
			copyIn(ctx, out, "tokens", x.Tokens, dst.ImportTokens),
			copyIn(ctx, out, "awards", x.Awards, dst.ImportAwards),
			copyIn(ctx, out, "collaborations", x.Collaborations, dst.ImportCollaborations),
			copyIn(ctx, out, "ideas", x.Ideas, dst.ImportIdeas),
			copyIn(ctx, out, "webhooks", x.Webhooks, dst.ImportWebhooks),
			copyIn(ctx, out, "notifications", x.Notifications, dst.ImportNotifications),
		)
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// errorsOf is the first error of steps that ran in order (each returns a func so
// that a step after a failed one does not run).
func errorsOf(steps ...func() error) error {
	for _, s := range steps {
		if err := s(); err != nil {
			return err
		}
	}
	return nil
}

func copyIn[T any](ctx context.Context, out map[string]postgres.Imported, kind string,
	export func(context.Context, func(T) error) error, write func(context.Context, []T) (postgres.Imported, error)) func() error {
	return func() error {
		var batch []T
		flush := func() error {
			if len(batch) == 0 {
				return nil
			}
			got, err := write(ctx, batch)
			out[kind] = out[kind].Add(got)
			batch = nil
			return err
		}
		err := export(ctx, func(r T) error {
			if batch = append(batch, r); len(batch) == 2 {
				return flush()
			}
			return nil
		})
		if err != nil {
			return err
		}
		return flush()
	}
}

// compareStores fails t for every field that dst holds otherwise than src, read
// through each store's public methods.
func compareStores(t *testing.T, src *store.Store, dst *postgres.Store) {
	t.Helper()
	ctx := context.Background()
	opts := cmp.Options{cmpopts.EquateEmpty()}
	same := func(what string, want, got any, errs ...error) {
		t.Helper()
		for _, err := range errs {
			if err != nil {
				t.Fatalf("%s: %v", what, err)
			}
		}
		if d := cmp.Diff(want, got, opts); d != "" {
			t.Errorf("%s differs after the copy (-embedded +postgres):\n%s", what, d)
		}
	}
	ps, err := src.Profiles(ctx)
	if err != nil {
		t.Fatal(err)
	}
	gotPs, err := dst.Profiles(ctx)
	same("profiles", ps, gotPs, err)
	for _, p := range ps {
		want, err1 := src.GetProfileRecord(ctx, p.ID)
		got, err2 := dst.GetProfileRecord(ctx, p.ID)
		// PostgreSQL keeps microseconds of a profile's two times, and a profile's
		// version is a digest of them: it is the embedded store's only for times
		// without nanoseconds.
		want.Updated, want.StaleSince = want.Updated.Truncate(time.Microsecond), want.StaleSince.Truncate(time.Microsecond)
		want.Version, got.Version = "", ""
		same("profile record "+p.ID, want, got, err1, err2)
		wantC, err1 := src.CollaborationsOf(ctx, p.ID, 0)
		gotC, err2 := dst.CollaborationsOf(ctx, p.ID, 0)
		same("collaborations of "+p.ID, wantC, gotC, err1, err2)
		wantI, n1, err1 := src.Ideas(ctx, p.ID, 0, 0)
		gotI, n2, err2 := dst.Ideas(ctx, p.ID, 0, 0)
		same("ideas of "+p.ID, wantI, gotI, err1, err2)
		same("number of ideas of "+p.ID, n1, n2)
		wantW, err1 := src.Webhook(ctx, p.ID)
		gotW, err2 := dst.Webhook(ctx, p.ID)
		if err1 != nil {
			err1, err2 = nil, nil // no webhook in either: compared as zero
		}
		same("webhook of "+p.ID, wantW, gotW, err1, err2)
		wantN, err1 := src.Notifications(ctx, p.ID, 0)
		gotN, err2 := dst.Notifications(ctx, p.ID, 0)
		same("notifications of "+p.ID, wantN, gotN, err1, err2)
	}
	ts, err1 := src.Tenders(ctx)
	gotTs, err2 := dst.Tenders(ctx)
	same("tenders (versions included)", ts, gotTs, err1, err2)
	for _, tn := range ts {
		want, err1 := src.Interests(ctx, tn.Tender.ID)
		got, err2 := dst.Interests(ctx, tn.Tender.ID)
		same("interests in "+tn.Tender.ID, want, got, err1, err2)
	}
	wantTok, n1, err1 := src.Tokens(ctx, 0, 0)
	gotTok, n2, err2 := dst.Tokens(ctx, 0, 0)
	same("tokens", wantTok, gotTok, err1, err2)
	same("number of tokens", n1, n2)
	wantA, err1 := src.Awards(ctx)
	gotA, err2 := dst.Awards(ctx)
	same("awards", wantA, gotA, err1, err2)
	wantE, err1 := src.Collaborations(ctx)
	gotE, err2 := dst.Collaborations(ctx)
	same("counted collaborations", wantE, gotE, err1, err2)
}

// TestImportRoundTrip: what migrate copies from an embedded store reads back from
// the PostgreSQL store field for field (the profiles whole, the tenders with
// their versions, events with their ids and states, tokens with their
// lifetimes, awards, ideas whose receipts still verify, webhooks); a second copy
// changes nothing, and a record changed in PostgreSQL is put back as the
// embedded store has it.
func TestImportRoundTrip(t *testing.T) {
	ctx := context.Background()
	src := embeddedWithEverything(t)
	_, dst := database(t)

	first := copyStore(t, src, dst)
	want := map[string]postgres.Imported{
		"profiles": {Added: 3}, "tenders": {Added: 2}, "interests": {Added: 2}, "tokens": {Added: 3},
		"awards": {Added: 2}, "collaborations": {Added: 5}, "ideas": {Added: 2}, "webhooks": {Added: 1},
		"notifications": {Added: 2},
	}
	if d := cmp.Diff(want, first); d != "" {
		t.Errorf("first copy (-want +got):\n%s", d)
	}
	compareStores(t, src, dst)

	ideas, _, err := src.Ideas(ctx, "a", 0, 0)
	if err != nil || len(ideas) != 2 {
		t.Fatalf("embedded ideas: %v %v", ideas, err)
	}
	for _, receipt := range ideas {
		got, err := dst.IdeaByReceipt(ctx, receipt.ID)
		if err != nil {
			t.Fatalf("receipt %s after the copy: %v", receipt.ID, err)
		}
		if got.SHA256 != receipt.SHA256 || profiles.IdeaDigest(got.Text) != receipt.SHA256 || !got.Created.Equal(receipt.Created) {
			t.Errorf("receipt %s after the copy: %+v; the partner's receipt says %s at %v", receipt.ID, got, receipt.SHA256, receipt.Created)
		}
	}
	if p, err := dst.GetProfile(ctx, "c"); err != nil || !p.Stale {
		t.Errorf("stale profile c after the copy: stale %v (%v), want stale", p.Stale, err)
	}

	versions, err := dst.Versions(ctx)
	if err != nil {
		t.Fatal(err)
	}
	second := copyStore(t, src, dst)
	for kind, n := range want {
		if got := second[kind]; got != (postgres.Imported{Unchanged: n.Added}) {
			t.Errorf("second copy of %s: %+v, want all %d unchanged", kind, got, n.Added)
		}
	}
	if again, err := dst.Versions(ctx); err != nil || again != versions {
		t.Errorf("versions after a second copy: %+v (%v), were %+v: it wrote something", again, err, versions)
	}
	compareStores(t, src, dst)

	// Records changed in PostgreSQL are put back as the embedded store has them.
	now := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	if _, err := dst.RevokeToken(ctx, auth.TokenID(hash("owner")), now); err != nil {
		t.Fatal(err)
	}
	if err := dst.PutTender(ctx, storetest.Tender("t1"), now); err != nil {
		t.Fatal(err)
	}
	if err := dst.ConfirmProfile(ctx, "c", now); err != nil {
		t.Fatal(err)
	}
	third := copyStore(t, src, dst)
	for _, kind := range []string{"tokens", "tenders", "profiles"} {
		if third[kind].Replaced != 1 {
			t.Errorf("third copy of %s: %+v, want the one changed in PostgreSQL replaced", kind, third[kind])
		}
	}
	compareStores(t, src, dst)

	// An event recorded after the copy gets an id above the copied ones.
	events, err := src.CollaborationsOf(ctx, "a", 0)
	if err != nil {
		t.Fatal(err)
	}
	r, err := dst.RecordCollaboration(ctx, profiles.CollaborationRecord{
		Collaboration: profiles.Collaboration{A: "a", B: "b", Outcome: profiles.OutcomePositive, At: "2026-11-20"},
		State:         profiles.CollaborationCounted, RecorderRole: "admin", Recorder: "tok_1", Recorded: now})
	if err != nil {
		t.Fatal(err)
	}
	if r.ID <= events[0].ID {
		t.Errorf("event recorded after the copy has id %d, the copied ones up to %d", r.ID, events[0].ID)
	}
	// A partner told of a tender before the copy is not told again; one told of
	// another gets a notification with an id above the copied ones.
	added, err := dst.AddNotifications(ctx, 8, now, []webhook.Notification{{Profile: "a", Tender: "t1", Rank: 1}, {Profile: "c", Tender: "t1", Rank: 3}})
	if err != nil || added != 1 {
		t.Errorf("AddNotifications after the copy added %d (%v), want only c's", added, err)
	}
	if ns, err := dst.Notifications(ctx, "c", 0); err != nil || len(ns) != 1 || ns[0].ID <= 2 {
		t.Errorf("c's notification after the copy: %+v (%v), want one with an id above 2", ns, err)
	}
}

// TestImportRefusesWhatItCannotKeep: a tender whose version would change, a
// token that is no hash and an interest in a tender that is not there are
// refused, and nothing of their batch is written.
func TestImportRefusesWhatItCannotKeep(t *testing.T) {
	ctx := context.Background()
	_, dst := database(t)
	now := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	if _, err := dst.ImportTenders(ctx, []profiles.StoredTender{{
		TenderRecord: profiles.TenderRecord{Tender: storetest.Tender("t1"), Owner: "x", Created: now, Updated: now, Version: "0123"},
		Doc:          []byte(`{"id":"t1"}`)}}); err == nil {
		t.Error("a tender whose version would change was imported")
	}
	if _, err := dst.ImportTokens(ctx, []auth.Token{{Hash: "secret", Role: "admin", Created: now}}); err == nil {
		t.Error("a token whose hash is no SHA-256 was imported")
	}
	if err := dst.CreateProfile(ctx, storetest.Profile("a")); err != nil {
		t.Fatal(err)
	}
	_, err := dst.ImportInterests(ctx, []profiles.Interest{{Tender: "nope", Profile: "a", Created: now}})
	if err == nil {
		t.Error("an interest in a tender that is not there was imported")
	}
	if ts, err := dst.Tenders(ctx); err != nil || len(ts) != 0 {
		t.Errorf("tenders after refused imports: %v %v", ts, err)
	}
}

// TestImportCompletesAnInterruptedCopy: a copy that fails in the middle leaves
// whole batches (the events of a failed batch are not half there), and the next
// copy completes it.
func TestImportCompletesAnInterruptedCopy(t *testing.T) {
	ctx := context.Background()
	src := embeddedWithEverything(t)
	_, dst := database(t)
	boom := errors.New("killed")
	err := src.Export(ctx, func(x *store.Export) error {
		out := map[string]postgres.Imported{}
		batches := 0
		failing := func(ctx context.Context, rs []profiles.CollaborationRecord) (postgres.Imported, error) {
			if batches++; batches == 2 {
				ctx, cancel := context.WithCancel(ctx)
				cancel() // the second batch dies before its commit
				return dst.ImportCollaborations(ctx, rs)
			}
			return dst.ImportCollaborations(ctx, rs)
		}
		return errorsOf(
			copyIn(ctx, out, "profiles", x.Profiles, dst.ImportProfiles),
			copyIn(ctx, out, "collaborations", x.Collaborations, failing),
			func() error { return boom },
		)
	})
	if err == nil {
		t.Fatal("the interrupted copy reported no error")
	}
	events, err := dst.CollaborationsOf(ctx, "a", 0)
	if err != nil {
		t.Fatal(err)
	}
	all, err := src.CollaborationsOf(ctx, "a", 0)
	if err != nil {
		t.Fatal(err)
	}
	// The first batch (events 1 and 2) is there; of the second none is.
	for _, e := range events {
		if e.ID > 2 {
			t.Errorf("event %d of the failed batch is in PostgreSQL", e.ID)
		}
	}
	if len(events) == 0 || len(events) == len(all) {
		t.Errorf("after the interrupted copy PostgreSQL holds %d of a's %d events, want the first batch's", len(events), len(all))
	}
	copyStore(t, src, dst)
	compareStores(t, src, dst)
}
