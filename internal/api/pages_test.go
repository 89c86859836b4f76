package api

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"

	"samenspel/config"
	"samenspel/internal/profiles"
)

// fakePages stands for internal/web: one page, one that panics, and error pages
// for any client that does not ask for JSON.
type fakePages struct{ errors []int }

func (f *fakePages) Mount(r gin.IRoutes) {
	r.GET("/page", func(c *gin.Context) { c.String(http.StatusOK, "page") })
	r.GET("/boom", func(c *gin.Context) { panic("boom") })
	r.POST("/page", func(c *gin.Context) { c.String(http.StatusCreated, "registered") })
}

func (f *fakePages) Registers(r *http.Request) bool {
	return r.Method == http.MethodPost && r.URL.Path == "/page"
}

func (f *fakePages) ErrorPage(c *gin.Context, status int) bool {
	if strings.Contains(c.GetHeader("Accept"), "json") {
		return false
	}
	f.errors = append(f.errors, status)
	c.Data(status, "text/html; charset=utf-8", []byte("<p>error page</p>"))
	return true
}

// TestPagesBesideTheAPI: Deps.Pages mounts its routes on the API's engine, behind
// its middleware (the rate limit here), and answers the errors of paths outside the
// API with its pages; /v1, the probes and clients asking for JSON keep problem+json.
func TestPagesBesideTheAPI(t *testing.T) {
	tax, err := profiles.ParseTaxonomy(config.Taxonomy)
	if err != nil {
		t.Fatal(err)
	}
	pages := &fakePages{}
	lim := Limits{PerIP: 0.001, BurstIP: 7}
	h, err := New(Deps{Taxonomy: tax, Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Pages: pages, Limits: &lim})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		path, accept string
		status       int
		html         bool
	}{
		{"/page", "text/html", 200, false},
		{"/nowhere", "text/html", 404, true},
		{"/nowhere", "application/json", 404, false},
		{"/v1/nowhere", "text/html", 404, false},
		{"/healthz/nowhere", "text/html", 404, true},
		{"/metrics/x", "", 404, true},
		{"/boom", "text/html", 500, true},
		{"/page", "text/html", 429, true}, // the 8th request from the address
	}
	for _, tc := range tests {
		req := httptest.NewRequest("GET", tc.path, nil)
		req.Header.Set("Accept", tc.accept)
		req.RemoteAddr = "192.0.2.7:40000"
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		ct := w.Header().Get("Content-Type")
		if w.Code != tc.status || strings.HasPrefix(ct, "text/html") != tc.html {
			t.Errorf("GET %s (Accept %s) = %d %s, want %d, HTML %v", tc.path, tc.accept, w.Code, ct, tc.status, tc.html)
		}
		if !tc.html && tc.status >= 400 && ct != "application/problem+json" {
			t.Errorf("GET %s (Accept %s): Content-Type %s, want application/problem+json", tc.path, tc.accept, ct)
		}
	}
	if want := []int{404, 404, 404, 500, 429}; len(pages.errors) != len(want) {
		t.Errorf("the pages wrote error pages %v, want %v", pages.errors, want)
	}
}

// TestPagesRegistrationsLimited: a registration through the pages counts against
// its address's registrations, as POST /v1/profiles does.
func TestPagesRegistrationsLimited(t *testing.T) {
	tax, err := profiles.ParseTaxonomy(config.Taxonomy)
	if err != nil {
		t.Fatal(err)
	}
	lim := Limits{PerIP: 100, BurstIP: 100, RegisterPerHour: 2}
	h, err := New(Deps{Taxonomy: tax, Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Pages: &fakePages{}, Limits: &lim})
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range []int{201, 201, 429} {
		req := httptest.NewRequest("POST", "/page", nil)
		req.RemoteAddr = "192.0.2.9:40000"
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		if w.Code != want {
			t.Errorf("registration %d through the pages = %d, want %d", i+1, w.Code, want)
		}
	}
}
