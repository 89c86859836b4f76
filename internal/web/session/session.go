package session

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"net/netip"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"samenspel/internal/auth"
)

// CookieName is the session cookie's name; its value is the session's secret.
const CookieName = "samenspel_session"

// touchEvery is how stale a session's Seen may get before a request records it
// again: at most one Store write a minute per session, so that idle time is
// measured to the minute.
const touchEvery = time.Minute

// The reasons SignIn refuses a token, for the page to say in words.
var (
	// ErrBadToken is a value that is no token, or a token nobody has.
	ErrBadToken = errors.New("session: not a valid token")
	// ErrTokenRevoked and ErrTokenExpired are tokens that are no longer accepted.
	ErrTokenRevoked = errors.New("session: the token has been revoked")
	ErrTokenExpired = errors.New("session: the token has expired")
)

// Tokens finds a bearer token by its hash; *store.Store implements it. It returns
// auth.ErrNotFound when there is none.
type Tokens interface {
	TokenByHash(ctx context.Context, hash string) (auth.Token, error)
}

// Session is who a signed-in request acts as: what the token it signed in with
// carries, read again on every request.
type Session struct {
	// TokenID is the token's id (auth.TokenID), not secret: a tender owner's
	// tenders are recorded under it, as the API records them.
	TokenID string
	// Role is admin, tender_owner or partner (internal/auth).
	Role string
	// Profile is the profile a partner's token acts for; "" for other roles.
	Profile string
	// Name is the token's name, whose it is.
	Name string
	// Created is when the session was made, Seen when it was last used.
	Created, Seen time.Time

	id   string // the Record's ID
	csrf string
}

// Options configure a Manager. Tokens is required; every other field has a
// default.
type Options struct {
	// Tokens resolves the token of every session on every request, so that a
	// revoked or expired token ends its sessions at once.
	Tokens Tokens
	// Store keeps the sessions; a NewMemoryStore when nil. Give replicas that
	// serve the same people one shared Store (NewSharedStore).
	Store Store
	// Limits bound the sessions; each zero field takes DefaultLimits' value.
	Limits Limits
	// TrustedProxies (IPs or CIDRs, the matcher's trusted_proxies) are the peers
	// whose X-Forwarded-Proto: https makes the cookies Secure; r.TLS always does.
	TrustedProxies []string
	// Now is the clock (time.Now when nil).
	Now func() time.Time
	// Refused answers a request that RequireCSRF refuses; a bare 403 when nil.
	// It must write the answer; the chain is aborted after it.
	Refused func(c *gin.Context)
	// Failed answers a request whose session could not be read because a store
	// failed; a bare 503 when nil. The chain is aborted after it.
	Failed func(c *gin.Context, err error)
}

// Manager holds the options of the sessions; build it once with New and install
// its Middleware before the pages. Safe for concurrent use.
type Manager struct {
	tokens   Tokens
	store    Store
	limits   Limits
	trusted  []netip.Prefix
	now      func() time.Time
	refused  func(c *gin.Context)
	failed   func(c *gin.Context, err error)
	origin   *http.CrossOriginProtection
	keyCache keyCache
}

// New checks o and builds a Manager.
func New(o Options) (*Manager, error) {
	if o.Tokens == nil {
		return nil, errors.New("session: Options.Tokens is required")
	}
	m := &Manager{tokens: o.Tokens, store: o.Store, limits: o.Limits, now: o.Now, refused: o.Refused, failed: o.Failed,
		origin: http.NewCrossOriginProtection()}
	d := DefaultLimits()
	if m.limits.Idle <= 0 {
		m.limits.Idle = d.Idle
	}
	if m.limits.Absolute <= 0 {
		m.limits.Absolute = d.Absolute
	}
	if m.limits.Max <= 0 {
		m.limits.Max = d.Max
	}
	if m.store == nil {
		m.store = NewMemoryStore()
	}
	if m.now == nil {
		m.now = time.Now
	}
	if m.refused == nil {
		m.refused = func(c *gin.Context) {
			c.String(http.StatusForbidden, "403 forbidden: the form's security token is missing or wrong; reload the page")
		}
	}
	if m.failed == nil {
		m.failed = func(c *gin.Context, _ error) { c.String(http.StatusServiceUnavailable, "503 service unavailable") }
	}
	for _, p := range o.TrustedProxies {
		prefix, err := netip.ParsePrefix(p)
		if err != nil {
			addr, aerr := netip.ParseAddr(p)
			if aerr != nil {
				return nil, fmt.Errorf("session: trusted proxy %q is neither an IP address nor a CIDR range", p)
			}
			prefix = netip.PrefixFrom(addr, addr.BitLen())
		}
		m.trusted = append(m.trusted, prefix.Masked())
	}
	return m, nil
}

// The keys of what Middleware puts in a gin.Context.
const (
	managerKey = "samenspel/session.manager"
	sessionKey = "samenspel/session.session"
	endedKey   = "samenspel/session.ended"
	anonKey    = "samenspel/session.anonymous-csrf"
)

// Middleware finds the request's session, if any, for Current and the other
// functions of this package, which work only behind it. A session that has
// expired, or whose token has been revoked, has expired or is gone, ends: it is
// deleted, its cookie cleared, and the request goes on anonymous (Ended says so).
// When a store fails, Options.Failed answers and the chain stops.
func (m *Manager) Middleware() gin.HandlerFunc {
	return func(c *gin.Context) {
		c.Set(managerKey, m)
		ck, err := c.Request.Cookie(CookieName)
		if err != nil || ck.Value == "" {
			c.Next()
			return
		}
		s, err := m.load(c.Request.Context(), ck.Value)
		switch {
		case errors.Is(err, errEnded):
			m.clearCookie(c, CookieName)
			c.Set(endedKey, true)
		case err != nil:
			m.failed(c, err)
			c.Abort()
			return
		default:
			c.Set(sessionKey, s)
		}
		c.Next()
	}
}

// errEnded is a cookie whose session is gone, expired, or whose token is no
// longer accepted.
var errEnded = errors.New("session: ended")

// load is the session of the cookie's secret.
func (m *Manager) load(ctx context.Context, secret string) (*Session, error) {
	if !validSecret(secret) {
		return nil, errEnded
	}
	id := digest(secret)
	r, err := m.store.Get(ctx, id)
	if errors.Is(err, ErrNotFound) {
		return nil, errEnded
	}
	if err != nil {
		return nil, err
	}
	now := m.now()
	if m.limits.expired(r, now) {
		return nil, m.end(ctx, id)
	}
	tok, err := m.tokens.TokenByHash(ctx, r.Token)
	if errors.Is(err, auth.ErrNotFound) {
		return nil, m.end(ctx, id)
	}
	if err != nil {
		return nil, err
	}
	if tok.State(now) != auth.TokenActive {
		return nil, m.end(ctx, id)
	}
	if now.Sub(r.Seen) >= touchEvery {
		if err := m.store.Touch(ctx, id, now); errors.Is(err, ErrNotFound) {
			return nil, errEnded // signed out meanwhile
		} else if err != nil {
			return nil, err
		}
		r.Seen = now
	}
	return newSession(r, tok), nil
}

// end deletes the session with id and returns errEnded, or the Store's error.
func (m *Manager) end(ctx context.Context, id string) error {
	if err := m.store.Delete(ctx, id); err != nil {
		return err
	}
	return errEnded
}

func newSession(r Record, tok auth.Token) *Session {
	return &Session{TokenID: tok.ID(), Role: tok.Role, Profile: tok.Profile, Name: tok.Name,
		Created: r.Created, Seen: r.Seen, id: r.ID, csrf: r.CSRF}
}

// manager is the Manager that Middleware installed on c.
func manager(c *gin.Context) (*Manager, bool) {
	v, ok := c.Get(managerKey)
	m, _ := v.(*Manager)
	return m, ok && m != nil
}

// Current is the request's session, when it is signed in.
func Current(c *gin.Context) (*Session, bool) {
	v, _ := c.Get(sessionKey)
	s, ok := v.(*Session)
	return s, ok && s != nil
}

// Ended reports whether the request came with a session that has just ended
// (expired, its token revoked or expired, or signed out elsewhere), so that the
// page can say why the visitor is no longer signed in.
func Ended(c *gin.Context) bool { return c.GetBool(endedKey) }

// SignIn signs the request in with the bearer token given in a form (the value
// `matcher token create` or a registration printed): on success a new session
// replaces any the request had, its cookie is set, and Current returns it for the
// rest of the request. It returns ErrBadToken, ErrTokenRevoked or ErrTokenExpired
// for a token that cannot sign in, or a store's error.
func SignIn(c *gin.Context, token string) error {
	m, ok := manager(c)
	if !ok {
		return errNoMiddleware
	}
	ctx := c.Request.Context()
	secret, err := auth.FromHeader("Bearer " + strings.TrimSpace(token))
	if err != nil || secret == "" {
		return ErrBadToken
	}
	tok, err := m.tokens.TokenByHash(ctx, auth.Hash(secret))
	if errors.Is(err, auth.ErrNotFound) {
		return ErrBadToken
	}
	if err != nil {
		return fmt.Errorf("session: sign in: %w", err)
	}
	now := m.now()
	switch tok.State(now) {
	case auth.TokenRevoked:
		return ErrTokenRevoked
	case auth.TokenExpired:
		return ErrTokenExpired
	}
	// A new session every time: a session id planted before signing in is worth
	// nothing after it.
	if old, ok := Current(c); ok {
		if err := m.store.Delete(ctx, old.id); err != nil {
			return fmt.Errorf("session: sign in: %w", err)
		}
	}
	sessionSecret := newSecret()
	r := Record{ID: digest(sessionSecret), Token: tok.Hash, CSRF: newSecret(), Created: now, Seen: now}
	if err := m.store.Create(ctx, r, m.limits); err != nil {
		return fmt.Errorf("session: sign in: %w", err)
	}
	m.setCookie(c, CookieName, sessionSecret)
	c.Set(sessionKey, newSession(r, tok))
	return nil
}

// errNoMiddleware is a call of this package on a request Middleware did not see.
var errNoMiddleware = errors.New("session: Manager.Middleware is not installed")

// SignOut ends the request's session, if any: it is deleted from the Store, its
// cookie cleared, and Current reports no session for the rest of the request.
func SignOut(c *gin.Context) error {
	m, ok := manager(c)
	if !ok {
		return errNoMiddleware
	}
	m.clearCookie(c, CookieName)
	s, ok := Current(c)
	c.Set(sessionKey, (*Session)(nil))
	if !ok {
		return nil
	}
	if err := m.store.Delete(c.Request.Context(), s.id); err != nil {
		return fmt.Errorf("session: sign out: %w", err)
	}
	return nil
}

// secure reports whether the request came over TLS: directly, or through a
// trusted proxy that says so in X-Forwarded-Proto.
func (m *Manager) secure(c *gin.Context) bool {
	if c.Request.TLS != nil {
		return true
	}
	proto, _, _ := strings.Cut(c.GetHeader("X-Forwarded-Proto"), ",")
	if !strings.EqualFold(strings.TrimSpace(proto), "https") || len(m.trusted) == 0 {
		return false
	}
	peer, err := netip.ParseAddr(c.RemoteIP())
	if err != nil {
		return false
	}
	peer = peer.Unmap()
	for _, p := range m.trusted {
		if p.Contains(peer) {
			return true
		}
	}
	return false
}

// setCookie sets a cookie of this package: HttpOnly, SameSite=Lax, Path=/, Secure
// over TLS, for the browser's session (no Expires: the server ends it).
func (m *Manager) setCookie(c *gin.Context, name, value string) {
	http.SetCookie(c.Writer, &http.Cookie{Name: name, Value: value, Path: "/", HttpOnly: true,
		SameSite: http.SameSiteLaxMode, Secure: m.secure(c)})
}

// clearCookie tells the browser to drop a cookie of this package.
func (m *Manager) clearCookie(c *gin.Context, name string) {
	http.SetCookie(c.Writer, &http.Cookie{Name: name, Value: "", Path: "/", MaxAge: -1, HttpOnly: true,
		SameSite: http.SameSiteLaxMode, Secure: m.secure(c)})
}

// secretBytes is the size of a session's secret and of a CSRF token: 256 bits.
const secretBytes = 32

// newSecret is 256 random bits, base64url without padding (43 characters).
func newSecret() string {
	b := make([]byte, secretBytes)
	_, _ = rand.Read(b) // never fails (Go 1.24)
	return base64.RawURLEncoding.EncodeToString(b)
}

// validSecret reports whether s has the form of newSecret's values.
func validSecret(s string) bool {
	b, err := base64.RawURLEncoding.DecodeString(s)
	return err == nil && len(b) == secretBytes
}

// digest is what a Store keeps of a session's secret.
func digest(secret string) string {
	sum := sha256.Sum256([]byte("samenspel session " + secret))
	return hex.EncodeToString(sum[:])
}
