// Package lease is Samenspel's one kind of lock between processes: a named lock
// that one holder at a time takes for a time to live under a random token, renews
// well within that time while it works, and releases when done; a holder that was
// frozen past its time to live finds the lock lost and cannot release the lock of
// the one that took it next. Three keepers, one contract: Redis (replicas sharing
// one Redis), the leases of a store (processes sharing one store, the embedded
// one or PostgreSQL) and a process's memory.
//
// The scheduler's jobs (internal/jobs), the replicas that compute a missed answer
// once (internal/cache, through internal/suggest) and the search index sync
// (internal/indexsync) take their locks here.
//
// It never waits for a lock (Acquire answers at once; a caller that must wait
// asks again), bounds every call to a keeper well within the time to live, keeps
// no global state and never logs.
package lease

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
)

// ErrLost is returned by Held.Renew when the lock is no longer the holder's: its
// time to live passed without a renewal, and another may have taken it since.
var ErrLost = errors.New("lease: lock lost")

// Lock gives one holder at a time the lock of a name (a job, a missed answer, the
// search index): across replicas (Redis, a shared store) or within one process.
type Lock interface {
	// Acquire takes the lock of name for ttl, unless another holds it: ok is false
	// then. err means the lock could not be asked (its keeper does not answer).
	Acquire(ctx context.Context, name string, ttl time.Duration) (held Held, ok bool, err error)
}

// Held is a lock taken by Acquire. Its holder renews it well within its time to
// live (the scheduler does every ttl/3) and releases it when done.
type Held interface {
	// Renew extends the lock by its time to live from now. It returns ErrLost when
	// the lock is gone (another took it, or the time to live passed without a
	// renewal); another error when it could not ask, and the lock may still be held.
	Renew(ctx context.Context) error
	// Release gives the lock up if it is still the holder's; a lock another has
	// taken meanwhile is left alone.
	Release(ctx context.Context)
	// Lost is closed once the holder must assume the lock is gone: its time to live
	// passed since the last successful Acquire or Renew, or Renew found another
	// holder. It is never closed by Release.
	Lost() <-chan struct{}
}

// lease keeps a holder's view of its lock: the lock is the holder's until the time
// to live passes since the last successful Acquire or Renew began. Measuring from
// the start of the call makes the holder give up no later than the lock's owner
// (Redis) expires it.
type lease struct {
	ttl  time.Duration
	lost chan struct{}

	mu       sync.Mutex
	gone     bool // lost or released: never valid again
	timer    *time.Timer
	deadline time.Time // when the holder must assume the lock gone
}

func newLease(ttl time.Duration, asked time.Time) *lease {
	l := &lease{ttl: ttl, lost: make(chan struct{})}
	l.extend(asked)
	return l
}

// extend makes the lease run until asked+ttl, unless it is already gone, and
// reports whether it still holds.
func (l *lease) extend(asked time.Time) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.gone {
		return false
	}
	deadline := asked.Add(l.ttl)
	if time.Until(deadline) <= 0 {
		l.loseLocked()
		return false
	}
	l.deadline = deadline
	if l.timer != nil {
		l.timer.Stop()
	}
	l.timer = time.AfterFunc(time.Until(deadline), func() {
		l.mu.Lock()
		defer l.mu.Unlock()
		if !l.gone && !time.Now().Before(l.deadline) {
			l.loseLocked()
		}
	})
	return true
}

// expired reports whether the lease's deadline passed (its timer may not have run
// yet).
func (l *lease) expired() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.gone || !time.Now().Before(l.deadline)
}

// lose marks the lock lost.
func (l *lease) lose() {
	l.mu.Lock()
	defer l.mu.Unlock()
	if !l.gone {
		l.loseLocked()
	}
}

func (l *lease) loseLocked() {
	l.gone = true
	if l.timer != nil {
		l.timer.Stop()
	}
	close(l.lost)
}

// renew is Held.Renew of a lock that another keeps (Redis, the store): ask asks the
// keeper to extend the lock for the time to live if it still holds the holder's
// token, and reports whether it did; asked is when the asking began, and ask's
// context ends within callTimeout. The lease is marked lost, and ErrLost returned,
// when it ran out before or during the asking, when the keeper says the lock is no
// longer the holder's, and when ask fails after the lease ran out. A failed ask
// before then is another error naming the lock (name): it may still be held.
func (l *lease) renew(ctx context.Context, name string, ask func(ctx context.Context, asked time.Time) (bool, error)) error {
	if l.expired() {
		l.lose()
		return ErrLost
	}
	asked := time.Now()
	cctx, cancel := context.WithTimeout(ctx, callTimeout(l.ttl))
	defer cancel()
	held, err := ask(cctx, asked)
	if err != nil {
		if l.expired() {
			l.lose()
			return fmt.Errorf("%w: renew %s: %w", ErrLost, name, err)
		}
		return fmt.Errorf("lease: renew lock %s: %w", name, err)
	}
	if !held || !l.extend(asked) {
		l.lose()
		return ErrLost
	}
	return nil
}

// release ends the lease without marking it lost, and reports whether it held
// until then.
func (l *lease) release() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.gone {
		return false
	}
	l.gone = true
	l.timer.Stop()
	return time.Now().Before(l.deadline)
}

// Redis is the lock of several replicas sharing one Redis: SET NX PX with a
// random token per holder, so that only the holder renews (compare and PEXPIRE) or
// releases (compare and DEL) it, and a holder that was frozen past its time to live
// cannot release the lock of the one that took it next.
type Redis struct {
	c       *redis.Client
	prefix  string
	timeout time.Duration
}

// NewRedis returns the locks kept in the Redis c; name's key is prefix+name (the
// matcher's jobs use "samenspel:lock:job:").
func NewRedis(c *redis.Client, prefix string) *Redis {
	return &Redis{c: c, prefix: prefix}
}

// WithCallTimeout bounds each Redis call by d instead of by a third of the time to
// live (at most maxCallTimeout): for a caller whose Redis calls share one timeout.
func (l *Redis) WithCallTimeout(d time.Duration) *Redis {
	c := *l
	c.timeout = d
	return &c
}

// maxCallTimeout bounds each Redis call of the lock; with a short time to live,
// a third of it bounds it instead, so that a slow Redis is noticed before the lock
// runs out.
const maxCallTimeout = 2 * time.Second

func callTimeout(ttl time.Duration) time.Duration {
	return min(maxCallTimeout, max(ttl/3, time.Millisecond))
}

// Acquire implements Lock.
func (l *Redis) Acquire(ctx context.Context, name string, ttl time.Duration) (Held, bool, error) {
	if ttl < time.Millisecond {
		return nil, false, fmt.Errorf("lease: lock %q: time to live %v is below a millisecond", name, ttl)
	}
	timeout := l.timeout
	if timeout == 0 {
		timeout = callTimeout(ttl)
	}
	h := &redisHeld{c: l.c, key: l.prefix + name, token: rand.Text(), ttl: ttl, timeout: timeout}
	asked := time.Now()
	cctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	ok, err := l.c.SetNX(cctx, h.key, h.token, ttl).Result()
	if err != nil {
		return nil, false, fmt.Errorf("lease: lock %q: %w", name, err)
	}
	if !ok {
		return nil, false, nil
	}
	h.lease = newLease(ttl, asked)
	return h, true, nil
}

// renewScript extends the lock only while it holds the caller's token.
var renewScript = redis.NewScript(`if redis.call("get", KEYS[1]) == ARGV[1] then return redis.call("pexpire", KEYS[1], ARGV[2]) else return 0 end`)

// releaseScript deletes the lock only while it holds the caller's token.
var releaseScript = redis.NewScript(`if redis.call("get", KEYS[1]) == ARGV[1] then return redis.call("del", KEYS[1]) else return 0 end`)

type redisHeld struct {
	c            *redis.Client
	key, token   string
	ttl, timeout time.Duration
	*lease
}

func (h *redisHeld) Renew(ctx context.Context) error {
	return h.renew(ctx, h.key, func(ctx context.Context, _ time.Time) (bool, error) {
		n, err := renewScript.Run(ctx, h.c, []string{h.key}, h.token, h.ttl.Milliseconds()).Int()
		return n == 1, err
	})
}

func (h *redisHeld) Release(ctx context.Context) {
	if !h.release() {
		return // lost or released: the key is not ours to delete (the script would say so too)
	}
	cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), h.timeout)
	defer cancel()
	_ = releaseScript.Run(cctx, h.c, []string{h.key}, h.token).Err() // on failure the key expires
}

func (h *redisHeld) Lost() <-chan struct{} { return h.lost }

// Local is the lock of a single process, without Redis: it keeps a scheduled run
// and `RunNow` from running one job at once. Its locks expire as Redis's do.
type Local struct {
	mu   sync.Mutex
	held map[string]*localHeld
}

// NewLocal returns an in-process lock.
func NewLocal() *Local { return &Local{held: map[string]*localHeld{}} }

// Acquire implements Lock.
func (l *Local) Acquire(ctx context.Context, job string, ttl time.Duration) (Held, bool, error) {
	if ttl < time.Millisecond {
		return nil, false, fmt.Errorf("lease: lock %q: time to live %v is below a millisecond", job, ttl)
	}
	if err := ctx.Err(); err != nil {
		return nil, false, err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if cur, ok := l.held[job]; ok && !cur.expired() {
		return nil, false, nil
	}
	h := &localHeld{l: l, job: job, lease: newLease(ttl, time.Now())}
	l.held[job] = h
	return h, true, nil
}

type localHeld struct {
	l   *Local
	job string
	*lease
}

func (h *localHeld) Renew(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	h.l.mu.Lock()
	defer h.l.mu.Unlock()
	if h.l.held[h.job] != h || h.expired() || !h.extend(time.Now()) {
		h.lose()
		return ErrLost
	}
	return nil
}

func (h *localHeld) Release(ctx context.Context) {
	h.l.mu.Lock()
	defer h.l.mu.Unlock()
	h.release()
	if h.l.held[h.job] == h {
		delete(h.l.held, h.job)
	}
}

func (h *localHeld) Lost() <-chan struct{} { return h.lost }

// Keeper is a store that keeps leases: the embedded store, PostgreSQL. TakeLease
// gives the lease name to holder until now+ttl when nobody else holds it (or it
// ran out, or holder holds it already: a renewal); ReleaseLease ends holder's.
type Keeper interface {
	TakeLease(ctx context.Context, name, holder string, now time.Time, ttl time.Duration) (bool, error)
	ReleaseLease(ctx context.Context, name, holder string) error
}

// Store is the lock of the processes that share one store without Redis:
// `matcher serve` and `matcher recompute` beside it, which an in-process lock
// cannot keep apart, or the indexer's sync and reindex. Each lock is a lease in the
// store named prefix+name, held under a random token.
type Store struct {
	s      Keeper
	prefix string
}

// NewStore returns the locks kept as leases in s, named prefix+name (the
// matcher's jobs use "job:").
func NewStore(s Keeper, prefix string) *Store { return &Store{s: s, prefix: prefix} }

// Acquire implements Lock.
func (l *Store) Acquire(ctx context.Context, name string, ttl time.Duration) (Held, bool, error) {
	if ttl < time.Millisecond {
		return nil, false, fmt.Errorf("lease: lock %q: time to live %v is below a millisecond", name, ttl)
	}
	h := &storeHeld{s: l.s, name: l.prefix + name, token: rand.Text(), ttl: ttl}
	asked := time.Now()
	cctx, cancel := context.WithTimeout(ctx, callTimeout(ttl))
	defer cancel()
	ok, err := l.s.TakeLease(cctx, h.name, h.token, asked, ttl)
	if err != nil {
		return nil, false, fmt.Errorf("lease: lock %q: %w", name, err)
	}
	if !ok {
		return nil, false, nil
	}
	h.lease = newLease(ttl, asked)
	return h, true, nil
}

type storeHeld struct {
	s           Keeper
	name, token string
	ttl         time.Duration
	*lease
}

func (h *storeHeld) Renew(ctx context.Context) error {
	return h.renew(ctx, h.name, func(ctx context.Context, asked time.Time) (bool, error) {
		return h.s.TakeLease(ctx, h.name, h.token, asked, h.ttl)
	})
}

func (h *storeHeld) Release(ctx context.Context) {
	if !h.release() {
		return
	}
	cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), maxCallTimeout)
	defer cancel()
	_ = h.s.ReleaseLease(cctx, h.name, h.token) // on failure the lease runs out
}

func (h *storeHeld) Lost() <-chan struct{} { return h.lost }
