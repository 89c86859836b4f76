package profiles

import (
	"bufio"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
)

// csvColumns are the columns of a profiles CSV file, in the order WriteProfilesCSV
// writes them.
var csvColumns = []string{"id", "name", "kind", "size", "new_provider", "can_lead", "areas",
	"instruments", "themes", "description", "contact_email"}

// ReadProfilesCSV reads profiles from a CSV file, the form analysts keep in a
// spreadsheet. The first row is a header naming exactly these columns, in any order:
//
//	id,name,kind,size,new_provider,can_lead,areas,instruments,themes,description,contact_email
//
// Each further row is one profile:
//
//   - areas and themes are lists separated by ';' (WK034412;BU03441205);
//   - instruments is code:level pairs separated by ';' (meeting_place:1;meals:0.5);
//   - new_provider and can_lead are true or false (any case); empty is false;
//   - description and contact_email may be empty; an empty contact_email means no
//     contact.
//
// Spaces around list items, codes and booleans are ignored, as are empty list items.
// A CSV file cannot hold the other contact fields or private notes: an import of
// it keeps the stored ones (KeepUncarried).
//
// Errors use the JSON paths of the profile ("areas[1]", "instruments.meals"). Rows are
// handled as by ReadProfiles: every rejected row becomes a LineError at the line the
// record starts on, blank lines and lines starting with '#' are skipped, a record
// may be up to 1 MiB long, and a repeated id is rejected on the later row. A missing, unknown or repeated header
// column is a LineError on the header's line, and then no row is read. The error is
// non-nil only when reading from r fails.
func (t *Taxonomy) ReadProfilesCSV(r io.Reader, file string) ([]Profile, []LineError, error) {
	ps, bad, _, err := t.ReadProfilesCSVRepeats(r, file)
	return ps, bad, err
}

// ReadProfilesCSVRepeats is ReadProfilesCSV that also says how many repeated
// entries of the rows' set-valued lists it dropped (SPEC §2), for an import's
// report.
func (t *Taxonomy) ReadProfilesCSVRepeats(r io.Reader, file string) ([]Profile, []LineError, int, error) {
	repeats := 0
	br := bufio.NewReader(r)
	if bom, err := br.Peek(len(utf8BOM)); err == nil && string(bom) == utf8BOM {
		_, _ = br.Discard(len(utf8BOM))
	}
	cr := csv.NewReader(br)
	cr.FieldsPerRecord = -1 // counted here, to tell blank lines from short rows
	cr.Comment = '#'

	var (
		profiles []Profile
		bad      []LineError
		columns  map[string]int // column name -> index
		seen     = make(map[string]int)
	)
	for {
		offset := cr.InputOffset()
		record, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if !errors.As(err, &pe) {
				return profiles, bad, repeats, fmt.Errorf("read %s: %w", file, err)
			}
			bad = append(bad, LineError{File: file, Line: pe.StartLine, Err: fmt.Errorf("column %d: %w", pe.Column, pe.Err)})
			if columns == nil || cr.InputOffset() == offset {
				// A header that cannot be read, or a reader that cannot move on.
				return profiles, bad, repeats, nil
			}
			continue
		}
		line, _ := cr.FieldPos(0)
		if len(record) == 1 && strings.TrimSpace(record[0]) == "" {
			continue // a line of spaces
		}
		if cr.InputOffset()-offset > maxLineBytes {
			bad = append(bad, LineError{File: file, Line: line, Err: fmt.Errorf("record longer than %d bytes (1 MiB)", maxLineBytes)})
			if columns == nil {
				return nil, bad, 0, nil
			}
			continue
		}
		if columns == nil {
			columns, err = csvHeader(record)
			if err != nil {
				return nil, append(bad, LineError{File: file, Line: line, Err: err}), 0, nil
			}
			continue
		}
		if len(record) != len(csvColumns) {
			bad = append(bad, LineError{File: file, Line: line,
				Err: fmt.Errorf("%d fields, want %d (one for each header column)", len(record), len(csvColumns))})
			continue
		}
		p, dropped, err := t.profileFromCSV(record, columns)
		if err == nil {
			err = checkUnique(seen, p.ID, line)
		}
		if err != nil {
			bad = append(bad, LineError{File: file, Line: line, Err: err})
			continue
		}
		profiles = append(profiles, p)
		repeats += dropped
	}
	if columns == nil {
		bad = append(bad, LineError{File: file, Line: 1,
			Err: fmt.Errorf("no header row; want %s", strings.Join(csvColumns, ","))})
	}
	return profiles, bad, repeats, nil
}

// csvHeader maps each column name of a header row to its index.
func csvHeader(record []string) (map[string]int, error) {
	columns := make(map[string]int, len(record))
	var unknown, repeated []string
	for i, name := range record {
		name = strings.TrimSpace(name)
		switch _, dup := columns[name]; {
		case !slices.Contains(csvColumns, name):
			unknown = append(unknown, strconv.Quote(name))
		case dup:
			repeated = append(repeated, strconv.Quote(name))
		default:
			columns[name] = i
		}
	}
	var missing []string
	for _, name := range csvColumns {
		if _, ok := columns[name]; !ok {
			missing = append(missing, strconv.Quote(name))
		}
	}
	var problems []string
	if len(unknown) > 0 {
		problems = append(problems, "unknown column "+strings.Join(unknown, ", "))
	}
	if len(repeated) > 0 {
		problems = append(problems, "repeated column "+strings.Join(repeated, ", "))
	}
	if len(missing) > 0 {
		problems = append(problems, "missing column "+strings.Join(missing, ", "))
	}
	if len(problems) > 0 {
		return nil, fmt.Errorf("header: %s; want %s", strings.Join(problems, "; "), strings.Join(csvColumns, ","))
	}
	return columns, nil
}

// profileFromCSV turns one row into a validated profile, its sets without repeats,
// and says how many repeats it dropped.
func (t *Taxonomy) profileFromCSV(record []string, columns map[string]int) (Profile, int, error) {
	cell := func(name string) string { return record[columns[name]] }
	d := new(decoder)
	p := Profile{
		ID:          strings.TrimSpace(cell("id")),
		Name:        strings.TrimSpace(cell("name")),
		Kind:        strings.TrimSpace(cell("kind")),
		Size:        strings.TrimSpace(cell("size")),
		NewProvider: d.csvBool("new_provider", cell("new_provider")),
		CanLead:     d.csvBool("can_lead", cell("can_lead")),
		Areas:       csvList(cell("areas")),
		Instruments: d.csvLevels("instruments", cell("instruments")),
		Themes:      csvList(cell("themes")),
		Description: cell("description"),
	}
	if p.Themes == nil {
		p.Themes = []string{}
	}
	if email := strings.TrimSpace(cell("contact_email")); email != "" {
		p.Contact = &Contact{Email: email}
	}
	var v fieldErrors
	t.checkProfile(&v, p)
	if err := d.result(v, profileFields); err != nil {
		return Profile{}, 0, err
	}
	return p, p.DropRepeats(), nil
}

func (d *decoder) csvBool(path, s string) bool {
	switch s = strings.TrimSpace(s); {
	case s == "" || strings.EqualFold(s, "false"):
		return false
	case strings.EqualFold(s, "true"):
		return true
	}
	d.fail(path, "must be true, false or empty, got %s", Quote(s))
	return false
}

// csvList splits a ;-separated list; it is nil when it has no items.
func csvList(s string) []string {
	var items []string
	for item := range strings.SplitSeq(s, ";") {
		if item = strings.TrimSpace(item); item != "" {
			items = append(items, item)
		}
	}
	return items
}

// csvLevels reads code:level;code:level.
func (d *decoder) csvLevels(path, s string) map[string]float64 {
	levels := make(map[string]float64)
	unreadable := false
	for _, item := range csvList(s) {
		i := strings.LastIndexByte(item, ':')
		if i < 0 {
			d.errs.add(path, "%s is not code:level (e.g. meals:0.5)", Quote(item))
			unreadable = true
			continue
		}
		code, lit := strings.TrimSpace(item[:i]), strings.TrimSpace(item[i+1:])
		p := join(path, code)
		if _, dup := levels[code]; dup {
			d.errs.add(p, "given more than once")
			continue
		}
		l, err := strconv.ParseFloat(lit, 64)
		if err != nil {
			d.fail(p, "level %s is not a number", Quote(lit))
			continue
		}
		levels[code] = l
	}
	if unreadable && len(levels) == 0 {
		// Not "no instruments": the ones given could not be read.
		d.bad = append(d.bad, path)
	}
	return levels
}

// KeepUncarried is what a CSV import stores in place of stored when it reads row
// for the same id: row, with what a CSV file cannot carry kept from stored (the
// private fields, and the contact details other than the email), so that an
// import never erases them. The email is the row's: an empty contact_email takes
// it away. It reports whether it kept anything of stored.
func KeepUncarried(stored, row Profile) (Profile, bool) {
	kept := len(stored.Private) > 0
	row.Private = stored.Private
	if c := stored.Contact; c != nil && (c.Phone != "" || c.Website != "" || c.Person != "") {
		kept = true
		merged := *c
		merged.Email = ""
		if row.Contact != nil {
			merged.Email = row.Contact.Email
		}
		row.Contact = &merged
	}
	return row, kept
}

// WriteProfilesCSV writes profiles in the CSV form ReadProfilesCSV reads, header
// first: the spreadsheet export for analysts. Only the CSV columns are written: of
// the contact only the email, and never the private notes.
func WriteProfilesCSV(w io.Writer, profiles []Profile) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(csvColumns); err != nil {
		return fmt.Errorf("write profiles csv: %w", err)
	}
	for _, p := range profiles {
		levels := make([]string, 0, len(p.Instruments))
		for _, code := range sortedKeys(p.Instruments) {
			levels = append(levels, code+":"+strconv.FormatFloat(p.Instruments[code], 'g', -1, 64))
		}
		email := ""
		if p.Contact != nil {
			email = p.Contact.Email
		}
		record := []string{p.ID, p.Name, p.Kind, p.Size,
			strconv.FormatBool(p.NewProvider), strconv.FormatBool(p.CanLead),
			strings.Join(p.Areas, ";"), strings.Join(levels, ";"), strings.Join(p.Themes, ";"),
			p.Description, email}
		if err := cw.Write(record); err != nil {
			return fmt.Errorf("write profiles csv: %w", err)
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("write profiles csv: %w", err)
	}
	return nil
}
