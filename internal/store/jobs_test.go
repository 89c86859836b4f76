package store_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"samenspel/internal/jobs"
	"samenspel/internal/store"
	"samenspel/internal/store/storetest"
)

// TestJobs: the embedded store passes the shared suite of the job runs, the
// second store another Store over the same directory (another process).
func TestJobs(t *testing.T) {
	storetest.Jobs(t, func(t *testing.T) storetest.JobSubject {
		dir := t.TempDir()
		return storetest.JobSubject{
			Store: open(t, dir),
			Other: open(t, dir),
			SetReport: func(ctx context.Context, id int64, report string) error {
				db, err := sql.Open("sqlite", filepath.Join(dir, "samenspel.db"))
				if err != nil {
					return err
				}
				defer db.Close()
				_, err = db.ExecContext(ctx, `UPDATE job_runs SET report = ? WHERE id = ?`, report, id)
				return err
			},
		}
	})
}

// TestRunsOfAVersion4Store: upgrading a store of schema version 4 keeps its runs;
// a run left running has no heartbeat and can be given one or
// abandoned; the schema ends as a new store's.
func TestRunsOfAVersion4Store(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s, err := store.Open(ctx, dir, taxonomy(t))
	if err != nil {
		t.Fatal(err)
	}
	t0 := time.Date(2026, 11, 26, 2, 30, 0, 0, time.UTC)
	done, err := s.StartRun(ctx, "recompute", "matcher-1", t0)
	if err != nil {
		t.Fatal(err)
	}
	done.Status, done.Ended, done.Report = jobs.RunDone, t0.Add(time.Minute), jobs.Report{Details: json.RawMessage(`{"tenders":3}`)}
	if err := s.FinishRun(ctx, done); err != nil {
		t.Fatal(err)
	}
	running, err := s.StartRun(ctx, "recompute", "matcher-2", t0.Add(24*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	db, err := sql.Open("sqlite", filepath.Join(dir, "samenspel.db"))
	if err != nil {
		t.Fatal(err)
	}
	schema := func() []string {
		t.Helper()
		rows, err := db.Query(`SELECT type || ' ' || name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY 1`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var out []string
		for rows.Next() {
			var o string
			rows.Scan(&o)
			out = append(out, o)
		}
		for _, table := range []string{"job_runs"} {
			cols, err := db.Query(`SELECT name FROM pragma_table_info(?) ORDER BY cid`, table)
			if err != nil {
				t.Fatal(err)
			}
			for cols.Next() {
				var c string
				cols.Scan(&c)
				out = append(out, table+"."+c)
			}
			cols.Close()
		}
		return out
	}
	fresh := schema()
	if _, err := db.Exec(`DROP INDEX job_runs_running; ALTER TABLE job_runs DROP COLUMN heartbeat;
		DROP INDEX notifications_pending; CREATE INDEX notifications_undelivered ON notifications (delivered, id);
		UPDATE schema_version SET version = 4`); err != nil {
		t.Fatalf("make a version 4 store: %v", err)
	}
	db.Close()

	s = open(t, dir)
	if db, err = sql.Open("sqlite", filepath.Join(dir, "samenspel.db")); err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if diff := cmp.Diff(fresh, schema()); diff != "" {
		t.Errorf("schema after upgrading from version 4, against a new store's (-want +got):\n%s", diff)
	}
	runs, err := s.Runs(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]jobs.Run{running, done}, runs); diff != "" {
		t.Errorf("runs after upgrading from version 4 (-want +got):\n%s", diff)
	}
	if err := s.Beat(ctx, running.ID, t0.Add(24*time.Hour+time.Minute)); err != nil {
		t.Errorf("Beat of the run left running = %v", err)
	}
	if ids, err := s.AbandonRuns(ctx, "recompute", t0.Add(48*time.Hour)); err != nil || !slices.Equal(ids, []int64{running.ID}) {
		t.Errorf("AbandonRuns(recompute) after upgrading = %v, %v; want [%d]", ids, err, running.ID)
	}
}
