package postgres_test

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"
	"time"

	"samenspel/internal/indexsync"
	"samenspel/internal/pgtest"
	"samenspel/internal/postgres"
	"samenspel/internal/profiles"
	"samenspel/internal/store"
	"samenspel/internal/store/storetest"
)

// TestWaitChangeWakes: a profile write through one store wakes a follower that
// waits on another store over the same database, at once and not before; a
// follower already behind returns at once; a failed write wakes nobody.
func TestWaitChangeWakes(t *testing.T) {
	ctx := context.Background()
	url, writer := database(t)
	follower := openURL(t, url)
	if err := follower.WaitChange(ctx, -1); err != nil {
		t.Fatalf("WaitChange(-1) = %v, want at once: 0 is above -1", err)
	}
	woken := make(chan error, 1)
	go func() { woken <- follower.WaitChange(ctx, 0) }()
	select {
	case err := <-woken:
		t.Fatalf("WaitChange(0) returned %v before any write", err)
	case <-time.After(300 * time.Millisecond):
	}
	if err := writer.CreateProfile(ctx, storetest.Profile("a")); err == nil {
		if err := writer.CreateProfile(ctx, storetest.Profile("a")); !errors.Is(err, profiles.ErrConflict) {
			t.Fatalf("CreateProfile(a) again = %v, want ErrConflict", err)
		}
	} else {
		t.Fatal(err)
	}
	select {
	case err := <-woken:
		if err != nil {
			t.Fatalf("WaitChange(0) after a write = %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("WaitChange(0) was not woken by a write through another store")
	}
	last, err := follower.LastChange(ctx)
	if err != nil || last == 0 {
		t.Fatalf("LastChange() = %d, %v", last, err)
	}
	if err := follower.WaitChange(ctx, last-1); err != nil {
		t.Errorf("WaitChange(last-1) = %v, want at once", err)
	}

	// Listen: one wake per committed write, none for a write that failed.
	lctx, cancel := context.WithCancel(ctx)
	wake, err := follower.Listen(lctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := writer.DeleteProfile(ctx, "missing"); !errors.Is(err, profiles.ErrNotFound) {
		t.Fatalf("DeleteProfile(missing) = %v", err)
	}
	select {
	case <-wake:
		t.Error("a failed write woke the listener")
	case <-time.After(300 * time.Millisecond):
	}
	if err := writer.PutProfile(ctx, storetest.Profile("a")); err != nil {
		t.Fatal(err)
	}
	select {
	case <-wake:
	case <-time.After(10 * time.Second):
		t.Fatal("Listen was not woken by a write through another store")
	}
	cancel()
	select {
	case _, open := <-wake:
		if open {
			// a wake may have been waiting; the close follows
			if _, open = <-wake; open {
				t.Error("Listen's channel stayed open after its context ended")
			}
		}
	case <-time.After(10 * time.Second):
		t.Error("Listen's channel was not closed when its context ended")
	}

	cctx, ccancel := context.WithTimeout(ctx, 200*time.Millisecond)
	defer ccancel()
	if err := follower.WaitChange(cctx, last+100); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("WaitChange past every change with a deadline = %v, want the deadline's error", err)
	}
}

// TestProfileVersionAsEmbedded: a profile record's version is the embedded
// store's for the same state (written and marked stale at the same instants), so
// that an If-Match taken before the data moved to PostgreSQL still matches after.
func TestProfileVersionAsEmbedded(t *testing.T) {
	ctx := context.Background()
	at := time.Date(2026, 3, 1, 9, 30, 0, 123456000, time.UTC) // PostgreSQL keeps microseconds
	now := func() time.Time { return at }
	pg, err := postgres.Open(ctx, pgtest.Database(t), taxonomy(t), postgres.WithClock(now))
	if err != nil {
		t.Fatal(err)
	}
	defer pg.Close()
	lite, err := store.Open(ctx, t.TempDir(), taxonomy(t), store.WithClock(now))
	if err != nil {
		t.Fatal(err)
	}
	defer lite.Close()
	type recorder interface {
		CreateProfile(ctx context.Context, p profiles.Profile) error
		GetProfileRecord(ctx context.Context, id string) (profiles.Record, error)
		MarkStale(ctx context.Context, before, now time.Time) ([]string, error)
	}
	versions := func(s recorder) []string {
		t.Helper()
		p := storetest.Profile("a")
		p.Private = map[string]string{"notes": "<&> é"} // escaped by Go's encoder, not by jsonb
		if err := s.CreateProfile(ctx, p); err != nil {
			t.Fatal(err)
		}
		fresh, err := s.GetProfileRecord(ctx, "a")
		if err != nil {
			t.Fatal(err)
		}
		later := at.AddDate(1, 0, 1)
		if _, err := s.MarkStale(ctx, profiles.StaleBefore(later), later); err != nil {
			t.Fatal(err)
		}
		stale, err := s.GetProfileRecord(ctx, "a")
		if err != nil {
			t.Fatal(err)
		}
		return []string{fresh.Version, stale.Version}
	}
	got, want := versions(pg), versions(lite)
	if !slices.Equal(got, want) || got[0] == got[1] {
		t.Errorf("versions of a fresh and a stale profile = %v, the embedded store's %v", got, want)
	}
}

// TestListenSurvivesALostConnection: when the listening connection is cut (a
// restart, a failover, an administrator), Listen connects again and wakes its
// receiver, since a write may have been committed meanwhile, and later writes
// wake it as before.
func TestListenSurvivesALostConnection(t *testing.T) {
	ctx := context.Background()
	url, writer := database(t)
	follower := openURL(t, url)
	lctx, cancel := context.WithCancel(ctx)
	defer cancel()
	wake, err := follower.Listen(lctx)
	if err != nil {
		t.Fatal(err)
	}
	admin := sqlConn(t, url)
	cut := func() {
		t.Helper()
		var n int
		if err := admin.QueryRow(ctx, `SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
			WHERE datname = current_database() AND pid != pg_backend_pid() AND query LIKE 'LISTEN%'`).Scan(&n); err != nil || n != 1 {
			t.Fatalf("cut the listening connection: %d cut, %v; want 1", n, err)
		}
	}
	waitWake := func(what string) {
		t.Helper()
		select {
		case _, ok := <-wake:
			if !ok {
				t.Fatalf("%s: the channel was closed", what)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("%s: no wake", what)
		}
	}
	cut()
	waitWake("after the connection was cut")
	if err := writer.CreateProfile(ctx, storetest.Profile("a")); err != nil {
		t.Fatal(err)
	}
	waitWake("a write after the connection was made again")
	// Cut while a write commits: the wake of the reconnection stands for it.
	cut()
	if err := writer.CreateProfile(ctx, storetest.Profile("b")); err != nil {
		t.Fatal(err)
	}
	waitWake("a write while the connection was cut")
}

// memoryIndex is a search index in memory (an indexsync.Target) that tells when
// it was written.
type memoryIndex struct {
	mu      sync.Mutex
	docs    map[string]profiles.Profile
	written chan struct{}
}

func (m *memoryIndex) Put(_ context.Context, ps []profiles.Profile) error {
	m.mu.Lock()
	for _, p := range ps {
		m.docs[p.ID] = p
	}
	m.mu.Unlock()
	m.written <- struct{}{}
	return nil
}

func (m *memoryIndex) Delete(_ context.Context, ids []string) error {
	m.mu.Lock()
	for _, id := range ids {
		delete(m.docs, id)
	}
	m.mu.Unlock()
	m.written <- struct{}{}
	return nil
}

// TestSyncFollowsTheLogWhenWoken: the indexer's sync, poked by Listen, applies
// a write made through another replica at once, long before its next poll (an
// hour): its first pass has applied the log as it was, so only the wake can
// bring the later write.
func TestSyncFollowsTheLogWhenWoken(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	url, writer := database(t)
	indexer := openURL(t, url)
	var _ indexsync.Source = indexer
	idx := &memoryIndex{docs: map[string]profiles.Profile{}, written: make(chan struct{}, 16)}
	applied := func(what string) {
		t.Helper()
		select {
		case <-idx.written:
		case <-time.After(10 * time.Second):
			t.Fatalf("the sync did not apply %s within 10s", what)
		}
		last, err := writer.LastChange(ctx)
		if err != nil {
			t.Fatal(err)
		}
		// The cursor moves once the index is written: the pass ends with it.
		for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(10 * time.Millisecond) {
			seq, err := indexer.Cursor(ctx, indexsync.Cursor)
			if err == nil && seq == last {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("Cursor after applying %s = %d, %v; want %d", what, seq, err, last)
			}
		}
	}
	if err := writer.CreateProfile(ctx, storetest.Profile("first")); err != nil {
		t.Fatal(err)
	}
	wake, err := indexer.Listen(ctx)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- indexsync.New(indexer, idx, indexsync.Cursor, nil).Run(ctx, time.Hour, wake) }()
	applied("the log as it was (the first pass)")
	if err := writer.CreateProfile(ctx, storetest.Profile("a")); err != nil {
		t.Fatal(err)
	}
	applied("a write through another replica")
	idx.mu.Lock()
	_, ok := idx.docs["a"]
	idx.mu.Unlock()
	if !ok {
		t.Error("the index lacks the profile written")
	}
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Errorf("Run = %v, want context.Canceled", err)
	}
}
