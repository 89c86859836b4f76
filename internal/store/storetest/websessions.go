package storetest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"samenspel/internal/auth"
	"samenspel/internal/idempotency"
	"samenspel/internal/profiles"
)

// WebSessionStore is what the web-session suite uses of a store: the signed-in
// sessions of the pages and the keys they sign with, with the registration that
// makes the token a session signs in with.
type WebSessionStore interface {
	CreateProfileWithToken(ctx context.Context, p profiles.Profile, t auth.Token, answer *idempotency.Stored) error
	DeleteProfile(ctx context.Context, id string) error
	CreateWebSession(ctx context.Context, ws auth.WebSession, idleSince, madeSince time.Time, max int) error
	GetWebSession(ctx context.Context, id string) (auth.WebSession, error)
	TouchWebSession(ctx context.Context, id string, seen time.Time) error
	DeleteWebSession(ctx context.Context, id string) error
	WebKey(ctx context.Context, name string, fresh []byte) ([]byte, error)
}

// WebSessions is the shared suite of the web sessions and keys: sessions are
// stored, read, touched and removed, making room first; a session goes with its
// token; the first key stored under a name is every replica's. open is called
// once per subtest and returns an empty store s and other, a second store over
// the same data (another replica).
func WebSessions(t *testing.T, open func(t *testing.T) (s, other WebSessionStore)) {
	t.Run("Sessions", func(t *testing.T) { s, _ := open(t); webSessions(t, s) })
	t.Run("Key", func(t *testing.T) { a, b := open(t); webKey(t, a, b) })
}

// webSessions: sessions are stored, read, touched and removed; making one
// first removes the expired and, beyond the bound, the least recently seen; a
// session goes with its token.
func webSessions(t *testing.T, s WebSessionStore) {
	ctx := context.Background()
	if err := s.CreateProfileWithToken(ctx, Profile("a"), partnerToken("sa", "a"), nil); err != nil {
		t.Fatal(err)
	}
	tok := hash("sa")
	at := time.Date(2026, 11, 2, 10, 0, 0, 0, time.UTC)
	create := func(id string, made, seen time.Time, idleSince, madeSince time.Time, max int) {
		t.Helper()
		if err := s.CreateWebSession(ctx, auth.WebSession{ID: id, Token: tok, CSRF: "c-" + id, Created: made, Seen: seen}, idleSince, madeSince, max); err != nil {
			t.Fatalf("CreateWebSession(%s) = %v", id, err)
		}
	}
	has := func(ids ...string) {
		t.Helper()
		for _, id := range []string{"old", "idle", "s1", "s2", "s3", "s4"} {
			_, err := s.GetWebSession(ctx, id)
			want := false
			for _, w := range ids {
				want = want || w == id
			}
			if got := err == nil; got != want || (err != nil && !errors.Is(err, auth.ErrNotFound)) {
				t.Errorf("GetWebSession(%s) = %v; want it there: %v", id, err, want)
			}
		}
	}
	long := at.Add(-48 * time.Hour)
	create("old", long, at, long, long, 0)
	create("idle", at.Add(-10*time.Hour), at.Add(-9*time.Hour), long, long, 0)
	got, err := s.GetWebSession(ctx, "old")
	if want := (auth.WebSession{ID: "old", Token: tok, CSRF: "c-old", Created: long, Seen: at}); err != nil || !cmp.Equal(got, want) {
		t.Errorf("GetWebSession(old) = %+v, %v; want %+v", got, err, want)
	}
	// Making s1 removes old (made before madeSince) and idle (seen before idleSince).
	create("s1", at, at, at.Add(-8*time.Hour), at.Add(-24*time.Hour), 3)
	has("s1")
	create("s2", at, at.Add(time.Minute), at.Add(-8*time.Hour), at.Add(-24*time.Hour), 3)
	create("s3", at, at.Add(2*time.Minute), at.Add(-8*time.Hour), at.Add(-24*time.Hour), 3)
	if err := s.TouchWebSession(ctx, "s1", at.Add(3*time.Minute)); err != nil {
		t.Fatal(err)
	}
	// Three are there, the bound: s2, now the least recently seen, makes room.
	create("s4", at, at.Add(4*time.Minute), at.Add(-8*time.Hour), at.Add(-24*time.Hour), 3)
	has("s1", "s3", "s4")
	if err := s.TouchWebSession(ctx, "s2", at); !errors.Is(err, auth.ErrNotFound) {
		t.Errorf("TouchWebSession of a removed session = %v, want ErrNotFound", err)
	}
	if err := s.DeleteWebSession(ctx, "s3"); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteWebSession(ctx, "s3"); err != nil {
		t.Errorf("DeleteWebSession of a removed session = %v, want nil", err)
	}
	has("s1", "s4")
	if err := s.CreateWebSession(ctx, auth.WebSession{ID: "s1", Token: tok, Created: at, Seen: at}, long, long, 0); !errors.Is(err, profiles.ErrConflict) {
		t.Errorf("CreateWebSession of a taken id = %v, want ErrConflict", err)
	}
	if err := s.CreateWebSession(ctx, auth.WebSession{ID: "x", Token: hash("nobody"), Created: at, Seen: at}, long, long, 0); !errors.Is(err, auth.ErrNotFound) {
		t.Errorf("CreateWebSession for no stored token = %v, want ErrNotFound", err)
	}
	// Deleting the profile deletes its token, and the token its sessions.
	if err := s.DeleteProfile(ctx, "a"); err != nil {
		t.Fatal(err)
	}
	has()
}

// webKey: two replicas over one store sign with the key the first stored.
func webKey(t *testing.T, a, b WebSessionStore) {
	ctx := context.Background()
	ka, err := a.WebKey(ctx, "csrf", []byte("first"))
	if err != nil || string(ka) != "first" {
		t.Fatalf("WebKey(csrf, first) = %q, %v; want first", ka, err)
	}
	if kb, err := b.WebKey(ctx, "csrf", []byte("second")); err != nil || string(kb) != "first" {
		t.Errorf("WebKey(csrf, second) on another replica = %q, %v; want the first key", kb, err)
	}
	if k, err := b.WebKey(ctx, "other", []byte("second")); err != nil || string(k) != "second" {
		t.Errorf("WebKey(other, second) = %q, %v; want second", k, err)
	}
	if _, err := a.WebKey(ctx, "empty", nil); err == nil {
		t.Errorf("WebKey with no fresh key = nil error, want one")
	}
}
