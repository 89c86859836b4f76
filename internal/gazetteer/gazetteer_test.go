package gazetteer_test

import (
	"errors"
	"io/fs"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"samenspel/config"
	"samenspel/internal/gazetteer"
	"samenspel/internal/profiles"
	"samenspel/internal/synth"
)

// load loads a gazetteer from text, or fails.
func load(t *testing.T, text string) *gazetteer.Gazetteer {
	t.Helper()
	g, err := gazetteer.Load(strings.NewReader(text), "test.csv")
	if err != nil {
		t.Fatalf("Load(test.csv) = %v", err)
	}
	return g
}

// small is a gazetteer of two districts of Utrecht and a few neighbourhoods, with
// the accents, hyphens and spaces that search must see through.
const small = `code,name,parent
GM0344,Utrecht,NL
WK034402,Noordwest,GM0344
BU03440201,Zuilen,WK034402
BU03440202,Ondiep,WK034402
WK034407,Zuid,GM0344
BU03440701,Oud-Hoograven,WK034407
BU03440702,Café Rotsoord,WK034407
BU03440703,Ĳsselbuurt,WK034407
`

func TestLoadErrors(t *testing.T) {
	const head = "code,name,parent\nGM0344,Utrecht,NL\nWK034401,West,GM0344\n"
	tests := []struct {
		name, csv string
		want      []string // each a line of the error
	}{
		{"no header", "", []string{"test.csv:1: no header row; want code,name,parent"}},
		{"wrong header", "code,naam,parent\n", []string{`test.csv:1: header: unknown column "naam"; missing column "name"; want code,name,parent`}},
		{"repeated column", "code,name,parent,code\n", []string{`test.csv:1: header: repeated column "code"; want code,name,parent`}},
		{"bad code", head + "WK03441,Zuid,GM0344\n", []string{`test.csv:4: column code: "WK03441" is not the code of a municipality, district or neighbourhood (GMdddd, WKdddddd or BUdddddddd)`}},
		{"lower case", head + "wk034407,Zuid,GM0344\n", []string{`test.csv:4: column code: "wk034407" is not the code of`}},
		{"the country", head + "NL,Nederland,\n", []string{`test.csv:4: column code: NL, the whole country, is built in and has no row`}},
		{"duplicate code", head + "WK034401,Oost,GM0344\n", []string{`test.csv:4: column code: "WK034401" already on line 3`}},
		{"no name", head + "WK034407, ,GM0344\n", []string{`test.csv:4: column name: required`}},
		{"untrimmed name", head + "WK034407,Zuid ,GM0344\n", []string{`test.csv:4: column name: must not start or end with a space`}},
		{"control in name", head + "WK034407,\"Zu\tid\",GM0344\n", []string{`test.csv:4: column name: `}},
		{"long name", head + "WK034407," + strings.Repeat("a", 101) + ",GM0344\n", []string{`test.csv:4: column name: at most 100 characters`}},
		{"not utf-8", head + "WK034407,Zu\xffid,GM0344\n", []string{`test.csv:4: column name: not valid UTF-8`}},
		{"unknown parent", head + "BU03440701,Lunetten,WK034407\n", []string{`test.csv:4: column parent: unknown parent "WK034407": no row has that code`}},
		{"parent of the wrong level", head + "BU03440101,Lombok,GM0344\n", []string{`test.csv:4: column parent: a neighbourhood lies in a district (WKdddddd), WK034401 by its digits, not in "GM0344"`}},
		{"district in a neighbourhood", head + "BU03440101,Lombok,WK034401\nWK034402,Noordwest,BU03440101\n",
			[]string{`test.csv:5: column parent: a district lies in a municipality (GMdddd), GM0344 by its digits, not in "BU03440101"`}},
		{"parent not containing", head + "GM0345,Elders,NL\nWK034501,Noord,GM0344\n", []string{`test.csv:5: column parent: a district lies in a municipality (GMdddd), GM0345 by its digits, not in "GM0344"`}},
		{"no parent", head + "WK034402,Noordwest,\n", []string{`test.csv:4: column parent: required: the municipality the district lies in, GM0344`}},
		{"municipality's parent", "code,name,parent\nGM0344,Utrecht,GM0345\n", []string{`test.csv:2: column parent: a municipality lies in NL (or leave parent empty), not "GM0345"`}},
		{"bad parent code", head + "WK034402,Noordwest,utrecht\n", []string{`test.csv:4: column parent: "utrecht" is not a CBS area code`}},
		{"short row", head + "WK034402,Noordwest\n", []string{`test.csv:4: 2 fields, want 3 (one for each header column)`}},
		{"every bad line", head + "WK034402,,GM0344\nBU03440801,Transwijk,WK034408\n",
			[]string{`test.csv:4: column name: required`, `test.csv:5: column parent: unknown parent "WK034408"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g, err := gazetteer.Load(strings.NewReader(tt.csv), "test.csv")
			if err == nil {
				t.Fatalf("Load(%q) = %v, nil; want an error", tt.csv, g)
			}
			lines := strings.Split(err.Error(), "\n")
			if len(lines) != len(tt.want) {
				t.Fatalf("Load(%q) = error %q; want %d lines", tt.csv, err, len(tt.want))
			}
			for i, want := range tt.want {
				if !strings.HasPrefix(lines[i], want) {
					t.Errorf("Load(%q) error line %d = %q, want it to start with %q", tt.csv, i+1, lines[i], want)
				}
			}
			var le profiles.LineError
			if !errors.As(err, &le) || le.File != "test.csv" {
				t.Errorf("Load error %v: want profiles.LineErrors naming the file", err)
			}
		})
	}
}

func TestLoadAccepts(t *testing.T) {
	// A byte order mark, a comment, a blank line, columns in another order, an empty
	// parent for a municipality, quoted names with a comma, children before their
	// parents, CRLF line ends.
	text := "\ufeff# Utrecht, for a test\r\nname,parent,code\r\n\r\nZuilen,WK034402,BU03440201\r\n" +
		"\"Noordwest, het\",GM0344,WK034402\r\nUtrecht,,GM0344\r\n"
	g := load(t, text)
	for code, want := range map[string]string{"GM0344": "Utrecht", "WK034402": "Noordwest, het", "BU03440201": "Zuilen"} {
		if got, ok := g.Name(code); !ok || got != want {
			t.Errorf("Name(%s) = %q, %v; want %q, true", code, got, ok, want)
		}
	}
	empty := load(t, "code,name,parent\n")
	if got := empty.Municipalities(); len(got) != 0 {
		t.Errorf("Municipalities() of a gazetteer of no rows = %v, want none", got)
	}
	if errs := empty.CheckAreas([]string{"BU03449999"}, "areas"); len(errs) != 0 {
		t.Errorf("CheckAreas of a gazetteer of no rows = %v, want no refusal", errs)
	}
}

// TestDefault pins the shipped gazetteer to the example municipality of
// config/examples/README.md, as internal/synth generates its data.
func TestDefault(t *testing.T) {
	g := gazetteer.Default()
	want := []gazetteer.Area{{Code: "GM0344", Name: "Utrecht", Parent: "NL"}}
	var districts []gazetteer.Area
	for _, d := range synth.Utrecht() {
		want = append(want, gazetteer.Area{Code: d.Code, Name: d.Name, Parent: "GM0344"})
		districts = append(districts, gazetteer.Area{Code: d.Code, Name: d.Name, Parent: "GM0344"})
		var buurten []gazetteer.Area
		for _, n := range d.Neighbourhoods {
			want = append(want, gazetteer.Area{Code: n.Code, Name: n.Name, Parent: d.Code})
			buurten = append(buurten, gazetteer.Area{Code: n.Code, Name: n.Name, Parent: d.Code})
		}
		if diff := cmp.Diff(buurten, g.Children(d.Code)); diff != "" {
			t.Errorf("Children(%s) differs from synth.Utrecht() (-want +got):\n%s", d.Code, diff)
		}
	}
	if diff := cmp.Diff(districts, g.Children("GM0344")); diff != "" {
		t.Errorf("Children(GM0344) differs from synth.Utrecht() (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(want[:1], g.Municipalities()); diff != "" {
		t.Errorf("Municipalities() (-want +got):\n%s", diff)
	}
	if n := len(g.Areas()); n != len(want) || n != 76 {
		t.Errorf("len(Areas()) = %d, want %d: Utrecht, 10 districts, 65 neighbourhoods", n, len(want))
	}
	if diff := cmp.Diff(want, g.Areas()); diff != "" {
		t.Errorf("Areas() (-want +got):\n%s", diff)
	}
}

// TestExamplesKnown: every area code of the shipped example data is in the shipped
// gazetteer, so that the examples load under SPEC §2's rule.
func TestExamplesKnown(t *testing.T) {
	g := gazetteer.Default()
	code := regexp.MustCompile(`"(NL|GM[0-9]{4}|WK[0-9]{6}|BU[0-9]{8})"`)
	seen := 0
	err := fs.WalkDir(config.Examples, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !(strings.HasSuffix(path, ".ndjson") || strings.HasSuffix(path, ".json")) {
			return err
		}
		data, err := fs.ReadFile(config.Examples, path)
		if err != nil {
			return err
		}
		for i, line := range strings.Split(string(data), "\n") {
			for _, m := range code.FindAllStringSubmatch(line, -1) {
				seen++
				if _, ok := g.Name(m[1]); !ok && m[1] != profiles.CountryArea {
					t.Errorf("%s:%d: area %s is not in config/areas.csv", path, i+1, m[1])
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if seen < 100 {
		t.Fatalf("found %d area codes in config/examples; want the examples' hundreds", seen)
	}
}

func TestLabel(t *testing.T) {
	g := gazetteer.Default()
	tests := []struct{ code, lang, want string }{
		{"BU03440201", "nl", "Zuilen, Noordwest"},
		{"BU03440201", "en", "Zuilen, Noordwest"},
		{"WK034402", "nl", "Noordwest"},
		{"GM0344", "en", "Utrecht"},
		{"NL", "nl", "Nederland"},
		{"NL", "en", "the Netherlands"},
		{"NL", "", "Nederland"},
		{"BU03440299", "nl", "BU03440299"},
		{"GM0363", "nl", "GM0363"},
		{"nonsense", "nl", "nonsense"},
	}
	for _, tt := range tests {
		if got := g.Label(tt.code, tt.lang); got != tt.want {
			t.Errorf("Label(%q, %q) = %q, want %q", tt.code, tt.lang, got, tt.want)
		}
	}
	if name, ok := g.Name("BU03440201"); !ok || name != "Zuilen" {
		t.Errorf("Name(BU03440201) = %q, %v; want Zuilen, true", name, ok)
	}
	if name, ok := g.Name("BU03440299"); ok {
		t.Errorf("Name(BU03440299) = %q, true; want false (unknown)", name)
	}
	if name, ok := g.Name("NL"); !ok || name != "Nederland" {
		t.Errorf("Name(NL) = %q, %v; want Nederland, true", name, ok)
	}

	// With two municipalities, a district or neighbourhood says which one it is in.
	two := load(t, small+"GM0307,Amersfoort,NL\nWK030701,Centrum,GM0307\nBU03070101,Binnenstad,WK030701\n")
	for code, want := range map[string]string{"BU03440201": "Zuilen, Noordwest, Utrecht", "WK030701": "Centrum, Amersfoort", "GM0307": "Amersfoort"} {
		if got := two.Label(code, "nl"); got != want {
			t.Errorf("with two municipalities, Label(%s) = %q, want %q", code, got, want)
		}
	}
}

func TestSearch(t *testing.T) {
	g := load(t, small)
	codes := func(as []gazetteer.Area) []string {
		out := []string{}
		for _, a := range as {
			out = append(out, a.Code)
		}
		return out
	}
	tests := []struct {
		query string
		limit int
		want  []string
	}{
		{"zui", 10, []string{"WK034407", "BU03440201"}}, // Zuid, then Zuilen: the district first
		{"Zuilen", 10, []string{"BU03440201"}},          // the whole name
		{"ZUILEN ", 10, []string{"BU03440201"}},         // case and spaces
		{"hoog", 10, []string{"BU03440701"}},            // a later word: Oud-Hoograven
		{"oud hoog", 10, []string{"BU03440701"}},        // a hyphen is a space
		{"cafe", 10, []string{"BU03440702"}},            // no accent
		{"CAFÉ ROTS", 10, []string{"BU03440702"}},       // an accent, upper case
		{"ijssel", 10, []string{"BU03440703"}},          // the ligature ĳ is ij
		{"rotsoord zuid", 10, []string{"BU03440702"}},   // words of the label, in any order
		{"zuid rotsoord", 10, []string{"BU03440702"}},   //
		{"raven", 10, []string{"BU03440701"}},           // inside a word, last
		{"o", 10, []string{"BU03440202", "BU03440701"}}, // a word's start, never the inside of one for short queries
		{"zui", 1, []string{"WK034407"}},                // the limit
		{"", 10, []string{}},                            //
		{"  ", 10, []string{}},                          //
		{"amsterdam", 10, []string{}},                   //
		{"nederland", 10, []string{"NL"}},               // the country by its Dutch name
		{"netherlands", 10, []string{"NL"}},             // and its English one
		{"utrecht", 0, []string{"GM0344"}},              // one word: not every area in Utrecht
	}
	for _, tt := range tests {
		if got := codes(g.Search(tt.query, tt.limit)); !cmp.Equal(got, tt.want) {
			t.Errorf("Search(%q, %d) = %v, want %v", tt.query, tt.limit, got, tt.want)
		}
	}
	z := g.Search("zuilen", 1)
	if diff := cmp.Diff([]gazetteer.Area{{Code: "BU03440201", Name: "Zuilen", Parent: "WK034402"}}, z); diff != "" {
		t.Errorf("Search(zuilen) (-want +got):\n%s", diff)
	}
	if got := gazetteer.Default().Search("zui", 10); !containsName(got, "Zuilen") {
		t.Errorf("Default().Search(zui) = %v, want Zuilen among them", got)
	}
}

func containsName(as []gazetteer.Area, name string) bool {
	for _, a := range as {
		if a.Name == name {
			return true
		}
	}
	return false
}

func TestChildren(t *testing.T) {
	g := load(t, small)
	if got, want := g.Children("WK034407"), []gazetteer.Area{
		{Code: "BU03440701", Name: "Oud-Hoograven", Parent: "WK034407"},
		{Code: "BU03440702", Name: "Café Rotsoord", Parent: "WK034407"},
		{Code: "BU03440703", Name: "Ĳsselbuurt", Parent: "WK034407"},
	}; !cmp.Equal(got, want) {
		t.Errorf("Children(WK034407) = %v, want %v", got, want)
	}
	if got := g.Children("NL"); !cmp.Equal(got, g.Municipalities()) {
		t.Errorf("Children(NL) = %v, want the municipalities %v", got, g.Municipalities())
	}
	for _, code := range []string{"BU03440201", "WK034409", "GM0363", "x"} {
		if got := g.Children(code); len(got) != 0 {
			t.Errorf("Children(%s) = %v, want none", code, got)
		}
	}
}

// TestCheckAreas pins SPEC §2: a code inside a loaded municipality must be known.
func TestCheckAreas(t *testing.T) {
	g := gazetteer.Default()
	tests := []struct {
		name  string
		codes []string
		want  []profiles.FieldError
	}{
		{"known", []string{"NL", "GM0344", "WK034402", "BU03440201"}, nil},
		{"another municipality", []string{"GM0363", "WK036301", "BU03630101"}, nil},
		{"invalid codes are the taxonomy's", []string{"BU0344", "zuilen", ""}, nil},
		{"unknown neighbourhood", []string{"WK034402", "BU03440299"},
			[]profiles.FieldError{{Field: "areas[1]", Message: `"BU03440299": unknown area in Utrecht (GM0344)`}}},
		{"unknown district and its neighbourhood", []string{"WK034411", "BU03441101", "GM0344"},
			[]profiles.FieldError{
				{Field: "areas[0]", Message: `"WK034411": unknown area in Utrecht (GM0344)`},
				{Field: "areas[1]", Message: `"BU03441101": unknown area in Utrecht (GM0344)`}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, g.CheckAreas(tt.codes, "areas")); diff != "" {
				t.Errorf("CheckAreas(%v) (-want +got):\n%s", tt.codes, diff)
			}
		})
	}
}

// TestRegister: a taxonomy WithAreas of the gazetteer refuses a profile with an
// unknown area of Utrecht, naming the field.
func TestRegister(t *testing.T) {
	tax, err := profiles.ParseTaxonomy(config.Taxonomy)
	if err != nil {
		t.Fatal(err)
	}
	tax = tax.WithAreas(gazetteer.Default())
	doc := `{"id":"x","name":"X","kind":"welfare","size":"small","areas":["WK034402","BU03440299"],"instruments":{"meals":1}}`
	_, err = tax.DecodeProfile([]byte(doc))
	var verr *profiles.ValidationError
	if !errors.As(err, &verr) || len(verr.Errors) != 1 || verr.Errors[0].Field != "areas[1]" {
		t.Fatalf("DecodeProfile(%s) = %v; want one error on areas[1]", doc, err)
	}
}

func TestNamed(t *testing.T) {
	g := load(t, small+"WK034403,Zuilen,GM0344\n") // a district that shares a neighbourhood's name
	tests := []struct {
		query string
		want  []string
	}{
		{"Ondiep", []string{"BU03440202"}},             // the whole name
		{"  ondiep ", []string{"BU03440202"}},          // case and spaces
		{"oud hoograven", []string{"BU03440701"}},      // a hyphen is a space
		{"cafe rotsoord", []string{"BU03440702"}},      // no accent
		{"Ondiep, Noordwest", []string{"BU03440202"}},  // its label
		{"Zuilen", []string{"BU03440201", "WK034403"}}, // a shared name: both, by code
		{"Zuilen, Noordwest", []string{"BU03440201"}},  // the label tells them apart
		{"zui", []string{}},                            // a start is no name
		{"Noordwest, Utrecht", []string{}},             // one municipality: labels leave it out
		{"the netherlands", []string{"NL"}},            // the country in English
		{"", []string{}},                               //
		{"Amsterdam", []string{}},                      //
	}
	for _, tt := range tests {
		got := []string{}
		for _, a := range g.Named(tt.query) {
			got = append(got, a.Code)
		}
		if !cmp.Equal(got, tt.want) {
			t.Errorf("Named(%q) = %v, want %v", tt.query, got, tt.want)
		}
	}
}
