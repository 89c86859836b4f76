package web

import (
	"testing"
	"time"
)

func TestFormats(t *testing.T) {
	day := time.Date(2026, time.December, 2, 15, 4, 0, 0, time.UTC)
	tests := []struct {
		name   string
		nl, en string
		got    func(Lang) string
	}{
		{"money", "€\u00a0120.000", "€120,000", func(l Lang) string { return money(l, 120000) }},
		{"money small", "€\u00a0950", "€950", func(l Lang) string { return money(l, 950) }},
		{"money large", "€\u00a01.250.000", "€1,250,000", func(l Lang) string { return money(l, 1250000) }},
		{"integer", "1.234", "1,234", func(l Lang) string { return integer(l, 1234) }},
		{"score in points", "90", "90", func(l Lang) string { return points(l, 0.8999999999999999) }},
		{"small share", "2,4", "2.4", func(l Lang) string { return points(l, 0.0238) }},
		{"share near ten", "10", "10", func(l Lang) string { return points(l, 0.0996) }},
		{"negative share", "−0,9", "−0.9", func(l Lang) string { return points(l, -0.0094) }},
		{"zero", "0", "0", func(l Lang) string { return points(l, -0.00001) }},
		{"percent", "67%", "67%", func(l Lang) string { return percent(l, 0.6666666666666666) }},
		{"percent whole", "100%", "100%", func(l Lang) string { return percent(l, 0.9999999999) }},
		{"date", "2 december 2026", "2 December 2026", func(l Lang) string { return date(l, day) }},
		{"no date", "", "", func(l Lang) string { return date(l, time.Time{}) }},
		{"level full", "volledig (100%)", "in full (100%)", func(l Lang) string { return level(l, 1) }},
		{"level quarter", "voor een kwart (25%)", "a quarter (25%)", func(l Lang) string { return level(l, 0.25) }},
		{"level half", "voor de helft (50%)", "half (50%)", func(l Lang) string { return level(l, 0.5) }},
		{"level little", "voor een klein deel (10%)", "a small part (10%)", func(l Lang) string { return level(l, 0.1) }},
		{"list of one", "a", "a", func(l Lang) string { return list(l, []string{"a"}) }},
		{"list", "a, b en c", "a, b and c", func(l Lang) string { return list(l, []string{"a", "b", "c"}) }},
		{"counted one", "Ten minste één kleine of nieuwe partner.", "At least one small or new partner.", func(l Lang) string { return counted(l, "tender.rule.minsmall", 1) }},
		{"counted many", "Ten minste 2 kleine of nieuwe partners.", "At least 2 small or new partners.", func(l Lang) string { return counted(l, "tender.rule.minsmall", 2) }},
	}
	for _, tc := range tests {
		if got := tc.got(NL); got != tc.nl {
			t.Errorf("%s in nl = %q, want %q", tc.name, got, tc.nl)
		}
		if got := tc.got(EN); got != tc.en {
			t.Errorf("%s in en = %q, want %q", tc.name, got, tc.en)
		}
	}
}

// TestCatalogueComplete: every text has both languages, and the two take the same
// arguments.
func TestCatalogueComplete(t *testing.T) {
	for key, m := range catalogue() {
		if m.nl == "" || m.en == "" {
			t.Errorf("catalogue[%q] lacks a language: %+v", key, m)
		}
		if verbs(m.nl) != verbs(m.en) {
			t.Errorf("catalogue[%q]: nl takes %q, en %q", key, verbs(m.nl), verbs(m.en))
		}
	}
}

func verbs(s string) string {
	var out []byte
	for i := 0; i+1 < len(s); i++ {
		if s[i] == '%' {
			out = append(out, s[i+1])
			i++
		}
	}
	return string(out)
}
