package profiles

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
)

// DecodeProfile parses one profile (SPEC §2) and validates it.
//
// Decoding is strict, so that a typo never silently becomes a default: the input is
// exactly one JSON object with nothing after it (else ErrMalformed); keys match
// exactly ("ID" is not "id"); an unknown key, a key given twice or a value of the
// wrong JSON type is a field error at its path, reported together with every invalid
// value; null is the same as leaving a field out; whole-number fields accept 3, 3.0
// and 3e0 but not 3.5.
//
// name and the contact fields are trimmed of white space; absent themes become an
// empty list; an empty contact or private object becomes absent. It returns a
// *ValidationError for invalid values and an error wrapping ErrMalformed for input
// that is not one JSON object.
func (t *Taxonomy) DecodeProfile(data []byte) (Profile, error) {
	p, _, err := t.DecodeProfileRepeats(data)
	return p, err
}

// DecodeProfileRepeats is DecodeProfile that also says how many repeated entries
// of set-valued lists it dropped (SPEC §2), for a file import's report.
func (t *Taxonomy) DecodeProfileRepeats(data []byte) (Profile, int, error) {
	if p, ok := quickProfile(data); ok {
		return t.checkedProfile(new(decoder), p)
	}
	if d, raw, ok := fastDocument(data); ok {
		if p := d.profile(raw); d.decided() {
			return t.checkedProfile(d, p)
		}
	}
	raw, err := document(data, "profile")
	if err != nil {
		return Profile{}, 0, err
	}
	d := new(decoder)
	return t.checkedProfile(d, d.profile(raw))
}

// checkedProfile validates a decoded profile, joins the errors of decoding (in d)
// and validation, and drops the repeats of its sets.
func (t *Taxonomy) checkedProfile(d *decoder, p Profile) (Profile, int, error) {
	var v fieldErrors
	t.checkProfile(&v, p)
	if err := d.result(v, profileFields); err != nil {
		return Profile{}, 0, err
	}
	// Dropped after validation, so that an error's index is the one in the
	// document as it was sent.
	return p, p.DropRepeats(), nil
}

// DecodeTender parses one tender (SPEC §2) as strictly as DecodeProfile, applies the
// defaults and validates it. The defaults of an absent field: min_size 1, max_size 5,
// require_kinds and exclude and themes [], max_large nil (unlimited), min_small 0,
// weights DefaultWeights, must false. When a weights object is given, a term it leaves
// out counts as 0: {"coverage": 1} scores on coverage alone. title is trimmed of
// white space. It returns a *ValidationError for invalid values and an error wrapping
// ErrMalformed for input that is not one JSON object.
func (t *Taxonomy) DecodeTender(data []byte) (Tender, error) {
	if d, raw, ok := fastDocument(data); ok {
		if w := d.tender(raw); d.decided() {
			return t.checkedTender(d, w.withDefaults())
		}
	}
	raw, err := document(data, "tender")
	if err != nil {
		return Tender{}, err
	}
	d := new(decoder)
	return t.checkedTender(d, d.tender(raw).withDefaults())
}

// checkedTender is checkedProfile for tenders.
func (t *Taxonomy) checkedTender(d *decoder, tn Tender) (Tender, error) {
	var v fieldErrors
	t.checkTender(&v, tn)
	if err := d.result(v, tenderFields); err != nil {
		return Tender{}, err
	}
	tn.DropRepeats()
	return tn, nil
}

// DecodeCollaboration parses one collaboration event (SPEC §2) as strictly as
// DecodeProfile and validates it; every field is required. It returns a
// *ValidationError for invalid values and an error wrapping ErrMalformed for input
// that is not one JSON object.
func DecodeCollaboration(data []byte) (Collaboration, error) {
	return decodeCollaboration(data, "")
}

// DecodeCollaborationOn is DecodeCollaboration for the API, where `at` may be left
// out (SPEC §8): an absent at becomes the date of today, which the caller passes in
// (it owns the clock and the time zone). Through the API an event's date lies from
// EarliestAt to today (SPEC §4): one outside is invalid, on at.
func DecodeCollaborationOn(data []byte, today time.Time) (Collaboration, error) {
	return decodeCollaboration(data, today.Format(dateLayout))
}

// EarliestAt is the first date an event recorded through the API may have.
const EarliestAt = "2000-01-01"

// decodeCollaboration decodes an event; with today set (YYYY-MM-DD), an absent at
// is today and at lies from EarliestAt to today.
func decodeCollaboration(data []byte, today string) (Collaboration, error) {
	if c, ok := quickCollaboration(data, today); ok {
		return c, nil
	}
	if d, raw, ok := fastDocument(data); ok {
		if c := d.collaboration(raw); d.decided() {
			return checkedCollaboration(d, c, today)
		}
	}
	raw, err := document(data, "collaboration event")
	if err != nil {
		return Collaboration{}, err
	}
	d := new(decoder)
	return checkedCollaboration(d, d.collaboration(raw), today)
}

// checkedCollaboration is checkedProfile for collaboration events; with today set,
// it also puts today in place of an absent at and keeps at from EarliestAt to today.
func checkedCollaboration(d *decoder, c Collaboration, today string) (Collaboration, error) {
	if c.At == "" && !d.failed("at") {
		c.At = today
	}
	var v fieldErrors
	checkCollaboration(&v, c)
	if today != "" && validDate(c.At) && (c.At < EarliestAt || c.At > today) {
		// Dates are YYYY-MM-DD, so string order is date order.
		v.add("at", "must lie from %s to today (%s), got %s", EarliestAt, today, Quote(c.At))
	}
	if err := d.result(v, collaborationFields); err != nil {
		return Collaboration{}, err
	}
	return c, nil
}

// document checks that data is exactly one JSON object, with nothing but white space
// around it, and returns the object.
func document(data []byte, what string) (json.RawMessage, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	var raw json.RawMessage
	if err := dec.Decode(&raw); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("%w: no %s, the input is empty", ErrMalformed, what)
		}
		var syn *json.SyntaxError
		if errors.As(err, &syn) {
			return nil, fmt.Errorf("%w: at byte %d: %s", ErrMalformed, syn.Offset, strings.TrimPrefix(syn.Error(), "json: "))
		}
		if errors.Is(err, io.ErrUnexpectedEOF) {
			return nil, fmt.Errorf("%w: the %s ends before it is complete", ErrMalformed, what)
		}
		return nil, fmt.Errorf("%w: %s", ErrMalformed, strings.TrimPrefix(err.Error(), "json: "))
	}
	if rest := trimJSONSpace(data[dec.InputOffset():]); len(rest) > 0 {
		return nil, fmt.Errorf("%w: data after the %s at byte %d", ErrMalformed, what, len(data)-len(rest))
	}
	if k := jsonKind(raw); k != "an object" {
		return nil, fmt.Errorf("%w: a %s must be a JSON object, not %s", ErrMalformed, what, k)
	}
	return raw, nil
}

func trimJSONSpace(b []byte) []byte {
	return b[skipSpace(b, 0):]
}

// jsonKind names the JSON type of a well-formed value, for messages.
func jsonKind(raw json.RawMessage) string {
	raw = trimJSONSpace(raw)
	if len(raw) == 0 {
		return "nothing"
	}
	switch raw[0] {
	case '{':
		return "an object"
	case '[':
		return "an array"
	case '"':
		return "a string"
	case 't', 'f':
		return "a boolean"
	case 'n':
		return "null"
	default:
		return "a number"
	}
}

// decoder turns well-formed JSON values into documents, collecting a FieldError for
// every unknown key, repeated key and wrong type. Values it could not read are
// remembered, so that validation does not report them a second time.
//
// In fast mode (see fast.go) it finds members and elements with its own scanner, and
// builds no paths: an error there only sends the document to the slow path, which
// reports it with its path.
type decoder struct {
	errs fieldErrors
	bad  []string // paths whose value could not be read

	fast   bool   // the fast path: every raw value is a slice of the document
	unsure bool   // the fast path met something it leaves to the slow path
	src    string // in fast mode, a copy of the document to cut strings from
	srcCap int    // in fast mode, the cap of the document's slice
	depth  int    // in fast mode, the number of objects being read
	closed bool   // in fast mode, the document's object has been read to its end
	tail   []byte // in fast mode, what follows the document's object
}

// fail records a value that could not be read.
func (d *decoder) fail(path, format string, args ...any) {
	d.errs.add(path, format, args...)
	d.bad = append(d.bad, path)
}

// failed reports whether a decoding error touched path: the path itself, a value
// inside it, or a value it lies in.
func (d *decoder) failed(path string) bool {
	for _, bad := range d.bad {
		if related(bad, path) {
			return true
		}
	}
	return false
}

// related reports whether one JSON path equals or lies inside the other.
func related(a, b string) bool {
	if len(a) > len(b) {
		a, b = b, a
	}
	if !strings.HasPrefix(b, a) {
		return false
	}
	return len(a) == len(b) || a == "" || b[len(a)] == '.' || b[len(a)] == '['
}

// result joins the decoding errors and those of validation, dropping validation
// errors about values that could not be read, and puts them in the order of the
// document's fields (order lists the top-level names).
func (d *decoder) result(v fieldErrors, order []string) error {
	for _, fe := range v.list {
		if !d.failed(fe.Field) {
			d.errs.addError(fe)
		}
	}
	d.errs.more += v.more
	slices.SortStableFunc(d.errs.list, func(a, b FieldError) int {
		ra, ia := fieldRank(a.Field, order)
		rb, ib := fieldRank(b.Field, order)
		if ra != rb {
			return ra - rb
		}
		return ia - ib
	})
	return d.errs.err()
}

// fieldRank places a path by its top-level field in order (unknown fields last) and
// then by its first index: "needs[2].weight" ranks as needs, 2.
func fieldRank(path string, order []string) (rank, idx int) {
	end := strings.IndexAny(path, ".[")
	if end < 0 {
		end = len(path)
	}
	rank = slices.Index(order, path[:end])
	if rank < 0 {
		rank = len(order)
	}
	idx = -1
	if end < len(path) && path[end] == '[' {
		if close := strings.IndexByte(path[end:], ']'); close > 0 {
			if n, err := strconv.Atoi(path[end+1 : end+close]); err == nil {
				idx = n
			}
		}
	}
	return rank, idx
}

// join is the path of member key of the object at path: "contact.email". A key that
// is empty or holds other characters than letters, digits, '_' and '-' is quoted:
// private["my ideas"], so that every path names its value unambiguously. A key of
// more than 64 characters is quoted and cut as Quote cuts it, private["aaa"…],
// which names it for a person without echoing all of it.
func join(path, key string) string {
	if len(key) > maxQuoted {
		if q := Quote(key); strings.HasSuffix(q, "…") {
			return path + "[" + q + "]" // cut: a key that long is named, not echoed
		}
	}
	if !plainKey(key) {
		return path + "[" + strconv.Quote(key) + "]"
	}
	if path == "" {
		return key
	}
	return path + "." + key
}

func plainKey(key string) bool {
	if key == "" {
		return false
	}
	for _, r := range key {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '-') {
			return false
		}
	}
	return true
}

func elem(path string, i int) string { return fmt.Sprintf("%s[%d]", path, i) }

// join and elem are the functions join and elem, except in fast mode, where they
// build no path.
func (d *decoder) join(path, key string) string {
	if d.fast {
		return ""
	}
	return join(path, key)
}

func (d *decoder) elem(path string, i int) string {
	if d.fast {
		return ""
	}
	return elem(path, i)
}

// members calls fn for each member of the object raw in order. A key given twice is
// an error; only its first value counts. It reports whether raw was an object.
func (d *decoder) members(path string, raw json.RawMessage, fn func(key string, val json.RawMessage)) bool {
	if jsonKind(raw) != "an object" {
		d.fail(path, "must be an object, not %s", jsonKind(raw))
		return false
	}
	if d.fast {
		return d.fastMembers(raw, fn)
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	if _, err := dec.Token(); err != nil {
		d.fail(path, "unreadable object: %v", err)
		return false
	}
	seen := make(map[string]bool)
	for dec.More() {
		start := dec.InputOffset()
		tok, err := dec.Token()
		if err != nil {
			d.fail(path, "unreadable object: %v", err)
			return false
		}
		key, _ := tok.(string)
		lit := bytes.TrimLeft(raw[start:dec.InputOffset()], " \t\r\n,")
		var val json.RawMessage
		if err := dec.Decode(&val); err != nil {
			d.fail(join(path, key), "unreadable value: %v", err)
			return false
		}
		if msg := literalError(lit, encodingOnly); msg != "" {
			d.fail(join(path, key), "key %s", msg)
			continue
		}
		if seen[key] {
			d.errs.add(join(path, key), "given more than once")
			continue
		}
		seen[key] = true
		fn(key, val)
	}
	return true
}

// fields walks an object with a fixed set of keys: an unknown key is an error, and a
// null value is the same as an absent one.
func (d *decoder) fields(path string, raw json.RawMessage, names []string, fn func(name string, val json.RawMessage)) bool {
	return d.members(path, raw, func(key string, val json.RawMessage) {
		if !slices.Contains(names, key) {
			if i := slices.IndexFunc(names, func(n string) bool { return strings.EqualFold(n, key) }); i >= 0 {
				d.errs.add(join(path, key), "unknown field; keys are case-sensitive: did you mean %s?", strconv.Quote(names[i]))
				return
			}
			d.errs.add(join(path, key), "unknown field; valid: %s", strings.Join(names, ", "))
			return
		}
		if jsonKind(val) == "null" {
			return
		}
		fn(key, val)
	})
}

// elements calls fn for each element of the array raw. It reports whether raw was an
// array.
func (d *decoder) elements(path string, raw json.RawMessage, fn func(path string, val json.RawMessage)) bool {
	if jsonKind(raw) != "an array" {
		d.fail(path, "must be an array, not %s", jsonKind(raw))
		return false
	}
	if d.fast {
		return d.fastElements(path, raw, fn)
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	if _, err := dec.Token(); err != nil {
		d.fail(path, "unreadable array: %v", err)
		return false
	}
	for i := 0; dec.More(); i++ {
		var val json.RawMessage
		if err := dec.Decode(&val); err != nil {
			d.fail(elem(path, i), "unreadable value: %v", err)
			return false
		}
		fn(elem(path, i), val)
	}
	return true
}

// str reads a string, refusing one that is not valid UTF-8 or holds a lone
// surrogate, which unquoting would hide (text.go); validation checks the rest of
// the rules of text.
func (d *decoder) str(path string, raw json.RawMessage) string {
	if jsonKind(raw) != "a string" {
		d.fail(path, "must be a string, not %s", jsonKind(raw))
		return ""
	}
	if s, ok := d.plain(raw); ok {
		return s
	}
	if msg := literalError(trimJSONSpace(raw), encodingOnly); msg != "" {
		d.fail(path, "%s", msg)
		return ""
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		d.fail(path, "unreadable string: %v", err)
	}
	return s
}

func (d *decoder) boolean(path string, raw json.RawMessage) bool {
	if jsonKind(raw) != "a boolean" {
		d.fail(path, "must be true or false, not %s", jsonKind(raw))
		return false
	}
	return trimJSONSpace(raw)[0] == 't'
}

// number reads a number and reports whether it could.
func (d *decoder) number(path string, raw json.RawMessage) (float64, bool) {
	if jsonKind(raw) != "a number" {
		d.fail(path, "must be a number, not %s", jsonKind(raw))
		return 0, false
	}
	lit := bytes.TrimSpace(raw) // converted where used: no copy on success
	f, err := strconv.ParseFloat(string(lit), 64)
	if err != nil {
		d.fail(path, "number %s is out of range", cut(string(lit)))
		return 0, false
	}
	return f, true
}

// integer reads a whole number in [lo, hi]: 3, 3.0 or 3e0.
func (d *decoder) integer(path string, raw json.RawMessage, lo, hi int64) int64 {
	if jsonKind(raw) != "a number" {
		d.fail(path, "must be a whole number, not %s", jsonKind(raw))
		return 0
	}
	lit := bytes.TrimSpace(raw) // converted where used: no copy on success
	n, err := strconv.ParseInt(string(lit), 10, 64)
	if err != nil {
		f, ferr := strconv.ParseFloat(string(lit), 64)
		switch {
		case ferr == nil && f != math.Trunc(f):
			d.fail(path, "must be a whole number, not %s", cut(string(lit)))
			return 0
		case ferr != nil || f < math.MinInt64 || f >= math.MaxInt64:
			d.fail(path, "number %s is out of range", cut(string(lit)))
			return 0
		}
		n = int64(f)
	}
	if n < lo || n > hi {
		d.fail(path, "number %s is out of range", cut(string(lit)))
		return 0
	}
	return n
}

// stringList reads an array of strings; an element of another type is reported at its
// own path and kept as "" so that the indexes of the others stay right.
func (d *decoder) stringList(path string, raw json.RawMessage) []string {
	out := []string{}
	if !d.elements(path, raw, func(p string, val json.RawMessage) { out = append(out, d.str(p, val)) }) {
		return nil
	}
	return out
}

// cut shortens a literal for a message.
func cut(s string) string {
	if len(s) <= 40 {
		return s
	}
	return s[:40] + "..."
}

var profileFields = []string{"id", "name", "kind", "size", "new_provider", "can_lead", "areas",
	"instruments", "themes", "description", "contact", "private"}

func (d *decoder) profile(raw json.RawMessage) Profile {
	p := Profile{Themes: []string{}}
	d.fields("", raw, profileFields, func(name string, val json.RawMessage) {
		switch name {
		case "id":
			p.ID = d.str(name, val)
		case "name":
			p.Name = strings.TrimSpace(d.str(name, val))
		case "kind":
			p.Kind = d.str(name, val)
		case "size":
			p.Size = d.str(name, val)
		case "new_provider":
			p.NewProvider = d.boolean(name, val)
		case "can_lead":
			p.CanLead = d.boolean(name, val)
		case "areas":
			p.Areas = d.stringList(name, val)
		case "instruments":
			p.Instruments = d.levels(name, val)
		case "themes":
			if themes := d.stringList(name, val); themes != nil {
				p.Themes = themes
			}
		case "description":
			p.Description = d.str(name, val)
		case "contact":
			p.Contact = d.contact(name, val)
		case "private":
			p.Private = d.private(name, val)
		}
	})
	return p
}

func (d *decoder) levels(path string, raw json.RawMessage) map[string]float64 {
	levels := make(map[string]float64)
	d.members(path, raw, func(code string, val json.RawMessage) {
		if l, ok := d.number(d.join(path, code), val); ok {
			levels[code] = l
		}
	})
	return levels
}

var contactFields = []string{"email", "phone", "website", "person"}

// contact reads a contact; one with no field set is nil.
func (d *decoder) contact(path string, raw json.RawMessage) *Contact {
	var c Contact
	d.fields(path, raw, contactFields, func(name string, val json.RawMessage) {
		s := strings.TrimSpace(d.str(d.join(path, name), val))
		switch name {
		case "email":
			c.Email = s
		case "phone":
			c.Phone = s
		case "website":
			c.Website = s
		case "person":
			c.Person = s
		}
	})
	if c == (Contact{}) {
		return nil
	}
	return &c
}

// private reads the private notes; an empty object is nil.
func (d *decoder) private(path string, raw json.RawMessage) map[string]string {
	notes := make(map[string]string)
	d.members(path, raw, func(key string, val json.RawMessage) {
		notes[key] = d.str(d.join(path, key), val)
	})
	if len(notes) == 0 {
		return nil
	}
	return notes
}

// tenderWire is a tender as given: pointers and nil slices tell an absent field from a
// zero one, so that withDefaults can fill in exactly the absent ones.
type tenderWire struct {
	ID, Title, Description string
	Area, Themes           []string
	Budget                 *int64
	Needs                  []Need
	MinSize, MaxSize       *int
	RequireKinds           []string
	MaxLarge               *int
	MinSmall               *int
	Exclude                []string
	Weights                *Weights
}

// withDefaults is the tender with the defaults of SPEC §2 in place of absent fields.
func (w tenderWire) withDefaults() Tender {
	tn := Tender{
		ID:           w.ID,
		Title:        w.Title,
		Description:  w.Description,
		Area:         w.Area,
		Themes:       orEmpty(w.Themes),
		Budget:       w.Budget,
		Needs:        w.Needs,
		MinSize:      DefaultMinSize,
		MaxSize:      DefaultMaxSize,
		RequireKinds: orEmpty(w.RequireKinds),
		MaxLarge:     w.MaxLarge,
		Exclude:      orEmpty(w.Exclude),
		Weights:      DefaultWeights,
	}
	if w.MinSize != nil {
		tn.MinSize = *w.MinSize
	}
	if w.MaxSize != nil {
		tn.MaxSize = *w.MaxSize
	}
	if w.MinSmall != nil {
		tn.MinSmall = *w.MinSmall
	}
	if w.Weights != nil {
		tn.Weights = *w.Weights
	}
	return tn
}

func orEmpty(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

var tenderFields = []string{"id", "title", "description", "area", "themes", "budget", "needs",
	"min_size", "max_size", "require_kinds", "max_large", "min_small", "exclude", "weights"}

// Bounds of the whole-number fields of a tender as read; validation narrows them.
const (
	maxBudget = 1<<53 - 1 // whole euros, exact in a float64 and in JavaScript
	maxCount  = math.MaxInt32
)

func (d *decoder) tender(raw json.RawMessage) tenderWire {
	var w tenderWire
	count := func(name string, val json.RawMessage) *int {
		n := int(d.integer(name, val, math.MinInt32, maxCount))
		return &n
	}
	d.fields("", raw, tenderFields, func(name string, val json.RawMessage) {
		switch name {
		case "id":
			w.ID = d.str(name, val)
		case "title":
			w.Title = strings.TrimSpace(d.str(name, val))
		case "description":
			w.Description = d.str(name, val)
		case "area":
			w.Area = d.stringList(name, val)
		case "themes":
			w.Themes = d.stringList(name, val)
		case "budget":
			b := d.integer(name, val, math.MinInt64, maxBudget)
			w.Budget = &b
		case "needs":
			w.Needs = d.needs(name, val)
		case "min_size":
			w.MinSize = count(name, val)
		case "max_size":
			w.MaxSize = count(name, val)
		case "require_kinds":
			w.RequireKinds = d.stringList(name, val)
		case "max_large":
			w.MaxLarge = count(name, val)
		case "min_small":
			w.MinSmall = count(name, val)
		case "exclude":
			w.Exclude = d.stringList(name, val)
		case "weights":
			w.Weights = d.weights(name, val)
		}
	})
	return w
}

var needFields = []string{"instrument", "weight", "must"}

func (d *decoder) needs(path string, raw json.RawMessage) []Need {
	needs := []Need{}
	ok := d.elements(path, raw, func(p string, val json.RawMessage) {
		var need Need
		hasWeight := false
		isObject := d.fields(p, val, needFields, func(name string, val json.RawMessage) {
			switch name {
			case "instrument":
				need.Instrument = d.str(d.join(p, name), val)
			case "weight":
				need.Weight, _ = d.number(d.join(p, name), val)
				hasWeight = true
			case "must":
				need.Must = d.boolean(d.join(p, name), val)
			}
		})
		if isObject && !hasWeight {
			d.fail(join(p, "weight"), "required, a number in (0, %d]", MaxNeedWeight)
		}
		needs = append(needs, need)
	})
	if !ok {
		return nil
	}
	return needs
}

var weightFields = []string{"coverage", "diversity", "trust", "inclusion"}

func (d *decoder) weights(path string, raw json.RawMessage) *Weights {
	var w Weights
	d.fields(path, raw, weightFields, func(name string, val json.RawMessage) {
		f, _ := d.number(d.join(path, name), val)
		switch name {
		case "coverage":
			w.Coverage = f
		case "diversity":
			w.Diversity = f
		case "trust":
			w.Trust = f
		case "inclusion":
			w.Inclusion = f
		}
	})
	return &w
}

var collaborationFields = []string{"a", "b", "outcome", "at"}

func (d *decoder) collaboration(raw json.RawMessage) Collaboration {
	var c Collaboration
	d.fields("", raw, collaborationFields, func(name string, val json.RawMessage) {
		s := d.str(name, val)
		switch name {
		case "a":
			c.A = s
		case "b":
			c.B = s
		case "at":
			c.At = s
		case "outcome":
			c.Outcome = s
		}
	})
	return c
}
