package profiles

import (
	"fmt"
	"math"
	"regexp"
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

var (
	idPattern    = regexp.MustCompile(`^[a-z0-9-]{1,64}$`)
	emailPattern = regexp.MustCompile(`^[^@\s<>(),;:"\[\]\\]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$`)
)

// dateLayout is the form of Collaboration.At.
const dateLayout = "2006-01-02"

// ValidID reports whether id is a valid profile or tender id: 1–64 characters of
// a-z, 0-9 and '-'.
func ValidID(id string) bool { return idPattern.MatchString(id) }

// ValidateProfile checks a profile against SPEC §1–2 and returns nil or a
// *ValidationError naming every invalid field. Besides the specification's rules,
// name must be trimmed, text must be valid UTF-8, contact fields are at most 200
// characters, and private keys are non-empty and at most 200 characters.
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
		errs.add("size", "must be small, medium or large, got %s", quote(p.Size))
	}
	checkAreas(errs, "areas", p.Areas)
	if len(p.Instruments) == 0 {
		errs.add("instruments", "at least one instrument is required")
	}
	for _, code := range sortedKeys(p.Instruments) {
		path := join("instruments", code)
		if !t.HasInstrument(code) {
			errs.add(path, "%s", unknownCode("instrument", code, t.Instruments))
		}
		if l := p.Instruments[code]; !(l > 0 && l <= maxProfileLevel) {
			errs.add(path, "level must be in (0, 1], got %v", l)
		}
	}
	checkCodes(errs, "themes", "theme", p.Themes, t.Themes, t.HasTheme)
	checkText(errs, "description", p.Description, maxLongText)
	if c := p.Contact; c != nil {
		checkText(errs, "contact.email", c.Email, maxShortText)
		if c.Email != "" && !emailPattern.MatchString(c.Email) {
			errs.add("contact.email", "%s is not an email address", quote(c.Email))
		}
		checkText(errs, "contact.phone", c.Phone, maxShortText)
		checkText(errs, "contact.website", c.Website, maxShortText)
		checkText(errs, "contact.person", c.Person, maxShortText)
	}
	if len(p.Private) > maxPrivateKeys {
		errs.add("private", "at most %d keys, got %d", maxPrivateKeys, len(p.Private))
	}
	for _, key := range sortedKeys(p.Private) {
		if key == "" {
			errs.add("private", "keys must not be empty")
			continue
		}
		if !utf8.ValidString(key) || utf8.RuneCountInString(key) > maxShortText {
			errs.add("private", "key %s must be valid UTF-8 of at most %d characters", quote(key), maxShortText)
			continue
		}
		checkText(errs, join("private", key), p.Private[key], maxLongText)
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
	checkText(errs, "description", tn.Description, maxLongText)
	checkAreas(errs, "area", tn.Area)
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
		path := fmt.Sprintf("needs[%d]", i)
		switch {
		case need.Instrument == "":
			errs.add(path+".instrument", "required")
		case !t.HasInstrument(need.Instrument):
			errs.add(path+".instrument", "%s", unknownCode("instrument", need.Instrument, t.Instruments))
		}
		if j, dup := first[need.Instrument]; dup && need.Instrument != "" {
			errs.add(path+".instrument", "%s already in needs[%d]", quote(need.Instrument), j)
		} else {
			first[need.Instrument] = i
		}
		if w := need.Weight; !(w > 0 && w <= MaxNeedWeight) {
			errs.add(path+".weight", "must be in (0, %d], got %v", MaxNeedWeight, w)
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
		checkID(errs, fmt.Sprintf("exclude[%d]", i), id)
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
		errs.add("outcome", "must be positive or negative, got %s", quote(c.Outcome))
	}
	if c.At == "" {
		errs.add("at", "required")
	} else if _, err := time.Parse(dateLayout, c.At); err != nil || len(c.At) != len(dateLayout) {
		errs.add("at", "%s is not a calendar date YYYY-MM-DD", quote(c.At))
	}
}

func checkID(errs *fieldErrors, path, id string) {
	switch {
	case id == "":
		errs.add(path, "required")
	case !ValidID(id):
		errs.add(path, "%s is not a valid id: use 1-%d characters a-z, 0-9 and -", quote(id), maxIDLen)
	}
}

// checkTitle checks a profile's name or a tender's title: required, trimmed, short.
func checkTitle(errs *fieldErrors, path, s string) {
	switch {
	case strings.TrimSpace(s) == "":
		errs.add(path, "required")
	case strings.TrimSpace(s) != s:
		errs.add(path, "must not start or end with white space")
	default:
		checkText(errs, path, s, maxShortText)
	}
}

func checkText(errs *fieldErrors, path, s string, max int) {
	switch {
	case !utf8.ValidString(s):
		errs.add(path, "must be valid UTF-8")
	case utf8.RuneCountInString(s) > max:
		errs.add(path, "at most %d characters, got %d", max, utf8.RuneCountInString(s))
	}
}

func checkCode(errs *fieldErrors, path, what, code string, terms []Term, known func(string) bool) {
	switch {
	case code == "":
		errs.add(path, "required")
	case !known(code):
		errs.add(path, "%s", unknownCode(what, code, terms))
	}
}

// checkCodes checks a list of taxonomy codes: each known, none repeated.
func checkCodes(errs *fieldErrors, path, what string, codes []string, terms []Term, known func(string) bool) {
	first := make(map[string]int, len(codes))
	for i, code := range codes {
		p := fmt.Sprintf("%s[%d]", path, i)
		checkCode(errs, p, what, code, terms, known)
		if j, dup := first[code]; dup {
			errs.add(p, "%s already in %s[%d]", quote(code), path, j)
		} else {
			first[code] = i
		}
	}
}

func checkAreas(errs *fieldErrors, path string, areas []string) {
	if len(areas) == 0 {
		errs.add(path, "at least one area is required")
	}
	first := make(map[string]int, len(areas))
	for i, area := range areas {
		p := fmt.Sprintf("%s[%d]", path, i)
		if !ValidArea(area) {
			errs.add(p, "%s is not a CBS area code (NL, GMdddd, WKdddddd or BUdddddddd)", quote(area))
		}
		if j, dup := first[area]; dup {
			errs.add(p, "%s already in %s[%d]", quote(area), path, j)
		} else {
			first[area] = i
		}
	}
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
