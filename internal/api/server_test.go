package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sort"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"
	"github.com/google/go-cmp/cmp"

	"samenspel/config"
	"samenspel/internal/idempotency"
	"samenspel/internal/profiles"
)

func newTestServer(t *testing.T, ready func(context.Context) error) *httptest.Server {
	t.Helper()
	tax, err := profiles.ParseTaxonomy(config.Taxonomy)
	if err != nil {
		t.Fatal(err)
	}
	h, err := New(Deps{Taxonomy: tax, Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Ready: ready})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}

func get(t *testing.T, url string) (*http.Response, []byte) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp, body
}

func TestRoutes(t *testing.T) {
	var down error
	srv := newTestServer(t, func(context.Context) error { return down })
	tests := []struct {
		path        string
		status      int
		contentType string
		contains    string
	}{
		{"/healthz", 200, "application/json", `"ok"`},
		{"/readyz", 200, "application/json", `"ready"`},
		{"/openapi.json", 200, "application/json", `"openapi": "3.0.3"`},
		{"/v1/taxonomy", 200, "application/json", `"schuldhulpverlening"`},
		{"/v1/taxonomy/", 404, "application/problem+json", `"status":404`},
		{"/v1/nothing", 404, "application/problem+json", `"title":"Not Found"`},
	}
	for _, tc := range tests {
		t.Run(tc.path, func(t *testing.T) {
			resp, body := get(t, srv.URL+tc.path)
			if resp.StatusCode != tc.status || !strings.HasPrefix(resp.Header.Get("Content-Type"), tc.contentType) || !strings.Contains(string(body), tc.contains) {
				t.Errorf("GET %s = %d %s %s; want %d %s containing %s", tc.path, resp.StatusCode, resp.Header.Get("Content-Type"), body, tc.status, tc.contentType, tc.contains)
			}
			if v := resp.Header.Get("API-Version"); v != Version {
				t.Errorf("GET %s: API-Version = %q, want %q", tc.path, v, Version)
			}
			if resp.Header.Get("X-Request-ID") == "" {
				t.Errorf("GET %s: no X-Request-ID", tc.path)
			}
		})
	}
	down = errors.New("disk gone")
	if resp, body := get(t, srv.URL+"/readyz"); resp.StatusCode != 503 || strings.Contains(string(body), "disk gone") {
		t.Errorf("GET /readyz with the store down = %d %s; want 503 without the internal error", resp.StatusCode, body)
	}
	resp, err := http.Post(srv.URL+"/healthz", "application/json", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 405 || resp.Header.Get("Content-Type") != "application/problem+json" {
		t.Errorf("POST /healthz = %d %s, want 405 problem", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
}

func TestRequestIDEchoed(t *testing.T) {
	srv := newTestServer(t, nil)
	req, _ := http.NewRequest("GET", srv.URL+"/healthz", nil)
	req.Header.Set("X-Request-ID", "abc-123")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if got := resp.Header.Get("X-Request-ID"); got != "abc-123" {
		t.Errorf("X-Request-ID = %q, want the client's abc-123", got)
	}
}

// TestOpenAPIMatchesRoutes: every route served is in /openapi.json and every path
// and method there is served.
func TestOpenAPIMatchesRoutes(t *testing.T) {
	tax, _ := profiles.ParseTaxonomy(config.Taxonomy)
	h, err := New(Deps{Taxonomy: tax, Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	var served []string
	for _, r := range h.(*gin.Engine).Routes() {
		served = append(served, r.Method+" "+ginToOpenAPI(r.Path))
	}
	type server struct {
		URL string `json:"url"`
	}
	var doc struct {
		Info struct {
			Contact map[string]string `json:"contact"`
		} `json:"info"`
		Servers []server                              `json:"servers"`
		Paths   map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(openAPI, &doc); err != nil {
		t.Fatalf("openapi.json: %v", err)
	}
	if doc.Info.Contact["email"] == "" {
		t.Errorf("openapi.json has no info.contact")
	}
	// A path is served under its server's URL path: /v1 for the API, the root for
	// the operational routes (which name their own server).
	prefix := func(servers []server) string {
		if len(servers) == 0 {
			t.Fatalf("openapi.json: no server")
		}
		u, err := url.Parse(servers[0].URL)
		if err != nil {
			t.Fatalf("openapi.json server %q: %v", servers[0].URL, err)
		}
		return u.Path
	}
	var documented []string
	for path, ops := range doc.Paths {
		if strings.HasSuffix(path, "/") {
			t.Errorf("openapi.json path %q has a trailing slash", path)
		}
		servers := doc.Servers
		if raw, ok := ops["servers"]; ok {
			servers = nil
			if err := json.Unmarshal(raw, &servers); err != nil {
				t.Fatalf("openapi.json %s servers: %v", path, err)
			}
		}
		for method := range ops {
			if method == "servers" || method == "parameters" {
				continue
			}
			documented = append(documented, strings.ToUpper(method)+" "+prefix(servers)+path)
		}
	}
	sort.Strings(served)
	sort.Strings(documented)
	if diff := cmp.Diff(documented, served); diff != "" {
		t.Errorf("routes and openapi.json differ (-documented +served):\n%s", diff)
	}
}

// ginToOpenAPI turns /v1/profiles/:id into /v1/profiles/{id}.
func ginToOpenAPI(path string) string {
	parts := strings.Split(path, "/")
	for i, p := range parts {
		if strings.HasPrefix(p, ":") {
			parts[i] = "{" + p[1:] + "}"
		}
	}
	return strings.Join(parts, "/")
}

func TestProblemFor(t *testing.T) {
	verr := &profiles.ValidationError{Errors: []profiles.FieldError{{Field: "needs[2].weight", Message: "must be in (0, 10]"}}}
	tests := []struct {
		err    error
		status int
	}{
		{profiles.ErrMalformed, 400},
		{verr, 422},
		{errNotFound, 404},
		{errUnauthorized, 401},
		{errForbidden, 403},
		{&http.MaxBytesError{Limit: maxBody}, 413},
		{fmt.Errorf("store: put profile %q: %w", "a", profiles.ErrChanged), 412},
		{idempotency.ErrKeyUsed, 409},
		{errors.New("database is locked"), 500},
	}
	for _, tc := range tests {
		p := problemFor(tc.err)
		if p.Status != tc.status || p.Title != http.StatusText(tc.status) {
			t.Errorf("problemFor(%v) = %+v, want status %d", tc.err, p, tc.status)
		}
	}
	if p := problemFor(verr); len(p.Errors) != 1 || p.Errors[0].Field != "needs[2].weight" {
		t.Errorf("problemFor(validation) errors = %+v, want the field", p.Errors)
	}
	if p := problemFor(errors.New("secret internals")); strings.Contains(p.Detail, "secret") {
		t.Errorf("a 500 problem carries the internal error: %+v", p)
	}
}

func TestReadyDegraded(t *testing.T) {
	tax, _ := profiles.ParseTaxonomy(config.Taxonomy)
	h, err := New(Deps{Taxonomy: tax, Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Optional: []Optional{
			{Detail: "the shared cache does not answer", Check: func(context.Context) error { return errors.New("redis: connection refused") }},
			{Detail: "the search index answers", Check: func(context.Context) error { return nil }},
			{Detail: "the search index does not answer", Check: func(context.Context) error { return errors.New("meilisearch: 503") }},
		}})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()
	resp, body := get(t, srv.URL+"/readyz")
	if resp.StatusCode != 200 || !strings.Contains(string(body), `"degraded"`) || strings.Contains(string(body), "refused") ||
		!strings.Contains(string(body), "the shared cache does not answer; the search index does not answer") {
		t.Errorf("GET /readyz with Redis down = %d %s; want 200 degraded without internals", resp.StatusCode, body)
	}
}

// TestSaneRequestID pins which client request ids are kept: 1 to 64 of letters,
// digits, '.', '_' and '-'; any other is replaced by one of the server's.
func TestSaneRequestID(t *testing.T) {
	for id, want := range map[string]bool{
		"abc-123": true, "A.b_C-9": true, strings.Repeat("x", 64): true,
		"": false, strings.Repeat("x", 65): false, "a b": false, "a/b": false,
		"é": false, "a\nb": false, "<script>": false,
	} {
		if got := saneRequestID(id); got != want {
			t.Errorf("saneRequestID(%q) = %v, want %v", id, got, want)
		}
	}
}
