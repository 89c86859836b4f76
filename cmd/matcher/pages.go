package main

import (
	"context"
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"

	"samenspel/internal/auth"
	"samenspel/internal/web"
	"samenspel/internal/web/session"
)

// The pages ask for their sessions by request (web.Sessions); internal/web/session
// keeps them on the gin context of the request. ginKey carries that context in the
// request's own, from sessionPages' routes to pageSessions.
type ginKey struct{}

func ginOf(r *http.Request) (*gin.Context, bool) {
	c, ok := r.Context().Value(ginKey{}).(*gin.Context)
	return c, ok
}

// pageSessions is web.Sessions on internal/web/session. It works on the requests of
// the routes sessionPages mounts, which run the session middleware first.
type pageSessions struct{}

func visitorOf(s *session.Session) web.Visitor {
	// A tender owner's tenders are recorded under its token's id.
	return web.Visitor{Principal: auth.Principal{Role: s.Role, Profile: s.Profile, Owner: s.TokenID}, Name: s.Name}
}

func (pageSessions) Visitor(r *http.Request) web.Visitor {
	c, ok := ginOf(r)
	if !ok {
		return web.Visitor{}
	}
	if s, ok := session.Current(c); ok {
		return visitorOf(s)
	}
	return web.Visitor{}
}

func (pageSessions) SignIn(_ http.ResponseWriter, r *http.Request, secret string) (web.Visitor, error) {
	c, ok := ginOf(r)
	if !ok {
		return web.Visitor{}, errNoSessions
	}
	if err := session.SignIn(c, secret); err != nil {
		return web.Visitor{}, err
	}
	s, _ := session.Current(c)
	return visitorOf(s), nil
}

func (pageSessions) SignOut(_ http.ResponseWriter, r *http.Request) {
	if c, ok := ginOf(r); ok {
		_ = session.SignOut(c) // the cookie is cleared whatever the store says
	}
}

func (pageSessions) CSRFToken(_ http.ResponseWriter, r *http.Request) string {
	if c, ok := ginOf(r); ok {
		return session.CSRFToken(c)
	}
	return ""
}

func (pageSessions) CheckCSRF(r *http.Request) bool {
	c, ok := ginOf(r)
	return ok && session.CheckCSRF(c, r.PostFormValue(web.CSRFField))
}

// errNoSessions is a sign-in on a route that did not run the session middleware.
var errNoSessions = errors.New("matcher: the pages' sessions are not installed on this route")

// sessionPages mounts the pages behind the session middleware, on a group of their
// own so that the API's routes never see a session.
type sessionPages struct {
	*web.Site
	m *session.Manager
}

func (p sessionPages) Mount(r gin.IRoutes) {
	g := r.(gin.IRouter).Group("", p.m.Middleware(), func(c *gin.Context) {
		c.Request = c.Request.WithContext(context.WithValue(c.Request.Context(), ginKey{}, c))
		c.Next()
	})
	p.Site.Mount(g)
}
