package cache

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"

	"samenspel/internal/lease"
)

// Redis is the suggestion cache shared by several matcher replicas. It is built for
// failure: short timeouts and few retries, so that a slow or absent Redis costs a
// request at most about a tenth of a second, after which the caller computes the
// answer itself.
//
// A failure is logged once, when Redis stops answering, and once more when it
// answers again (go-redis reconnects by itself); the calls in between fail quietly,
// so that an outage does not flood the log. Callers count every failure.
type Redis struct {
	c      *redis.Client
	ttl    time.Duration
	prefix string
	log    *slog.Logger
	down   atomic.Bool // the last call failed
	// timeout bounds each call (RedisTimeout unless WithTimeout).
	timeout time.Duration
	// locks are the short locks of Lock, under prefix+"lock:".
	locks *lease.Redis
}

// Option configures a Redis cache.
type Option func(*Redis)

// WithLogger logs Redis going away and coming back to l (not logged without it).
func WithLogger(l *slog.Logger) Option { return func(r *Redis) { r.log = l } }

// RedisTimeout bounds each Redis call by default.
const RedisTimeout = 100 * time.Millisecond

// WithTimeout bounds each Redis call by d instead of RedisTimeout: for tests that
// run under the race detector on a busy machine, where a healthy Redis can take
// longer than a production deadline allows.
func WithTimeout(d time.Duration) Option { return func(r *Redis) { r.timeout = d } }

// NewRedis connects to the Redis at url (redis://host:port/db). Entries live for
// ttl, plus up to 10% jitter so that entries written together do not expire
// together.
func NewRedis(url string, ttl time.Duration, opts ...Option) (*Redis, error) {
	opt, err := redis.ParseURL(url)
	if err != nil {
		return nil, fmt.Errorf("cache: redis url: %w", err)
	}
	r := &Redis{ttl: ttl, prefix: "samenspel:", timeout: RedisTimeout}
	for _, o := range opts {
		o(r)
	}
	opt.DialTimeout = r.timeout
	opt.ReadTimeout = r.timeout
	opt.WriteTimeout = r.timeout
	opt.MaxRetries = 1
	opt.ContextTimeoutEnabled = true
	r.c = redis.NewClient(opt)
	r.locks = lease.NewRedis(r.c, r.prefix+"lock:").WithCallTimeout(r.timeout)
	return r, nil
}

// observe notes the outcome of a call: err is nil, redis.Nil (an answer) or a
// failure. It logs only the transitions between answering and not.
func (r *Redis) observe(ctx context.Context, err error) {
	if err == nil || errors.Is(err, redis.Nil) {
		if r.down.CompareAndSwap(true, false) && r.log != nil {
			r.log.Info("redis answers again: suggestions are shared through it")
		}
		return
	}
	if ctx.Err() != nil {
		return // the caller gave up (ctx is the caller's, not the call's timeout)
	}
	if r.down.CompareAndSwap(false, true) && r.log != nil {
		r.log.Warn("redis does not answer: suggestions are computed here until it does; failures are counted in samenspel_suggestion_cache_errors_total",
			"err", err.Error())
	}
}

// Get returns the value under key and whether it was there. An error means Redis
// could not answer; the caller goes on without the cache.
func (r *Redis) Get(ctx context.Context, key string) ([]byte, bool, error) {
	cctx, cancel := context.WithTimeout(ctx, r.timeout)
	defer cancel()
	b, err := r.c.Get(cctx, r.prefix+key).Bytes()
	r.observe(ctx, err)
	if errors.Is(err, redis.Nil) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("cache: redis get: %w", err)
	}
	return b, true, nil
}

// Set stores val under key with the cache's time to live and jitter.
func (r *Redis) Set(ctx context.Context, key string, val []byte) error {
	cctx, cancel := context.WithTimeout(ctx, r.timeout)
	defer cancel()
	ttl := r.ttl + time.Duration(rand.Int64N(int64(r.ttl/10)+1))
	err := r.c.Set(cctx, r.prefix+key, val, ttl).Err()
	r.observe(ctx, err)
	if err != nil {
		return fmt.Errorf("cache: redis set: %w", err)
	}
	return nil
}

// Ping reports whether Redis answers (for /readyz: degraded, not down).
func (r *Redis) Ping(ctx context.Context) error {
	cctx, cancel := context.WithTimeout(ctx, r.timeout)
	defer cancel()
	err := r.c.Ping(cctx).Err()
	r.observe(ctx, err)
	return err
}

// Close closes the connections.
func (r *Redis) Close() error { return r.c.Close() }

// Client is the connection pool, for other shared state in the same Redis (the
// API's rate-limit buckets).
func (r *Redis) Client() *redis.Client { return r.c }

// Lock takes a short lock on key across replicas (internal/lease: SET NX PX with a
// random token). ok is false when another holds it. unlock releases it if it is
// still ours.
func (r *Redis) Lock(ctx context.Context, key string, ttl time.Duration) (unlock func(), ok bool, err error) {
	held, ok, err := r.locks.Acquire(ctx, key, ttl)
	r.observe(ctx, err)
	if err != nil || !ok {
		return func() {}, false, err
	}
	return func() { held.Release(ctx) }, true, nil
}
