package web

import (
	"sort"

	"golang.org/x/text/collate"

	"samenspel/internal/profiles"
)

// The names people read for the codes of the documents: the taxonomy's nl and en
// labels (config/taxonomy.yaml), the sizes, and the gazetteer's area names. A code
// without a name is shown as it is, so that nothing is hidden.

func label(l Lang, term profiles.Term, ok bool, code string) string {
	switch {
	case !ok:
		return code
	case l == EN:
		return term.EN
	default:
		return term.NL
	}
}

func (s *Site) kind(l Lang, code string) string {
	term, ok := s.d.Taxonomy.Kind(code)
	return label(l, term, ok, code)
}

func (s *Site) instrument(l Lang, code string) string {
	term, ok := s.d.Taxonomy.Instrument(code)
	return label(l, term, ok, code)
}

func (s *Site) theme(l Lang, code string) string {
	term, ok := s.d.Taxonomy.Theme(code)
	return label(l, term, ok, code)
}

// size names a partner's size (SPEC §2).
func size(l Lang, code string) string {
	switch code {
	case profiles.SizeSmall, profiles.SizeMedium, profiles.SizeLarge:
		return t(l, "size."+code)
	}
	return code
}

// area names an area code: the gazetteer's name, "heel Nederland" for NL, else the
// code.
func (s *Site) area(l Lang, code string) string {
	if code == profiles.CountryArea {
		return t(l, "area.nl")
	}
	if s.d.Areas != nil {
		if _, ok := s.d.Areas.Name(code); ok {
			return s.d.Areas.Label(code, string(l))
		}
	}
	return code
}

func (s *Site) areas(l Lang, codes []string) string {
	out := make([]string, len(codes))
	for i, c := range codes {
		out[i] = s.area(l, c)
	}
	return list(l, out)
}

func (s *Site) instruments(l Lang, codes []string) []string {
	out := make([]string, len(codes))
	for i, c := range codes {
		out[i] = s.instrument(l, c)
	}
	return out
}

func (s *Site) themes(l Lang, codes []string) string {
	out := make([]string, len(codes))
	for i, c := range codes {
		out[i] = s.theme(l, c)
	}
	return list(l, out)
}

// option is one choice of a filter's select.
type option struct {
	Value, Label string
	Selected     bool
}

// options are the terms of a taxonomy list as choices, sorted by their label as
// the language sorts (collate), with selected chosen.
func options(l Lang, terms []profiles.Term, selected string) []option {
	out := make([]option, len(terms))
	for i, term := range terms {
		out[i] = option{Value: term.Code, Label: capital(label(l, term, true, term.Code)), Selected: term.Code == selected}
	}
	col := collate.New(l.tag())
	sort.SliceStable(out, func(a, b int) bool { return col.CompareString(out[a].Label, out[b].Label) < 0 })
	return out
}
