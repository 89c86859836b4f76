// Package cache holds the suggestion caches, the answer to "have we computed this
// already?": in-process (Memory, the embedded default), Redis (shared by several
// replicas, with a short lock so that they compute a missed answer once), and
// Tiered (a replica's Memory in front of the shared Redis). All pass one test suite.
//
// A cache holds bytes under keys and forgets them after a time to live or when it is
// full; it never decides what is stale (keys carry the versions of what an answer
// depends on) and never sees anything but public data, which its callers guarantee.
package cache

import (
	"context"
	"time"

	"github.com/hashicorp/golang-lru/v2/expirable"
)

// Memory is a bounded in-process cache with a time to live per cache. It is safe for
// concurrent use.
type Memory struct {
	lru *expirable.LRU[string, []byte]
}

// NewMemory returns a cache of at most size entries, each kept for at most ttl.
func NewMemory(size int, ttl time.Duration) *Memory {
	return &Memory{lru: expirable.NewLRU[string, []byte](size, nil, ttl)}
}

// Get returns the value under key and whether it was there.
func (m *Memory) Get(_ context.Context, key string) ([]byte, bool, error) {
	v, ok := m.lru.Get(key)
	return v, ok, nil
}

// Set stores a copy of val under key.
func (m *Memory) Set(_ context.Context, key string, val []byte) error {
	m.lru.Add(key, append([]byte(nil), val...))
	return nil
}

// Len is the number of entries held.
func (m *Memory) Len() int { return m.lru.Len() }
