package gazetteer

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"samenspel/internal/profiles"
)

// columns are the columns of a gazetteer file, in the order the shipped one has them.
var columns = []string{"code", "name", "parent"}

// maxName is the longest name accepted, in characters.
const maxName = 100

// maxErrors is how many bad lines Load reports; it counts the rest.
const maxErrors = 100

// Load reads a gazetteer from a CSV file (RFC 4180, UTF-8), name being the file's
// name in errors. The first row is a header naming the columns code, name and
// parent, in any order; each further row is one area:
//
//	code,name,parent
//	GM0344,Utrecht,NL
//	WK034402,Noordwest,GM0344
//	BU03440201,Zuilen,WK034402
//
// The columns hold:
//   - code: a municipality (GMdddd), district (WKdddddd) or neighbourhood
//     (BUdddddddd) code of SPEC §1, each at most once; NL is built in and has no row.
//   - name: the area's name as people know it, 1 to 100 characters, no control
//     characters, no spaces at either end. Names may repeat (many districts have a
//     "Centrum"); a name with a comma is quoted ("Oog in Al, Noord").
//   - parent: the area the row lies in, which its digits decide (SPEC §1): NL (or
//     empty) for a municipality, the municipality for a district (WK034402 lies in
//     GM0344), the district for a neighbourhood (BU03440201 lies in WK034402). It
//     must be a row of the file, before or after this one.
//
// A byte order mark may open the file; blank lines and lines starting with '#'
// are skipped. A header and no rows is a gazetteer with no municipality, which
// checks nothing. Every bad line is an error "name:line: column code: ..." (a
// profiles.LineError), all of them joined, and then no gazetteer is returned.
func Load(r io.Reader, name string) (*Gazetteer, error) {
	br := bufio.NewReader(r)
	if bom, err := br.Peek(3); err == nil && bytes.Equal(bom, []byte("\ufeff")) {
		_, _ = br.Discard(3)
	}
	cr := csv.NewReader(br)
	cr.FieldsPerRecord = -1 // counted here, with a message that says what is wanted
	cr.Comment = '#'

	type row struct {
		Area
		line int
	}
	var (
		rows  []row
		bad   []profiles.LineError
		index map[string]int // column name -> its index; nil until the header
		lines = map[string]int{}
	)
	fail := func(line int, format string, args ...any) {
		bad = append(bad, profiles.LineError{File: name, Line: line, Err: fmt.Errorf(format, args...)})
	}
	for {
		record, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if !errors.As(err, &pe) {
				return nil, fmt.Errorf("gazetteer: read %s: %w", name, err)
			}
			fail(pe.StartLine, "column %d: %v", pe.Column, pe.Err)
			return nil, joined(bad) // the reader cannot tell where the next record starts
		}
		line, _ := cr.FieldPos(0)
		if len(record) == 1 && strings.TrimSpace(record[0]) == "" {
			continue // a line of spaces
		}
		if index == nil {
			if index, err = header(record); err != nil {
				fail(line, "%v", err)
				return nil, joined(bad)
			}
			continue
		}
		if len(record) != len(columns) {
			fail(line, "%d fields, want %d (one for each header column)", len(record), len(columns))
			continue
		}
		a := Area{Code: record[index["code"]], Name: record[index["name"]], Parent: record[index["parent"]]}
		ok := true
		if msg := codeError(a.Code); msg != "" {
			fail(line, "column code: %s", msg)
			ok = false
		} else if first, dup := lines[a.Code]; dup {
			fail(line, "column code: %s already on line %d", profiles.Quote(a.Code), first)
			ok = false
		}
		if msg := nameError(a.Name); msg != "" {
			fail(line, "column name: %s", msg)
			ok = false
		}
		if ok {
			lines[a.Code] = line
			rows = append(rows, row{a, line})
		}
	}
	if index == nil {
		fail(1, "no header row; want %s", strings.Join(columns, ","))
		return nil, joined(bad)
	}
	// The parents, once every code is known: a file may list an area before the
	// one it lies in.
	areas := make([]Area, 0, len(rows))
	for _, r := range rows {
		if strings.HasPrefix(r.Code, "GM") && r.Parent == "" {
			r.Parent = profiles.CountryArea
		}
		if msg := parentError(r.Area, lines); msg != "" {
			fail(r.line, "column parent: %s", msg)
			continue
		}
		areas = append(areas, r.Area)
	}
	if len(bad) > 0 {
		return nil, joined(bad)
	}
	return build(areas), nil
}

// header maps each column name of the header row to its index.
func header(record []string) (map[string]int, error) {
	index := make(map[string]int, len(record))
	var problems []string
	for i, c := range record {
		c = strings.TrimSpace(c)
		switch _, seen := index[c]; {
		case !slices.Contains(columns, c):
			problems = append(problems, "unknown column "+profiles.Quote(c))
		case seen:
			problems = append(problems, "repeated column "+profiles.Quote(c))
		default:
			index[c] = i
		}
	}
	for _, c := range columns {
		if _, ok := index[c]; !ok && !slices.Contains(problems, "repeated column "+profiles.Quote(c)) {
			problems = append(problems, "missing column "+profiles.Quote(c))
		}
	}
	if len(problems) > 0 {
		return nil, fmt.Errorf("header: %s; want %s", strings.Join(problems, "; "), strings.Join(columns, ","))
	}
	return index, nil
}

// codeError says what is wrong with a row's code, or "".
func codeError(code string) string {
	switch {
	case code == profiles.CountryArea:
		return "NL, the whole country, is built in and has no row"
	case !profiles.ValidArea(code):
		return profiles.Quote(code) + " is not the code of a municipality, district or neighbourhood (GMdddd, WKdddddd or BUdddddddd)"
	}
	return ""
}

// nameError says what is wrong with a row's name, or "".
func nameError(name string) string {
	switch {
	case !utf8.ValidString(name):
		return "not valid UTF-8"
	case strings.TrimSpace(name) == "":
		return "required"
	case strings.TrimSpace(name) != name:
		return "must not start or end with a space"
	case strings.IndexFunc(name, unicode.IsControl) >= 0:
		return "must not hold control characters such as tabs or line breaks"
	case utf8.RuneCountInString(name) > maxName:
		return fmt.Sprintf("at most %d characters, got %d", maxName, utf8.RuneCountInString(name))
	}
	return ""
}

// parentError says what is wrong with the parent of a, whose code is valid, given
// the line of every valid code of the file; or "".
func parentError(a Area, lines map[string]int) string {
	var what, in, level, want string
	switch digits := a.Code[2:]; a.Code[:2] {
	case "GM":
		if a.Parent != profiles.CountryArea {
			return "a municipality lies in NL (or leave parent empty), not " + profiles.Quote(a.Parent)
		}
		return ""
	case "WK":
		what, in, level, want = "district", "municipality", "GMdddd", "GM"+digits[:4]
	default:
		what, in, level, want = "neighbourhood", "district", "WKdddddd", "WK"+digits[:6]
	}
	switch {
	case a.Parent == "":
		return fmt.Sprintf("required: the %s the %s lies in, %s", in, what, want)
	case !profiles.ValidArea(a.Parent):
		return profiles.Quote(a.Parent) + " is not a CBS area code"
	case a.Parent != want:
		return fmt.Sprintf("a %s lies in a %s (%s), %s by its digits, not in %s", what, in, level, want, profiles.Quote(a.Parent))
	}
	if _, ok := lines[a.Parent]; !ok {
		return "unknown parent " + profiles.Quote(a.Parent) + ": no row has that code"
	}
	return ""
}

// joined is the error of a file's bad lines, one a line, at most maxErrors.
func joined(bad []profiles.LineError) error {
	slices.SortStableFunc(bad, func(a, b profiles.LineError) int { return a.Line - b.Line })
	errs := make([]error, 0, min(len(bad), maxErrors)+1)
	for i, e := range bad {
		if i == maxErrors {
			errs = append(errs, fmt.Errorf("%d more bad lines not shown", len(bad)-maxErrors))
			break
		}
		errs = append(errs, e)
	}
	return errors.Join(errs...)
}
