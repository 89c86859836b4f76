package profiles_test

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/google/go-cmp/cmp"

	"samenspel/internal/profiles"
)

// badLine is what a test expects of one LineError.
type badLine struct {
	Line      int
	Malformed bool   // errors.Is(err, ErrMalformed); else a *ValidationError
	Contains  string // part of Error()
}

func checkLineErrors(t *testing.T, call string, got []profiles.LineError, want []badLine) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s line errors = %v, want %d: %+v", call, got, len(want), want)
	}
	for i, w := range want {
		g := got[i]
		if g.Line != w.Line || g.File != "in.ndjson" {
			t.Errorf("%s line error %d at %s:%d, want in.ndjson:%d (%v)", call, i, g.File, g.Line, w.Line, g)
		}
		var verr *profiles.ValidationError
		if w.Malformed && !errors.Is(g, profiles.ErrMalformed) {
			t.Errorf("%s line error %d = %v, want ErrMalformed", call, i, g)
		}
		if !w.Malformed && !errors.As(g, &verr) {
			t.Errorf("%s line error %d = %v, want a *ValidationError", call, i, g)
		}
		if !strings.Contains(g.Error(), w.Contains) {
			t.Errorf("%s line error %d = %q, want it to contain %q", call, i, g.Error(), w.Contains)
		}
	}
}

func lines(t *testing.T, docs ...any) string {
	t.Helper()
	var b strings.Builder
	for _, d := range docs {
		switch d := d.(type) {
		case string:
			b.WriteString(d)
		case object:
			b.Write(d.json(t))
		}
		b.WriteString("\n")
	}
	return b.String()
}

func TestReadProfiles(t *testing.T) {
	p := profileDoc()
	input := lines(t,
		"# partners in Overvecht", // 1
		p.with(object{"id": "a"}), // 2
		"",                        // 3
		"   ",                     // 4
		p.with(object{"id": "b", "kind": "club"}), // 5: invalid
		`{"id": "c", `,                             // 6: malformed
		p.with(object{"id": "d"}),                  // 7
		p.with(object{"id": "a"}),                  // 8: repeated id
		"  # indented comment",                     // 9
		p.with(object{"id": "e", "colour": "red"}), // 10: unknown field
		p.with(object{"id": "a", "size": "huge"}),  // 11: invalid (and its id is taken)
	) + string(p.with(object{"id": "f"}).json(t)) // 12, no final newline

	got, bad, err := taxonomy(t).ReadProfiles(strings.NewReader(input), "in.ndjson")
	if err != nil {
		t.Fatalf("ReadProfiles() error = %v, want nil", err)
	}
	var ids []string
	for _, p := range got {
		ids = append(ids, p.ID)
	}
	if diff := cmp.Diff([]string{"a", "d", "f"}, ids); diff != "" {
		t.Errorf("ReadProfiles() ids (-want +got):\n%s", diff)
	}
	checkLineErrors(t, "ReadProfiles()", bad, []badLine{
		{5, false, `in.ndjson:5: kind: unknown kind "club"`},
		{6, true, "in.ndjson:6: malformed JSON"},
		{8, false, `in.ndjson:8: id: "a" already on line 2`},
		{10, false, "colour: unknown field"},
		{11, false, "size: must be small, medium or large"},
	})
}

func TestReadProfilesLineEndings(t *testing.T) {
	p := profileDoc()
	tests := []struct {
		name  string
		input string
	}{
		{"CRLF", string(p.with(object{"id": "a"}).json(t)) + "\r\n" + string(p.with(object{"id": "b"}).json(t)) + "\r\n"},
		{"BOM", "\xef\xbb\xbf" + string(p.with(object{"id": "a"}).json(t)) + "\n" + string(p.with(object{"id": "b"}).json(t))},
		{"blank lines at the end", string(p.with(object{"id": "a"}).json(t)) + "\n" + string(p.with(object{"id": "b"}).json(t)) + "\n\n\n"},
	}
	tax := taxonomy(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, bad, err := tax.ReadProfiles(strings.NewReader(tt.input), "in.ndjson")
			if err != nil || len(bad) != 0 || len(got) != 2 {
				t.Errorf("ReadProfiles(%q) = %d profiles, %v, %v; want 2, no errors", tt.input, len(got), bad, err)
			}
		})
	}
}

func TestReadProfilesLongLine(t *testing.T) {
	p := profileDoc()
	// A line just under 1 MiB is read; one over it is reported, and reading goes on.
	fits := p.with(object{"id": "fits", "private": object{"notes": strings.Repeat("x", 5000)}})
	fitsLine := fits.json(t)
	fitsLine = append(fitsLine[:len(fitsLine)-1], []byte(strings.Repeat(" ", 1<<20-len(fitsLine))+"}")...)
	if len(fitsLine) != 1<<20 {
		t.Fatalf("test line is %d bytes, want 1 MiB", len(fitsLine))
	}
	tooLong := append(bytes.Clone(fitsLine), ' ')
	input := lines(t, p.with(object{"id": "a"}), string(tooLong), string(fitsLine), p.with(object{"id": "b"}))

	got, bad, err := taxonomy(t).ReadProfiles(strings.NewReader(input), "in.ndjson")
	if err != nil {
		t.Fatalf("ReadProfiles() error = %v, want nil", err)
	}
	var ids []string
	for _, p := range got {
		ids = append(ids, p.ID)
	}
	if diff := cmp.Diff([]string{"a", "fits", "b"}, ids); diff != "" {
		t.Errorf("ReadProfiles() ids (-want +got):\n%s", diff)
	}
	if len(bad) != 1 || bad[0].Line != 2 || !strings.Contains(bad[0].Error(), "in.ndjson:2: line longer than") {
		t.Errorf("ReadProfiles() line errors = %v, want one on line 2 for its length", bad)
	}
}

func TestReadProfilesIOError(t *testing.T) {
	p := profileDoc()
	diskErr := errors.New("disk on fire")
	r := io.MultiReader(strings.NewReader(lines(t, p.with(object{"id": "a"}), `{`)), iotest.ErrReader(diskErr))
	got, bad, err := taxonomy(t).ReadProfiles(r, "in.ndjson")
	if !errors.Is(err, diskErr) {
		t.Errorf("ReadProfiles(failing reader) error = %v, want %v", err, diskErr)
	}
	if len(got) != 1 || len(bad) != 1 {
		t.Errorf("ReadProfiles(failing reader) = %d profiles, %v; want the 1 profile and 1 bad line read before", len(got), bad)
	}
}

func TestReadTenders(t *testing.T) {
	tn := tenderDoc()
	input := lines(t,
		tn.with(object{"id": "t1"}),                // 1
		tn.with(object{"id": "t2", "max_size": 9}), // 2: invalid
		"# comment", // 3
		tn.with(object{"id": "t3", "weights": object{}}), // 4: invalid
		tn.with(object{"id": "t1"}),                      // 5: repeated
		"not json",                                       // 6: malformed
		tn.with(object{"id": "t4", "max_large": 2}),      // 7
	)
	got, bad, err := taxonomy(t).ReadTenders(strings.NewReader(input), "in.ndjson")
	if err != nil {
		t.Fatalf("ReadTenders() error = %v, want nil", err)
	}
	if len(got) != 2 || got[0].ID != "t1" || got[1].ID != "t4" {
		t.Errorf("ReadTenders() = %+v, want t1 and t4", got)
	}
	if len(got) == 2 && (got[0].MaxSize != 5 || got[0].Exclude == nil || got[1].MaxLarge == nil || *got[1].MaxLarge != 2) {
		t.Errorf("ReadTenders() = %+v, want defaults applied and max_large 2 kept", got)
	}
	checkLineErrors(t, "ReadTenders()", bad, []badLine{
		{2, false, "max_size: must be at most 8"},
		{4, false, "weights: must have a positive"},
		{5, false, `id: "t1" already on line 1`},
		{6, true, "malformed JSON"},
	})
}

func TestReadCollaborations(t *testing.T) {
	c := collaborationDoc()
	input := lines(t,
		c,                                  // 1
		c.with(object{"at": "2026-02-30"}), // 2: invalid
		c,                                  // 3: the same event again is fine
		"",                                 // 4
		c.with(object{"b": "buurtkamer-overvecht"}),                          // 5: a == b
		`{"a": "x", "b": "y", "outcome": "positive", "at": "2026-01-01"} {}`, // 6: trailing data
		c.with(object{"outcome": "negative", "at": "2025-12-31"}),            // 7
	)
	got, bad, err := profiles.ReadCollaborations(strings.NewReader(input), "in.ndjson")
	if err != nil {
		t.Fatalf("ReadCollaborations() error = %v, want nil", err)
	}
	want := []profiles.Collaboration{
		{A: "buurtkamer-overvecht", B: "woonstad", Outcome: "positive", At: "2026-03-01"},
		{A: "buurtkamer-overvecht", B: "woonstad", Outcome: "positive", At: "2026-03-01"},
		{A: "buurtkamer-overvecht", B: "woonstad", Outcome: "negative", At: "2025-12-31"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("ReadCollaborations() (-want +got):\n%s", diff)
	}
	checkLineErrors(t, "ReadCollaborations()", bad, []badLine{
		{2, false, `at: "2026-02-30" is not a calendar date`},
		{5, false, "b: must differ from a"},
		{6, true, "data after"},
	})
}

func TestLineError(t *testing.T) {
	inner := &profiles.ValidationError{Errors: []profiles.FieldError{{Field: "id", Message: "required"}}}
	tests := []struct {
		name string
		err  profiles.LineError
		want string
	}{
		{"with file", profiles.LineError{File: "p.ndjson", Line: 3, Err: inner}, "p.ndjson:3: id: required"},
		{"without file", profiles.LineError{Line: 3, Err: inner}, "line 3: id: required"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.err.Error(); got != tt.want {
				t.Errorf("LineError.Error() = %q, want %q", got, tt.want)
			}
			var verr *profiles.ValidationError
			if !errors.As(tt.err, &verr) || verr != inner {
				t.Errorf("errors.As(%v, *ValidationError) did not find the wrapped error", tt.err)
			}
		})
	}
}

// TestReadProfilesStrictLines: a file's lines keep the rules of the API's bodies,
// each refusal at its file:line and field: a key given twice or in other case,
// text that is not valid UTF-8, a lone surrogate, a control character.
func TestReadProfilesStrictLines(t *testing.T) {
	p := profileDoc()
	input := lines(t,
		`{"id":"a","id":"b"}`,                                        // 1
		p.with(object{"id": "c", "ID": "c"}),                         // 2
		p.with(object{"id": "d", "name": raw(`"D\ud800"`)}),          // 3
		p.with(object{"id": "e", "description": raw("\"caf\xe9\"")}), // 4
		p.with(object{"id": "f", "name": "F\x00"}),                   // 5
		p.with(object{"id": "g", "description": "regel\nregel"}),     // 6: fine
	)
	got, bad, err := taxonomy(t).ReadProfiles(strings.NewReader(input), "in.ndjson")
	if err != nil {
		t.Fatalf("ReadProfiles() error = %v, want nil", err)
	}
	checkLineErrors(t, "ReadProfiles", bad, []badLine{
		{1, false, "in.ndjson:1: id: given more than once"},
		{2, false, `in.ndjson:2: ID: unknown field; keys are case-sensitive: did you mean "id"?`},
		{3, false, "in.ndjson:3: name: holds a lone surrogate"},
		{4, false, "in.ndjson:4: description: must be valid UTF-8"},
		{5, false, "in.ndjson:5: name: must not hold control characters"},
	})
	if len(got) != 1 || got[0].ID != "g" {
		t.Errorf("ReadProfiles() = %d profiles, want g alone", len(got))
	}
}
