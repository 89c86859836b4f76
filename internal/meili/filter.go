package meili

import (
	"fmt"
	"slices"
	"strings"

	"samenspel/internal/profiles"
)

// Attributes of an index document that filters name. They are constants: no part of
// an attribute name ever comes from input.
const (
	attrID          = "id"
	attrKind        = "kind"
	attrSize        = "size"
	attrAreas       = "areas"
	attrAreaParents = "area_parents"
	attrInstruments = "instruments"
	attrThemes      = "themes"
	attrStale       = "stale"
)

// filter builds a Meilisearch filter expression out of validated values only. Each
// method checks its values (a profile id with profiles.ValidID, a code against the
// taxonomy, an area with profiles.ValidArea) and records a FieldError naming the field
// for each that fails; a value that passes is written quoted and escaped, so that it
// can only ever be a string literal in the expression. Clauses are joined by AND.
//
// The builder never takes an attribute name or an operator from its caller's input:
// the structure of the expression is fixed by which methods are called, the values
// only fill its string literals.
type filter struct {
	tax     *profiles.Taxonomy
	clauses []string
	errs    []profiles.FieldError
}

func newFilter(tax *profiles.Taxonomy) *filter { return &filter{tax: tax} }

// valueKind says how a value is validated.
type valueKind int

const (
	vID valueKind = iota
	vKind
	vSize
	vInstrument
	vTheme
	vArea
)

func (f *filter) valid(k valueKind, v string) (ok bool, want string) {
	switch k {
	case vID:
		return profiles.ValidID(v), "1-64 characters a-z, 0-9 and '-'"
	case vKind:
		return f.tax.HasKind(v), "a kind of the taxonomy"
	case vSize:
		return v == profiles.SizeSmall || v == profiles.SizeMedium || v == profiles.SizeLarge,
			"small, medium or large"
	case vInstrument:
		return f.tax.HasInstrument(v), "an instrument of the taxonomy"
	case vTheme:
		return f.tax.HasTheme(v), "a theme of the taxonomy"
	case vArea:
		return profiles.ValidArea(v), "an area code NL, GMdddd, WKdddddd or BUdddddddd"
	}
	return false, "a known value"
}

// check validates the values of field; it reports whether all are valid.
func (f *filter) check(field string, k valueKind, values []string, indexed bool) bool {
	ok := true
	for i, v := range values {
		if good, want := f.valid(k, v); !good {
			path := field
			if indexed {
				path = fmt.Sprintf("%s[%d]", field, i)
			}
			f.errs = append(f.errs, profiles.FieldError{Field: path,
				Message: fmt.Sprintf("%s is not %s", quoteForMessage(v), want)})
			ok = false
		}
	}
	return ok
}

// Eq adds `attr = "value"`.
func (f *filter) Eq(field, attr string, k valueKind, value string) {
	if f.check(field, k, []string{value}, false) {
		f.clauses = append(f.clauses, attr+" = "+quote(value))
	}
}

// In adds `attr IN ["v1", "v2"]`. An empty list matches nothing, as SQL's IN does.
func (f *filter) In(field, attr string, k valueKind, values []string) {
	if f.check(field, k, values, true) {
		f.clauses = append(f.clauses, in(attr, values))
	}
}

// NotIn adds `NOT attr IN [...]`; an empty list adds nothing.
func (f *filter) NotIn(field, attr string, k valueKind, values []string) {
	if len(values) == 0 {
		return
	}
	if f.check(field, k, values, true) {
		f.clauses = append(f.clauses, "NOT "+in(attr, values))
	}
}

// Overlap adds the area overlap of SPEC §3 for the areas of field: a profile matches
// when one of its areas equals or contains one of the given areas (it is among their
// parents-and-self), or lies in one of them (one of the given areas is among the
// parents-and-self of the profile's areas, kept in area_parents).
func (f *filter) Overlap(field string, areas []string, indexed bool) {
	if !f.check(field, vArea, areas, indexed) {
		return
	}
	var parents []string
	for _, a := range areas {
		for _, p := range profiles.AreaParents(a) {
			if !slices.Contains(parents, p) {
				parents = append(parents, p)
			}
		}
	}
	f.clauses = append(f.clauses, "("+in(attrAreas, parents)+" OR "+in(attrAreaParents, areas)+")")
}

// Current adds the clause that leaves out stale profiles. It is written as a
// negation, NOT stale = true, which also matches documents without the attribute:
// those indexed before the index knew staleness, which were current then.
func (f *filter) Current() {
	f.clauses = append(f.clauses, "NOT "+attrStale+" = true")
}

// String returns the expression, or "" when there are no clauses.
func (f *filter) String() string { return strings.Join(f.clauses, " AND ") }

// Err returns a *profiles.ValidationError naming every invalid field, or nil.
func (f *filter) Err() error {
	if len(f.errs) == 0 {
		return nil
	}
	return &profiles.ValidationError{Errors: f.errs}
}

func in(attr string, values []string) string {
	var b strings.Builder
	b.WriteString(attr)
	b.WriteString(" IN [")
	for i, v := range values {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(quote(v))
	}
	b.WriteString("]")
	return b.String()
}

// quote writes v as a string literal of Meilisearch's filter syntax: in double quotes,
// with every backslash and double quote escaped by a backslash. Validation keeps the
// values to plain codes; the escaping is what makes that a second line of defence
// rather than the only one.
func quote(v string) string {
	var b strings.Builder
	b.Grow(len(v) + 2)
	b.WriteByte('"')
	for i := 0; i < len(v); i++ {
		if c := v[i]; c == '"' || c == '\\' {
			b.WriteByte('\\')
		}
		b.WriteByte(v[i])
	}
	b.WriteByte('"')
	return b.String()
}

// quoteForMessage quotes a rejected value for an error message, cut to a readable
// length.
func quoteForMessage(v string) string {
	const max = 64
	if r := []rune(v); len(r) > max {
		return fmt.Sprintf("%q...", string(r[:max]))
	}
	return fmt.Sprintf("%q", v)
}
