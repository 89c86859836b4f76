package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"samenspel/config"
	"samenspel/internal/match"
	"samenspel/internal/profiles"
	"samenspel/internal/synth"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

func runMatcher(t *testing.T, args ...string) (string, string, error) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	err := run(context.Background(), args, &stdout, &stderr)
	return stdout.String(), stderr.String(), err
}

// TestSuggestGolden: the answer to a small Overvecht tender, byte for byte.
func TestSuggestGolden(t *testing.T) {
	args := []string{"suggest", "--tender", "testdata/tender.json", "--profiles", "testdata/profiles.ndjson",
		"--collaborations", "testdata/collaborations.ndjson", "--top", "5"}
	out, _, err := runMatcher(t, args...)
	if err != nil {
		t.Fatalf("matcher %s: %v", strings.Join(args, " "), err)
	}
	golden := filepath.Join("testdata", "suggest.golden.json")
	if *update {
		if err := os.WriteFile(golden, []byte(out), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test ./cmd/matcher -update to create it)", err)
	}
	if out != string(want) {
		t.Errorf("matcher suggest output differs from %s; run with -update and review the diff:\n%s", golden, out)
	}
	again, _, _ := runMatcher(t, args...)
	if again != out {
		t.Errorf("two runs on the same input gave different output")
	}
	if strings.Contains(out, "CANARY") {
		t.Errorf("output carries a contact or private field:\n%s", out)
	}
	var res match.Result
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("output is not the result JSON: %v", err)
	}
	if !res.Feasible || res.Candidates != 6 || len(res.Coalitions) == 0 {
		t.Errorf("result feasible %v, %d candidates, %d coalitions; want feasible, 6 (sportclub-zuilen is outside Overvecht), some", res.Feasible, res.Candidates, len(res.Coalitions))
	}
}

// TestSuggestVariantsGolden: with --variants, the answer for the same tender with
// two look-alikes added lists each coalition once, its members naming their
// alternatives, byte for byte; without it, the look-alikes' coalitions come again
// and nothing names alternatives.
func TestSuggestVariantsGolden(t *testing.T) {
	args := []string{"suggest", "--tender", "testdata/tender.json", "--profiles", "testdata/profiles.ndjson", "--profiles", "testdata/lookalikes.ndjson",
		"--collaborations", "testdata/collaborations.ndjson", "--top", "5"}
	out, _, err := runMatcher(t, append(args, "--variants")...)
	if err != nil {
		t.Fatalf("matcher %s --variants: %v", strings.Join(args, " "), err)
	}
	golden := filepath.Join("testdata", "suggest-variants.golden.json")
	if *update {
		if err := os.WriteFile(golden, []byte(out), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test ./cmd/matcher -update to create it)", err)
	}
	if out != string(want) {
		t.Errorf("matcher suggest --variants output differs from %s; run with -update and review the diff:\n%s", golden, out)
	}
	for _, alt := range []string{`"kerk-overvecht"`, `"moskee-overvecht"`, `"buurtkamer-wolgadreef"`} {
		if !strings.Contains(out, `"alternatives": [`) || !strings.Contains(out, alt) {
			t.Errorf("the answer with variants names no alternatives or lacks %s:\n%s", alt, out)
		}
	}
	plain, _, err := runMatcher(t, args...)
	if err != nil || plain == out || strings.Contains(plain, "alternatives") {
		t.Errorf("without --variants: %v, the same answer %v, naming alternatives %v", err, plain == out, strings.Contains(plain, "alternatives"))
	}
}

func TestSuggestCSVProfiles(t *testing.T) {
	dir := t.TempDir()
	csv := "id,name,kind,size,new_provider,can_lead,areas,instruments,themes,description,contact_email\n" +
		"buurtkamer-tigrisdreef,Buurtkamer Tigrisdreef,residents_group,small,true,false,BU03440301,meeting_place:1;meals:0.5,loneliness,,\n" +
		"welzijn-overvecht,Stichting Welzijn Overvecht,welfare,large,false,true,GM0344,home_visits:1;meeting_place:0.5,loneliness;poverty,,\n"
	path := filepath.Join(dir, "p.csv")
	if err := os.WriteFile(path, []byte(csv), 0o644); err != nil {
		t.Fatal(err)
	}
	out, _, err := runMatcher(t, "suggest", "--tender", "testdata/tender.json", "--profiles", path)
	if err != nil {
		t.Fatalf("matcher suggest with CSV profiles: %v", err)
	}
	var res match.Result
	if err := json.Unmarshal([]byte(out), &res); err != nil || res.Candidates != 2 || len(res.Coalitions) == 0 {
		t.Fatalf("result = %+v, %v; want 2 candidates and a coalition", res, err)
	}
	if got := res.Coalitions[0].Members; len(got) != 2 || got[0].ID != "buurtkamer-tigrisdreef" {
		t.Errorf("best coalition = %+v, want buurtkamer-tigrisdreef with welzijn-overvecht", got)
	}
}

func TestSuggestBadInput(t *testing.T) {
	tests := []struct {
		name  string
		args  []string
		usage bool     // exit status 2
		want  []string // in the error
	}{
		{"bad profile lines", []string{"suggest", "--tender", "testdata/tender.json", "--profiles", "testdata/bad-profiles.ndjson"}, false,
			[]string{"3 bad input line(s)", "testdata/bad-profiles.ndjson:2: kind: unknown kind \"wellfare\"", "testdata/bad-profiles.ndjson:3: instruments.meals", "testdata/bad-profiles.ndjson:4:"}},
		{"missing tender", []string{"suggest", "--profiles", "testdata/profiles.ndjson"}, true, []string{"--tender is required"}},
		{"missing profiles", []string{"suggest", "--tender", "testdata/tender.json"}, true, []string{"--profiles is required"}},
		{"top out of range", []string{"suggest", "--tender", "testdata/tender.json", "--profiles", "testdata/profiles.ndjson", "--top", "51"}, true, []string{"--top must be from 1 to 50"}},
		{"no such file", []string{"suggest", "--tender", "testdata/nope.json", "--profiles", "testdata/profiles.ndjson"}, false, []string{"nope.json"}},
		{"tender as profiles", []string{"suggest", "--tender", "testdata/tender.json", "--profiles", "testdata/tender.json"}, false, []string{"testdata/tender.json:1:"}},
		{"unknown command", []string{"frobnicate"}, true, []string{"unknown command"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out, _, err := runMatcher(t, tc.args...)
			if err == nil {
				t.Fatalf("matcher %v succeeded, want an error", tc.args)
			}
			if out != "" {
				t.Errorf("matcher %v printed %q on stdout, want nothing", tc.args, out)
			}
			if errors.Is(err, errUsage) != tc.usage {
				t.Errorf("matcher %v: usage error = %v, want %v (%v)", tc.args, errors.Is(err, errUsage), tc.usage, err)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("matcher %v: error %q does not contain %q", tc.args, err, w)
				}
			}
		})
	}
}

// TestSuggestExitStatus runs the built command: a bad line is a non-zero exit with
// file:line on stderr.
func TestSuggestExitStatus(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "matcher")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	cmd := exec.Command(bin, "suggest", "--tender", "testdata/tender.json", "--profiles", "testdata/bad-profiles.ndjson")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	err := cmd.Run()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 1 {
		t.Fatalf("matcher suggest on a bad file: %v, want exit status 1", err)
	}
	if !strings.Contains(stderr.String(), "testdata/bad-profiles.ndjson:2:") {
		t.Errorf("stderr = %q, want the bad line as file:line", stderr.String())
	}
	if err := exec.Command(bin, "suggest").Run(); !errors.As(err, &exit) || exit.ExitCode() != 2 {
		t.Errorf("matcher suggest without flags: %v, want exit status 2", err)
	}
}

// writeCrowded writes issue 11's finding 1 (synth.Crowded with the taxonomy's 30
// instruments and 32 partners) as a tender file and a profiles file in dir.
func writeCrowded(t *testing.T, dir string) (tenderFile, profileFile string) {
	t.Helper()
	tax, err := profiles.ParseTaxonomy(config.Taxonomy)
	if err != nil {
		t.Fatal(err)
	}
	var codes []string
	for _, in := range tax.Instruments {
		codes = append(codes, in.Code)
	}
	tn, ps := synth.Crowded(codes, 32)
	b, err := json.Marshal(tn)
	if err != nil {
		t.Fatal(err)
	}
	tenderFile, profileFile = filepath.Join(dir, "tender.json"), filepath.Join(dir, "profiles.ndjson")
	if err := os.WriteFile(tenderFile, b, 0o644); err != nil {
		t.Fatal(err)
	}
	var lines []byte
	for _, p := range ps {
		b, err := json.Marshal(p)
		if err != nil {
			t.Fatal(err)
		}
		lines = append(append(lines, b...), '\n')
	}
	if err := os.WriteFile(profileFile, lines, 0o644); err != nil {
		t.Fatal(err)
	}
	return tenderFile, profileFile
}

// TestSuggestTimeout: finding 1 of issue 11 offline. `matcher suggest` on the
// crowded pool took 36.8 s; with --timeout it prints the best coalitions found by
// then, with exact false and a bound at least the best score (SPEC §6).
func TestSuggestTimeout(t *testing.T) {
	tender, ps := writeCrowded(t, t.TempDir())
	out, _, err := runMatcher(t, "suggest", "--tender", tender, "--profiles", ps, "--top", "50", "--timeout", "200ms")
	if err != nil {
		t.Fatalf("matcher suggest --timeout 200ms: %v", err)
	}
	var res match.Result
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("output is not the result JSON: %v\n%s", err, out)
	}
	if res.Exact || res.Bound == nil || len(res.Coalitions) != 50 || *res.Bound < res.Coalitions[0].Score-1e-9 {
		t.Fatalf("exact %v, bound %v, %d coalitions: want exact false, 50 coalitions and a bound at least the best score", res.Exact, res.Bound, len(res.Coalitions))
	}
}

// TestSuggestTimeoutRefused: --timeout is a positive duration.
func TestSuggestTimeoutRefused(t *testing.T) {
	for _, v := range []string{"0s", "-1s", "soon"} {
		_, _, err := runMatcher(t, "suggest", "--tender", "testdata/tender.json", "--profiles", "testdata/profiles.ndjson", "--timeout", v)
		if exitCode(err) != 2 {
			t.Errorf("matcher suggest --timeout %s = %v, want a usage error (exit 2)", v, err)
		}
	}
}

// TestSuggestWhy: --why prints why (not) a profile instead of the suggestions, the
// same on every run, with public fields only; a profile outside the tender's
// area says so; an id that is no profile in the files is a usage error naming it.
func TestSuggestWhy(t *testing.T) {
	args := []string{"suggest", "--tender", "testdata/tender.json", "--profiles", "testdata/profiles.ndjson",
		"--collaborations", "testdata/collaborations.ndjson", "--why", "bewoners-zambesidreef"}
	out, _, err := runMatcher(t, args...)
	if err != nil {
		t.Fatalf("matcher %s: %v", strings.Join(args, " "), err)
	}
	golden := filepath.Join("testdata", "why.golden.json")
	if *update {
		if err := os.WriteFile(golden, []byte(out), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test ./cmd/matcher -update to create it)", err)
	}
	if out != string(want) {
		t.Errorf("matcher suggest --why output differs from %s; run with -update and review the diff:\n%s", golden, out)
	}
	if again, _, _ := runMatcher(t, args...); again != out {
		t.Errorf("two runs on the same input gave different output")
	}
	if strings.Contains(out, "CANARY") {
		t.Errorf("output carries a contact or private field:\n%s", out)
	}
	var res match.FitResult
	if err := json.Unmarshal([]byte(out), &res); err != nil || res.Profile.ID != "bewoners-zambesidreef" || !res.Candidate || !res.Exact {
		t.Fatalf("output = %+v, %v: want the exact fit of bewoners-zambesidreef, a candidate", res, err)
	}

	out, _, err = runMatcher(t, "suggest", "--tender", "testdata/tender.json", "--profiles", "testdata/profiles.ndjson", "--why", "sportclub-zuilen")
	if err != nil || json.Unmarshal([]byte(out), &res) != nil || res.Candidate || len(res.Reasons) != 1 || res.Reasons[0] != match.ReasonArea {
		t.Fatalf("--why sportclub-zuilen = %+v, %v: want no candidate for its area", res, err)
	}

	out, _, err = runMatcher(t, "suggest", "--tender", "testdata/tender.json", "--profiles", "testdata/profiles.ndjson", "--why", "nobody-here")
	if !errors.Is(err, errUsage) || !strings.Contains(err.Error(), `"nobody-here"`) || out != "" {
		t.Fatalf("--why nobody-here = %q, %v: want a usage error naming it and nothing printed", out, err)
	}
}
