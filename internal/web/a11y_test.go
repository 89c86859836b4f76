package web

import (
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// TestAccessibilityBasics checks what a parser can see of WCAG 2.1 AA on every
// page in both languages (the browser tests run axe-core on top): a lang, one h1
// and headings in order, a skip link to the main content, a label for every
// control, a legend for every fieldset, column headers, unique ids, and no drawing
// without a text beside it.
func TestAccessibilityBasics(t *testing.T) {
	e := readEnv(t)
	paths := append(e.pagePaths(), "/tenders/nope")
	for _, path := range paths {
		for _, l := range langs {
			doc, err := html.Parse(strings.NewReader(e.inLang(path, l).body))
			if err != nil {
				t.Fatal(err)
			}
			for _, problem := range a11yProblems(doc) {
				t.Errorf("GET %s in %s: %s", path, l, problem)
			}
		}
	}
}

func htmlParse(s string) (*html.Node, error) { return html.Parse(strings.NewReader(s)) }

func attr(n *html.Node, name string) (string, bool) {
	for _, a := range n.Attr {
		if a.Key == name {
			return a.Val, true
		}
	}
	return "", false
}

func a11yProblems(doc *html.Node) []string {
	var problems []string
	var elements []*html.Node
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			elements = append(elements, n)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	ids := map[string]int{}
	labelled := map[string]bool{}
	for _, n := range elements {
		if id, ok := attr(n, "id"); ok {
			ids[id]++
		}
		if n.Data == "label" {
			if f, ok := attr(n, "for"); ok {
				labelled[f] = true
			}
		}
	}
	for id, count := range ids {
		if count > 1 {
			problems = append(problems, "id "+id+" is used more than once")
		}
	}
	level, h1s := 0, 0
	var firstLink *html.Node
	for _, n := range elements {
		switch n.Data {
		case "html":
			if lang, _ := attr(n, "lang"); lang != "nl" && lang != "en" {
				problems = append(problems, "<html> has no lang")
			}
		case "h1", "h2", "h3", "h4", "h5", "h6":
			h := int(n.Data[1] - '0')
			if h == 1 {
				h1s++
			}
			if h > level+1 {
				problems = append(problems, "heading "+n.Data+" follows h"+string(rune('0'+level)))
			}
			level = h
		case "a":
			if firstLink == nil {
				firstLink = n
			}
		case "input", "select", "textarea":
			if typ, _ := attr(n, "type"); typ == "hidden" || typ == "submit" || typ == "button" {
				continue
			}
			id, _ := attr(n, "id")
			if _, aria := attr(n, "aria-label"); !aria && (id == "" || !labelled[id]) {
				problems = append(problems, "a "+n.Data+" (id "+id+") has no label")
			}
		case "fieldset":
			c := n.FirstChild
			for c != nil && c.Type != html.ElementNode {
				c = c.NextSibling
			}
			if c == nil || c.Data != "legend" {
				problems = append(problems, "a fieldset has no legend first")
			}
		case "th":
			if scope, _ := attr(n, "scope"); scope != "col" && scope != "row" {
				problems = append(problems, "a th has no scope")
			}
		case "svg":
			if hidden, _ := attr(n, "aria-hidden"); hidden != "true" && !hasAncestorHidden(n) {
				problems = append(problems, "an svg is not hidden from screen readers and has no text")
			}
		case "button":
			if strings.TrimSpace(textOf(n)) == "" {
				problems = append(problems, "a button has no text")
			}
		}
	}
	if h1s != 1 {
		problems = append(problems, "the page has "+string(rune('0'+h1s))+" h1s, want one")
	}
	if href, _ := attr(firstLink, "href"); firstLink == nil || href != "#main" || ids["main"] != 1 {
		problems = append(problems, "the first link is not the skip link to #main")
	}
	return problems
}

func hasAncestorHidden(n *html.Node) bool {
	for p := n.Parent; p != nil; p = p.Parent {
		if v, _ := attr(p, "aria-hidden"); v == "true" {
			return true
		}
	}
	return false
}

func textOf(n *html.Node) string {
	var b strings.Builder
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return b.String()
}

// TestA11yProblemsFinds: the checks above find what they look for.
func TestA11yProblemsFinds(t *testing.T) {
	bad := `<html><body><a href="/">x</a><h1>a</h1><h3>b</h3><h1>c</h1><input id="q"><select></select>
<fieldset><p>no legend</p></fieldset><table><tr><th>x</th></tr></table><svg></svg><button> </button>
<p id="d"></p><p id="d"></p></body></html>`
	doc, err := html.Parse(strings.NewReader(bad))
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Join(a11yProblems(doc), "\n")
	for _, want := range []string{"no lang", "heading h3 follows h1", "2 h1s", "input (id q) has no label", "select (id ) has no label",
		"fieldset has no legend", "th has no scope", "svg is not hidden", "button has no text", "id d is used more", "skip link"} {
		if !strings.Contains(got, want) {
			t.Errorf("a11yProblems of a bad page misses %q; found:\n%s", want, got)
		}
	}
}
