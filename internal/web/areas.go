package web

import (
	"regexp"
	"sort"
	"strings"
	"sync"

	"github.com/gin-gonic/gin"
	"golang.org/x/text/collate"

	"samenspel/internal/gazetteer"
	"samenspel/internal/profiles"
)

// Areas by name on the forms. A form lists areas as checkboxes, each by its name:
// the areas of the open tenders and those already chosen. Any other area is typed
// by name ("Ondiep", "Oud-Hoograven; Lunetten") into one field; when the form is
// sent, each name the gazetteer knows becomes a ticked box, and for a name it does
// not know (or that several areas share) the form comes back with the areas it
// finds for it, to tick, and the error beside the field. Nothing of this needs a
// script, and a CBS code typed is taken as it is (the validation judges it).

// areaPick is the areas part of a profile's or a tender's form.
type areaPick struct {
	Areas      []option // the boxes: the tenders' areas and those chosen
	Found      []option // the areas found for the names not known, to tick
	OtherAreas string   // the names typed and not yet known
	areaCodes  []string // the areas chosen
	unknown    []string // the names typed that no area has, or several share
}

// areaCode is a CBS code as people type it, in any case.
var areaCode = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^(?i:NL|GM\d{4}|WK\d{6}|BU\d{8})$`) })

// maxFound is how many areas a form offers for one unknown name.
const maxFound = 8

// resolve takes the names typed into the form's field: each known one is chosen,
// a code is chosen as typed, and the others stay in the field, with the areas
// found for them. The field is split at semicolons and line ends, and a piece
// that is no area's name or label at its commas too ("Zuilen, Noordwest" is one
// label, "Zuilen, Ondiep" two names); codes may also be apart by spaces.
func (s *Site) resolve(p *areaPick) {
	var left, found []string
	p.Found = nil
	take := func(piece string) bool {
		piece = strings.TrimSpace(piece)
		switch {
		case piece == "":
			return true
		case allCodes(piece):
			for _, code := range strings.Fields(piece) {
				p.areaCodes = append(p.areaCodes, strings.ToUpper(code))
			}
			return true
		case s.d.Areas == nil:
			return false
		}
		if named := s.d.Areas.Named(piece); len(named) == 1 {
			p.areaCodes = append(p.areaCodes, named[0].Code)
			return true
		}
		return false
	}
	for _, piece := range strings.FieldsFunc(p.OtherAreas, func(r rune) bool { return r == ';' || r == '\n' || r == '\r' }) {
		if take(piece) {
			continue
		}
		for _, part := range strings.Split(piece, ",") {
			if take(part) {
				continue
			}
			part = strings.TrimSpace(part)
			left = append(left, part)
			if s.d.Areas == nil {
				continue
			}
			hits := s.d.Areas.Named(part)
			if len(hits) == 0 {
				hits = s.d.Areas.Search(part, maxFound)
			}
			for _, a := range hits {
				found = append(found, a.Code)
			}
		}
	}
	p.unknown = left
	p.OtherAreas = strings.Join(left, "; ")
	p.areaCodes = dedupe(p.areaCodes)
	chosen := map[string]bool{}
	for _, c := range p.areaCodes {
		chosen[c] = true
	}
	for _, c := range dedupe(found) {
		if !chosen[c] {
			p.Found = append(p.Found, option{Value: c})
		}
	}
}

// allCodes reports whether s is one or more CBS codes apart by spaces.
func allCodes(s string) bool {
	fields := strings.Fields(s)
	for _, f := range fields {
		if !areaCode().MatchString(f) {
			return false
		}
	}
	return len(fields) > 0
}

// fillAreas sets the boxes in l: the tenders' areas, the chosen ones ticked, and
// the areas found named.
func (s *Site) fillAreas(c *gin.Context, l Lang, p *areaPick) error {
	choices, err := s.areaChoices(c, l, "")
	if err != nil {
		return err
	}
	chosen := map[string]bool{}
	for _, code := range p.areaCodes {
		chosen[code] = true
	}
	found := map[string]bool{}
	for i := range p.Found {
		found[p.Found[i].Value] = true
		p.Found[i].Label = s.area(l, p.Found[i].Value)
	}
	listed := map[string]bool{}
	p.Areas = nil
	for _, o := range choices {
		if found[o.Value] {
			continue // offered beside the name it was found for
		}
		listed[o.Value] = true
		o.Selected = chosen[o.Value]
		p.Areas = append(p.Areas, o)
	}
	for _, code := range p.areaCodes {
		if !listed[code] && !found[code] {
			p.Areas = append(p.Areas, option{Value: code, Label: s.area(l, code), Selected: true})
		}
	}
	col := collate.New(l.tag())
	sort.SliceStable(p.Areas, func(a, b int) bool { return col.CompareString(p.Areas[a].Label, p.Areas[b].Label) < 0 })
	return nil
}

// withUnknown adds to a validation's error (nil when valid) that the names typed
// are not known, under field.
func (p *areaPick) withUnknown(err error, field string) error {
	if len(p.unknown) == 0 {
		return err
	}
	unknown := profiles.FieldError{Field: field, Message: "unknown area names"}
	if err == nil {
		return &profiles.ValidationError{Errors: []profiles.FieldError{unknown}}
	}
	if verr, ok := err.(*profiles.ValidationError); ok {
		return &profiles.ValidationError{Errors: append([]profiles.FieldError{unknown}, verr.Errors...)}
	}
	return err
}

// explain words the error beside the field of typed names when some are not
// known, in place of the validation's own message.
func (p *areaPick) explain(l Lang, id string, byID map[string]string, summary []formError) {
	if len(p.unknown) == 0 {
		return
	}
	quoted := make([]string, len(p.unknown))
	for i, u := range p.unknown {
		quoted[i] = "“" + u + "”"
	}
	msg := t(l, "form.err.areas.unknown", list(l, quoted))
	if len(p.Found) > 0 {
		msg += " " + t(l, "form.err.areas.found")
	}
	byID[id] = msg
	for i := range summary {
		if summary[i].ID == id {
			summary[i].Message = msg
		}
	}
}

// The gazetteer is what the pages name areas by.
var _ Areas = (*gazetteer.Gazetteer)(nil)
