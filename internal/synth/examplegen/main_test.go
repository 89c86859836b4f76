package main

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// TestShippedExamplesUpToDate checks that config/examples is exactly what the
// generator makes: the files are generated, never edited by hand. When it fails, run
// go run ./internal/synth/examplegen -out config/examples from the module root.
func TestShippedExamplesUpToDate(t *testing.T) {
	out := t.TempDir()
	if err := run([]string{"-out", out}); err != nil {
		t.Fatalf("run: %v", err)
	}
	shipped := filepath.Join("..", "..", "..", "config", "examples")
	want, got := names(t, out), names(t, shipped)
	if !slices.Equal(want, got) {
		t.Errorf("config/examples holds %v, want %v (regenerate it)", got, want)
	}
	for _, name := range want {
		made, err := os.ReadFile(filepath.Join(out, name))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.HasSuffix(made, []byte("\n")) {
			t.Errorf("%s does not end with a newline", name)
		}
		old, err := os.ReadFile(filepath.Join(shipped, name))
		if err != nil {
			continue // reported above
		}
		if !bytes.Equal(made, old) {
			t.Errorf("config/examples/%s differs from the generator's output (regenerate it)", name)
		}
	}
}

func TestRunIsDeterministic(t *testing.T) {
	a, b := t.TempDir(), t.TempDir()
	for _, dir := range []string{a, b} {
		if err := run([]string{"-out", dir, "-profiles", "50", "-collaborations", "40", "-tenders", "2", "-tender-files", "1"}); err != nil {
			t.Fatalf("run: %v", err)
		}
	}
	for _, name := range names(t, a) {
		x, _ := os.ReadFile(filepath.Join(a, name))
		y, _ := os.ReadFile(filepath.Join(b, name))
		if !bytes.Equal(x, y) {
			t.Errorf("%s differs between two runs", name)
		}
	}
	if got := len(names(t, a)); got != 5 {
		t.Errorf("run wrote %d files, want 5 (3 ndjson, 1 tender, README)", got)
	}
}

func TestRunRejectsBadFlags(t *testing.T) {
	for _, args := range [][]string{{"-profiles", "-1"}, {"extra"}, {"-nonsense"}} {
		if err := run(append([]string{"-out", t.TempDir()}, args...)); err == nil {
			t.Errorf("run(%q) = nil, want an error", args)
		}
	}
}

func names(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		out = append(out, e.Name())
	}
	slices.Sort(out)
	return out
}
