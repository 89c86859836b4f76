package api

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"samenspel/config"
	"samenspel/internal/auth"
	"samenspel/internal/cache"
	"samenspel/internal/gazetteer"
	"samenspel/internal/profiles"
	"samenspel/internal/store"
	"samenspel/internal/suggest"
	"samenspel/internal/synth"
)

// env is a server over a real store, with a token per role.
type env struct {
	t      *testing.T
	url    string
	st     *store.Store
	tokens map[string]string // role → secret; "partner" acts for partnerID
	logs   *bytes.Buffer
	// dataDir is the store's directory.
	dataDir string
}

// envNow is the env server's clock: a day from which events of the past can be
// recorded (SPEC §4: from 2000-01-01 to today).
var envNow = time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC)

const (
	partnerID  = "buurtkamer-canary"
	canary     = "CANARY-PRIVATE-7f3a"
	canaryMail = "canary-contact@example.org"
)

func newEnv(t *testing.T) *env {
	t.Helper()
	ctx := context.Background()
	tax, err := profiles.ParseTaxonomy(config.Taxonomy)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	st, err := store.Open(ctx, dir, tax)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	tn := synth.Tenders(1, 1)[0]
	ps := synth.Pool(1, tn, 40)
	for i := range ps {
		ps[i].Private = map[string]string{"ideas": canary}
		ps[i].Contact = &profiles.Contact{Email: canaryMail}
	}
	ps[0].ID = partnerID
	if _, _, err := st.UpsertProfiles(ctx, ps); err != nil {
		t.Fatal(err)
	}
	if err := st.CreateTender(ctx, tn, "examples", time.Unix(0, 0).UTC()); err != nil {
		t.Fatal(err)
	}
	e := &env{t: t, st: st, tokens: map[string]string{}, logs: new(bytes.Buffer), dataDir: dir}
	gaz := gazetteer.Default() // as matcher serve loads it by default
	for _, role := range []string{auth.RoleAdmin, auth.RoleTenderOwner, auth.RolePartner} {
		secret, _ := auth.NewSecret()
		tok := auth.Token{Hash: auth.Hash(secret), Role: role, Name: role, Created: time.Unix(0, 0).UTC()}
		if role == auth.RolePartner {
			tok.Profile = partnerID
		}
		if err := st.CreateToken(ctx, tok); err != nil {
			t.Fatal(err)
		}
		e.tokens[role] = secret
	}
	h, err := New(withStores(Deps{Taxonomy: tax, Gazetteer: gaz, Log: slog.New(slog.NewJSONHandler(e.logs, nil)), Ready: st.Ping, Store: st,
		Suggest: suggest.New(st, cache.NewMemory(100, time.Hour), nil), Now: func() time.Time { return envNow }}))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	e.url = srv.URL
	return e
}

// addToken stores a new token of role (for profile, when a partner's) and makes it
// usable in do as name.
func (e *env) addToken(t *testing.T, name, role, profile string) {
	t.Helper()
	secret, _ := auth.NewSecret()
	tok := auth.Token{Hash: auth.Hash(secret), Role: role, Name: name, Profile: profile, Created: time.Unix(0, 0).UTC()}
	if err := e.st.CreateToken(context.Background(), tok); err != nil {
		t.Fatal(err)
	}
	e.tokens[name] = secret
}

// do sends a request as role ("" anonymous, "bogus" an unknown token).
func (e *env) do(method, path, role, body string) (int, string, http.Header) {
	e.t.Helper()
	return e.send(method, path, role, body)
}

// send is do with request headers (name, value, ...); a body is sent as
// application/json unless the headers name another Content-Type.
func (e *env) send(method, path, role, body string, headers ...string) (int, string, http.Header) {
	e.t.Helper()
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	req, _ := http.NewRequest(method, e.url+path, r)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	switch role {
	case "":
	case "bogus":
		s, _ := auth.NewSecret()
		req.Header.Set("Authorization", "Bearer "+s)
	default:
		req.Header.Set("Authorization", "Bearer "+e.tokens[role])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), resp.Header
}

const newProfile = `{"id":"nieuw-initiatief","name":"Nieuw Initiatief","kind":"residents_group","size":"small","new_provider":true,"can_lead":false,
"areas":["WK034403"],"instruments":{"meals":1},"themes":["loneliness"],"private":{"ideas":"` + canary + `"}}`

const newTender = `{"id":"nieuwe-tender","title":"Nieuwe tender","area":["WK034403"],"themes":["loneliness"],
"needs":[{"instrument":"home_visits","weight":2,"must":true},{"instrument":"meals","weight":1}]}`

func TestRegisterProfile(t *testing.T) {
	e := newEnv(t)
	status, body, hdr := e.do("POST", "/v1/profiles", "", newProfile)
	if status != 201 || hdr.Get("Location") != "/v1/profiles/nieuw-initiatief" {
		t.Fatalf("POST /v1/profiles = %d %s", status, body)
	}
	var out struct {
		Profile profiles.Profile `json:"profile"`
		Token   string           `json:"token"`
	}
	json.Unmarshal([]byte(body), &out)
	if out.Profile.Private["ideas"] != canary {
		t.Errorf("the owner's own answer lacks its private field: %s", body)
	}
	// The token works: the partner sees its private field, anonymous does not.
	e.tokens["new"] = out.Token
	if _, b, _ := e.do("GET", "/v1/profiles/nieuw-initiatief", "new", ""); !strings.Contains(b, canary) {
		t.Errorf("the new partner's token does not show its private field: %s", b)
	}
	if _, b, _ := e.do("GET", "/v1/profiles/nieuw-initiatief", "", ""); strings.Contains(b, canary) {
		t.Errorf("anonymous sees a private field: %s", b)
	}
	tests := []struct {
		name   string
		body   string
		status int
		want   string
	}{
		{"id taken", newProfile, 409, `"status":409`},
		{"malformed", `{"id":`, 400, `"status":400`},
		{"trailing garbage", newProfile + ` {}`, 400, `"status":400`},
		{"invalid values", strings.Replace(newProfile, `"meals":1`, `"meals":1.5`, 1), 422, `"field":"instruments.meals"`},
		{"unknown code", strings.Replace(newProfile, `"residents_group"`, `"wellfare"`, 1), 422, `"field":"kind"`},
		{"unknown field", strings.Replace(newProfile, `"id"`, `"owner":"x","id"`, 1), 422, `"field":"owner"`},
		{"too large", `{"id":"x","description":"` + strings.Repeat("a", 1<<20) + `"}`, 413, `"status":413`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			status, body, hdr := e.do("POST", "/v1/profiles", "", tc.body)
			if status != tc.status || !strings.Contains(body, tc.want) || hdr.Get("Content-Type") != "application/problem+json" {
				t.Errorf("POST /v1/profiles (%s) = %d %s %.300s; want %d problem with %s", tc.name, status, hdr.Get("Content-Type"), body, tc.status, tc.want)
			}
		})
	}
}

func TestProfileVisibility(t *testing.T) {
	e := newEnv(t)
	tests := []struct {
		role             string
		contact, private bool
	}{
		{"", false, false},
		{auth.RolePartner, true, true}, // its own profile, whole
		{auth.RoleTenderOwner, true, false},
		{auth.RoleAdmin, true, true},
	}
	for _, tc := range tests {
		status, body, _ := e.do("GET", "/v1/profiles/"+partnerID, tc.role, "")
		if status != 200 || strings.Contains(body, canaryMail) != tc.contact || strings.Contains(body, canary) != tc.private {
			t.Errorf("GET profile as %q = %d, contact %v private %v; want contact %v private %v", tc.role, status,
				strings.Contains(body, canaryMail), strings.Contains(body, canary), tc.contact, tc.private)
		}
	}
	// A partner does not see another partner's private field.
	other, _ := e.st.Profiles(context.Background())
	for _, p := range other {
		if p.ID != partnerID {
			if _, body, _ := e.do("GET", "/v1/profiles/"+p.ID, auth.RolePartner, ""); strings.Contains(body, canary) {
				t.Errorf("partner sees %s's private field", p.ID)
			}
			break
		}
	}
	if status, _, _ := e.do("GET", "/v1/profiles/nobody", "", ""); status != 404 {
		t.Errorf("GET missing profile = %d, want 404", status)
	}
	if status, _, _ := e.do("GET", "/v1/profiles/"+partnerID, "bogus", ""); status != 401 {
		t.Errorf("GET with an unknown token = %d, want 401", status)
	}
}

func TestSearchProfiles(t *testing.T) {
	e := newEnv(t)
	status, body, _ := e.do("GET", "/v1/profiles?area=WK034403&limit=5", auth.RoleAdmin, "")
	var out struct {
		Hits  []profiles.Profile `json:"hits"`
		Total int                `json:"total"`
	}
	json.Unmarshal([]byte(body), &out)
	if status != 200 || len(out.Hits) == 0 || len(out.Hits) > 5 || out.Total < len(out.Hits) {
		t.Fatalf("search = %d, %d hits of %d: %.300s", status, len(out.Hits), out.Total, body)
	}
	if strings.Contains(body, canary) || strings.Contains(body, canaryMail) {
		t.Errorf("search results carry contact or private fields, even for an admin: %.300s", body)
	}
	for q, field := range map[string]string{"kind=wellfare": "kind", "size=huge": "size", "area=utrecht": "area",
		"instrument=x": "instrument", "theme=x": "theme", "limit=0": "limit", "limit=101": "limit", "offset=-1": "offset"} {
		status, body, _ := e.do("GET", "/v1/profiles?"+q, "", "")
		if status != 422 || !strings.Contains(body, `"field":"`+field+`"`) {
			t.Errorf("search ?%s = %d %s, want 422 naming %s", q, status, body, field)
		}
	}
}

func TestTenders(t *testing.T) {
	e := newEnv(t)
	for role, want := range map[string]int{"": 401, "bogus": 401, auth.RolePartner: 403} {
		if status, _, _ := e.do("POST", "/v1/tenders", role, newTender); status != want {
			t.Errorf("POST /v1/tenders as %q = %d, want %d", role, status, want)
		}
	}
	status, body, _ := e.do("POST", "/v1/tenders", auth.RoleTenderOwner, newTender)
	if status != 201 || !strings.Contains(body, `"max_size":5`) {
		t.Fatalf("POST /v1/tenders as tender owner = %d %s, want 201 with defaults", status, body)
	}
	if status, _, _ := e.do("POST", "/v1/tenders", auth.RoleAdmin, newTender); status != 409 {
		t.Errorf("second POST of the same tender = %d, want 409", status)
	}
	bad := strings.Replace(newTender, `"weight":2`, `"weight":11`, 1)
	if status, body, _ := e.do("POST", "/v1/tenders", auth.RoleAdmin, bad); status != 422 || !strings.Contains(body, `"field":"needs[0].weight"`) {
		t.Errorf("POST tender with weight 11 = %d %s, want 422 naming needs[0].weight", status, body)
	}
	if status, body, _ := e.do("GET", "/v1/tenders/nieuwe-tender", "", ""); status != 200 || !strings.Contains(body, "Nieuwe tender") {
		t.Errorf("GET tender = %d %s", status, body)
	}
	if status, body, _ := e.do("GET", "/v1/tenders", "", ""); status != 200 || !strings.Contains(body, "nieuwe-tender") {
		t.Errorf("GET tenders = %d %s", status, body)
	}
	if status, _, _ := e.do("GET", "/v1/tenders/nope", "", ""); status != 404 {
		t.Errorf("GET missing tender = %d, want 404", status)
	}
}

func TestCoalitionsAndMatch(t *testing.T) {
	e := newEnv(t)
	tenders, _ := e.st.Tenders(context.Background())
	id := tenders[0].Tender.ID
	status, body, _ := e.do("GET", "/v1/tenders/"+id+"/coalitions?top=3", auth.RoleAdmin, "")
	var res struct {
		Tender     string            `json:"tender"`
		Coalitions []json.RawMessage `json:"coalitions"`
	}
	json.Unmarshal([]byte(body), &res)
	if status != 200 || res.Tender != id || len(res.Coalitions) == 0 || len(res.Coalitions) > 3 {
		t.Fatalf("coalitions = %d %.300s", status, body)
	}
	if strings.Contains(body, canary) || strings.Contains(body, canaryMail) {
		t.Errorf("suggestions carry contact or private fields")
	}
	for q, want := range map[string]int{"?top=0": 422, "?top=51": 422, "?interested_only=maybe": 422, "?interested_only=true": 401,
		"?interestedOnly=true": 401, "?interestedOnly=1x": 422} {
		if status, _, _ := e.do("GET", "/v1/tenders/"+id+"/coalitions"+q, "", ""); status != want {
			t.Errorf("coalitions%s = %d, want %d", q, status, want)
		}
	}
	if status, _, _ := e.do("GET", "/v1/tenders/Not_An_Id/coalitions", "", ""); status != 400 {
		t.Errorf("coalitions of a malformed id = %d, want 400", status)
	}
	if status, _, _ := e.do("GET", "/v1/tenders/nope/coalitions", "", ""); status != 404 {
		t.Errorf("coalitions of a missing tender = %d, want 404", status)
	}
	status, body, _ = e.do("POST", "/v1/match?top=2", "", newTender)
	if status != 200 || !strings.Contains(body, `"tender":"nieuwe-tender"`) || strings.Contains(body, canary) {
		t.Errorf("POST /v1/match = %d %.300s", status, body)
	}
	if status, _, _ := e.do("POST", "/v1/match", "", `{"id":"x"`); status != 400 {
		t.Errorf("POST /v1/match malformed = %d, want 400", status)
	}
	if strings.Contains(e.logs.String(), canary) || strings.Contains(e.logs.String(), e.tokens[auth.RoleAdmin]) {
		t.Errorf("the log carries a private field or a token")
	}
}

// TestRateLimitAndMetrics: past its burst a client gets 429 problems with
// Retry-After; /metrics counts requests by route and suggestion cache hits.
func TestRateLimitAndMetrics(t *testing.T) {
	ctx := context.Background()
	tax, _ := profiles.ParseTaxonomy(config.Taxonomy)
	st, err := store.Open(ctx, t.TempDir(), tax)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	tn := synth.Tenders(1, 1)[0]
	st.UpsertProfiles(ctx, synth.Pool(1, tn, 20))
	st.CreateTender(ctx, tn, "examples", time.Unix(0, 0).UTC())
	m := NewMetrics()
	h, err := New(withStores(Deps{Taxonomy: tax, Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Store: st,
		Suggest: suggest.New(st, cache.NewMemory(10, time.Hour), m), Now: time.Now, Metrics: m,
		Limits: &Limits{PerIP: 0.001, BurstIP: 3, PerToken: 0.001, BurstToken: 3}}))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()
	var last *http.Response
	for range 4 {
		resp, err := http.Get(srv.URL + "/v1/tenders/" + tn.ID + "/coalitions")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		last = resp
	}
	if last.StatusCode != 429 || last.Header.Get("Retry-After") == "" || last.Header.Get("Content-Type") != "application/problem+json" {
		t.Errorf("4th request with a burst of 3 = %d, Retry-After %q, %s; want a 429 problem", last.StatusCode, last.Header.Get("Retry-After"), last.Header.Get("Content-Type"))
	}
	// A request is counted after its response is written: poll briefly.
	var out string
	deadline := time.Now().Add(5 * time.Second)
	for {
		resp, err := http.Get(srv.URL + "/metrics")
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		out = string(b)
		if strings.Contains(out, `status="429"} 1`) && strings.Contains(out, `status="200"} 3`) || time.Now().After(deadline) {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	for _, want := range []string{
		`samenspel_http_requests_total{method="GET",route="/v1/tenders/:id/coalitions",status="200"} 3`,
		`samenspel_http_requests_total{method="GET",route="/v1/tenders/:id/coalitions",status="429"} 1`,
		`samenspel_suggestion_cache_total{result="hit"} 2`,
		`samenspel_suggestion_cache_total{result="miss"} 1`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("/metrics lacks %s:\n%s", want, grepLines(out, "samenspel_"))
		}
	}
}
