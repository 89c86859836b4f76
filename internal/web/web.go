package web

import (
	"bytes"
	"context"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"samenspel/internal/auth"
	"samenspel/internal/gazetteer"
	"samenspel/internal/idempotency"
	"samenspel/internal/match"
	"samenspel/internal/profiles"
	"samenspel/internal/suggest"
	"samenspel/internal/webhook"
)

// Store is what the pages read; *store.Store and the scaled store implement it.
// Profiles come whole from GetProfileRecord: the pages make them public at once
// (publicRecord), before anything else sees them.
type Store interface {
	Tenders(ctx context.Context) ([]profiles.TenderRecord, error)
	GetTender(ctx context.Context, id string) (profiles.TenderRecord, error)
	GetProfileRecord(ctx context.Context, id string) (profiles.Record, error)
	SearchProfiles(ctx context.Context, q profiles.Query) ([]profiles.Profile, int, error)
}

// Suggester answers a stored tender with the suggestions JSON of SPEC §6, and why
// (not) a partner (Fit, the API's fit route's computation: heavy, bounded, refused
// with suggest.ErrBusy when too many run); *suggest.Service implements it.
type Suggester interface {
	ForTender(ctx context.Context, r suggest.Request) ([]byte, error)
	Fit(ctx context.Context, tender, profile string) (match.FitResult, error)
}

// Areas names CBS area codes for people ("Zuilen, Noordwest") and finds them by
// name: the operator's gazetteer (*gazetteer.Gazetteer). Name's ok is false for a
// code it does not know; the pages then show the code.
type Areas interface {
	Name(code string) (name string, ok bool)
	Label(code, lang string) string
	// Search finds areas for a name as typed, best first; Named those whose whole
	// name or label it is.
	Search(query string, limit int) []gazetteer.Area
	Named(query string) []gazetteer.Area
}

// FormStore is what the forms write, and what a signed-in visitor reads that
// anonymous pages never show (interest, notifications, collaborations, webhooks);
// the embedded *store.Store implements it (the source of truth, never the search
// index).
type FormStore interface {
	// Registration and a partner's own profile.
	CreateProfileWithToken(ctx context.Context, p profiles.Profile, t auth.Token, answer *idempotency.Stored) error
	IdempotentAnswer(ctx context.Context, key string, now time.Time) (idempotency.Stored, error)
	UpdateProfile(ctx context.Context, id string, match []string, change func(profiles.Record) (profiles.Profile, error)) (profiles.Record, error)
	ConfirmProfile(ctx context.Context, id string, now time.Time) error
	DeleteProfile(ctx context.Context, id string) error
	// A partner's notifications, collaborations and webhook.
	Notifications(ctx context.Context, profile string, limit int) ([]webhook.Notification, error)
	CollaborationsOf(ctx context.Context, profile string, limit int) ([]profiles.CollaborationRecord, error)
	GetCollaboration(ctx context.Context, id int64) (profiles.CollaborationRecord, error)
	ConfirmCollaboration(ctx context.Context, id int64, now time.Time) (profiles.CollaborationRecord, error)
	DisputeCollaboration(ctx context.Context, id int64, now time.Time) (profiles.CollaborationRecord, error)
	PutWebhook(ctx context.Context, profile, url, secret string, now time.Time) error
	Webhook(ctx context.Context, profile string) (webhook.Webhook, error)
	DeleteWebhook(ctx context.Context, profile string) error
	// Interest in tenders, and a tender owner's tenders.
	AddInterest(ctx context.Context, tender, profile string, now time.Time) error
	Interests(ctx context.Context, tender string) ([]string, error)
	CreateTender(ctx context.Context, t profiles.Tender, owner string, now time.Time) error
	// CreateTenderOnce is CreateTender for a form sent with its key: the same key
	// again, until expires, creates nothing and returns the id of the tender it
	// made, with idempotency.ErrKeyUsed.
	CreateTenderOnce(ctx context.Context, t profiles.Tender, owner string, now time.Time, key string, expires time.Time) (string, error)
	UpdateTender(ctx context.Context, id string, match []string, now time.Time, change func(profiles.TenderRecord) (profiles.Tender, error)) (profiles.TenderRecord, error)
	CloseTender(ctx context.Context, id string, now time.Time) error
}

// Deps is everything the pages need, built in main.
type Deps struct {
	Taxonomy *profiles.Taxonomy
	Store    Store
	Suggest  Suggester
	// Areas names the areas; without it (or for a code it does not know) the pages
	// show the code.
	Areas Areas
	// Sessions signs browsers in and guards the forms; without it there are no
	// forms (sessions.go).
	Sessions Sessions
	// Forms, with Sessions, serves registration (register.go), a partner's
	// changes to its profile (edit.go) and expressions of interest (tender.go).
	Forms FormStore
	// Webhook decides which webhook URLs partners may set: the zero Policy (https,
	// public addresses) in production, as the API's.
	Webhook webhook.Policy
	// Now is the clock (time.Now when nil).
	Now func() time.Time
}

// Site is the pages: their routes, templates and assets. Build it with New; it is
// safe for concurrent use.
type Site struct {
	d      Deps
	pages  map[Lang]map[string]*template.Template
	assets *assetSet
}

//go:embed templates/*.html
var templateFiles embed.FS

// pageFiles are the templates of each page, parsed after layout.html.
var pageFiles = map[string][]string{
	"home":       {"home.html"},
	"partners":   {"partners.html"},
	"profile":    {"profile.html"},
	"tender":     {"tender.html", "coalition.html"},
	"fit":        {"fit.html", "coalition.html"},
	"error":      {"error.html"},
	"signin":     {"signin.html"},
	"register":   {"register.html", "profileform.html", "fields.html"},
	"edit":       {"edit.html", "profileform.html", "fields.html"},
	"delete":     {"delete.html"},
	"deleted":    {"deleted.html"},
	"tenderform": {"tenderform.html", "fields.html"},
	"close":      {"close.html"},
	"webhook":    {"webhook.html"},
	"registered": {"registered.html"},
}

// New parses the templates (in both languages) and loads the assets.
func New(d Deps) (*Site, error) {
	if d.Taxonomy == nil || d.Store == nil || d.Suggest == nil {
		return nil, errors.New("web: Taxonomy, Store and Suggest are required")
	}
	if d.Now == nil {
		d.Now = time.Now
	}
	assets, err := loadAssets()
	if err != nil {
		return nil, err
	}
	s := &Site{d: d, assets: assets, pages: map[Lang]map[string]*template.Template{}}
	for _, l := range langs {
		s.pages[l] = map[string]*template.Template{}
		for name, files := range pageFiles {
			patterns := []string{"templates/layout.html"}
			for _, f := range files {
				patterns = append(patterns, "templates/"+f)
			}
			tp, err := template.New(name).Funcs(s.funcs(l)).ParseFS(templateFiles, patterns...)
			if err != nil {
				return nil, fmt.Errorf("web: %w", err)
			}
			s.pages[l][name] = tp
		}
	}
	return s, nil
}

// Mount adds the pages' routes to r (the API's engine, whose middleware they share).
// Keep the README's section on the pages in step.
func (s *Site) Mount(r gin.IRoutes) {
	// A page answers HEAD as GET, without the body (net/http drops it): link
	// checkers and monitors ask for HEAD.
	get := func(path string, h gin.HandlerFunc) {
		r.GET(path, h)
		r.HEAD(path, h)
	}
	get("/", s.home)
	get("/partners", s.partners)
	get("/profiles/:id", s.profile)
	get("/tenders/:id", s.tender)
	get("/tenders/:id/fit/:profile", s.fit)
	get("/assets/:version/*file", s.asset)
	if s.d.Sessions == nil {
		return
	}
	get("/signin", s.signInPage)
	r.POST("/signin", s.signIn)
	r.POST("/signout", s.signOut)
	if s.d.Forms != nil {
		get("/register", s.registerPage)
		r.POST("/register", s.register)
		get("/profiles/:id/edit", s.editPage)
		r.POST("/profiles/:id/edit", s.edit)
		r.POST("/profiles/:id/confirm", s.confirm)
		get("/profiles/:id/delete", s.deletePage)
		r.POST("/profiles/:id/delete", s.remove)
		r.POST("/tenders/:id/interest", s.interest)
		get("/tenders/new", s.newTenderPage)
		r.POST("/tenders/new", s.newTender)
		get("/tenders/:id/edit", s.editTenderPage)
		r.POST("/tenders/:id/edit", s.editTender)
		get("/tenders/:id/close", s.closeTenderPage)
		r.POST("/tenders/:id/close", s.closeTender)
		r.POST("/collaborations/:id/confirm", s.settle(true))
		r.POST("/collaborations/:id/dispute", s.settle(false))
		r.POST("/profiles/:id/webhook", s.setWebhook)
		r.POST("/profiles/:id/webhook/delete", s.deleteWebhook)
	}
}

// Registers reports whether r registers a partner (POST /register), so that the
// API's limit on registrations per address counts it as it counts POST
// /v1/profiles.
func (s *Site) Registers(r *http.Request) bool {
	return r.Method == http.MethodPost && r.URL.Path == "/register" && s.d.Sessions != nil && s.d.Forms != nil
}

// ErrorPage writes the HTML page for an error status to a client that reads HTML
// (a browser), in its language, and reports whether it did; a client that asks for
// JSON gets none, and the caller writes its problem+json. The API calls it for the
// errors its middleware finds on requests outside /v1 (429, 500, an unknown path).
func (s *Site) ErrorPage(c *gin.Context, status int) bool {
	if wantsJSON(c) {
		return false
	}
	s.errorPage(c, status)
	return true
}

// FormRefused writes the page for a form that the CSRF check refused (403): the
// form was too old (its session ended, or the server's key changed) or did not
// come from this site. It says that nothing was saved and how to try again, in
// the visitor's language, and reports whether it wrote a page (see ErrorPage).
func (s *Site) FormRefused(c *gin.Context) bool {
	if wantsJSON(c) {
		return false
	}
	l := s.lang(c)
	s.render(c, http.StatusForbidden, "error", t(l, "error.csrf.title"), "", errorData{Status: http.StatusForbidden, Key: "error.csrf"})
	c.Abort()
	return true
}

// wantsJSON reports whether a request asks for JSON rather than HTML: its Accept
// header puts a JSON type above text/html. No Accept header, or */*, is a page.
func wantsJSON(c *gin.Context) bool {
	if c.GetHeader("Accept") == "" {
		return false
	}
	switch c.NegotiateFormat("text/html", "application/problem+json", "application/json") {
	case "application/problem+json", "application/json":
		return true
	}
	return false
}

// page is what every template gets: the language, the title, the switch, the
// assets, and the page's own data.
type page struct {
	Lang      Lang
	Other     Lang
	SwitchURL string
	Title     string
	Nav       string // the menu item of the page: "tenders", "partners" or ""
	CSS       []string
	Theme     string // the design tokens' theme class
	Licence   string // the address of the NL Design System's licence
	// Forms says that the site has forms (Sessions): the header offers to sign in
	// or register, or, to Visitor, to sign out with CSRF.
	Forms    bool
	Register bool
	Visitor  Visitor
	CSRF     string
	Data     any
}

// funcs are the templates' functions in language l.
func (s *Site) funcs(l Lang) template.FuncMap {
	return template.FuncMap{
		"t":     func(key string, args ...any) string { return t(l, key, args...) },
		"args":  func(v ...any) []any { return v },
		"join":  func(items []string) string { return list(l, items) },
		"parts": func() [4]string { return partKeys },
	}
}

// render writes the template name with data as a page of status, with the security
// headers. A template that fails is a 500 (and is logged through c.Error).
func (s *Site) render(c *gin.Context, status int, name, title, nav string, data any) {
	l := s.lang(c)
	p := page{Lang: l, Other: l.other(), SwitchURL: switchURL(c.Request.URL, l.other()), Title: title, Nav: nav,
		CSS: s.assets.css(), Theme: s.assets.theme, Licence: s.assets.url("nlds/components/LICENSE.md"), Data: data}
	if s.d.Sessions != nil {
		p.Forms, p.Register, p.Visitor = true, s.d.Forms != nil, s.visitor(c)
		p.CSRF = s.d.Sessions.CSRFToken(c.Writer, c.Request)
	}
	var b bytes.Buffer
	if err := s.pages[l][name].ExecuteTemplate(&b, "layout", p); err != nil {
		_ = c.Error(fmt.Errorf("web: page %s: %w", name, err))
		secure(c.Writer.Header())
		c.Data(http.StatusInternalServerError, "text/plain; charset=utf-8", []byte(t(l, "error.500.title")))
		c.Abort()
		return
	}
	h := c.Writer.Header()
	secure(h)
	if h.Get("Cache-Control") == "" { // no-store, set by a page with a token or private fields, stays
		h.Set("Cache-Control", "no-cache")
	}
	h.Set("Vary", "Accept, Accept-Language, Cookie")
	c.Data(status, "text/html; charset=utf-8", b.Bytes())
}

// lang is the request's language (negotiate); when the switch chose it, the
// answer keeps it in the cookie.
func (s *Site) lang(c *gin.Context) Lang {
	if v, ok := c.Get(langKey); ok {
		return v.(Lang)
	}
	l, fromParam := negotiate(c.Request)
	if fromParam {
		http.SetCookie(c.Writer, &http.Cookie{Name: langCookie, Value: string(l), Path: "/", MaxAge: langCookieAge,
			HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: c.Request.TLS != nil})
	}
	c.Set(langKey, l)
	return l
}

// secure sets the headers every page carries: a Content-Security-Policy that allows
// the pages' own style sheets and nothing else (no script, no inline style, no
// frame), and no sniffing, no referrer to other sites, no framing.
func secure(h http.Header) {
	h.Set("Content-Security-Policy", contentSecurityPolicy)
	h.Set("Referrer-Policy", "same-origin")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
}

// contentSecurityPolicy: data: images are the check marks the NL Design System's
// CSS draws.
const contentSecurityPolicy = "default-src 'none'; style-src 'self'; img-src 'self' data:; " +
	"form-action 'self'; base-uri 'none'; frame-ancestors 'none'"

// errorPage writes the page of an error status (or its problem+json to a client
// that asks for JSON) and stops the request.
func (s *Site) errorPage(c *gin.Context, status int) {
	if status == http.StatusServiceUnavailable && c.Writer.Header().Get("Retry-After") == "" {
		c.Header("Retry-After", "1")
	}
	if wantsJSON(c) {
		secure(c.Writer.Header())
		c.Header("Content-Type", "application/problem+json")
		c.AbortWithStatusJSON(status, gin.H{"type": "about:blank", "title": http.StatusText(status), "status": status})
		return
	}
	l := s.lang(c)
	key := "error." + strconv.Itoa(status)
	if _, ok := catalogue()[key+".title"]; !ok {
		key = "error.other"
	}
	s.render(c, status, "error", t(l, key+".title"), "", errorData{Status: status, Key: key})
	c.Abort()
}

type errorData struct {
	Status int
	Key    string
}

// fail writes the error page for err: 404 for what does not exist, 503 (with
// Retry-After) when the server is too busy or the deadline passed, 500 otherwise,
// whose error the access log records.
func (s *Site) fail(c *gin.Context, err error) {
	switch {
	case errors.Is(err, profiles.ErrNotFound):
		s.errorPage(c, http.StatusNotFound)
	case errors.Is(err, suggest.ErrBusy) || errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled):
		s.errorPage(c, http.StatusServiceUnavailable)
	default:
		_ = c.Error(err)
		s.errorPage(c, http.StatusInternalServerError)
	}
}

// decodeResult reads the suggestions JSON.
func decodeResult(b []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	return dec.Decode(v)
}

// trimmed is s without surrounding space, for query parameters.
func trimmed(s string) string { return strings.TrimSpace(s) }
