package api

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/redis/go-redis/v9"

	"samenspel/config"
	"samenspel/internal/auth"
	"samenspel/internal/cache"
	"samenspel/internal/profiles"
	"samenspel/internal/store"
	"samenspel/internal/suggest"
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

// testLimits are small enough to exhaust in a few requests: per address 1/s with a
// burst of 2, per admin or tender-owner token 1/s with a burst of 3, 2
// registrations an hour.
var testLimits = Limits{PerIP: 1, BurstIP: 2, PerToken: 1, BurstToken: 3, RegisterPerHour: 2}

// newLimitedEngine is a Gin engine with the limiter in front of routes that stand
// in for the real ones. Like authenticate, it refuses (401) any bearer token but
// those in roles (secret → role), and makes the others' role known to the limiter.
func newLimitedEngine(t *testing.T, l *limiter, roles map[string]string) *gin.Engine {
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
	var mu sync.Mutex
	authenticate := func(c *gin.Context) {
		secret, err := auth.FromHeader(c.GetHeader("Authorization"))
		mu.Lock()
		role, known := roles[secret]
		mu.Unlock()
		if err != nil || (secret != "" && !known) {
			fail(c, errUnauthorized)
			return
		}
		if secret != "" {
			c.Set("principal", principal{Role: role})
		}
		c.Next()
	}
	r.GET("/v1/taxonomy", authenticate, ok)
	r.POST("/v1/profiles", authenticate, func(c *gin.Context) { c.String(http.StatusCreated, "registered") })
	r.PUT("/v1/profiles/:id", authenticate, ok)
	r.DELETE("/v1/tokens/:secret", func(c *gin.Context) { // revokes a token, unlimited by the test's design
		mu.Lock()
		delete(roles, c.Param("secret"))
		mu.Unlock()
	})
	return r
}

// send makes one GET request from ip, with a bearer secret when it is not "".
func send(h http.Handler, ip, secret, path string) *httptest.ResponseRecorder {
	return sendMethod(h, http.MethodGet, ip, secret, path)
}

// sendMethod makes one request from ip, with a bearer secret when it is not "".
func sendMethod(h http.Handler, method, ip, secret, path string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, path, nil)
	req.RemoteAddr = net.JoinHostPort(ip, "40000")
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
	admin, owner, partner1, partner2 := newSecret(t), newSecret(t), newSecret(t), newSecret(t)
	bogus1, bogus2 := newSecret(t), newSecret(t)
	const ipA, ipB = "192.0.2.1", "192.0.2.2"

	// A step is one request (or, with advance set, a tick of the clock; with
	// revoke set, the revocation of a token) and the status it must get.
	type step struct {
		method, ip, secret, path string
		advance                  time.Duration
		revoke                   string
		want                     int
	}
	anon := func(ip string, want int) step { return step{ip: ip, path: "/v1/taxonomy", want: want} }
	withToken := func(ip, secret string, want int) step {
		return step{ip: ip, secret: secret, path: "/v1/taxonomy", want: want}
	}
	register := func(ip, secret string, want int) step {
		return step{method: http.MethodPost, ip: ip, secret: secret, path: "/v1/profiles", want: want}
	}
	probe := func(path string) step { return step{ip: ipA, path: path, want: http.StatusOK} }
	tick := func(d time.Duration) step { return step{advance: d} }
	revoke := func(secret string) step { return step{revoke: secret} }

	tests := []struct {
		name   string
		limits Limits
		steps  []step
	}{
		{"burst then 429", testLimits, []step{
			anon(ipA, 200), anon(ipA, 200), anon(ipA, 429), anon(ipA, 429),
		}},
		{"another IP is independent", testLimits, []step{
			anon(ipA, 200), anon(ipA, 200), anon(ipA, 429),
			anon(ipB, 200), anon(ipB, 200), anon(ipB, 429),
		}},
		{"an admin token's bucket is independent of its IP's", testLimits, []step{
			// The token's first request counts against the IP; from then on the
			// token has its own bucket.
			withToken(ipA, admin, 200),
			anon(ipA, 200), anon(ipA, 429),
			withToken(ipA, admin, 200), withToken(ipA, admin, 200), withToken(ipA, admin, 200),
			withToken(ipA, admin, 429),
			withToken(ipB, admin, 429), // the same token from elsewhere: the same bucket
			anon(ipB, 200),
		}},
		{"a tender owner's token has its own bucket, apart from an admin's", testLimits, []step{
			withToken(ipA, owner, 200), withToken(ipA, admin, 200), anon(ipA, 429),
			withToken(ipA, owner, 200), withToken(ipA, owner, 200), withToken(ipA, owner, 200),
			withToken(ipA, owner, 429),
			withToken(ipA, admin, 200),
		}},
		{"a partner token counts against its IP", testLimits, []step{
			withToken(ipA, partner1, 200), withToken(ipA, partner1, 200), withToken(ipA, partner1, 429),
			anon(ipA, 429),
			withToken(ipB, partner1, 200), // from elsewhere: that address's bucket
		}},
		{"partner tokens share their IP's bucket", testLimits, []step{
			withToken(ipA, partner1, 200), withToken(ipA, partner2, 200),
			withToken(ipA, partner1, 429), withToken(ipA, partner2, 429), anon(ipA, 429),
		}},
		{"a revoked admin token counts against its IP again", testLimits, []step{
			withToken(ipA, admin, 200), withToken(ipA, admin, 200), withToken(ipA, admin, 200),
			revoke(admin),
			withToken(ipA, admin, 401), // still its own bucket: the 401 tells the limiter
			withToken(ipA, admin, 401), // the IP's second
			withToken(ipA, admin, 429), anon(ipA, 429),
		}},
		{"made-up tokens count against the IP", testLimits, []step{
			withToken(ipA, bogus1, 401), withToken(ipA, bogus2, 401),
			withToken(ipA, bogus1, 429), anon(ipA, 429),
		}},
		{"a malformed Authorization header counts against the IP", testLimits, []step{
			withToken(ipA, "not-a-token", 401), withToken(ipA, "still-not", 401),
			withToken(ipA, "again", 429),
		}},
		{"an IPv6 /64 is one client", testLimits, []step{
			anon("2001:db8:1:2::1", 200), anon("2001:db8:1:2:ffff:ffff:ffff:ffff", 200),
			anon("2001:db8:1:2:abcd::9", 429),
			anon("2001:db8:1:3::1", 200), // the next /64
		}},
		{"an IPv4-mapped IPv6 address is its IPv4 address", testLimits, []step{
			anon(ipA, 200), anon("::ffff:"+ipA, 200), anon(ipA, 429),
			anon("::ffff:"+ipB, 200),
		}},
		{"health, readiness and metrics are never limited", testLimits, []step{
			anon(ipA, 200), anon(ipA, 200), anon(ipA, 429),
			probe("/healthz"), probe("/readyz"), probe("/metrics"),
			probe("/healthz"), probe("/readyz"), probe("/metrics"),
			probe("/healthz"), probe("/readyz"), probe("/metrics"),
			anon(ipA, 429),
		}},
		{"allowed again after the bucket refills", testLimits, []step{
			anon(ipA, 200), anon(ipA, 200), anon(ipA, 429),
			tick(500 * time.Millisecond), anon(ipA, 429),
			tick(500 * time.Millisecond), anon(ipA, 200), anon(ipA, 429),
			tick(10 * time.Second), anon(ipA, 200), anon(ipA, 200), anon(ipA, 429),
		}},
		{"registrations per address", Limits{PerIP: 1, BurstIP: 10, RegisterPerHour: 2}, []step{
			register(ipA, "", 201), register(ipA, "", 201), register(ipA, "", 429),
			anon(ipA, 200),                                                                                       // other requests go on
			register(ipB, "", 201),                                                                               // another address
			register("2001:db8::1", "", 201), register("2001:db8::2", "", 201), register("2001:db8::3", "", 429), // one /64
			register(ipA, partner1, 429), // a partner's token is its address
			tick(30 * time.Minute), register(ipA, "", 201), register(ipA, "", 429),
		}},
		{"registrations by an admin are not limited per address", Limits{PerIP: 1, BurstIP: 10, PerToken: 1, BurstToken: 10, RegisterPerHour: 1}, []step{
			withToken(ipA, admin, 200),
			register(ipA, admin, 201), register(ipA, admin, 201), register(ipA, admin, 201),
			register(ipA, "", 201), register(ipA, "", 429),
		}},
		{"every limit off", Limits{}, []step{
			anon(ipA, 200), anon(ipA, 200), anon(ipA, 200), anon(ipA, 200), anon(ipA, 200),
			register(ipA, "", 201), register(ipA, "", 201), register(ipA, "", 201),
			withToken(ipA, admin, 200), withToken(ipA, admin, 200), withToken(ipA, admin, 200),
		}},
		{"the IP limit off, the others on", Limits{PerToken: 1, BurstToken: 1, RegisterPerHour: 1}, []step{
			anon(ipA, 200), anon(ipA, 200), anon(ipA, 200), anon(ipA, 200),
			withToken(ipA, admin, 200), withToken(ipA, admin, 200), withToken(ipA, admin, 429),
			register(ipA, "", 201), register(ipA, "", 429),
		}},
		{"a zero burst turns a limit off", Limits{PerIP: 1, BurstIP: 0, PerToken: 1, BurstToken: 1}, []step{
			anon(ipA, 200), anon(ipA, 200), anon(ipA, 200),
		}},
		{"the token limit off", Limits{PerIP: 1, BurstIP: 1}, []step{
			withToken(ipA, owner, 200), anon(ipA, 429),
			withToken(ipA, owner, 200), withToken(ipA, owner, 200), withToken(ipA, owner, 200),
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clock := &fakeClock{t: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}
			l := newLimiter(tt.limits)
			l.now = clock.now
			roles := map[string]string{admin: auth.RoleAdmin, owner: auth.RoleTenderOwner,
				partner1: auth.RolePartner, partner2: auth.RolePartner}
			h := newLimitedEngine(t, l, roles)
			for i, s := range tt.steps {
				switch {
				case s.advance != 0:
					clock.advance(s.advance)
					continue
				case s.revoke != "":
					sendMethod(h, http.MethodDelete, "198.51.100.1", "", "/v1/tokens/"+s.revoke)
					continue
				}
				method := cmp.Or(s.method, http.MethodGet)
				w := sendMethod(h, method, s.ip, s.secret, s.path)
				if w.Code != s.want {
					t.Fatalf("step %d: %s %s from %s = %d, want %d", i, method, s.path, s.ip, w.Code, s.want)
				}
				if w.Code == http.StatusTooManyRequests {
					checkTooMany(t, w, "")
				}
			}
		})
	}
}

// checkTooMany checks that a 429 is a problem with a Retry-After header: retry
// when it is not "", else a number of seconds.
func checkTooMany(t *testing.T, w *httptest.ResponseRecorder, retry string) {
	t.Helper()
	got := w.Header().Get("Retry-After")
	if n, err := strconv.Atoi(got); retry == "" && (err != nil || n < 1 || n > 3600) || retry != "" && got != retry {
		t.Errorf("Retry-After = %q, want %s", got, cmp.Or(retry, "1 to 3600 seconds"))
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
	h := newLimitedEngine(t, l, nil)
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
	h := newLimitedEngine(t, l, nil)

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
	h := newLimitedEngine(t, l, map[string]string{secret: auth.RoleAdmin})
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
	h := newLimitedEngine(t, l, nil)

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

// limitedAPI is the whole API over a real store with limits lim, its buckets in
// Redis when rdb is set, and an admin and a tender-owner token (role → secret).
type limitedAPI struct {
	h      http.Handler
	st     *store.Store
	tokens map[string]string
}

func newLimitedAPI(t *testing.T, lim Limits, st *store.Store, rdb *redis.Client) *limitedAPI {
	t.Helper()
	ctx := context.Background()
	tax, err := profiles.ParseTaxonomy(config.Taxonomy)
	if err != nil {
		t.Fatal(err)
	}
	a := &limitedAPI{st: st, tokens: map[string]string{}}
	if st == nil {
		a.st, err = store.Open(ctx, t.TempDir(), tax)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { a.st.Close() })
		for _, role := range []string{auth.RoleAdmin, auth.RoleTenderOwner} {
			secret := newSecret(t)
			if err := a.st.CreateToken(ctx, auth.Token{Hash: auth.Hash(secret), Role: role, Name: role, Created: time.Unix(0, 0).UTC()}); err != nil {
				t.Fatal(err)
			}
			a.tokens[role] = secret
		}
	}
	a.h, err = New(withStores(Deps{Taxonomy: tax, Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Store: a.st,
		Suggest: suggest.New(a.st, cache.NewMemory(10, time.Hour), nil), Now: time.Now, Limits: &lim, Redis: rdb}))
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// register registers profile id from ip and returns the answer.
func (a *limitedAPI) register(ip, id string) *httptest.ResponseRecorder {
	body := strings.Replace(newProfile, `"nieuw-initiatief"`, strconv.Quote(id), 1)
	req := httptest.NewRequest(http.MethodPost, "/v1/profiles", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.RemoteAddr = net.JoinHostPort(ip, "40000")
	w := httptest.NewRecorder()
	a.h.ServeHTTP(w, req)
	return w
}

// partnerToken registers profile id from ip and returns its partner token.
func (a *limitedAPI) partnerToken(t *testing.T, ip, id string) string {
	t.Helper()
	w := a.register(ip, id)
	var out struct {
		Token string `json:"token"`
	}
	if err := json.Unmarshal(w.Body.Bytes(), &out); w.Code != http.StatusCreated || err != nil || out.Token == "" {
		t.Fatalf("POST /v1/profiles (%s) from %s = %d %s, want 201 with a token", id, ip, w.Code, w.Body)
	}
	return out.Token
}

// TestSelfRegisteredTokensDoNotLiftTheAddressLimit is finding 2 of issue 11: ten
// partner tokens, registered from elsewhere, used from one address, get no more
// through than the address alone.
func TestSelfRegisteredTokensDoNotLiftTheAddressLimit(t *testing.T) {
	lim := Limits{PerIP: 0.001, BurstIP: 40, PerToken: 0.001, BurstToken: 100}
	a := newLimitedAPI(t, lim, nil, nil)
	var ids, tokens []string
	for i := range 10 {
		id := fmt.Sprintf("zelf-%d", i)
		ids, tokens = append(ids, id), append(tokens, a.partnerToken(t, fmt.Sprintf("198.51.100.%d", i), id))
	}
	allowed := 0
	for range 100 {
		for i, tok := range tokens {
			if w := send(a.h, "192.0.2.1", tok, "/v1/profiles/"+ids[i]); w.Code == http.StatusOK {
				allowed++
			} else if w.Code != http.StatusTooManyRequests {
				t.Fatalf("GET /v1/profiles/%s with its token = %d %s, want 200 or 429", ids[i], w.Code, w.Body)
			}
		}
	}
	if allowed != lim.BurstIP {
		t.Errorf("1,000 requests with 10 partner tokens from one address: %d allowed, want the address's burst, %d", allowed, lim.BurstIP)
	}
}

// TestPrivilegedTokensHaveTheirOwnBucket: an admin's and a tender owner's token
// get through while their address is refused, each up to its own burst.
func TestPrivilegedTokensHaveTheirOwnBucket(t *testing.T) {
	lim := Limits{PerIP: 0.001, BurstIP: 5, PerToken: 0.001, BurstToken: 8}
	for _, role := range []string{auth.RoleAdmin, auth.RoleTenderOwner} {
		t.Run(role, func(t *testing.T) {
			a := newLimitedAPI(t, lim, nil, nil)
			const ip = "192.0.2.1"
			if w := send(a.h, ip, a.tokens[role], "/v1/tenders"); w.Code != http.StatusOK {
				t.Fatalf("GET /v1/tenders as %s = %d, want 200", role, w.Code)
			}
			for w := send(a.h, ip, "", "/v1/tenders"); w.Code != http.StatusTooManyRequests; w = send(a.h, ip, "", "/v1/tenders") {
			}
			allowed := 0
			for range 20 {
				if send(a.h, ip, a.tokens[role], "/v1/tenders").Code == http.StatusOK {
					allowed++
				}
			}
			if allowed != lim.BurstToken {
				t.Errorf("20 requests as %s from a refused address: %d allowed, want the token's burst, %d", role, allowed, lim.BurstToken)
			}
		})
	}
}

// TestRegistrationsLimitedPerAddress: past rate_register registrations an hour an
// address gets 429 with the time until the next, and nothing is stored.
func TestRegistrationsLimitedPerAddress(t *testing.T) {
	a := newLimitedAPI(t, Limits{PerIP: 10, BurstIP: 40, RegisterPerHour: 3}, nil, nil)
	for i := range 3 {
		a.partnerToken(t, "2001:db8:5:6::1", fmt.Sprintf("reg-%d", i))
	}
	w := a.register("2001:db8:5:6:7::2", "reg-3") // the same /64
	if w.Code != http.StatusTooManyRequests || w.Header().Get("Retry-After") != "1200" {
		t.Fatalf("4th registration in an hour from one /64 = %d, Retry-After %q, %s; want 429, 1200", w.Code, w.Header().Get("Retry-After"), w.Body)
	}
	checkTooMany(t, w, "1200")
	if w := send(a.h, "192.0.2.9", "", "/v1/profiles/reg-3"); w.Code != http.StatusNotFound {
		t.Errorf("GET the refused registration's profile = %d, want 404", w.Code)
	}
	a.partnerToken(t, "2001:db8:5:7::1", "reg-4") // the next /64
}

// partnerTokenOf is the token in a registration's answer.
func (a *limitedAPI) partnerTokenOf(t *testing.T, w *httptest.ResponseRecorder) string {
	t.Helper()
	var out struct {
		Token string `json:"token"`
	}
	if err := json.Unmarshal(w.Body.Bytes(), &out); err != nil || out.Token == "" {
		t.Fatalf("registration answer %s: no token", w.Body)
	}
	return out.Token
}
