package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"samenspel/internal/jobs"
	"samenspel/internal/logbuf"
)

// TestServeAndShutdown: matcher serve answers on its address, and a cancelled
// context (SIGTERM in main) shuts it down cleanly.
func TestServeAndShutdown(t *testing.T) {
	t.Chdir(t.TempDir())
	ctx, cancel := context.WithCancel(context.Background())
	addrc := make(chan string, 1)
	errc := make(chan error, 1)
	var logs logbuf.Buffer
	go func() {
		errc <- serve(ctx, []string{"--addr", "127.0.0.1:0", "--data", "d"}, &logs, func(a string) { addrc <- a })
	}()
	var addr string
	select {
	case addr = <-addrc:
	case err := <-errc:
		t.Fatalf("serve: %v", err)
	case <-time.After(10 * time.Second):
		t.Fatal("serve did not start listening")
	}
	if resp, err := http.Get("http://" + addr + "/readyz"); err != nil || resp.StatusCode != 200 {
		t.Errorf("GET /readyz = %v, %v; want 200", resp, err)
	} else {
		resp.Body.Close()
	}
	resp, err := http.Get("http://" + addr + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(body), "ok") {
		t.Errorf("GET /healthz = %d %s", resp.StatusCode, body)
	}
	// The container's health check asks the same server.
	var out bytes.Buffer
	if err := run(context.Background(), []string{"healthcheck", "--addr", addr}, &out, io.Discard); err != nil || !strings.Contains(out.String(), "ready") {
		t.Errorf("matcher healthcheck = %v, %q; want success", err, out.String())
	}
	cancel()
	select {
	case err := <-errc:
		if err != nil {
			t.Errorf("serve after cancel = %v, want nil", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("serve did not shut down")
	}
	if err := run(context.Background(), []string{"healthcheck", "--addr", addr}, io.Discard, io.Discard); err == nil {
		t.Errorf("matcher healthcheck succeeded after the server stopped")
	}
	if err := run(context.Background(), []string{"healthcheck", "--addr", "nohost"}, io.Discard, io.Discard); !errors.Is(err, errUsage) {
		t.Errorf("matcher healthcheck --addr nohost = %v, want a usage error", err)
	}
	if !strings.Contains(logs.String(), `"route":"/healthz"`) || !strings.Contains(logs.String(), "shutting down") ||
		!strings.Contains(logs.String(), "filled with the example data") {
		t.Errorf("logs lack the examples, the request or the shutdown:\n%s", logs.String())
	}
	// The examples are in the store, durably.
	st := dataStore(t, "d")
	defer st.Close()
	ps, _ := st.Profiles(context.Background())
	ts, _ := st.Tenders(context.Background())
	if len(ps) != 320 || len(ts) != 6 {
		t.Errorf("store after the first start: %d profiles, %d tenders; want the 320 and 6 examples", len(ps), len(ts))
	}
}

func TestServeNoExamples(t *testing.T) {
	t.Chdir(t.TempDir())
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() {
		errc <- serve(ctx, []string{"--addr", "127.0.0.1:0", "--data", "d", "--no-examples"}, io.Discard, func(string) { cancel() })
	}()
	if err := <-errc; err != nil {
		t.Fatalf("serve --no-examples: %v", err)
	}
	st := dataStore(t, "d")
	defer st.Close()
	if empty, _ := st.Empty(context.Background()); !empty {
		t.Errorf("--no-examples filled the store")
	}
}

func TestServeBadSettings(t *testing.T) {
	t.Chdir(t.TempDir())
	err := serve(context.Background(), []string{"--addr", "nonsense"}, io.Discard, nil)
	if !errors.Is(err, errUsage) || !strings.Contains(err.Error(), "addr") {
		t.Errorf("serve --addr nonsense = %v, want a usage error naming addr", err)
	}
}

// TestServeSearchIndexDown: in the scaled set-up with Meilisearch unreachable the
// matcher still answers: readiness says degraded and why, search and suggestions
// come from the embedded store, and /metrics counts the failures.
func TestServeSearchIndexDown(t *testing.T) {
	t.Chdir(t.TempDir())
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	addrc := make(chan string, 1)
	errc := make(chan error, 1)
	go func() {
		errc <- serve(ctx, []string{"--addr", "127.0.0.1:0", "--data", "d", "--meili", "http://127.0.0.1:1"}, io.Discard, func(a string) { addrc <- a })
	}()
	var addr string
	select {
	case addr = <-addrc:
	case err := <-errc:
		t.Fatalf("serve: %v", err)
	case <-time.After(10 * time.Second):
		t.Fatal("serve did not start listening")
	}
	get := func(path string) (int, string) {
		t.Helper()
		resp, err := http.Get("http://" + addr + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if code, body := get("/readyz"); code != 200 || !strings.Contains(body, "degraded") || !strings.Contains(body, "search index") {
		t.Errorf("GET /readyz = %d %s; want 200, degraded, naming the search index", code, body)
	}
	if code, body := get("/partners?q=buurt"); code != 200 || !strings.Contains(body, "Buurt") {
		t.Errorf("GET /partners?q=buurt = %d; want partners from the embedded store", code)
	}
	if code, body := get("/tenders/eenzaamheid-ouderen-overvecht-2026"); code != 200 || !strings.Contains(body, "Shapley") {
		t.Errorf("GET /tenders/eenzaamheid-ouderen-overvecht-2026 = %d; want the tender with its coalitions:\n%.300s", code, body)
	}
	// The first failed read sends reads to the embedded store for a while
	// (scaled.Rest) without asking the index: one failure is counted.
	if _, body := get("/metrics"); !strings.Contains(body, "samenspel_search_index_errors_total 1") {
		t.Errorf("/metrics does not count the failed index read:\n%s", grep(body, "search_index"))
	}
}

func grep(s, sub string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, sub) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

// TestServeRunsTheJobs: with seconds-level schedules the server recomputes the open
// tenders and marks stale profiles, records the runs, stores the answers and
// counts the runs in /metrics; shutdown waits for a running job.
func TestServeRunsTheJobs(t *testing.T) {
	t.Chdir(t.TempDir())
	t.Setenv("SAMENSPEL_RECOMPUTE_CRON", "*/1 * * * * *")
	t.Setenv("SAMENSPEL_STALE_CRON", "*/1 * * * * *")
	t.Setenv("SAMENSPEL_REPLICA", "test-replica")
	ctx, cancel := context.WithCancel(context.Background())
	addrc := make(chan string, 1)
	errc := make(chan error, 1)
	go func() {
		errc <- serve(ctx, []string{"--addr", "127.0.0.1:0", "--data", "d"}, io.Discard, func(a string) { addrc <- a })
	}()
	var addr string
	select {
	case addr = <-addrc:
	case err := <-errc:
		t.Fatalf("serve: %v", err)
	case <-time.After(10 * time.Second):
		t.Fatal("serve did not start listening")
	}
	deadline := time.Now().Add(30 * time.Second)
	var body string
	for {
		resp, err := http.Get("http://" + addr + "/metrics")
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		body = string(b)
		if strings.Contains(body, `samenspel_job_runs_total{job="recompute",status="done"} 1`) &&
			strings.Contains(body, `samenspel_job_runs_total{job="stale-profiles",status="done"} 1`) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no recompute and stale runs done within 30 s:\n%s", grep(body, "samenspel_job_runs_total"))
		}
		time.Sleep(100 * time.Millisecond)
	}
	cancel()
	if err := <-errc; err != nil {
		t.Fatalf("serve after cancel = %v", err)
	}
	st := dataStore(t, "d")
	defer st.Close()
	runs, err := st.Runs(context.Background(), 100)
	if err != nil {
		t.Fatal(err)
	}
	var recomputed bool
	for _, r := range runs {
		if r.Replica != "test-replica" {
			t.Errorf("run %d by %q, want test-replica", r.ID, r.Replica)
		}
		if r.Status == jobs.RunRunning {
			t.Errorf("run %d of %s still running after shutdown", r.ID, r.Job)
		}
		recomputed = recomputed || r.Job == "recompute" && r.Status == jobs.RunDone && r.Done == 6 &&
			strings.Contains(reportJSON(r), `"webhooks":{"sent":0,"failed":0}`) && strings.Contains(reportJSON(r), `"fairness"`)
	}
	if !recomputed {
		t.Errorf("no recompute run did the 6 example tenders: %+v", runs)
	}
	if _, _, _, body, err := st.StoredSuggestion(context.Background(), "eenzaamheid-ouderen-overvecht-2026"); err != nil || !strings.Contains(string(body), "coalitions") {
		t.Errorf("stored suggestion of an example tender = %v, %.80s", err, body)
	}
}

// reportJSON is the run's report as the store keeps it.
func reportJSON(r jobs.Run) string {
	b, err := json.Marshal(r.Report)
	if err != nil {
		return err.Error()
	}
	return string(b)
}
