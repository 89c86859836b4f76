package session_test

import (
	"context"
	"crypto/tls"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gin-gonic/gin"

	"samenspel/internal/auth"
	"samenspel/internal/store"
	"samenspel/internal/store/storetest"
	"samenspel/internal/web/session"
)

// stores are the Store implementations every behaviour is checked with.
var stores = []struct {
	name string
	make func(st *store.Store) session.Store
}{
	{"memory", func(*store.Store) session.Store { return session.NewMemoryStore() }},
	{"shared", func(st *store.Store) session.Store { return session.NewSharedStore(st) }},
}

// forEachStore runs f once per Store implementation.
func forEachStore(t *testing.T, f func(t *testing.T, newStore func(*store.Store) session.Store)) {
	for _, s := range stores {
		t.Run(s.name, func(t *testing.T) { f(t, s.make) })
	}
}

// env is a tiny site behind the Middleware and RequireCSRF, over a real store of
// tokens, with a clock the test moves.
type env struct {
	t      *testing.T
	dir    string
	st     *store.Store
	mgr    *session.Manager
	h      http.Handler
	mu     sync.Mutex
	now    time.Time
	tokens map[string]string // name -> secret
}

var start = time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)

func newEnv(t *testing.T, newStore func(*store.Store) session.Store, limits session.Limits) *env {
	t.Helper()
	e := &env{t: t, dir: t.TempDir(), now: start, tokens: map[string]string{}}
	e.st = storetest.OpenEmbedded(t, e.dir)
	e.mgr, e.h = e.site(e.st, newStore(e.st), limits)
	return e
}

// site is the test site over st with sessions in sessions.
func (e *env) site(st *store.Store, sessions session.Store, limits session.Limits) (*session.Manager, http.Handler) {
	e.t.Helper()
	m, err := session.New(session.Options{Tokens: st, Store: sessions, Limits: limits, TrustedProxies: []string{"10.0.0.0/8"}, Now: e.clock})
	if err != nil {
		e.t.Fatal(err)
	}
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	r.Use(m.Middleware(), session.RequireCSRF())
	r.GET("/form", func(c *gin.Context) { c.String(200, session.CSRFToken(c)) })
	r.GET("/me", func(c *gin.Context) {
		s, ok := session.Current(c)
		switch {
		case ok:
			c.String(200, s.Role+" "+s.Profile+" "+s.TokenID+" "+s.Name)
		case session.Ended(c):
			c.String(200, "ended")
		default:
			c.String(200, "anonymous")
		}
	})
	r.POST("/signin", func(c *gin.Context) {
		if err := session.SignIn(c, c.PostForm("token")); err != nil {
			c.String(401, err.Error())
			return
		}
		s, _ := session.Current(c)
		c.String(200, s.Role)
	})
	r.POST("/signout", func(c *gin.Context) {
		if err := session.SignOut(c); err != nil {
			c.String(500, err.Error())
			return
		}
		_, ok := session.Current(c)
		c.String(200, map[bool]string{true: "still signed in", false: "signed out"}[ok])
	})
	r.POST("/act", func(c *gin.Context) { c.String(200, "done") })
	return m, r
}

func (e *env) clock() time.Time {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.now
}

func (e *env) advance(d time.Duration) {
	e.mu.Lock()
	e.now = e.now.Add(d)
	e.mu.Unlock()
}

// token stores a token of role under name (a partner's with its own profile).
func (e *env) token(name, role string, expires time.Time) string {
	e.t.Helper()
	secret, err := auth.NewSecret()
	if err != nil {
		e.t.Fatal(err)
	}
	tok := auth.Token{Hash: auth.Hash(secret), Role: role, Name: name, Created: start, Expires: expires}
	ctx := context.Background()
	if role == auth.RolePartner {
		tok.Profile = name
		err = e.st.CreateProfileWithToken(ctx, storetest.Profile(name), tok, nil)
	} else {
		err = e.st.CreateToken(ctx, tok)
	}
	if err != nil {
		e.t.Fatal(err)
	}
	e.tokens[name] = secret
	return secret
}

// browser keeps the cookies a site set, as a browser does.
type browser struct {
	e       *env
	h       http.Handler
	cookies map[string]string
	last    []*http.Cookie // the cookies of the last response
	// how requests arrive
	tls    bool
	remote string
	header http.Header
}

func (e *env) browser() *browser {
	return &browser{e: e, h: e.h, cookies: map[string]string{}, remote: "192.0.2.1:5000", header: http.Header{}}
}

// do sends a request; form, if not nil, is the body of a POST.
func (b *browser) do(method, path string, form url.Values) (int, string) {
	b.e.t.Helper()
	var req *http.Request
	if form != nil {
		req = httptest.NewRequest(method, path, strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	} else {
		req = httptest.NewRequest(method, path, nil)
	}
	req.RemoteAddr = b.remote
	if b.tls {
		req.TLS = &tls.ConnectionState{}
	}
	for k, vs := range b.header {
		req.Header[k] = vs
	}
	for name, value := range b.cookies {
		req.AddCookie(&http.Cookie{Name: name, Value: value})
	}
	rec := httptest.NewRecorder()
	b.h.ServeHTTP(rec, req)
	b.last = rec.Result().Cookies()
	for _, c := range b.last {
		if c.MaxAge < 0 {
			delete(b.cookies, c.Name)
		} else {
			b.cookies[c.Name] = c.Value
		}
	}
	return rec.Code, rec.Body.String()
}

// csrf is the token of the form the browser loads now.
func (b *browser) csrf() string {
	b.e.t.Helper()
	status, token := b.do("GET", "/form", nil)
	if status != 200 || token == "" {
		b.e.t.Fatalf("GET /form = %d %q, want a CSRF token", status, token)
	}
	return token
}

// signIn signs the browser in with the token of name, through the form.
func (b *browser) signIn(name string) {
	b.e.t.Helper()
	if status, body := b.do("POST", "/signin", url.Values{"token": {b.e.tokens[name]}, session.FieldName: {b.csrf()}}); status != 200 {
		b.e.t.Fatalf("sign in as %s = %d %s", name, status, body)
	}
}

func (b *browser) me() string {
	b.e.t.Helper()
	_, body := b.do("GET", "/me", nil)
	return body
}

// cookie is the cookie name the last response set, or nil.
func (b *browser) cookie(name string) *http.Cookie {
	for _, c := range b.last {
		if c.Name == name {
			return c
		}
	}
	return nil
}

func TestSignIn(t *testing.T) {
	forEachStore(t, func(t *testing.T, newStore func(*store.Store) session.Store) {
		e := newEnv(t, newStore, session.Limits{})
		e.token("wijkteam", auth.RolePartner, time.Time{})
		b := e.browser()
		if got := b.me(); got != "anonymous" {
			t.Errorf("before signing in, /me = %q, want anonymous", got)
		}
		b.signIn("wijkteam")
		id := auth.TokenID(auth.Hash(e.tokens["wijkteam"]))
		if got, want := b.me(), "partner wijkteam "+id+" wijkteam"; got != want {
			t.Errorf("signed in, /me = %q, want %q", got, want)
		}
		// Signing in again makes a new session; the old cookie is worth nothing.
		old := b.cookies[session.CookieName]
		b.signIn("wijkteam")
		if b.cookies[session.CookieName] == old {
			t.Errorf("signing in again kept the session's cookie %q, want a new one", old)
		}
		stale := e.browser()
		stale.cookies[session.CookieName] = old
		if got := stale.me(); got != "ended" {
			t.Errorf("with the cookie of the session before signing in again, /me = %q, want ended", got)
		}

		for name, tc := range map[string]struct {
			token string
			want  error
		}{
			"not a token":   {"hallo", session.ErrBadToken},
			"empty":         {"", session.ErrBadToken},
			"unknown token": {func() string { s, _ := auth.NewSecret(); return s }(), session.ErrBadToken},
		} {
			b := e.browser()
			status, body := b.do("POST", "/signin", url.Values{"token": {tc.token}, session.FieldName: {b.csrf()}})
			if status != 401 || body != tc.want.Error() || b.cookies[session.CookieName] != "" {
				t.Errorf("sign in with %s = %d %q, cookie %q; want 401 %q and no session", name, status, body, b.cookies[session.CookieName], tc.want)
			}
		}
		// Spaces around a pasted token do not count.
		if status, body := b.do("POST", "/signin", url.Values{"token": {"  " + e.tokens["wijkteam"] + "\n"}, session.FieldName: {b.csrf()}}); status != 200 {
			t.Errorf("sign in with a token between spaces = %d %s, want 200", status, body)
		}
	})
}

func TestSignOut(t *testing.T) {
	forEachStore(t, func(t *testing.T, newStore func(*store.Store) session.Store) {
		e := newEnv(t, newStore, session.Limits{})
		e.token("eigenaar", auth.RoleTenderOwner, time.Time{})
		b := e.browser()
		b.signIn("eigenaar")
		cookie := b.cookies[session.CookieName]
		if status, body := b.do("POST", "/signout", url.Values{session.FieldName: {b.csrf()}}); status != 200 || body != "signed out" {
			t.Fatalf("sign out = %d %q", status, body)
		}
		if c := b.cookie(session.CookieName); c == nil || c.MaxAge >= 0 {
			t.Errorf("sign out set %v, want the session cookie cleared", c)
		}
		// The session is gone on the server: its cookie, sent again, signs nobody in.
		replay := e.browser()
		replay.cookies[session.CookieName] = cookie
		if got := replay.me(); got != "ended" {
			t.Errorf("the cookie of a signed-out session = %q, want ended", got)
		}
		if got := replay.me(); got != "anonymous" {
			t.Errorf("after the ended session's cookie was cleared = %q, want anonymous", got)
		}
	})
}

// TestCookieAttributes: HttpOnly, SameSite=Lax, Path=/, a cookie for the browser's
// session; Secure over TLS, directly or from a trusted proxy.
func TestCookieAttributes(t *testing.T) {
	e := newEnv(t, stores[0].make, session.Limits{})
	e.token("beheer", auth.RoleAdmin, time.Time{})
	tests := []struct {
		name   string
		tls    bool
		remote string
		proto  string
		secure bool
	}{
		{"plain http", false, "192.0.2.1:5000", "", false},
		{"tls", true, "192.0.2.1:5000", "", true},
		{"a trusted proxy says https", false, "10.1.2.3:5000", "https", true},
		{"a trusted proxy says http", false, "10.1.2.3:5000", "http", false},
		{"an untrusted peer says https", false, "192.0.2.1:5000", "https", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := e.browser()
			b.tls, b.remote = tt.tls, tt.remote
			if tt.proto != "" {
				b.header.Set("X-Forwarded-Proto", tt.proto)
			}
			token := b.csrf()
			check := func(c *http.Cookie, name string) {
				t.Helper()
				if c == nil {
					t.Fatalf("no %s cookie set", name)
				}
				if !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Path != "/" || c.Secure != tt.secure ||
					c.MaxAge != 0 || !c.Expires.IsZero() || c.Domain != "" {
					t.Errorf("%s cookie = %+v; want HttpOnly, SameSite=Lax, Path=/, Secure %v, no Max-Age, Expires or Domain",
						name, c, tt.secure)
				}
			}
			check(b.cookie(session.CSRFCookieName), session.CSRFCookieName)
			if status, body := b.do("POST", "/signin", url.Values{"token": {e.tokens["beheer"]}, session.FieldName: {token}}); status != 200 {
				t.Fatalf("sign in = %d %s", status, body)
			}
			check(b.cookie(session.CookieName), session.CookieName)
		})
	}
}

// TestNoTokenInTheCookie: the cookie holds a random 256-bit secret, neither the
// bearer token nor anything made of it, and the store holds neither that secret
// nor the token.
func TestNoTokenInTheCookie(t *testing.T) {
	e := newEnv(t, stores[1].make, session.Limits{})
	secret := e.token("beheer", auth.RoleAdmin, time.Time{})
	b := e.browser()
	b.signIn("beheer")
	cookie := b.cookies[session.CookieName]
	hash := auth.Hash(secret)
	for _, part := range []string{secret, strings.TrimPrefix(secret, "ssp_"), hash, hash[:16]} {
		if strings.Contains(cookie, part) {
			t.Errorf("the session cookie %q contains %q, made of the token", cookie, part)
		}
	}
	if len(cookie) != 43 {
		t.Errorf("the session cookie %q has %d characters, want 43 (256 random bits, base64url)", cookie, len(cookie))
	}
	another := e.browser()
	another.signIn("beheer")
	if another.cookies[session.CookieName] == cookie {
		t.Errorf("two sign-ins with one token got the same cookie %q", cookie)
	}
	// Neither the cookie nor the token is written anywhere in the store's files.
	files, _ := filepath.Glob(filepath.Join(e.dir, "*"))
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for what, s := range map[string]string{"the session's secret": cookie, "the token": secret} {
			if strings.Contains(string(data), s) {
				t.Errorf("%s holds %s", filepath.Base(f), what)
			}
		}
	}
}

// TestCSRF: every POST needs its form's token; a missing, wrong or planted one,
// another session's, or one sent from another site, is a 403.
func TestCSRF(t *testing.T) {
	forEachStore(t, func(t *testing.T, newStore func(*store.Store) session.Store) {
		e := newEnv(t, newStore, session.Limits{})
		e.token("beheer", auth.RoleAdmin, time.Time{})
		e.token("ander", auth.RoleAdmin, time.Time{})
		post := func(b *browser, path string, form url.Values) int {
			t.Helper()
			status, _ := b.do("POST", path, form)
			return status
		}

		anon := e.browser()
		if got := post(anon, "/act", url.Values{}); got != 403 {
			t.Errorf("anonymous POST without a token = %d, want 403", got)
		}
		if got := post(anon, "/signin", url.Values{"token": {e.tokens["beheer"]}}); got != 403 || anon.cookies[session.CookieName] != "" {
			t.Errorf("sign in without a CSRF token = %d, want 403 and no session", got)
		}
		token := anon.csrf()
		if again := anon.csrf(); again != token {
			t.Errorf("a second form of the same browser got token %q, want the cookie's %q", again, token)
		}
		if got := post(anon, "/act", url.Values{session.FieldName: {"x" + token}}); got != 403 {
			t.Errorf("anonymous POST with a wrong token = %d, want 403", got)
		}
		if got := post(anon, "/act", url.Values{session.FieldName: {token}}); got != 200 {
			t.Errorf("anonymous POST with its form's token = %d, want 200", got)
		}
		// A token without its cookie (another browser's) is refused.
		other := e.browser()
		if got := post(other, "/act", url.Values{session.FieldName: {token}}); got != 403 {
			t.Errorf("POST with another browser's anonymous token = %d, want 403", got)
		}
		// A cookie planted by a sibling site, with the form field to match, but no
		// valid signature.
		planted := e.browser()
		forged := strings.Split(token, ".")[0] + ".AAAA"
		planted.cookies[session.CSRFCookieName] = forged
		if got := post(planted, "/act", url.Values{session.FieldName: {forged}}); got != 403 {
			t.Errorf("POST with a planted unsigned cookie = %d, want 403", got)
		}
		if token := planted.csrf(); token == forged {
			t.Errorf("a form behind a planted cookie got its value as token, want a fresh signed one")
		}

		// Signed in, the session's own token counts; the anonymous one does not.
		b := e.browser()
		anonToken := b.csrf()
		b.signIn("beheer")
		if got := post(b, "/act", url.Values{session.FieldName: {anonToken}}); got != 403 {
			t.Errorf("signed-in POST with the anonymous form's token = %d, want 403", got)
		}
		own := b.csrf()
		if own == anonToken {
			t.Errorf("signed in, CSRFToken = the anonymous token, want the session's own")
		}
		if got := post(b, "/act", url.Values{session.FieldName: {own}}); got != 200 {
			t.Errorf("signed-in POST with the session's token = %d, want 200", got)
		}
		b.header.Set(session.HeaderName, own)
		if got := post(b, "/act", url.Values{}); got != 200 {
			t.Errorf("signed-in POST with the token in %s = %d, want 200", session.HeaderName, got)
		}
		b.header.Del(session.HeaderName)
		c := e.browser()
		c.signIn("ander")
		if got := post(b, "/act", url.Values{session.FieldName: {c.csrf()}}); got != 403 {
			t.Errorf("POST with another session's token = %d, want 403", got)
		}
		// From another site, with the right token: the browser says so.
		b.header.Set("Sec-Fetch-Site", "cross-site")
		if got := post(b, "/act", url.Values{session.FieldName: {own}}); got != 403 {
			t.Errorf("cross-site POST with the right token = %d, want 403", got)
		}
		b.header.Del("Sec-Fetch-Site")
		b.header.Set("Origin", "https://elders.example")
		if got := post(b, "/act", url.Values{session.FieldName: {own}}); got != 403 {
			t.Errorf("POST from Origin https://elders.example with the right token = %d, want 403", got)
		}
		b.header.Del("Origin")
		if got, _ := b.do("GET", "/me", nil); got != 200 {
			t.Errorf("GET needs no token: %d", got)
		}
	})
}

// TestExpiry: a session ends 8 hours after its last use, and 24 hours after it
// was made however much it is used.
func TestExpiry(t *testing.T) {
	forEachStore(t, func(t *testing.T, newStore func(*store.Store) session.Store) {
		e := newEnv(t, newStore, session.Limits{})
		e.token("beheer", auth.RoleAdmin, time.Time{})
		b := e.browser()
		b.signIn("beheer")
		e.advance(8*time.Hour - time.Minute)
		if got := b.me(); !strings.HasPrefix(got, "admin") {
			t.Fatalf("7h59m after signing in, /me = %q, want signed in", got)
		}
		for range 2 { // used every 7h59m: 23h57m in all
			e.advance(8*time.Hour - time.Minute)
			if got := b.me(); !strings.HasPrefix(got, "admin") {
				t.Fatalf("at %v, used every 7h59m, /me = %q, want signed in", e.clock().Sub(start), got)
			}
		}
		e.advance(3 * time.Minute) // 24h after signing in
		if got := b.me(); got != "ended" {
			t.Errorf("24h after signing in, /me = %q, want ended", got)
		}
		if c := b.cookie(session.CookieName); c == nil || c.MaxAge >= 0 {
			t.Errorf("an ended session's cookie = %v, want it cleared", c)
		}

		b.signIn("beheer")
		e.advance(8 * time.Hour)
		if got := b.me(); got != "ended" {
			t.Errorf("8h unused, /me = %q, want ended", got)
		}
	})
}

// TestTokenEndsTheSession: a revoked, expired or deleted token ends its sessions
// on their next request, and cannot sign in.
func TestTokenEndsTheSession(t *testing.T) {
	forEachStore(t, func(t *testing.T, newStore func(*store.Store) session.Store) {
		ctx := context.Background()
		e := newEnv(t, newStore, session.Limits{})
		e.token("revoked", auth.RoleTenderOwner, time.Time{})
		e.token("expires", auth.RoleTenderOwner, start.Add(time.Hour))
		e.token("deleted", auth.RolePartner, time.Time{})
		browsers := map[string]*browser{}
		for _, name := range []string{"revoked", "expires", "deleted"} {
			browsers[name] = e.browser()
			browsers[name].signIn(name)
		}
		if _, err := e.st.RevokeToken(ctx, auth.TokenID(auth.Hash(e.tokens["revoked"])), start); err != nil {
			t.Fatal(err)
		}
		if err := e.st.DeleteProfile(ctx, "deleted"); err != nil { // and its token
			t.Fatal(err)
		}
		e.advance(time.Hour)
		for name, b := range browsers {
			if got := b.me(); got != "ended" {
				t.Errorf("the session of the %s token: /me = %q, want ended", name, got)
			}
		}
		for name, want := range map[string]error{"revoked": session.ErrTokenRevoked, "expires": session.ErrTokenExpired, "deleted": session.ErrBadToken} {
			b := e.browser()
			if status, body := b.do("POST", "/signin", url.Values{"token": {e.tokens[name]}, session.FieldName: {b.csrf()}}); status != 401 || body != want.Error() {
				t.Errorf("sign in with the %s token = %d %q, want 401 %q", name, status, body, want)
			}
		}
	})
}

// TestBoundedStore: at most Limits.Max sessions are kept; making one more ends
// the least recently used.
func TestBoundedStore(t *testing.T) {
	forEachStore(t, func(t *testing.T, newStore func(*store.Store) session.Store) {
		e := newEnv(t, newStore, session.Limits{Max: 3})
		e.token("beheer", auth.RoleAdmin, time.Time{})
		var bs []*browser
		for i := range 3 {
			b := e.browser()
			b.signIn("beheer")
			bs = append(bs, b)
			e.advance(time.Duration(i+1) * time.Minute)
		}
		bs[0].me() // now the most recently used
		e.advance(time.Minute)
		fourth := e.browser()
		fourth.signIn("beheer")
		for i, want := range []string{"admin", "ended", "admin"} {
			if got := bs[i].me(); !strings.HasPrefix(got, want) {
				t.Errorf("after a fourth sign-in with room for 3, browser %d: /me = %q, want %s", i, got, want)
			}
		}
		if got := fourth.me(); !strings.HasPrefix(got, "admin") {
			t.Errorf("the fourth session: /me = %q, want signed in", got)
		}
	})
	m := session.NewMemoryStore()
	for i := range 50 {
		at := start.Add(time.Duration(i) * time.Second)
		if err := m.Create(context.Background(), session.Record{ID: string(rune('a' + i)), Created: at, Seen: at}, session.Limits{Idle: time.Hour, Absolute: time.Hour, Max: 10}); err != nil {
			t.Fatal(err)
		}
	}
	if m.Len() != 10 {
		t.Errorf("MemoryStore after 50 sessions with Max 10 holds %d, want 10", m.Len())
	}
}

// TestReplicasShareSessions: two replicas whose sessions are in the one store on
// disk see each other's sessions and sign each other's anonymous forms.
func TestReplicasShareSessions(t *testing.T) {
	e := newEnv(t, stores[1].make, session.Limits{})
	e.token("beheer", auth.RoleAdmin, time.Time{})
	other := storetest.OpenEmbedded(t, e.dir)
	_, h2 := e.site(other, session.NewSharedStore(other), session.Limits{})
	b := e.browser()
	token := b.csrf()
	b.h = h2
	if status, body := b.do("POST", "/signin", url.Values{"token": {e.tokens["beheer"]}, session.FieldName: {token}}); status != 200 {
		t.Fatalf("sign in on the second replica with the first one's form = %d %s", status, body)
	}
	b.h = e.h
	if got := b.me(); !strings.HasPrefix(got, "admin") {
		t.Errorf("the first replica, after signing in on the second: /me = %q, want signed in", got)
	}
}

// TestStores: the Store implementations keep, touch and remove records alike.
func TestStores(t *testing.T) {
	forEachStore(t, func(t *testing.T, newStore func(*store.Store) session.Store) {
		ctx := context.Background()
		e := newEnv(t, newStore, session.Limits{})
		secret := e.token("beheer", auth.RoleAdmin, time.Time{})
		s := newStore(e.st)
		r := session.Record{ID: "id1", Token: auth.Hash(secret), CSRF: "c", Created: start, Seen: start}
		l := session.DefaultLimits()
		if err := s.Create(ctx, r, l); err != nil {
			t.Fatal(err)
		}
		if got, err := s.Get(ctx, "id1"); err != nil || got != r {
			t.Errorf("Get(id1) = %+v, %v; want %+v", got, err, r)
		}
		if err := s.Touch(ctx, "id1", start.Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		if got, _ := s.Get(ctx, "id1"); !got.Seen.Equal(start.Add(time.Hour)) {
			t.Errorf("after Touch, Seen = %v, want %v", got.Seen, start.Add(time.Hour))
		}
		// Expired sessions make room for a new one.
		later := session.Record{ID: "id2", Token: r.Token, Created: start.Add(10 * time.Hour), Seen: start.Add(10 * time.Hour)}
		if err := s.Create(ctx, later, l); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Get(ctx, "id1"); !errors.Is(err, session.ErrNotFound) {
			t.Errorf("Get(id1) after it idled 9h and another was made = %v, want ErrNotFound", err)
		}
		if err := s.Touch(ctx, "id1", start); !errors.Is(err, session.ErrNotFound) {
			t.Errorf("Touch of a removed session = %v, want ErrNotFound", err)
		}
		if err := s.Delete(ctx, "id2"); err != nil {
			t.Fatal(err)
		}
		if err := s.Delete(ctx, "id2"); err != nil {
			t.Errorf("Delete of a removed session = %v, want nil", err)
		}
		k1, err1 := s.Key(ctx)
		k2, err2 := s.Key(ctx)
		if err1 != nil || err2 != nil || len(k1) < 32 || string(k1) != string(k2) {
			t.Errorf("Key() = %x, %v then %x, %v; want one key of at least 32 bytes", k1, err1, k2, err2)
		}
	})
}

func TestNewRefusesBadOptions(t *testing.T) {
	if _, err := session.New(session.Options{}); err == nil {
		t.Errorf("New without Tokens = nil error, want one")
	}
	st := storetest.OpenEmbedded(t, t.TempDir())
	if _, err := session.New(session.Options{Tokens: st, TrustedProxies: []string{"proxy.example"}}); err == nil || !strings.Contains(err.Error(), "proxy.example") {
		t.Errorf("New with a trusted proxy that is no address = %v, want an error naming it", err)
	}
}

// TestWithoutMiddleware: the functions refuse, rather than act, on a request the
// Middleware did not see.
func TestWithoutMiddleware(t *testing.T) {
	r := gin.New()
	r.Use(session.RequireCSRF())
	r.POST("/act", func(c *gin.Context) {
		if err := session.SignIn(c, "x"); err == nil {
			t.Errorf("SignIn without the Middleware = nil, want an error")
		}
		c.String(200, "done")
	})
	rec := httptest.NewRecorder()
	r.ServeHTTP(rec, httptest.NewRequest("POST", "/act", strings.NewReader(session.FieldName+"=x")))
	if rec.Code != 403 {
		t.Errorf("POST behind RequireCSRF without the Middleware = %d, want 403", rec.Code)
	}
}
