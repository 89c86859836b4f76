package api

import (
	"context"
	"math"
	"net/http"
	"net/netip"
	"strconv"
	"sync"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/go-redis/redis_rate/v10"
	"github.com/hashicorp/golang-lru/v2/simplelru"
	"golang.org/x/time/rate"

	"samenspel/internal/auth"
)

// Limits are the request rates allowed (SPEC §8). A zero (or infinite) rate, or a
// zero burst, turns that limit off.
//
// Every request counts against its client address (an IPv4 address, or the /64 of
// an IPv6 one), whatever token it carries, except that admin and tender-owner
// tokens have a bucket of their own: they are made by an operator, few, and
// accountable. Partner tokens are not: anyone can register a profile and get one,
// so a partner's requests count against its address like anonymous ones.
type Limits struct {
	// PerIP and BurstIP are the sustained rate and the burst of one client address.
	PerIP   rate.Limit
	BurstIP int
	// PerToken and BurstToken are the sustained rate and the burst of one admin or
	// tender-owner token.
	PerToken   rate.Limit
	BurstToken int
	// RegisterPerHour is the registrations (POST /v1/profiles) an hour of one
	// client address, all at once at most: each one makes a profile, visible to
	// everyone, and a token.
	RegisterPerHour int
}

// DefaultLimits are the limits the service runs with unless configured: per address
// 10 requests/s with a burst of 40; per admin or tender-owner token 50 requests/s
// with a burst of 100, because one such token may stand for a municipality's
// tooling (a portal, a batch job, several colleagues); 10 registrations an hour
// per address.
func DefaultLimits() Limits {
	return Limits{PerIP: 10, BurstIP: 40, PerToken: 50, BurstToken: 100, RegisterPerHour: 10}
}

// quota is one kind of bucket: its sustained rate and its burst.
type quota struct {
	rate  rate.Limit
	burst int
}

// off reports whether the quota limits nothing.
func (q quota) off() bool { return q.rate <= 0 || q.rate == rate.Inf || q.burst <= 0 }

// redis is the quota as redis_rate states it: a whole number of requests a
// period.
func (q quota) redis() redis_rate.Limit {
	if r := float64(q.rate); r >= 1 && r == math.Trunc(r) && r < math.MaxInt32 {
		return redis_rate.Limit{Rate: int(r), Burst: q.burst, Period: time.Second}
	}
	return redis_rate.Limit{Rate: 1, Burst: q.burst, Period: time.Duration(float64(time.Second) / float64(q.rate))}
}

// defaultMaxKeys bounds the buckets kept in memory; 10,000 buckets are well under
// a few MiB.
const defaultMaxKeys = 10_000

// maxOwnTokens bounds the admin and tender-owner tokens remembered as having a
// bucket of their own. Only an operator makes such tokens, so there are few; one
// forgotten counts against its address again until its next request succeeds.
const maxOwnTokens = 1_000

// unlimitedPaths are never rate limited: probes and scrapes must get through to
// tell whether the service is up, even while a client is being throttled.
var unlimitedPaths = map[string]bool{"/healthz": true, "/readyz": true, "/metrics": true}

// limiter keeps one token bucket per client key, bounded in memory: at most maxKeys
// keys, the least recently used evicted first. An evicted client starts again
// with a full bucket, which errs on the side of letting requests through.
type limiter struct {
	ip, token, register quota
	// maxKeys is the most buckets kept; it is read when the first bucket is made.
	maxKeys int
	// now is the clock (time.Now; a fake one in tests).
	now func() time.Time

	mu      sync.Mutex
	buckets *simplelru.LRU[string, *rate.Limiter] // made on first use, under mu
	// own are the keys of the tokens seen to be an admin's or a tender owner's:
	// they count against their own bucket (under mu).
	own *simplelru.LRU[string, struct{}]

	// shared, when set, keeps the buckets in Redis so that the limits hold across
	// replicas; when Redis does not answer, the local buckets decide.
	shared *redis_rate.Limiter
	// registers, when set, tells the pages' registrations (Pages.Registers), which
	// count as POST /v1/profiles does.
	registers func(*http.Request) bool
}

// sharedTimeout bounds a shared limiter's Redis call.
const sharedTimeout = 100 * time.Millisecond

// takeShared spends one request from key's bucket in Redis. ok is false with err
// nil when the bucket is empty; err is set when Redis did not answer.
func (l *limiter) takeShared(ctx context.Context, key string, q quota) (time.Duration, bool, error) {
	ctx, cancel := context.WithTimeout(ctx, sharedTimeout)
	defer cancel()
	res, err := l.shared.Allow(ctx, "samenspel:rate:"+key, q.redis())
	if err != nil {
		return 0, false, err
	}
	return res.RetryAfter, res.Allowed > 0, nil
}

// newLimiter returns a limiter enforcing l with room for defaultMaxKeys clients.
func newLimiter(l Limits) *limiter {
	own, _ := simplelru.NewLRU[string, struct{}](maxOwnTokens, nil) // fails only for a size below 1
	return &limiter{
		ip:       quota{l.PerIP, l.BurstIP},
		token:    quota{l.PerToken, l.BurstToken},
		register: quota{rate.Limit(float64(l.RegisterPerHour) / 3600), l.RegisterPerHour},
		maxKeys:  defaultMaxKeys, now: time.Now, own: own,
	}
}

// middleware refuses a request with 429 and a Retry-After header when its
// client's bucket is empty.
//
// A request counts against "ip:" and its client address (addrKey of Gin's
// ClientIP, which believes X-Forwarded-For only from the proxies trusted through
// SetTrustedProxies), unless it carries the bearer token of an admin or a tender
// owner: then against "tok:" and the SHA-256 of the secret (the secret itself is
// never kept). A POST /v1/profiles (or a registration through the pages) by any
// other client counts against "reg:" and its address as well.
//
// The middleware runs before authentication, so it learns a token's role from
// the requests that authenticated with it: a token counts against its address
// until one of its requests has been answered as an admin's or a tender owner's,
// and again from its first 401 (revoked, expired). So neither a made-up token nor
// a self-registered partner's gets round its address's limit, and no one can make
// buckets by inventing tokens.
//
// /healthz, /readyz and /metrics are never limited.
func (l *limiter) middleware() gin.HandlerFunc {
	return func(c *gin.Context) {
		if unlimitedPaths[c.Request.URL.Path] {
			c.Next()
			return
		}
		addr := addrKey(c.ClientIP())
		tokenKey := bearerKey(c.GetHeader("Authorization"))
		own := tokenKey != "" && l.hasOwnBucket(tokenKey)
		key, q := "ip:"+addr, l.ip
		if own {
			key, q = tokenKey, l.token
		}
		if !l.allow(c, key, q, "too many requests; retry after the time in the Retry-After header") {
			return
		}
		if !own && (isRegistration(c.Request) || l.registers != nil && l.registers(c.Request)) &&
			!l.allow(c, "reg:"+addr, l.register, "too many registrations from this address; retry after the time in the Retry-After header") {
			return
		}
		c.Next()
		if tokenKey == "" {
			return
		}
		switch role := who(c).Role; {
		case c.Writer.Status() == http.StatusUnauthorized:
			l.setOwnBucket(tokenKey, false)
		case !own && (role == auth.RoleAdmin || role == auth.RoleTenderOwner):
			l.setOwnBucket(tokenKey, true)
		}
	}
}

// allow spends one request from key's bucket of quota q: in Redis when the limiter
// is shared and Redis answers, else locally. When the bucket is empty it writes
// the 429 problem, with detail, and reports false.
func (l *limiter) allow(c *gin.Context, key string, q quota, detail string) bool {
	if q.off() {
		return true
	}
	var (
		wait time.Duration
		ok   bool
		err  error
	)
	if l.shared != nil {
		wait, ok, err = l.takeShared(c.Request.Context(), key, q)
	}
	if l.shared == nil || err != nil {
		wait, ok = l.take(key, q, l.now())
	}
	if !ok {
		c.Header("Retry-After", strconv.Itoa(retryAfterSeconds(wait)))
		writeProblem(c, newProblem(http.StatusTooManyRequests, detail))
	}
	return ok
}

// isRegistration reports whether r registers a profile.
func isRegistration(r *http.Request) bool {
	return r.Method == http.MethodPost && r.URL.Path == "/v1/profiles"
}

// addrKey is the part of a client address that its bucket is keyed by: an IPv4
// address whole (also when written as IPv4-mapped IPv6), an IPv6 address by its
// /64, the smallest network anyone is given, so that the 2^64 addresses of one
// network share one bucket. Anything else is taken as it is.
func addrKey(ip string) string {
	a, err := netip.ParseAddr(ip)
	if err != nil {
		return ip
	}
	a = a.Unmap().WithZone("")
	if a.Is4() {
		return a.String()
	}
	p, _ := a.Prefix(64) // fails only for a prefix length beyond the address's
	return p.String()
}

// bearerKey is the bucket key of the token in an Authorization header value, or ""
// when there is none or it is malformed (such a request is refused by
// authentication and counted against its address).
func bearerKey(header string) string {
	secret, err := auth.FromHeader(header)
	if err != nil || secret == "" {
		return ""
	}
	return "tok:" + auth.Hash(secret)
}

// take spends one request from key's local bucket at now, making the bucket if it
// is new. When the bucket is empty it reports how long until it holds a request.
func (l *limiter) take(key string, q quota, now time.Time) (time.Duration, bool) {
	b := l.bucket(key, q)
	if b.AllowN(now, 1) {
		return 0, true
	}
	missing := 1 - b.TokensAt(now)
	return time.Duration(missing / float64(q.rate) * float64(time.Second)), false
}

// bucket returns key's bucket, making it (full) if there is none; it marks key as
// the most recently used.
func (l *limiter) bucket(key string, q quota) *rate.Limiter {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.buckets == nil {
		// NewLRU fails only for a size below 1.
		l.buckets, _ = simplelru.NewLRU[string, *rate.Limiter](max(l.maxKeys, 1), nil)
	}
	if b, ok := l.buckets.Get(key); ok {
		return b
	}
	b := rate.NewLimiter(q.rate, q.burst)
	l.buckets.Add(key, b)
	return b
}

// hasOwnBucket reports whether the token of key counts against a bucket of its own.
func (l *limiter) hasOwnBucket(key string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	_, ok := l.own.Get(key)
	return ok
}

// setOwnBucket records whether the token of key counts against a bucket of its own.
func (l *limiter) setOwnBucket(key string, own bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if own {
		l.own.Add(key, struct{}{})
	} else {
		l.own.Remove(key)
	}
}

// len is the number of buckets kept.
func (l *limiter) len() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.buckets == nil {
		return 0
	}
	return l.buckets.Len()
}

// retryAfterSeconds is a Retry-After value for wait: whole seconds, rounded up,
// at least 1 (0 would invite an immediate retry) and at most an hour.
func retryAfterSeconds(wait time.Duration) int {
	s := math.Ceil(wait.Seconds())
	return int(min(max(s, 1), 3600))
}
