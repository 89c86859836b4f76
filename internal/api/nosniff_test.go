package api

import (
	"net/http/httptest"
	"strings"
	"testing"
)

// TestNoSniffEverywhere: every answer, of the API, the probes and every error (404,
// 405, 400, 429), tells browsers not to guess its type. The pages' own headers are
// internal/web's tests.
func TestNoSniffEverywhere(t *testing.T) {
	a := newLimitedAPI(t, Limits{PerIP: 0.001, BurstIP: 13}, nil, nil) // the last request is the 14th
	tests := []struct {
		method, path, body string
		want               int
	}{
		{"GET", "/v1/taxonomy", "", 200},
		{"GET", "/v1/profiles", "", 200},
		{"GET", "/v1/tenders/nobody", "", 404},
		{"GET", "/healthz", "", 200},
		{"GET", "/openapi.json", "", 200},
		{"GET", "/metrics", "", 200},
		{"GET", "/v1/profiles/nobody", "", 404},
		{"GET", "/nowhere", "", 404},
		{"PATCH", "/v1/taxonomy", "", 405},
		{"POST", "/v1/profiles", "{", 400},
		{"GET", "/v1/me/webhook", "", 401},
		{"GET", "/v1/tenders", "", 200},
		{"GET", "/v1/tenders", "", 200},
		{"GET", "/v1/tenders", "", 200},
		{"GET", "/v1/tenders", "", 200},
		{"GET", "/v1/tenders", "", 429},
	}
	for _, tc := range tests {
		req := httptest.NewRequest(tc.method, tc.path, strings.NewReader(tc.body))
		req.Header.Set("Content-Type", "application/json")
		req.RemoteAddr = "192.0.2.1:40000"
		w := httptest.NewRecorder()
		a.h.ServeHTTP(w, req)
		if got := w.Header().Get("X-Content-Type-Options"); w.Code != tc.want || got != "nosniff" {
			t.Errorf("%s %s = %d, X-Content-Type-Options %q; want %d, nosniff", tc.method, tc.path, w.Code, got, tc.want)
		}
	}
}
