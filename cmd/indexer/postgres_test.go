package main

import (
	"context"
	"maps"
	"os"
	"strings"
	"testing"
	"time"

	"samenspel/internal/logbuf"
	"samenspel/internal/pgtest"
	"samenspel/internal/store/storetest"
	"samenspel/internal/synth"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

// TestSyncWatchWakesOnPostgres: on PostgreSQL the watching sync listens for the
// store's writes (LISTEN/NOTIFY), so profiles written after its first pass reach
// the index at once although its poll interval is an hour. On the embedded store
// it polls (TestSyncWatch).
func TestSyncWatchWakesOnPostgres(t *testing.T) {
	f := useFakeMeili(t)
	db := pgtest.Database(t)
	st := storetest.OpenPostgres(t, db)
	env := maps.Clone(meiliEnv)
	env["SAMENSPEL_DATABASE_URL"] = db
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		lookup := func(k string) (string, bool) { v, ok := env[k]; return v, ok }
		done <- run(ctx, []string{"sync", "--watch", "--interval", "1h"}, lookup, &strings.Builder{}, &logbuf.Buffer{})
	}()
	indexed := func() bool {
		f.mu.Lock()
		defer f.mu.Unlock()
		_, ok := f.indexes["profiles"]
		return ok
	}
	deadline := time.Now().Add(10 * time.Second)
	for !indexed() {
		if time.Now().After(deadline) {
			t.Fatal("the watching sync did not make the index in 10 s")
		}
		time.Sleep(10 * time.Millisecond)
	}
	time.Sleep(200 * time.Millisecond) // the first pass, over an empty change log
	ps := synth.Pool(9, synth.Tenders(9, 1)[0], 5)
	if _, _, err := st.UpsertProfiles(context.Background(), ps); err != nil {
		t.Fatal(err)
	}
	deadline = time.Now().Add(10 * time.Second)
	for len(f.ids("profiles")) != len(ps) {
		if time.Now().After(deadline) {
			t.Fatalf("10 s after the write the index holds %v, want the %d profiles: the write's NOTIFY should wake the sync at once", f.ids("profiles"), len(ps))
		}
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("sync --watch after SIGTERM = %v, want nil", err)
	}
}
