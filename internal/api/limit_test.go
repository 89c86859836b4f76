package api

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gin-gonic/gin"

	"samenspel/internal/auth"
)

// fakeClock is a settable clock for the limiter.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (f *fakeClock) now() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.t
}

func (f *fakeClock) advance(d time.Duration) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.t = f.t.Add(d)
}

// testLimits are small enough to exhaust in a few requests: per IP 1/s with a
// burst of 2, per token 1/s with a burst of 3.
var testLimits = Limits{PerIP: 1, BurstIP: 2, PerToken: 1, BurstToken: 3}

// newLimitedEngine is a Gin engine with the limiter in front of routes that stand
// in for the real ones. Like authenticate, it refuses (401) any bearer token but
// the good ones.
func newLimitedEngine(t *testing.T, l *limiter, good ...string) *gin.Engine {
	t.Helper()
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	if err := r.SetTrustedProxies(nil); err != nil {
		t.Fatal(err)
	}
	r.Use(l.middleware())
	ok := func(c *gin.Context) { c.String(http.StatusOK, "ok") }
	r.GET("/healthz", ok)
	r.GET("/readyz", ok)
	r.GET("/metrics", ok)
	authenticate := func(c *gin.Context) {
		secret, err := auth.FromHeader(c.GetHeader("Authorization"))
		if err != nil || (secret != "" && !slices.Contains(good, secret)) {
			fail(c, errUnauthorized)
			return
		}
		c.Next()
	}
	r.GET("/v1/taxonomy", authenticate, ok)
	return r
}

// send makes one request from ip, with a bearer secret when it is not "".
func send(h http.Handler, ip, secret, path string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(http.MethodGet, path, nil)
	req.RemoteAddr = ip + ":40000"
	if secret != "" {
		req.Header.Set("Authorization", "Bearer "+secret)
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	return w
}

func newSecret(t *testing.T) string {
	t.Helper()
	s, err := auth.NewSecret()
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestLimiter(t *testing.T) {
	good, other, bogus1, bogus2 := newSecret(t), newSecret(t), newSecret(t), newSecret(t)
	const ipA, ipB = "192.0.2.1", "192.0.2.2"

	// A step is one request (or, with advance set, a tick of the clock) and the
	// status it must get.
	type step struct {
		ip, secret, path string
		advance          time.Duration
		want             int
	}
	anon := func(ip string, want int) step { return step{ip: ip, path: "/v1/taxonomy", want: want} }
	withToken := func(ip, secret string, want int) step {
		return step{ip: ip, secret: secret, path: "/v1/taxonomy", want: want}
	}
	probe := func(path string) step { return step{ip: ipA, path: path, want: http.StatusOK} }
	tick := func(d time.Duration) step { return step{advance: d} }

	tests := []struct {
		name  string
		steps []step
	}{
		{"burst then 429", []step{
			anon(ipA, 200), anon(ipA, 200), anon(ipA, 429), anon(ipA, 429),
		}},
		{"another IP is independent", []step{
			anon(ipA, 200), anon(ipA, 200), anon(ipA, 429),
			anon(ipB, 200), anon(ipB, 200), anon(ipB, 429),
		}},
		{"a token's bucket is independent of its IP's", []step{
			// The token's first request counts against the IP; from then on the
			// token has its own bucket.
			withToken(ipA, good, 200),
			anon(ipA, 200), anon(ipA, 429),
			withToken(ipA, good, 200), withToken(ipA, good, 200), withToken(ipA, good, 200),
			withToken(ipA, good, 429),
			withToken(ipB, good, 429), // the same token from elsewhere: the same bucket
			anon(ipB, 200),
		}},
		{"tokens are independent of each other", []step{
			withToken(ipA, good, 200), withToken(ipB, other, 200),
			withToken(ipA, good, 200), withToken(ipA, good, 200), withToken(ipA, good, 200),
			withToken(ipA, good, 429),
			withToken(ipB, other, 200),
		}},
		{"made-up tokens count against the IP", []step{
			withToken(ipA, bogus1, 401), withToken(ipA, bogus2, 401),
			withToken(ipA, bogus1, 429), anon(ipA, 429),
		}},
		{"a malformed Authorization header counts against the IP", []step{
			withToken(ipA, "not-a-token", 401), withToken(ipA, "still-not", 401),
			withToken(ipA, "again", 429),
		}},
		{"health, readiness and metrics are never limited", []step{
			anon(ipA, 200), anon(ipA, 200), anon(ipA, 429),
			probe("/healthz"), probe("/readyz"), probe("/metrics"),
			probe("/healthz"), probe("/readyz"), probe("/metrics"),
			probe("/healthz"), probe("/readyz"), probe("/metrics"),
			anon(ipA, 429),
		}},
		{"allowed again after the bucket refills", []step{
			anon(ipA, 200), anon(ipA, 200), anon(ipA, 429),
			tick(500 * time.Millisecond), anon(ipA, 429),
			tick(500 * time.Millisecond), anon(ipA, 200), anon(ipA, 429),
			tick(10 * time.Second), anon(ipA, 200), anon(ipA, 200), anon(ipA, 429),
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clock := &fakeClock{t: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}
			l := newLimiter(testLimits)
			l.now = clock.now
			h := newLimitedEngine(t, l, good, other)
			for i, s := range tt.steps {
				if s.advance != 0 {
					clock.advance(s.advance)
					continue
				}
				w := send(h, s.ip, s.secret, s.path)
				if w.Code != s.want {
					t.Fatalf("step %d: GET %s from %s = %d, want %d", i, s.path, s.ip, w.Code, s.want)
				}
				if w.Code == http.StatusTooManyRequests {
					checkTooMany(t, w)
				}
			}
		})
	}
}

// checkTooMany checks that a 429 is a problem with a Retry-After header.
func checkTooMany(t *testing.T, w *httptest.ResponseRecorder) {
	t.Helper()
	if got := w.Header().Get("Retry-After"); got != "1" {
		t.Errorf("Retry-After = %q, want %q", got, "1")
	}
	if got := w.Header().Get("Content-Type"); !strings.HasPrefix(got, "application/problem+json") {
		t.Errorf("Content-Type = %q, want application/problem+json", got)
	}
	var p Problem
	if err := json.Unmarshal(w.Body.Bytes(), &p); err != nil {
		t.Fatalf("body %q: %v", w.Body, err)
	}
	if p.Status != http.StatusTooManyRequests || p.Title != "Too Many Requests" {
		t.Errorf("problem = %+v, want status 429, title Too Many Requests", p)
	}
}

func TestLimiterRetryAfterWaitsForTheNextRequest(t *testing.T) {
	clock := &fakeClock{t: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}
	l := newLimiter(Limits{PerIP: 0.25, BurstIP: 1, PerToken: 1, BurstToken: 1}) // one every 4 s
	l.now = clock.now
	h := newLimitedEngine(t, l)
	send(h, "192.0.2.1", "", "/v1/taxonomy")
	clock.advance(time.Second)
	w := send(h, "192.0.2.1", "", "/v1/taxonomy")
	if got := w.Header().Get("Retry-After"); w.Code != 429 || got != "3" {
		t.Errorf("after 1 s of 4: status %d, Retry-After %q, want 429, %q", w.Code, got, "3")
	}
}

func TestRetryAfterSeconds(t *testing.T) {
	tests := []struct {
		wait time.Duration
		want int
	}{
		{0, 1},
		{time.Millisecond, 1},
		{time.Second, 1},
		{1200 * time.Millisecond, 2},
		{59 * time.Second, 59},
		{2 * time.Hour, 3600},
	}
	for _, tt := range tests {
		if got := retryAfterSeconds(tt.wait); got != tt.want {
			t.Errorf("retryAfterSeconds(%v) = %d, want %d", tt.wait, got, tt.want)
		}
	}
}

func TestLimiterEvictsLeastRecentlyUsed(t *testing.T) {
	l := newLimiter(testLimits)
	l.maxKeys = 3
	clock := &fakeClock{t: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}
	l.now = clock.now
	h := newLimitedEngine(t, l)

	send(h, "192.0.2.1", "", "/v1/taxonomy")
	send(h, "192.0.2.1", "", "/v1/taxonomy")
	if w := send(h, "192.0.2.1", "", "/v1/taxonomy"); w.Code != 429 {
		t.Fatalf("third request from 192.0.2.1 = %d, want 429", w.Code)
	}
	for i := range 100 {
		send(h, fmt.Sprintf("198.51.100.%d", i), "", "/v1/taxonomy")
		if n := l.len(); n > 3 {
			t.Fatalf("after %d more IPs: %d buckets, want at most 3", i+1, n)
		}
	}
	// 192.0.2.1 was evicted, so it starts again with a full bucket.
	if w := send(h, "192.0.2.1", "", "/v1/taxonomy"); w.Code != 200 {
		t.Errorf("192.0.2.1 after eviction = %d, want 200", w.Code)
	}
}

func TestLimiterKeysNeverHoldTheSecret(t *testing.T) {
	secret := newSecret(t)
	l := newLimiter(testLimits)
	h := newLimitedEngine(t, l, secret)
	send(h, "192.0.2.1", secret, "/v1/taxonomy")
	send(h, "192.0.2.1", secret, "/v1/taxonomy")

	keys := l.buckets.Keys()
	if !slices.Contains(keys, "tok:"+auth.Hash(secret)) {
		t.Errorf("keys = %q, want one for the token's hash", keys)
	}
	for _, k := range keys {
		if strings.Contains(k, secret) {
			t.Errorf("key %q holds the secret", k)
		}
	}
}

func TestLimiterConcurrentRequestsGetExactlyTheBurst(t *testing.T) {
	clock := &fakeClock{t: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}
	l := newLimiter(DefaultLimits())
	l.now = clock.now // frozen: no refill while the requests run
	h := newLimitedEngine(t, l)

	var allowed atomic.Int64
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 20 {
				if send(h, "192.0.2.1", "", "/v1/taxonomy").Code == http.StatusOK {
					allowed.Add(1)
				}
			}
		})
	}
	wg.Wait()
	if got, want := allowed.Load(), int64(DefaultLimits().BurstIP); got != want {
		t.Errorf("160 concurrent requests: %d allowed, want the burst, %d", got, want)
	}
}
