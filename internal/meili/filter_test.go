package meili

import (
	"errors"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"samenspel/config"
	"samenspel/internal/profiles"
)

func testTaxonomy(t testing.TB) *profiles.Taxonomy {
	t.Helper()
	tax, err := profiles.ParseTaxonomy(config.Taxonomy)
	if err != nil {
		t.Fatalf("ParseTaxonomy(config.Taxonomy) = %v", err)
	}
	return tax
}

// skeleton replaces every string literal of a filter expression by ? and returns
// the literals' values, unescaped. It fails on an unterminated literal or a
// backslash outside one: then the expression is not what the builder means to write.
func skeleton(expr string) (shape string, values []string, err error) {
	var b, v strings.Builder
	inString := false
	for i := 0; i < len(expr); i++ {
		c := expr[i]
		switch {
		case !inString && c == '"':
			inString = true
			v.Reset()
		case !inString && c == '\\':
			return "", nil, errors.New("backslash outside a string literal")
		case !inString:
			b.WriteByte(c)
		case c == '\\':
			if i+1 == len(expr) {
				return "", nil, errors.New("escape at the end")
			}
			i++
			v.WriteByte(expr[i])
		case c == '"':
			inString = false
			b.WriteByte('?')
			values = append(values, v.String())
		default:
			v.WriteByte(c)
		}
	}
	if inString {
		return "", nil, errors.New("unterminated string literal")
	}
	return b.String(), values, nil
}

// listShape is skeleton with every list of literals written as [?...]: the number of
// parents of an area depends on its level, not on the structure.
func listShape(expr string) (shape string, values []string, err error) {
	shape, values, err = skeleton(expr)
	return literalLists.ReplaceAllString(shape, "[?...]"), values, err
}

var literalLists = regexp.MustCompile(`\[\?(, \?)*\]`)

func TestFilter(t *testing.T) {
	tax := testTaxonomy(t)
	tests := []struct {
		name  string
		build func(f *filter)
		want  string
		errs  []string // fields of the validation error
	}{
		{"nothing", func(f *filter) {}, "", nil},
		{"kind", func(f *filter) { f.Eq("kind", attrKind, vKind, "welfare") }, `kind = "welfare"`, nil},
		{"size and theme", func(f *filter) {
			f.Eq("size", attrSize, vSize, "small")
			f.Eq("theme", attrThemes, vTheme, "poverty")
		}, `size = "small" AND themes = "poverty"`, nil},
		{"instruments", func(f *filter) {
			f.In("needs", attrInstruments, vInstrument, []string{"meals", "home_visits"})
		}, `instruments IN ["meals", "home_visits"]`, nil},
		{"exclude", func(f *filter) {
			f.NotIn("exclude", attrID, vID, []string{"woonstad", "buurtkamer-overvecht"})
		}, `NOT id IN ["woonstad", "buurtkamer-overvecht"]`, nil},
		{"empty exclude adds nothing", func(f *filter) { f.NotIn("exclude", attrID, vID, nil) }, "", nil},
		{"current profiles, documents without stale too", func(f *filter) { f.Current() }, `NOT stale = true`, nil},
		{"candidates", func(f *filter) {
			f.In("needs", attrInstruments, vInstrument, []string{"meals"})
			f.NotIn("exclude", attrID, vID, []string{"woonstad"})
			f.Current()
		}, `instruments IN ["meals"] AND NOT id IN ["woonstad"] AND NOT stale = true`, nil},
		{"overlap of a neighbourhood", func(f *filter) { f.Overlap("area", []string{"BU03441205"}, false) },
			`(areas IN ["BU03441205", "WK034412", "GM0344", "NL"] OR area_parents IN ["BU03441205"])`, nil},
		{"overlap of two areas, parents once", func(f *filter) {
			f.Overlap("area", []string{"WK034412", "WK034413"}, true)
		}, `(areas IN ["WK034412", "GM0344", "NL", "WK034413"] OR area_parents IN ["WK034412", "WK034413"])`, nil},
		{"unknown kind", func(f *filter) { f.Eq("kind", attrKind, vKind, `x" OR id EXISTS`) }, "", []string{"kind"}},
		{"size in capitals", func(f *filter) { f.Eq("size", attrSize, vSize, "Small") }, "", []string{"size"}},
		{"unknown instrument", func(f *filter) { f.Eq("instrument", attrInstruments, vInstrument, "cooking") }, "", []string{"instrument"}},
		{"unknown theme", func(f *filter) { f.Eq("theme", attrThemes, vTheme, "") }, "", []string{"theme"}},
		{"bad area", func(f *filter) { f.Overlap("area", []string{"GM344"}, false) }, "", []string{"area"}},
		{"bad areas listed by index", func(f *filter) {
			f.Overlap("area", []string{"GM0344", "gm0363", "XX"}, true)
		}, "", []string{"area[1]", "area[2]"}},
		{"bad exclude id", func(f *filter) {
			f.NotIn("exclude", attrID, vID, []string{"ok", `a"]`})
		}, "", []string{"exclude[1]"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFilter(tax)
			tt.build(f)
			if got := f.String(); got != tt.want {
				t.Errorf("filter = %s, want %s", got, tt.want)
			}
			var got []string
			if err := f.Err(); err != nil {
				var ve *profiles.ValidationError
				if !errors.As(err, &ve) {
					t.Fatalf("Err() = %T %v, want a *profiles.ValidationError", err, err)
				}
				for _, fe := range ve.Errors {
					got = append(got, fe.Field)
				}
			}
			if diff := cmp.Diff(tt.errs, got); diff != "" {
				t.Errorf("Err() fields (-want +got):\n%s", diff)
			}
		})
	}
}

func TestQuote(t *testing.T) {
	tests := []struct{ in, want string }{
		{"meals", `"meals"`},
		{"", `""`},
		{`a"b`, `"a\"b"`},
		{`a\b`, `"a\\b"`},
		{`\"`, `"\\\""`},
		{`x" OR id EXISTS OR "`, `"x\" OR id EXISTS OR \""`},
	}
	for _, tt := range tests {
		if got := quote(tt.in); got != tt.want {
			t.Errorf("quote(%q) = %s, want %s", tt.in, got, tt.want)
		}
	}
}

// FuzzFilter checks that no input changes the structure of a filter: whatever the
// values, the expression has the shape that the calls alone decide, and each string
// literal in it reads back as exactly one of the values given. Values that the
// validators would reject are also fed to quote directly, so that the escaping
// holds on its own.
func FuzzFilter(f *testing.F) {
	f.Add("welfare", "small", "meals", "poverty", "WK034412", "woonstad")
	f.Add(`x" OR id EXISTS OR "`, `\`, `"]`, "", "NL", `a\"b`)
	f.Add("care", "large", "home_visits", "youth", "BU03441205", "a-b-c")
	tax := testTaxonomy(f)
	f.Fuzz(func(t *testing.T, kind, size, instrument, theme, area, exclude string) {
		build := func(kind, size, instrument, theme, area, exclude string) *filter {
			fl := newFilter(tax)
			fl.Eq("kind", attrKind, vKind, kind)
			fl.Eq("size", attrSize, vSize, size)
			fl.In("needs", attrInstruments, vInstrument, []string{instrument, "meals"})
			fl.Eq("theme", attrThemes, vTheme, theme)
			fl.Overlap("area", []string{area}, false)
			fl.NotIn("exclude", attrID, vID, []string{exclude})
			return fl
		}
		got := build(kind, size, instrument, theme, area, exclude)
		for _, fe := range got.errs {
			if fe.Field == "" {
				t.Fatalf("validation error without a field: %+v", fe)
			}
		}
		// The same calls with valid values give the reference shape; an input may only
		// drop a clause (by failing validation), never add or reshape one.
		ref := build("welfare", "small", "meals", "poverty", "WK034412", "woonstad")
		refShape, _, err := listShape(ref.String())
		if err != nil {
			t.Fatalf("skeleton(reference %s) = %v", ref.String(), err)
		}
		if got.Err() == nil {
			shape, values, err := listShape(got.String())
			if err != nil {
				t.Fatalf("skeleton(%s) = %v", got.String(), err)
			}
			if shape != refShape {
				t.Fatalf("filter %s has shape %s, want %s", got.String(), shape, refShape)
			}
			inputs := []string{kind, size, instrument, theme, area, exclude, "meals"}
			inputs = append(inputs, profiles.AreaParents(area)...)
			for _, v := range values {
				if !slices.Contains(inputs, v) {
					t.Fatalf("filter %s holds %q, which is no input value", got.String(), v)
				}
			}
		}
		for _, v := range []string{kind, size, instrument, theme, area, exclude} {
			shape, values, err := skeleton(quote(v))
			if err != nil || shape != "?" || len(values) != 1 || values[0] != v {
				t.Fatalf("skeleton(quote(%q)) = %q, %q, %v; want ?, [%q]", v, shape, values, err, v)
			}
			shape, _, err = skeleton(in(attrID, []string{v, v}))
			if err != nil || shape != "id IN [?, ?]" {
				t.Fatalf("skeleton(in(id, %q twice)) = %q, %v; want id IN [?, ?]", v, shape, err)
			}
		}
	})
}
