package settings

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// TestBoundsPrecedence: request_timeout, write_timeout and max_heavy are file
// keys, variables and flags; the file is overridden by the variable, the variable
// by the flag, and max_heavy 0 is a value (the cap off), not "unset".
func TestBoundsPrecedence(t *testing.T) {
	file := filepath.Join(t.TempDir(), "matcher.yaml")
	if err := os.WriteFile(file, []byte("request_timeout: 4s\nwrite_timeout: 1m\nmax_heavy: 3\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	fromFile := Bounds{RequestTimeout: 4 * time.Second, WriteTimeout: time.Minute, MaxHeavy: 3}
	allEnv := map[string]string{"SAMENSPEL_REQUEST_TIMEOUT": "2s", "SAMENSPEL_WRITE_TIMEOUT": "5s", "SAMENSPEL_MAX_HEAVY": "7"}
	tests := []struct {
		name string
		args []string
		env  map[string]string
		want Bounds
	}{
		{"defaults", nil, nil, Bounds{RequestTimeout: 10 * time.Second, WriteTimeout: 15 * time.Second, MaxHeavy: max(1, runtime.NumCPU()/2)}},
		{"file", []string{"--config", file}, nil, fromFile},
		{"env over file", []string{"--config", file}, allEnv, Bounds{RequestTimeout: 2 * time.Second, WriteTimeout: 5 * time.Second, MaxHeavy: 7}},
		{"one env over file", []string{"--config", file}, map[string]string{"SAMENSPEL_MAX_HEAVY": "0"},
			Bounds{RequestTimeout: 4 * time.Second, WriteTimeout: time.Minute, MaxHeavy: 0}},
		{"flag over env", []string{"--config", file, "--request-timeout", "500ms", "--write-timeout=3s", "--max-heavy", "2"}, allEnv,
			Bounds{RequestTimeout: 500 * time.Millisecond, WriteTimeout: 3 * time.Second, MaxHeavy: 2}},
		{"one flag over env", []string{"--config", file, "--max-heavy", "1"}, allEnv,
			Bounds{RequestTimeout: 2 * time.Second, WriteTimeout: 5 * time.Second, MaxHeavy: 1}},
	}
	t.Chdir(t.TempDir()) // no config/matcher.yaml: the defaults under the file
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Load(tc.args, envOf(tc.env))
			if err != nil {
				t.Fatalf("Load(%v) = %v", tc.args, err)
			}
			if diff := cmp.Diff(tc.want, got.Bounds); diff != "" {
				t.Errorf("Load(%v).Bounds mismatch (-want +got):\n%s", tc.args, diff)
			}
		})
	}
}

// TestBoundsRefused: a deadline that is not positive, a write timeout that leaves
// no time to write a stopped answer, a negative cap or an unreadable value is
// refused with a message naming the setting.
func TestBoundsRefused(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	file := filepath.Join(dir, "m.yaml")
	if err := os.WriteFile(file, []byte("max_heavy: -1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, want string
		args       []string
		env        map[string]string
	}{
		{"negative in the file", "max_heavy", []string{"--config", file}, nil},
		{"zero deadline from env", "request_timeout", nil, map[string]string{"SAMENSPEL_REQUEST_TIMEOUT": "0s"}},
		{"write timeout under the deadline", "write_timeout", []string{"--request-timeout", "20s"}, nil},
		{"write timeout just over the deadline", "write_timeout", []string{"--request-timeout", "10s", "--write-timeout", "11s"}, nil},
		{"negative cap from a flag", "max_heavy", []string{"--max-heavy=-2"}, nil},
		{"not a duration in env", "SAMENSPEL_WRITE_TIMEOUT", nil, map[string]string{"SAMENSPEL_WRITE_TIMEOUT": "15"}},
		{"not a whole number in env", "SAMENSPEL_MAX_HEAVY", nil, map[string]string{"SAMENSPEL_MAX_HEAVY": "half"}},
		{"not a duration as a flag", "request-timeout", []string{"--request-timeout", "soon"}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Load(tc.args, envOf(tc.env))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Load(%v, %v) = %v, want an error naming %s", tc.args, tc.env, err, tc.want)
			}
		})
	}
}
