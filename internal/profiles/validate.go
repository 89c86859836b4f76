package profiles

import (
	"fmt"
	"math"
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// Limits of SPEC §2 and of this package where the specification is silent.
const (
	maxIDLen        = 64   // id: 1–64 characters [a-z0-9-]
	maxShortText    = 200  // name, title, contact fields, private keys
	maxLongText     = 5000 // description, private values
	maxPrivateKeys  = 20
	maxProfileLevel = 1 // an instrument level lies in (0, 1]
)

// dateLayout is the form of Collaboration.At.
const dateLayout = "2006-01-02"

// ValidID reports whether id is a valid profile or tender id: 1–64 characters of
// a-z, 0-9 and '-'.
func ValidID(id string) bool {
	if len(id) < 1 || len(id) > maxIDLen {
		return false
	}
	for i := 0; i < len(id); i++ {
		if c := id[i]; !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

// ValidateProfile checks a profile against SPEC §1–2 and returns nil or a
// *ValidationError naming every invalid field. Besides the specification's rules,
// name must be trimmed, text keeps the rules of text (text.go: valid UTF-8, no
// control characters, line breaks and tabs only in description and private
// values), contact fields are at most 200 characters, contact.website is an http
// or https URL with a host, and private keys are non-empty and at most 200
// characters.
func (t *Taxonomy) ValidateProfile(p Profile) error {
	var errs fieldErrors
	t.checkProfile(&errs, p)
	return errs.err()
}

func (t *Taxonomy) checkProfile(errs *fieldErrors, p Profile) {
	checkID(errs, "id", p.ID)
	checkTitle(errs, "name", p.Name)
	checkCode(errs, "kind", "kind", p.Kind, t.Kinds, t.HasKind)
	switch p.Size {
	case SizeSmall, SizeMedium, SizeLarge:
	case "":
		errs.add("size", "required; valid: small, medium, large")
	default:
		errs.add("size", "must be small, medium or large, got %s", Quote(p.Size))
	}
	checkAreas(errs, "areas", p.Areas)
	t.checkRegister(errs, "areas", p.Areas)
	if len(p.Instruments) == 0 {
		errs.add("instruments", "at least one instrument is required")
	}
	var keys [16]string // room for the keys of most documents, without allocating
	for _, code := range appendSortedKeys(keys[:0], p.Instruments) {
		l := p.Instruments[code]
		known, inRange := t.HasInstrument(code), l > 0 && l <= maxProfileLevel
		if known && inRange {
			continue // the path is built only for a message
		}
		path := join("instruments", code)
		if !known {
			errs.add(path, "%s", unknownCode("instrument", code, t.Instruments))
		}
		if !inRange {
			errs.add(path, "level must be in (0, 1], got %v", l)
		}
	}
	checkCodes(errs, "themes", "theme", p.Themes, t.Themes, t.HasTheme)
	checkText(errs, "description", p.Description, maxLongText, true)
	if c := p.Contact; c != nil {
		checkText(errs, "contact.email", c.Email, maxShortText, false)
		if c.Email != "" && !validEmail(c.Email) {
			errs.add("contact.email", "%s is not an email address", Quote(c.Email))
		}
		checkText(errs, "contact.phone", c.Phone, maxShortText, false)
		if checkText(errs, "contact.website", c.Website, maxShortText, false) && c.Website != "" && !validWebsite(c.Website) {
			errs.add("contact.website", "must be an http or https URL with a host, such as https://example.org")
		}
		checkText(errs, "contact.person", c.Person, maxShortText, false)
	}
	if len(p.Private) > maxPrivateKeys {
		errs.add("private", "at most %d keys, got %d", maxPrivateKeys, len(p.Private))
	}
	for _, key := range appendSortedKeys(keys[:0], p.Private) {
		if key == "" {
			errs.add("private", "keys must not be empty")
			continue
		}
		if msg := textError(key, maxShortText, false); msg != "" {
			errs.add(join("private", key), "key %s", msg)
			continue
		}
		if msg := textError(p.Private[key], maxLongText, true); msg != "" {
			errs.add(join("private", key), "%s", msg)
		}
	}
}

// ValidateTender checks a tender that already has its defaults applied (as
// DecodeTender returns it) against SPEC §1–2, and returns nil or a *ValidationError
// naming every invalid field. Besides the specification's rules, area and themes may
// not repeat a code, and title must be trimmed.
func (t *Taxonomy) ValidateTender(tn Tender) error {
	var errs fieldErrors
	t.checkTender(&errs, tn)
	return errs.err()
}

func (t *Taxonomy) checkTender(errs *fieldErrors, tn Tender) {
	checkID(errs, "id", tn.ID)
	checkTitle(errs, "title", tn.Title)
	checkText(errs, "description", tn.Description, maxLongText, true)
	checkAreas(errs, "area", tn.Area)
	t.checkRegister(errs, "area", tn.Area)
	checkCodes(errs, "themes", "theme", tn.Themes, t.Themes, t.HasTheme)
	if tn.Budget != nil && *tn.Budget < 0 {
		errs.add("budget", "must be at least 0, got %d", *tn.Budget)
	}

	switch {
	case len(tn.Needs) == 0:
		errs.add("needs", "at least one need is required")
	case len(tn.Needs) > MaxNeeds:
		errs.add("needs", "at most %d needs, got %d", MaxNeeds, len(tn.Needs))
	}
	first := make(map[string]int, len(tn.Needs))
	for i, need := range tn.Needs {
		path := func() string { return fmt.Sprintf("needs[%d]", i) } // only for a message
		switch {
		case need.Instrument == "":
			errs.add(path()+".instrument", "required")
		case !t.HasInstrument(need.Instrument):
			errs.add(path()+".instrument", "%s", unknownCode("instrument", need.Instrument, t.Instruments))
		}
		if j, dup := first[need.Instrument]; dup && need.Instrument != "" {
			errs.add(path()+".instrument", "%s already in needs[%d]", Quote(need.Instrument), j)
		} else {
			first[need.Instrument] = i
		}
		if w := need.Weight; !(w > 0 && w <= MaxNeedWeight) {
			errs.add(path()+".weight", "must be in (0, %d], got %v", MaxNeedWeight, w)
		}
	}

	if tn.MinSize < 1 {
		errs.add("min_size", "must be at least 1, got %d", tn.MinSize)
	}
	switch {
	case tn.MaxSize > MaxMaxSize:
		errs.add("max_size", "must be at most %d, got %d", MaxMaxSize, tn.MaxSize)
	case tn.MaxSize < 1:
		errs.add("max_size", "must be at least 1, got %d", tn.MaxSize)
	case tn.MinSize >= 1 && tn.MinSize > tn.MaxSize:
		errs.add("min_size", "must be at most max_size (%d), got %d", tn.MaxSize, tn.MinSize)
	}
	if tn.MaxLarge != nil && *tn.MaxLarge < 0 {
		errs.add("max_large", "must be at least 0, got %d", *tn.MaxLarge)
	}
	switch {
	case tn.MinSmall < 0:
		errs.add("min_small", "must be at least 0, got %d", tn.MinSmall)
	case tn.MinSmall > tn.MaxSize:
		errs.add("min_small", "must be at most max_size (%d), got %d", tn.MaxSize, tn.MinSmall)
	}
	checkCodes(errs, "require_kinds", "kind", tn.RequireKinds, t.Kinds, t.HasKind)
	if len(tn.RequireKinds) > tn.MaxSize && tn.MaxSize >= 1 {
		errs.add("require_kinds", "%d kinds cannot all be present in at most max_size (%d) members", len(tn.RequireKinds), tn.MaxSize)
	}
	for i, id := range tn.Exclude {
		if !ValidID(id) { // the path is built only for a message
			checkID(errs, fmt.Sprintf("exclude[%d]", i), id)
		}
	}
	checkWeights(errs, "weights", tn.Weights)
}

func checkWeights(errs *fieldErrors, path string, w Weights) {
	terms := []struct {
		name  string
		value float64
	}{{"coverage", w.Coverage}, {"diversity", w.Diversity}, {"trust", w.Trust}, {"inclusion", w.Inclusion}}
	ok := true
	for _, term := range terms {
		switch {
		case math.IsNaN(term.value) || math.IsInf(term.value, 0):
			errs.add(path+"."+term.name, "must be a finite number, got %v", term.value)
			ok = false
		case term.value < 0:
			errs.add(path+"."+term.name, "must be at least 0, got %v", term.value)
			ok = false
		}
	}
	if sum := weightSum(w); ok && !(sum > 0 && !math.IsInf(sum, 0)) {
		errs.add(path, "must have a positive, finite sum, got %v", sum)
	}
}

// ValidateCollaboration checks a collaboration event (SPEC §2, §4) and returns nil or
// a *ValidationError naming every invalid field.
func ValidateCollaboration(c Collaboration) error {
	var errs fieldErrors
	checkCollaboration(&errs, c)
	return errs.err()
}

func checkCollaboration(errs *fieldErrors, c Collaboration) {
	checkID(errs, "a", c.A)
	checkID(errs, "b", c.B)
	if c.A != "" && c.A == c.B {
		errs.add("b", "must differ from a: a partner does not collaborate with itself")
	}
	switch c.Outcome {
	case OutcomePositive, OutcomeNegative:
	case "":
		errs.add("outcome", "required; valid: positive, negative")
	default:
		errs.add("outcome", "must be positive or negative, got %s", Quote(c.Outcome))
	}
	if c.At == "" {
		errs.add("at", "required")
	} else if !validDate(c.At) {
		errs.add("at", "%s is not a calendar date YYYY-MM-DD", Quote(c.At))
	}
}

// validDate reports whether s is a calendar date YYYY-MM-DD.
func validDate(s string) bool {
	_, err := time.Parse(dateLayout, s)
	return err == nil && len(s) == len(dateLayout)
}

func checkID(errs *fieldErrors, path, id string) {
	switch {
	case id == "":
		errs.add(path, "required")
	case !ValidID(id):
		errs.add(path, "%s is not a valid id: use 1-%d characters a-z, 0-9 and -", Quote(id), maxIDLen)
	}
}

// validEmail reports whether s looks like an email address: a local part of at least
// one character, none of them white space (space, \t, \n, \f, \r) or one of
// @<>(),;:"[]\, then '@' and a domain of at least two labels separated by '.', each
// label of letters a-z and A-Z, digits and '-' that neither starts nor ends with '-'.
// It is the regular expression
//
//	^[^@\s<>(),;:"\[\]\\]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$
//
// written out, which the tests check.
func validEmail(s string) bool {
	at := strings.IndexByte(s, '@')
	if at < 1 {
		return false
	}
	for i := 0; i < at; i++ {
		// Only ASCII is excluded, so bytes will do: every byte of a multi-byte or
		// invalid UTF-8 sequence is at least 0x80.
		if notInLocalPart[s[i]] {
			return false
		}
	}
	domain := s[at+1:]
	for labels := 1; ; labels++ {
		label, rest, more := strings.Cut(domain, ".")
		if !validLabel(label) {
			return false
		}
		if !more {
			return labels >= 2
		}
		domain = rest
	}
}

// notInLocalPart tells the bytes validEmail refuses before the '@'.
var notInLocalPart = func() (t [256]bool) {
	for _, c := range []byte("\t\n\f\r <>(),;:\"[]\\") {
		t[c] = true
	}
	return t
}()

// validLabel reports whether s is a domain label for validEmail.
func validLabel(s string) bool {
	if s == "" || s[0] == '-' || s[len(s)-1] == '-' {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

// checkTitle checks a profile's name or a tender's title: required, trimmed, short.
func checkTitle(errs *fieldErrors, path, s string) {
	switch {
	case strings.TrimSpace(s) == "":
		errs.add(path, "required")
	case strings.TrimSpace(s) != s:
		errs.add(path, "must not start or end with white space")
	default:
		checkText(errs, path, s, maxShortText, false)
	}
}

// checkText checks a text of at most max characters, multi-line or not, and
// reports whether it is valid.
func checkText(errs *fieldErrors, path, s string, max int, multiline bool) bool {
	if msg := textError(s, max, multiline); msg != "" {
		errs.add(path, "%s", msg)
		return false
	}
	return true
}

// textError is what is wrong with a text of at most max characters, or "": the
// rules of text (text.go), then the length.
func textError(s string, max int, multiline bool) string {
	if msg := textRuleError(s, multiline); msg != "" {
		return msg
	}
	if len(s) > max && utf8.RuneCountInString(s) > max { // never more runes than bytes
		return fmt.Sprintf("at most %d characters, got %d", max, utf8.RuneCountInString(s))
	}
	return ""
}

// validWebsite reports whether s is a URL a browser may open as a web site: http or
// https, with a host, and no user name or password (https://bank.example@evil.example
// shows one host and opens another). Any other scheme (javascript:, data:, file:)
// would run or open something else where a page links it.
func validWebsite(s string) bool {
	u, err := url.Parse(s)
	if err != nil || u.Opaque != "" || u.User != nil || u.Hostname() == "" {
		return false
	}
	scheme := strings.ToLower(u.Scheme)
	return scheme == "http" || scheme == "https"
}

func checkCode(errs *fieldErrors, path, what, code string, terms []Term, known func(string) bool) {
	if msg := codeError(what, code, terms, known); msg != "" {
		errs.add(path, "%s", msg)
	}
}

// codeError is what is wrong with a taxonomy code, or "".
func codeError(what, code string, terms []Term, known func(string) bool) string {
	switch {
	case code == "":
		return "required"
	case !known(code):
		return unknownCode(what, code, terms)
	}
	return ""
}

// checkCodes checks a set of taxonomy codes: each known. A repeat is no error
// (SPEC §2): the decoders drop it once the document is valid.
func checkCodes(errs *fieldErrors, path, what string, codes []string, terms []Term, known func(string) bool) {
	for i, code := range codes {
		if msg := codeError(what, code, terms, known); msg != "" {
			errs.add(elem(path, i), "%s", msg)
		}
	}
}

// checkAreas checks a set of area codes: at least one, each a CBS code; a repeat
// is no error, as in checkCodes.
func checkAreas(errs *fieldErrors, path string, areas []string) {
	if len(areas) == 0 {
		errs.add(path, "at least one area is required")
	}
	for i, area := range areas {
		if !ValidArea(area) {
			errs.add(elem(path, i), "%s is not a CBS area code (NL, GMdddd, WKdddddd or BUdddddddd)", Quote(area))
		}
	}
}

func sortedKeys[V any](m map[string]V) []string {
	return appendSortedKeys(nil, m)
}

// appendSortedKeys appends the keys of m to dst and sorts what it appended.
func appendSortedKeys[V any](dst []string, m map[string]V) []string {
	start := len(dst)
	dst = slices.Grow(dst, len(m))
	for k := range m {
		dst = append(dst, k)
	}
	slices.Sort(dst[start:])
	return dst
}
