package browsertest

import (
	_ "embed"
	"fmt"
	"sort"
	"strings"
)

// axeSource is axe-core's axe.min.js from the npm registry (MPL-2.0; axe/LICENSE and,
// for what it bundles, axe/LICENSE-3RD-PARTY.txt), refreshed by `make axe`.
//
//go:embed axe/axe.min.js
var axeSource string

// Violation is a rule of axe-core that the page breaks.
type Violation struct {
	Rule    string `json:"id"`
	Impact  string `json:"impact"` // minor, moderate, serious or critical
	Help    string `json:"help"`
	HelpURL string `json:"helpUrl"`
	Nodes   []Node `json:"nodes"`
}

// Node is an element that breaks a rule.
type Node struct {
	Target  string `json:"target"` // a CSS selector for the element
	HTML    string `json:"html"`
	Summary string `json:"failureSummary"`
}

// severity orders axe-core's impacts, most severe last.
var severity = map[string]int{"minor": 1, "moderate": 2, "serious": 3, "critical": 4}

// Blocking reports whether a violation of this impact fails a page: serious or
// critical.
func Blocking(impact string) bool { return severity[impact] >= severity["serious"] }

// Axe runs axe-core's default rules (WCAG 2.x A and AA and best practices, not the
// experimental ones) on the current page and returns its violations, the most severe
// first. axe-core is injected into the page through the DevTools protocol, which the
// page's Content-Security-Policy does not restrict.
func (b *Browser) Axe() []Violation {
	b.t.Helper()
	if !Eval[bool](b, `typeof window.axe === 'object'`) {
		// The source is evaluated as a script, not called: wrapped in a function its
		// UMD header would not set window.axe.
		Eval[any](b, axeSource+"\n;null")
	}
	vs := Eval[[]Violation](b, `axe.run(document, {resultTypes: ['violations']}).then(r => r.violations.map(v => ({
  id: v.id, impact: v.impact || '', help: v.help, helpUrl: v.helpUrl,
  nodes: v.nodes.map(n => ({
    target: n.target.map(t => Array.isArray(t) ? t.join(' >>> ') : t).join(' '),
    html: n.html, failureSummary: n.failureSummary || ''}))})))`)
	sort.SliceStable(vs, func(i, j int) bool { return severity[vs[i].Impact] > severity[vs[j].Impact] })
	return vs
}

// CheckAxe runs Axe and fails the test (t.Errorf) for each serious or critical
// violation, with the page, the width, the rule, its help text and the offending
// elements; the minor and moderate ones are written to the test log.
func (b *Browser) CheckAxe() {
	b.t.Helper()
	path := b.Path()
	for _, v := range b.Axe() {
		if Blocking(v.Impact) {
			b.t.Errorf("%s at %d px: axe %s", path, b.tab.width, v)
		} else {
			b.t.Logf("%s at %d px: axe (not blocking) %s", path, b.tab.width, v)
		}
	}
}

// String is the rule, its impact and help, and the elements, one a line.
func (v Violation) String() string {
	var s strings.Builder
	fmt.Fprintf(&s, "%s (%s): %s (%s)", v.Rule, v.Impact, v.Help, v.HelpURL)
	const most = 10
	for i, n := range v.Nodes {
		if i == most {
			fmt.Fprintf(&s, "\n    … and %d more", len(v.Nodes)-most)
			break
		}
		fmt.Fprintf(&s, "\n    %s", n.Target)
	}
	return s.String()
}
