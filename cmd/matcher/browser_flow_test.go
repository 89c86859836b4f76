package main

import (
	"strings"
	"testing"

	"samenspel/internal/browsertest"
)

// TestRegisterAndSignInInBrowser: a residents' group registers through the form in
// headless Chromium, is shown its token once, signs in with it by the button
// beside it, finds its private ideas on its own page (and nobody else does), edits
// its description through the form and finds its ideas and contact kept, and
// switches the pages to English. Screenshots of the form and of the answer are
// kept.
func TestRegisterAndSignInInBrowser(t *testing.T) {
	base := serveExamples(t)
	const idea = "Kookavonden met de moskee, idee-canary-7Qx"
	b := browsertest.Start(t, 1280)
	if st := b.Go(base + "/register"); st != 200 {
		t.Fatalf("GET /register = %d", st)
	}
	b.CheckPage("register")
	b.Fill("Naam", "Buurtkamer Browser")
	b.Fill("Soort organisatie", "Bewonersorganisatie")
	b.Fill("Omvang", "Klein")
	b.Check("Noordwest", true)
	b.Fill("Maaltijden", "voor de helft")
	b.Fill("E-mailadres", "browser@example.org")
	b.Fill("Uw eigen ideeën", idea)
	if st := b.Submit("Aanmelden"); st != 201 {
		t.Fatalf("registering through the form = %d, want 201: %s", st, b.Text(""))
	}
	b.CheckPage("registered")
	page := b.Text("")
	if !strings.Contains(page, "Uw sleutel") || !strings.Contains(page, "maar één keer") {
		t.Errorf("the answer does not show the token once with what it is for:\n%s", page)
	}
	if st := b.Submit("Inloggen met deze sleutel"); st != 200 {
		t.Fatalf("signing in with the shown token = %d", st)
	}
	if !strings.HasPrefix(b.Path(), "/profiles/") || !strings.Contains(b.Text(""), idea) {
		t.Fatalf("after signing in at %s the partner does not see its own ideas:\n%s", b.Path(), b.Text(""))
	}
	if c := b.Cookie("samenspel_session"); c == nil || !c.HTTPOnly || c.SameSite != "Lax" {
		t.Errorf("session cookie %+v: want HttpOnly and SameSite=Lax", c)
	}
	profile := b.Path()
	b.CheckPage("own-profile")

	// A webhook address left empty, then mistyped: the form comes back with the
	// address as typed and the error beside it.
	if st := b.Submit("Instellen"); st != 422 || !strings.Contains(b.Text(""), "Vul het adres in waar de meldingen heen moeten") {
		t.Errorf("setting an empty webhook address = %d, want the form asking for it:\n%s", st, b.Text(""))
	}
	b.CheckPage("webhook-empty")
	b.Fill("Adres (https)", "http://meldingen.example.org")
	if st := b.Submit("Instellen"); st != 422 || browsertest.Eval[string](b, `document.getElementById("f-webhook").value`) != "http://meldingen.example.org" {
		t.Errorf("setting an http webhook address = %d, want it refused and kept in the field", st)
	}
	b.CheckPage("webhook-refused")
	if st := b.Go(base + profile); st != 200 {
		t.Fatalf("GET %s = %d", profile, st)
	}

	// An edit through the form changes what it shows and keeps the rest: the
	// private ideas, the contact.
	if st := b.Go(base + profile + "/edit"); st != 200 {
		t.Fatalf("GET %s/edit = %d", profile, st)
	}
	b.Fill("Beschrijving", "Elke dinsdag open voor de buurt.")
	if st := b.Submit("Opslaan"); st != 200 {
		t.Fatalf("saving the edit = %d: %s", st, b.Text(""))
	}
	if page := b.Text(""); !strings.Contains(page, "Elke dinsdag open voor de buurt.") || !strings.Contains(page, idea) || !strings.Contains(page, "browser@example.org") {
		t.Errorf("after an edit of the description the page lacks the new text, the private ideas or the contact:\n%s", page)
	}

	// A form whose CSRF token no longer holds (an old tab, a session that ended)
	// is refused with a page that says nothing was saved and how to try again.
	if st := b.Go(base + profile + "/edit"); st != 200 {
		t.Fatalf("GET %s/edit = %d", profile, st)
	}
	b.Fill("Beschrijving", "Dit mag niet bewaard worden.")
	browsertest.Eval[int](b, `document.querySelectorAll('input[name=csrf]').forEach(e => { e.value = 'verlopen' }); 0`)
	if st := b.Submit("Opslaan"); st != 403 || !strings.Contains(b.Text(""), "Dit formulier is verlopen") {
		t.Errorf("an edit with a stale CSRF token = %d, want the expired-form page:\n%s", st, b.Text(""))
	}
	b.CheckPage("form-expired")
	if b.Go(base + profile); strings.Contains(b.Text(""), "Dit mag niet bewaard worden.") {
		t.Error("the refused edit was saved")
	}

	other := browsertest.Start(t, 390)
	if st := other.Go(base + profile); st != 200 || strings.Contains(other.Text(""), idea) || strings.Contains(other.Text(""), "browser@example.org") {
		t.Errorf("an anonymous visitor of %s (%d) sees the private ideas or the contact", profile, st)
	}
	other.CheckPage("public-profile")

	if st := b.Follow("English"); st != 200 || !strings.Contains(b.Text(""), "Meals") || strings.Contains(b.Text(""), "Maaltijden") {
		t.Errorf("after switching to English (%d) the page is not in English:\n%s", st, b.Text(""))
	}
}

// TestTenderOwnerInBrowser: a tender owner signs in with its token, puts out a
// tender through the form and opens its coalitions; a partner signed in in another
// browser expresses interest and opens why (not) it fits ("Waarom (niet) wij?");
// the owner sees the interest on the tender's page and opens the partner's fit
// from there. Each fit page passes axe and does not scroll sideways at 390 px.
func TestTenderOwnerInBrowser(t *testing.T) {
	base := serveExamples(t) // in a temporary directory, over its store "d"
	owner, _, err := runMatcher(t, "token", "create", "--role", "tender_owner", "--name", "Gemeente Utrecht", "--data", "d")
	if err != nil {
		t.Fatal(err)
	}
	partner, _, err := runMatcher(t, "token", "create", "--role", "partner", "--name", "Buurtkamer", "--profile", "zorgcentrum-ondiep", "--data", "d")
	if err != nil {
		t.Fatal(err)
	}
	signIn := func(b *browsertest.Browser, token string) {
		t.Helper()
		b.Go(base + "/signin")
		b.Fill("Uw sleutel", strings.TrimSpace(token))
		if st := b.Submit("Inloggen"); st != 200 {
			t.Fatalf("sign in = %d: %s", st, b.Text(""))
		}
	}
	b := browsertest.Start(t, 1280)
	signIn(b, owner)
	if st := b.Go(base + "/tenders/new"); st != 200 {
		t.Fatalf("GET /tenders/new as a tender owner = %d", st)
	}
	b.CheckPage("tender-new")
	b.Fill("Titel", "Samen eten in Ondiep")
	b.Check("Noordwest", true)
	b.Fill("weight_meals", "3")
	b.Fill("weight_meeting_place", "2")
	if st := b.Submit("Aanbesteding plaatsen"); st != 201 && st != 200 {
		t.Fatalf("putting out the tender = %d: %s", st, b.Text(""))
	}
	tender := b.Path()
	if !strings.HasPrefix(tender, "/tenders/") || !strings.Contains(b.Text(""), "Samen eten in Ondiep") || !strings.Contains(b.Text(""), "Coalitie 1") {
		t.Fatalf("after putting it out, %s does not show the tender and its coalitions:\n%s", tender, b.Text(""))
	}
	b.CheckPage("tender-own")

	p := browsertest.Start(t, 390)
	signIn(p, partner)
	p.Go(base + tender)
	if st := p.Submit("Ik heb interesse"); st != 200 {
		t.Fatalf("expressing interest = %d", st)
	}
	if !strings.Contains(p.Text(""), "U hebt interesse getoond") {
		t.Errorf("the partner is not told its interest was recorded:\n%s", p.Text(""))
	}
	// Why (not) us: the partner opens its own fit from the tender page, on the
	// phone's width.
	if st := p.Follow("Bekijk het antwoord voor Zorgcentrum Ondiep"); st != 200 {
		t.Fatalf("the partner's own fit page = %d", st)
	}
	if text := p.Text(""); !strings.HasPrefix(p.Path(), tender+"/fit/zorgcentrum-ondiep") ||
		!strings.Contains(text, "Waarom (niet) Zorgcentrum Ondiep?") || !strings.Contains(text, "Dit is het antwoord voor uw eigen organisatie.") ||
		!strings.Contains(text, "Wat Zorgcentrum Ondiep aan het eigen aanbod kan veranderen") {
		t.Errorf("the partner's fit page at %s does not say its fit in words:\n%s", p.Path(), text)
	}
	p.CheckPage("fit-own")

	b.Go(base + tender)
	if !strings.Contains(b.Text(""), "Wie interesse toonde") || !strings.Contains(b.Text(""), "Zorgcentrum Ondiep") {
		t.Errorf("the owner does not see who expressed interest:\n%s", b.Text(""))
	}
	// The owner asks why (not) the interested partner, on the desktop and the
	// phone's width; the page shows no contact of any partner.
	if st := b.Follow("Waarom (niet) Zorgcentrum Ondiep?"); st != 200 {
		t.Fatalf("the owner's fit page of the interested partner = %d", st)
	}
	if text := b.Text(""); !strings.Contains(text, "In aanmerking?") || strings.Contains(text, "@example.org") {
		t.Errorf("the owner's fit page does not say the fit, or shows a contact:\n%s", text)
	}
	b.CheckPage("fit-owner")
	b.SetWidth(390)
	b.Go(base + b.Path())
	b.CheckPage("fit-owner")
}
