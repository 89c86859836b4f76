package main

import (
	"context"
	"errors"
	"strings"
	"testing"

	"samenspel/config"
	"samenspel/internal/auth"
	"samenspel/internal/profiles"
	"samenspel/internal/store"
)

func TestTokenCreate(t *testing.T) {
	ctx := context.Background()
	data := t.TempDir()
	tax, _ := profiles.ParseTaxonomy(config.Taxonomy)
	st, err := store.Open(ctx, data, tax)
	if err != nil {
		t.Fatal(err)
	}
	p := profiles.Profile{ID: "buurtkamer", Name: "Buurtkamer", Kind: "residents_group", Size: "small", Areas: []string{"WK034403"},
		Instruments: map[string]float64{"meals": 1}, Themes: []string{}}
	if err := st.CreateProfile(ctx, p); err != nil {
		t.Fatal(err)
	}
	st.Close()

	out, _, err := runMatcher(t, "token", "create", "--role", "partner", "--name", "Buurtkamer", "--profile", "buurtkamer", "--data", data)
	if err != nil {
		t.Fatalf("matcher token create: %v", err)
	}
	secret := strings.TrimSpace(out)
	if _, err := auth.FromHeader("Bearer " + secret); err != nil {
		t.Fatalf("printed %q, not a token: %v", out, err)
	}
	st, err = store.Open(ctx, data, tax)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	tok, err := st.TokenByHash(ctx, auth.Hash(secret))
	if err != nil || tok.Role != "partner" || tok.Profile != "buurtkamer" || tok.Name != "Buurtkamer" {
		t.Errorf("stored token = %+v, %v; want the partner token for buurtkamer", tok, err)
	}
	if _, err := st.TokenByHash(ctx, secret); err == nil {
		t.Errorf("the secret itself finds a token: only its hash may be stored")
	}

	for _, args := range [][]string{
		{"token", "create", "--role", "root", "--name", "x", "--data", data},
		{"token", "create", "--role", "admin", "--data", data},
		{"token", "create", "--role", "partner", "--name", "x", "--data", data},
		{"token", "create", "--role", "admin", "--name", "x", "--profile", "buurtkamer", "--data", data},
		{"token", "list"},
	} {
		if _, _, err := runMatcher(t, args...); !errors.Is(err, errUsage) {
			t.Errorf("matcher %v = %v, want a usage error", args, err)
		}
	}
	if _, _, err := runMatcher(t, "token", "create", "--role", "partner", "--name", "x", "--profile", "nobody", "--data", data); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("token for a missing profile = %v, want ErrNotFound", err)
	}
}
