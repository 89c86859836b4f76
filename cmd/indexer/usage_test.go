package main

import (
	"errors"
	"os"
	"strings"
	"testing"
)

// TestHelp is finding 11 of issue 11: -h and --help on every command print that
// command's usage to standard output and exit 0, without doing anything else.
func TestHelp(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir) // a command that ran would leave a data directory here
	env := map[string]string{"SAMENSPEL_MEILI_URL": "http://127.0.0.1:1", "MEILI_MASTER_KEY": "k"}
	tests := []struct {
		args []string
		want []string // in the usage
	}{
		{[]string{"-h"}, []string{"indexer import", "indexer export", "indexer sync", "indexer reindex", "indexer status", "indexer keys"}},
		{[]string{"--help"}, []string{"indexer import", "indexer keys"}},
		{[]string{"help"}, []string{"indexer import", "indexer keys"}},
		{[]string{"import", "-h"}, []string{"indexer import", "-batch", "-data", "[--gazetteer FILE]", "-gazetteer string", "SAMENSPEL_GAZETTEER"}},
		{[]string{"import", "--help", "file.ndjson"}, []string{"indexer import", "-batch"}},
		{[]string{"export", "-h"}, []string{"indexer export", "-format", "-out"}},
		{[]string{"export", "--help"}, []string{"indexer export"}},
		{[]string{"sync", "-h"}, []string{"indexer sync", "-watch", "-interval"}},
		{[]string{"sync", "--watch", "--help"}, []string{"indexer sync"}},
		{[]string{"reindex", "-h"}, []string{"indexer reindex", "-meili"}},
		{[]string{"reindex", "--help"}, []string{"indexer reindex"}},
		{[]string{"status", "-h"}, []string{"indexer status", "-meili"}},
		{[]string{"status", "--help"}, []string{"indexer status"}},
		{[]string{"keys", "-h"}, []string{"indexer keys", "MEILI_MASTER_KEY"}},
		{[]string{"keys", "--help"}, []string{"indexer keys"}},
	}
	for _, tc := range tests {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			stdout, stderr, err := indexer(t, env, tc.args...)
			if err != nil || stderr != "" {
				t.Fatalf("indexer %v = %v, stderr %q; want no error (exit 0) and nothing on stderr", tc.args, err, stderr)
			}
			if !strings.HasPrefix(stdout, "usage:\n") {
				t.Errorf("indexer %v printed %q, want the usage", tc.args, stdout)
			}
			for _, w := range tc.want {
				if !strings.Contains(stdout, w) {
					t.Errorf("indexer %v printed %q, want it to show %q", tc.args, stdout, w)
				}
			}
		})
	}
	if entries, _ := os.ReadDir(dir); len(entries) > 0 {
		t.Errorf("asking for help left %v in the working directory, want nothing done", entries)
	}
}

// TestWrongCommandLinePrintsUsage: a command line that is not understood prints
// the usage of its command to standard error, nothing to standard output, and
// exits 2.
func TestWrongCommandLinePrintsUsage(t *testing.T) {
	t.Chdir(t.TempDir())
	tests := []struct {
		args []string
		want string
	}{
		{nil, "indexer keys"},
		{[]string{"load"}, "indexer keys"},
		{[]string{"import"}, "indexer import"},
		{[]string{"import", "--force", "a.ndjson"}, "indexer import"},
		{[]string{"export", "--format", "xml"}, "indexer export"},
		{[]string{"sync", "--nonsense"}, "indexer sync"},
		{[]string{"reindex", "stray"}, "indexer reindex"},
		{[]string{"status", "--nonsense"}, "indexer status"},
		{[]string{"keys", "--nonsense"}, "indexer keys"},
	}
	for _, tc := range tests {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			stdout, stderr, err := indexer(t, nil, tc.args...)
			if !errors.Is(err, errUsage) {
				t.Fatalf("indexer %v = %v, want a usage error (exit 2)", tc.args, err)
			}
			if stdout != "" || !strings.HasPrefix(stderr, "usage:\n") || !strings.Contains(stderr, tc.want) {
				t.Errorf("indexer %v: stdout %q, stderr %q; want nothing on stdout, the usage with %q on stderr", tc.args, stdout, stderr, tc.want)
			}
		})
	}
}
