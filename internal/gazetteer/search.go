package gazetteer

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// entry is an area as Search sees it: its names and the names of the areas it
// lies in, folded into words.
type entry struct {
	area  Area
	level int // 0 NL, 1 municipality, 2 district, 3 neighbourhood
	// names are the area's names folded, words joined by one space (NL has two);
	// starts are the byte offsets of their words after the first.
	names  []string
	starts [][]int
	// within are the words of the names of the areas it lies in.
	within []string
}

func newEntry(a Area, within []string, names ...string) entry {
	e := entry{area: a, level: level(a.Code)}
	for _, n := range names {
		f := strings.Join(words(n), " ")
		e.names = append(e.names, f)
		var starts []int
		for i := 1; i < len(f); i++ {
			if f[i-1] == ' ' {
				starts = append(starts, i)
			}
		}
		e.starts = append(e.starts, starts)
	}
	for _, n := range within {
		e.within = append(e.within, words(n)...)
	}
	return e
}

func level(code string) int {
	switch {
	case strings.HasPrefix(code, "GM"):
		return 1
	case strings.HasPrefix(code, "WK"):
		return 2
	case strings.HasPrefix(code, "BU"):
		return 3
	}
	return 0
}

// words folds s for search: compatibility decomposition without the accents
// (é is e, the ligature ĳ is ij), lower case, split at every character that is no
// letter or digit (spaces, hyphens, apostrophes, commas).
func words(s string) []string {
	var out []string
	var b strings.Builder
	flush := func() {
		if b.Len() > 0 {
			out = append(out, b.String())
			b.Reset()
		}
	}
	for _, r := range norm.NFKD.String(s) {
		switch {
		case unicode.Is(unicode.Mn, r):
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(unicode.ToLower(r))
		default:
			flush()
		}
	}
	flush()
	return out
}

// The ranks of a match, best first.
const (
	rankWhole  = iota // the whole name
	rankStart         // the start of the name
	rankWord          // the start of a later word of the name
	rankWithin        // each of two or more words starts a word of the name or of the areas it lies in
	rankInside        // inside a word of the name (queries of 3 characters or more)
	noMatch
)

// minInside is the shortest query that may match inside a word.
const minInside = 3

// rank is how well the folded query q, of words qw, matches e.
func (e entry) rank(q string, qw []string) int {
	best := noMatch
	for i, n := range e.names {
		switch {
		case n == q:
			return rankWhole
		case strings.HasPrefix(n, q):
			best = min(best, rankStart)
		}
		for _, s := range e.starts[i] {
			if strings.HasPrefix(n[s:], q) {
				best = min(best, rankWord)
			}
		}
	}
	if best < noMatch {
		return best
	}
	if len(qw) > 1 && e.wordsStart(qw) {
		return rankWithin
	}
	if utf8.RuneCountInString(q) >= minInside {
		for _, n := range e.names {
			if strings.Contains(n, q) {
				return rankInside
			}
		}
	}
	return noMatch
}

// wordsStart reports whether every word of qw starts a word of e's names or of the
// names of the areas e lies in.
func (e entry) wordsStart(qw []string) bool {
	for _, w := range qw {
		found := false
		for _, n := range e.names {
			for _, nw := range strings.Split(n, " ") {
				found = found || strings.HasPrefix(nw, w)
			}
		}
		for _, nw := range e.within {
			found = found || strings.HasPrefix(nw, w)
		}
		if !found {
			return false
		}
	}
	return true
}

// Search finds areas by name for a picker, at most limit of them (every match
// when limit ≤ 0), best first. Case, accents and punctuation do not count
// ("cafe" finds "Café", "oud hoog" finds "Oud-Hoograven"). The best match is the
// whole name, then its start, then the start of a later word ("zui" finds Zuilen,
// "hoog" Oud-Hoograven), then, for a query of several words, areas whose name and
// surroundings have words starting with each ("rotsoord zuid"), and last, for
// queries of three characters or more, a match inside a word ("raven"). Among
// equal matches the larger area comes first (the country, a municipality, a
// district, a neighbourhood), then by name and code. NL is found by its Dutch and
// its English name. An empty query finds nothing.
func (g *Gazetteer) Search(query string, limit int) []Area {
	qw := words(query)
	if len(qw) == 0 {
		return []Area{}
	}
	q := strings.Join(qw, " ")
	type hit struct {
		e    *entry
		rank int
	}
	var hits []hit
	for i := range g.entries {
		if r := g.entries[i].rank(q, qw); r < noMatch {
			hits = append(hits, hit{&g.entries[i], r})
		}
	}
	slices.SortFunc(hits, func(a, b hit) int {
		if a.rank != b.rank {
			return a.rank - b.rank
		}
		if a.e.level != b.e.level {
			return a.e.level - b.e.level
		}
		if c := strings.Compare(a.e.names[0], b.e.names[0]); c != 0 {
			return c
		}
		return strings.Compare(a.e.area.Code, b.e.area.Code)
	})
	if limit > 0 && len(hits) > limit {
		hits = hits[:limit]
	}
	out := make([]Area, len(hits))
	for i, h := range hits {
		out[i] = h.e.area
	}
	return out
}

// Named finds the areas a person means by name: those whose whole name, or whole
// label ("Zuilen, Noordwest", Label), is query, with case, accents and
// punctuation not counting ("oud hoograven" is Oud-Hoograven), by code. A form
// takes a typed name for an area when Named finds exactly one; more are names
// that several areas share, for the person to choose among. An empty query finds
// nothing.
func (g *Gazetteer) Named(query string) []Area {
	q := strings.Join(words(query), " ")
	if q == "" {
		return []Area{}
	}
	out := []Area{}
	for i := range g.entries {
		e := &g.entries[i]
		if slices.Contains(e.names, q) || strings.Join(words(g.Label(e.area.Code, "nl")), " ") == q ||
			strings.Join(words(g.Label(e.area.Code, "en")), " ") == q {
			out = append(out, e.area)
		}
	}
	slices.SortFunc(out, func(a, b Area) int { return strings.Compare(a.Code, b.Code) })
	return out
}
