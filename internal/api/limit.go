package api

import (
	"context"
	"math"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/go-redis/redis_rate/v10"
	"github.com/hashicorp/golang-lru/v2/simplelru"
	"golang.org/x/time/rate"

	"samenspel/internal/auth"
)

// Limits are the request rates allowed (SPEC §8): a token bucket per client IP for
// anonymous requests and one per bearer token for authenticated ones.
type Limits struct {
	// PerIP and BurstIP are the sustained rate and the burst of one client IP.
	PerIP   rate.Limit
	BurstIP int
	// PerToken and BurstToken are the sustained rate and the burst of one token.
	PerToken   rate.Limit
	BurstToken int
}

// DefaultLimits are the limits the service runs with: per IP 10 requests/s with a
// burst of 40, per token 50 requests/s with a burst of 100. A token gets more than an
// IP because one token may stand for a municipality's tooling (a portal, a batch
// job, several colleagues) that is busier than one anonymous client, and because
// a token is accountable: it can be revoked.
func DefaultLimits() Limits {
	return Limits{PerIP: 10, BurstIP: 40, PerToken: 50, BurstToken: 100}
}

// defaultMaxKeys bounds the buckets kept in memory; 10,000 buckets are well under
// a few MiB.
const defaultMaxKeys = 10_000

// unlimitedPaths are never rate limited: probes and scrapes must get through to
// tell whether the service is up, even while a client is being throttled.
var unlimitedPaths = map[string]bool{"/healthz": true, "/readyz": true, "/metrics": true}

// limiter keeps one token bucket per client key, bounded in memory: at most maxKeys
// keys, the least recently used evicted first. An evicted client starts again
// with a full bucket, which errs on the side of letting requests through.
type limiter struct {
	limits Limits
	// maxKeys is the most buckets kept; it is read when the first bucket is made.
	maxKeys int
	// now is the clock (time.Now; a fake one in tests).
	now func() time.Time

	mu      sync.Mutex
	buckets *simplelru.LRU[string, *rate.Limiter] // made on first use, under mu

	// shared, when set, keeps the buckets in Redis so that the limits hold across
	// replicas; when Redis does not answer, the local buckets decide.
	shared *redis_rate.Limiter
}

// sharedTimeout bounds a shared limiter's Redis call.
const sharedTimeout = 100 * time.Millisecond

// takeShared spends one request from key's bucket in Redis. ok is false with err
// nil when the bucket is empty; err is set when Redis did not answer.
func (l *limiter) takeShared(ctx context.Context, key string, limit rate.Limit, burst int) (time.Duration, bool, error) {
	lim := redis_rate.Limit{Rate: int(limit), Burst: burst, Period: time.Second}
	if limit < 1 {
		lim.Rate, lim.Period = 1, time.Duration(float64(time.Second)/float64(limit))
	}
	ctx, cancel := context.WithTimeout(ctx, sharedTimeout)
	defer cancel()
	res, err := l.shared.Allow(ctx, "samenspel:rate:"+key, lim)
	if err != nil {
		return 0, false, err
	}
	return res.RetryAfter, res.Allowed > 0, nil
}

// newLimiter returns a limiter enforcing l with room for defaultMaxKeys clients.
func newLimiter(l Limits) *limiter {
	return &limiter{limits: l, maxKeys: defaultMaxKeys, now: time.Now}
}

// middleware refuses a request with 429 and a Retry-After header when its client's
// bucket is empty.
//
// A request carrying a bearer token is counted against "tok:" and the SHA-256 of
// the secret (the secret itself is never kept); any other request against
// "ip:" and its client IP, as Gin's ClientIP gives it (behind the proxies trusted
// through SetTrustedProxies only).
//
// A token gets its own bucket only once a request with it has not been refused
// as unauthorized (401): until then its requests count against the IP too. Without
// this, sending a fresh made-up token with every request would get round the IP
// limit, and flood the buckets so that real clients are evicted. A token that
// turns out unknown loses its bucket again.
//
// /healthz, /readyz and /metrics are never limited.
func (l *limiter) middleware() gin.HandlerFunc {
	return func(c *gin.Context) {
		if unlimitedPaths[c.Request.URL.Path] {
			c.Next()
			return
		}
		now := l.now()
		key, limit, burst := "ip:"+c.ClientIP(), l.limits.PerIP, l.limits.BurstIP
		tokenKey := bearerKey(c.GetHeader("Authorization"))
		known := tokenKey != "" && l.known(tokenKey)
		if known {
			key, limit, burst = tokenKey, l.limits.PerToken, l.limits.BurstToken
		}
		wait, ok := time.Duration(0), false
		var err error
		if l.shared != nil {
			wait, ok, err = l.takeShared(c.Request.Context(), key, limit, burst)
		}
		if l.shared == nil || err != nil {
			wait, ok = l.take(key, limit, burst, now)
		}
		if !ok {
			c.Header("Retry-After", strconv.Itoa(retryAfterSeconds(wait)))
			writeProblem(c, newProblem(http.StatusTooManyRequests, "too many requests; retry after the time in the Retry-After header"))
			return
		}
		c.Next()
		if tokenKey == "" {
			return
		}
		switch {
		case c.Writer.Status() == http.StatusUnauthorized:
			l.forget(tokenKey)
		case !known:
			l.bucket(tokenKey, l.limits.PerToken, l.limits.BurstToken)
		}
	}
}

// bearerKey is the bucket key of the token in an Authorization header value, or ""
// when there is none or it is malformed (such a request is refused by
// authentication and counted against its IP).
func bearerKey(header string) string {
	secret, err := auth.FromHeader(header)
	if err != nil || secret == "" {
		return ""
	}
	return "tok:" + auth.Hash(secret)
}

// take spends one request from key's bucket at now, making the bucket if it is
// new. When the bucket is empty it reports how long until it holds a request.
func (l *limiter) take(key string, limit rate.Limit, burst int, now time.Time) (time.Duration, bool) {
	b := l.bucket(key, limit, burst)
	if b.AllowN(now, 1) {
		return 0, true
	}
	if limit <= 0 {
		return time.Hour, false
	}
	missing := 1 - b.TokensAt(now)
	return time.Duration(missing / float64(limit) * float64(time.Second)), false
}

// bucket returns key's bucket, making it (full) if there is none; it marks key as
// the most recently used.
func (l *limiter) bucket(key string, limit rate.Limit, burst int) *rate.Limiter {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.buckets == nil {
		// NewLRU fails only for a size below 1.
		l.buckets, _ = simplelru.NewLRU[string, *rate.Limiter](max(l.maxKeys, 1), nil)
	}
	if b, ok := l.buckets.Get(key); ok {
		return b
	}
	b := rate.NewLimiter(limit, burst)
	l.buckets.Add(key, b)
	return b
}

// known reports whether key has a bucket, without marking it as used.
func (l *limiter) known(key string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buckets != nil && l.buckets.Contains(key)
}

// forget drops key's bucket.
func (l *limiter) forget(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.buckets != nil {
		l.buckets.Remove(key)
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
