package api

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"
)

// scrape returns what the metrics handler serves.
func scrape(t *testing.T, h http.Handler) string {
	t.Helper()
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	if w.Code != http.StatusOK {
		t.Fatalf("GET /metrics = %d, want 200", w.Code)
	}
	body, _ := io.ReadAll(w.Body)
	return string(body)
}

func TestMetrics(t *testing.T) {
	m := NewMetrics()
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	r.Use(m.middleware())
	r.GET("/metrics", gin.WrapH(m.handler()))
	r.GET("/v1/profiles/:id", func(c *gin.Context) { c.String(http.StatusOK, "ok") })

	for _, req := range []struct{ method, path string }{
		{"GET", "/v1/profiles/prf-alpha"},
		{"GET", "/v1/profiles/prf-beta"},
		{"GET", "/no/such/route-secret-42"},
		{"BREW", "/v1/profiles/prf-gamma"},
	} {
		r.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(req.method, req.path, nil))
	}
	m.SuggestionCache(true)
	m.SuggestionCache(true)
	m.SuggestionCache(false)

	out := scrape(t, r)
	wantLines := []struct{ name, line string }{
		{"requests by route template", `samenspel_http_requests_total{method="GET",route="/v1/profiles/:id",status="200"} 2`},
		{"unmatched requests", `samenspel_http_requests_total{method="GET",route="unmatched",status="404"} 1`},
		{"unknown methods", `samenspel_http_requests_total{method="other",route="unmatched",status="404"} 1`},
		{"durations", `samenspel_http_request_duration_seconds_count{method="GET",route="/v1/profiles/:id"} 2`},
		{"cache hits", `samenspel_suggestion_cache_total{result="hit"} 2`},
		{"cache misses", `samenspel_suggestion_cache_total{result="miss"} 1`},
	}
	for _, tt := range wantLines {
		t.Run(tt.name, func(t *testing.T) {
			if !hasLine(out, tt.line) {
				t.Errorf("/metrics has no line %q; it has:\n%s", tt.line, grepLines(out, "samenspel_"))
			}
		})
	}
	for _, raw := range []string{"prf-alpha", "prf-beta", "route-secret-42", "BREW"} {
		if strings.Contains(out, raw) {
			t.Errorf("/metrics contains %q, a raw request value", raw)
		}
	}
	for _, family := range []string{"go_goroutines", "process_cpu_seconds_total"} {
		if !strings.Contains(out, "\n"+family+" ") {
			t.Errorf("/metrics has no %s: Go and process collectors missing", family)
		}
	}
}

func TestMetricsSuggestionCacheStartsAtZero(t *testing.T) {
	out := scrape(t, NewMetrics().handler())
	for _, line := range []string{
		`samenspel_suggestion_cache_total{result="hit"} 0`,
		`samenspel_suggestion_cache_total{result="miss"} 0`,
	} {
		if !hasLine(out, line) {
			t.Errorf("fresh /metrics has no line %q", line)
		}
	}
}

func TestMetricsRegistriesAreIndependent(t *testing.T) {
	a, b := NewMetrics(), NewMetrics()
	a.SuggestionCache(true)
	if out := scrape(t, b.handler()); !hasLine(out, `samenspel_suggestion_cache_total{result="hit"} 0`) {
		t.Errorf("a hit counted in one metrics shows in another:\n%s", grepLines(out, "samenspel_suggestion"))
	}
}

func hasLine(out, line string) bool {
	for l := range strings.Lines(out) {
		if strings.TrimSuffix(l, "\n") == line {
			return true
		}
	}
	return false
}

// grepLines returns the lines of out that start with prefix, for failure messages.
func grepLines(out, prefix string) string {
	var b strings.Builder
	for l := range strings.Lines(out) {
		if strings.HasPrefix(l, prefix) {
			b.WriteString(l)
		}
	}
	return b.String()
}

// InFlight counts the requests being answered, also at /metrics, and forgets each
// once it is answered, even when its handler panics.
func TestMetricsInFlight(t *testing.T) {
	m := NewMetrics()
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	r.Use(gin.CustomRecovery(func(c *gin.Context, _ any) { c.AbortWithStatus(http.StatusInternalServerError) }), m.middleware())
	r.GET("/metrics", gin.WrapH(m.handler()))
	entered, release := make(chan struct{}), make(chan struct{})
	r.GET("/slow", func(c *gin.Context) {
		entered <- struct{}{}
		<-release
		c.String(http.StatusOK, "ok")
	})
	r.GET("/panics", func(c *gin.Context) { panic("boom") })

	if n := m.InFlight(); n != 0 {
		t.Fatalf("InFlight() before any request = %d, want 0", n)
	}
	done := make(chan struct{})
	for range 2 {
		go func() {
			r.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/slow", nil))
			done <- struct{}{}
		}()
		<-entered
	}
	if n := m.InFlight(); n != 2 {
		t.Errorf("InFlight() with two requests held = %d, want 2", n)
	}
	// The scrape itself is a request in flight too.
	if body := scrape(t, r); !strings.Contains(body, "samenspel_http_requests_in_flight 3") {
		t.Errorf("/metrics with two requests held lacks samenspel_http_requests_in_flight 3:\n%s", grepLines(body, "samenspel_http_requests_in_flight"))
	}
	close(release)
	<-done
	<-done
	r.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/panics", nil))
	if n := m.InFlight(); n != 0 {
		t.Errorf("InFlight() after every request was answered = %d, want 0", n)
	}
}
