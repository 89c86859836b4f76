package api

import (
	"context"
	"crypto/rand"
	_ "embed"
	"encoding/hex"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/go-redis/redis_rate/v10"
	"github.com/redis/go-redis/v9"

	"samenspel/internal/gazetteer"
	"samenspel/internal/profiles"
	"samenspel/internal/webhook"
)

// Version is the API version sent in the API-Version header and in the OpenAPI
// document.
const Version = "1.0.0"

// maxBody is the largest request body accepted (SPEC §8).
const maxBody = 1 << 20

//go:embed openapi.json
var openAPI []byte

// Deps is everything the API needs, built in main.
type Deps struct {
	Taxonomy *profiles.Taxonomy
	// Gazetteer, when set, holds SPEC §2's rule in every profile and tender the
	// API takes (POST, PUT, PATCH, and the tender of POST /v1/match): an area code
	// inside a municipality it holds must be one of its areas, or the write is a
	// 422 naming the field. Nil checks the form of area codes only.
	Gazetteer *gazetteer.Gazetteer
	Log       *slog.Logger
	// Ready reports whether the service can answer (its store is reachable).
	Ready func(ctx context.Context) error
	// Optional are the dependencies the service can do without (Redis, the search
	// index): when one fails, readiness stays 200 and says "degraded", with the
	// Detail of each that failed.
	Optional []Optional
	// TrustedProxies are passed to Gin's SetTrustedProxies; none by default.
	TrustedProxies []string
	Store          Store
	Suggest        Suggester
	// Now is the clock (time.Now in main).
	Now func() time.Time
	// Metrics, shared with the services that count into them; NewMetrics when nil.
	Metrics *Metrics
	// Limits are the request rates allowed; DefaultLimits when nil.
	Limits *Limits
	// RequestTimeout is the deadline of every request (none when 0): a search
	// still running then answers with the best coalitions found, exact false and
	// its bound (SPEC §6). Keep it below the server's write timeout, so that the
	// answer is written.
	RequestTimeout time.Duration
	// Redis, when set, holds the rate-limit buckets, so that the limits hold across
	// replicas.
	Redis *redis.Client
	// Jobs, Notifications, Webhooks and Tokens serve /v1/jobs, /v1/me and
	// /v1/tokens; Awards and Ideas the awards of tenders and the partners' ideas
	// (award.go, ideas.go). Each is given on its own, never found by asking Store
	// what else it is (a decorated Store would hide it); a route whose store is nil
	// answers 503.
	Jobs          JobStore
	Notifications NotificationStore
	Webhooks      WebhookStore
	Tokens        TokenStore
	Awards        AwardStore
	Ideas         IdeaStore
	// Webhook decides which webhook URLs partners may set; the zero Policy, https
	// and public addresses only, is the one for production (the Sender takes the
	// same).
	Webhook webhook.Policy
	// Pages, when set, are the HTML pages for people (internal/web), served beside
	// the API; without them the server is the API alone.
	Pages Pages
}

// Pages are the HTML pages for people that the server serves beside the API
// (internal/web implements it; the API never imports it). Their routes go on the
// API's engine, behind the same middleware: request ids, the access log, deadlines,
// metrics and rate limits. Outside the API's paths (apiPath), an error that the
// middleware or the router answers (429, 500, an unknown path) becomes their HTML
// page for a browser; the API's problem+json stays for /v1 and for clients that ask
// for JSON.
type Pages interface {
	// Mount adds the pages' routes.
	Mount(r gin.IRoutes)
	// ErrorPage writes the HTML page of an error status when the request is a
	// browser's, and reports whether it did.
	ErrorPage(c *gin.Context, status int) bool
	// Registers reports whether a request registers a partner through the pages:
	// the limit on registrations per address counts it (Limits.RegisterPerHour).
	Registers(r *http.Request) bool
}

// apiPath reports whether a path is the API's (SPEC §8): /v1 and the service
// routes, which answer in JSON whoever asks.
func apiPath(p string) bool {
	switch p {
	case "/healthz", "/readyz", "/openapi.json", "/metrics":
		return true
	}
	return p == "/v1" || strings.HasPrefix(p, "/v1/")
}

// Optional is a dependency the service can do without.
type Optional struct {
	// Detail says, for anyone, what happens while Check fails; Check's error stays
	// in the log.
	Detail string
	Check  func(ctx context.Context) error
}

// New builds the HTTP handler: middleware and the route table.
func New(d Deps) (http.Handler, error) {
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	r.RedirectTrailingSlash = false
	r.RedirectFixedPath = false
	r.HandleMethodNotAllowed = true
	if err := r.SetTrustedProxies(d.TrustedProxies); err != nil {
		return nil, err
	}
	m := d.Metrics
	if m == nil {
		m = NewMetrics()
	}
	limits := DefaultLimits()
	if d.Limits != nil {
		limits = *d.Limits
	}
	// Metrics before the limiter, so that 429s are counted; both after the request
	// id and the log, so that 429s are logged with their id.
	lim := newLimiter(limits)
	if d.Redis != nil {
		lim.shared = redis_rate.NewLimiter(d.Redis)
	}
	if d.Pages != nil {
		lim.registers = d.Pages.Registers
	}
	r.Use(requestID(), pagesFor(d.Pages), apiVersion(), logRequests(d.Log), deadline(d.RequestTimeout), recoverProblem(d.Log), m.middleware(), lim.middleware(), limitBody())
	r.NoRoute(func(c *gin.Context) { fail(c, errNotFound) })
	r.NoMethod(func(c *gin.Context) { writeProblem(c, newProblem(http.StatusMethodNotAllowed, "")) })

	if d.Gazetteer != nil {
		d.Taxonomy = d.Taxonomy.WithAreas(d.Gazetteer) // the decoders of the bodies judge areas by it
	}
	h := &handlers{d: d}
	// The route table: the whole API at a glance. Keep openapi.json in step (a test
	// checks).
	r.GET("/healthz", h.healthz)
	r.GET("/readyz", h.readyz)
	r.GET("/openapi.json", h.openapi)
	r.GET("/metrics", gin.WrapH(m.handler()))
	if d.Pages != nil {
		d.Pages.Mount(r)
	}
	v1 := r.Group("/v1", requireJSON(), h.authenticate)
	v1.GET("/taxonomy", h.taxonomy)
	v1.POST("/profiles", h.registerProfile)
	v1.GET("/profiles", h.searchProfiles)
	v1.GET("/profiles/:id", h.getProfile)
	v1.PUT("/profiles/:id", h.putProfile)
	v1.PATCH("/profiles/:id", h.patchProfile)
	v1.DELETE("/profiles/:id", h.deleteProfile)
	v1.POST("/profiles/:id/confirmation", h.confirmProfile)
	v1.POST("/tenders", h.createTender)
	v1.GET("/tenders", h.listTenders)
	v1.GET("/tenders/:id", h.getTender)
	v1.PUT("/tenders/:id", h.putTender)
	v1.PATCH("/tenders/:id", h.patchTender)
	v1.DELETE("/tenders/:id", h.closeTender)
	v1.GET("/tenders/:id/coalitions", h.coalitions)
	v1.POST("/tenders/:id/coalitions/score", h.scoreCoalition)
	v1.GET("/tenders/:id/fit/:profile", h.fit)
	v1.POST("/tenders/:id/interest", h.addInterest)
	v1.GET("/tenders/:id/interest", h.interests)
	v1.POST("/tenders/:id/award", h.postAward)
	v1.GET("/tenders/:id/award", h.getAward)
	v1.POST("/collaborations", h.addCollaboration)
	v1.POST("/collaborations/:id/confirmation", h.confirmCollaboration)
	v1.POST("/collaborations/:id/dispute", h.disputeCollaboration)
	v1.POST("/match", h.matchTender)
	v1.GET("/jobs", h.listRuns)
	v1.GET("/jobs/:id", h.getRun)
	v1.GET("/me/notifications", h.myNotifications)
	v1.GET("/me/collaborations", h.myCollaborations)
	v1.GET("/me/webhook", h.getWebhook)
	v1.PUT("/me/webhook", h.putWebhook)
	v1.DELETE("/me/webhook", h.deleteWebhook)
	v1.POST("/me/ideas", h.addIdea)
	v1.GET("/me/ideas", h.myIdeas)
	v1.POST("/ideas/verify", h.verifyIdea)
	v1.GET("/tokens", h.listTokens)
	v1.DELETE("/tokens/:id", h.revokeToken)
	return r, nil
}

type handlers struct {
	d Deps
}

func (h *handlers) healthz(c *gin.Context) { c.JSON(http.StatusOK, gin.H{"status": "ok"}) }

func (h *handlers) readyz(c *gin.Context) {
	if h.d.Ready != nil {
		if err := h.d.Ready(c.Request.Context()); err != nil {
			h.d.Log.WarnContext(c.Request.Context(), "not ready", "err", err)
			writeProblem(c, newProblem(http.StatusServiceUnavailable, "the store is not reachable"))
			return
		}
	}
	var degraded []string
	for _, o := range h.d.Optional {
		if err := o.Check(c.Request.Context()); err != nil {
			h.d.Log.WarnContext(c.Request.Context(), "degraded", "detail", o.Detail, "err", err)
			degraded = append(degraded, o.Detail)
		}
	}
	if len(degraded) > 0 {
		c.JSON(http.StatusOK, gin.H{"status": "degraded", "detail": strings.Join(degraded, "; ")})
		return
	}
	c.JSON(http.StatusOK, gin.H{"status": "ready"})
}

func (h *handlers) openapi(c *gin.Context) { c.Data(http.StatusOK, "application/json", openAPI) }

func (h *handlers) taxonomy(c *gin.Context) {
	c.JSON(http.StatusOK, gin.H{"kinds": h.d.Taxonomy.Kinds, "instruments": h.d.Taxonomy.Instruments, "themes": h.d.Taxonomy.Themes})
}

// saneRequestID reports whether a client's X-Request-ID may be used as it is: 1 to 64
// letters, digits, '.', '_' or '-'. (A regular expression of the same rule is built
// at every start of the binary, `matcher suggest` included: its {1,64} is 64 states.)
func saneRequestID(id string) bool {
	if len(id) < 1 || len(id) > 64 {
		return false
	}
	for i := 0; i < len(id); i++ {
		if c := id[i]; !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}

// requestID takes a sane X-Request-ID from the client or makes one, and sends it
// back; the log lines of the request carry it.
func requestID() gin.HandlerFunc {
	return func(c *gin.Context) {
		id := c.GetHeader("X-Request-ID")
		if !saneRequestID(id) {
			b := make([]byte, 8)
			_, _ = rand.Read(b)
			id = hex.EncodeToString(b)
		}
		c.Set("request_id", id)
		c.Header("X-Request-ID", id)
		c.Next()
	}
}

func apiVersion() gin.HandlerFunc {
	return func(c *gin.Context) {
		c.Header("API-Version", Version)
		c.Header("X-Content-Type-Options", "nosniff") // every answer is what its Content-Type says
		c.Next()
	}
}

// logRequests logs one line a request: method, route, status, duration, request
// id, and what really happened (SPEC §6): outcome (ok, deadline or cancelled, as
// deadline records it), whether the answer was written, and its bytes. Never the
// body, the query string or the Authorization header.
func logRequests(log *slog.Logger) gin.HandlerFunc {
	return func(c *gin.Context) {
		start := time.Now()
		w := &errWriter{ResponseWriter: c.Writer}
		c.Writer = w
		c.Next()
		route := c.FullPath()
		if route == "" {
			route = "unmatched"
		}
		outcome := c.GetString(outcomeKey)
		if outcome == "" {
			outcome = outcomeOf(c.Request.Context().Err())
		}
		written := w.wrote(outcome != outcomeOK)
		attrs := []any{"method", c.Request.Method, "route", route, "status", c.Writer.Status(),
			"duration_ms", time.Since(start).Milliseconds(), "request_id", c.GetString("request_id"),
			"outcome", outcome, "written", written, "bytes", max(0, c.Writer.Size())}
		if len(c.Errors) > 0 {
			attrs = append(attrs, "err", c.Errors.Last().Err)
		}
		level := slog.LevelInfo
		if !written {
			level = slog.LevelWarn
		}
		log.Log(c.Request.Context(), level, "request", attrs...)
	}
}

// The outcomes of a request in the access log.
const (
	outcomeKey       = "outcome"
	outcomeOK        = "ok"
	outcomeDeadline  = "deadline"
	outcomeCancelled = "cancelled"
)

// outcomeOf names how a request's context ended: not at all (ok), at its deadline,
// or cancelled (the client went away, or the server shut down).
func outcomeOf(err error) string {
	switch {
	case err == nil:
		return outcomeOK
	case errors.Is(err, context.DeadlineExceeded):
		return outcomeDeadline
	default:
		return outcomeCancelled
	}
}

// deadline gives every request the deadline d (none when d is 0), and records
// under outcomeKey how its context had ended when the handlers returned, before it
// lets go of the context.
func deadline(d time.Duration) gin.HandlerFunc {
	return func(c *gin.Context) {
		ctx := c.Request.Context()
		if d > 0 {
			var cancel context.CancelFunc
			ctx, cancel = context.WithTimeout(ctx, d)
			defer cancel()
			c.Request = c.Request.WithContext(ctx)
		}
		c.Next()
		c.Set(outcomeKey, outcomeOf(ctx.Err()))
	}
}

// errWriter remembers the first error of a write of the answer.
type errWriter struct {
	gin.ResponseWriter
	err error
}

func (w *errWriter) Write(b []byte) (int, error) {
	n, err := w.ResponseWriter.Write(b)
	if err != nil && w.err == nil {
		w.err = err
	}
	return n, err
}

func (w *errWriter) WriteString(s string) (int, error) {
	n, err := w.ResponseWriter.WriteString(s)
	if err != nil && w.err == nil {
		w.err = err
	}
	return n, err
}

// wrote commits the status and reports whether the answer reached the
// connection. When doubtful (the request's deadline passed or it was cancelled)
// it flushes the answer to find out: a flush past the server's write timeout or to
// a client that has gone fails. Otherwise the server flushes it as usual, after
// the handlers, with its Content-Length.
func (w *errWriter) wrote(doubtful bool) bool {
	w.WriteHeaderNow()
	if w.err == nil && doubtful {
		if u, ok := w.ResponseWriter.(interface{ Unwrap() http.ResponseWriter }); ok {
			w.err = http.NewResponseController(u.Unwrap()).Flush()
		}
	}
	return w.err == nil
}

// recoverProblem turns a panic into a 500 problem and a log line.
func recoverProblem(log *slog.Logger) gin.HandlerFunc {
	return func(c *gin.Context) {
		defer func() {
			if v := recover(); v != nil {
				log.ErrorContext(c.Request.Context(), "panic", "value", v, "request_id", c.GetString("request_id"))
				writeProblem(c, newProblem(http.StatusInternalServerError, ""))
			}
		}()
		c.Next()
	}
}

// limitBody refuses bodies above 1 MiB: at once when Content-Length says so, and
// while reading otherwise.
func limitBody() gin.HandlerFunc {
	return func(c *gin.Context) {
		if c.Request.ContentLength > maxBody {
			fail(c, errTooLarge)
			return
		}
		c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, maxBody)
		c.Next()
	}
}
