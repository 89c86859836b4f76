package store_test

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"samenspel/internal/profiles"
	"samenspel/internal/store"
	"samenspel/internal/store/storetest"
)

// TestVersionsSeeAnotherStoresWrites is the server and the indexer on one
// directory: the server remembers the counters between requests, yet every write
// the other has acknowledged shows in the server's next Versions.
func TestVersionsSeeAnotherStoresWrites(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	dir := t.TempDir()
	server, indexer := open(t, dir), open(t, dir)
	if err := server.CreateTender(ctx, storetest.Tender("t"), "owner", now); err != nil {
		t.Fatal(err)
	}
	writes := []struct {
		name  string
		write func(i int) error
	}{
		{"CreateProfile", func(i int) error { return indexer.CreateProfile(ctx, storetest.Profile(fmt.Sprint("p", i))) }},
		{"UpsertProfiles", func(i int) error {
			_, _, err := indexer.UpsertProfiles(ctx, []profiles.Profile{storetest.Profile(fmt.Sprint("u", i))})
			return err
		}},
		{"PutTender", func(int) error { return indexer.PutTender(ctx, storetest.Tender("t"), now) }},
		{"AddCollaboration", func(i int) error {
			return indexer.AddCollaboration(ctx, profiles.Collaboration{A: fmt.Sprint("p", i), B: fmt.Sprint("u", i), Outcome: "positive", At: "2026-03-01"})
		}},
		{"server's own CreateProfile", func(i int) error { return server.CreateProfile(ctx, storetest.Profile(fmt.Sprint("s", i))) }},
	}
	for i := range 20 {
		for _, w := range writes {
			if _, err := server.Versions(ctx); err != nil { // remembered from here on
				t.Fatalf("server.Versions() = %v", err)
			}
			if err := w.write(i); err != nil {
				t.Fatalf("%s: %v", w.name, err)
			}
			want, err := indexer.Versions(ctx)
			if err != nil {
				t.Fatalf("indexer.Versions() = %v", err)
			}
			got, err := server.Versions(ctx)
			if err != nil {
				t.Fatalf("server.Versions() = %v", err)
			}
			if got != want {
				t.Fatalf("after %s %d: server.Versions() = %+v, want %+v", w.name, i, got, want)
			}
		}
	}
}

// TestVersionsUnderLoad: while many requests ask for the counters at once (and so
// share checks), a Versions that begins after a write was acknowledged still sees
// it, and a cancelled caller spoils nothing for the others.
func TestVersionsUnderLoad(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	server, indexer := open(t, dir), open(t, dir)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	var failed atomic.Value
	for g := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var last store.Versions
			for {
				select {
				case <-stop:
					return
				default:
				}
				cctx := ctx
				if g%4 == 0 { // some callers give up at once
					c, cancel := context.WithCancel(ctx)
					cancel()
					cctx = c
				}
				v, err := server.Versions(cctx)
				if cctx != ctx {
					continue // a cancelled caller may or may not get an answer
				}
				if err != nil {
					failed.Store(fmt.Sprintf("Versions() = %v", err))
					return
				}
				if v.Profiles < last.Profiles {
					failed.Store(fmt.Sprintf("Versions() went back from %+v to %+v", last, v))
					return
				}
				last = v
			}
		}()
	}
	for i := range 200 {
		if err := indexer.CreateProfile(ctx, storetest.Profile(fmt.Sprint("p", i))); err != nil {
			t.Fatal(err)
		}
		got, err := server.Versions(ctx)
		if err != nil {
			t.Fatalf("Versions() = %v", err)
		}
		if got.Profiles != int64(i+1) {
			t.Fatalf("after write %d: Versions().Profiles = %d, want %d", i+1, got.Profiles, i+1)
		}
	}
	close(stop)
	wg.Wait()
	if msg := failed.Load(); msg != nil {
		t.Fatal(msg)
	}
}
