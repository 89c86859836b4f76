package store_test

import (
	"bufio"
	"context"
	"database/sql"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	_ "modernc.org/sqlite"

	"samenspel/config"
	"samenspel/internal/profiles"
	"samenspel/internal/store"
	"samenspel/internal/store/storetest"
)

// taxonomy parses the shipped taxonomy, the one the server opens the store with.
func taxonomy(t testing.TB) *profiles.Taxonomy {
	t.Helper()
	tax, err := profiles.ParseTaxonomy(config.Taxonomy)
	if err != nil {
		t.Fatalf("ParseTaxonomy(config.Taxonomy) = %v", err)
	}
	return tax
}

// open opens a store in dir with the shipped taxonomy and closes it when the test ends.
func open(t testing.TB, dir string) *store.Store {
	t.Helper()
	s, err := store.Open(context.Background(), dir, taxonomy(t))
	if err != nil {
		t.Fatalf("Open(%q) = %v", dir, err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("Close() = %v", err)
		}
	})
	return s
}

// newStore opens a store in a fresh directory of its own.
func newStore(t testing.TB) *store.Store {
	t.Helper()
	return open(t, t.TempDir())
}

// equateEmpty treats nil and empty slices and maps as equal: JSON keeps the
// difference only where it matters to nobody (an empty private map is omitted).
var equateEmpty = cmpopts.EquateEmpty()

func TestOpenCreatesDirectoryAndFile(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "nested", "data dir?#%")
	s := open(t, dir)
	if _, err := os.Stat(filepath.Join(dir, "samenspel.db")); err != nil {
		t.Fatalf("Open(%q) made no samenspel.db: %v", dir, err)
	}
	if err := s.Ping(context.Background()); err != nil {
		t.Errorf("Ping() = %v, want nil", err)
	}
}

func TestOpenTwiceKeepsData(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s, err := store.Open(ctx, dir, taxonomy(t))
	if err != nil {
		t.Fatalf("Open() = %v", err)
	}
	if err := s.CreateProfile(ctx, storetest.Profile("a")); err != nil {
		t.Fatalf("CreateProfile() = %v", err)
	}
	if err := s.Close(); err != nil {
		t.Fatalf("Close() = %v", err)
	}
	s = open(t, dir)
	if _, err := s.GetProfile(ctx, "a"); err != nil {
		t.Errorf("GetProfile(a) after reopening = %v, want the profile", err)
	}
}

func TestOpenRefusesNewerSchema(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s, err := store.Open(ctx, dir, taxonomy(t))
	if err != nil {
		t.Fatalf("Open() = %v", err)
	}
	s.Close()
	db, err := sql.Open("sqlite", filepath.Join(dir, "samenspel.db"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`UPDATE schema_version SET version = version + 1`); err != nil {
		t.Fatalf("bump schema_version: %v", err)
	}
	db.Close()
	if s, err := store.Open(ctx, dir, taxonomy(t)); err == nil {
		s.Close()
		t.Fatal("Open() of a store with a newer schema = nil error, want one")
	}
}

func TestOpenNeedsTaxonomy(t *testing.T) {
	if s, err := store.Open(context.Background(), t.TempDir(), nil); err == nil {
		s.Close()
		t.Fatal("Open(dir, nil) = nil error, want one: search needs the labels")
	}
}

// TestTwoStoresWriteAtOnce is the server and the indexer: two processes (here two
// *Store) on one directory, both writing. Neither may fail on a locked database and
// every write must be there afterwards.
func TestTwoStoresWriteAtOnce(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	server, indexer := open(t, dir), open(t, dir)
	const n = 60
	var wg sync.WaitGroup
	errs := make(chan error, 4*n)
	wg.Go(func() { // the server: one request at a time, several at once
		var inner sync.WaitGroup
		for w := range 3 {
			inner.Go(func() {
				for i := range n {
					id := fmt.Sprintf("server-%d-%d", w, i)
					if err := server.CreateProfile(ctx, storetest.Profile(id)); err != nil {
						errs <- err
					}
					if _, _, err := server.SearchProfiles(ctx, profiles.Query{Text: "buurtkamer", Limit: 5}); err != nil {
						errs <- err
					}
				}
			})
		}
		inner.Wait()
	})
	wg.Go(func() { // the indexer: imports in batches
		for i := range n / 10 {
			batch := make([]profiles.Profile, 50)
			for j := range batch {
				batch[j] = storetest.Profile(fmt.Sprintf("indexer-%d-%d", i, j))
			}
			if _, _, err := indexer.UpsertProfiles(ctx, batch); err != nil {
				errs <- err
			}
			c := profiles.Collaboration{A: batch[0].ID, B: batch[1].ID, Outcome: "positive", At: "2026-03-01"}
			if err := indexer.AddCollaboration(ctx, c); err != nil {
				errs <- err
			}
		}
	})
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Errorf("concurrent write: %v", err)
	}
	for _, s := range []*store.Store{server, indexer} {
		ps, err := s.Profiles(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if want := 3*n + n/10*50; len(ps) != want {
			t.Errorf("Profiles() after concurrent writes: %d profiles, want %d", len(ps), want)
		}
		cs, err := s.Collaborations(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(cs) != n/10 {
			t.Errorf("Collaborations() after concurrent writes: %d events, want %d", len(cs), n/10)
		}
	}
}

// childEnv switches the test binary into the child of TestWriteSurvivesKill.
const childEnv = "STORE_CHILD"

// TestWriteSurvivesKill checks that an acknowledged write is durable: a child process
// writes, says "ok" once the calls have returned, and is killed with SIGKILL; the
// store, opened again, has what the child wrote.
func TestWriteSurvivesKill(t *testing.T) {
	ctx := context.Background()
	if os.Getenv(childEnv) == "1" {
		writeAndBlock(ctx, os.Getenv("STORE_DIR"))
		return
	}
	dir := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run=^TestWriteSurvivesKill$", "-test.count=1")
	cmd.Env = append(os.Environ(), childEnv+"=1", "STORE_DIR="+dir)
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	lines := make(chan string)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	deadline := time.After(60 * time.Second)
wait:
	for {
		select {
		case line, ok := <-lines:
			if !ok {
				cmd.Wait()
				t.Fatal("child ended without saying ok")
			}
			if line == "ok" {
				break wait
			}
			if strings.HasPrefix(line, "error") {
				cmd.Process.Kill()
				cmd.Wait()
				t.Fatalf("child: %s", line)
			}
		case <-deadline:
			cmd.Process.Kill()
			cmd.Wait()
			t.Fatal("child did not say ok within 60 s")
		}
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Wait(); err == nil {
		t.Fatal("child exited cleanly; want killed")
	}
	go func() {
		for range lines { // drain
		}
	}()

	s := open(t, dir)
	got, err := s.GetProfile(ctx, "survivor")
	if err != nil {
		t.Fatalf("GetProfile(survivor) after kill -9 = %v", err)
	}
	if diff := cmp.Diff(storetest.Profile("survivor"), got, equateEmpty); diff != "" {
		t.Errorf("profile after kill -9 (-want +got):\n%s", diff)
	}
	if _, err := s.GetTender(ctx, "survivor"); err != nil {
		t.Errorf("GetTender(survivor) after kill -9 = %v", err)
	}
	if cs, err := s.Collaborations(ctx); err != nil || len(cs) != 1 {
		t.Errorf("Collaborations() after kill -9 = %v, %v; want one event", cs, err)
	}
}

// writeAndBlock is the child of TestWriteSurvivesKill: it never returns.
func writeAndBlock(ctx context.Context, dir string) {
	s, err := store.Open(ctx, dir, mustTaxonomy())
	if err == nil {
		err = s.CreateProfile(ctx, storetest.Profile("survivor"))
	}
	if err == nil {
		err = s.CreateTender(ctx, storetest.Tender("survivor"), "owner", time.Now())
	}
	if err == nil {
		err = s.AddCollaboration(ctx, profiles.Collaboration{A: "survivor", B: "x", Outcome: "positive", At: "2026-03-01"})
	}
	if err != nil {
		fmt.Println("error:", err)
	} else {
		fmt.Println("ok")
	}
	for { // wait for SIGKILL
		time.Sleep(time.Hour)
	}
}

func mustTaxonomy() *profiles.Taxonomy {
	tax, err := profiles.ParseTaxonomy(config.Taxonomy)
	if err != nil {
		panic(err)
	}
	return tax
}
