package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"strings"
	"testing"
)

// TestHelp is finding 11 of issue 11: -h and --help on every command and
// subcommand print that command's usage to standard output and exit 0, without
// doing anything else.
func TestHelp(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir) // a command that ran would leave a data directory here
	tests := []struct {
		args []string
		want []string // in the usage
	}{
		{[]string{"-h"}, []string{"matcher [serve]", "matcher token create", "matcher suggest", "matcher recompute", "matcher healthcheck"}},
		{[]string{"--help"}, []string{"matcher [serve]", "matcher healthcheck"}},
		{[]string{"help"}, []string{"matcher [serve]", "matcher healthcheck"}},
		{[]string{"serve", "-h"}, []string{"matcher [serve]", "-rate-ip", "-rate-register", "-addr", "[--gazetteer FILE]", "-gazetteer string"}},
		{[]string{"serve", "--help"}, []string{"matcher [serve]", "-rate-token-burst", "--request-timeout", "-write-timeout", "-max-heavy"}},
		{[]string{"serve", "--data", "d", "--help"}, []string{"matcher [serve]", "-data"}},
		{[]string{"recompute", "-h"}, []string{"matcher recompute [--full]", "-data"}},
		{[]string{"recompute", "--full", "--help"}, []string{"matcher recompute [--full]", "-redis"}},
		{[]string{"suggest", "-h"}, []string{"matcher suggest", "-tender", "-top", "--timeout DURATION", "-timeout duration"}},
		{[]string{"suggest", "--help"}, []string{"matcher suggest", "-profiles"}},
		{[]string{"token", "-h"}, []string{"matcher token create"}},
		{[]string{"token", "--help"}, []string{"matcher token create"}},
		{[]string{"token", "create", "-h"}, []string{"matcher token create", "-role", "-profile"}},
		{[]string{"token", "create", "--help"}, []string{"matcher token create", "-name"}},
		{[]string{"token", "list", "-h"}, []string{"matcher token list", "-json"}},
		{[]string{"token", "revoke", "--help"}, []string{"matcher token revoke ID"}},
		{[]string{"token", "rotate", "-h"}, []string{"matcher token rotate ID", "-expires"}},
		{[]string{"healthcheck", "-h"}, []string{"matcher healthcheck", "-addr"}},
		{[]string{"migrate", "-h"}, []string{"matcher migrate --to postgres://", "replaced by the embedded one", "-to", "-data"}},
		{[]string{"healthcheck", "--help"}, []string{"matcher healthcheck"}},
	}
	for _, tc := range tests {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			err := run(context.Background(), tc.args, &stdout, &stderr)
			if code := exitCode(err); err != nil || code != 0 || stderr.Len() > 0 {
				t.Fatalf("matcher %v = %v (exit %d), stderr %q; want exit 0 and nothing on stderr", tc.args, err, code, stderr.String())
			}
			if !strings.HasPrefix(stdout.String(), "usage:\n") {
				t.Errorf("matcher %v printed %q, want the usage", tc.args, stdout.String())
			}
			for _, w := range tc.want {
				if !strings.Contains(stdout.String(), w) {
					t.Errorf("matcher %v printed %q, want it to show %q", tc.args, stdout.String(), w)
				}
			}
		})
	}
	if entries, _ := os.ReadDir(dir); len(entries) > 0 {
		t.Errorf("asking for help left %v in the working directory, want nothing done", entries)
	}
}

// TestWrongCommandLine: a command line that is not understood prints the usage of
// its command to standard error and exits 2.
func TestWrongCommandLine(t *testing.T) {
	t.Chdir(t.TempDir())
	tests := []struct {
		args []string
		want string // in the usage
	}{
		{[]string{"nonsense"}, "matcher healthcheck"},
		{[]string{"--nonsense"}, "matcher [serve]"},
		{[]string{"serve", "--nonsense"}, "matcher [serve]"},
		{[]string{"serve", "stray"}, "matcher [serve]"},
		{[]string{"serve", "--rate-ip", "-1"}, "matcher [serve]"},
		{[]string{"recompute", "--nonsense"}, "matcher recompute"},
		{[]string{"suggest"}, "matcher suggest"},
		{[]string{"suggest", "--top"}, "matcher suggest"},
		{[]string{"token"}, "matcher token create"},
		{[]string{"token", "nonsense"}, "matcher token create"},
		{[]string{"token", "create", "--nonsense"}, "matcher token create"},
		{[]string{"token", "create", "--role", "root", "--name", "x"}, "matcher token create"},
		{[]string{"healthcheck", "--nonsense"}, "matcher healthcheck"},
		{[]string{"migrate", "--nonsense"}, "matcher migrate"},
	}
	for _, tc := range tests {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			err := run(context.Background(), tc.args, &stdout, &stderr)
			if code := exitCode(err); !errors.Is(err, errUsage) || code != 2 {
				t.Fatalf("matcher %v = %v (exit %d), want a usage error, exit 2", tc.args, err, code)
			}
			if stdout.Len() > 0 || !strings.HasPrefix(stderr.String(), "usage:\n") || !strings.Contains(stderr.String(), tc.want) {
				t.Errorf("matcher %v: stdout %q, stderr %q; want nothing on stdout, the usage with %q on stderr", tc.args, stdout.String(), stderr.String(), tc.want)
			}
		})
	}
}

func TestExitCode(t *testing.T) {
	tests := []struct {
		err  error
		want int
	}{
		{nil, 0},
		{errUsage, 2},
		{errors.Join(errors.New("x"), errUsage), 2},
		{errors.New("store: unable to open"), 1},
	}
	for _, tc := range tests {
		if got := exitCode(tc.err); got != tc.want {
			t.Errorf("exitCode(%v) = %d, want %d", tc.err, got, tc.want)
		}
	}
}
