package web

import (
	"regexp"
	"strconv"
	"strings"
	"sync"
)

// The engine's warnings are English sentences that name codes and ids
// (internal/match: suggest.go). The pages say them in words, in the page's
// language: warningText recognises each by its pattern and fills the catalogue's
// sentence with names. A warning no pattern knows is shown as the engine wrote it,
// so that none is lost; TestWarningsInWords holds every sentence the engine writes.

// warningPattern is one of the engine's warnings; each group is an argument,
// turned into words by the matching entry of arg.
type warningPattern struct {
	re  *regexp.Regexp
	key string
	arg []string // per group: "kind", "instrument", "member", "percent", "points"
}

// warningPatterns are compiled when a page first says a warning, not when the
// package is loaded: `matcher suggest` links the pages but shows none.
var warningPatterns = sync.OnceValue(func() []warningPattern {
	return []warningPattern{
		{regexp.MustCompile(`^no candidates: `), "warning.nocandidates", nil},
		{regexp.MustCompile(`^no candidate is of required kind "([a-z0-9_]+)"$`), "warning.requiredkind", []string{"kind"}},
		{regexp.MustCompile(`^no coalition covers every must need`), "warning.infeasible", nil},
		{regexp.MustCompile(`^the search reached its (?:budget|effort) of \d+ [a-z ]+: .*no coalition scores above ([0-9.]+)$`), "warning.inexact", []string{"points"}},
		{regexp.MustCompile(`^the search was stopped at its deadline: .*no coalition scores above ([0-9.]+)$`), "warning.deadline", []string{"points"}},
		{regexp.MustCompile(`^no coalition meets the size, kind, large and small rules`), "warning.norules", nil},
		{regexp.MustCompile(`^the search was stopped before it had weighed every alternative`), "warning.alternatives", nil},
		{regexp.MustCompile(`^no member can lead`), "warning.nolead", nil},
		{regexp.MustCompile(`^dominant partner: ([a-z0-9-]+) holds (\d+)% of the score`), "warning.dominant", []string{"member", "percent"}},
		{regexp.MustCompile(`^need ([a-z0-9_]+) covered for (\d+)%$`), "warning.partial", []string{"instrument", "percent"}},
	}
})

// warningText says an engine warning in l, and the catalogue key it said it with
// ("" for a warning no pattern knows); names maps member ids to names.
func (s *Site) warningText(l Lang, w string, names map[string]string) (text, key string) {
	for _, p := range warningPatterns() {
		m := p.re.FindStringSubmatch(w)
		if m == nil {
			continue
		}
		args := make([]any, len(p.arg))
		for i, kind := range p.arg {
			v := m[i+1]
			switch kind {
			case "kind":
				args[i] = s.kind(l, v)
			case "instrument":
				args[i] = capital(s.instrument(l, v))
			case "member":
				if n, ok := names[v]; ok {
					v = n
				}
				args[i] = v
			case "percent":
				n, _ := strconv.Atoi(v)
				args[i] = percent(l, float64(n)/100)
			case "points":
				x, _ := strconv.ParseFloat(v, 64)
				args[i] = points(l, x)
			}
		}
		if p.key == "warning.partial" && m[2] == "0" {
			return t(l, "warning.uncovered", args[0]), "warning.uncovered"
		}
		return t(l, p.key, args...), p.key
	}
	return w, ""
}

// why says in a few sentences why a member is in its coalition: what only it
// brings or what it adds to, the kind only it has, that it counts for inclusion,
// and that it leads.
func (s *Site) why(l Lang, m memberFacts) string {
	var out []string
	switch {
	case len(m.Unique) > 0:
		out = append(out, t(l, "why.unique", m.Name, list(l, s.instruments(l, m.Unique))))
	case len(m.Brings) > 0:
		out = append(out, t(l, "why.adds", m.Name, list(l, s.instruments(l, m.Brings))))
	}
	if m.OnlyKind {
		out = append(out, t(l, "why.kind", s.kind(l, m.Kind)))
	}
	switch {
	case m.Small && m.New:
		out = append(out, t(l, "why.smallnew"))
	case m.Small:
		out = append(out, t(l, "why.small"))
	case m.New:
		out = append(out, t(l, "why.new"))
	}
	if m.Lead {
		out = append(out, t(l, "why.lead"))
	}
	return strings.Join(out, " ")
}

// memberFacts are what why needs to know of a member.
type memberFacts struct {
	Name, Kind                 string
	Brings, Unique             []string // instrument codes
	OnlyKind, Small, New, Lead bool
}
