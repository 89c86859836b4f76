package web

import (
	"go/ast"
	"go/parser"
	"go/token"
	"strconv"
	"strings"
	"testing"

	"samenspel/config"
	"samenspel/internal/profiles"
)

// TestWarningsInWords: every warning the engine can write (read from its source,
// internal/match, so that a new one fails here until the pages say it) is said in
// words in both languages, with names for its codes.
func TestWarningsInWords(t *testing.T) {
	tax, err := profiles.ParseTaxonomy(config.Taxonomy)
	if err != nil {
		t.Fatal(err)
	}
	s := &Site{d: Deps{Taxonomy: tax}}
	names := map[string]string{"welfare": "Wijkteam Welzijn"}
	warnings := engineWarnings(t)
	if len(warnings) < 9 {
		t.Fatalf("found %d warnings in the engine's source, want at least 9: %q", len(warnings), warnings)
	}
	for _, w := range warnings {
		for _, l := range langs {
			text, key := s.warningText(l, w, names)
			if key == "" {
				t.Errorf("the engine's warning %q has no words in %s", w, l)
				continue
			}
			if strings.Contains(text, "welfare") && l == NL {
				t.Errorf("warning %q in nl shows a code: %q", w, text)
			}
			if strings.Contains(text, "%!") || strings.Contains(text, "‹") {
				t.Errorf("warning %q in %s = %q", w, l, text)
			}
		}
	}
	tests := []struct {
		warning, nl, en string
	}{
		{"need neighbourhood_watch covered for 75%", "Buurtpreventie is maar voor 75% gedekt.", "Neighbourhood watch is only 75% covered."},
		{"need greening covered for 0%", "Vergroening: geen van de partners brengt dit in.", "Greening: none of the partners brings it."},
		{"dominant partner: welfare holds 62% of the score; check that the others keep a say",
			"Wijkteam Welzijn heeft 62% van de score: een dominante partner. Let erop dat de anderen zeggenschap houden.",
			"Wijkteam Welzijn holds 62% of the score: a dominant partner. Make sure the others keep a say."},
		{`no candidate is of required kind "residents_group"`, "Geen kandidaat is een bewonersorganisatie, terwijl de aanbesteding daarom vraagt.",
			"No candidate is a residents' group, which the tender asks for."},
		{"something new the engine says", "something new the engine says", "something new the engine says"},
	}
	for _, tc := range tests {
		if got, _ := s.warningText(NL, tc.warning, names); got != tc.nl {
			t.Errorf("warningText(nl, %q) = %q, want %q", tc.warning, got, tc.nl)
		}
		if got, _ := s.warningText(EN, tc.warning, names); got != tc.en {
			t.Errorf("warningText(en, %q) = %q, want %q", tc.warning, got, tc.en)
		}
	}
}

// engineWarnings are the warnings of internal/match/suggest.go, their verbs filled
// with sample values: every string (or fmt.Sprintf format) appended to a Warnings
// list, and for a format that starts with the search's reason, each reason.
func engineWarnings(t *testing.T) []string {
	t.Helper()
	return engineWarningsOf(t, "../match/suggest.go")
}

// engineWarningsOf is engineWarnings of one source file of the engine; a warning
// written as why+": ..." is the format "%s: ..." of each reason.
func engineWarningsOf(t *testing.T, file string) []string {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), file, nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	var formats, reasons []string
	literal := func(e ast.Expr) (string, bool) {
		if call, ok := e.(*ast.CallExpr); ok {
			if sel, ok := call.Fun.(*ast.SelectorExpr); ok && sel.Sel.Name == "Sprintf" {
				e = call.Args[0]
			}
		}
		if bin, ok := e.(*ast.BinaryExpr); ok && bin.Op == token.ADD {
			if id, ok := bin.X.(*ast.Ident); ok && id.Name == "why" {
				if lit, ok := bin.Y.(*ast.BasicLit); ok && lit.Kind == token.STRING {
					s, err := strconv.Unquote(lit.Value)
					return "%s" + s, err == nil
				}
			}
		}
		if lit, ok := e.(*ast.BasicLit); ok && lit.Kind == token.STRING {
			s, err := strconv.Unquote(lit.Value)
			return s, err == nil
		}
		return "", false
	}
	ast.Inspect(f, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.CallExpr:
			if id, ok := n.Fun.(*ast.Ident); ok && id.Name == "append" && len(n.Args) == 2 {
				if sel, ok := n.Args[0].(*ast.SelectorExpr); ok && sel.Sel.Name == "Warnings" {
					if s, ok := literal(n.Args[1]); ok {
						formats = append(formats, s)
					}
				}
			}
		case *ast.AssignStmt:
			if id, ok := n.Lhs[0].(*ast.Ident); ok && id.Name == "why" {
				if s, ok := literal(n.Rhs[0]); ok {
					reasons = append(reasons, s)
				}
			}
		}
		return true
	})
	fill := strings.NewReplacer("%q", `"welfare"`, "%s", "welfare", "%d", "50000", "%.0f%%", "40%", "%.4f", "0.8123")
	var out []string
	for _, f := range formats {
		if strings.HasPrefix(f, "%s: ") {
			for _, r := range reasons {
				out = append(out, fill.Replace(r+f[2:]))
			}
			continue
		}
		out = append(out, fill.Replace(f))
	}
	return out
}
