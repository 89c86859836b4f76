package api

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"samenspel/config"
	"samenspel/internal/auth"
	"samenspel/internal/profiles"
	"samenspel/internal/store"
	"samenspel/internal/store/storetest"
)

// tokenClock is a settable clock shared by the replicas of a test.
type tokenClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *tokenClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *tokenClock) set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

// tokenReplicas are servers over one data directory, each with its own store, as
// replicas sharing a store are; with a token for each role (the partner's for
// profile "buurtkamer") and one that expires an hour after the clock's start.
type tokenReplicas struct {
	t       *testing.T
	urls    []string
	st      *store.Store // the first replica's
	clock   *tokenClock
	secrets map[string]string // role or "expiring" → secret
	tokens  map[string]auth.Token
}

var tokenStart = time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)

func newTokenReplicas(t *testing.T, n int) *tokenReplicas {
	t.Helper()
	return newLimitedTokenReplicas(t, n, Limits{})
}

// newLimitedTokenReplicas is newTokenReplicas with the rate limits l (the
// defaults when zero).
func newLimitedTokenReplicas(t *testing.T, n int, l Limits) *tokenReplicas {
	t.Helper()
	ctx := context.Background()
	tax, err := profiles.ParseTaxonomy(config.Taxonomy)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	r := &tokenReplicas{t: t, clock: &tokenClock{t: tokenStart}, secrets: map[string]string{}, tokens: map[string]auth.Token{}}
	for i := range n {
		st, err := store.Open(ctx, dir, tax)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		if i == 0 {
			r.st = st
			if err := st.CreateProfile(ctx, storetest.Profile("buurtkamer")); err != nil {
				t.Fatal(err)
			}
		}
		h, err := New(withStores(Deps{Taxonomy: tax, Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Store: st, Now: r.clock.now, Limits: &l}))
		if err != nil {
			t.Fatal(err)
		}
		srv := httptest.NewServer(h)
		t.Cleanup(srv.Close)
		r.urls = append(r.urls, srv.URL)
	}
	for i, name := range []string{auth.RoleAdmin, auth.RoleTenderOwner, auth.RolePartner, "expiring"} {
		secret, _ := auth.NewSecret()
		tok := auth.Token{Hash: auth.Hash(secret), Role: name, Name: "name of " + name, Created: tokenStart.Add(time.Duration(i) * time.Minute)}
		switch name {
		case auth.RolePartner:
			tok.Profile = "buurtkamer"
		case "expiring":
			tok.Role, tok.Expires = auth.RoleTenderOwner, tokenStart.Add(time.Hour)
		}
		if err := r.st.CreateToken(ctx, tok); err != nil {
			t.Fatal(err)
		}
		r.secrets[name], r.tokens[name] = secret, tok
	}
	return r
}

// do sends a request to replica i as who (a key of secrets, "" anonymous, or
// "bogus" an unknown token).
func (r *tokenReplicas) do(i int, method, path, who string) (int, string) {
	r.t.Helper()
	req, _ := http.NewRequest(method, r.urls[i]+path, nil)
	switch who {
	case "":
	case "bogus":
		s, _ := auth.NewSecret()
		req.Header.Set("Authorization", "Bearer "+s)
	default:
		req.Header.Set("Authorization", "Bearer "+r.secrets[who])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		r.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// tokenList decodes GET /v1/tokens.
type tokenList struct {
	Tokens []TokenView `json:"tokens"`
	Total  int         `json:"total"`
}

func (r *tokenReplicas) list(i int, query string) tokenList {
	r.t.Helper()
	status, body := r.do(i, "GET", "/v1/tokens"+query, auth.RoleAdmin)
	var out tokenList
	if err := json.Unmarshal([]byte(body), &out); status != 200 || err != nil {
		r.t.Fatalf("GET /v1/tokens%s = %d %s (%v)", query, status, body, err)
	}
	return out
}

func TestTokenRoutesAreForAdmins(t *testing.T) {
	r := newTokenReplicas(t, 1)
	partnerID := r.tokens[auth.RolePartner].ID()
	for _, route := range []struct{ method, path string }{{"GET", "/v1/tokens"}, {"DELETE", "/v1/tokens/" + partnerID}} {
		for _, tc := range []struct {
			who  string
			want int
		}{{"", 401}, {"bogus", 401}, {auth.RolePartner, 403}, {auth.RoleTenderOwner, 403}} {
			if status, body := r.do(0, route.method, route.path, tc.who); status != tc.want {
				t.Errorf("%s %s as %q = %d %.200s, want %d", route.method, route.path, tc.who, status, body, tc.want)
			}
		}
	}
	if got, _ := r.st.TokenByHash(context.Background(), r.tokens[auth.RolePartner].Hash); got.State(tokenStart) != auth.TokenActive {
		t.Errorf("the partner's token after refused DELETEs = %+v, want it active", got)
	}
	if status, body := r.do(0, "GET", "/v1/tokens", auth.RoleAdmin); status != 200 {
		t.Errorf("GET /v1/tokens as admin = %d %.200s, want 200", status, body)
	}
}

func TestListTokens(t *testing.T) {
	r := newTokenReplicas(t, 1)
	got := r.list(0, "")
	want := []string{"expiring", auth.RolePartner, auth.RoleTenderOwner, auth.RoleAdmin} // newest first
	if got.Total != len(want) || len(got.Tokens) != len(want) {
		t.Fatalf("GET /v1/tokens = %+v, want %d tokens", got, len(want))
	}
	for i, name := range want {
		tok, v := r.tokens[name], got.Tokens[i]
		if v.ID != tok.ID() || v.Role != tok.Role || v.Name != tok.Name || v.Profile != tok.Profile || !v.Created.Equal(tok.Created) ||
			v.State != auth.TokenActive || v.Revoked != nil {
			t.Errorf("GET /v1/tokens [%d] = %+v, want the %s token, active", i, v, name)
		}
	}
	if e := got.Tokens[0].Expires; e == nil || !e.Equal(tokenStart.Add(time.Hour)) {
		t.Errorf("expiring token's expires = %v, want %v", e, tokenStart.Add(time.Hour))
	}
	if e := got.Tokens[1].Expires; e != nil {
		t.Errorf("partner token's expires = %v, want none (never)", e)
	}

	pages := []struct {
		query string
		want  []string
	}{
		{"?limit=1", want[:1]},
		{"?limit=2&offset=1", want[1:3]},
		{"?offset=4", nil},
	}
	for _, p := range pages {
		got := r.list(0, p.query)
		var ids []string
		for _, v := range got.Tokens {
			ids = append(ids, v.ID)
		}
		var wantIDs []string
		for _, name := range p.want {
			wantIDs = append(wantIDs, r.tokens[name].ID())
		}
		if strings.Join(ids, " ") != strings.Join(wantIDs, " ") || got.Total != len(want) {
			t.Errorf("GET /v1/tokens%s = %v of %d, want %v of %d", p.query, ids, got.Total, wantIDs, len(want))
		}
	}
	for _, q := range []string{"?limit=0", "?limit=101", "?offset=-1", "?limit=x"} {
		if status, body := r.do(0, "GET", "/v1/tokens"+q, auth.RoleAdmin); status != 422 {
			t.Errorf("GET /v1/tokens%s = %d %.200s, want 422", q, status, body)
		}
	}

	// Never a hash or a secret: nothing of a hash beyond what the id shows.
	r.clock.set(tokenStart.Add(2 * time.Hour))
	r.do(0, "DELETE", "/v1/tokens/"+r.tokens[auth.RolePartner].ID(), auth.RoleAdmin)
	_, body := r.do(0, "GET", "/v1/tokens", auth.RoleAdmin)
	for name, tok := range r.tokens {
		if strings.Contains(body, tok.Hash[12:28]) || strings.Contains(body, r.secrets[name]) || strings.Contains(body, r.secrets[name][4:20]) {
			t.Errorf("GET /v1/tokens shows the hash or the secret of the %s token: %s", name, body)
		}
	}
	if strings.Contains(body, `"hash"`) || strings.Contains(body, `"secret"`) {
		t.Errorf("GET /v1/tokens has a hash or secret member: %s", body)
	}
	states := map[string]string{}
	for _, v := range r.list(0, "").Tokens {
		states[v.ID] = v.State
	}
	if states[r.tokens["expiring"].ID()] != auth.TokenExpired || states[r.tokens[auth.RolePartner].ID()] != auth.TokenRevoked ||
		states[r.tokens[auth.RoleAdmin].ID()] != auth.TokenActive {
		t.Errorf("states two hours on, after revoking the partner's = %v, want expiring expired, partner revoked, admin active", states)
	}
}

// TestRevokedTokenRefusedOnEveryReplica: revoking through one replica refuses
// the token at once on both; the 401 says "token revoked" and nothing about the
// token; the partner's profile stays, an admin manages it, and a new token for it
// works.
func TestRevokedTokenRefusedOnEveryReplica(t *testing.T) {
	r := newTokenReplicas(t, 2)
	partner := r.tokens[auth.RolePartner]
	for i := range 2 {
		if status, body := r.do(i, "GET", "/v1/me/notifications", auth.RolePartner); status != 200 {
			t.Fatalf("replica %d: GET /v1/me/notifications as the partner = %d %.200s, want 200", i, status, body)
		}
	}
	if status, body := r.do(1, "DELETE", "/v1/tokens/"+partner.ID(), auth.RoleAdmin); status != 204 || body != "" {
		t.Fatalf("DELETE /v1/tokens/%s = %d %q, want 204 and no body", partner.ID(), status, body)
	}
	for i := range 2 {
		status, body := r.do(i, "GET", "/v1/me/notifications", auth.RolePartner)
		if status != 401 || !strings.Contains(body, "token revoked") {
			t.Errorf("replica %d: revoked token = %d %s, want 401 saying token revoked", i, status, body)
		}
		for _, leak := range []string{partner.ID(), partner.Name, partner.Profile, partner.Hash[:8]} {
			if strings.Contains(body, leak) {
				t.Errorf("replica %d: the 401 of a revoked token names %q: %s", i, leak, body)
			}
		}
	}
	if status, _ := r.do(0, "DELETE", "/v1/tokens/"+partner.ID(), auth.RoleAdmin); status != 204 {
		t.Errorf("DELETE of a revoked token again = %d, want 204", status)
	}
	if v := r.list(1, "").Tokens[1]; v.ID != partner.ID() || v.State != auth.TokenRevoked || v.Revoked == nil || !v.Revoked.Equal(tokenStart) {
		t.Errorf("the revoked token in the list = %+v, want it revoked at %v", v, tokenStart)
	}
	for _, tc := range []struct {
		id   string
		want int
	}{{auth.TokenID(auth.Hash("ssp_never")), 404}, {"tok_", 400}, {"nonsense", 400}, {partner.Hash, 400}} {
		if status, body := r.do(0, "DELETE", "/v1/tokens/"+tc.id, auth.RoleAdmin); status != tc.want {
			t.Errorf("DELETE /v1/tokens/%s = %d %.200s, want %d", tc.id, status, body, tc.want)
		}
	}

	// The profile stays, an admin still manages it, and a new token acts for it.
	if status, body := r.do(1, "POST", "/v1/profiles/buurtkamer/confirmation", auth.RoleAdmin); status >= 300 {
		t.Errorf("admin confirming the profile of a revoked token = %d %.200s, want success", status, body)
	}
	secret, _ := auth.NewSecret()
	if err := r.st.CreateToken(context.Background(), auth.Token{Hash: auth.Hash(secret), Role: auth.RolePartner, Name: "new", Profile: "buurtkamer", Created: tokenStart}); err != nil {
		t.Fatal(err)
	}
	r.secrets["new"] = secret
	if status, body := r.do(1, "GET", "/v1/me/notifications", "new"); status != 200 {
		t.Errorf("the profile's new token = %d %.200s, want 200", status, body)
	}
	// Revoking one's own token works too, and holds from the next request.
	r.do(0, "DELETE", "/v1/tokens/"+r.tokens[auth.RoleAdmin].ID(), auth.RoleAdmin)
	if status, body := r.do(1, "GET", "/v1/tokens", auth.RoleAdmin); status != 401 || !strings.Contains(body, "token revoked") {
		t.Errorf("GET /v1/tokens with the admin's own revoked token = %d %.200s, want 401", status, body)
	}
}

// TestExpiredTokenRefusedOnEveryReplica: a token is accepted until its expiry
// and refused from that instant on both replicas, with "token expired".
func TestExpiredTokenRefusedOnEveryReplica(t *testing.T) {
	r := newTokenReplicas(t, 2)
	expiry := r.tokens["expiring"].Expires
	for _, tc := range []struct {
		at     time.Time
		status int
	}{{expiry.Add(-time.Nanosecond), 200}, {expiry, 401}, {expiry.Add(24 * time.Hour), 401}} {
		r.clock.set(tc.at)
		for i := range 2 {
			status, body := r.do(i, "GET", "/v1/jobs", "expiring")
			if status != tc.status || (status == 401 && !strings.Contains(body, "token expired")) {
				t.Errorf("replica %d at %v: GET /v1/jobs with a token expiring at %v = %d %.200s, want %d", i, tc.at, expiry, status, body, tc.status)
			}
			if status == 401 && strings.Contains(body, r.tokens["expiring"].ID()) {
				t.Errorf("the 401 of an expired token names its id: %s", body)
			}
		}
		if status, _ := r.do(0, "GET", "/v1/jobs", auth.RoleTenderOwner); status != 200 {
			t.Errorf("at %v a token without expiry = %d, want 200", tc.at, status)
		}
	}
}

// TestRevokedTokenKeepsNoBucket: a token's own rate-limit bucket goes with its
// revocation; its requests count against its address from then on.
func TestRevokedTokenKeepsNoBucket(t *testing.T) {
	l := Limits{PerIP: 0.001, BurstIP: 3, PerToken: 0.001, BurstToken: 50}
	r := newLimitedTokenReplicas(t, 1, l)
	statuses := func() map[int]int {
		n := map[int]int{}
		for range 10 {
			status, _ := r.do(0, "GET", "/v1/tokens", auth.RoleAdmin)
			n[status]++
		}
		return n
	}
	if got := statuses(); got[200] != 10 {
		t.Fatalf("10 requests with an admin token and a token burst of %d = %v, want all 200", l.BurstToken, got)
	}
	if _, err := r.st.RevokeToken(context.Background(), r.tokens[auth.RoleAdmin].ID(), tokenStart); err != nil {
		t.Fatal(err)
	}
	got := statuses()
	if got[401] > l.BurstIP+1 || got[401]+got[429] != 10 {
		t.Errorf("10 requests with the revoked admin token = %v, want at most %d refused as 401 (its address's burst and the one that dropped its bucket), the rest 429", got, l.BurstIP+1)
	}
}

// TestRotatedTokenManagesTheTenders: after a rotation the new token manages the
// tenders of the old one, on every replica; the old one is refused.
func TestRotatedTokenManagesTheTenders(t *testing.T) {
	ctx := context.Background()
	r := newTokenReplicas(t, 2)
	owner := r.tokens[auth.RoleTenderOwner]
	if err := r.st.CreateTender(ctx, storetest.Tender("t1"), owner.ID(), tokenStart); err != nil {
		t.Fatal(err)
	}
	if status, body := r.do(0, "DELETE", "/v1/tenders/t1", "expiring"); status != 403 {
		t.Fatalf("DELETE /v1/tenders/t1 by another tender owner = %d %.200s, want 403", status, body)
	}
	secret, _ := auth.NewSecret()
	if _, _, _, err := r.st.RotateToken(ctx, owner.ID(), auth.Token{Hash: auth.Hash(secret), Created: tokenStart}, tokenStart); err != nil {
		t.Fatal(err)
	}
	r.secrets["rotated"] = secret
	if status, body := r.do(1, "GET", "/v1/jobs", auth.RoleTenderOwner); status != 401 || !strings.Contains(body, "token revoked") {
		t.Errorf("the old token after rotating = %d %.200s, want 401 token revoked", status, body)
	}
	if status, body := r.do(1, "DELETE", "/v1/tenders/t1", "rotated"); status >= 300 {
		t.Errorf("DELETE /v1/tenders/t1 with the rotated token = %d %.200s, want success", status, body)
	}
}
