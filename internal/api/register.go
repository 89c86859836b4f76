package api

import (
	"encoding/json"
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"

	"samenspel/internal/auth"
	"samenspel/internal/idempotency"
	"samenspel/internal/profiles"
)

// registerScope names the route an Idempotency-Key of a registration belongs to.
const registerScope = "POST /v1/profiles"

// errKeyReused is an Idempotency-Key sent again with another request body: 422,
// as draft-ietf-httpapi-idempotency-key-header has it.
var errKeyReused = &profiles.ValidationError{Errors: []profiles.FieldError{{Field: idempotency.Header,
	Message: "was used with another request body; a new request needs a new key"}}}

// registerProfile is POST /v1/profiles: anyone may register a partner; the answer
// carries the partner's token, shown once. The profile and its token are stored
// in one transaction. With an Idempotency-Key, the first 201 is kept (sealed, for
// a day) and a retry with the same key and body gets it again, token and all,
// instead of 409; the same key with another body is refused.
func (h *handlers) registerProfile(c *gin.Context) {
	ctx := c.Request.Context()
	var key *idempotency.Key
	switch vs := c.Request.Header.Values(idempotency.Header); len(vs) {
	case 0:
	case 1:
		k, err := idempotency.Parse(registerScope, vs[0])
		if err != nil {
			fail(c, badParam("the Idempotency-Key header cannot be read", idempotency.Header, err.Error()))
			return
		}
		key = &k
	default:
		fail(c, badParam("the Idempotency-Key header cannot be read", idempotency.Header, "must be given once"))
		return
	}
	b, err := body(c)
	if err != nil {
		fail(c, err)
		return
	}
	if key != nil && h.replay(c, *key, b) {
		return
	}
	p, err := h.decodeProfile(b)
	if err != nil {
		fail(c, err)
		return
	}
	secret, err := auth.NewSecret()
	if err != nil {
		fail(c, err)
		return
	}
	now := h.d.Now()
	tok := auth.Token{Hash: auth.Hash(secret), Role: auth.RolePartner, Name: p.Name, Profile: p.ID, Created: now}
	answer := idempotency.Answer{Status: http.StatusCreated, Location: "/v1/profiles/" + p.ID}
	answer.Body, err = json.Marshal(gin.H{"profile": profileView(p, principal{Role: auth.RolePartner, Profile: p.ID}), "token": secret})
	if err != nil {
		fail(c, err)
		return
	}
	var kept *idempotency.Stored
	if key != nil {
		sealed, err := key.Seal(answer)
		if err != nil {
			fail(c, err)
			return
		}
		kept = &idempotency.Stored{Key: key.ID(), Fingerprint: key.Fingerprint(b), Sealed: sealed,
			Created: now, Expires: now.Add(idempotency.Lifetime)}
	}
	err = h.d.Store.CreateProfileWithToken(ctx, p, tok, kept)
	if errors.Is(err, idempotency.ErrKeyUsed) && h.replay(c, *key, b) {
		return // a request with the same key got in first
	}
	if err != nil {
		fail(c, err)
		return
	}
	writeAnswer(c, answer)
}

// replay answers a request made with key from the answer stored under it, if
// there is one: the first answer again when the body is the same, 422 when it is
// not. It reports whether it wrote the response.
func (h *handlers) replay(c *gin.Context, key idempotency.Key, body []byte) bool {
	kept, err := h.d.Store.IdempotentAnswer(c.Request.Context(), key.ID(), h.d.Now())
	if errors.Is(err, idempotency.ErrNotFound) {
		return false
	}
	if err != nil {
		fail(c, err)
		return true
	}
	if !key.SameRequest(kept.Fingerprint, body) {
		fail(c, errKeyReused)
		return true
	}
	answer, err := key.Open(kept.Sealed)
	if err != nil {
		fail(c, err)
		return true
	}
	c.Header("Idempotent-Replayed", "true")
	writeAnswer(c, answer)
	return true
}

// writeAnswer writes a registration's answer: it carries a token, so no cache
// may keep it.
func writeAnswer(c *gin.Context, a idempotency.Answer) {
	noStore(c)
	if a.Location != "" {
		c.Header("Location", a.Location)
	}
	c.Data(a.Status, "application/json; charset=utf-8", a.Body)
}

// noStore tells every cache not to keep the answer: it carries a token, a secret,
// or a profile's contact or private fields.
func noStore(c *gin.Context) { c.Header("Cache-Control", "no-store") }
