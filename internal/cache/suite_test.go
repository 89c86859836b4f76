package cache

import (
	"context"
	"fmt"
	"log/slog"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"samenspel/internal/logbuf"
	"samenspel/internal/redistest"
)

// cacheAPI is what every cache implements (the suggestion service's Cache).
type cacheAPI interface {
	Get(ctx context.Context, key string) ([]byte, bool, error)
	Set(ctx context.Context, key string, val []byte) error
}

// TestSuite runs the same tests against every cache: in-process and Redis.
func TestSuite(t *testing.T) {
	impls := map[string]func(t *testing.T) cacheAPI{
		"memory": func(t *testing.T) cacheAPI { return NewMemory(1000, time.Hour) },
		"redis": func(t *testing.T) cacheAPI {
			r, _ := newTestRedis(t)
			return r
		},
		"tiered": func(t *testing.T) cacheAPI {
			r, _ := newTestRedis(t)
			return &Tiered{Local: NewMemory(1000, time.Hour), Shared: r}
		},
	}
	for name, mk := range impls {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			c := mk(t)
			if _, ok, err := c.Get(ctx, "absent"); ok || err != nil {
				t.Errorf("Get(absent) = %v, %v; want a miss without error", ok, err)
			}
			val := []byte(`{"tender":"x"}`)
			if err := c.Set(ctx, "k1", val); err != nil {
				t.Fatal(err)
			}
			val[2] = 'X'
			if got, ok, err := c.Get(ctx, "k1"); !ok || err != nil || string(got) != `{"tender":"x"}` {
				t.Errorf("Get(k1) = %q, %v, %v", got, ok, err)
			}
			var wg sync.WaitGroup
			for g := range 16 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for i := range 50 {
						k := fmt.Sprintf("g%d-%d", g, i)
						if err := c.Set(ctx, k, []byte(k)); err != nil {
							t.Errorf("Set(%s): %v", k, err)
							return
						}
						if v, ok, err := c.Get(ctx, k); !ok || err != nil || string(v) != k {
							t.Errorf("Get(%s) = %q, %v, %v", k, v, ok, err)
							return
						}
					}
				}()
			}
			wg.Wait()
		})
	}
}

// TestRedisDown: a stopped Redis answers errors within its timeout, never hangs,
// and the cache works again when Redis is back.
func TestRedisDown(t *testing.T) {
	var logged logbuf.Buffer
	r, srv := newTestRedis(t, WithLogger(slog.New(slog.NewTextHandler(&logged, nil))))
	ctx := context.Background()
	if err := r.Set(ctx, "k", []byte("v")); err != nil {
		t.Fatal(err)
	}
	pid := srv.PID()
	if pid == 0 {
		t.Skip("Redis from SAMENSPEL_TEST_REDIS_URL: cannot freeze it")
	}
	if err := exec.Command("kill", "-STOP", fmt.Sprint(pid)).Run(); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	_, _, err := r.Get(ctx, "k")
	took := time.Since(start)
	for range 3 { // more failures: still one line in the log
		r.Get(ctx, "k")
		r.Set(ctx, "k2", []byte("v"))
	}
	// A caller that gives up says nothing about Redis.
	gone, cancel := context.WithCancel(ctx)
	cancel()
	r.Get(gone, "k")
	exec.Command("kill", "-CONT", fmt.Sprint(pid)).Run()
	if err == nil || took > time.Second {
		t.Errorf("Get with Redis frozen = %v after %v; want an error within a second", err, took)
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		v, ok, err := r.Get(ctx, "k")
		if err == nil && ok && string(v) == "v" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("after Redis resumed: Get = %q, %v, %v", v, ok, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
	r.Get(ctx, "k")
	log := logged.String()
	if n := strings.Count(log, "redis does not answer"); n != 1 {
		t.Errorf("the outage was logged %d times, want once:\n%s", n, log)
	}
	if n := strings.Count(log, "redis answers again"); n != 1 {
		t.Errorf("the recovery was logged %d times, want once:\n%s", n, log)
	}
	if strings.Index(log, "answers again") < strings.Index(log, "does not answer") {
		t.Errorf("recovery logged before the outage:\n%s", log)
	}
}

// TestRedisLock: one holder at a time; only the holder's unlock releases; a lock
// expires by itself.
func TestRedisLock(t *testing.T) {
	r, _ := newTestRedis(t)
	ctx := context.Background()
	unlockA, ok, err := r.Lock(ctx, "k", 300*time.Millisecond)
	if !ok || err != nil {
		t.Fatalf("first Lock = %v, %v", ok, err)
	}
	if _, ok, _ := r.Lock(ctx, "k", time.Second); ok {
		t.Fatalf("second Lock succeeded while the first holds it")
	}
	time.Sleep(400 * time.Millisecond) // A's lock expires
	unlockB, ok, _ := r.Lock(ctx, "k", time.Second)
	if !ok {
		t.Fatalf("Lock after expiry failed")
	}
	unlockA() // A's late unlock must not release B's lock
	if _, ok, _ := r.Lock(ctx, "k", time.Second); ok {
		t.Errorf("a stale holder's unlock released the new holder's lock")
	}
	unlockB()
	if _, ok, _ := r.Lock(ctx, "k", time.Second); !ok {
		t.Errorf("Lock after the holder's unlock failed")
	}
}

// newTestRedis is a Redis cache over a test's own redis-server, closed with the test.
func newTestRedis(t *testing.T, opts ...Option) (*Redis, *redistest.Server) {
	t.Helper()
	srv := redistest.Start(t)
	r, err := NewRedis(srv.URL, time.Hour, opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	return r, srv
}

// TestTiered: a replica sees what another stored in Redis and keeps it locally, so
// that it still answers it with Redis frozen; a value it stores reaches Redis.
func TestTiered(t *testing.T) {
	ctx := context.Background()
	shared, srv := newTestRedis(t)
	a := &Tiered{Local: NewMemory(100, time.Hour), Shared: shared}
	b := &Tiered{Local: NewMemory(100, time.Hour), Shared: shared}
	if err := a.Set(ctx, "k", []byte("answer")); err != nil {
		t.Fatal(err)
	}
	if v, ok, err := shared.Get(ctx, "k"); !ok || err != nil || string(v) != "answer" {
		t.Fatalf("Redis after a tiered Set = %q, %v, %v", v, ok, err)
	}
	if b.Local.Len() != 0 {
		t.Fatalf("b holds %d entries before asking", b.Local.Len())
	}
	if v, ok, err := b.Get(ctx, "k"); !ok || err != nil || string(v) != "answer" {
		t.Fatalf("b.Get = %q, %v, %v; want a's answer from Redis", v, ok, err)
	}
	if b.Local.Len() != 1 {
		t.Errorf("b did not keep Redis's answer locally")
	}
	pid := srv.PID()
	if pid == 0 {
		t.Skip("Redis from SAMENSPEL_TEST_REDIS_URL: cannot freeze it")
	}
	if err := exec.Command("kill", "-STOP", fmt.Sprint(pid)).Run(); err != nil {
		t.Fatal(err)
	}
	defer exec.Command("kill", "-CONT", fmt.Sprint(pid)).Run()
	start := time.Now()
	v, ok, err := b.Get(ctx, "k")
	if !ok || err != nil || string(v) != "answer" || time.Since(start) > 10*time.Millisecond {
		t.Errorf("b.Get with Redis frozen = %q, %v, %v after %v; want the local copy at once", v, ok, err, time.Since(start))
	}
	if _, ok, err := b.Get(ctx, "other"); ok || err == nil {
		t.Errorf("b.Get of a key it lacks with Redis frozen = %v, %v; want Redis's error", ok, err)
	}
}
