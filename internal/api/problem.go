package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/gin-gonic/gin"

	"samenspel/internal/auth"
	"samenspel/internal/idempotency"
	"samenspel/internal/jobs"
	"samenspel/internal/profiles"
	"samenspel/internal/suggest"
	"samenspel/internal/webhook"
)

// Problem is an error response (RFC 9457), with per-field errors for invalid input.
type Problem struct {
	Type   string                `json:"type"`
	Title  string                `json:"title"`
	Status int                   `json:"status"`
	Detail string                `json:"detail,omitempty"`
	Errors []profiles.FieldError `json:"errors,omitempty"`
}

// Sentinel errors of the API layer; the domain's own sentinels are mapped in
// problemFor too.
var (
	errNotFound     = errors.New("not found")
	errBadRequest   = errors.New("bad request")
	errTooLarge     = errors.New("request body larger than 1 MiB")
	errUnauthorized = auth.ErrUnauthorized // the rules of who may do what are internal/auth's
	errForbidden    = auth.ErrForbidden
	// errUnavailable is a route whose data this server does not keep (a Deps
	// field left unset).
	errUnavailable = errors.New("this server does not keep that")
)

// badParams is a request that cannot be served as sent, naming what is wrong: a
// 400 with field errors (a path id that cannot be one, a webhook URL refused).
type badParams struct {
	Detail string
	Errors []profiles.FieldError
}

func (e *badParams) Error() string { return e.Detail }

// badParam is a badParams for one field.
func badParam(detail, field, message string) error {
	return &badParams{Detail: detail, Errors: []profiles.FieldError{{Field: field, Message: message}}}
}

// problemFor maps an error to its problem: the one place where errors become HTTP
// statuses.
func problemFor(err error) Problem {
	var verr *profiles.ValidationError
	var maxErr *http.MaxBytesError
	var bad *badParams
	var missing *suggest.MissingError
	switch {
	case errors.As(err, &maxErr) || errors.Is(err, errTooLarge):
		return newProblem(http.StatusRequestEntityTooLarge, errTooLarge.Error())
	case errors.Is(err, profiles.ErrMalformed) || errors.Is(err, errBadRequest):
		return newProblem(http.StatusBadRequest, err.Error())
	case errors.As(err, &bad):
		p := newProblem(http.StatusBadRequest, bad.Detail)
		p.Errors = bad.Errors
		return p
	case errors.As(err, &verr):
		p := newProblem(http.StatusUnprocessableEntity, "the document has invalid values")
		p.Errors = verr.Errors
		return p
	case errors.As(err, &missing):
		// Which of the path's ids names nothing: the tender's is id.
		field := missing.Field
		if field == "tender" {
			field = "id"
		}
		p := newProblem(http.StatusNotFound, fmt.Sprintf("no %s %q", missing.Field, missing.ID))
		p.Errors = []profiles.FieldError{{Field: field, Message: fmt.Sprintf("no %s has this id", missing.Field)}}
		return p
	case notFound(err):
		return newProblem(http.StatusNotFound, "no such resource")
	case errors.Is(err, profiles.ErrDayTaken):
		p := newProblem(http.StatusConflict, "the pair has a counted event on that day, or an open claim: at most one counted event per pair and day")
		p.Errors = []profiles.FieldError{{Field: "at", Message: "the pair has an event on this day already"}}
		return p
	case errors.Is(err, profiles.ErrNotClaim):
		return newProblem(http.StatusConflict, "the event is no claim (any more): it counts already, or was disputed")
	case errors.Is(err, profiles.ErrAwardFinal):
		return newProblem(http.StatusConflict, "the award has its outcome recorded: it is final, and has one outcome")
	case errors.Is(err, profiles.ErrNoAward):
		return newProblem(http.StatusConflict, `the tender has no award: award a coalition first, {"members": [ids]}`)
	case errors.Is(err, profiles.ErrTooManyIdeas):
		return newProblem(http.StatusConflict, fmt.Sprintf("a partner keeps at most %d ideas", profiles.MaxIdeas))
	case errors.Is(err, profiles.ErrConflict):
		return newProblem(http.StatusConflict, "the id is taken")
	case errors.Is(err, idempotency.ErrKeyUsed):
		return newProblem(http.StatusConflict, "a request with this Idempotency-Key was answered already")
	case errors.Is(err, profiles.ErrChanged):
		return newProblem(http.StatusPreconditionFailed, "the document changed since the version in If-Match: read it again, and apply the change to what it is now")
	case errors.Is(err, profiles.ErrClosed):
		return newProblem(http.StatusConflict, "the tender is closed")
	case errors.Is(err, errUnauthorized):
		return newProblem(http.StatusUnauthorized, err.Error())
	case errors.Is(err, errForbidden):
		return newProblem(http.StatusForbidden, err.Error())
	case errors.Is(err, errUnavailable):
		return newProblem(http.StatusServiceUnavailable, err.Error())
	case errors.Is(err, suggest.ErrBusy):
		return newProblem(http.StatusServiceUnavailable, "too many searches at once on this server; try again in a second")
	case errors.Is(err, context.DeadlineExceeded):
		return newProblem(http.StatusServiceUnavailable, "no answer within the request deadline; try again")
	case errors.Is(err, context.Canceled):
		return newProblem(http.StatusServiceUnavailable, "the request was cancelled")
	default:
		// The detail of an unexpected error stays in the log, not in the response.
		return newProblem(http.StatusInternalServerError, "")
	}
}

// pagesKey holds the Deps.Pages of the request's server (pagesFor), for
// writeProblem.
const pagesKey = "pages"

// pagesFor makes the pages, if any, known to writeProblem.
func pagesFor(p Pages) gin.HandlerFunc {
	return func(c *gin.Context) {
		if p != nil {
			c.Set(pagesKey, p)
		}
		c.Next()
	}
}

func newProblem(status int, detail string) Problem {
	return Problem{Type: "about:blank", Title: http.StatusText(status), Status: status, Detail: detail}
}

// fail writes the problem for err and stops the request. A server busy with
// searches, or a request that found no answer by its deadline, is worth another
// try in a second (Retry-After).
func fail(c *gin.Context, err error) {
	p := problemFor(err)
	if errors.Is(err, suggest.ErrBusy) || errors.Is(err, context.DeadlineExceeded) {
		c.Header("Retry-After", "1")
	}
	if p.Status == http.StatusInternalServerError {
		_ = c.Error(err)
	}
	writeProblem(c, p)
}

// writeProblem writes p as problem+json, or, outside the API's paths, as the
// pages' HTML error page when the request is a browser's.
func writeProblem(c *gin.Context, p Problem) {
	v, _ := c.Get(pagesKey)
	if pages, ok := v.(Pages); ok && !apiPath(c.Request.URL.Path) && pages.ErrorPage(c, p.Status) {
		c.Abort()
		return
	}
	c.Header("Content-Type", "application/problem+json")
	c.AbortWithStatusJSON(p.Status, p)
}

// notFound reports whether err says that what was asked for does not exist: the
// not-found errors of the domains the API serves, the one place they become 404.
func notFound(err error) bool {
	for _, sentinel := range []error{errNotFound, profiles.ErrNotFound, auth.ErrNotFound, jobs.ErrNotFound, webhook.ErrNotFound} {
		if errors.Is(err, sentinel) {
			return true
		}
	}
	return false
}
