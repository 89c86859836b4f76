package lease_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"samenspel/internal/lease"
	"samenspel/internal/lease/leasetest"
)

func TestLockExcludes(t *testing.T) {
	for _, k := range leasetest.Kinds {
		t.Run(k.Name, func(t *testing.T) {
			ctx := context.Background()
			a, b := k.Pair(t)
			ha, ok := leasetest.Acquire(t, a, "recompute", time.Minute)
			if !ok {
				t.Fatal("Acquire of a free lock = false")
			}
			if _, ok := leasetest.Acquire(t, b, "recompute", time.Minute); ok {
				t.Fatal("a second holder acquired a held lock")
			}
			if _, ok := leasetest.Acquire(t, b, "stale", time.Minute); !ok {
				t.Error("the lock of another job was not free")
			}
			if err := ha.Renew(ctx); err != nil {
				t.Errorf("Renew() of a held lock = %v", err)
			}
			ha.Release(ctx)
			hb, ok := leasetest.Acquire(t, b, "recompute", time.Minute)
			if !ok {
				t.Fatal("a released lock could not be acquired")
			}
			if err := ha.Renew(ctx); !errors.Is(err, lease.ErrLost) {
				t.Errorf("Renew() after Release = %v, want ErrLost", err)
			}
			// A late second Release by the first holder leaves the new holder's lock.
			ha.Release(ctx)
			if _, ok := leasetest.Acquire(t, a, "recompute", time.Minute); ok {
				t.Error("a stale holder's Release freed the new holder's lock")
			}
			if err := hb.Renew(ctx); err != nil {
				t.Errorf("the new holder's Renew() = %v", err)
			}
			select {
			case <-hb.Lost():
				t.Error("Lost() closed for a held lock")
			default:
			}
		})
	}
}

// A holder that renews keeps its lock well past its time to live.
func TestLockRenewKeeps(t *testing.T) {
	for _, k := range leasetest.Kinds {
		t.Run(k.Name, func(t *testing.T) {
			ctx := context.Background()
			a, b := k.Pair(t)
			const ttl = 300 * time.Millisecond
			ha, _ := leasetest.Acquire(t, a, "recompute", ttl)
			end := time.Now().Add(4 * ttl)
			for time.Now().Before(end) {
				time.Sleep(ttl / 4)
				if err := ha.Renew(ctx); err != nil {
					t.Fatalf("Renew() = %v", err)
				}
				if _, ok := leasetest.Acquire(t, b, "recompute", ttl); ok {
					t.Fatal("another acquired a lock that was renewed in time")
				}
			}
		})
	}
}

// A holder frozen past its time to live (no renewal) loses the lock: another takes
// it, and the first one's Lost is closed and its Renew says ErrLost, even after
// the new holder released it again.
func TestLockFrozenHolderLoses(t *testing.T) {
	for _, k := range leasetest.Kinds {
		t.Run(k.Name, func(t *testing.T) {
			ctx := context.Background()
			a, b := k.Pair(t)
			const ttl = 100 * time.Millisecond
			ha, _ := leasetest.Acquire(t, a, "recompute", ttl)
			var hb lease.Held
			deadline := time.Now().Add(5 * time.Second)
			for {
				h, ok := leasetest.Acquire(t, b, "recompute", time.Minute)
				if ok {
					hb = h
					break
				}
				if time.Now().After(deadline) {
					t.Fatal("the lock of a frozen holder was never free")
				}
				time.Sleep(10 * time.Millisecond)
			}
			select {
			case <-ha.Lost():
			case <-time.After(5 * time.Second):
				t.Fatal("Lost() of the frozen holder was not closed")
			}
			if err := ha.Renew(ctx); !errors.Is(err, lease.ErrLost) {
				t.Errorf("the frozen holder's Renew() = %v, want ErrLost", err)
			}
			ha.Release(ctx)
			if _, ok := leasetest.Acquire(t, a, "recompute", time.Minute); ok {
				t.Error("the frozen holder's Release freed the new holder's lock")
			}
			hb.Release(ctx)
			if err := ha.Renew(ctx); !errors.Is(err, lease.ErrLost) {
				t.Errorf("the frozen holder's Renew() on a free lock = %v, want ErrLost", err)
			}
		})
	}
}

// An expired lock that nobody took is still lost to its holder: it cannot tell
// whether another held it meanwhile.
func TestLockExpiredIsLost(t *testing.T) {
	for _, k := range leasetest.Kinds {
		t.Run(k.Name, func(t *testing.T) {
			a, _ := k.Pair(t)
			ha, _ := leasetest.Acquire(t, a, "recompute", 50*time.Millisecond)
			select {
			case <-ha.Lost():
			case <-time.After(5 * time.Second):
				t.Fatal("Lost() was not closed after the time to live")
			}
			if err := ha.Renew(context.Background()); !errors.Is(err, lease.ErrLost) {
				t.Errorf("Renew() after the time to live = %v, want ErrLost", err)
			}
		})
	}
}

func TestLockRefusesTinyTTL(t *testing.T) {
	for _, k := range leasetest.Kinds {
		t.Run(k.Name, func(t *testing.T) {
			a, _ := k.Pair(t)
			if _, ok, err := a.Acquire(context.Background(), "recompute", 0); ok || err == nil {
				t.Errorf("Acquire with ttl 0 = %v, %v; want an error", ok, err)
			}
		})
	}
}
