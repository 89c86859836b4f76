package main

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// startServer runs the built matcher on a free port over data and returns its base
// URL once it listens. env are extra NAME=value settings.
func startServer(t *testing.T, bin, data string, env ...string) (*exec.Cmd, string) {
	t.Helper()
	return startMatcher(t, bin, []string{"--data", data, "--no-examples"}, env...)
}

// startMatcher runs the built matcher serve on a free port with args, in a working
// folder of its own, and returns it and its base URL once it listens. env are
// extra NAME=value settings.
func startMatcher(t *testing.T, bin string, args []string, env ...string) (*exec.Cmd, string) {
	t.Helper()
	cmd := exec.Command(bin, append([]string{"serve", "--addr", "127.0.0.1:0"}, args...)...)
	cmd.Dir = t.TempDir()
	cmd.Env = append(os.Environ(), env...)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	lines := bufio.NewScanner(stderr)
	found := make(chan string, 1)
	go func() {
		for lines.Scan() {
			var rec struct {
				Msg  string `json:"msg"`
				Addr string `json:"addr"`
			}
			if json.Unmarshal(lines.Bytes(), &rec) == nil && rec.Msg == "matcher listening" {
				found <- rec.Addr
			}
		}
	}()
	select {
	case addr := <-found:
		return cmd, "http://" + addr
	case <-time.After(30 * time.Second):
		t.Fatal("matcher did not start")
		return nil, ""
	}
}

// TestAcknowledgedWriteSurvivesKill: a profile acknowledged with 201 is there after
// the server is killed with SIGKILL and started again.
func TestAcknowledgedWriteSurvivesKill(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "matcher")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	data := t.TempDir()
	cmd, url := startServer(t, bin, data)
	doc := `{"id":"blijft-bestaan","name":"Blijft Bestaan","kind":"residents_group","size":"small","areas":["WK034403"],"instruments":{"meals":1}}`
	resp, err := http.Post(url+"/v1/profiles", "application/json", strings.NewReader(doc))
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 201 {
		t.Fatalf("POST profile = %d, want 201", resp.StatusCode)
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()

	_, url = startServer(t, bin, data)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", url+"/v1/profiles/blijft-bestaan", nil)
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Errorf("after kill -9 and restart, GET profile = %d, want 200", resp.StatusCode)
	}
}
