package web

import (
	"context"
	"html"
	"regexp"
	"strings"
	"testing"

	"samenspel/internal/auth"
	"samenspel/internal/match"
	"samenspel/internal/suggest"
)

// TestFitPage: why (not) this partner in words (SPEC §6, issue 13), in Dutch and
// English: whether it is a candidate and every reason if not, its best coalition
// with its score in points and the place it would take, what keeps it out of the
// coalitions above (each block said, the members by name), the changes to its
// offer each with the score it would reach, and no code or engine number anywhere.
func TestFitPage(t *testing.T) {
	e := readEnv(t)
	ctx := context.Background()
	type check struct {
		path string
		nl   []string
		en   []string
	}
	// The engine's own answers, for the figures the page must show.
	fit := func(tender, profile string) match.FitResult {
		t.Helper()
		res, err := e.site.d.Suggest.Fit(ctx, tender, profile)
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	welzijn := fit("eenzaamheid-ouderen-overvecht-2026", "stichting-welzijn-utrecht")
	if welzijn.Best == nil || welzijn.Rank == nil || len(welzijn.Above) == 0 || len(welzijn.Changes) == 0 {
		t.Fatalf("the example answer lacks a best coalition, a rank, coalitions above or changes: no test of their words: %+v", welzijn)
	}
	blocks := map[string]bool{}
	for _, a := range welzijn.Above {
		for _, b := range a.Blocks {
			blocks[b.Code] = true
		}
	}
	if !blocks[match.BlockFreeRider] || !blocks[match.BlockMakesFreeRiders] {
		t.Fatalf("the example answer's blocks %v lack free_rider or makes_free_riders", blocks)
	}
	best, rank, ch := welzijn.Best.Score, *welzijn.Rank, welzijn.Changes[0]
	if ch.Instrument != "buddy_program" || ch.From != 0 {
		t.Fatalf("the example answer's first change is %+v, want buddy_program added", ch)
	}
	tests := []check{
		{"/tenders/eenzaamheid-ouderen-overvecht-2026/fit/stichting-welzijn-utrecht",
			[]string{"Waarom (niet) Stichting Welzijn Utrecht?", "Stichting Welzijn Utrecht komt in aanmerking voor deze aanbesteding.",
				"De beste coalitie met Stichting Welzijn Utrecht scoort " + points(NL, best) + " van 100 en zou plaats " + integer(NL, rank) + " innemen",
				"De beste coalitie met Stichting Welzijn Utrecht: score " + points(NL, best) + " van 100",
				"Coalitie 1 (score " + points(NL, welzijn.Above[0].Score) + " van 100)",
				"Stichting Welzijn Utrecht zou niets toevoegen: de partners leveren al wat Stichting Welzijn Utrecht biedt.",
				"zou GGZ Domstad niets meer toevoegen",
				"Maatjesproject erbij bieden, volledig (100%): de beste coalitie scoort dan " + points(NL, ch.Score) + " van 100 (" + points(NL, ch.Gain) + " punten meer).",
				"Mantelzorgondersteuning: volledig (100%)", "Deelbudget", `href="/tenders/eenzaamheid-ouderen-overvecht-2026"`},
			[]string{"Why (not) Stichting Welzijn Utrecht?", "Stichting Welzijn Utrecht qualifies for this tender.",
				"scores " + points(EN, best) + " out of 100 and would take place " + integer(EN, rank) + " among",
				"Stichting Welzijn Utrecht would add nothing: the partners deliver what Stichting Welzijn Utrecht offers already.",
				"GGZ Domstad would add nothing any more",
				"Buddy programme added to its offer, in full (100%): the best coalition would then score " + points(EN, ch.Score) + " out of 100",
				"Informal care support: in full (100%)", "Sub-budget"}},
		{"/tenders/schulden-jonge-gezinnen-kanaleneiland-2026/fit/stichting-maatjeswerk-utrecht",
			[]string{"Er is geen coalitie met Stichting Maatjeswerk Utrecht die aan alle regels voldoet.", "Bijvoorbeeld de coalitie van",
				"niets toe.", "De coalitie is vol: ze heeft al 4 partners, zoveel als er mogen.",
				"Geen verandering aan het aanbod van Stichting Maatjeswerk Utrecht zou de beste score verhogen."},
			[]string{"There is no coalition with Stichting Maatjeswerk Utrecht that keeps every rule.", "For example the coalition of",
				"The coalition is full: it has 4 partners already, as many as allowed.",
				"No change to the offer of Stichting Maatjeswerk Utrecht would raise its best score."}},
		{"/tenders/veilig-rond-scholen-noordwest-2027/fit/zorgcentrum-ondiep",
			[]string{"Zorgcentrum Ondiep komt niet in aanmerking voor deze aanbesteding. De redenen:",
				"Zorgcentrum Ondiep biedt niets van wat nodig is (jongerenwerk, buurtpreventie,",
				"Omdat Zorgcentrum Ondiep niet in aanmerking komt, is er geen coalitie met deze partner.",
				"Jongerenwerk erbij bieden, volledig (100%)"},
			[]string{"Zorgcentrum Ondiep does not qualify for this tender. The reasons:",
				"Zorgcentrum Ondiep offers nothing that is needed (youth work, neighbourhood watch,", "Youth work added to its offer, in full (100%)"}},
		{"/tenders/eenzaamheid-ouderen-overvecht-2026/fit/zorgcentrum-ondiep",
			[]string{"Geen van de gebieden van Zorgcentrum Ondiep (Noordwest) overlapt met dat van de aanbesteding (Overvecht).",
				"Aan het aanbod ligt het niet: geen verandering daarin brengt Zorgcentrum Ondiep binnen de aanbesteding."},
			[]string{"None of the areas of Zorgcentrum Ondiep (Noordwest) overlaps the tender&#39;s (Overvecht).",
				"It is not the offer: no change to it brings Zorgcentrum Ondiep into the tender."}},
		{"/tenders/energiearmoede-utrecht-2027/fit/buurtfonds-ondiep",
			[]string{"Er zijn zoveel mogelijke coalities dat Samenspel ze niet allemaal heeft doorgerekend", "Geen coalitie met deze partner scoort hoger dan "},
			[]string{"There are so many possible coalitions that Samenspel did not weigh them all", "No coalition with this partner scores above "}},
	}
	for _, tc := range tests {
		for _, l := range langs {
			want := tc.nl
			if l == EN {
				want = tc.en
			}
			a := e.inLang(tc.path, l)
			if a.status != 200 {
				t.Fatalf("GET %s in %s = %d", tc.path, l, a.status)
			}
			for _, w := range want {
				if !strings.Contains(a.body, w) {
					t.Errorf("GET %s in %s lacks %q:\n%.3000s", tc.path, l, w, visibleText(t, a.body))
				}
			}
			text := visibleText(t, a.body)
			noMoney := regexp.MustCompile(`€\s?[\d.,]+`).ReplaceAllString(text, "€")
			if m := regexp.MustCompile(`\d[.,]\d{3,}`).FindString(noMoney); m != "" {
				t.Errorf("GET %s in %s shows the number %q", tc.path, l, m)
			}
			for _, code := range []string{"home_visits", "buddy_program", "youth_work", "residents_group", "free_rider", "max_size",
				"lower_score", "WK034403", "not proven optimal", "stale"} {
				if strings.Contains(text, code) {
					t.Errorf("GET %s in %s shows %q", tc.path, l, code)
				}
			}
		}
	}
	// An unknown tender or profile, or a bad id, is the 404 page.
	for _, path := range []string{"/tenders/nope/fit/zorgcentrum-ondiep", "/tenders/veilig-rond-scholen-noordwest-2027/fit/nope",
		"/tenders/veilig-rond-scholen-noordwest-2027/fit/Not_An_Id"} {
		if a := e.inLang(path, NL); a.status != 404 || !strings.Contains(a.body, "Deze pagina bestaat niet") {
			t.Errorf("GET %s = %d, want the 404 page", path, a.status)
		}
	}
}

// TestFitWarningsInWords: every warning of a fit answer (read from the engine's
// source, internal/match/fit.go) is said in words in both languages.
func TestFitWarningsInWords(t *testing.T) {
	s := &Site{d: Deps{Taxonomy: readEnv(t).tax}}
	warnings := engineWarningsOf(t, "../match/fit.go")
	if len(warnings) < 5 {
		t.Fatalf("found %d warnings in fit.go, want at least 5 (stale, three searches that end early, changes not weighed): %q", len(warnings), warnings)
	}
	bound := 0.93
	for _, w := range warnings {
		for _, l := range langs {
			text, key := s.fitWarningText(l, w, &bound)
			if key == "" {
				t.Errorf("the fit's warning %q has no words in %s", w, l)
			}
			if strings.Contains(text, "%!") || strings.Contains(text, "‹") {
				t.Errorf("warning %q in %s = %q", w, l, text)
			}
		}
	}
	if got, _ := s.fitWarningText(NL, "3 changes to the offer were not weighed before the search ended", nil); got != "3 veranderingen aan het aanbod zijn niet meer doorgerekend voordat het zoeken stopte." {
		t.Errorf("skipped changes in nl = %q", got)
	}
	if got, _ := s.fitWarningText(EN, "the search was stopped at its deadline: these are the best coalitions found, not proven optimal", &bound); !strings.HasSuffix(got, "No coalition with this partner scores above 93 out of 100.") {
		t.Errorf("deadline in en = %q, want the bound in points", got)
	}
}

// busyFits refuses every fit as a replica at its cap of heavy computations does.
type busyFits struct{ Suggester }

func (busyFits) Fit(context.Context, string, string) (match.FitResult, error) {
	return match.FitResult{}, suggest.ErrBusy
}

// TestFitPageWhenBusy: a fit refused for load is the 503 page, with Retry-After,
// in the page's language (and problem+json for a client that asks for JSON).
func TestFitPageWhenBusy(t *testing.T) {
	e := newEnv(t, testAreas)
	e.site.d.Suggest = busyFits{e.site.d.Suggest}
	path := fitPaths[0]
	for l, want := range map[Lang]string{NL: "Even niet beschikbaar", EN: "Not available right now"} {
		a := e.inLang(path, l)
		if a.status != 503 || a.header.Get("Retry-After") == "" || !strings.Contains(a.body, want) {
			t.Errorf("a busy fit in %s = %d (Retry-After %q), want the 503 page with %q", l, a.status, a.header.Get("Retry-After"), want)
		}
	}
	if a := e.get(path, "Accept", "application/json"); a.status != 503 || a.header.Get("Content-Type") != "application/problem+json" {
		t.Errorf("a busy fit asked as JSON = %d %s", a.status, a.header.Get("Content-Type"))
	}
}

// TestFitLinksAndPrivacy: the signed-in partner finds its fit from its own page
// (the open tenders in its areas) and from the tender page ("Waarom (niet)
// wij?"); the tender's owner beside each partner that expressed interest and on a
// partner's page; anonymous visitors are offered none. No fit page shows a
// partner's contact or private fields, to any visitor: not the partner's own, not
// another's, not to the tender owner who may see contacts on the profile pages.
func TestFitLinksAndPrivacy(t *testing.T) {
	e := newEnv(t, testAreas)
	e.withForms(t)
	ctx := context.Background()
	const tender = "veilig-rond-scholen-noordwest-2027"
	me := e.profiles[0] // zorgcentrum-ondiep, in Noordwest
	if me.ID != "zorgcentrum-ondiep" {
		t.Fatalf("the first example profile is %s", me.ID)
	}
	partner := e.signedIn(t, auth.RolePartner, me.ID, me.Name)
	own := partner.do("GET", "/profiles/"+me.ID, nil)
	if !strings.Contains(own.body, `href="`+fitURL(tender, me.ID)+`">Waarom (niet) wij?</a>`) {
		t.Errorf("the partner's own page does not link its fit for %s", tender)
	}
	if strings.Contains(own.body, fitURL("eenzaamheid-ouderen-overvecht-2026", me.ID)) {
		t.Errorf("the partner's own page links a tender outside its areas")
	}
	tp := partner.do("GET", "/tenders/"+tender, nil)
	if !strings.Contains(tp.body, `id="fit">Waarom (niet) wij?</h2>`) || !strings.Contains(tp.body, `href="`+fitURL(tender, me.ID)+`">Bekijk het antwoord voor `+me.Name) {
		t.Errorf("the tender page offers the signed-in partner no link to its own fit")
	}
	fp := partner.do("GET", fitURL(tender, me.ID), nil)
	if fp.status != 200 || !strings.Contains(fp.body, "Dit is het antwoord voor uw eigen organisatie.") {
		t.Errorf("the partner's own fit page = %d, or it does not say it is its own", fp.status)
	}

	owner, identity := e.signedInAs(t, auth.RoleTenderOwner, "", "Programma Noordwest")
	tn := e.tenders[2]
	if tn.ID != tender {
		t.Fatalf("the third example tender is %s", tn.ID)
	}
	tn.ID = "eigen-noordwest"
	if err := e.st.CreateTender(ctx, tn, identity, posted); err != nil {
		t.Fatal(err)
	}
	if err := e.st.AddInterest(ctx, tn.ID, me.ID, posted); err != nil {
		t.Fatal(err)
	}
	op := owner.do("GET", "/tenders/"+tn.ID, nil)
	if !strings.Contains(op.body, `href="`+fitURL(tn.ID, me.ID)+`">Waarom (niet) `+me.Name+`?</a>`) {
		t.Errorf("the tender's owner finds no fit beside the partner that expressed interest")
	}
	other := e.profiles[7]
	pp := owner.do("GET", "/profiles/"+other.ID, nil)
	if !strings.Contains(pp.body, `href="`+fitURL(tn.ID, other.ID)+`">Waarom (niet) `+html.EscapeString(other.Name)+`?</a>`) || strings.Contains(pp.body, fitURL(tender, other.ID)) {
		t.Errorf("a partner's page offers the tender owner no fit for its own tender, or one for another's")
	}
	anon := e.browser()
	for _, path := range []string{"/tenders/" + tender, "/profiles/" + me.ID} {
		if a := anon.do("GET", path, nil); strings.Contains(a.body, "/fit/") {
			t.Errorf("GET %s offers an anonymous visitor a fit page", path)
		}
	}

	// The canaries: every profile carries them in its contact and private fields.
	visitors := map[string]*browser{"the partner": partner, "the tender owner": owner, "anyone": anon,
		"an admin": e.signedIn(t, auth.RoleAdmin, "", "Beheer")}
	paths := append([]string{fitURL(tn.ID, me.ID), fitURL(tn.ID, other.ID)}, fitPaths...)
	for who, b := range visitors {
		for _, path := range paths {
			a := b.do("GET", path, nil)
			if a.status != 200 {
				t.Fatalf("GET %s as %s = %d", path, who, a.status)
			}
			checkNoCanary(t, path+" as "+who, NL, a.body)
		}
	}
}

// TestFitAndWhyGrammar: the Dutch sentences agree with what they name: one
// member that would add nothing ("zou"), or more ("zouden"); the only one of a
// kind, whatever the kind's article (de bewonersorganisatie, het bedrijf).
func TestFitAndWhyGrammar(t *testing.T) {
	s := &Site{d: Deps{Taxonomy: readEnv(t).tax}}
	names := map[string]string{"a": "Buurtkamer Zuilen", "b": "Sportclub Noordoost", "c": "Bewonersplatform Noordwest"}
	for _, c := range []struct {
		members []string
		want    string
	}{
		{[]string{"b"}, "Met Buurtkamer Zuilen erbij zou Sportclub Noordoost niets meer toevoegen, "},
		{[]string{"c", "b"}, "Met Buurtkamer Zuilen erbij zouden Bewonersplatform Noordwest en Sportclub Noordoost niets meer toevoegen, "},
	} {
		got := s.blockText(NL, "Buurtkamer Zuilen", match.FitBlock{Code: match.BlockMakesFreeRiders, Members: c.members}, names)
		if !strings.HasPrefix(got, c.want) {
			t.Errorf("free riders %v in nl = %q, want it to begin %q", c.members, got, c.want)
		}
	}
	for kind, want := range map[string]string{
		"business":        "Geen andere partner in de coalitie is een bedrijf, ",
		"fund":            "Geen andere partner in de coalitie is een fonds, ",
		"residents_group": "Geen andere partner in de coalitie is een bewonersorganisatie, ",
	} {
		if got := s.why(NL, memberFacts{Name: "X", Kind: kind, OnlyKind: true}); !strings.HasPrefix(got, want) {
			t.Errorf("the only %s in nl = %q, want it to begin %q", kind, got, want)
		}
	}
}
