package api

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"samenspel/config"
	"samenspel/internal/auth"
	"samenspel/internal/jobs"
	"samenspel/internal/profiles"
	"samenspel/internal/store"
)

// seedRuns records a finished recompute with its fairness report, a skip and a
// running stale marking with a heartbeat 20 s after its start, in that order.
func seedRuns(t *testing.T, st *store.Store) (recompute, skip, running jobs.Run) {
	t.Helper()
	ctx := context.Background()
	start := time.Date(2026, 3, 2, 2, 0, 0, 0, time.UTC)
	recompute, err := st.StartRun(ctx, "recompute", "matcher-1", start)
	if err != nil {
		t.Fatal(err)
	}
	recompute.Ended, recompute.Status = start.Add(90500*time.Millisecond), jobs.RunDone
	recompute.Done, recompute.Skipped, recompute.Failed = 7, 2, 1
	recompute.Report = jobs.Report{Details: json.RawMessage(`{"fairness":{"seats":20,"small_or_new":9,"share":0.45,"per_tender":{"t1":{"seats":4,"small_or_new":2,"share":0.5}}}}`)}
	if err := st.FinishRun(ctx, recompute); err != nil {
		t.Fatal(err)
	}
	if skip, err = st.RecordSkip(ctx, "recompute", "matcher-2", start, "another replica runs it"); err != nil {
		t.Fatal(err)
	}
	if running, err = st.StartRun(ctx, "stale", "matcher-1", start.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if err := st.Beat(ctx, running.ID, start.Add(time.Hour+20*time.Second)); err != nil {
		t.Fatal(err)
	}
	return recompute, skip, running
}

func TestJobsRoles(t *testing.T) {
	e := newEnv(t)
	rec, _, _ := seedRuns(t, e.st)
	for _, path := range []string{"/v1/jobs", "/v1/jobs/" + itoa(rec.ID)} {
		for role, want := range map[string]int{"": 401, "bogus": 401, auth.RolePartner: 403, auth.RoleTenderOwner: 200, auth.RoleAdmin: 200} {
			status, body, hdr := e.do("GET", path, role, "")
			if status != want {
				t.Errorf("GET %s as %q = %d %.200s, want %d", path, role, status, body, want)
			}
			if status >= 400 && hdr.Get("Content-Type") != "application/problem+json" {
				t.Errorf("GET %s as %q: %s, want a problem", path, role, hdr.Get("Content-Type"))
			}
		}
	}
}

func TestJobsList(t *testing.T) {
	e := newEnv(t)
	rec, skip, running := seedRuns(t, e.st)
	status, body, _ := e.do("GET", "/v1/jobs", auth.RoleTenderOwner, "")
	var out struct {
		Runs []map[string]any `json:"runs"`
	}
	if err := json.Unmarshal([]byte(body), &out); status != 200 || err != nil || len(out.Runs) != 3 {
		t.Fatalf("GET /v1/jobs = %d %s, want 3 runs", status, body)
	}
	ids := []any{float64(running.ID), float64(skip.ID), float64(rec.ID)}
	for i, r := range out.Runs {
		if r["id"] != ids[i] {
			t.Errorf("run %d has id %v, want %v (newest first)", i, r["id"], ids[i])
		}
		if _, ok := r["report"]; ok {
			t.Errorf("the list carries run %v's report", r["id"])
		}
	}
	last := out.Runs[2]
	for k, want := range map[string]any{"job": "recompute", "replica": "matcher-1", "status": "done", "done": 7.0, "skipped": 2.0,
		"failed": 1.0, "duration_seconds": 90.5, "started": "2026-03-02T02:00:00Z", "ended": "2026-03-02T02:01:30.5Z"} {
		if last[k] != want {
			t.Errorf("recompute run %s = %v, want %v", k, last[k], want)
		}
	}
	if _, ok := out.Runs[0]["ended"]; ok || out.Runs[0]["duration_seconds"] != nil {
		t.Errorf("the running run has an end or a duration: %v", out.Runs[0])
	}
	if out.Runs[0]["heartbeat"] != "2026-03-02T03:00:20Z" {
		t.Errorf("the running run's heartbeat = %v, want 2026-03-02T03:00:20Z", out.Runs[0]["heartbeat"])
	}
	if _, ok := last["heartbeat"]; ok {
		t.Errorf("the recompute run, which had no heartbeat, shows one: %v", last)
	}
	if out.Runs[1]["duration_seconds"] != 0.0 || out.Runs[1]["status"] != "skipped" {
		t.Errorf("the skip = %v, want status skipped and duration 0", out.Runs[1])
	}
	// Paging as in the other lists.
	_, body, _ = e.do("GET", "/v1/jobs?limit=1&offset=1", auth.RoleAdmin, "")
	if !strings.Contains(body, `"id":`+itoa(skip.ID)) || strings.Count(body, `"id":`) != 1 {
		t.Errorf("GET /v1/jobs?limit=1&offset=1 = %s, want the skip only", body)
	}
	if _, body, _ = e.do("GET", "/v1/jobs?offset=5", auth.RoleAdmin, ""); body != `{"runs":[]}` {
		t.Errorf("GET /v1/jobs past the end = %s, want no runs", body)
	}
	for q, field := range map[string]string{"limit=0": "limit", "limit=101": "limit", "offset=-1": "offset", "offset=10001": "offset", "limit=x": "limit"} {
		if status, body, _ := e.do("GET", "/v1/jobs?"+q, auth.RoleAdmin, ""); status != 422 || !strings.Contains(body, `"field":"`+field+`"`) {
			t.Errorf("GET /v1/jobs?%s = %d %s, want 422 naming %s", q, status, body, field)
		}
	}
}

func TestJobRun(t *testing.T) {
	e := newEnv(t)
	rec, skip, _ := seedRuns(t, e.st)
	status, body, _ := e.do("GET", "/v1/jobs/"+itoa(rec.ID), auth.RoleAdmin, "")
	var out struct {
		Job    string `json:"job"`
		Report struct {
			Fairness struct {
				Seats      int     `json:"seats"`
				SmallOrNew int     `json:"small_or_new"`
				Share      float64 `json:"share"`
				PerTender  map[string]struct {
					Share float64 `json:"share"`
				} `json:"per_tender"`
			} `json:"fairness"`
		} `json:"report"`
	}
	json.Unmarshal([]byte(body), &out)
	f := out.Report.Fairness
	if status != 200 || out.Job != "recompute" || f.Seats != 20 || f.SmallOrNew != 9 || f.Share != 0.45 || f.PerTender["t1"].Share != 0.5 {
		t.Errorf("GET /v1/jobs/%d = %d %s, want the recompute with its fairness report", rec.ID, status, body)
	}
	if _, body, _ := e.do("GET", "/v1/jobs/"+itoa(skip.ID), auth.RoleAdmin, ""); !strings.Contains(body, `"report":{"reason":"another replica runs it"}`) {
		t.Errorf("GET the skip = %s, want its reason", body)
	}
	if status, _, _ := e.do("GET", "/v1/jobs/999", auth.RoleAdmin, ""); status != 404 {
		t.Errorf("GET an unknown run = %d, want 404", status)
	}
	for _, id := range []string{"abc", "0", "-1", "1.5", "99999999999999999999"} {
		status, body, hdr := e.do("GET", "/v1/jobs/"+id, auth.RoleAdmin, "")
		if status != 400 || !strings.Contains(body, `"field":"id"`) || hdr.Get("Content-Type") != "application/problem+json" {
			t.Errorf("GET /v1/jobs/%s = %d %s, want a 400 problem naming id", id, status, body)
		}
	}
}

// failingJobs is a JobStore whose reads fail.
type failingJobs struct{}

func (failingJobs) Runs(context.Context, int) ([]jobs.Run, error) {
	return nil, errors.New("disk /var/lib/secret gone")
}
func (failingJobs) GetRun(context.Context, int64) (jobs.Run, error) {
	return jobs.Run{}, errors.New("disk /var/lib/secret gone")
}

// TestJobsStoreFailure: a store error is a 500 without its detail; a server
// built without a job store says so (503).
func TestJobsStoreFailure(t *testing.T) {
	e := newEnv(t)
	tax, _ := profiles.ParseTaxonomy(config.Taxonomy)
	for name, tc := range map[string]struct {
		jobs   JobStore
		status int
	}{"failing": {failingJobs{}, 500}, "none": {nil, 503}} {
		h, err := New(withStores(Deps{Taxonomy: tax, Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Store: storeOnly{e.st}, Jobs: tc.jobs, Now: time.Now}))
		if err != nil {
			t.Fatal(err)
		}
		srv := httptest.NewServer(h)
		e.url = srv.URL
		for _, path := range []string{"/v1/jobs", "/v1/jobs/1"} {
			if status, body, _ := e.do("GET", path, auth.RoleAdmin, ""); status != tc.status || strings.Contains(body, "secret") {
				t.Errorf("%s: GET %s = %d %s, want %d without internals", name, path, status, body, tc.status)
			}
		}
		srv.Close()
	}
}

// storeOnly hides every method of the store but those of Store, so that Deps'
// defaults find no job, notification or webhook store in it.
type storeOnly struct{ Store }

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
