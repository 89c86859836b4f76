package storetest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"samenspel/internal/auth"
	"samenspel/internal/idempotency"
	"samenspel/internal/profiles"
)

// RegistrationStore is what the registration suite uses of a store: a partner's
// registration (its profile and token in one write) with its idempotent answer.
type RegistrationStore interface {
	CreateProfileWithToken(ctx context.Context, p profiles.Profile, t auth.Token, answer *idempotency.Stored) error
	IdempotentAnswer(ctx context.Context, key string, now time.Time) (idempotency.Stored, error)
	GetProfile(ctx context.Context, id string) (profiles.Profile, error)
	DeleteProfile(ctx context.Context, id string) error
	TokenByHash(ctx context.Context, hash string) (auth.Token, error)
}

// RegistrationSubject is one empty store under the registration suite, with
// StoredAnswers, which counts the answers stored under key, expired or not: what
// the store keeps, not what it serves (an expired answer is cleaned, not only
// hidden).
type RegistrationSubject struct {
	Store         RegistrationStore
	StoredAnswers func(ctx context.Context, key string) (int, error)
}

// Registrations is the shared suite of the registrations: the profile and its
// token stored together or neither, and the first answer stored with them under
// its key until it expires, refused a second time, cleaned once expired, gone
// with its profile. open is called once per subtest and must return an empty
// store.
func Registrations(t *testing.T, open func(t *testing.T) RegistrationSubject) {
	t.Run("ProfileWithToken", func(t *testing.T) { createProfileWithToken(t, open(t).Store) })
	t.Run("IdempotentAnswers", func(t *testing.T) { idempotentAnswers(t, open(t)) })
	t.Run("KeyUsedBeforeIDTaken", func(t *testing.T) { keyUsedBeforeIDTaken(t, open(t).Store) })
	t.Run("SameKeyRace", func(t *testing.T) { sameKeyRace(t, open(t).Store) })
}

func partnerToken(secret, profile string) auth.Token {
	return auth.Token{Hash: hash(secret), Role: "partner", Name: profile, Profile: profile, Created: time.Unix(0, 0).UTC()}
}

// createProfileWithToken: a registration stores the profile and its token
// together, or neither.
func createProfileWithToken(t *testing.T, s RegistrationStore) {
	ctx := context.Background()
	p := Profile("nieuw")
	if err := s.CreateProfileWithToken(ctx, p, partnerToken("s1", p.ID), nil); err != nil {
		t.Fatalf("CreateProfileWithToken() = %v", err)
	}
	if tok, err := s.TokenByHash(ctx, hash("s1")); err != nil || tok.Profile != p.ID {
		t.Errorf("TokenByHash() = %+v, %v; want the token of %s", tok, err, p.ID)
	}
	if got, err := s.GetProfile(ctx, p.ID); err != nil || !cmp.Equal(got, p, equateEmpty) {
		t.Errorf("GetProfile() = %+v, %v; want the profile", got, err)
	}

	// The id taken: neither the profile nor the token is written.
	if err := s.CreateProfileWithToken(ctx, p, partnerToken("s2", p.ID), nil); !errors.Is(err, profiles.ErrConflict) {
		t.Errorf("CreateProfileWithToken(taken id) = %v, want ErrConflict", err)
	}
	if _, err := s.TokenByHash(ctx, hash("s2")); !errors.Is(err, auth.ErrNotFound) {
		t.Errorf("the token of a refused registration was stored: %v", err)
	}
	// A token hash taken: the profile is not written either.
	q := Profile("tweede")
	if err := s.CreateProfileWithToken(ctx, q, partnerToken("s1", q.ID), nil); !errors.Is(err, profiles.ErrConflict) {
		t.Errorf("CreateProfileWithToken(taken hash) = %v, want ErrConflict", err)
	}
	if _, err := s.GetProfile(ctx, q.ID); !errors.Is(err, profiles.ErrNotFound) {
		t.Errorf("a profile whose token was refused was stored: %v", err)
	}
	// A token for another profile, or a secret instead of a hash, is refused.
	for name, tok := range map[string]auth.Token{
		"another profile": partnerToken("s3", "iemand-anders"),
		"not a hash":      {Hash: "s3", Role: "partner", Profile: q.ID},
	} {
		if err := s.CreateProfileWithToken(ctx, q, tok, nil); err == nil {
			t.Errorf("CreateProfileWithToken(%s) = nil, want an error", name)
		}
		if _, err := s.GetProfile(ctx, q.ID); !errors.Is(err, profiles.ErrNotFound) {
			t.Errorf("CreateProfileWithToken(%s) stored the profile", name)
		}
	}
}

// idempotentAnswers: an answer is stored with its registration, found under its
// key until it expires, refused a second time, cleaned once expired, and goes
// with its profile.
func idempotentAnswers(t *testing.T, subject RegistrationSubject) {
	ctx := context.Background()
	s := subject.Store
	day := time.Date(2026, 11, 2, 10, 0, 0, 0, time.UTC)
	answer := func(key, profile string, at time.Time) *idempotency.Stored {
		return &idempotency.Stored{Key: key, Fingerprint: "fp-" + profile, Sealed: []byte("sealed " + profile),
			Created: at, Expires: at.Add(24 * time.Hour)}
	}
	a := Profile("a")
	if err := s.CreateProfileWithToken(ctx, a, partnerToken("sa", "a"), answer("k1", "a", day)); err != nil {
		t.Fatal(err)
	}
	got, err := s.IdempotentAnswer(ctx, "k1", day.Add(time.Hour))
	want := idempotency.Stored{Key: "k1", Fingerprint: "fp-a", Sealed: []byte("sealed a"), Profile: "a", Created: day, Expires: day.Add(24 * time.Hour)}
	if err != nil || !cmp.Equal(got, want) {
		t.Errorf("IdempotentAnswer(k1) = %+v, %v; want %+v", got, err, want)
	}
	if _, err := s.IdempotentAnswer(ctx, "k2", day); !errors.Is(err, idempotency.ErrNotFound) {
		t.Errorf("IdempotentAnswer(unknown key) = %v, want ErrNotFound", err)
	}
	if _, err := s.IdempotentAnswer(ctx, "k1", day.Add(24*time.Hour)); !errors.Is(err, idempotency.ErrNotFound) {
		t.Errorf("IdempotentAnswer(k1) a day later = %v, want ErrNotFound", err)
	}

	// The key used again within the day: nothing is stored.
	b := Profile("b")
	if err := s.CreateProfileWithToken(ctx, b, partnerToken("sb", "b"), answer("k1", "b", day.Add(time.Hour))); !errors.Is(err, idempotency.ErrKeyUsed) {
		t.Errorf("CreateProfileWithToken(used key) = %v, want ErrKeyUsed", err)
	}
	if _, err := s.GetProfile(ctx, "b"); !errors.Is(err, profiles.ErrNotFound) {
		t.Errorf("a registration with a used key stored its profile: %v", err)
	}
	// After a day the key is free again, and the expired answer is cleaned.
	later := day.Add(25 * time.Hour)
	if err := s.CreateProfileWithToken(ctx, b, partnerToken("sb", "b"), answer("k2", "b", later)); err != nil {
		t.Fatal(err)
	}
	if n, err := subject.StoredAnswers(ctx, "k1"); err != nil || n != 0 {
		t.Errorf("the expired answer k1 is still stored (%d rows, %v)", n, err)
	}
	// A profile's answer goes with it.
	if err := s.DeleteProfile(ctx, "b"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.IdempotentAnswer(ctx, "k2", later); !errors.Is(err, idempotency.ErrNotFound) {
		t.Errorf("IdempotentAnswer(k2) after its profile was deleted = %v, want ErrNotFound", err)
	}
}

// keyUsedBeforeIDTaken: of two registrations with one key, the second learns
// that the key was used (so that it can get the first answer), not that the id is
// taken.
func keyUsedBeforeIDTaken(t *testing.T, s RegistrationStore) {
	ctx := context.Background()
	at := time.Date(2026, 11, 2, 10, 0, 0, 0, time.UTC)
	answer := &idempotency.Stored{Key: "k", Fingerprint: "f", Sealed: []byte{1}, Created: at, Expires: at.Add(time.Hour)}
	p := Profile("a")
	if err := s.CreateProfileWithToken(ctx, p, partnerToken("s1", "a"), answer); err != nil {
		t.Fatal(err)
	}
	if err := s.CreateProfileWithToken(ctx, p, partnerToken("s2", "a"), answer); !errors.Is(err, idempotency.ErrKeyUsed) {
		t.Errorf("CreateProfileWithToken(same key, same id) = %v, want ErrKeyUsed", err)
	}
}

// sameKeyRace: of registrations at once with one key (a client retrying before
// its first request was answered, through several replicas), exactly one stores
// its profile; every other learns that the key was used and stores nothing.
func sameKeyRace(t *testing.T, s RegistrationStore) {
	ctx := context.Background()
	at := time.Date(2026, 11, 2, 10, 0, 0, 0, time.UTC)
	const clients = 8
	errs := make([]error, clients)
	var wg sync.WaitGroup
	for i := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			id := fmt.Sprint("p", i)
			answer := &idempotency.Stored{Key: "k", Fingerprint: "f", Sealed: []byte(id), Created: at, Expires: at.Add(time.Hour)}
			errs[i] = s.CreateProfileWithToken(ctx, Profile(id), partnerToken("s"+id, id), answer)
		}()
	}
	wg.Wait()
	winner := -1
	for i, err := range errs {
		switch {
		case err == nil && winner >= 0:
			t.Errorf("registrations %d and %d both went through with one key", winner, i)
		case err == nil:
			winner = i
		case !errors.Is(err, idempotency.ErrKeyUsed):
			t.Errorf("registration %d = %v, want nil or ErrKeyUsed", i, err)
		}
	}
	if winner < 0 {
		t.Fatal("no registration went through")
	}
	if a, err := s.IdempotentAnswer(ctx, "k", at); err != nil || a.Profile != fmt.Sprint("p", winner) {
		t.Errorf("IdempotentAnswer(k) = %+v, %v; want the answer of p%d", a, err, winner)
	}
	for i := range clients {
		if _, err := s.GetProfile(ctx, fmt.Sprint("p", i)); (err == nil) != (i == winner) {
			t.Errorf("GetProfile(p%d) = %v; want only the winner's profile stored", i, err)
		}
	}
}
