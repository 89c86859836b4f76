// Package redistest gives tests a real Redis: the one SAMENSPEL_TEST_REDIS_URL names,
// or a redis-server it starts on a free loopback port and stops when the test ends.
// Under CI (CI=true) a missing redis-server fails the test; elsewhere the test is
// skipped with the reason, so a laptop without Redis still runs the rest.
package redistest

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strconv"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// Server is a Redis for one test.
type Server struct {
	URL string
	cmd *exec.Cmd // nil when the server came from the environment
}

// Start returns a running Redis for t.
func Start(t testing.TB) *Server {
	t.Helper()
	if url := os.Getenv("SAMENSPEL_TEST_REDIS_URL"); url != "" {
		return &Server{URL: url}
	}
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("redis-server is not installed; CI must install it (.ci/run does: apt-get install -y redis-server)")
		}
		t.Skip("redis-server not found and SAMENSPEL_TEST_REDIS_URL not set: Redis tests skipped (apt-get install -y redis-server)")
	}
	port := freePort(t)
	cmd := exec.Command(bin, "--port", strconv.Itoa(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", t.TempDir())
	if err := cmd.Start(); err != nil {
		t.Fatalf("start redis-server: %v", err)
	}
	s := &Server{URL: fmt.Sprintf("redis://127.0.0.1:%d/0", port), cmd: cmd}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	opt, _ := redis.ParseURL(s.URL)
	c := redis.NewClient(opt)
	defer c.Close()
	deadline := time.Now().Add(10 * time.Second)
	for c.Ping(context.Background()).Err() != nil {
		if time.Now().After(deadline) {
			t.Fatalf("redis-server on port %d did not answer", port)
		}
		time.Sleep(20 * time.Millisecond)
	}
	return s
}

func freePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// PID is the process id of the redis-server started for the test, 0 when the server
// came from the environment.
func (s *Server) PID() int {
	if s.cmd == nil || s.cmd.Process == nil {
		return 0
	}
	return s.cmd.Process.Pid
}
