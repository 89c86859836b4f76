package web

import (
	"math"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/number"
)

// The formats of numbers people read: money in whole euros, scores in points out of
// 100, shares as percentages, dates with the month's name; each in the page's
// language, never in the engine's form (0.8999999999999999).

// nbsp keeps "€ 120.000" and "87 punten" on one line.
const nbsp = "\u00a0"

// money formats whole euros: "€ 120.000" in Dutch, "€120,000" in English.
func money(l Lang, euros int64) string {
	n := l.printer().Sprintf("%d", euros)
	if l == EN {
		return "€" + n
	}
	return "€" + nbsp + n
}

// integer formats a whole number with the language's digit grouping.
func integer(l Lang, n int) string { return l.printer().Sprintf("%d", n) }

// points formats a share of the score (in [0, 1], or below 0 for a part that
// lowers it) as points out of 100: whole points from 10 up, one decimal below, so
// that a small share does not read as nothing ("2,4" in Dutch, "2.4" in English).
func points(l Lang, x float64) string {
	p := 100 * x
	digits := 0
	if math.Abs(p) < 9.95 {
		digits = 1
	}
	p = roundTo(p, digits)
	if p == 0 {
		return "0" // no "-0"
	}
	s := l.printer().Sprint(number.Decimal(math.Abs(p), number.MaxFractionDigits(digits), number.MinFractionDigits(0)))
	if p < 0 {
		s = "−" + s // the minus sign, not a hyphen
	}
	return s
}

// percent formats a fraction in [0, 1] as a whole percentage: "87%".
func percent(l Lang, x float64) string {
	return l.printer().Sprint(number.Percent(roundTo(x, 2), number.MaxFractionDigits(0)))
}

func roundTo(x float64, digits int) float64 {
	f := math.Pow(10, float64(digits))
	return math.Round(x*f) / f
}

var months = map[Lang][12]string{
	NL: {"januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober", "november", "december"},
	EN: {"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"},
}

// date formats a day: "2 december 2026" in Dutch, "2 December 2026" in English.
// The zero time is "".
func date(l Lang, t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return l.printer().Sprintf("%d %s %s", t.Day(), months[l][t.Month()-1], t.Format("2006"))
}

// levelKeys name a level (SPEC §2: in (0, 1], 1 being able to deliver it fully) in
// words, by the lowest level of each band.
var levelKeys = []struct {
	from float64
	key  string
}{
	{0.995, "level.full"},
	{0.8, "level.almost"},
	{0.6, "level.threequarters"},
	{0.4, "level.half"},
	{0.2, "level.quarter"},
	{0, "level.little"},
}

// level says in words how much of an instrument a partner brings, with the
// percentage: "voor een kwart (25%)".
func level(l Lang, x float64) string {
	for _, b := range levelKeys {
		if x >= b.from {
			return t(l, b.key) + " (" + percent(l, x) + ")"
		}
	}
	return percent(l, x)
}

// counted is the text of key for n: key.0 and key.1 when the catalogue has them
// (no or one partner), else key with n filled in.
func counted(l Lang, key string, n int) string {
	if n <= 1 {
		if _, ok := catalogue()[key+"."+strconv.Itoa(n)]; ok {
			return t(l, key+"."+strconv.Itoa(n))
		}
	}
	return t(l, key, integer(l, n))
}

// list joins items as a sentence does: "a, b en c" in Dutch, "a, b and c" in
// English.
func list(l Lang, items []string) string {
	switch len(items) {
	case 0:
		return ""
	case 1:
		return items[0]
	}
	return strings.Join(items[:len(items)-1], ", ") + " " + t(l, "and") + " " + items[len(items)-1]
}

// capital starts s with a capital letter, for a label that starts a sentence or an
// item ("huisbezoeken" → "Huisbezoeken").
func capital(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if r == utf8.RuneError {
		return s
	}
	return string(unicode.ToUpper(r)) + s[n:]
}
