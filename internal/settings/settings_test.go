package settings

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func envOf(m map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) { v, ok := m[k]; return v, ok }
}

func TestLoadPrecedence(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "matcher.yaml")
	if err := os.WriteFile(file, []byte("addr: 127.0.0.1:7000\ndata: /from/file\nno_examples: true\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		args []string
		env  map[string]string
		want Settings
	}{
		{"file", []string{"--config", file}, nil, Settings{Addr: "127.0.0.1:7000", Data: "/from/file", NoExamples: true}},
		{"env over file", []string{"--config", file}, map[string]string{"SAMENSPEL_DATA": "/from/env", "SAMENSPEL_NO_EXAMPLES": "false"},
			Settings{Addr: "127.0.0.1:7000", Data: "/from/env"}},
		{"flag over env", []string{"--config", file, "--data", "/from/flag", "--addr", ":9090"}, map[string]string{"SAMENSPEL_DATA": "/from/env"},
			Settings{Addr: ":9090", Data: "/from/flag", NoExamples: true}},
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
	tests := map[string]Settings{
		"addr":            {Addr: "nonsense", Data: "d"},
		"data":            {Addr: ":1"},
		"redis_url":       {Addr: ":1", Data: "d", RedisURL: "http://x"},
		"meili_url":       {Addr: ":1", Data: "d", MeiliURL: "ftp://x"},
		"trusted_proxies": {Addr: ":1", Data: "d", TrustedProxies: []string{"proxy.example"}},
	}
	for field, s := range tests {
		if err := s.Validate(); err == nil || !strings.Contains(err.Error(), field) {
			t.Errorf("Validate(%+v) = %v, want an error naming %s", s, err, field)
		}
	}
}

func TestStringMasksSecrets(t *testing.T) {
	s := Settings{Addr: ":1", Data: "d", RedisURL: "redis://user:hunter2@localhost:6379/0", MeiliKey: "masterkey-secret"}
	out := s.String()
	if strings.Contains(out, "hunter2") || strings.Contains(out, "masterkey-secret") || !strings.Contains(out, "redis://user:***@localhost:6379/0") {
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
