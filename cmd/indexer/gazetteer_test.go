package main

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestImportGazetteer: a profile naming an area of Utrecht that the gazetteer does
// not hold is rejected at its file:line and field, in NDJSON and CSV alike, as the
// API refuses it; --gazetteer (or SAMENSPEL_GAZETTEER) names the operator's file,
// and one that does not load stops the import before anything is stored.
func TestImportGazetteer(t *testing.T) {
	files := t.TempDir()
	write := func(name, text string) string {
		path := filepath.Join(files, name)
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return path
	}
	line := func(id, area string) string {
		return `{"id":"` + id + `","name":"X","kind":"welfare","size":"small","areas":["` + area + `"],"instruments":{"meals":1}}` + "\n"
	}
	ndjson := write("p.ndjson", line("in-zuilen", "BU03440201")+line("nergens", "BU03440299")+line("amsterdam", "BU03630101"))
	csv := write("p.csv", "id,name,kind,size,new_provider,can_lead,areas,instruments,themes,description,contact_email\n"+
		"csv-zuilen,X,welfare,small,,,BU03440201,meals:1,,,\ncsv-nergens,X,welfare,small,,,WK034402;WK034411,meals:1,,,\n")

	dir := t.TempDir()
	_, stderr, err := indexer(t, nil, "import", "--data", dir, ndjson, csv)
	if !errors.Is(err, errRejected) {
		t.Errorf("import with unknown areas of Utrecht = %v, want the rejected-rows error", err)
	}
	for _, want := range []string{
		ndjson + `:2: areas[0]: "BU03440299": unknown area in Utrecht (GM0344)`,
		csv + `:3: areas[1]: "WK034411": unknown area in Utrecht (GM0344)`,
	} {
		if !strings.Contains(stderr, want+"\n") {
			t.Errorf("import stderr lacks %q:\n%s", want, stderr)
		}
	}
	if diff := cmp.Diff([]string{"amsterdam", "csv-zuilen", "in-zuilen"}, ids(stored(t, dir))); diff != "" {
		t.Errorf("stored (-want +got):\n%s", diff)
	}

	// The operator's gazetteer knows BU03440299; from the flag and from the
	// environment.
	own := write("areas.csv", "code,name,parent\nGM0344,Utrecht,\nWK034402,Noordwest,GM0344\nBU03440201,Zuilen,WK034402\nBU03440299,Nieuwbouw,WK034402\n")
	for name, env := range map[string]map[string]string{"flag": nil, "env": {"SAMENSPEL_GAZETTEER": own}} {
		dir := t.TempDir()
		args := []string{"import", "--data", dir, ndjson}
		if env == nil {
			args = []string{"import", "--data", dir, "--gazetteer", own, ndjson}
		}
		if _, stderr, err := indexer(t, env, args...); err != nil {
			t.Errorf("import with the gazetteer from the %s = %v\n%s", name, err, stderr)
		}
	}

	dir = t.TempDir()
	bad := write("bad.csv", "code,name,parent\nWK034402,Noordwest,GM0344\n")
	_, _, err = indexer(t, nil, "import", "--data", dir, "--gazetteer", bad, ndjson)
	if err == nil || !strings.Contains(err.Error(), bad+`:2: column parent: unknown parent "GM0344"`) {
		t.Errorf("import --gazetteer bad.csv = %v, want its line 2 and column parent", err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) > 0 {
		t.Errorf("an import whose gazetteer did not load left %v in the data directory", entries)
	}
}
