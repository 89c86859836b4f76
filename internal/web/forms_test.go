package web

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gin-gonic/gin"

	"samenspel/internal/auth"
	"samenspel/internal/profiles"
	"samenspel/internal/store"
	"samenspel/internal/webhook"
)

// fakeSessions stands for internal/web/session: sessions in memory under a cookie,
// tokens checked in the store, and a CSRF token per browser (a cookie, and the
// same value in every form).
type fakeSessions struct {
	st *store.Store
	mu sync.Mutex
	by map[string]Visitor
}

func (f *fakeSessions) Visitor(r *http.Request) Visitor {
	c, err := r.Cookie("sid")
	if err != nil {
		return Visitor{}
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.by[c.Value]
}

func (f *fakeSessions) SignIn(w http.ResponseWriter, r *http.Request, secret string) (Visitor, error) {
	tok, err := f.st.TokenByHash(r.Context(), auth.Hash(secret))
	if err != nil {
		return Visitor{}, err
	}
	if tok.State(time.Now()) != auth.TokenActive {
		return Visitor{}, errors.New("not active")
	}
	v := Visitor{Principal: auth.Principal{Role: tok.Role, Profile: tok.Profile, Owner: auth.TokenID(tok.Hash)}, Name: tok.Name}
	sid := randomHex()
	f.mu.Lock()
	f.by[sid] = v
	f.mu.Unlock()
	http.SetCookie(w, &http.Cookie{Name: "sid", Value: sid, Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode})
	return v, nil
}

func (f *fakeSessions) SignOut(w http.ResponseWriter, r *http.Request) {
	if c, err := r.Cookie("sid"); err == nil {
		f.mu.Lock()
		delete(f.by, c.Value)
		f.mu.Unlock()
	}
	http.SetCookie(w, &http.Cookie{Name: "sid", Value: "", Path: "/", MaxAge: -1})
}

func (f *fakeSessions) CSRFToken(w http.ResponseWriter, r *http.Request) string {
	if c, err := r.Cookie("csrf"); err == nil && c.Value != "" {
		return c.Value
	}
	v := randomHex()
	http.SetCookie(w, &http.Cookie{Name: "csrf", Value: v, Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode})
	r.AddCookie(&http.Cookie{Name: "csrf", Value: v}) // the page's own forms
	return v
}

func (f *fakeSessions) CheckCSRF(r *http.Request) bool {
	c, err := r.Cookie("csrf")
	return err == nil && c.Value != "" && r.PostFormValue(CSRFField) == c.Value
}

func randomHex() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// browser keeps cookies between the requests of one visitor.
type browser struct {
	t   *testing.T
	h   http.Handler
	jar map[string]string
}

func (e *env) withForms(t *testing.T) {
	t.Helper()
	e.site.d.Sessions = &fakeSessions{st: e.st, by: map[string]Visitor{}}
	e.site.d.Forms = e.st
	r := gin.New()
	e.site.Mount(r)
	r.NoRoute(func(c *gin.Context) { e.site.ErrorPage(c, http.StatusNotFound) })
	e.h = r
}

func (e *env) browser() *browser { return &browser{t: e.t, h: e.h, jar: map[string]string{}} }

func (b *browser) do(method, path string, form url.Values) answer {
	b.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req := httptest.NewRequest(method, path, body)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for k, v := range b.jar {
		req.AddCookie(&http.Cookie{Name: k, Value: v})
	}
	w := httptest.NewRecorder()
	b.h.ServeHTTP(w, req)
	for _, c := range w.Result().Cookies() {
		if c.MaxAge < 0 {
			delete(b.jar, c.Name)
		} else {
			b.jar[c.Name] = c.Value
		}
	}
	out, _ := io.ReadAll(w.Result().Body)
	return answer{status: w.Code, header: w.Header(), body: string(out)}
}

// hidden is the value of the hidden field name in a page's first form that has it.
func hidden(page, name string) string {
	m := regexp.MustCompile(`<input type="hidden" name="` + name + `" value="([^"]*)">`).FindStringSubmatch(page)
	if m == nil {
		return ""
	}
	return html.UnescapeString(m[1])
}

// registration is a filled-in registration form of page.
func registration(page string, name string) url.Values {
	return url.Values{
		CSRFField: {hidden(page, CSRFField)}, "key": {hidden(page, "key")},
		"name": {name}, "kind": {"residents_group"}, "size": {"small"}, "new_provider": {"1"},
		"area": {"WK034403"}, "areas_other": {"BU03440301"},
		"inst_meeting_place": {"0.5"}, "inst_meals": {"1"}, "theme": {"loneliness", "health"},
		"description": {"Koffie en een praatje, elke woensdag."}, "email": {"info@example.org"},
		"ideas": {"IDEA-never-for-others"},
	}
}

// TestRegisterThroughTheForm: a residents' group registers with the form, sees its
// token once, signs in with it, and finds its profile with its contact and its
// private ideas, which no one else sees.
func TestRegisterThroughTheForm(t *testing.T) {
	e := newEnv(t, testAreas)
	e.withForms(t)
	b := e.browser()
	form := b.do("GET", "/register", nil)
	if form.status != 200 || !strings.Contains(form.body, `<form class="form profile-form" method="post" action="/register"`) {
		t.Fatalf("GET /register = %d", form.status)
	}
	for _, w := range []string{"Overvecht", "voor de helft", "Huisbezoeken", "Eenzaamheid", "Uw eigen ideeën", "Alleen u en de beheerders zien dit"} {
		if !strings.Contains(form.body, w) {
			t.Errorf("the registration form lacks %q", w)
		}
	}
	v := registration(form.body, "Buurtkamer Tigrisdreef")
	done := b.do("POST", "/register", v)
	if done.status != 201 {
		t.Fatalf("POST /register = %d:\n%.2000s", done.status, visibleText(t, done.body))
	}
	if got := done.header.Get("Cache-Control"); got != "no-store" {
		t.Errorf("the page with the token: Cache-Control %q, want no-store", got)
	}
	token := html.UnescapeString(regexp.MustCompile(`id="f-new-token" value="([^"]+)"`).FindStringSubmatch(done.body)[1])
	ctx := context.Background()
	rec, err := e.st.GetProfileRecord(ctx, "buurtkamer-tigrisdreef")
	if err != nil {
		t.Fatalf("the registered profile: %v", err)
	}
	p := rec.Profile
	if p.Kind != "residents_group" || p.Size != "small" || !p.NewProvider || p.Instruments["meeting_place"] != 0.5 ||
		len(p.Areas) != 2 || p.Private["ideas"] != "IDEA-never-for-others" || p.Contact == nil || p.Contact.Email != "info@example.org" {
		t.Errorf("the registered profile = %+v", p)
	}
	tok, err := e.st.TokenByHash(ctx, auth.Hash(token))
	if err != nil || tok.Role != auth.RolePartner || tok.Profile != p.ID {
		t.Fatalf("the shown token = %+v, %v; want the partner's", tok, err)
	}

	// The same form sent again (a reload) registers nothing new and shows the same
	// token.
	again := b.do("POST", "/register", v)
	if again.status != 200 || !strings.Contains(again.body, token) || !strings.Contains(again.body, "al verstuurd") {
		t.Errorf("the form sent twice = %d, want the first registration again", again.status)
	}
	if _, err := e.st.GetProfileRecord(ctx, "buurtkamer-tigrisdreef-2"); !errors.Is(err, profiles.ErrNotFound) {
		t.Errorf("the form sent twice registered twice (%v)", err)
	}

	// Anyone else sees the public profile only.
	if a := e.get("/profiles/" + p.ID); a.status != 200 || strings.Contains(a.body, "IDEA-never") || strings.Contains(a.body, "info@example.org") {
		t.Errorf("the anonymous profile page shows the private or contact fields (%d)", a.status)
	}

	// The button on the token's page signs in, and the owner sees its profile whole.
	in := b.do("POST", "/signin", url.Values{CSRFField: {hidden(done.body, CSRFField)}, "token": {token}})
	if in.status != 303 || in.header.Get("Location") != "/profiles/"+p.ID {
		t.Fatalf("sign in with the new token = %d to %q", in.status, in.header.Get("Location"))
	}
	own := b.do("GET", "/profiles/"+p.ID, nil)
	if !strings.Contains(own.body, "IDEA-never-for-others") || !strings.Contains(own.body, "info@example.org") ||
		!strings.Contains(own.body, "Ingelogd als Buurtkamer Tigrisdreef") || own.header.Get("Cache-Control") != "no-store" {
		t.Errorf("the owner's profile page lacks its ideas, contact or no-store (%s)", own.header.Get("Cache-Control"))
	}
	// Another partner's page shows it nothing private.
	other := b.do("GET", "/profiles/"+e.profiles[0].ID, nil)
	if strings.Contains(other.body, canaryIdea) || strings.Contains(other.body, canaryMail) {
		t.Errorf("a partner sees another's private or contact fields")
	}
	out := b.do("POST", "/signout", url.Values{CSRFField: {hidden(own.body, CSRFField)}})
	if out.status != 303 {
		t.Errorf("sign out = %d", out.status)
	}
	if a := b.do("GET", "/profiles/"+p.ID, nil); strings.Contains(a.body, "IDEA-never") {
		t.Errorf("after signing out the profile page still shows the ideas")
	}

	// A second group of the same name gets an id of its own.
	form = b.do("GET", "/register", nil)
	if a := b.do("POST", "/register", registration(form.body, "Buurtkamer Tigrisdreef")); a.status != 201 {
		t.Errorf("a second registration of the name = %d", a.status)
	} else if _, err := e.st.GetProfileRecord(ctx, "buurtkamer-tigrisdreef-2"); err != nil {
		t.Errorf("the second registration of the name: %v", err)
	}
}

// TestRegistrationErrors: a form with mistakes comes back with each error beside
// its field and in a summary that links to it, in the page's language, with
// everything typed kept; nothing is stored.
func TestRegistrationErrors(t *testing.T) {
	e := newEnv(t, testAreas)
	e.withForms(t)
	b := e.browser()
	for _, l := range langs {
		form := b.do("GET", "/register?lang="+string(l), nil)
		v := registration(form.body, "")
		v.Del("kind")
		v.Del("area")
		v.Set("areas_other", "")
		v.Set("email", "not-an-address")
		v.Set("website", "ftp://example.org")
		a := b.do("POST", "/register", v)
		if a.status != 422 {
			t.Fatalf("POST /register with mistakes in %s = %d", l, a.status)
		}
		for _, id := range []string{"f-name", "f-kind", "f-areas-other", "f-email", "f-website"} {
			if !strings.Contains(a.body, `href="#`+id+`"`) || !strings.Contains(a.body, `id="`+id+`-error"`) {
				t.Errorf("in %s the error of %s is not in the summary and beside its field", l, id)
			}
		}
		for _, key := range []string{"form.err.name", "form.err.kind", "form.err.areas", "form.err.email", "form.err.website"} {
			if msg := catalogue()[key].nl; l == EN && !strings.Contains(html.UnescapeString(a.body), catalogue()[key].en) || l == NL && !strings.Contains(html.UnescapeString(a.body), msg) {
				t.Errorf("in %s the page lacks the message of %s", l, key)
			}
		}
		for _, kept := range []string{"Koffie en een praatje, elke woensdag.", "not-an-address", "IDEA-never-for-others", `value="0.5" selected`,
			`id="f-theme-loneliness" name="theme" value="loneliness" checked`, `id="f-size-small" name="size" value="small" checked`} {
			if !strings.Contains(a.body, kept) {
				t.Errorf("in %s the form does not keep %q", l, kept)
			}
		}
		if a.header.Get("Cache-Control") != "no-store" {
			t.Errorf("the form with typed contact and ideas may be cached")
		}
	}
	if _, total, _ := e.st.SearchProfiles(context.Background(), profiles.Query{Text: "praatje"}); total != 0 {
		t.Errorf("a refused form stored a profile")
	}
}

// TestRegistrationErrorOnItsField: an error in one part of the contact is shown
// beside that part alone; the e-mail address, which is right, is not flagged.
func TestRegistrationErrorOnItsField(t *testing.T) {
	e := newEnv(t, testAreas)
	e.withForms(t)
	b := e.browser()
	for _, c := range []struct{ field, value, id string }{
		{"phone", strings.Repeat("0", 300), "f-phone"},
		{"person", "Fatima\x01", "f-person"},
	} {
		form := b.do("GET", "/register", nil)
		v := registration(form.body, "Buurtkamer Zuilen")
		v.Set(c.field, c.value)
		a := b.do("POST", "/register", v)
		if a.status != 422 {
			t.Fatalf("POST /register with a bad %s = %d, want 422", c.field, a.status)
		}
		if !strings.Contains(a.body, `href="#`+c.id+`"`) || !strings.Contains(a.body, `id="`+c.id+`-error"`) {
			t.Errorf("a bad %s: its error is not in the summary and beside its field", c.field)
		}
		if strings.Contains(a.body, `href="#f-email"`) || strings.Contains(a.body, `id="f-email-error"`) {
			t.Errorf("a bad %s: the right e-mail address is flagged too", c.field)
		}
	}
}

// TestFormsRefuseWithoutCSRF: every form refuses a POST without its CSRF token, or
// with another browser's (403, nothing done).
func TestFormsRefuseWithoutCSRF(t *testing.T) {
	e := newEnv(t, testAreas)
	e.withForms(t)
	b := e.browser()
	page := b.do("GET", "/register", nil)
	other := e.browser()
	otherPage := other.do("GET", "/register", nil)
	for _, path := range []string{"/register", "/signin", "/signout"} {
		for name, csrf := range map[string]string{"none": "", "another browser's": hidden(otherPage.body, CSRFField)} {
			v := registration(page.body, "Zonder Token")
			v.Set(CSRFField, csrf)
			v.Set("token", "whatever")
			if a := b.do("POST", path, v); a.status != 403 || !strings.Contains(a.body, "Dit formulier is verlopen") || !strings.Contains(a.body, "Er is niets opgeslagen") {
				t.Errorf("POST %s with %s CSRF token = %d, want the expired-form page (403)", path, name, a.status)
			}
		}
	}
	if _, err := e.st.GetProfileRecord(context.Background(), "zonder-token"); !errors.Is(err, profiles.ErrNotFound) {
		t.Errorf("a registration without its CSRF token was stored (%v)", err)
	}
}

// TestSignIn: a wrong token is refused in words, a right one signs in and goes
// where it was asked to, on this site only.
func TestSignIn(t *testing.T) {
	e := newEnv(t, nil)
	e.withForms(t)
	secret, _ := auth.NewSecret()
	if err := e.st.CreateToken(context.Background(), auth.Token{Hash: auth.Hash(secret), Role: auth.RoleTenderOwner, Name: "Programma Wonen",
		Created: time.Now()}); err != nil {
		t.Fatal(err)
	}
	b := e.browser()
	page := b.do("GET", "/signin?next=/tenders/x", nil)
	if !strings.Contains(page.body, `<label class="utrecht-form-label" for="f-token">`) || hidden(page.body, "next") != "/tenders/x" {
		t.Fatalf("the sign-in page has no labelled token field or keeps no next")
	}
	csrf := hidden(page.body, CSRFField)
	if a := b.do("POST", "/signin", url.Values{CSRFField: {csrf}, "token": {"sam_wrong"}}); a.status != 401 || !strings.Contains(a.body, "kunt u niet inloggen") {
		t.Errorf("a wrong token = %d, want the form again saying so", a.status)
	}
	for next, want := range map[string]string{"/tenders/x": "/tenders/x", "//evil.example": "/", "https://evil.example/": "/", `/\evil`: "/"} {
		a := b.do("POST", "/signin", url.Values{CSRFField: {csrf}, "token": {secret}, "next": {next}})
		if a.status != 303 || a.header.Get("Location") != want {
			t.Errorf("sign in with next %q = %d to %q, want %s", next, a.status, a.header.Get("Location"), want)
		}
	}
	if a := b.do("GET", "/", nil); !strings.Contains(a.body, "Ingelogd als Programma Wonen") {
		t.Errorf("the header does not say who is signed in")
	}
	// A tender owner sees a profile's contact, not its private ideas.
	a := b.do("GET", "/profiles/"+e.profiles[0].ID, nil)
	if !strings.Contains(a.body, canaryMail) || strings.Contains(a.body, canaryIdea) {
		t.Errorf("a tender owner's profile page: contact shown %v, ideas shown %v; want contact only",
			strings.Contains(a.body, canaryMail), strings.Contains(a.body, canaryIdea))
	}
}

func TestSlug(t *testing.T) {
	for in, want := range map[string]string{
		"Buurtkamer Tigrisdreef":     "buurtkamer-tigrisdreef",
		"Wooncoöperatie Zuidwest!":   "wooncooperatie-zuidwest",
		"  Café 't Hoekje  ":         "cafe-t-hoekje",
		"!!!":                        "",
		strings.Repeat("abcde ", 20): strings.TrimRight(strings.Repeat("abcde-", 10), "-"),
	} {
		if got := slug(in); got != want {
			t.Errorf("slug(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestFormPages: the forms, empty and with errors, in both languages: every text
// in the catalogue, and what a parser sees of accessibility (labels, legends,
// headings, the skip link).
func TestFormPages(t *testing.T) {
	e := newEnv(t, testAreas)
	e.withForms(t)
	b := e.browser()
	for _, l := range langs {
		pages := map[string]answer{}
		for _, path := range []string{"/register", "/signin", "/", "/partners", "/profiles/" + e.profiles[0].ID} {
			pages[path] = b.do("GET", path+"?lang="+string(l), nil)
		}
		v := registration(pages["/register"].body, "")
		v.Del("kind")
		pages["refused registration"] = b.do("POST", "/register", v)
		pages["refused sign-in"] = b.do("POST", "/signin", url.Values{CSRFField: {hidden(pages["/signin"].body, CSRFField)}, "token": {"x"}})
		for name, a := range pages {
			if bad := regexp.MustCompile(`‹|%!|<no value>`).FindString(a.body); bad != "" {
				t.Errorf("%s in %s shows %q", name, l, bad)
			}
			if !strings.Contains(a.body, `<html lang="`+string(l)+`"`) {
				t.Errorf("%s is not in %s", name, l)
			}
			doc, err := htmlParse(a.body)
			if err != nil {
				t.Fatal(err)
			}
			for _, problem := range a11yProblems(doc) {
				t.Errorf("%s in %s: %s", name, l, problem)
			}
		}
	}
}

// signedIn is a browser signed in with a new token of role (for profile).
func (e *env) signedIn(t *testing.T, role, profile, name string) *browser {
	t.Helper()
	b, _ := e.signedInAs(t, role, profile, name)
	return b
}

// signedInAs is signedIn, and the owner identity of the token.
func (e *env) signedInAs(t *testing.T, role, profile, name string) (*browser, string) {
	t.Helper()
	secret, _ := auth.NewSecret()
	if err := e.st.CreateToken(context.Background(), auth.Token{Hash: auth.Hash(secret), Role: role, Profile: profile, Name: name,
		Created: time.Now()}); err != nil {
		t.Fatal(err)
	}
	b := e.browser()
	page := b.do("GET", "/signin", nil)
	if a := b.do("POST", "/signin", url.Values{CSRFField: {hidden(page.body, CSRFField)}, "token": {secret}}); a.status != 303 {
		t.Fatalf("sign in as %s = %d", name, a.status)
	}
	return b, auth.TokenID(auth.Hash(secret))
}

// formValues are the values a page's form would send as it stands: its text
// fields, chosen options, ticked boxes and text areas.
func formValues(page string) url.Values {
	v := url.Values{}
	for _, m := range regexp.MustCompile(`<input ([^>]*)>`).FindAllStringSubmatch(page, -1) {
		attrs := m[1]
		name := attrValue(attrs, "name")
		if name == "" {
			continue
		}
		switch attrValue(attrs, "type") {
		case "checkbox", "radio":
			if strings.Contains(attrs, " checked") {
				v.Add(name, attrValue(attrs, "value"))
			}
		default:
			v.Add(name, attrValue(attrs, "value"))
		}
	}
	for _, m := range regexp.MustCompile(`(?s)<select [^>]*name="([^"]+)"[^>]*>(.*?)</select>`).FindAllStringSubmatch(page, -1) {
		if sel := regexp.MustCompile(`<option value="([^"]*)" selected>`).FindStringSubmatch(m[2]); sel != nil {
			v.Set(m[1], html.UnescapeString(sel[1]))
		}
	}
	for _, m := range regexp.MustCompile(`(?s)<textarea [^>]*name="([^"]+)"[^>]*>(.*?)</textarea>`).FindAllStringSubmatch(page, -1) {
		v.Set(m[1], html.UnescapeString(m[2]))
	}
	return v
}

func attrValue(attrs, name string) string {
	m := regexp.MustCompile(`(?:^|\s)` + name + `="([^"]*)"`).FindStringSubmatch(attrs)
	if m == nil {
		return ""
	}
	return html.UnescapeString(m[1])
}

// TestEditOwnProfile: a partner changes its profile through the form; what the
// form does not show (another private note) is kept; a form read before someone
// else's change writes nothing; it confirms and deletes its profile; no one else
// may.
func TestEditOwnProfile(t *testing.T) {
	e := newEnv(t, testAreas)
	e.withForms(t)
	ctx := context.Background()
	p := e.profiles[0]
	p.Private = map[string]string{"ideas": canaryIdea, "plan": "PLAN-kept"}
	if err := e.st.PutProfile(ctx, p); err != nil {
		t.Fatal(err)
	}
	edit := "/profiles/" + p.ID + "/edit"
	if a := e.browser().do("GET", edit, nil); a.status != 303 || !strings.HasPrefix(a.header.Get("Location"), "/signin?next=") {
		t.Errorf("an anonymous edit = %d to %q, want to sign in first", a.status, a.header.Get("Location"))
	}
	other := e.signedIn(t, auth.RolePartner, e.profiles[1].ID, "Ander")
	if a := other.do("GET", edit, nil); a.status != 403 {
		t.Errorf("another partner's edit = %d, want 403", a.status)
	}
	owner := e.signedIn(t, auth.RolePartner, p.ID, p.Name)
	own := owner.do("GET", "/profiles/"+p.ID, nil)
	for _, w := range []string{`href="` + edit + `"`, `action="/profiles/` + p.ID + `/confirm"`, `href="/profiles/` + p.ID + `/delete"`} {
		if !strings.Contains(own.body, w) {
			t.Errorf("the owner's profile page lacks %s", w)
		}
	}
	form := owner.do("GET", edit, nil)
	if form.status != 200 || form.header.Get("Cache-Control") != "no-store" || !strings.Contains(form.body, canaryIdea) ||
		!strings.Contains(form.body, `value="`+html.EscapeString(p.Name)+`"`) {
		t.Fatalf("the edit form = %d (%s), not filled in with the profile", form.status, form.header.Get("Cache-Control"))
	}
	for name, page := range map[string]string{"edit": form.body, "own profile": own.body, "delete": owner.do("GET", "/profiles/"+p.ID+"/delete?lang=en", nil).body} {
		doc, err := htmlParse(page)
		if err != nil {
			t.Fatal(err)
		}
		for _, problem := range a11yProblems(doc) {
			t.Errorf("the %s page: %s", name, problem)
		}
		if bad := regexp.MustCompile(`‹|%!|<no value>`).FindString(page); bad != "" {
			t.Errorf("the %s page shows %q", name, bad)
		}
	}
	owner.do("GET", "/?lang=nl", nil)
	v := formValues(form.body)
	v.Set("description", "Nieuw: ook op zaterdag open.")
	v.Set("ideas", "IDEA-changed")
	stale := url.Values{}
	for k, vals := range v {
		stale[k] = vals
	}
	if a := owner.do("POST", edit, v); a.status != 303 {
		t.Fatalf("POST %s = %d:\n%.1500s", edit, a.status, visibleText(t, a.body))
	}
	rec, err := e.st.GetProfileRecord(ctx, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	got := rec.Profile
	if got.Description != "Nieuw: ook op zaterdag open." || got.Private["ideas"] != "IDEA-changed" || got.Private["plan"] != "PLAN-kept" ||
		got.Contact == nil || got.Contact.Email != canaryMail || got.Kind != p.Kind || len(got.Instruments) != len(p.Instruments) ||
		len(got.Areas) != len(p.Areas) || got.Name != p.Name {
		t.Errorf("after the edit the profile = %+v, want the description and ideas changed and all else kept", got)
	}
	for code, x := range p.Instruments {
		if got.Instruments[code] != x {
			t.Errorf("the edit changed the level of %s from %v to %v", code, x, got.Instruments[code])
		}
	}
	// The same form again: its version is stale now, nothing is written.
	stale.Set("description", "Overschreven?")
	if a := owner.do("POST", edit, stale); a.status != 409 || !strings.Contains(a.body, "Iemand anders heeft dit profiel gewijzigd") {
		t.Errorf("a stale form = %d, want 409 saying so", a.status)
	}
	if rec, _ := e.st.GetProfileRecord(ctx, p.ID); rec.Profile.Description != "Nieuw: ook op zaterdag open." {
		t.Errorf("a stale form was written")
	}
	// A name emptied by mistake: the heading still names the profile as stored.
	noName := formValues(owner.do("GET", edit, nil).body)
	noName.Set("name", "")
	if a := owner.do("POST", edit, noName); a.status != 422 {
		t.Errorf("an edit without a name = %d, want 422", a.status)
	} else if want := html.EscapeString(p.Name) + " wijzigen"; !strings.Contains(a.body, "<title>"+want) || !regexp.MustCompile(`<h1[^>]*>`+regexp.QuoteMeta(want)+`</h1>`).MatchString(a.body) {
		t.Errorf("an edit without a name: the title and heading do not say %q:\n%.600s", want, a.body)
	}
	if a := owner.do("POST", edit, url.Values{"description": {"no csrf"}}); a.status != 403 {
		t.Errorf("an edit without CSRF = %d, want 403", a.status)
	}
	csrf := hidden(form.body, CSRFField)
	if a := other.do("POST", "/profiles/"+p.ID+"/confirm", url.Values{CSRFField: {hidden(other.do("GET", "/", nil).body, CSRFField)}}); a.status != 403 {
		t.Errorf("another partner confirms = %d, want 403", a.status)
	}
	if a := owner.do("POST", "/profiles/"+p.ID+"/confirm", url.Values{CSRFField: {csrf}}); a.status != 303 {
		t.Errorf("confirm = %d", a.status)
	}
	if a := owner.do("GET", "/profiles/"+p.ID+"/delete", nil); a.status != 200 || !strings.Contains(a.body, "Ja, verwijderen") {
		t.Errorf("the delete page = %d", a.status)
	}
	if a := owner.do("POST", "/profiles/"+p.ID+"/delete", url.Values{CSRFField: {csrf}}); a.status != 200 || strings.Contains(a.body, "Ingelogd als") {
		t.Errorf("delete = %d, want the page saying so, signed out", a.status)
	}
	if _, err := e.st.GetProfileRecord(ctx, p.ID); !errors.Is(err, profiles.ErrNotFound) {
		t.Errorf("the deleted profile is still there (%v)", err)
	}
}

// TestInterest: a signed-in partner expresses interest in a tender from its page;
// the tender's owner sees who did, no one else does; none in a closed tender.
func TestInterest(t *testing.T) {
	e := newEnv(t, testAreas)
	e.withForms(t)
	ctx := context.Background()
	owner, identity := e.signedInAs(t, auth.RoleTenderOwner, "", "Programma Welzijn")
	tn := e.tenders[0]
	tn.ID = "eigen-aanbesteding"
	if err := e.st.CreateTender(ctx, tn, identity, time.Now()); err != nil {
		t.Fatal(err)
	}
	page := "/tenders/" + tn.ID
	if a := e.browser().do("GET", page, nil); !strings.Contains(a.body, `href="/signin?next=%2Ftenders%2F`+tn.ID+`"`) {
		t.Errorf("an anonymous visitor is not offered to sign in to express interest")
	}
	partner := e.signedIn(t, auth.RolePartner, e.profiles[3].ID, e.profiles[3].Name)
	a := partner.do("GET", page, nil)
	if !strings.Contains(a.body, `action="/tenders/`+tn.ID+`/interest"`) {
		t.Fatalf("a partner is not offered to express interest")
	}
	if a := partner.do("POST", page+"/interest", url.Values{}); a.status != 403 {
		t.Errorf("interest without CSRF = %d, want 403", a.status)
	}
	if a := partner.do("POST", page+"/interest", url.Values{CSRFField: {hidden(a.body, CSRFField)}}); a.status != 303 {
		t.Fatalf("interest = %d", a.status)
	}
	if ids, _ := e.st.Interests(ctx, tn.ID); len(ids) != 1 || ids[0] != e.profiles[3].ID {
		t.Errorf("the interests = %v, want the partner's", ids)
	}
	if a := partner.do("GET", page, nil); !strings.Contains(a.body, "U hebt interesse getoond") || strings.Contains(a.body, "Wie interesse toonde") {
		t.Errorf("the partner does not see its interest, or sees who else is interested")
	}
	o := owner.do("GET", page, nil)
	if !strings.Contains(o.body, "Wie interesse toonde") || !strings.Contains(o.body, `href="/profiles/`+e.profiles[3].ID+`">`+html.EscapeString(e.profiles[3].Name)) ||
		o.header.Get("Cache-Control") != "no-store" {
		t.Errorf("the tender's owner does not see who is interested (Cache-Control %q)", o.header.Get("Cache-Control"))
	}
	other := e.signedIn(t, auth.RoleTenderOwner, "", "Ander Programma")
	if a := other.do("GET", page, nil); strings.Contains(a.body, "Wie interesse toonde") || strings.Contains(a.body, html.EscapeString(e.profiles[3].Name)+"</a></li>") {
		t.Errorf("another tender owner sees who is interested")
	}
	if err := e.st.CloseTender(ctx, tn.ID, time.Now()); err != nil {
		t.Fatal(err)
	}
	late := e.signedIn(t, auth.RolePartner, e.profiles[4].ID, e.profiles[4].Name)
	lp := late.do("GET", page, nil)
	if strings.Contains(lp.body, `action="/tenders/`+tn.ID+`/interest"`) {
		t.Errorf("a closed tender offers to express interest")
	}
	if a := late.do("POST", page+"/interest", url.Values{CSRFField: {hidden(lp.body, CSRFField)}}); a.status != 409 {
		t.Errorf("interest in a closed tender = %d, want 409", a.status)
	}
}

// TestTenderOwnerForms: a tender owner puts out a tender through the form, finds
// its coalitions, changes it (what the form does not show is kept) and closes it;
// no one else may.
func TestTenderOwnerForms(t *testing.T) {
	e := newEnv(t, testAreas)
	e.withForms(t)
	ctx := context.Background()
	if a := e.browser().do("GET", "/tenders/new", nil); a.status != 303 || !strings.HasPrefix(a.header.Get("Location"), "/signin?next=") {
		t.Errorf("an anonymous GET /tenders/new = %d to %q", a.status, a.header.Get("Location"))
	}
	if a := e.signedIn(t, auth.RolePartner, e.profiles[0].ID, "Partner").do("GET", "/tenders/new", nil); a.status != 403 {
		t.Errorf("a partner's GET /tenders/new = %d, want 403", a.status)
	}
	owner, identity := e.signedInAs(t, auth.RoleTenderOwner, "", "Programma Zuilen")
	if a := owner.do("GET", "/", nil); !strings.Contains(a.body, `href="/tenders/new"`) {
		t.Errorf("the start page offers a tender owner no new tender")
	}
	form := owner.do("GET", "/tenders/new", nil)
	if form.status != 200 {
		t.Fatalf("GET /tenders/new = %d", form.status)
	}
	doc, _ := htmlParse(form.body)
	for _, problem := range a11yProblems(doc) {
		t.Errorf("the tender form: %s", problem)
	}
	csrf := hidden(form.body, CSRFField)

	bad := url.Values{CSRFField: {csrf}, "title": {""}, "budget": {"veel"}, "min_size": {"6"}, "max_size": {"4"},
		"description": {"Koken en eten met buren."}, "must_meals": {"1"}}
	a := owner.do("POST", "/tenders/new", bad)
	if a.status != 422 {
		t.Fatalf("a tender form with mistakes = %d", a.status)
	}
	for _, id := range []string{"f-title", "f-budget", "f-needs", "f-min-size", "f-areas-other"} {
		if !strings.Contains(a.body, `href="#`+id+`"`) {
			t.Errorf("the summary does not name %s", id)
		}
	}
	// The tender form speaks of the challenge, not of the partner reading it.
	for _, page := range []string{form.body, a.body} {
		text := html.UnescapeString(page)
		for _, partnerWords := range []string{catalogue()["form.areas"].nl, catalogue()["form.areas.help"].nl, catalogue()["form.themes"].nl} {
			if strings.Contains(text, partnerWords) {
				t.Errorf("the tender form says %q, which is written for a partner", partnerWords)
			}
		}
	}
	if text := html.UnescapeString(a.body); !strings.Contains(text, catalogue()["tenderform.areas"].nl+": ") {
		t.Errorf("the summary does not name the tender's areas as the form does")
	}
	if !strings.Contains(a.body, "Koken en eten met buren.") || !strings.Contains(a.body, `value="veel"`) ||
		!strings.Contains(a.body, `id="f-must-meals" name="must_meals" value="1" checked`) {
		t.Errorf("the refused tender form does not keep what was typed")
	}

	good := url.Values{CSRFField: {csrf}, "key": {hidden(form.body, "key")}, "title": {"Samen koken in Zuilen"}, "area": {"WK034402"}, "theme": {"loneliness"},
		"budget": {"120.000"}, "weight_meals": {"3"}, "must_meals": {"1"}, "weight_meeting_place": {"2"},
		"min_size": {"1"}, "max_size": {"4"}, "max_large": {""}, "min_small": {"1"}, "require_kind": {"residents_group"},
		"description": {"Koken en eten met buren."}}
	a = owner.do("POST", "/tenders/new", good)
	if a.status != 303 || a.header.Get("Location") != "/tenders/samen-koken-in-zuilen" {
		t.Fatalf("POST /tenders/new = %d to %q:\n%.1500s", a.status, a.header.Get("Location"), visibleText(t, a.body))
	}
	// The same form sent again (a double click, a reload): no second tender, the
	// owner goes to the first; another owner with the same key is refused.
	if good.Get("key") == "" {
		t.Fatal("the tender form carries no key")
	}
	if a := owner.do("POST", "/tenders/new", good); a.status != 303 || a.header.Get("Location") != "/tenders/samen-koken-in-zuilen" {
		t.Errorf("the tender form sent again = %d to %q, want 303 to the first tender", a.status, a.header.Get("Location"))
	}
	if _, err := e.st.GetTender(ctx, "samen-koken-in-zuilen-2"); !errors.Is(err, profiles.ErrNotFound) {
		t.Errorf("the tender form sent again put out a second tender (%v)", err)
	}
	intruder := e.signedIn(t, auth.RoleTenderOwner, "", "Ander Programma")
	stolen := url.Values{CSRFField: {hidden(intruder.do("GET", "/tenders/new", nil).body, CSRFField)}}
	for k, v := range good {
		if k != CSRFField {
			stolen[k] = v
		}
	}
	if a := intruder.do("POST", "/tenders/new", stolen); a.status != 409 {
		t.Errorf("another owner sending the form's key = %d, want 409", a.status)
	}
	rec, err := e.st.GetTender(ctx, "samen-koken-in-zuilen")
	if err != nil {
		t.Fatal(err)
	}
	tn := rec.Tender
	if rec.Owner != identity || tn.Budget == nil || *tn.Budget != 120000 || len(tn.Needs) != 2 || tn.MaxSize != 4 || tn.MinSmall != 1 ||
		len(tn.RequireKinds) != 1 || tn.MaxLarge != nil || tn.Weights != profiles.DefaultWeights || len(tn.Area) != 1 {
		t.Errorf("the stored tender = %+v (owner %q)", tn, rec.Owner)
	}
	for _, n := range tn.Needs {
		if n.Instrument == "meals" && (n.Weight != 3 || !n.Must) || n.Instrument == "meeting_place" && (n.Weight != 2 || n.Must) {
			t.Errorf("need %+v", n)
		}
	}
	page := owner.do("GET", "/tenders/samen-koken-in-zuilen", nil)
	if !strings.Contains(page.body, "Coalitie 1") || !strings.Contains(page.body, `href="/tenders/samen-koken-in-zuilen/edit"`) {
		t.Errorf("the new tender's page lacks its coalitions or the owner's edit link")
	}
	other := e.signedIn(t, auth.RoleTenderOwner, "", "Ander Programma")
	if a := other.do("GET", "/tenders/samen-koken-in-zuilen", nil); strings.Contains(a.body, "/edit") {
		t.Errorf("another tender owner is offered to change the tender")
	}
	if a := other.do("GET", "/tenders/samen-koken-in-zuilen/edit", nil); a.status != 403 {
		t.Errorf("another tender owner's edit = %d, want 403", a.status)
	}

	// Change: the budget, one need no longer required; the score's weights, which
	// the form does not show, stay as they were.
	custom := profiles.Weights{Coverage: 0.7, Diversity: 0.1, Trust: 0.1, Inclusion: 0.1}
	if _, err := e.st.UpdateTender(ctx, tn.ID, nil, time.Now(), func(r profiles.TenderRecord) (profiles.Tender, error) {
		r.Tender.Weights, r.Tender.Exclude = custom, []string{e.profiles[9].ID}
		return r.Tender, nil
	}); err != nil {
		t.Fatal(err)
	}
	edit := owner.do("GET", "/tenders/"+tn.ID+"/edit", nil)
	v := formValues(edit.body)
	if v.Get("budget") != "120.000" || v.Get("weight_meals") != "3" || v.Get("must_meals") != "1" || v.Get("title") != "Samen koken in Zuilen" {
		t.Fatalf("the edit form is not filled in: %v", v)
	}
	v.Set("budget", "150000")
	v.Del("must_meals")
	stale := url.Values{}
	for k, vals := range v {
		stale[k] = vals
	}
	if a := owner.do("POST", "/tenders/"+tn.ID+"/edit", v); a.status != 303 {
		t.Fatalf("the edit = %d:\n%.1500s", a.status, visibleText(t, a.body))
	}
	rec, _ = e.st.GetTender(ctx, tn.ID)
	if *rec.Tender.Budget != 150000 || rec.Tender.Needs[0].Must || rec.Tender.Weights != custom || len(rec.Tender.Exclude) != 1 {
		t.Errorf("after the edit the tender = %+v", rec.Tender)
	}
	if a := owner.do("POST", "/tenders/"+tn.ID+"/edit", stale); a.status != 409 {
		t.Errorf("a stale tender form = %d, want 409", a.status)
	}
	// A title emptied by mistake: the heading still names the tender as stored.
	noTitle := formValues(owner.do("GET", "/tenders/"+tn.ID+"/edit", nil).body)
	noTitle.Set("title", "")
	if a := owner.do("POST", "/tenders/"+tn.ID+"/edit", noTitle); a.status != 422 {
		t.Errorf("a tender edit without a title = %d, want 422", a.status)
	} else if want := "Samen koken in Zuilen wijzigen"; !strings.Contains(a.body, "<title>"+want) || !regexp.MustCompile(`<h1[^>]*>`+want+`</h1>`).MatchString(a.body) {
		t.Errorf("a tender edit without a title: the title and heading do not say %q:\n%.600s", want, a.body)
	}
	if a := owner.do("GET", "/tenders/"+tn.ID+"/close", nil); a.status != 200 || !strings.Contains(a.body, "Ja, sluiten") {
		t.Errorf("the close page = %d", a.status)
	}
	if a := other.do("POST", "/tenders/"+tn.ID+"/close", url.Values{CSRFField: {hidden(other.do("GET", "/", nil).body, CSRFField)}}); a.status != 403 {
		t.Errorf("another owner closes = %d, want 403", a.status)
	}
	if a := owner.do("POST", "/tenders/"+tn.ID+"/close", url.Values{CSRFField: {csrf}}); a.status != 303 {
		t.Errorf("close = %d", a.status)
	}
	if rec, _ := e.st.GetTender(ctx, tn.ID); !rec.Closed {
		t.Errorf("the tender is not closed")
	}
}

// TestOwnersPage: a partner's own page lists the tenders that suggested it and
// the collaborations about it, where it confirms or disputes the other partner's
// claims (never its own), and sets or removes its webhook, whose secret it sees
// once.
func TestOwnersPage(t *testing.T) {
	e := newEnv(t, testAreas)
	e.withForms(t)
	e.site.d.Webhook = webhook.Policy{Lookup: func(context.Context, string) ([]netip.Addr, error) {
		return []netip.Addr{netip.MustParseAddr("93.184.216.34")}, nil
	}}
	ctx := context.Background()
	me, other, third := e.profiles[0], e.profiles[1], e.profiles[2]
	now := time.Now().UTC()
	claim := func(recorder string, a, b string, at string) int64 {
		r, err := e.st.RecordCollaboration(ctx, profiles.CollaborationRecord{Collaboration: profiles.Collaboration{A: a, B: b, Outcome: "positive", At: at},
			State: profiles.CollaborationClaim, RecorderRole: auth.RolePartner, Recorder: recorder, Recorded: now})
		if err != nil {
			t.Fatal(err)
		}
		return r.ID
	}
	theirs := claim(other.ID, other.ID, me.ID, "2026-06-01")
	disputed := claim(third.ID, me.ID, third.ID, "2026-06-02")
	mine := claim(me.ID, me.ID, third.ID, "2026-06-03")
	if _, err := e.st.AddNotifications(ctx, 1, now, []webhook.Notification{{Profile: me.ID, Tender: e.tenders[0].ID, Rank: 2}}); err != nil {
		t.Fatal(err)
	}
	b := e.signedIn(t, auth.RolePartner, me.ID, me.Name)
	page := b.do("GET", "/profiles/"+me.ID, nil)
	if !strings.Contains(page.body, `href="/tenders/`+e.tenders[0].ID+`">`+html.EscapeString(e.tenders[0].Title)) || !strings.Contains(page.body, "beste plaats 2") {
		t.Errorf("the owner's page does not list the tender that suggested it")
	}
	for _, id := range []int64{theirs, disputed} {
		if !strings.Contains(page.body, `action="/collaborations/`+strconv.FormatInt(id, 10)+`/confirm"`) {
			t.Errorf("the owner's page offers no confirmation of the other partner's claim %d", id)
		}
	}
	if strings.Contains(page.body, `action="/collaborations/`+strconv.FormatInt(mine, 10)+`/confirm"`) {
		t.Errorf("the owner's page offers to confirm its own claim")
	}
	csrf := hidden(page.body, CSRFField)
	if a := b.do("POST", "/collaborations/"+strconv.FormatInt(mine, 10)+"/confirm", url.Values{CSRFField: {csrf}}); a.status != 403 {
		t.Errorf("confirming its own claim = %d, want 403", a.status)
	}
	if a := e.signedIn(t, auth.RolePartner, e.profiles[5].ID, "Buiten").do("POST", "/collaborations/"+strconv.FormatInt(theirs, 10)+"/confirm",
		url.Values{CSRFField: {csrf}}); a.status != 403 {
		t.Errorf("a partner outside the pair settles = %d, want 403", a.status)
	}
	if a := b.do("POST", "/collaborations/"+strconv.FormatInt(theirs, 10)+"/confirm", url.Values{CSRFField: {csrf}}); a.status != 303 {
		t.Errorf("confirm = %d", a.status)
	}
	if a := b.do("POST", "/collaborations/"+strconv.FormatInt(disputed, 10)+"/dispute", url.Values{CSRFField: {csrf}}); a.status != 303 {
		t.Errorf("dispute = %d", a.status)
	}
	for id, want := range map[int64]string{theirs: profiles.CollaborationCounted, disputed: profiles.CollaborationDisputed, mine: profiles.CollaborationClaim} {
		if r, _ := e.st.GetCollaboration(ctx, id); r.State != want {
			t.Errorf("collaboration %d is %s, want %s", id, r.State, want)
		}
	}
	if a := b.do("POST", "/collaborations/"+strconv.FormatInt(theirs, 10)+"/confirm", url.Values{CSRFField: {csrf}}); a.status != 409 {
		t.Errorf("confirming a settled claim = %d, want 409", a.status)
	}

	// A refused address comes back in the form, as typed, with the error beside
	// the field and in a summary that links to it; an empty one is asked for.
	for _, bad := range []string{"http://hooks.example.org/in", "https://127.0.0.1/in", "niks", ""} {
		a := b.do("POST", "/profiles/"+me.ID+"/webhook", url.Values{CSRFField: {csrf}, "url": {bad}})
		want := catalogue()["webhook.err.refused"].nl
		if bad == "" {
			want = catalogue()["webhook.err.empty"].nl
		}
		text := html.UnescapeString(a.body)
		if a.status != 422 || !strings.Contains(text, want) {
			t.Errorf("webhook %q = %d, want refused in words (%q)", bad, a.status, want)
		}
		if !strings.Contains(a.body, `href="#f-webhook"`) || !strings.Contains(a.body, `id="f-webhook-error"`) ||
			!strings.Contains(a.body, `value="`+html.EscapeString(bad)+`" aria-invalid="true"`) || !strings.Contains(a.body, `action="/profiles/`+me.ID+`/webhook"`) {
			t.Errorf("webhook %q: the form does not come back with the address kept and its error beside it", bad)
		}
		doc, _ := htmlParse(a.body)
		for _, problem := range a11yProblems(doc) {
			t.Errorf("the refused webhook page: %s", problem)
		}
	}
	a := b.do("POST", "/profiles/"+me.ID+"/webhook", url.Values{CSRFField: {csrf}, "url": {"https://hooks.example.org/in"}})
	w, err := e.st.Webhook(ctx, me.ID)
	if a.status != 200 || err != nil || w.URL != "https://hooks.example.org/in" || !strings.Contains(a.body, w.Secret) || a.header.Get("Cache-Control") != "no-store" {
		t.Fatalf("set webhook = %d (%v), want its secret shown once", a.status, err)
	}
	if page := b.do("GET", "/profiles/"+me.ID, nil); strings.Contains(page.body, w.Secret) || !strings.Contains(page.body, "https://hooks.example.org/in") {
		t.Errorf("the owner's page shows the webhook's secret again, or not its address")
	}
	if a := b.do("POST", "/profiles/"+me.ID+"/webhook/delete", url.Values{CSRFField: {csrf}}); a.status != 303 {
		t.Errorf("delete webhook = %d", a.status)
	}
	if _, err := e.st.Webhook(ctx, me.ID); !errors.Is(err, webhook.ErrNotFound) {
		t.Errorf("the webhook is still there (%v)", err)
	}
	if a := e.signedIn(t, auth.RoleAdmin, "", "Beheer").do("POST", "/profiles/"+me.ID+"/webhook", url.Values{CSRFField: {csrf}, "url": {"https://x.example.org"}}); a.status != 403 {
		t.Errorf("an admin sets a partner's webhook = %d, want 403 (it is the partner's own)", a.status)
	}
	// Nobody else sees the owner's inbox.
	if a := e.browser().do("GET", "/profiles/"+me.ID, nil); strings.Contains(a.body, "Voorgesteld bij") || strings.Contains(a.body, "Samenwerkingen") {
		t.Errorf("an anonymous visitor sees the owner's notifications or collaborations")
	}
}

// TestProfileSaysWhoSeesWhat: the note beside the contact and the ideas speaks to
// the partner on its own page ("your contact details") and of the partner to a
// tender owner or an operator who reads them.
func TestProfileSaysWhoSeesWhat(t *testing.T) {
	e := newEnv(t, testAreas)
	e.withForms(t)
	p := e.profiles[0]
	p.Private = map[string]string{"ideas": canaryIdea}
	if err := e.st.PutProfile(context.Background(), p); err != nil {
		t.Fatal(err)
	}
	msg := func(key string) string { return catalogue()[key].nl }
	for _, c := range []struct {
		who       string
		b         *browser
		says, not []string
	}{
		{"the partner", e.signedIn(t, auth.RolePartner, p.ID, p.Name),
			[]string{msg("form.contact.who"), msg("form.ideas.who")}, []string{msg("profile.contact.who"), msg("profile.ideas.who")}},
		{"a tender owner", e.signedIn(t, auth.RoleTenderOwner, "", "Programma Zuilen"),
			[]string{msg("profile.contact.who")}, []string{msg("form.contact.who"), msg("form.ideas.who"), msg("profile.ideas.who"), canaryIdea}},
		{"an operator", e.signedIn(t, auth.RoleAdmin, "", "Beheer"),
			[]string{msg("profile.contact.who"), msg("profile.ideas.who")}, []string{msg("form.contact.who"), msg("form.ideas.who")}},
	} {
		text := html.UnescapeString(c.b.do("GET", "/profiles/"+p.ID+"?lang=nl", nil).body)
		for _, s := range c.says {
			if !strings.Contains(text, s) {
				t.Errorf("%s's view of the profile does not say %q", c.who, s)
			}
		}
		for _, s := range c.not {
			if strings.Contains(text, s) {
				t.Errorf("%s's view of the profile says %q", c.who, s)
			}
		}
	}
}
