package web

import (
	"errors"
	"net/http"
	"net/url"

	"github.com/gin-gonic/gin"

	"samenspel/internal/auth"
	"samenspel/internal/profiles"
)

// Sessions signs browsers in with a bearer token and out again, and protects
// every form against requests from other sites (CSRF). internal/web/session
// implements it (plugged in at merge); without it the site serves no form: every
// page is read-only and anonymous.
type Sessions interface {
	// Visitor is who the request's session acts as; the zero Visitor when it has
	// none (or it ended: the token expired or was revoked).
	Visitor(r *http.Request) Visitor
	// SignIn checks the bearer token secret and starts a session for it, setting
	// its cookie on w (HttpOnly, SameSite=Lax, Secure over TLS). Any error refuses
	// the token; the page says so without saying why.
	SignIn(w http.ResponseWriter, r *http.Request, secret string) (Visitor, error)
	// SignOut ends the request's session and clears its cookie.
	SignOut(w http.ResponseWriter, r *http.Request)
	// CSRFToken is the token the forms of the request's page carry in the field
	// CSRFField, setting on w whatever CheckCSRF needs to compare it with.
	CSRFToken(w http.ResponseWriter, r *http.Request) string
	// CheckCSRF reports whether the POST r carries the right token.
	CheckCSRF(r *http.Request) bool
}

// CSRFField is the name of the form field that carries the CSRF token.
const CSRFField = "csrf"

// Visitor is who a browser acts as: a principal of internal/auth (the role of a
// token, for a partner its profile, the identity a tender owner's tenders are
// recorded under: auth.TokenID of its hash), and the token's name for the
// header. What it may do is internal/auth's rules, the same as the API's.
type Visitor struct {
	auth.Principal
	Name string
}

// signedIn reports whether v has a session.
func (v Visitor) signedIn() bool { return v.SignedIn() }

// ownsTender reports whether v may manage the tender rec: its owner, and admins.
func (v Visitor) ownsTender(rec profiles.TenderRecord) bool { return v.ManageTender(rec.Owner) == nil }

// refused writes the answer to a visitor the rules refuse (err, from
// auth.Principal): to sign in first, and come back to next, or 403.
func (s *Site) refused(c *gin.Context, err error, next string) {
	if errors.Is(err, auth.ErrUnauthorized) {
		target := "/signin"
		if next != "" {
			target += "?next=" + url.QueryEscape(next)
		}
		c.Redirect(http.StatusSeeOther, target)
		c.Abort()
		return
	}
	s.errorPage(c, http.StatusForbidden)
}

// visitor is the request's Visitor: anonymous without Sessions.
func (s *Site) visitor(c *gin.Context) Visitor {
	if s.d.Sessions == nil {
		return Visitor{}
	}
	if v, ok := c.Get(visitorKey); ok {
		return v.(Visitor)
	}
	v := s.d.Sessions.Visitor(c.Request)
	c.Set(visitorKey, v)
	return v
}

// The keys of what a request has worked out once: its language and its visitor.
const (
	langKey    = "web.lang"
	visitorKey = "web.visitor"
)

// checkCSRF refuses, with the expired-form page (403), a POST that does not carry
// its CSRF token, and reports whether it may go on.
func (s *Site) checkCSRF(c *gin.Context) bool {
	if s.d.Sessions.CheckCSRF(c.Request) {
		return true
	}
	if !s.FormRefused(c) {
		s.errorPage(c, http.StatusForbidden)
	}
	return false
}

type signInData struct {
	Failed bool
	Token  string // what was typed, when refused
	Next   string // where to go once signed in
}

// signInPage is GET /signin: a field for the token.
func (s *Site) signInPage(c *gin.Context) {
	l := s.lang(c)
	s.render(c, http.StatusOK, "signin", t(l, "signin.title"), "signin", signInData{Next: localPath(c.Query("next"))})
}

// signIn is POST /signin: a session for the token, then the partner's own profile
// (or next); the form again when the token is refused.
func (s *Site) signIn(c *gin.Context) {
	if !s.checkCSRF(c) {
		return
	}
	l := s.lang(c)
	secret := trimmed(c.PostForm("token"))
	next := localPath(c.PostForm("next"))
	v, err := s.d.Sessions.SignIn(c.Writer, c.Request, secret)
	if err != nil {
		c.Header("Cache-Control", "no-store")
		s.render(c, http.StatusUnauthorized, "signin", t(l, "signin.title"), "signin", signInData{Failed: true, Next: next})
		return
	}
	if next == "" {
		next = "/"
		if v.Role == auth.RolePartner && v.Profile != "" {
			next = "/profiles/" + v.Profile
		}
	}
	c.Redirect(http.StatusSeeOther, next)
}

// signOut is POST /signout.
func (s *Site) signOut(c *gin.Context) {
	if !s.checkCSRF(c) {
		return
	}
	s.d.Sessions.SignOut(c.Writer, c.Request)
	c.Redirect(http.StatusSeeOther, "/")
}

// localPath is p when it is a path on this site ("/profiles/x"), else "": a
// sign-in never sends a browser to another site.
func localPath(p string) string {
	if len(p) < 1 || p[0] != '/' || (len(p) > 1 && (p[1] == '/' || p[1] == '\\')) {
		return ""
	}
	return p
}
