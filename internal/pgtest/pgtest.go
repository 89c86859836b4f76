// Package pgtest gives tests a real PostgreSQL: a new, empty database for each test,
// on the server SAMENSPEL_TEST_DATABASE_URL names (a role that may create databases),
// or on a private server it starts once per test binary: Debian's postgresql
// (`initdb` in a temporary folder, `postgres` on a free loopback port, run as the
// `postgres` user when the tests run as root, since PostgreSQL refuses to run as
// root). The private server runs without fsync: a test's data need not survive a
// crash of the machine. It stops when the test binary ends (Main) or, failing that,
// when the binary's process dies.
//
// Under CI (CI=true) a missing PostgreSQL fails the test; elsewhere the test is
// skipped with the reason, so that a laptop without PostgreSQL still runs the rest.
//
// It never touches a database it did not create: each test's database is created
// with a name of its own and dropped when the test ends.
package pgtest

import (
	"context"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// EnvURL names the environment variable of a PostgreSQL server to use instead of a
// private one.
const EnvURL = "SAMENSPEL_TEST_DATABASE_URL"

// server is the private server of this test binary, started by the first test that
// asks for one.
var (
	once    sync.Once
	private *cluster
	failed  error // why the private server could not start
	missing string
	serial  atomic.Int64
)

// Database returns the URL of a new, empty database for t on a PostgreSQL server,
// dropped when t ends.
func Database(t testing.TB) string {
	t.Helper()
	admin := os.Getenv(EnvURL)
	if admin == "" {
		once.Do(func() { private, missing, failed = start() })
		switch {
		case missing != "" && os.Getenv("CI") != "":
			t.Fatalf("PostgreSQL is not installed (%s); CI must install it (.ci/run does: apt-get install -y postgresql)", missing)
		case missing != "":
			t.Skipf("PostgreSQL not found (%s) and %s not set: PostgreSQL tests skipped (apt-get install -y postgresql)", missing, EnvURL)
		case failed != nil:
			t.Fatalf("start a private PostgreSQL: %v", failed)
		}
		admin = private.url
	}
	name := fmt.Sprintf("samenspel_test_%d_%d", os.Getpid(), serial.Add(1))
	if err := exec1(admin, "CREATE DATABASE "+name); err != nil {
		t.Fatalf("create test database: %v", err)
	}
	t.Cleanup(func() {
		if err := exec1(admin, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
			t.Errorf("drop test database %s: %v", name, err)
		}
	})
	u, err := url.Parse(admin)
	if err != nil {
		t.Fatalf("%s: %v", EnvURL, err)
	}
	u.Path = "/" + name
	return u.String()
}

// Main runs the tests of a package and then stops its private server, if one was
// started: `func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }`.
func Main(m *testing.M) int {
	code := m.Run()
	if private != nil {
		private.stop()
	}
	return code
}

// exec1 runs one statement on the server at dsn.
func exec1(dsn, sql string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	_, err = conn.Exec(ctx, sql)
	return err
}

// cluster is a private PostgreSQL server.
type cluster struct {
	url string
	dir string
	cmd *exec.Cmd
}

// start starts the private server: missing says which program was not found.
func start() (c *cluster, missing string, err error) {
	bin, missing := binaries()
	if missing != "" {
		return nil, missing, nil
	}
	dir, err := os.MkdirTemp("", "samenspel-pgtest-")
	if err != nil {
		return nil, "", err
	}
	data := filepath.Join(dir, "data")
	var cred *syscall.Credential
	if os.Geteuid() == 0 {
		// PostgreSQL will not run as root: the server and its folder belong to the
		// postgres user that Debian's package creates.
		u, err := user.Lookup("postgres")
		if err != nil {
			return nil, "", fmt.Errorf("running as root and no postgres user to run PostgreSQL as: %w", err)
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		cred = &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}
		if err := os.Chown(dir, uid, gid); err != nil {
			return nil, "", err
		}
	}
	init := exec.Command(filepath.Join(bin, "initdb"), "-D", data, "-U", "postgres", "--auth=trust",
		"--encoding=UTF8", "--locale=C.UTF-8", "--no-sync")
	init.Dir = dir
	init.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
	if out, err := init.CombinedOutput(); err != nil {
		os.RemoveAll(dir)
		return nil, "", fmt.Errorf("initdb: %v: %s", err, out)
	}
	port, err := freePort()
	if err != nil {
		return nil, "", err
	}
	cmd := exec.Command(filepath.Join(bin, "postgres"), "-D", data, "-p", strconv.Itoa(port),
		"-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories="+dir,
		"-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off",
		"-c", "max_connections=200", "-c", "shared_buffers=64MB",
		// Statistics only when a test or the store asks for them, never by
		// autovacuum at a moment of its own: plans and tests stay repeatable.
		"-c", "autovacuum=off")
	cmd.Dir = dir
	log, err := os.Create(filepath.Join(dir, "postgres.log"))
	if err != nil {
		return nil, "", err
	}
	if cred != nil {
		_ = log.Chown(int(cred.Uid), int(cred.Gid))
	}
	cmd.Stdout, cmd.Stderr = log, log
	// Should the test binary die without Main, the server goes with it.
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred, Pdeathsig: syscall.SIGQUIT}
	if err := cmd.Start(); err != nil {
		os.RemoveAll(dir)
		return nil, "", fmt.Errorf("start postgres: %w", err)
	}
	c = &cluster{url: fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable", port), dir: dir, cmd: cmd}
	deadline := time.Now().Add(30 * time.Second)
	for {
		err := exec1(c.url, "SELECT 1")
		if err == nil {
			return c, "", nil
		}
		if time.Now().After(deadline) {
			c.stop()
			b, _ := os.ReadFile(filepath.Join(dir, "postgres.log"))
			return nil, "", fmt.Errorf("postgres on port %d did not answer: %v\n%s", port, err, b)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// stop ends the server at once and removes its folder.
func (c *cluster) stop() {
	_ = c.cmd.Process.Signal(syscall.SIGQUIT)
	done := make(chan struct{})
	go func() { _ = c.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		_ = c.cmd.Process.Kill()
		<-done
	}
	os.RemoveAll(c.dir)
}

// binaries finds the folder of initdb and postgres: on PATH, or in Debian's
// /usr/lib/postgresql/<version>/bin (the newest), which is not on PATH.
func binaries() (dir, missing string) {
	if p, err := exec.LookPath("initdb"); err == nil {
		if real, err := filepath.EvalSymlinks(p); err == nil {
			p = real
		}
		d := filepath.Dir(p)
		if _, err := os.Stat(filepath.Join(d, "postgres")); err == nil {
			return d, ""
		}
	}
	found, _ := filepath.Glob("/usr/lib/postgresql/*/bin/postgres")
	sort.Slice(found, func(i, j int) bool { return version(found[i]) > version(found[j]) })
	for _, p := range found {
		d := filepath.Dir(p)
		if _, err := os.Stat(filepath.Join(d, "initdb")); err == nil {
			return d, ""
		}
	}
	return "", "no initdb and postgres on PATH or in /usr/lib/postgresql/*/bin"
}

// version is the major version in a path /usr/lib/postgresql/<version>/bin/postgres.
func version(p string) int {
	parts := strings.Split(p, string(filepath.Separator))
	for i, s := range parts {
		if s == "postgresql" && i+1 < len(parts) {
			n, _ := strconv.Atoi(parts[i+1])
			return n
		}
	}
	return 0
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}
