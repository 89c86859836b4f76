package cache

import (
	"context"
	"time"
)

// Tiered is a replica's cache in the scaled set-up: its own in-process cache in
// front of the Redis cache that all replicas share. A hit in Redis is kept locally
// too, so that a replica answers a popular tender without a round trip.
//
// This is safe only because a suggestion's key names an answer that never changes:
// the key holds a digest of every input (tender, candidates, trust) and the engine
// is deterministic, so a write makes a new key instead of changing an old one's
// answer, and a local copy can never be stale. Do not put values under keys that
// can change meaning.
type Tiered struct {
	Local  *Memory
	Shared *Redis
}

// Get looks in the local cache, then in the shared one, keeping a shared hit
// locally. An error is the shared cache's (a slow or absent Redis): the caller goes
// on without it.
func (t *Tiered) Get(ctx context.Context, key string) ([]byte, bool, error) {
	if v, ok, _ := t.Local.Get(ctx, key); ok {
		return v, true, nil
	}
	v, ok, err := t.Shared.Get(ctx, key)
	if ok && err == nil {
		t.Local.Set(ctx, key, v)
	}
	return v, ok, err
}

// Set stores val in both caches; an error is the shared cache's, and the value is
// kept locally all the same.
func (t *Tiered) Set(ctx context.Context, key string, val []byte) error {
	t.Local.Set(ctx, key, val)
	return t.Shared.Set(ctx, key, val)
}

// Lock takes the shared cache's lock across replicas.
func (t *Tiered) Lock(ctx context.Context, key string, ttl time.Duration) (unlock func(), ok bool, err error) {
	return t.Shared.Lock(ctx, key, ttl)
}

// Ping reports whether the shared cache answers.
func (t *Tiered) Ping(ctx context.Context) error { return t.Shared.Ping(ctx) }
