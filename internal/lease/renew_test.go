package lease_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"samenspel/internal/lease"
	"samenspel/internal/lease/leasetest"
)

// keptLock is a lock whose keeper (Redis, the store) a test can change behind the
// holder's back.
type keptLock struct {
	lock lease.Lock
	// steal gives job's lock to another holder, for a minute from now.
	steal func(job string)
	// stolen reports whether the other still holds job's lock.
	stolen func(job string) bool
}

// A lock that another took behind the holder's back, while the holder's own time
// to live still runs, is lost at the holder's next Renew: the keeper no longer
// holds the holder's token. Its Lost is closed, and its Release leaves the other's
// lock alone.
func TestLockRenewFindsAnotherHolder(t *testing.T) {
	kinds := []struct {
		name string
		open func(t *testing.T) keptLock
	}{
		{"redis", func(t *testing.T) keptLock {
			c := leasetest.RedisClient(t)
			const prefix = "test:lock:"
			return keptLock{
				lock: lease.NewRedis(c, prefix),
				steal: func(job string) {
					if err := c.Set(context.Background(), prefix+job, "another", time.Minute).Err(); err != nil {
						t.Fatal(err)
					}
				},
				stolen: func(job string) bool {
					v, err := c.Get(context.Background(), prefix+job).Result()
					if err != nil {
						t.Fatal(err)
					}
					return v == "another"
				},
			}
		}},
		{"store", func(t *testing.T) keptLock {
			s := leasetest.OpenStore(t, t.TempDir())
			// The other's clock is past the holder's time to live: to it the
			// holder's lease ran out, so it takes it.
			later := time.Now().Add(2 * time.Minute)
			return keptLock{
				lock: lease.NewStore(s, "job:"),
				steal: func(job string) {
					ok, err := s.TakeLease(context.Background(), "job:"+job, "another", later, time.Minute)
					if err != nil || !ok {
						t.Fatalf("TakeLease(another) = %v, %v; want true, nil", ok, err)
					}
				},
				stolen: func(job string) bool {
					ok, err := s.TakeLease(context.Background(), "job:"+job, "another", later, time.Minute)
					if err != nil {
						t.Fatal(err)
					}
					return ok // the other's renewal succeeds only while the lease is its own
				},
			}
		}},
	}
	for _, k := range kinds {
		t.Run(k.name, func(t *testing.T) {
			ctx := context.Background()
			kl := k.open(t)
			h, ok := leasetest.Acquire(t, kl.lock, "recompute", time.Minute)
			if !ok {
				t.Fatal("Acquire of a free lock = not ok")
			}
			if err := h.Renew(ctx); err != nil {
				t.Fatalf("Renew() of a held lock = %v, want nil", err)
			}
			kl.steal("recompute")
			if err := h.Renew(ctx); !errors.Is(err, lease.ErrLost) {
				t.Errorf("Renew() of a lock another took = %v, want ErrLost", err)
			}
			select {
			case <-h.Lost():
			default:
				t.Error("Lost() is not closed after Renew found another holder")
			}
			h.Release(ctx)
			if !kl.stolen("recompute") {
				t.Error("the first holder's Release freed the other's lock")
			}
		})
	}
}
