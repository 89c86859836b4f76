package main

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

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
		{"token", "create", "--role", "admin", "--name", "x", "--data", data, "extra"},
		{"token"},
		{"token", "frob"},
	} {
		if _, _, err := runMatcher(t, args...); !errors.Is(err, errUsage) {
			t.Errorf("matcher %v = %v, want a usage error", args, err)
		}
	}
	if _, _, err := runMatcher(t, "token", "create", "--role", "partner", "--name", "x", "--profile", "nobody", "--data", data); !errors.Is(err, profiles.ErrNotFound) {
		t.Errorf("token for a missing profile = %v, want ErrNotFound", err)
	}
}

// tokenData is a data directory with the profile buurtkamer.
func tokenData(t *testing.T) string {
	t.Helper()
	data := t.TempDir()
	st, _, err := openEmbedded(context.Background(), data)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	p := profiles.Profile{ID: "buurtkamer", Name: "Buurtkamer", Kind: "residents_group", Size: "small", Areas: []string{"WK034403"},
		Instruments: map[string]float64{"meals": 1}, Themes: []string{}}
	if err := st.CreateProfile(context.Background(), p); err != nil {
		t.Fatal(err)
	}
	return data
}

// storedToken is the token of secret in data.
func storedToken(t *testing.T, data, secret string) auth.Token {
	t.Helper()
	st, _, err := openEmbedded(context.Background(), data)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	tok, err := st.TokenByHash(context.Background(), auth.Hash(secret))
	if err != nil {
		t.Fatalf("the printed token is not stored: %v", err)
	}
	return tok
}

func TestTokenCreateExpires(t *testing.T) {
	data := tokenData(t)
	for _, tc := range []struct {
		expires string
		want    time.Duration
	}{
		{"90d", 90 * 24 * time.Hour},
		{"1d", 24 * time.Hour},
		{"1d12h", 36 * time.Hour},
		{"36h", 36 * time.Hour},
		{"30m", 30 * time.Minute},
		{"1h30m", 90 * time.Minute},
	} {
		t.Run(tc.expires, func(t *testing.T) {
			out, stderr, err := runMatcher(t, "token", "create", "--role", "tender_owner", "--name", "gemeente", "--expires", tc.expires, "--data", data)
			if err != nil {
				t.Fatalf("matcher token create --expires %s: %v", tc.expires, err)
			}
			tok := storedToken(t, data, strings.TrimSpace(out))
			if got := tok.Expires.Sub(tok.Created); got != tc.want {
				t.Errorf("--expires %s: stored lifetime = %v, want %v", tc.expires, got, tc.want)
			}
			if !strings.Contains(stderr, tok.ID()) || !strings.Contains(stderr, tok.Expires.UTC().Format(time.RFC3339)) {
				t.Errorf("--expires %s: stderr = %q, want the token's id and expiry", tc.expires, stderr)
			}
		})
	}
	out, _, err := runMatcher(t, "token", "create", "--role", "admin", "--name", "beheer", "--data", data)
	if err != nil {
		t.Fatal(err)
	}
	if tok := storedToken(t, data, strings.TrimSpace(out)); !tok.Expires.IsZero() {
		t.Errorf("a token made without --expires expires at %v, want never", tok.Expires)
	}
	for _, bad := range []string{"0", "0d", "0s", "-1h", "-3d", "1d-36h", "soon", "d", "1.5d", "90 d", "106752d"} {
		_, _, err := runMatcher(t, "token", "create", "--role", "admin", "--name", "x", "--expires", bad, "--data", data)
		if !errors.Is(err, errUsage) || !strings.Contains(err.Error(), "--expires") || !strings.Contains(err.Error(), bad) {
			t.Errorf("--expires %q = %v, want a usage error naming --expires and the value", bad, err)
		}
	}
	for _, bad := range []string{"0", "-1h", "-3d"} {
		_, _, err := runMatcher(t, "token", "create", "--role", "admin", "--name", "x", "--expires", bad, "--data", data)
		if err == nil || !strings.Contains(err.Error(), "longer than 0") {
			t.Errorf("--expires %q = %v, want it refused as not longer than 0", bad, err)
		}
	}
}

func TestTokenListAndRevoke(t *testing.T) {
	ctx := context.Background()
	data := tokenData(t)
	adminSecret, _, err := runMatcher(t, "token", "create", "--role", "admin", "--name", "beheer", "--data", data)
	if err != nil {
		t.Fatal(err)
	}
	partnerSecret, _, err := runMatcher(t, "token", "create", "--role", "partner", "--name", "Buurt\tkamer\x1b[2J", "--profile", "buurtkamer", "--expires", "90d", "--data", data)
	if err != nil {
		t.Fatal(err)
	}
	admin, partner := storedToken(t, data, strings.TrimSpace(adminSecret)), storedToken(t, data, strings.TrimSpace(partnerSecret))
	// One that expired a minute ago, written to the store as a token made earlier.
	st, _, err := openEmbedded(ctx, data)
	if err != nil {
		t.Fatal(err)
	}
	expired := auth.Token{Hash: auth.Hash("ssp_expired"), Role: "tender_owner", Name: "oud", Created: time.Now().Add(-time.Hour).UTC(),
		Expires: time.Now().Add(-time.Minute).UTC()}
	err = st.CreateToken(ctx, expired)
	st.Close()
	if err != nil {
		t.Fatal(err)
	}

	out, _, err := runMatcher(t, "token", "list", "--data", data)
	if err != nil {
		t.Fatalf("matcher token list: %v", err)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 4 || strings.Join(strings.Fields(lines[0]), " ") != "ID ROLE NAME PROFILE CREATED EXPIRES STATE" {
		t.Fatalf("matcher token list =\n%s\nwant a header and three tokens", out)
	}
	want := map[string][]string{ // id → the fields of its row after the id and role
		admin.ID():   {"admin", "beheer", "-", admin.Created.UTC().Format(time.RFC3339), "never", "active"},
		partner.ID(): {"partner", "Buurt\ufffdkamer\ufffd[2J", "buurtkamer", partner.Created.UTC().Format(time.RFC3339), partner.Expires.UTC().Format(time.RFC3339), "active"},
		expired.ID(): {"tender_owner", "oud", "-", expired.Created.UTC().Format(time.RFC3339), expired.Expires.UTC().Format(time.RFC3339), "expired"},
	}
	for _, line := range lines[1:] {
		f := strings.Fields(line)
		if w, ok := want[f[0]]; !ok || strings.Join(f[1:], " ") != strings.Join(w, " ") {
			t.Errorf("matcher token list row %q, want %s %v", line, f[0], w)
		}
		delete(want, f[0])
	}
	if len(want) > 0 {
		t.Errorf("matcher token list leaves out %v:\n%s", want, out)
	}

	// Revoke the partner's token by its id; an unknown id is exit 1, a malformed one 2.
	out, _, err = runMatcher(t, "token", "revoke", partner.ID(), "--data", data)
	if err != nil || !strings.Contains(out, "revoked") || !strings.Contains(out, partner.ID()) {
		t.Fatalf("matcher token revoke %s = %q, %v; want it revoked", partner.ID(), out, err)
	}
	if tok := storedToken(t, data, strings.TrimSpace(partnerSecret)); tok.State(time.Now()) != auth.TokenRevoked {
		t.Errorf("after matcher token revoke the token is %+v, want it revoked", tok)
	}
	out, _, err = runMatcher(t, "token", "revoke", "--data", data, partner.ID())
	if err != nil || !strings.Contains(out, "already") {
		t.Errorf("matcher token revoke of a revoked token = %q, %v; want it said to be revoked already", out, err)
	}
	unknown := auth.TokenID(auth.Hash("ssp_never"))
	_, _, err = runMatcher(t, "token", "revoke", unknown, "--data", data)
	if !errors.Is(err, auth.ErrNotFound) || errors.Is(err, errUsage) || !strings.Contains(err.Error(), unknown) {
		t.Errorf("matcher token revoke %s (unknown) = %v, want not found (exit 1) naming the id", unknown, err)
	}
	for _, args := range [][]string{{"token", "revoke", "--data", data}, {"token", "revoke", "nonsense", "--data", data},
		{"token", "revoke", partner.ID(), admin.ID(), "--data", data}, {"token", "revoke", partner.Hash, "--data", data},
		{"token", "list", "extra", "--data", data}, {"token", "list", "--bogus"}} {
		if _, _, err := runMatcher(t, args...); !errors.Is(err, errUsage) {
			t.Errorf("matcher %v = %v, want a usage error", args, err)
		}
	}

	// The profile stays, and gets a new token.
	out, _, err = runMatcher(t, "token", "create", "--role", "partner", "--name", "Buurtkamer", "--profile", "buurtkamer", "--data", data)
	if err != nil {
		t.Fatalf("a new partner token for the profile of a revoked one: %v", err)
	}
	if tok := storedToken(t, data, strings.TrimSpace(out)); tok.State(time.Now()) != auth.TokenActive || tok.Profile != "buurtkamer" {
		t.Errorf("the new partner token = %+v, want it active for buurtkamer", tok)
	}

	// --json: the same tokens, never a hash or a secret.
	out, _, err = runMatcher(t, "token", "list", "--json", "--data", data)
	if err != nil {
		t.Fatal(err)
	}
	var list struct {
		Tokens []map[string]any `json:"tokens"`
		Total  int              `json:"total"`
	}
	if err := json.Unmarshal([]byte(out), &list); err != nil || list.Total != 4 || len(list.Tokens) != 4 {
		t.Fatalf("matcher token list --json = %s (%v), want 4 tokens", out, err)
	}
	states := map[any]any{}
	for _, tok := range list.Tokens {
		states[tok["id"]] = tok["state"]
	}
	if states[partner.ID()] != "revoked" || states[expired.ID()] != "expired" || states[admin.ID()] != "active" {
		t.Errorf("matcher token list --json states = %v, want the partner's revoked, oud's expired, the admin's active", states)
	}
	table, _, _ := runMatcher(t, "token", "list", "--data", data)
	for _, secret := range []string{adminSecret, partnerSecret} {
		secret = strings.TrimSpace(secret)
		for _, leak := range []string{secret, secret[4:20], auth.Hash(secret)[16:32], auth.Hash(secret)} {
			if strings.Contains(out, leak) || strings.Contains(table, leak) {
				t.Errorf("matcher token list shows %q, part of a hash or a secret", leak)
			}
		}
	}
}

func TestTokenHelp(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"token", "-h"}, "matcher token revoke ID"},
		{[]string{"token", "--help"}, "matcher token list"},
		{[]string{"token", "create", "-h"}, "--expires DURATION"},
		{[]string{"token", "create", "--help"}, "-expires"},
		{[]string{"token", "list", "-h"}, "--json"},
		{[]string{"token", "list", "--help"}, "-data"},
		{[]string{"token", "revoke", "-h"}, "matcher token revoke ID"},
		{[]string{"token", "revoke", "tok_0123456789abcdef", "--help"}, "matcher token revoke ID"},
		{[]string{"token", "rotate", "--help"}, "matcher token rotate ID"},
		{[]string{"token", "rotate", "tok_0123456789abcdef", "-h"}, "-expires"},
		{[]string{"token", "help"}, "matcher token rotate ID"},
	} {
		out, stderr, err := runMatcher(t, tc.args...)
		if err != nil || !strings.Contains(out, "usage:") || !strings.Contains(out, tc.want) || stderr != "" {
			t.Errorf("matcher %v = %v, stdout %q, stderr %q; want the usage with %q on stdout and exit 0", tc.args, err, out, stderr, tc.want)
		}
	}
}

// TestTokenRotate: the new token acts for the old one's tenders; the old one is
// revoked.
func TestTokenRotate(t *testing.T) {
	ctx := context.Background()
	data := tokenData(t)
	out, _, err := runMatcher(t, "token", "create", "--role", "tender_owner", "--name", "Gemeente Utrecht", "--data", data)
	if err != nil {
		t.Fatal(err)
	}
	old := storedToken(t, data, strings.TrimSpace(out))
	st, _, err := openEmbedded(ctx, data)
	if err != nil {
		t.Fatal(err)
	}
	tn := profiles.Tender{ID: "eenzaamheid", Title: "Eenzaamheid", Area: []string{"WK034403"}, Themes: []string{},
		Needs: []profiles.Need{{Instrument: "meals", Weight: 1}}}
	err = st.CreateTender(ctx, tn, old.ID(), time.Now())
	st.Close()
	if err != nil {
		t.Fatal(err)
	}

	out, stderr, err := runMatcher(t, "token", "rotate", old.ID(), "--expires", "30d", "--data", data)
	if err != nil {
		t.Fatalf("matcher token rotate: %v", err)
	}
	next := storedToken(t, data, strings.TrimSpace(out))
	if next.Role != "tender_owner" || next.Name != "Gemeente Utrecht" || next.Expires.Sub(next.Created) != 30*24*time.Hour || next.State(time.Now()) != auth.TokenActive {
		t.Errorf("the rotated token = %+v, want an active tender owner's token named Gemeente Utrecht for 30 days", next)
	}
	if !strings.Contains(stderr, next.ID()) || !strings.Contains(stderr, old.ID()) || !strings.Contains(stderr, "tenders moved to it: 1") {
		t.Errorf("matcher token rotate stderr = %q, want the new and the old id and 1 tender moved", stderr)
	}
	st, _, err = openEmbedded(ctx, data)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if got, err := st.TokenByHash(ctx, old.Hash); err != nil || got.State(time.Now()) != auth.TokenRevoked {
		t.Errorf("the old token after rotating = %+v, %v; want it revoked", got, err)
	}
	if rec, err := st.GetTender(ctx, tn.ID); err != nil || rec.Owner != next.ID() {
		t.Errorf("the tender after rotating = owner %q, %v; want %s", rec.Owner, err, next.ID())
	}
	unknown := auth.TokenID(auth.Hash("ssp_never"))
	if _, _, err := runMatcher(t, "token", "rotate", unknown, "--data", data); !errors.Is(err, auth.ErrNotFound) || errors.Is(err, errUsage) {
		t.Errorf("matcher token rotate %s (unknown) = %v, want not found (exit 1)", unknown, err)
	}
	for _, args := range [][]string{{"token", "rotate", "--data", data}, {"token", "rotate", "nonsense", "--data", data},
		{"token", "rotate", next.ID(), "--expires", "0", "--data", data}} {
		if _, _, err := runMatcher(t, args...); !errors.Is(err, errUsage) {
			t.Errorf("matcher %v = %v, want a usage error", args, err)
		}
	}
}

// TestTokenSettings: matcher token reads the settings as every command does: the
// data directory from SAMENSPEL_DATA (or the settings file) when --data is not
// given, and --data over it.
func TestTokenSettings(t *testing.T) {
	t.Chdir(t.TempDir()) // no config/matcher.yaml here
	fromEnv, fromFlag := t.TempDir(), t.TempDir()
	t.Setenv("SAMENSPEL_DATA", fromEnv)
	if _, _, err := runMatcher(t, "token", "create", "--role", "admin", "--name", "Beheer"); err != nil {
		t.Fatalf("matcher token create with SAMENSPEL_DATA: %v", err)
	}
	if _, _, err := runMatcher(t, "token", "create", "--role", "admin", "--name", "Elders", "--data", fromFlag); err != nil {
		t.Fatalf("matcher token create --data: %v", err)
	}
	for dir, want := range map[string]string{fromEnv: "Beheer", fromFlag: "Elders"} {
		st := dataStore(t, dir)
		toks, _, err := st.Tokens(context.Background(), 10, 0)
		st.Close()
		if err != nil || len(toks) != 1 || toks[0].Name != want {
			t.Errorf("tokens in %s = %+v, %v; want the one named %s", dir, toks, err, want)
		}
	}
	out, _, err := runMatcher(t, "token", "list", "--json")
	if err != nil || !strings.Contains(out, "Beheer") || strings.Contains(out, "Elders") {
		t.Errorf("matcher token list with SAMENSPEL_DATA = %q, %v; want Beheer's token alone", out, err)
	}
	if _, _, err := runMatcher(t, "token", "list", "--data", fromFlag, "--config", "missing.yaml"); err == nil || !strings.Contains(err.Error(), "missing.yaml") {
		t.Errorf("matcher token list --config missing.yaml = %v, want an error naming the file", err)
	}
}
