package session

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"net/http"
	"strings"
	"sync"

	"github.com/gin-gonic/gin"
)

// The places a form's CSRF token is looked for: the form field (every form of the
// pages has it, hidden) and the header (for a script's fetch).
const (
	FieldName  = "csrf_token"
	HeaderName = "X-CSRF-Token"
)

// CSRFCookieName is the cookie of the anonymous forms' double-submit token.
const CSRFCookieName = "samenspel_csrf"

// CSRFToken is the token the request's forms must carry in the hidden field
// FieldName: the session's own when signed in; otherwise that of a signed
// double-submit cookie, which it sets when the request has no valid one. Call it
// before the response's body is written. It is "" only when Middleware is not
// installed or the Store cannot give the signing key; a form then fails to post.
func CSRFToken(c *gin.Context) string {
	if s, ok := Current(c); ok {
		return s.csrf
	}
	if v, ok := c.Get(anonKey); ok {
		return v.(string)
	}
	m, ok := manager(c)
	if !ok {
		return ""
	}
	key, err := m.keyCache.get(c.Request.Context(), m.store)
	if err != nil {
		return ""
	}
	if ck, err := c.Request.Cookie(CSRFCookieName); err == nil && validAnonymous(key, ck.Value) {
		c.Set(anonKey, ck.Value)
		return ck.Value
	}
	token := signAnonymous(key, newSecret())
	m.setCookie(c, CSRFCookieName, token)
	c.Set(anonKey, token)
	return token
}

// RequireCSRF refuses, with Options.Refused (403), every request that may change
// something (any method but GET, HEAD, OPTIONS and TRACE) unless it comes from
// the same origin (http.CrossOriginProtection: Sec-Fetch-Site, or Origin against
// Host) and carries the right CSRF token in the form field FieldName or the
// header HeaderName: the session's token when signed in, else the value of a
// validly signed CSRF cookie. Install it after Middleware, on every route of the
// pages that takes a form; without Middleware it refuses every such request.
func RequireCSRF() gin.HandlerFunc {
	return func(c *gin.Context) {
		switch c.Request.Method {
		case http.MethodGet, http.MethodHead, http.MethodOptions, http.MethodTrace:
			c.Next()
			return
		}
		m, ok := manager(c)
		if !ok {
			c.AbortWithStatus(http.StatusForbidden)
			return
		}
		if m.origin.Check(c.Request) != nil || !m.validCSRF(c, submitted(c)) {
			m.refused(c)
			c.Abort()
			return
		}
		c.Next()
	}
}

// CheckCSRF reports whether the request that changes something comes from the
// same origin and carries token, the request's CSRF token: RequireCSRF's test, for
// pages that read the token from a form field of their own. Without Middleware it
// is false.
func CheckCSRF(c *gin.Context, token string) bool {
	m, ok := manager(c)
	return ok && m.origin.Check(c.Request) == nil && m.validCSRF(c, token)
}

// submitted is the CSRF token a request carries: the header's, else the form's.
func submitted(c *gin.Context) string {
	if v := c.GetHeader(HeaderName); v != "" {
		return v
	}
	return c.PostForm(FieldName)
}

// validCSRF reports whether got is the request's CSRF token.
func (m *Manager) validCSRF(c *gin.Context, got string) bool {
	if got == "" {
		return false
	}
	if s, ok := Current(c); ok {
		return subtle.ConstantTimeCompare([]byte(got), []byte(s.csrf)) == 1
	}
	ck, err := c.Request.Cookie(CSRFCookieName)
	if err != nil {
		return false
	}
	key, err := m.keyCache.get(c.Request.Context(), m.store)
	return err == nil && validAnonymous(key, ck.Value) && subtle.ConstantTimeCompare([]byte(got), []byte(ck.Value)) == 1
}

// signAnonymous is an anonymous form's token: a random nonce and its HMAC under
// key, so that a cookie a sibling site planted, which cannot carry a valid
// signature, is refused.
func signAnonymous(key []byte, nonce string) string {
	return nonce + "." + base64.RawURLEncoding.EncodeToString(mac(key, nonce))
}

// validAnonymous reports whether token is one signAnonymous made under key.
func validAnonymous(key []byte, token string) bool {
	nonce, sig, ok := strings.Cut(token, ".")
	if !ok || !validSecret(nonce) {
		return false
	}
	got, err := base64.RawURLEncoding.DecodeString(sig)
	return err == nil && hmac.Equal(got, mac(key, nonce))
}

func mac(key []byte, nonce string) []byte {
	h := hmac.New(sha256.New, key)
	h.Write([]byte("samenspel csrf " + nonce))
	return h.Sum(nil)
}

// keyCache holds a Store's signing key once read: the key never changes.
type keyCache struct {
	mu  sync.Mutex
	key []byte
}

func (k *keyCache) get(ctx context.Context, st Store) ([]byte, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.key != nil {
		return k.key, nil
	}
	key, err := st.Key(ctx)
	if err != nil {
		return nil, err
	}
	k.key = key
	return key, nil
}
