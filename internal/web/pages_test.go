package web

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"samenspel/internal/profiles"
)

// TestEveryPageInBothLanguages: every page answers 200 in Dutch and in English,
// says which in its lang attribute, offers the switch to the other, and has every
// text in the catalogue (no ‹key›, no broken format).
func TestEveryPageInBothLanguages(t *testing.T) {
	e := readEnv(t)
	for _, path := range e.pagePaths() {
		for _, l := range langs {
			a := e.inLang(path, l)
			if a.status != 200 {
				t.Errorf("GET %s in %s = %d, want 200", path, l, a.status)
				continue
			}
			if ct := a.header.Get("Content-Type"); ct != "text/html; charset=utf-8" {
				t.Errorf("GET %s: Content-Type %q", path, ct)
			}
			if !strings.Contains(a.body, `<html lang="`+string(l)+`"`) {
				t.Errorf("GET %s in %s: no <html lang=%q>", path, l, l)
			}
			if !strings.Contains(a.body, `hreflang="`+string(l.other())+`"`) {
				t.Errorf("GET %s in %s: no switch to %s", path, l, l.other())
			}
			for _, bad := range []string{"‹", "%!", "<no value>"} {
				if i := strings.Index(a.body, bad); i >= 0 {
					t.Errorf("GET %s in %s shows %q: …%s…", path, l, bad, a.body[max(0, i-60):min(len(a.body), i+60)])
				}
			}
		}
	}
}

// TestLanguageChoice: the switch's parameter, then the cookie it sets, then
// Accept-Language, then Dutch.
func TestLanguageChoice(t *testing.T) {
	e := readEnv(t)
	tests := []struct {
		name    string
		headers []string
		path    string
		want    Lang
	}{
		{"default", nil, "/", NL},
		{"accept english", []string{"Accept-Language", "en-GB,en;q=0.9"}, "/", EN},
		{"accept dutch first", []string{"Accept-Language", "nl-BE, en;q=0.5"}, "/", NL},
		{"accept neither", []string{"Accept-Language", "de, fr"}, "/", NL},
		{"cookie over accept", []string{"Accept-Language", "en", "Cookie", "lang=nl"}, "/", NL},
		{"switch over cookie", []string{"Cookie", "lang=nl"}, "/?lang=en", EN},
		{"bad switch ignored", []string{"Accept-Language", "en"}, "/?lang=fr", EN},
	}
	for _, tc := range tests {
		a := e.get(tc.path, tc.headers...)
		if !strings.Contains(a.body, `<html lang="`+string(tc.want)+`"`) {
			t.Errorf("%s: GET %s %v is not in %s", tc.name, tc.path, tc.headers, tc.want)
		}
	}
	a := e.get("/partners?lang=en")
	c := a.header.Get("Set-Cookie")
	if !strings.HasPrefix(c, "lang=en;") || !strings.Contains(c, "Path=/") || !strings.Contains(c, "SameSite=Lax") {
		t.Errorf("the switch sets cookie %q, want lang=en for the site, SameSite=Lax", c)
	}
	if a := e.get("/partners?kind=school&lang=en"); !strings.Contains(a.body, `href="/partners?kind=school&amp;lang=nl"`) {
		t.Errorf("the switch on /partners?kind=school does not keep the filter")
	}
}

// TestNoForeignTaxonomyLabels: an English page carries no Dutch label of the
// taxonomy, a Dutch one no English label (labels the two languages share, such as
// "school", aside). The partners' and tenders' own text is taken out first: it is
// in the language its author wrote.
func TestNoForeignTaxonomyLabels(t *testing.T) {
	e := readEnv(t)
	var own []string
	for _, p := range e.profiles {
		own = append(own, p.Name, p.Description)
	}
	for _, tn := range e.tenders {
		own = append(own, tn.Title, tn.Description)
	}
	// Longest first, so that a name holding another is taken out whole.
	sort.Slice(own, func(i, j int) bool { return len(own[i]) > len(own[j]) })
	var pairsOut []string
	for _, s := range own {
		if s != "" {
			pairsOut = append(pairsOut, s, " ")
		}
	}
	withoutOwn := strings.NewReplacer(pairsOut...)
	labels := map[Lang][]string{}
	for _, terms := range [][]termPair{pairs(e.tax.Kinds), pairs(e.tax.Instruments), pairs(e.tax.Themes)} {
		for _, p := range terms {
			if strings.EqualFold(p.nl, p.en) {
				continue
			}
			labels[EN] = append(labels[EN], regexp.QuoteMeta(p.nl)) // foreign on an English page
			labels[NL] = append(labels[NL], regexp.QuoteMeta(p.en))
		}
	}
	foreign := map[Lang]*regexp.Regexp{}
	for l, alts := range labels {
		foreign[l] = regexp.MustCompile(`(?i)(?:^|[^\pL])(` + strings.Join(alts, "|") + `)(?:$|[^\pL])`)
	}
	for _, path := range e.pagePaths() {
		for _, l := range langs {
			text := withoutOwn.Replace(visibleText(t, e.inLang(path, l).body))
			if m := foreign[l].FindStringSubmatchIndex(text); m != nil {
				t.Errorf("GET %s in %s shows the other language's label %q: …%s…", path, l, text[m[2]:m[3]],
					text[max(0, m[2]-50):min(len(text), m[3]+50)])
			}
		}
	}
}

type termPair struct{ nl, en string }

func pairs(terms []profiles.Term) []termPair {
	out := make([]termPair, len(terms))
	for i, term := range terms {
		out[i] = termPair{term.NL, term.EN}
	}
	return out
}

// visibleText is the text of an HTML page as people read it: no tags, no
// attributes, no head.
func visibleText(t *testing.T, page string) string {
	t.Helper()
	doc, err := html.Parse(strings.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && n.Data == "head" {
			return
		}
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
			b.WriteString(" ")
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	return strings.Join(strings.Fields(b.String()), " ")
}

// TestNoPrivateOrContactOnAnyPage: the canaries in every profile's private and
// contact fields appear on no page, for no visitor: every profile's own page, every
// search, every tender with all its coalitions.
func TestNoPrivateOrContactOnAnyPage(t *testing.T) {
	e := readEnv(t)
	// A search shows its own words back; these are words of the canaries.
	paths := append(e.pagePaths(), "/partners?q=canary", "/partners?q=contactpersoon", "/partners?q=idea")
	for _, path := range paths {
		for _, l := range langs {
			checkNoCanary(t, path, l, e.inLang(path, l).body)
		}
	}
	for _, p := range e.profiles { // each profile's own page, in one language
		path := "/profiles/" + p.ID
		checkNoCanary(t, path, NL, e.inLang(path, NL).body)
	}
}

func checkNoCanary(t *testing.T, path string, l Lang, body string) {
	t.Helper()
	for _, canary := range []string{canaryIdea, canaryMail, canaryPhone, canaryName, "7f3a"} {
		if strings.Contains(body, canary) {
			t.Fatalf("GET %s in %s shows %q, a private or contact field", path, l, canary)
		}
	}
}

// TestSecurityHeaders: every page, error page and asset carries the
// Content-Security-Policy (no script, no inline style, no framing), the referrer
// policy and nosniff; and no page holds what that policy would block.
func TestSecurityHeaders(t *testing.T) {
	e := readEnv(t)
	paths := append(e.pagePaths(), "/tenders/nope", "/profiles/nope", "/nowhere", "/profiles/NOT_AN_ID")
	paths = append(paths, e.site.assets.css()...)
	for _, path := range paths {
		a := e.get(path, "Accept", "text/html")
		csp := a.header.Get("Content-Security-Policy")
		for _, want := range []string{"default-src 'none'", "frame-ancestors 'none'", "style-src 'self'", "base-uri 'none'"} {
			if !strings.Contains(csp, want) {
				t.Errorf("GET %s: Content-Security-Policy %q lacks %q", path, csp, want)
			}
		}
		if strings.Contains(csp, "unsafe") || strings.Contains(csp, "script-src") {
			t.Errorf("GET %s: Content-Security-Policy %q allows scripts or inline code", path, csp)
		}
		if got := a.header.Get("Referrer-Policy"); got != "same-origin" {
			t.Errorf("GET %s: Referrer-Policy %q, want same-origin", path, got)
		}
		if got := a.header.Get("X-Content-Type-Options"); got != "nosniff" {
			t.Errorf("GET %s: X-Content-Type-Options %q, want nosniff", path, got)
		}
		if strings.HasPrefix(a.header.Get("Content-Type"), "text/html") {
			for _, bad := range []string{"<script", " style=", "<style", "javascript:", " on"} {
				if bad == " on" {
					if re := regexp.MustCompile(`<[^>]+\son[a-z]+=`); re.MatchString(a.body) {
						t.Errorf("GET %s has an inline event handler", path)
					}
					continue
				}
				if strings.Contains(a.body, bad) {
					t.Errorf("GET %s holds %q, which the policy blocks", path, bad)
				}
			}
		}
	}
}

// TestErrorPages: a missing tender or profile, or an unknown path, is an HTML 404
// in the page's language for a browser, and problem+json for a client that asks
// for JSON.
func TestErrorPages(t *testing.T) {
	e := readEnv(t)
	for _, path := range []string{"/tenders/nope", "/profiles/nope", "/tenders/Not_An_Id", "/nowhere"} {
		for _, tc := range []struct {
			headers []string
			want    string
		}{
			{[]string{"Accept", "text/html,application/xhtml+xml,*/*;q=0.8"}, `<html lang="nl"`},
			{[]string{"Accept", "text/html", "Accept-Language", "en"}, `<html lang="en"`},
			{nil, "Deze pagina bestaat niet"},
			{[]string{"Accept-Language", "en-US"}, "Page not found"},
		} {
			a := e.get(path, tc.headers...)
			if a.status != 404 || !strings.HasPrefix(a.header.Get("Content-Type"), "text/html") || !strings.Contains(a.body, tc.want) {
				t.Errorf("GET %s %v = %d %s, want an HTML 404 with %q", path, tc.headers, a.status, a.header.Get("Content-Type"), tc.want)
			}
		}
		if path == "/nowhere" {
			continue // the API answers unknown paths for JSON clients (its TestPagesBesideTheAPI)
		}
		a := e.get(path, "Accept", "application/json")
		if a.status != 404 || a.header.Get("Content-Type") != "application/problem+json" || !strings.Contains(a.body, `"status":404`) {
			t.Errorf("GET %s asking for JSON = %d %s %s, want a problem+json 404", path, a.status, a.header.Get("Content-Type"), a.body)
		}
	}
	for _, status := range []int{400, 403, 404, 405, 413, 429, 500, 503} {
		for _, l := range langs {
			if _, ok := catalogue()["error."+strconv.Itoa(status)+".title"]; !ok {
				t.Errorf("no error page title for %d in %s", status, l)
			}
		}
	}
}

// TestPartnersPaging: pages of 20 with "x–y of N", previous and next links that
// keep the search, and the filters narrowing the search as the store does.
func TestPartnersPaging(t *testing.T) {
	e := readEnv(t)
	ctx := context.Background()
	_, total, err := e.st.SearchProfiles(ctx, profiles.Query{Limit: 1})
	if err != nil {
		t.Fatal(err)
	}
	last := (total + pageSize - 1) / pageSize
	tests := []struct {
		path      string
		want      []string
		prev, nxt string
	}{
		{"/partners", []string{"1–20 van " + itoa3(total) + " partners", "Pagina 1 van " + itoa3(last)}, "", "/partners?page=2"},
		{"/partners?page=2", []string{"21–40 van " + itoa3(total) + " partners"}, "/partners", "/partners?page=3"},
		{"/partners?page=" + itoa3(last), []string{"Pagina " + itoa3(last) + " van " + itoa3(last)}, "/partners?page=" + itoa3(last-1), ""},
		{"/partners?page=999", []string{"Geen partners op deze pagina"}, "/partners?page=" + itoa3(last), ""},
		{"/partners?page=x", []string{"1–20 van"}, "", "/partners?page=2"},
	}
	for _, tc := range tests {
		a := e.get(tc.path)
		for _, w := range tc.want {
			if !strings.Contains(a.body, w) {
				t.Errorf("GET %s lacks %q", tc.path, w)
			}
		}
		checkLink(t, tc.path, a.body, "prev", tc.prev)
		checkLink(t, tc.path, a.body, "next", tc.nxt)
	}
	if a := e.get("/partners?page=999"); strings.Contains(a.body, "Pagina 999") {
		t.Errorf("a page past the last says it is page 999 of %d", last)
	}
	if a := e.get("/partners?lang=en"); !strings.Contains(a.body, "1–20 of "+strings.ReplaceAll(itoa3(total), ".", ",")+" partners") {
		t.Errorf("GET /partners in English lacks 1–20 of %d partners", total)
	}

	// Each filter narrows the search as the store's query does, and the links keep it.
	filters := []struct {
		query string
		q     profiles.Query
	}{
		{"kind=residents_group", profiles.Query{Kind: "residents_group"}},
		{"size=small", profiles.Query{Size: "small"}},
		{"area=WK034403", profiles.Query{Area: "WK034403"}},
		{"instrument=meeting_place", profiles.Query{Instrument: "meeting_place"}},
		{"theme=loneliness", profiles.Query{Theme: "loneliness"}},
		{"q=buurt&kind=residents_group", profiles.Query{Text: "buurt", Kind: "residents_group"}},
	}
	for _, f := range filters {
		f.q.Limit = 100
		hits, n, err := e.st.SearchProfiles(ctx, f.q)
		if err != nil {
			t.Fatal(err)
		}
		if n == 0 || n == total {
			t.Fatalf("filter %s finds %d of %d partners: no test of a filter", f.query, n, total)
		}
		a := e.get("/partners?" + f.query)
		want := "1–" + itoa3(min(n, pageSize)) + " van " + itoa3(n) + " partners"
		if !strings.Contains(a.body, want) {
			t.Errorf("GET /partners?%s lacks %q", f.query, want)
		}
		if !strings.Contains(a.body, `href="/profiles/`+hits[0].ID+`"`) {
			t.Errorf("GET /partners?%s does not link the first hit, %s", f.query, hits[0].ID)
		}
		if n > pageSize {
			m := regexp.MustCompile(`rel="next" href="([^"]*)"`).FindStringSubmatch(a.body)
			for _, kv := range strings.Split(f.query, "&") {
				if m == nil || !strings.Contains(html.UnescapeString(m[1]), kv) {
					t.Errorf("GET /partners?%s: the next page's link %v does not keep %s", f.query, m, kv)
				}
			}
		}
		if !strings.Contains(a.body, "selected") {
			t.Errorf("GET /partners?%s: the chosen filter is not selected", f.query)
		}
	}
	if a := e.get("/partners?kind=nonsense"); !strings.Contains(a.body, "Onbekende waarde genegeerd bij: Soort organisatie") || !strings.Contains(a.body, "1–20 van "+itoa3(total)) {
		t.Errorf("GET /partners?kind=nonsense does not say it ignored the filter and searched all")
	}
}

// itoa3 writes n with Dutch digit grouping.
func itoa3(n int) string { return integer(NL, n) }

func checkLink(t *testing.T, path, body, rel, want string) {
	t.Helper()
	re := regexp.MustCompile(`rel="` + rel + `" href="([^"]*)"`)
	m := re.FindStringSubmatch(body)
	switch {
	case want == "" && m != nil:
		t.Errorf("GET %s has a %s link to %s, want none", path, rel, m[1])
	case want != "" && m == nil:
		t.Errorf("GET %s has no %s link, want %s", path, rel, want)
	case want != "" && html.UnescapeString(m[1]) != want:
		t.Errorf("GET %s: %s link %s, want %s", path, rel, html.UnescapeString(m[1]), want)
	}
}

// TestHead: every page answers HEAD as GET, with its status and headers and no
// body, as a link checker or a monitor asks.
func TestHead(t *testing.T) {
	e := readEnv(t)
	srv := httptest.NewServer(e.h)
	defer srv.Close()
	for _, path := range append(e.pagePaths(), "/tenders/nope") {
		get := e.get(path, "Accept", "text/html")
		req, err := http.NewRequest(http.MethodHead, srv.URL+path, nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Accept", "text/html")
		res, err := srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != get.status || len(b) != 0 || res.Header.Get("Content-Type") != get.header.Get("Content-Type") ||
			res.Header.Get("Content-Security-Policy") == "" {
			t.Errorf("HEAD %s = %d, %d bytes, %q; GET = %d, %q", path, res.StatusCode, len(b), res.Header.Get("Content-Type"), get.status, get.header.Get("Content-Type"))
		}
	}
}
