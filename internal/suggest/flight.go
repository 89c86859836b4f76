package suggest

import (
	"context"
	"errors"
	"sync"
	"time"
)

// flights runs one computation per key for every caller that asks for the key
// while it runs (as singleflight does), on a context of its own: it carries the
// deadline of the caller that started it and ends when every caller waiting for it
// has gone. So no single caller's cancellation ends it for the others, and a
// computation nobody waits for any more stops (SPEC §6: every search honours its
// caller's deadline and cancellation).
type flights struct {
	mu    sync.Mutex
	calls map[string]*flight
}

// flight is one computation and the callers waiting for it.
type flight struct {
	waiters int
	cancel  context.CancelFunc
	done    chan struct{} // closed when val and err are set
	val     []byte
	err     error
}

// stopGrace is how long a caller whose deadline has passed still waits for the
// computation's answer: the engine looks at its stop channel well within a
// millisecond, so a computation on the caller's deadline answers within it, and
// one that waits on something that ignores its context cannot hold the caller for
// more. It stays far below the gap between the request deadline and the server's
// write timeout.
const stopGrace = time.Second

// do returns fn's answer for key, from a computation started now or one already
// running. When ctx ends first, the caller stops waiting: at once when it was
// cancelled, after at most stopGrace for the answer (which a stopped search still
// gives) when its deadline passed.
func (g *flights) do(ctx context.Context, key string, fn func(ctx context.Context) ([]byte, error)) ([]byte, error) {
	g.mu.Lock()
	if g.calls == nil {
		g.calls = map[string]*flight{}
	}
	f, ok := g.calls[key]
	if !ok {
		var fctx context.Context
		f = &flight{done: make(chan struct{})}
		if d, has := ctx.Deadline(); has {
			fctx, f.cancel = context.WithDeadline(context.WithoutCancel(ctx), d)
		} else {
			fctx, f.cancel = context.WithCancel(context.WithoutCancel(ctx))
		}
		g.calls[key] = f
		go g.run(fctx, key, f, fn)
	}
	f.waiters++
	g.mu.Unlock()

	select {
	case <-f.done:
		return f.val, f.err
	case <-ctx.Done():
	}
	g.mu.Lock()
	f.waiters--
	if f.waiters == 0 {
		// No one waits: stop the computation, and let the next caller start anew.
		f.cancel()
		g.forget(key, f)
	}
	g.mu.Unlock()
	if !errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return nil, ctx.Err()
	}
	t := time.NewTimer(stopGrace)
	defer t.Stop()
	select {
	case <-f.done:
		return f.val, f.err
	case <-t.C:
		return nil, ctx.Err()
	}
}

func (g *flights) run(ctx context.Context, key string, f *flight, fn func(ctx context.Context) ([]byte, error)) {
	defer close(f.done)
	defer f.cancel()
	f.val, f.err = fn(ctx)
	g.mu.Lock()
	g.forget(key, f)
	g.mu.Unlock()
}

// forget removes f from the running computations, unless a newer one has taken
// its key; the caller holds g.mu.
func (g *flights) forget(key string, f *flight) {
	if g.calls[key] == f {
		delete(g.calls, key)
	}
}
