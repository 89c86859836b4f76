package settings

import (
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestRatesPrecedence: each rate is a file key, a variable and a flag; the file
// is overridden by the variable, the variable by the flag, and 0 is a value (the
// limit off), not "unset".
func TestRatesPrecedence(t *testing.T) {
	file := filepath.Join(t.TempDir(), "matcher.yaml")
	yaml := "rate_ip: 2.5\nrate_ip_burst: 5\nrate_token: 20\nrate_token_burst: 30\nrate_register: 3\n"
	if err := os.WriteFile(file, []byte(yaml), 0o644); err != nil {
		t.Fatal(err)
	}
	fromFile := Rates{IP: 2.5, IPBurst: 5, Token: 20, TokenBurst: 30, Register: 3}
	allEnv := map[string]string{"SAMENSPEL_RATE_IP": "7", "SAMENSPEL_RATE_IP_BURST": "8",
		"SAMENSPEL_RATE_TOKEN": "9", "SAMENSPEL_RATE_TOKEN_BURST": "11", "SAMENSPEL_RATE_REGISTER": "12"}
	tests := []struct {
		name string
		args []string
		env  map[string]string
		want Rates
	}{
		{"defaults", nil, nil, DefaultRates()},
		{"file", []string{"--config", file}, nil, fromFile},
		{"env over file", []string{"--config", file}, allEnv, Rates{IP: 7, IPBurst: 8, Token: 9, TokenBurst: 11, Register: 12}},
		{"one env over file", []string{"--config", file}, map[string]string{"SAMENSPEL_RATE_TOKEN": "0"},
			Rates{IP: 2.5, IPBurst: 5, Token: 0, TokenBurst: 30, Register: 3}},
		{"flag over env", []string{"--config", file, "--rate-ip", "0", "--rate-ip-burst=1", "--rate-token", "0.5",
			"--rate-token-burst", "2", "--rate-register", "0"}, allEnv,
			Rates{IP: 0, IPBurst: 1, Token: 0.5, TokenBurst: 2, Register: 0}},
		{"one flag over env", []string{"--config", file, "--rate-register", "4"}, allEnv,
			Rates{IP: 7, IPBurst: 8, Token: 9, TokenBurst: 11, Register: 4}},
		{"limits off from env", nil, map[string]string{"SAMENSPEL_RATE_IP": "0", "SAMENSPEL_RATE_TOKEN": "0", "SAMENSPEL_RATE_REGISTER": "0"},
			Rates{IP: 0, IPBurst: 40, Token: 0, TokenBurst: 100, Register: 0}},
	}
	t.Chdir(t.TempDir()) // no config/matcher.yaml: the defaults under the file
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Load(tc.args, envOf(tc.env))
			if err != nil {
				t.Fatalf("Load(%v) = %v", tc.args, err)
			}
			if diff := cmp.Diff(tc.want, got.Rates); diff != "" {
				t.Errorf("Load(%v).Rates mismatch (-want +got):\n%s", tc.args, diff)
			}
		})
	}
}

// TestRatesRefused: a negative or unreadable rate is refused with a message naming
// the setting, from the file, the environment or a flag.
func TestRatesRefused(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	file := filepath.Join(dir, "m.yaml")
	if err := os.WriteFile(file, []byte("rate_token_burst: -1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, want string
		args       []string
		env        map[string]string
	}{
		{"negative in the file", "rate_token_burst", []string{"--config", file}, nil},
		{"negative rate from env", "rate_ip", nil, map[string]string{"SAMENSPEL_RATE_IP": "-1"}},
		{"negative burst from env", "rate_ip_burst", nil, map[string]string{"SAMENSPEL_RATE_IP_BURST": "-5"}},
		{"negative token rate from a flag", "rate_token", []string{"--rate-token", "-0.5"}, nil},
		{"negative registrations from a flag", "rate_register", []string{"--rate-register=-2"}, nil},
		{"not a number in env", "SAMENSPEL_RATE_TOKEN", nil, map[string]string{"SAMENSPEL_RATE_TOKEN": "fast"}},
		{"not a whole number in env", "SAMENSPEL_RATE_REGISTER", nil, map[string]string{"SAMENSPEL_RATE_REGISTER": "1.5"}},
		{"infinite in env", "rate_ip", nil, map[string]string{"SAMENSPEL_RATE_IP": "+Inf"}},
		{"not a number as a flag", "rate-ip-burst", []string{"--rate-ip-burst", "many"}, nil},
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

// TestLoadHelp: -h and --help are not errors of the settings but a request for the
// flags, which the command prints.
func TestLoadHelp(t *testing.T) {
	for _, args := range [][]string{{"-h"}, {"--help"}, {"-help"}, {"--data", "d", "-h"}} {
		_, err := Load(args, envOf(nil))
		var fe *FlagError
		if !errors.As(err, &fe) || !errors.Is(err, flag.ErrHelp) {
			t.Fatalf("Load(%q) = %v, want a FlagError wrapping flag.ErrHelp", args, err)
		}
		for _, f := range []string{"-addr", "-data", "-rate-ip", "-rate-register"} {
			if !strings.Contains(fe.Flags, f) {
				t.Errorf("Load(%q): flags %q lack %s", args, fe.Flags, f)
			}
		}
	}
	for _, args := range [][]string{{"--nonsense"}, {"stray"}} {
		_, err := Load(args, envOf(nil))
		var fe *FlagError
		if !errors.As(err, &fe) || errors.Is(err, flag.ErrHelp) || fe.Flags == "" {
			t.Errorf("Load(%q) = %v, want a FlagError with the flags, not help", args, err)
		}
	}
}
