package web

import (
	"context"
	"encoding/json"
	"html"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"samenspel/internal/cache"
	"samenspel/internal/match"
	"samenspel/internal/suggest"
)

// TestTenderPage: the tender with its areas by name, its needs by label and its
// budget formatted; each coalition with its lead by name, every member with what it
// brings in words, its added value as a bar split into its four parts, its
// sub-budget and why it is there; and nowhere a code or a number in the engine's
// form.
func TestTenderPage(t *testing.T) {
	e := readEnv(t)
	const id = "eenzaamheid-ouderen-overvecht-2026"
	b, err := e.site.d.Suggest.ForTender(context.Background(), suggest.Request{Tender: id, Top: match.DefaultTop})
	if err != nil {
		t.Fatal(err)
	}
	var res match.Result
	if err := json.Unmarshal(b, &res); err != nil {
		t.Fatal(err)
	}
	first := res.Coalitions[0]
	lead := ""
	for _, m := range first.Members {
		if first.Lead != nil && m.ID == *first.Lead {
			lead = m.Name
		}
	}
	if lead == "" {
		t.Fatal("the example tender's first coalition has no lead: no test of its name")
	}
	tests := []struct {
		lang Lang
		want []string
	}{
		{NL, []string{"Minder eenzaamheid onder ouderen in Overvecht", "<dd class=\"utrecht-data-list__item-value utrecht-data-list__item-value--html-dd\">Overvecht</dd>",
			"Huisbezoeken (gewicht 3): <strong>vereist</strong>", "Ontmoetingsplek (gewicht 2)", "€\u00a0186.000",
			"Trekker: " + lead + ".", "Coalitie 1: score ", " van 100", "Dekking ", "Meerwaarde", "Deelbudget", "Shapley-waarde",
			`class="part-coverage"`, `class="part-diversity"`, `class="part-trust"`, "dekking ", "1 tot 6 partners",
			"Verplicht in de coalitie: bewonersorganisatie.", "Ten minste één kleine of nieuwe partner.",
			`class="part-inclusion part-negative"`, "lichter, links van de streep: wat de score omlaag trekt"}},
		{EN, []string{"Overvecht</dd>", "Home visits (weight 3): <strong>required</strong>", "€186,000", "Lead partner: " + lead + ".",
			"Coalition 1: score ", " out of 100", "Added value", "Sub-budget", "Shapley value", "1 to 6 partners",
			"Required in the coalition: residents&#39; group."}},
	}
	for _, tc := range tests {
		a := e.inLang("/tenders/"+id, tc.lang)
		for _, w := range tc.want {
			if !strings.Contains(a.body, w) {
				t.Errorf("the tender page in %s lacks %q", tc.lang, w)
			}
		}
		for _, m := range first.Members {
			if !strings.Contains(a.body, `href="/profiles/`+m.ID+`">`+m.Name+`</a>`) {
				t.Errorf("the tender page in %s does not link member %s by name", tc.lang, m.ID)
			}
			if m.Budget != nil && !strings.Contains(a.body, money(tc.lang, *m.Budget)) {
				t.Errorf("the tender page in %s lacks %s's sub-budget %s", tc.lang, m.ID, money(tc.lang, *m.Budget))
			}
		}
		text := visibleText(t, a.body)
		// No engine number (0.8999999999999999), no code of the taxonomy, no raw
		// area code where the gazetteer has a name.
		noMoney := regexp.MustCompile(`€\s?[\d.,]+`).ReplaceAllString(text, "€")
		if m := regexp.MustCompile(`\d[.,]\d{3,}`).FindString(noMoney); m != "" {
			t.Errorf("the tender page in %s shows the number %q", tc.lang, m)
		}
		for _, code := range []string{"home_visits", "meeting_place", "residents_group", "WK034403", "covered for", "dominant partner"} {
			if strings.Contains(text, code) {
				t.Errorf("the tender page in %s shows %q", tc.lang, code)
			}
		}
	}
	// Without a gazetteer the page shows the code, so nothing is hidden.
	if a := newEnv(t, nil).inLang("/tenders/"+id, NL); !strings.Contains(a.body, "WK034403") {
		t.Errorf("without a gazetteer the tender page does not show the area's code")
	}
}

// TestMemberBars: the bars of a coalition share one scale, start at the zero line,
// and put a part that lowers the score to its left.
func TestMemberBars(t *testing.T) {
	bars := barsOf([][4]float64{{0.3, 0.1, 0.05, -0.05}, {0.2, 0.1, 0.05, 0.1}}, true)
	// Positive sums 0.45 and 0.45, negative 0.05: the span is 0.5, zero at 10.
	if bars[0].Zero != "10.00" || !bars[0].HasNegative {
		t.Fatalf("zero line at %s (negative %v), want 10.00", bars[0].Zero, bars[0].HasNegative)
	}
	want := []segment{{"10.00", "60.00", "part-coverage"}, {"70.00", "20.00", "part-diversity"}, {"90.00", "10.00", "part-trust"},
		{"0.00", "10.00", "part-inclusion part-negative"}}
	if len(bars[0].Segments) != len(want) {
		t.Fatalf("bar 0 = %+v, want %+v", bars[0].Segments, want)
	}
	for i, s := range want {
		if bars[0].Segments[i] != s {
			t.Errorf("bar 0 segment %d = %+v, want %+v", i, bars[0].Segments[i], s)
		}
	}
	total := barsOf([][4]float64{{0.4, 0, 0, 0}, {0.2, 0, 0, 0}}, false)
	if s := total[1].Segments; len(s) != 1 || s[0].Width != "50.00" || s[0].Class != "part-total" {
		t.Errorf("the total bar of a member with half the largest value = %+v, want one part-total segment 50 wide", s)
	}
}

// TestTenderPageAlternatives: the tender page asks the engine for variants (SPEC
// §6): it shows the coalitions of that answer, each once, and for a member that
// others could replace at the same score it names them, linked, in Dutch and in
// English, with a word on what that means.
func TestTenderPageAlternatives(t *testing.T) {
	e := readEnv(t)
	const id = "eenzaamheid-ouderen-overvecht-2026"
	b, err := e.site.d.Suggest.ForTender(context.Background(), suggest.Request{Tender: id, Top: match.DefaultTop, Variants: true})
	if err != nil {
		t.Fatal(err)
	}
	var res match.Result
	if err := json.Unmarshal(b, &res); err != nil {
		t.Fatal(err)
	}
	var member, alt string
	for _, c := range res.Coalitions[:shownCoalitions] {
		for _, m := range c.Members {
			if len(m.Alternatives) > 0 && member == "" {
				member, alt = m.ID, m.Alternatives[0]
			}
		}
	}
	if member == "" {
		t.Fatal("no member of the example tender's first coalitions has an alternative: no test of the page's")
	}
	altName := ""
	for _, p := range e.profiles {
		if p.ID == alt {
			altName = p.Name
		}
	}
	for _, tc := range []struct {
		lang       Lang
		says, note string
	}{
		{NL, "Even goed op deze plek: ", "staan hier één keer"},
		{EN, "Just as good in this seat: ", "are shown once"},
	} {
		a := e.inLang("/tenders/"+id, tc.lang)
		link := `<a class="utrecht-link utrecht-link--html-a" href="/profiles/` + alt + `">` + html.EscapeString(altName) + `</a>`
		if !strings.Contains(a.body, tc.says) || !strings.Contains(a.body, link) || !strings.Contains(a.body, tc.note) {
			t.Errorf("the tender page in %s does not name %s (%q) as %s's alternative, or does not say what that means", tc.lang, alt, altName, member)
		}
		// The coalitions shown are the first of the answer with variants.
		for i, c := range res.Coalitions[:shownCoalitions] {
			heading := regexp.MustCompile(`id="coalition-` + strconv.Itoa(i+1) + `">[^<]*</h3>`).FindString(a.body)
			if !strings.Contains(heading, points(tc.lang, c.Score)) {
				t.Errorf("the tender page in %s: coalition %d %q, want the score %s of the answer with variants", tc.lang, i+1, heading, points(tc.lang, c.Score))
			}
		}
		if strings.Contains(visibleText(t, a.body), alt) {
			t.Errorf("the tender page in %s shows the id %s, not only its name", tc.lang, alt)
		}
	}
}

// TestAlternativesInWords: at most shownAlternatives names, joined as a sentence
// joins them, and the others counted.
func TestAlternativesInWords(t *testing.T) {
	e := readEnv(t)
	var ids, names []string
	for _, p := range e.profiles[:7] {
		ids, names = append(ids, p.ID), append(names, p.Name)
	}
	words := func(l Lang, ids []string) string {
		refs, more, err := e.site.alternatives(context.Background(), l, ids)
		if err != nil {
			t.Fatal(err)
		}
		var b strings.Builder
		for _, r := range refs {
			b.WriteString(r.Before + r.Name)
		}
		if more != "" {
			b.WriteString(" " + more)
		}
		return b.String()
	}
	tests := []struct {
		lang Lang
		ids  []string
		want string
	}{
		{NL, ids[:1], names[0]},
		{NL, ids[:2], names[0] + " of " + names[1]},
		{EN, ids[:3], names[0] + ", " + names[1] + " or " + names[2]},
		{NL, ids[:6], strings.Join(names[:5], ", ") + " of nog één andere partner"},
		{EN, ids[:7], strings.Join(names[:5], ", ") + " or 2 other partners"},
		{NL, []string{"removed-since", ids[0]}, names[0]},
	}
	for _, tc := range tests {
		if got := words(tc.lang, tc.ids); got != tc.want {
			t.Errorf("alternatives(%s, %v) = %q, want %q", tc.lang, tc.ids, got, tc.want)
		}
	}
}

// cacheCount counts the suggestion cache's hits and misses (suggest.Observer).
type cacheCount struct {
	mu           sync.Mutex
	hits, misses int
}

func (c *cacheCount) SuggestionCache(hit bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if hit {
		c.hits++
	} else {
		c.misses++
	}
}

func (c *cacheCount) CacheError() {}

// TestTenderPageAfterRecompute: after the nightly recompute of a tender, its page
// (the answer with variants) is served from the cache the run warmed: no miss, so
// no computation, on the first view.
func TestTenderPageAfterRecompute(t *testing.T) {
	e := newEnv(t, testAreas)
	ctx := context.Background()
	answers := cache.NewMemory(100, time.Hour)
	obs := &cacheCount{}
	e.site.d.Suggest = suggest.New(e.st, answers, obs) // the API's service
	nightly := suggest.New(e.st, answers, nil)         // the run's own, on the same cache
	const id = "eenzaamheid-ouderen-overvecht-2026"
	// The run's two passes over the tender: its default answer, then its page.
	if _, err := nightly.Recompute(ctx, id, 1, false); err != nil {
		t.Fatal(err)
	}
	if _, err := nightly.WarmPage(ctx, id); err != nil {
		t.Fatal(err)
	}
	if a := e.inLang("/tenders/"+id, NL); a.status != 200 || !strings.Contains(a.body, "Coalitie 1") {
		t.Fatalf("the tender page after the run = %d", a.status)
	}
	if obs.hits != 1 || obs.misses != 0 {
		t.Errorf("the tender page after the run: %d cache hits, %d misses; want its answer from the cache the run warmed", obs.hits, obs.misses)
	}
	// Without the run, the first view misses (and computes): the check above can fail.
	cold := &cacheCount{}
	e.site.d.Suggest = suggest.New(e.st, cache.NewMemory(100, time.Hour), cold)
	e.inLang("/tenders/"+id, NL)
	if cold.misses != 1 {
		t.Errorf("the tender page on a cold cache: %d misses, want 1", cold.misses)
	}
}
