package store_test

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"samenspel/internal/profiles"
	"samenspel/internal/store"
	"samenspel/internal/store/storetest"
)

// hashOf is a token hash for tests: the SHA-256 of s, in hex.
func hashOf(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

func partnerToken(secret, profile string) store.Token {
	return store.Token{Hash: hashOf(secret), Role: "partner", Name: profile, Profile: profile, Created: time.Unix(0, 0).UTC()}
}

// TestCreateProfileWithToken: a registration stores the profile and its token
// together, or neither.
func TestCreateProfileWithToken(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	p := storetest.Profile("nieuw")
	if err := s.CreateProfileWithToken(ctx, p, partnerToken("s1", p.ID), nil); err != nil {
		t.Fatalf("CreateProfileWithToken() = %v", err)
	}
	if tok, err := s.TokenByHash(ctx, hashOf("s1")); err != nil || tok.Profile != p.ID {
		t.Errorf("TokenByHash() = %+v, %v; want the token of %s", tok, err, p.ID)
	}
	if got, err := s.GetProfile(ctx, p.ID); err != nil || !cmp.Equal(got, p, equateEmpty) {
		t.Errorf("GetProfile() = %+v, %v; want the profile", got, err)
	}

	// The id taken: neither the profile nor the token is written.
	if err := s.CreateProfileWithToken(ctx, p, partnerToken("s2", p.ID), nil); !errors.Is(err, store.ErrConflict) {
		t.Errorf("CreateProfileWithToken(taken id) = %v, want ErrConflict", err)
	}
	if _, err := s.TokenByHash(ctx, hashOf("s2")); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("the token of a refused registration was stored: %v", err)
	}
	// A token hash taken: the profile is not written either.
	q := storetest.Profile("tweede")
	if err := s.CreateProfileWithToken(ctx, q, partnerToken("s1", q.ID), nil); !errors.Is(err, store.ErrConflict) {
		t.Errorf("CreateProfileWithToken(taken hash) = %v, want ErrConflict", err)
	}
	if _, err := s.GetProfile(ctx, q.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("a profile whose token was refused was stored: %v", err)
	}
	// A token for another profile, or a secret instead of a hash, is refused.
	for name, tok := range map[string]store.Token{
		"another profile": partnerToken("s3", "iemand-anders"),
		"not a hash":      {Hash: "s3", Role: "partner", Profile: q.ID},
	} {
		if err := s.CreateProfileWithToken(ctx, q, tok, nil); err == nil {
			t.Errorf("CreateProfileWithToken(%s) = nil, want an error", name)
		}
		if _, err := s.GetProfile(ctx, q.ID); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("CreateProfileWithToken(%s) stored the profile", name)
		}
	}
}

// TestIdempotentAnswers: an answer is stored with its registration, found under its
// key until it expires, refused a second time, cleaned once expired, and goes
// with its profile.
func TestIdempotentAnswers(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s := open(t, dir)
	day := time.Date(2026, 11, 2, 10, 0, 0, 0, time.UTC)
	answer := func(key, profile string, at time.Time) *store.IdempotentAnswer {
		return &store.IdempotentAnswer{Key: key, Fingerprint: "fp-" + profile, Sealed: []byte("sealed " + profile),
			Created: at, Expires: at.Add(24 * time.Hour)}
	}
	a := storetest.Profile("a")
	if err := s.CreateProfileWithToken(ctx, a, partnerToken("sa", "a"), answer("k1", "a", day)); err != nil {
		t.Fatal(err)
	}
	got, err := s.IdempotentAnswer(ctx, "k1", day.Add(time.Hour))
	want := store.IdempotentAnswer{Key: "k1", Fingerprint: "fp-a", Sealed: []byte("sealed a"), Profile: "a", Created: day, Expires: day.Add(24 * time.Hour)}
	if err != nil || !cmp.Equal(got, want) {
		t.Errorf("IdempotentAnswer(k1) = %+v, %v; want %+v", got, err, want)
	}
	if _, err := s.IdempotentAnswer(ctx, "k2", day); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("IdempotentAnswer(unknown key) = %v, want ErrNotFound", err)
	}
	if _, err := s.IdempotentAnswer(ctx, "k1", day.Add(24*time.Hour)); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("IdempotentAnswer(k1) a day later = %v, want ErrNotFound", err)
	}

	// The key used again within the day: nothing is stored.
	b := storetest.Profile("b")
	if err := s.CreateProfileWithToken(ctx, b, partnerToken("sb", "b"), answer("k1", "b", day.Add(time.Hour))); !errors.Is(err, store.ErrKeyUsed) {
		t.Errorf("CreateProfileWithToken(used key) = %v, want ErrKeyUsed", err)
	}
	if _, err := s.GetProfile(ctx, "b"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("a registration with a used key stored its profile: %v", err)
	}
	// After a day the key is free again, and the expired answer is cleaned.
	later := day.Add(25 * time.Hour)
	if err := s.CreateProfileWithToken(ctx, b, partnerToken("sb", "b"), answer("k2", "b", later)); err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("sqlite", filepath.Join(dir, "samenspel.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int
	if err := db.QueryRow(`SELECT count(*) FROM idempotent_answers WHERE key = 'k1'`).Scan(&n); err != nil || n != 0 {
		t.Errorf("the expired answer k1 is still stored (%d rows, %v)", n, err)
	}
	// A profile's answer goes with it.
	if err := s.DeleteProfile(ctx, "b"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.IdempotentAnswer(ctx, "k2", later); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("IdempotentAnswer(k2) after its profile was deleted = %v, want ErrNotFound", err)
	}
}

// TestIdempotencyStepReplays: the schema step of the idempotent answers can run
// again over a store that has it (the upgrade tests wind the version back).
func TestIdempotencyStepReplays(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s, err := store.Open(ctx, dir, taxonomy(t))
	if err != nil {
		t.Fatal(err)
	}
	a := storetest.Profile("a")
	at := time.Date(2026, 11, 2, 10, 0, 0, 0, time.UTC)
	if err := s.CreateProfileWithToken(ctx, a, partnerToken("sa", "a"), &store.IdempotentAnswer{Key: "k1", Fingerprint: "f", Sealed: []byte{1}, Created: at, Expires: at.Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	s.Close()
	db, err := sql.Open("sqlite", filepath.Join(dir, "samenspel.db"))
	if err != nil {
		t.Fatal(err)
	}
	_, err = db.Exec(`UPDATE schema_version SET version = 8`) // before step 9, and every later step
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
	s = open(t, dir)
	if _, err := s.IdempotentAnswer(ctx, "k1", at); err != nil {
		t.Errorf("IdempotentAnswer(k1) after the step ran again = %v, want the answer", err)
	}
}

// TestUpdateProfileIfMatch: a conditional write goes through while the stored
// version is the one named, and is refused with ErrChanged once another write
// came in between; the version is the one GetProfileRecord reads.
func TestUpdateProfileIfMatch(t *testing.T) {
	ctx := context.Background()
	s, clock := newClockStore(t)
	p := storetest.Profile("a")
	if err := s.CreateProfile(ctx, p); err != nil {
		t.Fatal(err)
	}
	rec, err := s.GetProfileRecord(ctx, "a")
	if err != nil || len(rec.Version) != 32 {
		t.Fatalf("GetProfileRecord() = %+v, %v; want a 32-digit version", rec, err)
	}
	rename := func(name string) func(store.ProfileRecord) (profiles.Profile, error) {
		return func(r store.ProfileRecord) (profiles.Profile, error) {
			r.Profile.Name = name
			return r.Profile, nil
		}
	}
	clock.set(clock.now().Add(time.Second))
	next, err := s.UpdateProfile(ctx, "a", []string{"0123", rec.Version}, rename("Eerste"))
	if err != nil {
		t.Fatalf("UpdateProfile(matching version) = %v", err)
	}
	if next.Version == rec.Version || next.Profile.Name != "Eerste" {
		t.Errorf("UpdateProfile() = %+v; want the new name under a new version", next)
	}
	if again, _ := s.GetProfileRecord(ctx, "a"); again.Version != next.Version {
		t.Errorf("GetProfileRecord().Version = %s after the write, UpdateProfile said %s", again.Version, next.Version)
	}
	if _, err := s.UpdateProfile(ctx, "a", []string{rec.Version}, rename("Tweede")); !errors.Is(err, store.ErrChanged) {
		t.Errorf("UpdateProfile(stale version) = %v, want ErrChanged", err)
	}
	if got, _ := s.GetProfile(ctx, "a"); got.Name != "Eerste" {
		t.Errorf("a refused conditional write stored the name %q", got.Name)
	}
	// The same document written at the same time again is the same state.
	if same, err := s.UpdateProfile(ctx, "a", nil, rename("Eerste")); err != nil || same.Version != next.Version {
		t.Errorf("UpdateProfile(same state) = %s, %v; want the version %s", same.Version, err, next.Version)
	}
	// Confirming a profile changes its record, so its version.
	clock.set(clock.now().Add(time.Hour))
	if err := s.ConfirmProfile(ctx, "a", clock.now()); err != nil {
		t.Fatal(err)
	}
	if c, _ := s.GetProfileRecord(ctx, "a"); c.Version == next.Version {
		t.Errorf("the version did not change when the profile was confirmed")
	}
	boom := errors.New("invalid")
	if _, err := s.UpdateProfile(ctx, "a", nil, func(store.ProfileRecord) (profiles.Profile, error) { return profiles.Profile{}, boom }); !errors.Is(err, boom) {
		t.Errorf("UpdateProfile(change fails) = %v, want its error", err)
	}
	if _, err := s.UpdateProfile(ctx, "a", nil, func(r store.ProfileRecord) (profiles.Profile, error) { r.Profile.ID = "b"; return r.Profile, nil }); err == nil {
		t.Errorf("UpdateProfile(another id) = nil, want an error")
	}
	if _, err := s.UpdateProfile(ctx, "nobody", nil, rename("x")); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("UpdateProfile(missing) = %v, want ErrNotFound", err)
	}
}

func TestUpdateTenderIfMatch(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	day := time.Date(2026, 11, 2, 10, 0, 0, 0, time.UTC)
	if err := s.CreateTender(ctx, storetest.Tender("t1"), "owner", day); err != nil {
		t.Fatal(err)
	}
	rec, err := s.GetTender(ctx, "t1")
	if err != nil || len(rec.Version) != 32 {
		t.Fatalf("GetTender() = %+v, %v; want a 32-digit version", rec, err)
	}
	retitle := func(title string) func(store.TenderRecord) (profiles.Tender, error) {
		return func(r store.TenderRecord) (profiles.Tender, error) {
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
	if _, err := s.UpdateTender(ctx, "t1", []string{rec.Version}, day.Add(2*time.Minute), retitle("Later")); !errors.Is(err, store.ErrChanged) {
		t.Errorf("UpdateTender(stale) = %v, want ErrChanged", err)
	}
	if err := s.CloseTender(ctx, "t1", day.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.GetTender(ctx, "t1"); got.Version == next.Version {
		t.Errorf("closing the tender did not change its version")
	}
	if _, err := s.UpdateTender(ctx, "nope", nil, day, retitle("x")); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("UpdateTender(missing) = %v, want ErrNotFound", err)
	}
}

// TestUpsertProfilesKeeping: an import that cannot carry a field keeps the stored
// one, in the same transaction, and counts the profiles it kept something of.
func TestUpsertProfilesKeeping(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	if _, _, err := s.UpsertProfiles(ctx, []profiles.Profile{storetest.Profile("a"), storetest.Profile("b")}); err != nil {
		t.Fatal(err)
	}
	bare := func(id string) profiles.Profile {
		p := storetest.Profile(id)
		p.Private, p.Contact = nil, nil
		return p
	}
	keepPrivate := func(stored, p profiles.Profile) (profiles.Profile, bool) {
		p.Private = stored.Private
		return p, len(stored.Private) > 0
	}
	created, updated, kept, err := s.UpsertProfilesKeeping(ctx, []profiles.Profile{bare("a"), bare("b"), bare("c")}, keepPrivate)
	if err != nil || created != 1 || updated != 2 || kept != 2 {
		t.Errorf("UpsertProfilesKeeping() = %d, %d, %d, %v; want 1 created, 2 updated, 2 kept", created, updated, kept, err)
	}
	for id, want := range map[string]bool{"a": true, "b": true, "c": false} {
		p, _ := s.GetProfile(ctx, id)
		if (p.Private["ideas"] != "") != want || p.Contact != nil {
			t.Errorf("profile %s after the import: private %v contact %v; want private kept %v, contact as imported (none)", id, p.Private, p.Contact, want)
		}
	}
}

// TestKeyUsedBeforeIDTaken: of two registrations with one key, the second learns
// that the key was used (so that it can get the first answer), not that the id is
// taken.
func TestKeyUsedBeforeIDTaken(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	at := time.Date(2026, 11, 2, 10, 0, 0, 0, time.UTC)
	answer := &store.IdempotentAnswer{Key: "k", Fingerprint: "f", Sealed: []byte{1}, Created: at, Expires: at.Add(time.Hour)}
	p := storetest.Profile("a")
	if err := s.CreateProfileWithToken(ctx, p, partnerToken("s1", "a"), answer); err != nil {
		t.Fatal(err)
	}
	if err := s.CreateProfileWithToken(ctx, p, partnerToken("s2", "a"), answer); !errors.Is(err, store.ErrKeyUsed) {
		t.Errorf("CreateProfileWithToken(same key, same id) = %v, want ErrKeyUsed", err)
	}
}
