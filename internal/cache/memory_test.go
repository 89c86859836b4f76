package cache

import (
	"context"
	"fmt"
	"testing"
	"time"
)

func TestMemory(t *testing.T) {
	ctx := context.Background()
	c := NewMemory(2, time.Hour)
	if _, ok, _ := c.Get(ctx, "a"); ok {
		t.Fatalf("Get(a) on an empty cache found something")
	}
	val := []byte("answer")
	c.Set(ctx, "a", val)
	val[0] = 'X' // the cache keeps its own copy
	if got, ok, err := c.Get(ctx, "a"); !ok || err != nil || string(got) != "answer" {
		t.Fatalf("Get(a) = %q, %v, %v; want answer", got, ok, err)
	}
	c.Set(ctx, "b", []byte("2"))
	c.Set(ctx, "c", []byte("3")) // evicts a, the least recently used
	if _, ok, _ := c.Get(ctx, "a"); ok || c.Len() != 2 {
		t.Errorf("after three sets in a cache of two: a present %v, len %d; want evicted, 2", ok, c.Len())
	}
}

func TestMemoryExpires(t *testing.T) {
	ctx := context.Background()
	c := NewMemory(10, 20*time.Millisecond)
	c.Set(ctx, "k", []byte("v"))
	deadline := time.Now().Add(5 * time.Second)
	for {
		if _, ok, _ := c.Get(ctx, "k"); !ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatal("entry did not expire")
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestMemoryConcurrent(t *testing.T) {
	ctx := context.Background()
	c := NewMemory(100, time.Hour)
	done := make(chan bool)
	for g := range 8 {
		go func() {
			for i := range 500 {
				k := fmt.Sprint(g, i%50)
				c.Set(ctx, k, []byte(k))
				if v, ok, _ := c.Get(ctx, k); ok && string(v) != k {
					t.Errorf("Get(%s) = %s", k, v)
				}
			}
			done <- true
		}()
	}
	for range 8 {
		<-done
	}
}
