package store

import (
	"context"
	"strings"
	"testing"

	"samenspel/config"
	"samenspel/internal/profiles"
)

func TestMatchQuery(t *testing.T) {
	tests := []struct {
		text, want string
	}{
		{"", ""},
		{"   ", ""},
		{"schuldhulp", `"schuldhulp"*`},
		{"  Eetcafé   de  ", `"Eetcafé"* "de"*`},
		{"a OR b", `"a"* "OR"* "b"*`},
		{`say "hi"`, `"say"* """hi"""*`},
		{"ggz-ondersteuning", `"ggz-ondersteuning"*`},
		{"NEAR(a b) name:x ^y z* -- ()", `"NEAR(a"* "b)"* "name:x"* "^y"* "z*"*`},
		{"a\x00b\tc", `"a"* "b"* "c"*`},
		{strings.Repeat("w ", maxWords+5), strings.TrimSpace(strings.Repeat(`"w"* `, maxWords))},
	}
	for _, tc := range tests {
		if got := matchQuery(tc.text); got != tc.want {
			t.Errorf("matchQuery(%q) = %s, want %s", tc.text, got, tc.want)
		}
	}
}

// FuzzMatchQuery checks that no user text reaches FTS5 as syntax: the expression is
// a list of quoted prefix phrases, one per word of the input, and SQLite accepts it.
func FuzzMatchQuery(f *testing.F) {
	for _, seed := range []string{
		"schuldhulp", `"`, `""`, `"*`, "*", "a AND b", "a OR b NOT c", "NEAR(a b, 2)",
		"name:x", "{name description}: x", "^x", "x + y", "(", ")", "'", "é", "\u0308",
		"\x00", "a\"b\"\"c", "-x", "x:", "ℕ", "中文", "\ufeff", "\xff\xfe",
	} {
		f.Add(seed)
	}
	tax, err := profiles.ParseTaxonomy(config.Taxonomy)
	if err != nil {
		f.Fatal(err)
	}
	ctx := context.Background()
	s, err := Open(ctx, f.TempDir(), tax)
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { s.Close() })
	p := profiles.Profile{ID: "p", Name: "Eetcafé De Hoek", Kind: "business", Size: "small",
		Areas: []string{"GM0344"}, Instruments: map[string]float64{"meals": 1}}
	if err := s.CreateProfile(ctx, p); err != nil {
		f.Fatal(err)
	}

	f.Fuzz(func(t *testing.T, text string) {
		expr := matchQuery(text)
		words := phrases(t, expr)
		if len(words) > maxWords {
			t.Fatalf("matchQuery(%q) has %d phrases, want at most %d", text, len(words), maxWords)
		}
		for _, w := range words {
			if strings.ContainsFunc(w, isSeparator) || !strings.Contains(text, w) || !strings.ContainsFunc(w, isWordRune) {
				t.Fatalf("matchQuery(%q) = %s: phrase %q is not a word of the input", text, expr, w)
			}
		}
		if len(words) == 0 && strings.ContainsFunc(text, isWordRune) {
			t.Fatalf("matchQuery(%q) = %q, want the words of the input", text, expr)
		}
		if _, _, err := s.SearchProfiles(ctx, profiles.Query{Text: text}); err != nil {
			t.Fatalf("SearchProfiles(%q) with expression %s = %v", text, expr, err)
		}
	})
}

// phrases parses an expression of matchQuery: `"w"*` items, one space apart, inner
// quotes doubled. It fails the test on anything else.
func phrases(t *testing.T, expr string) []string {
	t.Helper()
	var out []string
	rest := expr
	for rest != "" {
		if !strings.HasPrefix(rest, `"`) {
			t.Fatalf("expression %s: %q does not start a quoted phrase", expr, rest)
		}
		var w strings.Builder
		i := 1
		for {
			if i >= len(rest) {
				t.Fatalf("expression %s: unterminated phrase", expr)
			}
			if rest[i] == '"' {
				if i+1 < len(rest) && rest[i+1] == '"' {
					w.WriteByte('"')
					i += 2
					continue
				}
				break
			}
			w.WriteByte(rest[i])
			i++
		}
		rest = rest[i+1:]
		if !strings.HasPrefix(rest, "*") {
			t.Fatalf("expression %s: phrase %q is not a prefix query", expr, w.String())
		}
		rest = rest[1:]
		out = append(out, w.String())
		if rest != "" {
			if !strings.HasPrefix(rest, " ") || rest == " " {
				t.Fatalf("expression %s: phrases not one space apart", expr)
			}
			rest = rest[1:]
		}
	}
	return out
}
