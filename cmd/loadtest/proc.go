package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"time"
)

// matcher is one matcher serve process over a data directory, on a port that stays
// the same across restarts so that the traffic's URLs stay right.
type matcher struct {
	bin, data, addr string
	env             []string
	log             *os.File // the server's standard error, every run appended
	cmd             *exec.Cmd
	done            chan struct{}
}

// buildMatcher builds ./cmd/matcher of the module the harness runs in into dir.
func buildMatcher(ctx context.Context, dir string) (string, error) {
	bin := filepath.Join(dir, "matcher")
	cmd := exec.CommandContext(ctx, "go", "build", "-o", bin, "samenspel/cmd/matcher")
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build ./cmd/matcher: %v\n%s", err, out)
	}
	return bin, nil
}

func freeAddr() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer l.Close()
	return l.Addr().String(), nil
}

// newMatcher prepares a matcher over a fresh data directory under dir; extra
// environment (Redis) is added by the caller. Rate limits are off: the harness
// measures the server, not its limits.
func newMatcher(bin, dir string, extra ...string) (*matcher, error) {
	addr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	data := filepath.Join(dir, "data")
	log, err := os.Create(filepath.Join(dir, "matcher.log"))
	if err != nil {
		return nil, err
	}
	env := append(os.Environ(), "SAMENSPEL_RATE_IP=0", "SAMENSPEL_RATE_TOKEN=0", "SAMENSPEL_RATE_REGISTER=0")
	return &matcher{bin: bin, data: data, addr: addr, env: append(env, extra...), log: log}, nil
}

func (m *matcher) url() string { return "http://" + m.addr }

// start runs the server and returns once it listens.
func (m *matcher) start(ctx context.Context) error {
	cmd := exec.Command(m.bin, "serve", "--addr", m.addr, "--data", m.data)
	cmd.Env = m.env
	cmd.Dir = filepath.Dir(m.data)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		return err
	}
	if err := cmd.Start(); err != nil {
		return err
	}
	m.cmd, m.done = cmd, make(chan struct{})
	listening := make(chan struct{})
	go func() {
		defer close(m.done)
		lines := bufio.NewScanner(stderr)
		lines.Buffer(make([]byte, 64<<10), 1<<20)
		said := false
		for lines.Scan() {
			m.log.Write(append(lines.Bytes(), '\n'))
			var rec struct{ Msg string }
			if !said && json.Unmarshal(lines.Bytes(), &rec) == nil && rec.Msg == "matcher listening" {
				said = true
				close(listening)
			}
		}
		_ = cmd.Wait()
	}()
	select {
	case <-listening:
		return nil
	case <-m.done:
		return fmt.Errorf("matcher exited before it listened; its log: %s", m.log.Name())
	case <-time.After(60 * time.Second):
		m.kill()
		return errors.New("matcher did not listen within 60 s")
	case <-ctx.Done():
		m.kill()
		return ctx.Err()
	}
}

// kill ends the server with SIGKILL, as a crash or the OOM killer would.
func (m *matcher) kill() {
	if m.cmd == nil {
		return
	}
	_ = m.cmd.Process.Signal(syscall.SIGKILL)
	<-m.done
	m.cmd = nil
}

// stop ends the server as an orchestrator would (SIGTERM, then SIGKILL after 20 s).
func (m *matcher) stop() {
	if m.cmd == nil {
		return
	}
	_ = m.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-m.done:
	case <-time.After(20 * time.Second):
		_ = m.cmd.Process.Signal(syscall.SIGKILL)
		<-m.done
	}
	m.cmd = nil
}

// logText is everything the server wrote to standard error so far.
func (m *matcher) logText() ([]byte, error) { return os.ReadFile(m.log.Name()) }

// redisServer is a redis-server on a fixed loopback port, which can be frozen,
// killed and started again on the same port.
type redisServer struct {
	bin, dir string
	port     int
	cmd      *exec.Cmd
}

func newRedis(dir string) (*redisServer, error) {
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		return nil, fmt.Errorf("redis-server not found (apt-get install -y redis-server), or run with --no-redis: %w", err)
	}
	addr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	_, p, _ := net.SplitHostPort(addr)
	port, _ := strconv.Atoi(p)
	return &redisServer{bin: bin, dir: dir, port: port}, nil
}

func (r *redisServer) url() string { return fmt.Sprintf("redis://127.0.0.1:%d/0", r.port) }

func (r *redisServer) start() error {
	cmd := exec.Command(r.bin, "--port", strconv.Itoa(r.port), "--bind", "127.0.0.1",
		"--save", "", "--appendonly", "no", "--dir", r.dir)
	cmd.Stdout, cmd.Stderr = io.Discard, io.Discard
	if err := cmd.Start(); err != nil {
		return err
	}
	r.cmd = cmd
	for i := 0; i < 100; i++ {
		c, err := net.DialTimeout("tcp", fmt.Sprintf("127.0.0.1:%d", r.port), 100*time.Millisecond)
		if err == nil {
			c.Close()
			return nil
		}
		time.Sleep(50 * time.Millisecond)
	}
	return errors.New("redis-server did not listen")
}

func (r *redisServer) signal(s syscall.Signal) {
	if r.cmd != nil {
		_ = r.cmd.Process.Signal(s)
	}
}

func (r *redisServer) kill() {
	if r.cmd == nil {
		return
	}
	_ = r.cmd.Process.Signal(syscall.SIGCONT)
	_ = r.cmd.Process.Signal(syscall.SIGKILL)
	_ = r.cmd.Wait()
	r.cmd = nil
}
