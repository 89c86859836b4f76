package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"samenspel/config"
	"samenspel/internal/match"
	"samenspel/internal/profiles"
)

// TestSuggestExamplesGolden: the answers to the shipped example tenders over the
// shipped profiles and events, byte for byte as `matcher suggest` printed them
// before the files were read on every core and trust worked out among the
// candidates alone (testdata/examples; -update rewrites them).
func TestSuggestExamplesGolden(t *testing.T) {
	tenders, err := filepath.Glob("../../config/examples/tender-*.json")
	if err != nil || len(tenders) == 0 {
		t.Fatalf("no example tenders: %v", err)
	}
	for _, tender := range tenders {
		name := strings.TrimSuffix(filepath.Base(tender), ".json")
		t.Run(name, func(t *testing.T) {
			out, _, err := runMatcher(t, "suggest", "--tender", tender,
				"--profiles", "../../config/examples/profiles.ndjson", "--collaborations", "../../config/examples/collaborations.ndjson")
			if err != nil {
				t.Fatal(err)
			}
			golden := filepath.Join("testdata", "examples", name+".golden.json")
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
				t.Errorf("matcher suggest --tender %s differs from %s; run with -update and review the diff", tender, golden)
			}
		})
	}
}

// TestSuggestWideAsWithEveryPair: on a city's export (3,000 profiles, 12,000
// events, some 600 candidates), the answer, from trust worked out among the
// candidates alone, is byte for byte the answer from the trust of every pair.
func TestSuggestWideAsWithEveryPair(t *testing.T) {
	if testing.Short() {
		t.Skip("generates a city's export")
	}
	tender, ps, events := wideFiles(t, t.TempDir())
	out, _, err := runMatcher(t, "suggest", "--tender", tender, "--profiles", ps, "--collaborations", events)
	if err != nil {
		t.Fatal(err)
	}
	tax, err := profiles.ParseTaxonomy(config.Taxonomy)
	if err != nil {
		t.Fatal(err)
	}
	in, err := readInput(taxonomyOf(tax), tender, []string{ps}, []string{events})
	if err != nil {
		t.Fatal(err)
	}
	if in.Trust.Pairs() == 0 { // works out every pair's trust
		t.Fatal("no pair has any trust")
	}
	want, err := json.MarshalIndent(match.Suggest(in, match.Options{Top: match.DefaultTop}), "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	if out != string(want)+"\n" {
		t.Errorf("matcher suggest on the wide instance differs from the answer with every pair's trust")
	}
	var res match.Result
	if err := json.Unmarshal([]byte(out), &res); err != nil || res.Candidates < 500 || res.Candidates > 700 {
		t.Errorf("wide instance: %d candidates (%v), want about 600", res.Candidates, err)
	}
}

// TestSuggestBadLinesInOrder: the bad lines of several files, some of them in
// every chunk a file is decoded in, come in the order of the command line and of
// the lines, the tender's first, a profile id repeated from an earlier file after
// that file's own bad lines; 20 are listed, then how many more; nothing is printed.
func TestSuggestBadLinesInOrder(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, lines []string) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		return path
	}
	profile := func(id string) string {
		return fmt.Sprintf(`{"id":%q,"name":"P","kind":"welfare","size":"small","areas":["WK034403"],"instruments":{"home_visits":1}}`, id)
	}
	// Long enough to be read in several chunks, with bad lines throughout.
	var p1, p2, ev []string
	for i := range 3000 {
		switch {
		case i%500 == 7:
			p1 = append(p1, `{"id":"x"`)
		default:
			p1 = append(p1, profile(fmt.Sprintf("p1-%d", i)))
		}
	}
	p2 = append(p2, profile("p2-0"), profile("p1-5"), `{"id":"bad id","name":"P","kind":"welfare","size":"small","areas":["WK034403"],"instruments":{"home_visits":1}}`, profile("p2-0"))
	for i := range 12000 {
		if i%1000 == 999 {
			ev = append(ev, `{"a":"p1-1","b":"p1-1","outcome":"positive","at":"2026-01-01"}`)
			continue
		}
		ev = append(ev, fmt.Sprintf(`{"a":"p1-%d","b":"p1-%d","outcome":"positive","at":"2026-01-%02d"}`, i%3000, (i+1)%3000, 1+i%28))
	}
	tender := write("tender.json", []string{`{"id":"t","title":"T","area":["WK034403"],"needs":[{"instrument":"home_visits","weight":0}]}`})
	f1, f2, fe := write("p1.ndjson", p1), write("p2.ndjson", p2), write("e.ndjson", ev)
	out, _, err := runMatcher(t, "suggest", "--tender", tender, "--profiles", f1, "--profiles", f2, "--collaborations", fe)
	if err == nil || out != "" {
		t.Fatalf("matcher suggest = %q, %v; want an error and no output", out, err)
	}
	want := []string{"22 bad input line(s), nothing computed:",
		"  " + tender + ": needs[0].weight: must be in (0, 10], got 0"}
	for i := 7; i < 3000; i += 500 {
		want = append(want, fmt.Sprintf("  %s:%d: malformed JSON: the profile ends before it is complete", f1, i+1))
	}
	want = append(want,
		"  "+f2+`:3: id: "bad id" is not a valid id: use 1-64 characters a-z, 0-9 and -`,
		"  "+f2+`:4: id: "p2-0" already on line 1`,
		"  "+f2+`: profile id "p1-5" is also in `+f1)
	for i := 999; len(want) < 21; i += 1000 {
		want = append(want, fmt.Sprintf("  %s:%d: b: must differ from a: a partner does not collaborate with itself", fe, i+1))
	}
	want = append(want, "  ... and 2 more")
	if got := err.Error(); got != strings.Join(want, "\n") {
		t.Errorf("matcher suggest error:\n%s\nwant:\n%s", got, strings.Join(want, "\n"))
	}
}

// TestReadInputFirstUnreadable: a file that cannot be read stops the reading, and
// it is the first such file of the command line that is reported.
func TestReadInputFirstUnreadable(t *testing.T) {
	tax, err := profiles.ParseTaxonomy(config.Taxonomy)
	if err != nil {
		t.Fatal(err)
	}
	missing := func(name string) string { return filepath.Join(t.TempDir(), name) }
	tests := []struct {
		tender   string
		ps, es   []string
		wantName string
	}{
		{missing("t.json"), []string{missing("p.ndjson")}, nil, "t.json"},
		{"testdata/tender.json", []string{"testdata/profiles.ndjson", missing("p2.ndjson"), missing("p3.ndjson")}, []string{missing("e.ndjson")}, "p2.ndjson"},
		{"testdata/tender.json", []string{"testdata/bad-profiles.ndjson"}, []string{missing("e1.ndjson"), missing("e2.ndjson")}, "e1.ndjson"},
	}
	for _, tc := range tests {
		_, err := readInput(taxonomyOf(tax), tc.tender, tc.ps, tc.es)
		if !os.IsNotExist(err) || !strings.Contains(err.Error(), tc.wantName) {
			t.Errorf("readInput(%s, %v, %v) = %v, want %s not found", tc.tender, tc.ps, tc.es, err, tc.wantName)
		}
	}
}

// taxonomyOf is a taxonomy parsed already, as readInput asks for one.
func taxonomyOf(tax *profiles.Taxonomy) func() (*profiles.Taxonomy, error) {
	return func() (*profiles.Taxonomy, error) { return tax, nil }
}
