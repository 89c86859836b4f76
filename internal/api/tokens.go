package api

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"samenspel/internal/auth"
)

// TokenStore is what GET and DELETE /v1/tokens read and write; *store.Store
// implements it. A Store that does not makes both routes 503.
type TokenStore interface {
	Tokens(ctx context.Context, limit, offset int) ([]auth.Token, int, error)
	RevokeToken(ctx context.Context, id string, now time.Time) (auth.Token, error)
}

// The 401s of a token that was once good. They say what became of it and
// nothing else: not whose it was, nor its role or id.
var (
	errTokenExpired = fmt.Errorf("%w: token expired", errUnauthorized)
	errTokenRevoked = fmt.Errorf("%w: token revoked", errUnauthorized)
)

// usable is nil for a token that may act at now, and its 401 otherwise.
// Authentication reads the token from the store on every request and asks this:
// nothing keeps a token's validity, so a revocation or an expiry holds on every
// replica from the next request on. The 401 also drops the token's rate-limit
// bucket (limiter.middleware), so a revoked token keeps no bucket of its own.
func usable(t auth.Token, now time.Time) error {
	switch t.State(now) {
	case auth.TokenRevoked:
		return errTokenRevoked
	case auth.TokenExpired:
		return errTokenExpired
	default:
		return nil
	}
}

// authNow is the clock authentication and revocation read: Deps.Now, or the
// wall clock when that is unset.
func (h *handlers) authNow() time.Time {
	if h.d.Now != nil {
		return h.d.Now()
	}
	return time.Now()
}

// TokenView is a token as GET /v1/tokens and `matcher token list --json` show it:
// never its hash or secret.
type TokenView struct {
	ID      string     `json:"id"`
	Role    string     `json:"role"`
	Name    string     `json:"name"`
	Profile string     `json:"profile,omitempty"`
	Created time.Time  `json:"created"`
	Expires *time.Time `json:"expires,omitempty"`
	Revoked *time.Time `json:"revoked,omitempty"`
	// State is active, expired or revoked, at the time of the request.
	State string `json:"state"`
}

// TokenViewOf is the view of t at now (its state: active, expired or revoked).
func TokenViewOf(t auth.Token, now time.Time) TokenView {
	v := TokenView{ID: t.ID(), Role: t.Role, Name: t.Name, Profile: t.Profile, Created: t.Created.UTC(), State: t.State(now)}
	if !t.Expires.IsZero() {
		expires := t.Expires.UTC()
		v.Expires = &expires
	}
	if !t.Revoked.IsZero() {
		revoked := t.Revoked.UTC()
		v.Revoked = &revoked
	}
	return v
}

// tokenStore is the store of the token routes; for anyone but an admin, or when
// the store keeps no tokens, the response is written and ok is false.
func (h *handlers) tokenStore(c *gin.Context) (ts TokenStore, ok bool) {
	switch pr := who(c); {
	case pr.Role == "":
		fail(c, errUnauthorized)
		return nil, false
	case pr.Role != auth.RoleAdmin:
		fail(c, errForbidden)
		return nil, false
	}
	if h.d.Tokens == nil {
		fail(c, errUnavailable)
		return nil, false
	}
	return h.d.Tokens, true
}

// listTokens is GET /v1/tokens (admins): every token, newest first, revoked and
// expired ones too, paged with limit and offset.
func (h *handlers) listTokens(c *gin.Context) {
	ts, ok := h.tokenStore(c)
	if !ok {
		return
	}
	limit, offset, err := page(c)
	if err != nil {
		fail(c, err)
		return
	}
	toks, total, err := ts.Tokens(c.Request.Context(), limit, offset)
	if err != nil {
		fail(c, err)
		return
	}
	now := h.authNow()
	out := make([]TokenView, len(toks))
	for i, t := range toks {
		out[i] = TokenViewOf(t, now)
	}
	c.Header("Cache-Control", "no-store")
	c.JSON(http.StatusOK, gin.H{"tokens": out, "total": total})
}

// revokeToken is DELETE /v1/tokens/{id} (admins): the token is refused (401)
// from the next request on, on every replica. It stays in the list, revoked;
// revoking it again changes nothing (204). A partner's profile stays, and an
// admin can make it a new token (matcher token create --role partner --profile).
func (h *handlers) revokeToken(c *gin.Context) {
	ts, ok := h.tokenStore(c)
	if !ok {
		return
	}
	id := c.Param("id")
	if !auth.ValidTokenID(id) {
		fail(c, badParam("the token id is not one", "id", "must be tok_ and 16 hex digits"))
		return
	}
	ctx := c.Request.Context()
	t, err := ts.RevokeToken(ctx, id, h.authNow())
	if err != nil {
		fail(c, err)
		return
	}
	h.d.Log.InfoContext(ctx, "token revoked", "token", t.ID(), "role", t.Role, "by", who(c).Owner,
		"request_id", c.GetString("request_id"))
	c.Status(http.StatusNoContent)
}
