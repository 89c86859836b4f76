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

// TestRegistrations: the embedded store passes the shared suite of the
// registrations and their idempotent answers.
func TestRegistrations(t *testing.T) {
	storetest.Registrations(t, func(t *testing.T) storetest.RegistrationSubject {
		dir := t.TempDir()
		return storetest.RegistrationSubject{
			Store: open(t, dir),
			StoredAnswers: func(ctx context.Context, key string) (int, error) {
				db, err := sql.Open("sqlite", filepath.Join(dir, "samenspel.db"))
				if err != nil {
					return 0, err
				}
				defer db.Close()
				var n int
				err = db.QueryRowContext(ctx, `SELECT count(*) FROM idempotent_answers WHERE key = ?`, key).Scan(&n)
				return n, err
			},
		}
	})
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
