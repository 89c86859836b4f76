package api

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync"
	"testing"
	"time"

	"samenspel/config"
	"samenspel/internal/auth"
	"samenspel/internal/cache"
	"samenspel/internal/profiles"
	"samenspel/internal/suggest"
	"samenspel/internal/webhook"
)

// newHookEnv is newEnv with policy deciding webhook URLs.
func newHookEnv(t *testing.T, policy webhook.Policy) *env {
	t.Helper()
	e := newEnv(t)
	tax, _ := profiles.ParseTaxonomy(config.Taxonomy)
	h, err := New(withStores(Deps{Taxonomy: tax, Log: slog.New(slog.NewJSONHandler(e.logs, nil)), Store: e.st,
		Suggest: suggest.New(e.st, cache.NewMemory(100, time.Hour), nil), Now: func() time.Time { return time.Unix(100, 0).UTC() },
		Webhook: policy}))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	e.url = srv.URL
	return e
}

// lookup resolves a few names without DNS.
func lookup(_ context.Context, host string) ([]netip.Addr, error) {
	switch host {
	case "hooks.example.org":
		return []netip.Addr{netip.MustParseAddr("93.184.215.14")}, nil
	case "rebind.example.org":
		return []netip.Addr{netip.MustParseAddr("127.0.0.1")}, nil
	}
	return nil, errors.New("no such host")
}

func TestWebhookRoles(t *testing.T) {
	e := newHookEnv(t, webhook.Policy{Lookup: lookup})
	body := `{"url":"https://hooks.example.org/samenspel"}`
	for _, m := range []string{"GET", "PUT", "DELETE"} {
		for role, want := range map[string]int{"": 401, "bogus": 401, auth.RoleAdmin: 403, auth.RoleTenderOwner: 403} {
			status, b, hdr := e.do(m, "/v1/me/webhook", role, body)
			if status != want || hdr.Get("Content-Type") != "application/problem+json" {
				t.Errorf("%s /v1/me/webhook as %q = %d %.200s, want a %d problem", m, role, status, b, want)
			}
		}
	}
	if _, err := e.st.Webhook(context.Background(), partnerID); !errors.Is(err, webhook.ErrNotFound) {
		t.Errorf("a refused PUT stored a webhook: %v", err)
	}
}

func TestWebhookLifecycle(t *testing.T) {
	e := newHookEnv(t, webhook.Policy{Lookup: lookup})
	ctx := context.Background()
	if status, _, _ := e.do("GET", "/v1/me/webhook", auth.RolePartner, ""); status != 404 {
		t.Errorf("GET before any = %d, want 404", status)
	}
	put := func() (secret string) {
		t.Helper()
		status, body, hdr := e.do("PUT", "/v1/me/webhook", auth.RolePartner, `{"url":"https://hooks.example.org/samenspel?key=abc"}`)
		var out webhookView
		json.Unmarshal([]byte(body), &out)
		if status != 200 || out.URL != "https://hooks.example.org/samenspel?key=abc" || !strings.HasPrefix(out.Secret, "whsec_") ||
			!out.Created.Equal(time.Unix(100, 0)) || hdr.Get("Cache-Control") != "no-store" {
			t.Fatalf("PUT /v1/me/webhook = %d %s (Cache-Control %q), want 200 with the url, created and a secret, not cached", status, body, hdr.Get("Cache-Control"))
		}
		return out.Secret
	}
	first := put()
	second := put()
	if first == second {
		t.Errorf("setting the webhook again kept its secret")
	}
	if w, err := e.st.Webhook(ctx, partnerID); err != nil || w.Secret != second {
		t.Errorf("stored webhook = %+v, %v; want the second secret", w, err)
	}
	status, body, _ := e.do("GET", "/v1/me/webhook", auth.RolePartner, "")
	if status != 200 || !strings.Contains(body, `"url":"https://hooks.example.org/samenspel?key=abc"`) || !strings.Contains(body, `"created":`) ||
		strings.Contains(body, "secret") || strings.Contains(body, second) {
		t.Errorf("GET /v1/me/webhook = %d %s, want the url and created, never the secret", status, body)
	}
	if strings.Contains(e.logs.String(), first) || strings.Contains(e.logs.String(), second) {
		t.Errorf("the log carries a webhook secret")
	}
	if status, _, _ := e.do("DELETE", "/v1/me/webhook", auth.RolePartner, ""); status != 204 {
		t.Errorf("DELETE /v1/me/webhook = %d, want 204", status)
	}
	if status, _, _ := e.do("GET", "/v1/me/webhook", auth.RolePartner, ""); status != 404 {
		t.Errorf("GET after DELETE = %d, want 404", status)
	}
	if status, _, _ := e.do("DELETE", "/v1/me/webhook", auth.RolePartner, ""); status != 404 {
		t.Errorf("second DELETE = %d, want 404", status)
	}
}

func TestWebhookURLRefused(t *testing.T) {
	e := newHookEnv(t, webhook.Policy{Lookup: lookup})
	tests := []struct{ name, url string }{
		{"loopback", "https://127.0.0.1/hook"},
		{"10/8", "https://10.0.0.1/hook"},
		{"172.16/12", "https://172.16.5.4/hook"},
		{"192.168/16", "https://192.168.1.1/hook"},
		{"::1", "https://[::1]/hook"},
		{"fe80::", "https://[fe80::1]/hook"},
		{"metadata", "https://169.254.169.254/latest/meta-data"},
		{"CGNAT", "https://100.64.0.1/hook"},
		{"localhost", "https://localhost:8443/hook"},
		{"a name resolving to 127.0.0.1", "https://rebind.example.org/hook"},
		{"a name that does not resolve", "https://nowhere.example.org/hook"},
		{"http", "http://hooks.example.org/hook"},
		{"ftp", "ftp://hooks.example.org/hook"},
		{"user and password", "https://u:p@hooks.example.org/hook"},
		{"empty", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b, _ := json.Marshal(map[string]string{"url": tc.url})
			status, body, hdr := e.do("PUT", "/v1/me/webhook", auth.RolePartner, string(b))
			if status != 400 || !strings.Contains(body, `"field":"url"`) || hdr.Get("Content-Type") != "application/problem+json" {
				t.Errorf("PUT webhook %q = %d %s, want a 400 problem naming url", tc.url, status, body)
			}
		})
	}
	for body, want := range map[string]int{`{"url":`: 400, `{"url":"https://hooks.example.org/h","secret":"mine"}`: 422, `["https://hooks.example.org/h"]`: 400} {
		if status, b, _ := e.do("PUT", "/v1/me/webhook", auth.RolePartner, body); status != want {
			t.Errorf("PUT webhook %s = %d %s, want %d", body, status, b, want)
		}
	}
	if _, err := e.st.Webhook(context.Background(), partnerID); !errors.Is(err, webhook.ErrNotFound) {
		t.Errorf("a refused URL was stored: %v", err)
	}
}

// TestWebhookDelivered: a partner sets a webhook (a loopback receiver, which the
// test policy allows), and the Sender's delivery verifies with the secret the PUT
// showed.
func TestWebhookDelivered(t *testing.T) {
	policy := webhook.Policy{AllowHTTP: true, AllowAddr: func(a netip.Addr) bool { return a.IsLoopback() }}
	e := newHookEnv(t, policy)
	ctx := context.Background()
	var mu sync.Mutex
	var secret string
	var got []error
	recv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		mu.Lock()
		defer mu.Unlock()
		got = append(got, webhook.Verify(secret, r.Header.Get(webhook.SignatureHeader), body, time.Now(), time.Minute))
	}))
	defer recv.Close()
	status, body, _ := e.do("PUT", "/v1/me/webhook", auth.RolePartner, `{"url":"`+recv.URL+`/hook"}`)
	var out webhookView
	json.Unmarshal([]byte(body), &out)
	if status != 200 {
		t.Fatalf("PUT a loopback webhook under the test policy = %d %s", status, body)
	}
	mu.Lock()
	secret = out.Secret
	mu.Unlock()
	if _, err := e.st.AddNotifications(ctx, 1, time.Now(), []webhook.Notification{{Profile: partnerID, Tender: "t1", Rank: 1}}); err != nil {
		t.Fatal(err)
	}
	sent, failed, err := webhook.NewSender(e.st, slog.New(slog.NewTextHandler(io.Discard, nil)), webhook.WithPolicy(policy)).Deliver(ctx)
	mu.Lock()
	defer mu.Unlock()
	if sent != 1 || failed != 0 || err != nil || len(got) != 1 || got[0] != nil {
		t.Errorf("Deliver = %d, %d, %v; receiver verified %v; want one delivery that verifies", sent, failed, err, got)
	}
	if _, body, _ := e.do("GET", "/v1/me/notifications", auth.RolePartner, ""); !strings.Contains(body, `"delivered":`) {
		t.Errorf("after delivery, GET /v1/me/notifications = %s, want it delivered", body)
	}
}
