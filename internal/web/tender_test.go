package web

import (
	"context"
	"encoding/json"
	"regexp"
	"strings"
	"testing"

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
			"Verplicht in de coalitie: bewonersorganisatie.", "Ten minste één kleine of nieuwe partner."}},
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
