package settings

import (
	"flag"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func envOf(m map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) { v, ok := m[k]; return v, ok }
}

// with returns the defaults changed by f.
func with(f func(*Settings)) Settings {
	s := Defaults()
	f(&s)
	return s
}

func TestLoadPrecedence(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "matcher.yaml")
	if err := os.WriteFile(file, []byte("addr: 127.0.0.1:7000\ndata: /from/file\nno_examples: true\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	gazFile := filepath.Join(dir, "gazetteer.yaml")
	if err := os.WriteFile(gazFile, []byte("gazetteer: /file/areas.csv\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		args []string
		env  map[string]string
		want Settings
	}{
		{"file", []string{"--config", file}, nil, with(func(s *Settings) { s.Addr, s.Data, s.NoExamples = "127.0.0.1:7000", "/from/file", true })},
		{"env over file", []string{"--config", file}, map[string]string{"SAMENSPEL_DATA": "/from/env", "SAMENSPEL_NO_EXAMPLES": "false"},
			with(func(s *Settings) { s.Addr, s.Data = "127.0.0.1:7000", "/from/env" })},
		{"flag over env", []string{"--config", file, "--data", "/from/flag", "--addr", ":9090"}, map[string]string{"SAMENSPEL_DATA": "/from/env"},
			with(func(s *Settings) { s.Addr, s.Data, s.NoExamples = ":9090", "/from/flag", true })},
		{"schedules from env", []string{"--config", file}, map[string]string{"SAMENSPEL_RECOMPUTE_CRON": "*/5 * * * * *",
			"SAMENSPEL_STALE_CRON": "off", "SAMENSPEL_TIMEZONE": "UTC", "SAMENSPEL_REPLICA": "matcher-2"},
			with(func(s *Settings) {
				s.Addr, s.Data, s.NoExamples = "127.0.0.1:7000", "/from/file", true
				s.RecomputeCron, s.StaleCron, s.Timezone, s.Replica = "*/5 * * * * *", "off", "UTC", "matcher-2"
			})},
		{"database from env", nil, map[string]string{"SAMENSPEL_DATABASE_URL": "postgres://matcher@db:5432/samenspel"},
			with(func(s *Settings) { s.DatabaseURL = "postgres://matcher@db:5432/samenspel" })},
		{"database from a flag over env", []string{"--database", "postgresql://db.example/s?sslmode=require"}, map[string]string{"SAMENSPEL_DATABASE_URL": "postgres://env/x"},
			with(func(s *Settings) { s.DatabaseURL = "postgresql://db.example/s?sslmode=require" })},
		{"gazetteer from the file", []string{"--config", gazFile}, nil, with(func(s *Settings) { s.Gazetteer = "/file/areas.csv" })},
		{"gazetteer from env over file", []string{"--config", gazFile}, map[string]string{"SAMENSPEL_GAZETTEER": "/env/areas.csv"},
			with(func(s *Settings) { s.Gazetteer = "/env/areas.csv" })},
		{"gazetteer from a flag over env", []string{"--config", gazFile, "--gazetteer", "/flag/areas.csv"}, map[string]string{"SAMENSPEL_GAZETTEER": "/env/areas.csv"},
			with(func(s *Settings) { s.Gazetteer = "/flag/areas.csv" })},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Load(tc.args, envOf(tc.env))
			if err != nil {
				t.Fatalf("Load(%v) = %v", tc.args, err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("Load(%v) mismatch (-want +got):\n%s", tc.args, diff)
			}
		})
	}
}

func TestMissingConfigFile(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "none.yaml")
	if _, err := Load([]string{"--config", missing}, envOf(nil)); err == nil || !strings.Contains(err.Error(), "none.yaml") {
		t.Fatalf("Load with a missing --config file: %v, want an error naming it", err)
	}
}

func TestLoadWithoutFile(t *testing.T) {
	t.Chdir(t.TempDir()) // no config/matcher.yaml here: defaults
	got, err := Load(nil, envOf(nil))
	if err != nil || got.Addr != "127.0.0.1:8080" || got.Data != "./data" {
		t.Errorf("Load() = %+v, %v; want the defaults", got, err)
	}
}

func TestValidateNamesTheSetting(t *testing.T) {
	ok := func(f func(*Settings)) Settings {
		return with(func(s *Settings) { s.Addr, s.Data = ":1", "d"; f(s) })
	}
	if err := ok(func(*Settings) {}).Validate(); err != nil {
		t.Fatalf("Validate(defaults) = %v", err)
	}
	tests := map[string]Settings{
		"addr":            ok(func(s *Settings) { s.Addr = "nonsense" }),
		"data":            ok(func(s *Settings) { s.Data = "" }),
		"redis_url":       ok(func(s *Settings) { s.RedisURL = "http://x" }),
		"database_url":    ok(func(s *Settings) { s.DatabaseURL = "mysql://db/x" }),
		"meili_url":       ok(func(s *Settings) { s.MeiliURL = "ftp://x" }),
		"trusted_proxies": ok(func(s *Settings) { s.TrustedProxies = []string{"proxy.example"} }),
		"recompute_cron":  ok(func(s *Settings) { s.RecomputeCron = "30 25 * * *" }),
		"stale_cron":      ok(func(s *Settings) { s.StaleCron = "weekly" }),
		"timezone":        ok(func(s *Settings) { s.Timezone = "Mars/Olympus" }),
		"replica":         ok(func(s *Settings) { s.Replica = "" }),
	}
	if err := ok(func(s *Settings) { s.RecomputeCron, s.StaleCron = "off", "@every 1m" }).Validate(); err != nil {
		t.Errorf("Validate with recompute off and stale @every 1m = %v", err)
	}
	for field, s := range tests {
		if err := s.Validate(); err == nil || !strings.Contains(err.Error(), field) {
			t.Errorf("Validate(%+v) = %v, want an error naming %s", s, err, field)
		}
	}
}

func TestStringMasksSecrets(t *testing.T) {
	s := Settings{Addr: ":1", Data: "d", RedisURL: "redis://user:hunter2@localhost:6379/0", MeiliKey: "masterkey-secret",
		DatabaseURL: "postgres://matcher:pg-secret@db:5432/samenspel"}
	out := s.String()
	if strings.Contains(out, "hunter2") || strings.Contains(out, "masterkey-secret") || strings.Contains(out, "pg-secret") ||
		!strings.Contains(out, "redis://user:***@localhost:6379/0") || !strings.Contains(out, "postgres://matcher:***@db:5432/samenspel") {
		t.Errorf("String() = %q, want secrets masked", out)
	}
}

func TestUnknownKeyInFile(t *testing.T) {
	file := filepath.Join(t.TempDir(), "m.yaml")
	os.WriteFile(file, []byte("adr: :1\n"), 0o644)
	if _, err := Load([]string{"--config", file}, envOf(nil)); err == nil || !strings.Contains(err.Error(), "adr") {
		t.Errorf("Load with unknown key: %v, want an error naming it", err)
	}
}

// TestShippedFile: config/matcher.yaml parses and holds the defaults.
func TestShippedFile(t *testing.T) {
	got, err := Load([]string{"--config", "../../config/matcher.yaml"}, envOf(nil))
	if err != nil {
		t.Fatalf("Load(config/matcher.yaml) = %v", err)
	}
	if diff := cmp.Diff(Defaults(), got, cmp.Comparer(func(a, b []string) bool { return len(a) == len(b) })); diff != "" {
		t.Errorf("config/matcher.yaml differs from Defaults (-want +got):\n%s", diff)
	}
}

// TestStoreNamesTheStore: the store of the settings for logs, with no password.
func TestStoreNamesTheStore(t *testing.T) {
	if got := with(func(s *Settings) { s.Data = "/srv/data" }).Store(); got != "/srv/data" {
		t.Errorf("Store() of the embedded store = %q, want its directory", got)
	}
	got := with(func(s *Settings) { s.DatabaseURL = "postgres://matcher:pg-secret@db/s" }).Store()
	if got != "postgres://matcher:***@db/s" {
		t.Errorf("Store() of PostgreSQL = %q, want the URL with its password masked", got)
	}
}

// TestValidateDatabaseMasksPassword: a database URL that is refused is named, its
// password never.
func TestValidateDatabaseMasksPassword(t *testing.T) {
	s := with(func(s *Settings) { s.DatabaseURL = "mysql://matcher:pg-secret@db/x" })
	err := s.Validate()
	if err == nil || !strings.Contains(err.Error(), "database_url") || strings.Contains(err.Error(), "pg-secret") {
		t.Errorf("Validate(database_url mysql://...) = %v, want an error naming database_url without the password", err)
	}
}

// TestAddFlags: a command with flags of its own takes the settings' flags of the
// groups it asks for, beside its own, and no others; the file and the environment
// apply to every command alike.
func TestAddFlags(t *testing.T) {
	t.Chdir(t.TempDir())
	env := envOf(map[string]string{"SAMENSPEL_DATA": "/from/env", "SAMENSPEL_REDIS_URL": "redis://env:6379/0"})
	newFS := func() (*flag.FlagSet, *bool, *Flags) {
		fs := flag.NewFlagSet("token list", flag.ContinueOnError)
		fs.SetOutput(io.Discard)
		own := fs.Bool("json", false, "")
		return fs, own, AddFlags(fs, StoreFlags)
	}
	fs, own, f := newFS()
	if err := fs.Parse([]string{"--json", "--database", "postgres://db/s"}); err != nil {
		t.Fatal(err)
	}
	got, err := f.Load(env)
	if err != nil {
		t.Fatal(err)
	}
	want := with(func(s *Settings) {
		s.Data, s.RedisURL, s.DatabaseURL = "/from/env", "redis://env:6379/0", "postgres://db/s"
	})
	if diff := cmp.Diff(want, got); diff != "" || !*own {
		t.Errorf("Load after --json --database (-want +got):\n%s (own flag %t)", diff, *own)
	}
	fs, _, _ = newFS()
	if err := fs.Parse([]string{"--addr", ":1"}); err == nil {
		t.Error("a command of StoreFlags took --addr, a server flag")
	}
	if u := f.Usage(); !strings.Contains(u, "-database") || !strings.Contains(u, "-data") || strings.Contains(u, "-addr") {
		t.Errorf("Usage() = %q, want --data and --database, not --addr", u)
	}
}
