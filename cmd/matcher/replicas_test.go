package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"samenspel/internal/jobs"
	"samenspel/internal/pgtest"
	"samenspel/internal/redistest"
	"samenspel/internal/store/storetest"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

// startReplica runs the built matcher as one replica of the scaled set-up: its own
// working folder and data directory (no file shared with another replica), the
// settings in env. It returns the base URL once the replica listens.
func startReplica(t *testing.T, bin string, env ...string) string {
	t.Helper()
	_, url := startMatcher(t, bin, []string{"--data", t.TempDir()}, env...)
	return url
}

// call makes a request and returns its status and body.
func call(t *testing.T, method, url, token, body string) (int, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}

// TestReplicasOnPostgres is several hosts, simulated (issue 14): two matcher
// processes with separate working folders on one PostgreSQL and one Redis. The
// example data goes in once; a write through one is read at once through the
// other; both serve the same suggestions; a token revoked on one is refused by
// the other; each slot of the nightly job runs once.
func TestReplicasOnPostgres(t *testing.T) {
	db := pgtest.Database(t)
	rd := redistest.Start(t)
	bin := filepath.Join(t.TempDir(), "matcher")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	env := []string{"SAMENSPEL_DATABASE_URL=" + db, "SAMENSPEL_REDIS_URL=" + rd.URL,
		"SAMENSPEL_RECOMPUTE_CRON=*/2 * * * * *", "SAMENSPEL_STALE_CRON=off",
		"SAMENSPEL_RATE_IP=0", "SAMENSPEL_RATE_REGISTER=0"}
	a := startReplica(t, bin, append(env, "SAMENSPEL_REPLICA=host-a")...)
	b := startReplica(t, bin, append(env, "SAMENSPEL_REPLICA=host-b")...)

	// The example data went in once, though both started on an empty database.
	var list struct{ Total int }
	if code, body := call(t, "GET", b+"/v1/profiles?limit=1", "", ""); code != 200 || json.Unmarshal(body, &list) != nil || list.Total != 320 {
		t.Errorf("GET /v1/profiles on host b = %d, total %d; want the 320 examples once", code, list.Total)
	}

	// A write through one is read at once through the other.
	doc := `{"id":"buurtkamer-twee-hosts","name":"Buurtkamer Twee Hosts","kind":"residents_group","size":"small","areas":["WK034403"],"instruments":{"meals":1,"meeting_place":0.5}}`
	if code, body := call(t, "POST", a+"/v1/profiles", "", doc); code != 201 {
		t.Fatalf("POST /v1/profiles on host a = %d %s", code, body)
	}
	if code, body := call(t, "GET", b+"/v1/profiles/buurtkamer-twee-hosts", "", ""); code != 200 || !strings.Contains(string(body), "Buurtkamer Twee Hosts") {
		t.Errorf("GET the new profile on host b = %d %s; want it at once", code, body)
	}

	// Both serve the same suggestions.
	tender := "/v1/tenders/eenzaamheid-ouderen-overvecht-2026/coalitions?top=5"
	ca, sa := call(t, "GET", a+tender, "", "")
	cb, sb := call(t, "GET", b+tender, "", "")
	if ca != 200 || cb != 200 || !bytes.Equal(sa, sb) {
		t.Errorf("suggestions on host a (%d) and b (%d) differ:\n%s\n%s", ca, cb, sa, sb)
	}

	// A token revoked on one is refused by the other.
	idOf := regexp.MustCompile(`token (tok_[0-9a-f]{16})`)
	token := func(name string) (secret, id string) {
		var out, errb bytes.Buffer
		cmd := exec.Command(bin, "token", "create", "--role", "admin", "--name", name)
		cmd.Dir, cmd.Env, cmd.Stdout, cmd.Stderr = t.TempDir(), append(os.Environ(), env...), &out, &errb
		if err := cmd.Run(); err != nil {
			t.Fatalf("matcher token create: %v\n%s", err, errb.String())
		}
		m := idOf.FindStringSubmatch(errb.String())
		if m == nil {
			t.Fatalf("matcher token create printed no id: %s", errb.String())
		}
		return strings.TrimSpace(out.String()), m[1]
	}
	admin, _ := token("Beheer")
	other, otherID := token("Tweede beheerder")
	if code, _ := call(t, "GET", b+"/v1/tokens", other, ""); code != 200 {
		t.Fatalf("GET /v1/tokens on host b with a fresh token = %d, want 200", code)
	}
	if code, body := call(t, "DELETE", a+"/v1/tokens/"+otherID, admin, ""); code != 204 && code != 200 {
		t.Fatalf("DELETE the token on host a = %d %s", code, body)
	}
	if code, _ := call(t, "GET", b+"/v1/tokens", other, ""); code != 401 {
		t.Errorf("GET /v1/tokens on host b with the token revoked on host a = %d, want 401", code)
	}

	// Each slot of the nightly job runs once, on one host or the other.
	st := storetest.OpenPostgres(t, db)
	var runs []jobs.Run
	var err error
	deadline := time.Now().Add(30 * time.Second)
	done := func() int {
		n := 0
		for _, r := range runs {
			if r.Job == "recompute" && r.Status == jobs.RunDone {
				n++
			}
		}
		return n
	}
	for done() < 3 && time.Now().Before(deadline) {
		time.Sleep(500 * time.Millisecond)
		if runs, err = st.Runs(context.Background(), 200); err != nil {
			t.Fatal(err)
		}
	}
	if done() < 3 {
		t.Fatalf("after 30 s, %d recompute runs done, want 3 or more: %+v", done(), runs)
	}
	slots := map[int64][]jobs.Run{}
	hosts := map[string]bool{}
	for _, r := range runs {
		if r.Job == "recompute" && r.Status == jobs.RunDone {
			slots[r.Started.Unix()/2] = append(slots[r.Started.Unix()/2], r)
			hosts[r.Replica] = true
		}
	}
	for slot, rs := range slots {
		if len(rs) > 1 {
			t.Errorf("slot %d ran %d times: %+v", slot*2, len(rs), rs)
		}
	}
	for h := range hosts {
		if h != "host-a" && h != "host-b" {
			t.Errorf("a run by %q, neither replica", h)
		}
	}
}
