package profiles

import (
	"bytes"
	"fmt"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Term is one taxonomy code with its Dutch and English labels.
type Term struct {
	Code string `yaml:"code" json:"code"`
	NL   string `yaml:"nl" json:"nl"`
	EN   string `yaml:"en" json:"en"`
}

// Taxonomy is the parsed config/taxonomy.yaml: the kinds, instruments and themes a
// document may name. Build it once with ParseTaxonomy and share it; it is read-only.
type Taxonomy struct {
	Kinds       []Term `json:"kinds"`
	Instruments []Term `json:"instruments"`
	Themes      []Term `json:"themes"`

	kinds, instruments, themes map[string]Term
	// areas, when set (WithAreas), also judges every area list of a document.
	areas AreaRegister
}

// isCode tells whether s is a term's code: one or more of [a-z0-9_].
func isCode(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; (c < 'a' || c > 'z') && (c < '0' || c > '9') && c != '_' {
			return false
		}
	}
	return s != ""
}

// ParseTaxonomy parses and checks a taxonomy document: every code well-formed and
// unique within its list, every label present.
func ParseTaxonomy(data []byte) (*Taxonomy, error) {
	var doc struct {
		Kinds       []Term `yaml:"kinds"`
		Instruments []Term `yaml:"instruments"`
		Themes      []Term `yaml:"themes"`
		Areas       struct {
			Pattern string `yaml:"pattern"`
		} `yaml:"areas"`
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&doc); err != nil {
		return nil, fmt.Errorf("taxonomy: %w", err)
	}
	t := &Taxonomy{Kinds: doc.Kinds, Instruments: doc.Instruments, Themes: doc.Themes}
	var err error
	if t.kinds, err = index("kinds", doc.Kinds); err != nil {
		return nil, err
	}
	if t.instruments, err = index("instruments", doc.Instruments); err != nil {
		return nil, err
	}
	if t.themes, err = index("themes", doc.Themes); err != nil {
		return nil, err
	}
	return t, nil
}

func index(list string, terms []Term) (map[string]Term, error) {
	if len(terms) == 0 {
		return nil, fmt.Errorf("taxonomy: %s: empty list", list)
	}
	m := make(map[string]Term, len(terms))
	for i, term := range terms {
		if !isCode(term.Code) {
			return nil, fmt.Errorf("taxonomy: %s[%d].code: %q is not lower-case [a-z0-9_]", list, i, term.Code)
		}
		if term.NL == "" || term.EN == "" {
			return nil, fmt.Errorf("taxonomy: %s[%d]: %q needs both an nl and an en label", list, i, term.Code)
		}
		if _, dup := m[term.Code]; dup {
			return nil, fmt.Errorf("taxonomy: %s[%d].code: %q appears twice", list, i, term.Code)
		}
		m[term.Code] = term
	}
	return m, nil
}

// HasKind, HasInstrument and HasTheme report whether a code is in the taxonomy.
func (t *Taxonomy) HasKind(code string) bool { _, ok := t.kinds[code]; return ok }

// HasInstrument reports whether code is a known instrument.
func (t *Taxonomy) HasInstrument(code string) bool { _, ok := t.instruments[code]; return ok }

// HasTheme reports whether code is a known theme.
func (t *Taxonomy) HasTheme(code string) bool { _, ok := t.themes[code]; return ok }

// Kind, Instrument and Theme return the term of a code and whether it exists.
func (t *Taxonomy) Kind(code string) (Term, bool) { term, ok := t.kinds[code]; return term, ok }

// Instrument returns the term of an instrument code.
func (t *Taxonomy) Instrument(code string) (Term, bool) {
	term, ok := t.instruments[code]
	return term, ok
}

// Theme returns the term of a theme code.
func (t *Taxonomy) Theme(code string) (Term, bool) { term, ok := t.themes[code]; return term, ok }

// unknownCode is the message for a code outside its list; it names every valid code
// so that the user can correct the input without looking anything up.
func unknownCode(what, code string, terms []Term) string {
	codes := make([]string, len(terms))
	for i, term := range terms {
		codes[i] = term.Code
	}
	sort.Strings(codes)
	return fmt.Sprintf("unknown %s %s; valid: %s", what, Quote(code), strings.Join(codes, ", "))
}
