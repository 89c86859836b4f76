package meili

import (
	"maps"
	"slices"
	"strings"

	"github.com/meilisearch/meilisearch-go"

	"samenspel/internal/profiles"
)

// document is one profile as the index holds it: its public fields and the fields
// derived from them for filters and search. It has no field for contact or private:
// what is not in this type cannot be sent.
type document struct {
	ID          string             `json:"id"`
	Name        string             `json:"name"`
	Kind        string             `json:"kind"`
	Size        string             `json:"size"`
	NewProvider bool               `json:"new_provider"`
	CanLead     bool               `json:"can_lead"`
	Areas       []string           `json:"areas"`
	Levels      map[string]float64 `json:"levels"`
	Themes      []string           `json:"themes"`
	Description string             `json:"description"`

	// AreaParents is every area of the profile with all the areas that contain it
	// (profiles.AreaParents), so that "lies in" is an exact-match filter.
	AreaParents []string `json:"area_parents"`
	// Instruments are the codes of Levels, sorted: filters cannot match map keys.
	Instruments []string `json:"instruments"`
	// Labels are the words search finds the instruments and themes by: for each, its
	// code and Dutch and English labels, as the embedded store indexes them.
	Labels []string `json:"labels"`
	// Stale says the profile was not written or confirmed by its owner for 12 months
	// (profiles.Profile.Stale, set by the store): it is no candidate. Documents
	// written before the index knew staleness lack it, and count as not stale.
	Stale bool `json:"stale"`
}

// publicFields are the attributes read back into a profile; the derived ones stay in
// the index.
var publicFields = []string{"id", "name", "kind", "size", "new_provider", "can_lead",
	"areas", "levels", "themes", "description"}

// newDocument builds the document of p from its public fields.
func newDocument(p profiles.Profile, tax *profiles.Taxonomy) document {
	d := document{
		ID:          p.ID,
		Name:        p.Name,
		Kind:        p.Kind,
		Size:        p.Size,
		NewProvider: p.NewProvider,
		CanLead:     p.CanLead,
		Areas:       nonNil(p.Areas),
		Levels:      p.Instruments,
		Themes:      nonNil(p.Themes),
		Description: p.Description,
		AreaParents: []string{},
		Instruments: slices.Sorted(maps.Keys(p.Instruments)),
		Labels:      []string{},
		Stale:       p.Stale,
	}
	if d.Levels == nil {
		d.Levels = map[string]float64{}
	}
	if d.Instruments == nil {
		d.Instruments = []string{}
	}
	for _, a := range p.Areas {
		if !profiles.ValidArea(a) {
			continue // not indexable; validation keeps such profiles out
		}
		for _, parent := range profiles.AreaParents(a) {
			if !slices.Contains(d.AreaParents, parent) {
				d.AreaParents = append(d.AreaParents, parent)
			}
		}
	}
	for _, code := range d.Instruments {
		term, ok := tax.Instrument(code)
		d.Labels = append(d.Labels, labelWords(code, term, ok))
	}
	for _, code := range d.Themes {
		term, ok := tax.Theme(code)
		d.Labels = append(d.Labels, labelWords(code, term, ok))
	}
	return d
}

// labelWords is "code nl en"; a code outside the taxonomy is indexed as itself.
func labelWords(code string, term profiles.Term, ok bool) string {
	if !ok {
		return code
	}
	return code + " " + term.NL + " " + term.EN
}

// profile turns a document read back from the index into a profile: public fields
// only, as the index holds no others.
func (d document) profile() profiles.Profile {
	p := profiles.Profile{
		ID:          d.ID,
		Name:        d.Name,
		Kind:        d.Kind,
		Size:        d.Size,
		NewProvider: d.NewProvider,
		CanLead:     d.CanLead,
		Areas:       d.Areas,
		Instruments: d.Levels,
		Themes:      nonNil(d.Themes),
		Description: d.Description,
		Stale:       d.Stale,
	}
	if p.Instruments == nil {
		p.Instruments = map[string]float64{}
	}
	return p
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// maxTotalHits is how many matches a search can reach: more than any municipality
// has partners, so that paging and totals are never cut short.
const maxTotalHits = 100000

// settings are the index settings EnsureIndex applies.
//
// Ranking mirrors the embedded store: relevance first, with the name before the labels
// before the description (the attribute rule follows searchableAttributes), then id.
// exactness comes before sort, so that sorting by id is the last tie-break.
//
// stale is filterable so that Candidates can leave stale profiles out; a matcher
// that filters on it before the indexer has applied these settings gets an error
// from Meilisearch (and the scaled set-up falls back to the embedded store), so
// start the indexer of a new version first.
//
// Typo tolerance is off. profiles.Query defines what text matches ("every word must occur
// as the start of a word"), the embedded store implements exactly that, and the
// shared suite holds both stores to the same answers. A typo-tolerant index would
// return partners the embedded store does not, so the same search would answer
// differently depending on how Samenspel is deployed.
// Turning typos on is a change of profiles.Query for both stores, not a setting here.
//
// Synonyms tie each instrument's and theme's code, Dutch label and English label
// together, so that a search in one language finds a description written in the
// other ("schuldhulpverlening" finds "debt counselling"). The labels attribute already
// holds all three words for the codes a profile offers.
func settings(tax *profiles.Taxonomy) *meilisearch.Settings {
	return &meilisearch.Settings{
		RankingRules:         []string{"words", "typo", "proximity", "attribute", "exactness", "sort"},
		SearchableAttributes: []string{"name", "labels", "description"},
		FilterableAttributes: []string{attrID, attrKind, attrSize, attrAreas, attrAreaParents,
			attrInstruments, attrThemes, "new_provider", "can_lead", attrStale},
		SortableAttributes: []string{attrID},
		Synonyms:           synonyms(tax),
		TypoTolerance: &meilisearch.TypoTolerance{
			Enabled:             false,
			MinWordSizeForTypos: meilisearch.MinWordSizeForTypos{OneTypo: 5, TwoTypos: 9},
			DisableOnWords:      []string{},
			DisableOnAttributes: []string{},
		},
		Pagination: &meilisearch.Pagination{MaxTotalHits: maxTotalHits},
	}
}

// synonyms maps each of an instrument's or theme's code, Dutch label and English label
// (lower case) to the others.
func synonyms(tax *profiles.Taxonomy) map[string][]string {
	out := make(map[string][]string)
	for _, terms := range [][]profiles.Term{tax.Instruments, tax.Themes} {
		for _, term := range terms {
			var words []string
			for _, w := range []string{term.Code, term.NL, term.EN} {
				if w = strings.ToLower(w); !slices.Contains(words, w) {
					words = append(words, w)
				}
			}
			for _, w := range words {
				for _, other := range words {
					if other != w && !slices.Contains(out[w], other) {
						out[w] = append(out[w], other)
					}
				}
			}
		}
	}
	return out
}
