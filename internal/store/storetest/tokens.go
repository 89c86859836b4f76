package storetest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"samenspel/internal/auth"
	"samenspel/internal/profiles"
)

// hash is the hex SHA-256 of secret, as internal/auth makes it.
func hash(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

// TokenStore is what the token suite uses of a store: the tokens, with the
// profiles and tenders they own.
type TokenStore interface {
	CreateProfile(ctx context.Context, p profiles.Profile) error
	GetProfile(ctx context.Context, id string) (profiles.Profile, error)
	DeleteProfile(ctx context.Context, id string) error
	CreateTender(ctx context.Context, t profiles.Tender, owner string, now time.Time) error
	GetTender(ctx context.Context, id string) (profiles.TenderRecord, error)
	CreateToken(ctx context.Context, t auth.Token) error
	TokenByHash(ctx context.Context, hash string) (auth.Token, error)
	Tokens(ctx context.Context, limit, offset int) ([]auth.Token, int, error)
	RevokeToken(ctx context.Context, id string, now time.Time) (auth.Token, error)
	RotateToken(ctx context.Context, id string, next auth.Token, now time.Time) (old, made auth.Token, tenders int, err error)
}

// Tokens is the shared suite of the tokens: only a hash is stored, with its role,
// profile and lifetime; the list newest first; revoking at once for every store
// over the same data; rotating moves the tenders. open is called once per subtest
// and returns an empty store s and other, a second store over the same data (a
// second replica).
func Tokens(t *testing.T, open func(t *testing.T) (s, other TokenStore)) {
	t.Run("CreateAndByHash", func(t *testing.T) { s, _ := open(t); tokens(t, s) })
	t.Run("ExpiryListAndRevoke", func(t *testing.T) { s, other := open(t); tokenExpiryListAndRevoke(t, s, other) })
	t.Run("Rotate", func(t *testing.T) { s, _ := open(t); rotateToken(t, s) })
}

func tokens(t *testing.T, s TokenStore) {
	ctx := context.Background()
	if err := s.CreateProfile(ctx, Profile("buurtkamer")); err != nil {
		t.Fatal(err)
	}
	admin := auth.Token{Hash: hash("ssp_admin"), Role: "admin", Name: "beheer", Created: day1}
	partner := auth.Token{Hash: hash("ssp_partner"), Role: "partner", Name: "buurtkamer", Profile: "buurtkamer", Created: day2}
	tests := []struct {
		name string
		tok  auth.Token
		want error
	}{
		{"admin", admin, nil},
		{"partner", partner, nil},
		{"same hash", auth.Token{Hash: admin.Hash, Role: "partner", Name: "x", Created: day3}, profiles.ErrConflict},
		{"unknown profile", auth.Token{Hash: hash("x"), Role: "partner", Name: "x", Profile: "missing", Created: day3}, profiles.ErrNotFound},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if err := s.CreateToken(ctx, tc.tok); !isErr(err, tc.want) {
				t.Errorf("CreateToken(%+v) = %v, want %v", tc.tok, err, tc.want)
			}
		})
	}
	// A secret passed by mistake must not be stored: only a hex SHA-256 is.
	for _, h := range []string{"ssp_" + hash("x")[:43], "", hash("x")[:63], "AB" + hash("x")[2:]} {
		if err := s.CreateToken(ctx, auth.Token{Hash: h, Role: "admin", Name: "x", Created: day3}); err == nil {
			t.Errorf("CreateToken(hash %q) = nil, want an error: not a hex SHA-256", h)
		}
	}
	for _, want := range []auth.Token{admin, partner} {
		got, err := s.TokenByHash(ctx, want.Hash)
		if err != nil {
			t.Fatalf("TokenByHash(%s) = %v", want.Name, err)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("TokenByHash(%s) (-want +got):\n%s", want.Name, diff)
		}
	}
	if _, err := s.TokenByHash(ctx, hash("never made")); !errors.Is(err, auth.ErrNotFound) {
		t.Errorf("TokenByHash(unknown) = %v, want ErrNotFound", err)
	}
}

// tokenExpiryListAndRevoke: a token keeps its expiry; the list shows every
// token newest first with the total; revoking is immediate, also for a second
// store over the same data (a second replica), and keeps the token listed.
func tokenExpiryListAndRevoke(t *testing.T, s, other TokenStore) {
	ctx := context.Background()
	if err := s.CreateProfile(ctx, Profile("buurtkamer")); err != nil {
		t.Fatal(err)
	}
	admin := auth.Token{Hash: hash("ssp_admin"), Role: "admin", Name: "beheer", Created: day1}
	owner := auth.Token{Hash: hash("ssp_owner"), Role: "tender_owner", Name: "gemeente", Created: day2, Expires: day3}
	partner := auth.Token{Hash: hash("ssp_partner"), Role: "partner", Name: "buurtkamer", Profile: "buurtkamer", Created: day3}
	for _, tok := range []auth.Token{admin, owner, partner} {
		if err := s.CreateToken(ctx, tok); err != nil {
			t.Fatal(err)
		}
	}
	got, err := other.TokenByHash(ctx, owner.Hash)
	if err != nil || !got.Expires.Equal(day3) || got.State(day3) != auth.TokenExpired {
		t.Errorf("TokenByHash(owner) = %+v, %v; want it expiring at %v", got, err, day3)
	}

	list, total, err := s.Tokens(ctx, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]auth.Token{partner, owner, admin}, list); diff != "" || total != 3 {
		t.Errorf("Tokens(all) = %d in all (-want +got):\n%s", total, diff)
	}
	pages := []struct {
		limit, offset int
		want          []auth.Token
	}{
		{1, 0, []auth.Token{partner}},
		{2, 1, []auth.Token{owner, admin}},
		{5, 3, []auth.Token{}},
	}
	for _, p := range pages {
		got, total, err := s.Tokens(ctx, p.limit, p.offset)
		if err != nil || total != 3 {
			t.Errorf("Tokens(%d, %d) total = %d, %v; want 3", p.limit, p.offset, total, err)
		}
		if diff := cmp.Diff(p.want, got); diff != "" {
			t.Errorf("Tokens(%d, %d) (-want +got):\n%s", p.limit, p.offset, diff)
		}
	}

	for _, id := range []string{auth.TokenID(hash("never made")), "tok_", "nonsense", partner.Hash} {
		if _, err := s.RevokeToken(ctx, id, day3); !errors.Is(err, auth.ErrNotFound) {
			t.Errorf("RevokeToken(%q) = %v, want ErrNotFound", id, err)
		}
	}
	revoked, err := s.RevokeToken(ctx, partner.ID(), day3)
	if err != nil || !revoked.Revoked.Equal(day3) || revoked.Hash != partner.Hash {
		t.Fatalf("RevokeToken(partner) = %+v, %v; want the partner token revoked at %v", revoked, err, day3)
	}
	for name, st := range map[string]TokenStore{"same store": s, "second store": other} {
		got, err := st.TokenByHash(ctx, partner.Hash)
		if err != nil || got.State(day3) != auth.TokenRevoked {
			t.Errorf("%s: TokenByHash(revoked partner) = %+v, %v; want it revoked", name, got, err)
		}
	}
	again, err := other.RevokeToken(ctx, partner.ID(), day3.Add(time.Hour))
	if err != nil || !again.Revoked.Equal(day3) {
		t.Errorf("RevokeToken(partner) again = %+v, %v; want it revoked still at %v", again, err, day3)
	}
	if got, _ := s.TokenByHash(ctx, admin.Hash); got.State(day3) != auth.TokenActive {
		t.Errorf("revoking the partner's token changed the admin's: %+v", got)
	}
	list, total, err = s.Tokens(ctx, 0, 0)
	if err != nil || total != 3 || len(list) != 3 || list[0].State(day3) != auth.TokenRevoked {
		t.Errorf("Tokens after revoking = %+v, %d, %v; want all three, the partner's revoked", list, total, err)
	}
	// The profile stays, and a new token can be made for it.
	if _, err := s.GetProfile(ctx, "buurtkamer"); err != nil {
		t.Errorf("GetProfile after revoking its token = %v", err)
	}
	if err := s.CreateToken(ctx, auth.Token{Hash: hash("ssp_partner2"), Role: "partner", Name: "buurtkamer", Profile: "buurtkamer", Created: day3}); err != nil {
		t.Errorf("CreateToken(a new partner token for buurtkamer) = %v", err)
	}
	// Deleting the profile takes its tokens, revoked or not, with it.
	if err := s.DeleteProfile(ctx, "buurtkamer"); err != nil {
		t.Fatal(err)
	}
	if list, total, err := other.Tokens(ctx, 0, 0); err != nil || total != 2 || len(list) != 2 {
		t.Errorf("Tokens after deleting the profile = %+v, %d, %v; want the admin's and the owner's", list, total, err)
	}
	if _, err := s.TokenByHash(ctx, partner.Hash); !errors.Is(err, auth.ErrNotFound) {
		t.Errorf("TokenByHash(revoked partner) after deleting its profile = %v, want ErrNotFound", err)
	}
}

// rotateToken: the new token takes the old one's role, name and profile, and
// the tenders recorded under the old id; the old one is revoked. A revoked token
// can be rotated too.
func rotateToken(t *testing.T, s TokenStore) {
	ctx := context.Background()
	owner := auth.Token{Hash: hash("ssp_owner"), Role: "tender_owner", Name: "gemeente", Created: day1}
	other := auth.Token{Hash: hash("ssp_other"), Role: "tender_owner", Name: "buurgemeente", Created: day1}
	for _, tok := range []auth.Token{owner, other} {
		if err := s.CreateToken(ctx, tok); err != nil {
			t.Fatal(err)
		}
	}
	for id, by := range map[string]string{"t1": owner.ID(), "t2": owner.ID(), "t3": other.ID()} {
		if err := s.CreateTender(ctx, Tender(id), by, day1); err != nil {
			t.Fatal(err)
		}
	}
	next := auth.Token{Hash: hash("ssp_next"), Created: day2, Expires: day3}
	old, made, moved, err := s.RotateToken(ctx, owner.ID(), next, day2)
	if err != nil {
		t.Fatal(err)
	}
	if !old.Revoked.Equal(day2) || old.Hash != owner.Hash || moved != 2 {
		t.Errorf("RotateToken(owner) = old %+v, %d tenders moved; want the owner's revoked at %v, 2 moved", old, moved, day2)
	}
	want := auth.Token{Hash: next.Hash, Role: "tender_owner", Name: "gemeente", Created: day2, Expires: day3}
	got, err := s.TokenByHash(ctx, next.Hash)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("the new token (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(want, made); diff != "" {
		t.Errorf("RotateToken's new token (-want +got):\n%s", diff)
	}
	for id, by := range map[string]string{"t1": next.Hash, "t2": next.Hash, "t3": other.Hash} {
		rec, err := s.GetTender(ctx, id)
		if err != nil || rec.Owner != auth.TokenID(by) {
			t.Errorf("tender %s after rotating = owner %q, %v; want %s", id, rec.Owner, err, auth.TokenID(by))
		}
	}

	// Rotating the revoked one again keeps its revocation; its tenders are gone.
	again := auth.Token{Hash: hash("ssp_again"), Name: "nieuwe naam", Created: day3}
	old, made, moved, err = s.RotateToken(ctx, owner.ID(), again, day3)
	if err != nil || !old.Revoked.Equal(day2) || moved != 0 || made.Name != "nieuwe naam" || made.Role != "tender_owner" {
		t.Errorf("RotateToken(revoked owner) = %+v, %+v, %d, %v; want revoked at %v, named nieuwe naam, 0 moved", old, made, moved, err, day2)
	}
	for _, tc := range []struct {
		id   string
		next auth.Token
		want error
	}{
		{auth.TokenID(hash("never made")), auth.Token{Hash: hash("ssp_x"), Created: day3}, auth.ErrNotFound},
		{other.ID(), auth.Token{Hash: next.Hash, Created: day3}, profiles.ErrConflict},
	} {
		if _, _, _, err := s.RotateToken(ctx, tc.id, tc.next, day3); !errors.Is(err, tc.want) {
			t.Errorf("RotateToken(%s) = %v, want %v", tc.id, err, tc.want)
		}
	}
	if got, _ := s.TokenByHash(ctx, other.Hash); got.State(day3) != auth.TokenActive {
		t.Errorf("a failed rotation revoked the token: %+v", got)
	}
	if _, _, _, err := s.RotateToken(ctx, other.ID(), auth.Token{Hash: "ssp_secret", Created: day3}, day3); err == nil {
		t.Errorf("RotateToken with a secret for a hash = nil, want an error")
	}
}
