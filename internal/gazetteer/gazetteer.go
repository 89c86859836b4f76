package gazetteer

import (
	"bytes"
	"fmt"
	"os"
	"slices"
	"strings"

	"samenspel/config"
	"samenspel/internal/profiles"
)

// Area is one area of a gazetteer: its CBS code (SPEC §1), its name, and the code
// of the area it lies in ("NL" for a municipality).
type Area struct {
	Code   string `json:"code"`
	Name   string `json:"name"`
	Parent string `json:"parent"`
}

// Gazetteer is a set of areas with their names: the municipalities an operator
// loaded, with their districts and neighbourhoods. Build it with Load, Open or
// Default; it never changes afterwards and is safe for concurrent use. The country,
// NL, is always in it and has no row.
type Gazetteer struct {
	areas    map[string]Area
	children map[string][]Area // parent code -> its areas, by code
	order    []Area            // every area: each municipality, then each district and its neighbourhoods
	entries  []entry           // what Search looks at: NL, then order
	many     bool              // more than one municipality: labels name it
}

// The country's name in the two languages of the pages.
const (
	countryNL = "Nederland"
	countryEN = "the Netherlands"
)

// DefaultFile is the name Default's errors and file:line refer to.
const DefaultFile = "config/areas.csv"

// Default is the shipped gazetteer, config/areas.csv: the example municipality
// Utrecht (GM0344), its ten districts and their neighbourhoods, as the example
// data in config/examples uses them. It panics if the embedded file does not
// load, which a test rules out.
func Default() *Gazetteer {
	g, err := Load(bytes.NewReader(config.Areas), DefaultFile)
	if err != nil {
		panic(fmt.Sprintf("gazetteer: the shipped %s: %v", DefaultFile, err))
	}
	return g
}

// Open loads the gazetteer file at path (see Load), or Default when path is empty:
// the operator's setting (`gazetteer`, SAMENSPEL_GAZETTEER, --gazetteer).
func Open(path string) (*Gazetteer, error) {
	if path == "" {
		return Default(), nil
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("gazetteer: %w", err)
	}
	defer f.Close()
	return Load(f, path)
}

// build indexes the areas Load read, all of whose parents are among them.
func build(areas []Area) *Gazetteer {
	g := &Gazetteer{areas: make(map[string]Area, len(areas)), children: map[string][]Area{}}
	for _, a := range areas {
		g.areas[a.Code] = a
		g.children[a.Parent] = append(g.children[a.Parent], a)
	}
	for _, list := range g.children {
		slices.SortFunc(list, func(a, b Area) int { return strings.Compare(a.Code, b.Code) })
	}
	var walk func(code string)
	walk = func(code string) {
		for _, a := range g.children[code] {
			g.order = append(g.order, a)
			walk(a.Code)
		}
	}
	walk(profiles.CountryArea)
	g.many = len(g.children[profiles.CountryArea]) > 1
	g.entries = make([]entry, 0, len(g.order)+1)
	g.entries = append(g.entries, newEntry(Area{Code: profiles.CountryArea, Name: countryNL}, nil, countryNL, countryEN))
	for _, a := range g.order {
		var within []string
		for p := a.Parent; p != profiles.CountryArea; p = g.areas[p].Parent {
			within = append(within, g.areas[p].Name)
		}
		g.entries = append(g.entries, newEntry(a, within, a.Name))
	}
	return g
}

// Name is the name of the area with code: the place name, the same in every
// language ("Zuilen"; "Nederland" for NL). ok is false when the gazetteer does not
// know the code.
func (g *Gazetteer) Name(code string) (name string, ok bool) {
	if code == profiles.CountryArea {
		return countryNL, true
	}
	a, ok := g.areas[code]
	return a.Name, ok
}

// Label is how a page names the area with code: a neighbourhood with its district
// ("Zuilen, Noordwest"), a district or a municipality by its name ("Noordwest",
// "Utrecht"); when the gazetteer holds more than one municipality, a district or
// neighbourhood also names its municipality ("Zuilen, Noordwest, Utrecht"). NL is
// "the Netherlands" for lang "en" and "Nederland" otherwise; every other name is
// the same in every language. An unknown code is shown as itself.
func (g *Gazetteer) Label(code, lang string) string {
	if code == profiles.CountryArea {
		if lang == "en" {
			return countryEN
		}
		return countryNL
	}
	a, ok := g.areas[code]
	if !ok {
		return code
	}
	parts := []string{a.Name}
	for p := a.Parent; p != profiles.CountryArea; p = g.areas[p].Parent {
		parent := g.areas[p]
		if strings.HasPrefix(parent.Code, "GM") && !g.many {
			break
		}
		parts = append(parts, parent.Name)
	}
	return strings.Join(parts, ", ")
}

// Children are the areas that lie directly in the area with code, by code: the
// districts of a municipality, the neighbourhoods of a district, the
// municipalities of NL. None for a neighbourhood or an unknown code.
func (g *Gazetteer) Children(code string) []Area {
	return slices.Clone(g.children[code])
}

// Municipalities are the municipalities of the gazetteer, by code.
func (g *Gazetteer) Municipalities() []Area { return g.Children(profiles.CountryArea) }

// Areas are all areas of the gazetteer (not NL): each municipality by code,
// followed by each of its districts with that district's neighbourhoods after it.
func (g *Gazetteer) Areas() []Area { return slices.Clone(g.order) }

// maxCheckErrors caps the refusals of one list; the document's validation caps
// all its errors too.
const maxCheckErrors = 100

// CheckAreas holds SPEC §2's rule for a document's list of area codes at field
// ("areas" of a profile, "area" of a tender): a code that lies in a municipality
// of the gazetteer but is not in it is refused, at field[i], in words that name
// the municipality. NL, codes in municipalities the gazetteer does not hold, and
// codes that are no CBS area code (the taxonomy refuses those) pass. It makes a
// *Gazetteer a profiles.AreaRegister.
func (g *Gazetteer) CheckAreas(codes []string, field string) []profiles.FieldError {
	var out []profiles.FieldError
	for i, code := range codes {
		if code == profiles.CountryArea || !profiles.ValidArea(code) {
			continue
		}
		if _, known := g.areas[code]; known {
			continue
		}
		mun, loaded := g.areas["GM"+code[2:6]]
		if !loaded {
			continue
		}
		if len(out) == maxCheckErrors {
			break
		}
		out = append(out, profiles.FieldError{Field: fmt.Sprintf("%s[%d]", field, i),
			Message: fmt.Sprintf("%s: unknown area in %s (%s)", profiles.Quote(code), mun.Name, mun.Code)})
	}
	return out
}
