package session

import (
	"container/list"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"sync"
	"time"

	"samenspel/internal/auth"
)

// ErrNotFound is a session a Store does not have.
var ErrNotFound = errors.New("session: not found")

// Record is a session as a Store keeps it: never the cookie's secret or the bearer
// token, only digests of both.
type Record struct {
	// ID is the digest (SHA-256, hex) of the session's secret, the cookie's value.
	ID string
	// Token is the hash of the bearer token the session signed in with
	// (auth.Token.Hash), by which each request finds the token again.
	Token string
	// CSRF is the session's token for its forms.
	CSRF string
	// Created is when the session was made; Seen when it was last used (updated
	// at most once a minute).
	Created, Seen time.Time
}

// Limits bound the sessions: how long one lasts unused (Idle) and at most
// (Absolute), and how many a Store keeps (Max; the least recently seen go first).
type Limits struct {
	Idle, Absolute time.Duration
	Max            int
}

// DefaultLimits: 8 hours idle, 24 hours at most, 10,000 sessions.
func DefaultLimits() Limits { return Limits{Idle: 8 * time.Hour, Absolute: 24 * time.Hour, Max: 10000} }

// expired reports whether r has ended at now under l.
func (l Limits) expired(r Record, now time.Time) bool {
	return now.Sub(r.Seen) >= l.Idle || now.Sub(r.Created) >= l.Absolute
}

// Store keeps sessions server-side. Several replicas share sessions when they
// share a Store (NewSharedStore, or a Redis or SQL one).
type Store interface {
	// Create stores r after making room under l: the sessions expired at
	// r.Created go, and then, while l.Max or more remain, the least recently seen.
	Create(ctx context.Context, r Record, l Limits) error
	// Get returns the session with id, or ErrNotFound.
	Get(ctx context.Context, id string) (Record, error)
	// Touch records that the session with id was used at seen.
	Touch(ctx context.Context, id string, seen time.Time) error
	// Delete removes the session with id; one that is not there is no error.
	Delete(ctx context.Context, id string) error
	// Key is the secret key that signs the CSRF cookies of anonymous forms: the
	// same for every replica that shares the Store, and for the Store's life.
	Key(ctx context.Context) ([]byte, error)
}

// MemoryStore keeps sessions in this process: for one replica (sessions end when
// it restarts), at most Limits.Max of them. Safe for concurrent use.
type MemoryStore struct {
	key  []byte
	mu   sync.Mutex
	byID map[string]*list.Element // of Record
	seen *list.List               // least recently seen at the back
}

// NewMemoryStore returns an empty MemoryStore with a random key.
func NewMemoryStore() *MemoryStore {
	return &MemoryStore{key: randomKey(), byID: map[string]*list.Element{}, seen: list.New()}
}

// Create implements Store.
func (m *MemoryStore) Create(_ context.Context, r Record, l Limits) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, taken := m.byID[r.ID]; taken {
		return fmt.Errorf("session: create: id taken")
	}
	for e := m.seen.Front(); e != nil; {
		next := e.Next()
		if l.expired(e.Value.(Record), r.Created) {
			m.remove(e)
		}
		e = next
	}
	for l.Max > 0 && m.seen.Len() >= l.Max {
		m.remove(m.seen.Back())
	}
	m.byID[r.ID] = m.seen.PushFront(r)
	return nil
}

// Get implements Store.
func (m *MemoryStore) Get(_ context.Context, id string) (Record, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	e, ok := m.byID[id]
	if !ok {
		return Record{}, ErrNotFound
	}
	return e.Value.(Record), nil
}

// Touch implements Store.
func (m *MemoryStore) Touch(_ context.Context, id string, seen time.Time) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	e, ok := m.byID[id]
	if !ok {
		return ErrNotFound
	}
	r := e.Value.(Record)
	r.Seen = seen
	e.Value = r
	m.seen.MoveToFront(e)
	return nil
}

// Delete implements Store.
func (m *MemoryStore) Delete(_ context.Context, id string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if e, ok := m.byID[id]; ok {
		m.remove(e)
	}
	return nil
}

// remove removes the session of e; m.mu is held.
func (m *MemoryStore) remove(e *list.Element) {
	m.seen.Remove(e)
	delete(m.byID, e.Value.(Record).ID)
}

// Key implements Store.
func (m *MemoryStore) Key(context.Context) ([]byte, error) { return m.key, nil }

// Len is how many sessions the store holds.
func (m *MemoryStore) Len() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.seen.Len()
}

// SessionKeeper is a store that keeps web sessions and keys (auth.WebSession):
// the embedded store, PostgreSQL.
type SessionKeeper interface {
	CreateWebSession(ctx context.Context, ws auth.WebSession, idleSince, madeSince time.Time, max int) error
	GetWebSession(ctx context.Context, id string) (auth.WebSession, error)
	TouchWebSession(ctx context.Context, id string, seen time.Time) error
	DeleteWebSession(ctx context.Context, id string) error
	WebKey(ctx context.Context, name string, fresh []byte) ([]byte, error)
}

// SharedStore keeps sessions in the store (auth.WebSession), so that every
// replica over the same data shares them and the key of the anonymous forms.
type SharedStore struct{ st SessionKeeper }

// NewSharedStore returns the sessions of st.
func NewSharedStore(st SessionKeeper) *SharedStore { return &SharedStore{st: st} }

// keyName names the key of the anonymous forms among the store's keys.
const keyName = "csrf"

// Create implements Store.
func (s *SharedStore) Create(ctx context.Context, r Record, l Limits) error {
	return s.st.CreateWebSession(ctx, auth.WebSession{ID: r.ID, Token: r.Token, CSRF: r.CSRF, Created: r.Created, Seen: r.Seen},
		r.Created.Add(-l.Idle), r.Created.Add(-l.Absolute), l.Max)
}

// Get implements Store.
func (s *SharedStore) Get(ctx context.Context, id string) (Record, error) {
	ws, err := s.st.GetWebSession(ctx, id)
	if errors.Is(err, auth.ErrNotFound) {
		return Record{}, ErrNotFound
	}
	if err != nil {
		return Record{}, err
	}
	return Record{ID: ws.ID, Token: ws.Token, CSRF: ws.CSRF, Created: ws.Created, Seen: ws.Seen}, nil
}

// Touch implements Store.
func (s *SharedStore) Touch(ctx context.Context, id string, seen time.Time) error {
	err := s.st.TouchWebSession(ctx, id, seen)
	if errors.Is(err, auth.ErrNotFound) {
		return ErrNotFound
	}
	return err
}

// Delete implements Store.
func (s *SharedStore) Delete(ctx context.Context, id string) error {
	return s.st.DeleteWebSession(ctx, id)
}

// Key implements Store.
func (s *SharedStore) Key(ctx context.Context) ([]byte, error) {
	return s.st.WebKey(ctx, keyName, randomKey())
}

// randomKey is 32 random bytes. crypto/rand.Read never fails (Go 1.24).
func randomKey() []byte {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return b
}
