package store_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"samenspel/internal/store"
	"samenspel/internal/store/storetest"
)

// hash is the hex SHA-256 of secret, as internal/auth makes it.
func hash(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

func TestTokens(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	if err := s.CreateProfile(ctx, storetest.Profile("buurtkamer")); err != nil {
		t.Fatal(err)
	}
	admin := store.Token{Hash: hash("ssp_admin"), Role: "admin", Name: "beheer", Created: day1}
	partner := store.Token{Hash: hash("ssp_partner"), Role: "partner", Name: "buurtkamer", Profile: "buurtkamer", Created: day2}
	tests := []struct {
		name string
		tok  store.Token
		want error
	}{
		{"admin", admin, nil},
		{"partner", partner, nil},
		{"same hash", store.Token{Hash: admin.Hash, Role: "partner", Name: "x", Created: day3}, store.ErrConflict},
		{"unknown profile", store.Token{Hash: hash("x"), Role: "partner", Name: "x", Profile: "missing", Created: day3}, store.ErrNotFound},
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
		if err := s.CreateToken(ctx, store.Token{Hash: h, Role: "admin", Name: "x", Created: day3}); err == nil {
			t.Errorf("CreateToken(hash %q) = nil, want an error: not a hex SHA-256", h)
		}
	}
	for _, want := range []store.Token{admin, partner} {
		got, err := s.TokenByHash(ctx, want.Hash)
		if err != nil {
			t.Fatalf("TokenByHash(%s) = %v", want.Name, err)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("TokenByHash(%s) (-want +got):\n%s", want.Name, diff)
		}
	}
	if _, err := s.TokenByHash(ctx, hash("never made")); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("TokenByHash(unknown) = %v, want ErrNotFound", err)
	}
}
