// Package leasetest holds what the tests of every user of a lock (internal/lease)
// share: the three keepers as pairs of locks that exclude each other, as two
// replicas hold them, and a real Redis and embedded store to keep them in.
package leasetest

import (
	"context"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"samenspel/internal/lease"
	"samenspel/internal/redistest"
	"samenspel/internal/store"
	"samenspel/internal/store/storetest"
)

// OpenStore opens the embedded store in dir, as each process sharing it does; it
// is closed when t ends (storetest.OpenEmbedded).
func OpenStore(t *testing.T, dir string) *store.Store { return storetest.OpenEmbedded(t, dir) }

// RedisClient connects to a real Redis for t (see internal/redistest).
func RedisClient(t testing.TB) *redis.Client {
	t.Helper()
	srv := redistest.Start(t)
	opt, err := redis.ParseURL(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	c := redis.NewClient(opt)
	t.Cleanup(func() { c.Close() })
	return c
}

// Kind is a keeper of locks.
type Kind struct {
	Name string
	// Pair returns two locks that exclude each other, as two replicas hold them.
	Pair func(t *testing.T) (lease.Lock, lease.Lock)
}

// Kinds are the keepers that every lock test runs against. A Redis lock's two
// "replicas" are two clients of one Redis, a store lock's two stores on one data
// directory (two processes); a local lock is shared, as the holders are in one
// process.
var Kinds = []Kind{
	{"local", func(t *testing.T) (lease.Lock, lease.Lock) {
		l := lease.NewLocal()
		return l, l
	}},
	{"redis", func(t *testing.T) (lease.Lock, lease.Lock) {
		c := RedisClient(t)
		opt := *c.Options()
		other := redis.NewClient(&opt)
		t.Cleanup(func() { other.Close() })
		return lease.NewRedis(c, "test:lock:"), lease.NewRedis(other, "test:lock:")
	}},
	{"store", func(t *testing.T) (lease.Lock, lease.Lock) {
		dir := t.TempDir()
		return lease.NewStore(OpenStore(t, dir), "job:"), lease.NewStore(OpenStore(t, dir), "job:")
	}},
}

// Acquire takes the lock of name in l for ttl; an error fails t.
func Acquire(t *testing.T, l lease.Lock, name string, ttl time.Duration) (lease.Held, bool) {
	t.Helper()
	h, ok, err := l.Acquire(context.Background(), name, ttl)
	if err != nil {
		t.Fatalf("Acquire(%q) = %v", name, err)
	}
	return h, ok
}
