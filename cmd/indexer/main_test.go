package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"samenspel/config"
	"samenspel/internal/profiles"
	"samenspel/internal/store"
	"samenspel/internal/synth"
)

// indexer runs a command line with only the variables of env set, and returns what
// it printed.
func indexer(t testing.TB, env map[string]string, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	var out, errOut bytes.Buffer
	lookup := func(k string) (string, bool) { v, ok := env[k]; return v, ok }
	err = run(context.Background(), args, lookup, &out, &errOut)
	return out.String(), errOut.String(), err
}

// stored returns the profiles of the store in dir.
func stored(t *testing.T, dir string) []profiles.Profile {
	t.Helper()
	tax, err := profiles.ParseTaxonomy(config.Taxonomy)
	if err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(context.Background(), dir, tax)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ps, err := st.Profiles(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return ps
}

func ids(ps []profiles.Profile) []string {
	out := []string{}
	for _, p := range ps {
		out = append(out, p.ID)
	}
	return out
}

// TestImportReportsBadLines: the good lines of a file are stored, every bad one is
// reported as file:line: field: reason, and the exit status is 1.
func TestImportReportsBadLines(t *testing.T) {
	dir := t.TempDir()
	stdout, stderr, err := indexer(t, nil, "import", "--data", dir, "testdata/mixed.ndjson")
	if !errors.Is(err, errRejected) || errors.Is(err, errUsage) {
		t.Errorf("import of a file with bad lines = %v, want the rejected-rows error (exit 1)", err)
	}
	for _, want := range []string{
		`testdata/mixed.ndjson:3: kind: unknown kind "wellfare"`,
		`testdata/mixed.ndjson:5: instruments.meals: level must be in (0, 1], got 1.5`,
		`testdata/mixed.ndjson:6: malformed JSON: `,
		`testdata/mixed.ndjson:7: id: "goed" already on line 2`,
	} {
		if !strings.Contains(stderr, "\n"+want) && !strings.HasPrefix(stderr, want) {
			t.Errorf("import stderr lacks a line starting %q:\n%s", want, stderr)
		}
	}
	if n := len(regexp.MustCompile(`(?m)^testdata/mixed\.ndjson:\d+: `).FindAllString(stderr, -1)); n != 4 {
		t.Errorf("import reported %d bad lines, want 4:\n%s", n, stderr)
	}
	if want := "imported 2 (created 2, updated 0), rejected 4\n"; stdout != want {
		t.Errorf("import summary = %q, want %q", stdout, want)
	}
	if !strings.Contains(stderr, "testdata/mixed.ndjson: imported 2 (created 2, updated 0), rejected 4\n") {
		t.Errorf("import stderr lacks the file's line:\n%s", stderr)
	}
	got := stored(t, dir)
	if diff := cmp.Diff([]string{"goed", "ook-goed"}, ids(got)); diff != "" {
		t.Errorf("stored after import (-want +got):\n%s", diff)
	}
	if len(got) > 0 && (got[0].Private["ideas"] != "alleen voor ons" || got[0].Contact == nil) {
		t.Errorf("stored %+v, want it whole with contact and private", got[0])
	}
}

func TestImportCSV(t *testing.T) {
	dir := t.TempDir()
	stdout, stderr, err := indexer(t, nil, "import", "--data", dir, "testdata/mixed.csv")
	if !errors.Is(err, errRejected) {
		t.Errorf("import of a CSV file with a bad row = %v, want the rejected-rows error", err)
	}
	if !strings.Contains(stderr, "testdata/mixed.csv:3: areas[0]: ") {
		t.Errorf("import stderr lacks the bad row as file:line: field: reason:\n%s", stderr)
	}
	if want := "imported 2 (created 2, updated 0), rejected 1\n"; stdout != want {
		t.Errorf("import summary = %q, want %q", stdout, want)
	}
	want := []profiles.Profile{
		{ID: "sportclub", Name: "Sportclub", Kind: "sports_culture", Size: "medium", CanLead: true,
			Areas: []string{"WK034409"}, Instruments: map[string]float64{"sports_activities": 1},
			Themes: []string{"youth", "health"}},
		{ID: "taalcafe", Name: "Taalcafé Zuid", Kind: "welfare", Size: "small", NewProvider: true,
			Areas: []string{"WK034407", "BU03440701"}, Instruments: map[string]float64{"language_classes": 1, "meeting_place": 0.5},
			Themes: []string{"integration"}, Description: "Elke woensdag, met koffie",
			Contact: &profiles.Contact{Email: "info@taalcafe.example.org"}},
	}
	if diff := cmp.Diff(want, stored(t, dir), cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("stored after CSV import (-want +got):\n%s", diff)
	}
}

// TestImportInBatches: profiles are upserted by id in batches; importing again
// updates, and a later file's profile replaces an earlier one's.
func TestImportInBatches(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(t.TempDir(), "p.ndjson")
	ps := synth.Profiles(7, 25)
	writeProfiles(t, file, ps)
	stdout, _, err := indexer(t, nil, "import", "--data", dir, "--batch", "4", file)
	if err != nil || stdout != "imported 25 (created 25, updated 0), rejected 0\n" {
		t.Errorf("first import = %q, %v; want 25 created", stdout, err)
	}
	changed := ps[3]
	changed.Name = "Changed"
	second := filepath.Join(t.TempDir(), "changed.jsonl")
	writeProfiles(t, second, []profiles.Profile{changed})
	stdout, _, err = indexer(t, nil, "import", "--data", dir, "--batch", "4", file, second)
	if err != nil || stdout != "imported 26 (created 0, updated 26), rejected 0\n" {
		t.Errorf("second import = %q, %v; want 26 updated", stdout, err)
	}
	got := stored(t, dir)
	if len(got) != len(ps) {
		t.Errorf("stored %d profiles, want %d", len(got), len(ps))
	}
	for _, p := range got {
		if p.ID == changed.ID && p.Name != "Changed" {
			t.Errorf("profile %s = %q, want the later file's version", p.ID, p.Name)
		}
	}
}

// TestImportBadFile: a file that cannot be read is named, and nothing of any file
// is imported.
func TestImportBadFile(t *testing.T) {
	dir := t.TempDir()
	missing := filepath.Join(t.TempDir(), "missing.ndjson")
	_, _, err := indexer(t, nil, "import", "--data", dir, "testdata/mixed.csv", missing)
	if err == nil || errors.Is(err, errUsage) || !strings.Contains(err.Error(), missing) {
		t.Errorf("import of a missing file = %v, want an error naming %s", err, missing)
	}
	_, _, err = indexer(t, nil, "import", "--data", dir, "testdata")
	if err == nil || !strings.Contains(err.Error(), "testdata") {
		t.Errorf("import of a directory = %v, want an error naming it", err)
	}
	if got := stored(t, dir); len(got) != 0 {
		t.Errorf("stored %v after a failed import, want nothing", ids(got))
	}
}

// TestExportRoundTrip: what export writes, import reads back into the same
// profiles: whole in NDJSON, the CSV columns in CSV.
func TestExportRoundTrip(t *testing.T) {
	src := t.TempDir()
	examples := filepath.Join(t.TempDir(), "examples.ndjson")
	data, err := config.Examples.ReadFile("examples/profiles.ndjson")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(examples, data, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, stderr, err := indexer(t, nil, "import", "--data", src, examples, "testdata/mixed.ndjson"); !errors.Is(err, errRejected) {
		t.Fatalf("import = %v\n%s", err, stderr)
	}
	want := stored(t, src)
	if len(want) < 300 || !slices.ContainsFunc(want, func(p profiles.Profile) bool { return len(p.Private) > 0 }) {
		t.Fatalf("test data: %d profiles; want the examples and one with private fields", len(want))
	}

	t.Run("ndjson to a file", func(t *testing.T) {
		out := filepath.Join(t.TempDir(), "export.ndjson")
		if stdout, _, err := indexer(t, nil, "export", "--data", src, "--out", out); err != nil || stdout != "" {
			t.Fatalf("export --out = %q, %v", stdout, err)
		}
		if info, err := os.Stat(out); err != nil || info.Mode().Perm() != 0o600 {
			t.Errorf("exported file: %v, %v; want mode 0600 (it holds contact and private fields)", info.Mode(), err)
		}
		dst := t.TempDir()
		if _, stderr, err := indexer(t, nil, "import", "--data", dst, out); err != nil {
			t.Fatalf("import of the export = %v\n%s", err, stderr)
		}
		if diff := cmp.Diff(want, stored(t, dst), cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("profiles after export and import (-want +got):\n%s", diff)
		}
	})
	t.Run("ndjson to stdout", func(t *testing.T) {
		stdout, _, err := indexer(t, nil, "export", "--data", src)
		if err != nil {
			t.Fatal(err)
		}
		if n := strings.Count(stdout, "\n"); n != len(want) {
			t.Errorf("export wrote %d lines, want one per profile (%d)", n, len(want))
		}
		tax, _ := profiles.ParseTaxonomy(config.Taxonomy)
		got, bad, err := tax.ReadProfiles(strings.NewReader(stdout), "stdout")
		if err != nil || len(bad) > 0 {
			t.Fatalf("ReadProfiles(export) = %v, %v", bad, err)
		}
		if diff := cmp.Diff(want, got, cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("exported profiles (-want +got):\n%s", diff)
		}
	})
	t.Run("csv", func(t *testing.T) {
		out := filepath.Join(t.TempDir(), "export.csv")
		if _, _, err := indexer(t, nil, "export", "--data", src, "--format", "csv", "--out", out); err != nil {
			t.Fatal(err)
		}
		dst := t.TempDir()
		if _, stderr, err := indexer(t, nil, "import", "--data", dst, out); err != nil {
			t.Fatalf("import of the CSV export = %v\n%s", err, stderr)
		}
		csvWant := make([]profiles.Profile, len(want))
		for i, p := range want {
			p.Private = nil
			if p.Contact != nil {
				p.Contact = &profiles.Contact{Email: p.Contact.Email}
			}
			csvWant[i] = p
		}
		if diff := cmp.Diff(csvWant, stored(t, dst), cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("profiles after CSV export and import (-want +got):\n%s", diff)
		}
	})
}

// TestSettings: the data directory comes from the flag, else SAMENSPEL_DATA, else the
// --config file.
func TestSettings(t *testing.T) {
	fromEnv, fromFlag, fromFile := t.TempDir(), t.TempDir(), t.TempDir()
	cfgFile := filepath.Join(t.TempDir(), "matcher.yaml")
	if err := os.WriteFile(cfgFile, []byte("data: "+fromFile+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"SAMENSPEL_DATA": fromEnv}
	if _, _, err := indexer(t, env, "import", "testdata/mixed.csv"); !errors.Is(err, errRejected) {
		t.Fatal(err)
	}
	if _, _, err := indexer(t, env, "import", "--data", fromFlag, "testdata/mixed.csv"); !errors.Is(err, errRejected) {
		t.Fatal(err)
	}
	if _, _, err := indexer(t, nil, "import", "--config", cfgFile, "testdata/mixed.csv"); !errors.Is(err, errRejected) {
		t.Fatal(err)
	}
	for name, dir := range map[string]string{"SAMENSPEL_DATA": fromEnv, "--data": fromFlag, "--config": fromFile} {
		if got := stored(t, dir); len(got) != 2 {
			t.Errorf("store from %s holds %d profiles, want 2", name, len(got))
		}
	}
}

func TestUsageErrors(t *testing.T) {
	data := t.TempDir()
	tests := []struct {
		name string
		env  map[string]string
		args []string
	}{
		{"no command", nil, nil},
		{"unknown command", nil, []string{"load"}},
		{"import without files", nil, []string{"import", "--data", data}},
		{"import of an unknown format", nil, []string{"import", "--data", data, "../../README.md"}},
		{"import with batch 0", nil, []string{"import", "--data", data, "--batch", "0", "testdata/mixed.csv"}},
		{"unknown flag", nil, []string{"import", "--force", "testdata/mixed.csv"}},
		{"missing --config file", nil, []string{"import", "--config", filepath.Join(data, "none.yaml"), "testdata/mixed.csv"}},
		{"bad setting in the environment", map[string]string{"SAMENSPEL_MEILI_URL": "ftp://x"}, []string{"import", "testdata/mixed.csv"}},
		{"export format", nil, []string{"export", "--data", data, "--format", "xml"}},
		{"export argument", nil, []string{"export", "--data", data, "profiles.ndjson"}},
		{"sync without Meilisearch", nil, []string{"sync", "--data", data}},
		{"reindex without Meilisearch", nil, []string{"reindex", "--data", data}},
		{"status without Meilisearch", nil, []string{"status", "--data", data}},
		{"sync with a bad interval", map[string]string{"SAMENSPEL_MEILI_URL": "http://127.0.0.1:7700"}, []string{"sync", "--data", data, "--watch", "--interval", "0s"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := indexer(t, tc.env, tc.args...)
			if !errors.Is(err, errUsage) {
				t.Errorf("indexer %v = %v, want a usage error (exit 2)", tc.args, err)
			}
		})
	}
	if got := stored(t, data); len(got) != 0 {
		t.Errorf("usage errors stored %v, want nothing", ids(got))
	}
}

// writeProfiles writes ps to file as NDJSON.
func writeProfiles(t testing.TB, file string, ps []profiles.Profile) {
	t.Helper()
	var b bytes.Buffer
	if err := writeNDJSON(&b, ps); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(file, b.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
}

// BenchmarkImport50k is `indexer import` of an NDJSON file of 50,000 synthetic
// Utrecht profiles into an empty store, in batches of 1000: the first load of a
// large municipality. The target is well under 10 s.
func BenchmarkImport50k(b *testing.B) {
	file := filepath.Join(b.TempDir(), "profiles.ndjson")
	ps := synth.Profiles(1, 50_000)
	writeProfiles(b, file, ps)
	for b.Loop() {
		b.StopTimer()
		dir := b.TempDir()
		b.StartTimer()
		stdout, stderr, err := indexer(b, nil, "import", "--data", dir, file)
		if err != nil || stdout != "imported 50000 (created 50000, updated 0), rejected 0\n" {
			b.Fatalf("import = %q, %v\n%s", stdout, err, stderr)
		}
	}
	b.ReportMetric(float64(len(ps))*float64(b.N)/b.Elapsed().Seconds(), "profiles/s")
}

// TestCSVImportKeepsWhatCSVCannotCarry: a CSV export imported back into the same
// store changes nothing: the private fields and the contact details other than
// the email, which a CSV file cannot carry, are kept from the store, and the
// report says so (issue 11: the round trip erased private from all 108 example
// profiles that had it, reporting "updated 320, rejected 0").
func TestCSVImportKeepsWhatCSVCannotCarry(t *testing.T) {
	dir := t.TempDir()
	examples := filepath.Join(t.TempDir(), "examples.ndjson")
	data, err := config.Examples.ReadFile("examples/profiles.ndjson")
	if err != nil {
		t.Fatal(err)
	}
	// One profile with contact details beyond the email.
	extra := `{"id":"met-telefoon","name":"Met Telefoon","kind":"welfare","size":"small","new_provider":false,"can_lead":false,"areas":["WK034403"],"instruments":{"home_visits":1},"themes":[],"contact":{"email":"tel@example.org","phone":"030-1234567","person":"Anna"}}` + "\n"
	if err := os.WriteFile(examples, append(data, extra...), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, stderr, err := indexer(t, nil, "import", "--data", dir, examples); err != nil {
		t.Fatalf("import = %v\n%s", err, stderr)
	}
	want := stored(t, dir)
	private := 0
	for _, p := range want {
		if len(p.Private) > 0 {
			private++
		}
	}
	out := filepath.Join(t.TempDir(), "export.csv")
	if _, _, err := indexer(t, nil, "export", "--data", dir, "--format", "csv", "--out", out); err != nil {
		t.Fatal(err)
	}
	stdout, stderr, err := indexer(t, nil, "import", "--data", dir, out)
	if err != nil {
		t.Fatalf("import of the CSV export = %v\n%s", err, stderr)
	}
	kept := private + 1 // and the one with a phone
	wantReport := fmt.Sprintf("imported %d (created 0, updated %d, of which %d kept their private fields and contact details other than the email from the store: CSV does not carry them), rejected 0\n", len(want), len(want), kept)
	if stdout != wantReport {
		t.Errorf("report = %q, want %q", stdout, wantReport)
	}
	if diff := cmp.Diff(want, stored(t, dir), cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("profiles after a CSV export imported back (-before +after):\n%s", diff)
	}
	// What the CSV does carry, it sets: a new name, and an email taken away.
	b, _ := os.ReadFile(out)
	edited := strings.Replace(string(b), "Met Telefoon", "Met Nieuwe Naam", 1)
	edited = strings.Replace(edited, "tel@example.org", "", 1)
	if err := os.WriteFile(out, []byte(edited), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, stderr, err := indexer(t, nil, "import", "--data", dir, out); err != nil {
		t.Fatalf("import of the edited CSV = %v\n%s", err, stderr)
	}
	for _, p := range stored(t, dir) {
		if p.ID == "met-telefoon" && (p.Name != "Met Nieuwe Naam" || p.Contact == nil || p.Contact.Email != "" || p.Contact.Phone != "030-1234567" || p.Contact.Person != "Anna") {
			t.Errorf("after the edited CSV: %+v contact %+v; want the new name, no email, the phone and person kept", p, p.Contact)
		}
	}
}

// TestImportDropsRepeats: a profile that lists an area or theme twice is imported
// with the first of each (SPEC §2), in NDJSON and CSV, and the report counts the
// repeats it dropped.
func TestImportDropsRepeats(t *testing.T) {
	dir := t.TempDir()
	ndjson := filepath.Join(t.TempDir(), "repeats.ndjson")
	os.WriteFile(ndjson, []byte(`{"id":"twee-keer","name":"Twee Keer","kind":"care","size":"small","areas":["BU03440501","BU03440501","WK034403"],"instruments":{"meals":1},"themes":["health","health"]}`+"\n"), 0o644)
	csvFile := filepath.Join(t.TempDir(), "repeats.csv")
	os.WriteFile(csvFile, []byte("id,name,kind,size,new_provider,can_lead,areas,instruments,themes,description,contact_email\n"+
		"ook-twee-keer,Ook Twee Keer,care,small,false,false,WK034403;WK034403,meals:1,health,,\n"), 0o644)
	stdout, stderr, err := indexer(t, nil, "import", "--data", dir, ndjson, csvFile)
	if err != nil {
		t.Fatalf("import of files with repeats: %v\n%s", err, stderr)
	}
	if !strings.Contains(stdout, "dropped 3 repeated entries of areas or themes") {
		t.Errorf("the report does not count the 3 repeats:\n%s", stdout)
	}
	for _, p := range stored(t, dir) {
		want := map[string][]string{"twee-keer": {"BU03440501", "WK034403"}, "ook-twee-keer": {"WK034403"}}[p.ID]
		if !slices.Equal(p.Areas, want) || (p.ID == "twee-keer" && !slices.Equal(p.Themes, []string{"health"})) {
			t.Errorf("%s stored with areas %v themes %v", p.ID, p.Areas, p.Themes)
		}
	}
}
