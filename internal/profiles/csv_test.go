package profiles_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"samenspel/internal/profiles"
)

const csvHeader = "id,name,kind,size,new_provider,can_lead,areas,instruments,themes,description,contact_email\n"

func TestReadProfilesCSV(t *testing.T) {
	input := csvHeader + // 1
		"buurtkamer,Buurtkamer Overvecht,residents_group,small,true,false,WK034412,meeting_place:1;meals:0.5,loneliness,Free text,info@example.org\n" + // 2
		"# a comment\n" + // 3
		"\n" + // 4
		`wijkteam,"Wijkteam Noord, Utrecht",welfare,medium,,TRUE,WK034412; BU03441205 ,home_visits:1,,"Two` + "\n" + // 5
		`lines, ""quoted""",` + "\n" + // 6
		"bad-kind,Bad,club,small,false,false,WK034412,meals:1,,,\n" + // 7
		"bad-level,Bad,care,small,false,false,WK034412,meals:2;venue:x;soup,,,\n" + // 8
		"bad-bool,Bad,care,small,yes,false,WK034412,meals:1,,,\n" + // 9
		"short,row\n" + // 10
		`bare,Ba"d,care,small,false,false,WK034412,meals:1,,,` + "\n" + // 11
		"buurtkamer,Again,care,small,false,false,WK034412,meals:1,,,\n" + // 12
		"bad-lists,Bad,care,small,false,false,WK034412;XX;WK034412,meals:1,poverty;fun,,not-an-email\n" + // 13
		"last,Last,fund,large,false,true,NL,co_funding:1,,,\n" // 14

	got, bad, err := taxonomy(t).ReadProfilesCSV(strings.NewReader(input), "in.csv")
	if err != nil {
		t.Fatalf("ReadProfilesCSV() error = %v, want nil", err)
	}
	want := []profiles.Profile{
		{ID: "buurtkamer", Name: "Buurtkamer Overvecht", Kind: "residents_group", Size: "small",
			NewProvider: true, Areas: []string{"WK034412"},
			Instruments: map[string]float64{"meeting_place": 1, "meals": 0.5},
			Themes:      []string{"loneliness"}, Description: "Free text",
			Contact: &profiles.Contact{Email: "info@example.org"}},
		{ID: "wijkteam", Name: "Wijkteam Noord, Utrecht", Kind: "welfare", Size: "medium",
			CanLead: true, Areas: []string{"WK034412", "BU03441205"},
			Instruments: map[string]float64{"home_visits": 1}, Themes: []string{},
			Description: "Two\nlines, \"quoted\""},
		{ID: "last", Name: "Last", Kind: "fund", Size: "large", CanLead: true, Areas: []string{"NL"},
			Instruments: map[string]float64{"co_funding": 1}, Themes: []string{}},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("ReadProfilesCSV() (-want +got):\n%s", diff)
	}

	type lineFields struct {
		Line   int
		Fields []string // sorted; nil when the error is not a *ValidationError
		Text   string   // part of Error()
	}
	wantBad := []lineFields{
		{7, []string{"kind"}, `in.csv:7: kind: unknown kind "club"; valid: business`},
		{8, []string{"instruments", "instruments.meals", "instruments.venue"}, `"soup" is not code:level`},
		{9, []string{"new_provider"}, "must be true, false or empty"},
		{10, nil, "in.csv:10: 2 fields, want 11"},
		{11, nil, "in.csv:11: column 8: bare \""},
		{12, []string{"id"}, `in.csv:12: id: "buurtkamer" already on line 2`},
		{13, []string{"areas[1]", "contact.email", "themes[1]"}, ""},
	}
	if len(bad) != len(wantBad) {
		t.Fatalf("ReadProfilesCSV() line errors = %v, want %d", bad, len(wantBad))
	}
	for i, w := range wantBad {
		g := bad[i]
		if g.File != "in.csv" || g.Line != w.Line || !strings.Contains(g.Error(), w.Text) {
			t.Errorf("ReadProfilesCSV() line error %d = %q, want at in.csv:%d containing %q", i, g.Error(), w.Line, w.Text)
		}
		if w.Fields != nil {
			if diff := cmp.Diff(w.Fields, fieldsOf(t, g)); diff != "" {
				t.Errorf("ReadProfilesCSV() line error %d = %v; fields (-want +got):\n%s", i, g, diff)
			}
		}
	}
}

func TestReadProfilesCSVHeader(t *testing.T) {
	row := "a,A,care,small,false,false,NL,meals:1,,,\n"
	tests := []struct {
		name     string
		input    string
		profiles int
		line     int    // of the one LineError; 0 when none
		text     string // part of its Error()
	}{
		{"exact", csvHeader + row, 1, 0, ""},
		{"reordered, spaced, with BOM", "\xef\xbb\xbfname, id,kind,size,new_provider,can_lead,areas,instruments,themes,description,contact_email\n" +
			"A,a,care,small,false,false,NL,meals:1,,,\n", 1, 0, ""},
		{"after comments and blank lines", "# export of 2026-03-01\n\n" + csvHeader + row, 1, 0, ""},
		{"empty file", "", 0, 1, "in.csv:1: no header row; want id,name,kind"},
		{"only comments", "# nothing\n", 0, 1, "no header row"},
		{"missing column", "id,name,kind,size,new_provider,can_lead,areas,instruments,themes,description\n" + row, 0, 1,
			`in.csv:1: header: missing column "contact_email"`},
		{"unknown column", strings.TrimSuffix(csvHeader, "\n") + ",phone\n" + row, 0, 1, `header: unknown column "phone"`},
		{"renamed columns", "ID,name,kind,size,new_provider,can_lead,area,instruments,themes,description,contact_email\n" + row, 0, 1,
			`header: unknown column "ID", "area"; missing column "id", "areas"`},
		{"repeated column", strings.TrimSuffix(csvHeader, "\n") + ",id\n" + row, 0, 1, `repeated column "id"`},
		{"header on line 3", "# comment\n\nid,name\n" + row, 0, 3, "in.csv:3: header: missing column"},
		{"no header, data first", row + row, 0, 1, `unknown column "a"`},
	}
	tax := taxonomy(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, bad, err := tax.ReadProfilesCSV(strings.NewReader(tt.input), "in.csv")
			if err != nil {
				t.Fatalf("ReadProfilesCSV(%q) error = %v, want nil", tt.input, err)
			}
			if len(got) != tt.profiles {
				t.Errorf("ReadProfilesCSV(%q) = %d profiles, want %d", tt.input, len(got), tt.profiles)
			}
			switch {
			case tt.line == 0 && len(bad) != 0:
				t.Errorf("ReadProfilesCSV(%q) line errors = %v, want none", tt.input, bad)
			case tt.line != 0 && (len(bad) != 1 || bad[0].Line != tt.line || !strings.Contains(bad[0].Error(), tt.text)):
				t.Errorf("ReadProfilesCSV(%q) line errors = %v, want one on line %d containing %q", tt.input, bad, tt.line, tt.text)
			}
		})
	}
}

func TestProfilesCSVRoundTrip(t *testing.T) {
	in := []profiles.Profile{
		{ID: "buurtkamer", Name: "Buurtkamer Overvecht", Kind: "residents_group", Size: "small",
			NewProvider: true, Areas: []string{"WK034412", "BU03441205"},
			Instruments: map[string]float64{"meeting_place": 1, "meals": 0.5, "venue": 1.0 / 3},
			Themes:      []string{"loneliness", "poverty"},
			Description: "Free text, with \"quotes\";\nsemicolons, commas\nand # hashes",
			Contact:     &profiles.Contact{Email: "info@example.org"}},
		{ID: "fonds", Name: "Fonds, en zo", Kind: "fund", Size: "large", CanLead: true,
			Areas: []string{"NL"}, Instruments: map[string]float64{"co_funding": 1e-7}, Themes: []string{}},
	}
	var buf bytes.Buffer
	if err := profiles.WriteProfilesCSV(&buf, in); err != nil {
		t.Fatalf("WriteProfilesCSV() = %v", err)
	}
	if !strings.HasPrefix(buf.String(), csvHeader) {
		t.Errorf("WriteProfilesCSV() starts %q, want the header %q", buf.String()[:len(csvHeader)], csvHeader)
	}
	got, bad, err := taxonomy(t).ReadProfilesCSV(&buf, "out.csv")
	if err != nil || len(bad) != 0 {
		t.Fatalf("ReadProfilesCSV(WriteProfilesCSV()) = %v, %v; want no errors", bad, err)
	}
	if diff := cmp.Diff(in, got); diff != "" {
		t.Errorf("ReadProfilesCSV(WriteProfilesCSV()) (-want +got):\n%s", diff)
	}
}

func TestWriteProfilesCSVLeavesOutPrivateFields(t *testing.T) {
	p := profiles.Profile{ID: "a", Name: "A", Kind: "care", Size: "small", Areas: []string{"NL"},
		Instruments: map[string]float64{"meals": 1},
		Contact:     &profiles.Contact{Email: "a@example.org", Phone: "030-secret"},
		Private:     map[string]string{"ideas": "secret idea"}}
	var buf bytes.Buffer
	if err := profiles.WriteProfilesCSV(&buf, []profiles.Profile{p}); err != nil {
		t.Fatalf("WriteProfilesCSV() = %v", err)
	}
	if out := buf.String(); strings.Contains(out, "secret") || !strings.Contains(out, "a@example.org") {
		t.Errorf("WriteProfilesCSV() = %q, want the email and no private notes or phone", out)
	}
}

func TestReadProfilesCSVCells(t *testing.T) {
	// Each row differs from a valid one in the cells named.
	row := func(changes map[string]string) string {
		cells := map[string]string{"id": "a", "name": "A", "kind": "care", "size": "small",
			"new_provider": "", "can_lead": "", "areas": "NL", "instruments": "meals:1",
			"themes": "", "description": "", "contact_email": ""}
		for k, v := range changes {
			cells[k] = v
		}
		var out []string
		for _, col := range strings.Split(strings.TrimSpace(csvHeader), ",") {
			out = append(out, cells[col])
		}
		return strings.Join(out, ",") + "\n"
	}
	tests := []struct {
		name    string
		changes map[string]string
		want    []string // field paths, sorted; nil when valid
	}{
		{"valid", nil, nil},
		{"booleans any case", map[string]string{"new_provider": "True", "can_lead": " FALSE "}, nil},
		{"empty list items", map[string]string{"areas": ";NL;;", "themes": "youth;", "instruments": "meals:1;;"}, nil},
		{"spaces in pairs", map[string]string{"instruments": " meals : 0.5 ; venue:1"}, nil},
		{"boolean yes", map[string]string{"can_lead": "yes"}, []string{"can_lead"}},
		{"boolean 1", map[string]string{"new_provider": "1"}, []string{"new_provider"}},
		{"no areas", map[string]string{"areas": " ; "}, []string{"areas"}},
		{"no instruments", map[string]string{"instruments": ""}, []string{"instruments"}},
		{"instrument without level", map[string]string{"instruments": "meals"}, []string{"instruments"}},
		{"level not a number", map[string]string{"instruments": "meals:veel"}, []string{"instruments.meals"}},
		{"level out of range", map[string]string{"instruments": "meals:1.5"}, []string{"instruments.meals"}},
		{"level NaN", map[string]string{"instruments": "meals:NaN"}, []string{"instruments.meals"}},
		{"instrument repeated", map[string]string{"instruments": "meals:1;meals:0.5"}, []string{"instruments.meals"}},
		{"instrument unknown", map[string]string{"instruments": "soup:1"}, []string{"instruments.soup"}},
		{"theme unknown", map[string]string{"themes": "youth;fun"}, []string{"themes[1]"}},
		{"bad email", map[string]string{"contact_email": "a@b"}, []string{"contact.email"}},
		{"name not UTF-8", map[string]string{"name": "A\xff"}, []string{"name"}},
	}
	tax := taxonomy(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			input := csvHeader + row(tt.changes)
			got, bad, err := tax.ReadProfilesCSV(strings.NewReader(input), "in.csv")
			if err != nil {
				t.Fatalf("ReadProfilesCSV(%q) error = %v", input, err)
			}
			if tt.want == nil {
				if len(got) != 1 || len(bad) != 0 {
					t.Errorf("ReadProfilesCSV(%q) = %d profiles, %v; want 1, no errors", input, len(got), bad)
				}
				return
			}
			if len(got) != 0 || len(bad) != 1 || bad[0].Line != 2 {
				t.Fatalf("ReadProfilesCSV(%q) = %d profiles, %v; want one error on line 2", input, len(got), bad)
			}
			if diff := cmp.Diff(tt.want, fieldsOf(t, bad[0])); diff != "" {
				t.Errorf("ReadProfilesCSV(%q) = %v; fields (-want +got):\n%s", input, bad[0], diff)
			}
		})
	}
}

func TestReadProfilesCSVLongRecord(t *testing.T) {
	long := "a,A,care,small,,,NL,meals:1,,\"" + strings.Repeat("x", 1<<20) + "\",\n"
	input := csvHeader + long + "b,B,care,small,,,NL,meals:1,,,\n"
	got, bad, err := taxonomy(t).ReadProfilesCSV(strings.NewReader(input), "in.csv")
	if err != nil {
		t.Fatalf("ReadProfilesCSV() error = %v", err)
	}
	if len(got) != 1 || got[0].ID != "b" {
		t.Errorf("ReadProfilesCSV() = %d profiles, want only b", len(got))
	}
	if len(bad) != 1 || bad[0].Line != 2 || !strings.Contains(bad[0].Error(), "longer than") {
		t.Errorf("ReadProfilesCSV() line errors = %v, want one on line 2 for its length", bad)
	}
}

func TestKeepUncarried(t *testing.T) {
	stored := profiles.Profile{ID: "a", Name: "Oud", Private: map[string]string{"ideas": "eigen"},
		Contact: &profiles.Contact{Email: "oud@example.org", Phone: "030", Website: "https://a.example.org", Person: "Anna"}}
	tests := []struct {
		name        string
		stored, row profiles.Profile
		want        profiles.Profile
		kept        bool
	}{
		{"private and contact kept, email from the row", stored,
			profiles.Profile{ID: "a", Name: "Nieuw", Contact: &profiles.Contact{Email: "nieuw@example.org"}},
			profiles.Profile{ID: "a", Name: "Nieuw", Private: stored.Private, Contact: &profiles.Contact{Email: "nieuw@example.org", Phone: "030", Website: "https://a.example.org", Person: "Anna"}}, true},
		{"an empty email takes the email away only", stored,
			profiles.Profile{ID: "a", Name: "Nieuw"},
			profiles.Profile{ID: "a", Name: "Nieuw", Private: stored.Private, Contact: &profiles.Contact{Phone: "030", Website: "https://a.example.org", Person: "Anna"}}, true},
		{"nothing to keep", profiles.Profile{ID: "a", Contact: &profiles.Contact{Email: "oud@example.org"}},
			profiles.Profile{ID: "a", Name: "Nieuw"},
			profiles.Profile{ID: "a", Name: "Nieuw"}, false},
	}
	for _, tc := range tests {
		got, kept := profiles.KeepUncarried(tc.stored, tc.row)
		if diff := cmp.Diff(tc.want, got, cmpopts.EquateEmpty()); diff != "" || kept != tc.kept {
			t.Errorf("%s: KeepUncarried() kept %v (want %v), (-want +got):\n%s", tc.name, kept, tc.kept, diff)
		}
	}
	if stored.Contact.Email != "oud@example.org" {
		t.Errorf("KeepUncarried changed the stored profile's contact")
	}
}
