package web

import (
	"context"
	"strings"
	"testing"
)

// TestAreasByName: a partner types the areas it works in by name. A known name
// becomes a ticked box, a code is taken as typed, and a name the gazetteer does
// not know brings the form back with the areas found for it, the error beside the
// field, what was typed kept, and nothing stored; ticking a found area registers.
func TestAreasByName(t *testing.T) {
	e := newEnv(t, testAreas)
	e.withForms(t)
	b := e.browser()
	ctx := context.Background()

	form := b.do("GET", "/register", nil)
	v := registration(form.body, "Buurtkamer Ondiep")
	v.Del("area")
	v.Set("areas_other", "Ondiep; oud hoograven, BU03440301")
	done := b.do("POST", "/register", v)
	if done.status != 201 {
		t.Fatalf("POST /register with areas by name = %d:\n%.2000s", done.status, visibleText(t, done.body))
	}
	rec, err := e.st.GetProfileRecord(ctx, "buurtkamer-ondiep")
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(rec.Profile.Areas, " "); got != "BU03440202 BU03440701 BU03440301" {
		t.Errorf("areas by name = %s, want Ondiep, Oud-Hoograven and the code typed", got)
	}

	form = b.do("GET", "/register", nil)
	v = registration(form.body, "Buurtkamer Zuilen")
	v.Del("area")
	v.Set("areas_other", "zuil")
	again := b.do("POST", "/register", v)
	if again.status != 422 {
		t.Fatalf("an unknown area name = %d, want 422", again.status)
	}
	text := visibleText(t, again.body)
	for _, w := range []string{"We kennen geen gebied dat precies “zuil” heet.", "Vink hieronder aan wat u bedoelt", "Gevonden gebieden", "Zuilen, Noordwest"} {
		if !strings.Contains(text, w) {
			t.Errorf("the form after an unknown name lacks %q:\n%.3000s", w, text)
		}
	}
	if !strings.Contains(again.body, `id="f-area-BU03440201" name="area" value="BU03440201">`) {
		t.Errorf("Zuilen is not offered as an unticked box")
	}
	if !strings.Contains(again.body, `name="areas_other" value="zuil"`) {
		t.Errorf("the name typed is not kept")
	}
	if !strings.Contains(again.body, `href="#f-areas-other"`) {
		t.Errorf("the summary does not link to the field of names")
	}
	if _, err := e.st.GetProfileRecord(ctx, "buurtkamer-zuilen"); err == nil {
		t.Fatalf("a form with an unknown area name registered the profile")
	}
	v = registration(again.body, "Buurtkamer Zuilen")
	v.Set("area", "BU03440201")
	v.Del("areas_other")
	if ok := b.do("POST", "/register", v); ok.status != 201 {
		t.Fatalf("the found area ticked = %d", ok.status)
	}

	// In English.
	b.do("GET", "/?lang=en", nil)
	form = b.do("GET", "/register", nil)
	v = registration(form.body, "Buurtkamer Lunetten")
	v.Del("area")
	v.Set("areas_other", "Nowhere")
	en := b.do("POST", "/register", v)
	if text := visibleText(t, en.body); en.status != 422 || !strings.Contains(text, "We know no area called exactly “Nowhere”.") ||
		strings.Contains(text, "Gevonden") || strings.Contains(text, "Tick below") {
		t.Errorf("an unknown name in English = %d:\n%.2000s", en.status, text)
	}
}

// TestAreasResolve pins how the field of names is read.
func TestAreasResolve(t *testing.T) {
	s := &Site{d: Deps{Areas: testAreas}}
	tests := []struct {
		typed, codes, left string
		found              bool
	}{
		{"Ondiep", "BU03440202", "", false},
		{"Zuilen, Noordwest", "BU03440201", "", false},             // one label
		{"Zuilen, Ondiep", "BU03440201 BU03440202", "", false},     // two names
		{"wk034403 BU03440301", "WK034403 BU03440301", "", false},  // codes apart by spaces
		{"Ondiep\nLunetten;;", "BU03440202 BU03440704", "", false}, // lines
		{"Ondiep; zui", "BU03440202", "zui", true},                 // a start of names
		{"Atlantis", "", "Atlantis", false},                        // nothing found
		{"", "", "", false},
	}
	for _, tt := range tests {
		p := areaPick{OtherAreas: tt.typed}
		s.resolve(&p)
		if got := strings.Join(p.areaCodes, " "); got != tt.codes || p.OtherAreas != tt.left || (len(p.Found) > 0) != tt.found {
			t.Errorf("resolve(%q) = %q, left %q, found %v; want %q, left %q, found %v", tt.typed, got, p.OtherAreas, p.Found, tt.codes, tt.left, tt.found)
		}
	}
}
