package store_test

import (
	"context"
	"testing"
	"time"
)

func TestLease(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	t0 := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
	take := func(holder string, at time.Time) bool {
		t.Helper()
		ok, err := s.TakeLease(ctx, "meili:profiles", holder, at, 10*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		return ok
	}
	if !take("a", t0) {
		t.Fatal("a free lease was not given")
	}
	if take("b", t0.Add(5*time.Second)) {
		t.Error("b took a lease a holds")
	}
	if !take("a", t0.Add(8*time.Second)) {
		t.Error("a could not renew its lease")
	}
	if take("b", t0.Add(15*time.Second)) {
		t.Error("b took a's renewed lease before it ran out")
	}
	if !take("b", t0.Add(19*time.Second)) {
		t.Error("b could not take a lease that ran out")
	}
	// a's late release leaves b's lease alone.
	if err := s.ReleaseLease(ctx, "meili:profiles", "a"); err != nil {
		t.Fatal(err)
	}
	if take("c", t0.Add(20*time.Second)) {
		t.Error("a's release ended b's lease")
	}
	if err := s.ReleaseLease(ctx, "meili:profiles", "b"); err != nil {
		t.Fatal(err)
	}
	if !take("c", t0.Add(20*time.Second)) {
		t.Error("a released lease could not be taken")
	}
	if ok, err := s.TakeLease(ctx, "other", "c", t0, 0); ok || err == nil {
		t.Errorf("TakeLease with no ttl = %v, %v; want an error", ok, err)
	}
}
