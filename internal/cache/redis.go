package cache

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"
)

// Redis is the suggestion cache shared by several matcher replicas. It is built for
// failure: short timeouts and few retries, so that a slow or absent Redis costs a
// request at most about a tenth of a second, after which the caller computes the
// answer itself.
type Redis struct {
	c      *redis.Client
	ttl    time.Duration
	prefix string
}

// RedisTimeout bounds each Redis call.
const RedisTimeout = 100 * time.Millisecond

// NewRedis connects to the Redis at url (redis://host:port/db). Entries live for
// ttl, plus up to 10% jitter so that entries written together do not expire
// together.
func NewRedis(url string, ttl time.Duration) (*Redis, error) {
	opt, err := redis.ParseURL(url)
	if err != nil {
		return nil, fmt.Errorf("cache: redis url: %w", err)
	}
	opt.DialTimeout = RedisTimeout
	opt.ReadTimeout = RedisTimeout
	opt.WriteTimeout = RedisTimeout
	opt.MaxRetries = 1
	opt.ContextTimeoutEnabled = true
	return &Redis{c: redis.NewClient(opt), ttl: ttl, prefix: "samenspel:"}, nil
}

// Get returns the value under key and whether it was there. An error means Redis
// could not answer; the caller goes on without the cache.
func (r *Redis) Get(ctx context.Context, key string) ([]byte, bool, error) {
	ctx, cancel := context.WithTimeout(ctx, RedisTimeout)
	defer cancel()
	b, err := r.c.Get(ctx, r.prefix+key).Bytes()
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
	ctx, cancel := context.WithTimeout(ctx, RedisTimeout)
	defer cancel()
	ttl := r.ttl + time.Duration(rand.Int64N(int64(r.ttl/10)+1))
	if err := r.c.Set(ctx, r.prefix+key, val, ttl).Err(); err != nil {
		return fmt.Errorf("cache: redis set: %w", err)
	}
	return nil
}

// Ping reports whether Redis answers (for /readyz: degraded, not down).
func (r *Redis) Ping(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, RedisTimeout)
	defer cancel()
	return r.c.Ping(ctx).Err()
}

// Close closes the connections.
func (r *Redis) Close() error { return r.c.Close() }

// Client is the connection pool, for other shared state in the same Redis (the
// API's rate-limit buckets).
func (r *Redis) Client() *redis.Client { return r.c }

// unlockScript deletes a lock only when it still holds the caller's token, so that
// a holder whose lock expired cannot release someone else's.
var unlockScript = redis.NewScript(`if redis.call("get", KEYS[1]) == ARGV[1] then return redis.call("del", KEYS[1]) else return 0 end`)

// Lock takes a short lock on key across replicas (SET NX PX with a random token).
// ok is false when another holds it. unlock releases it if it is still ours.
func (r *Redis) Lock(ctx context.Context, key string, ttl time.Duration) (unlock func(), ok bool, err error) {
	token := strconv.FormatUint(rand.Uint64(), 36)
	lctx, cancel := context.WithTimeout(ctx, RedisTimeout)
	defer cancel()
	k := r.prefix + "lock:" + key
	ok, err = r.c.SetNX(lctx, k, token, ttl).Result()
	if err != nil || !ok {
		return func() {}, false, err
	}
	return func() {
		uctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), RedisTimeout)
		defer cancel()
		_ = unlockScript.Run(uctx, r.c, []string{k}, token).Err()
	}, true, nil
}
