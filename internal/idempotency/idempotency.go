// Package idempotency lets a client retry a request that must not be done twice
// (a registration) and get the first answer again: the Idempotency-Key header of
// draft-ietf-httpapi-idempotency-key-header. It sits between the API, which asks
// it to parse a key, name a request and seal an answer, and the store, which keeps
// the sealed answer under the name.
//
// It owns one decision: a stored answer is readable only by whoever holds the key.
// The first answer of a registration carries the partner's token, and the store
// keeps only its hash; a copy of the store must not give the token away through
// the answers either. So an answer is sealed (AES-256-GCM) under a key derived
// (HKDF-SHA-256) from the idempotency key itself, and stored under a digest of it
// (ID) that does not lead back to the key. The request's fingerprint is keyed the
// same way, so that it says nothing of the body to anyone without the key. The key
// must be unguessable for this to hold, as the draft asks of it anyway (a UUID).
//
// It never stores, logs or returns the key, and keeps no state.
package idempotency

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Header is the request header that carries the key.
const Header = "Idempotency-Key"

// Lifetime is how long a first answer is kept for retries.
const Lifetime = 24 * time.Hour

// MaxKeyLength is the longest key accepted, in bytes.
const MaxKeyLength = 255

// Key is a parsed Idempotency-Key in the scope of the route it came with.
type Key struct {
	scope, value string
}

// Parse reads the value of an Idempotency-Key header sent to the route named by
// scope (e.g. "POST /v1/profiles"): a structured-field string ("..." with \" and
// \\ escapes) as the draft has it, or, as many clients send it, the bare key. A
// key is 1 to 255 printable ASCII characters, and a bare one has no spaces.
func Parse(scope, header string) (Key, error) {
	v := header
	if strings.HasPrefix(header, `"`) {
		var err error
		if v, err = unquote(header); err != nil {
			return Key{}, err
		}
	} else if strings.ContainsAny(header, ` "\`) {
		return Key{}, errors.New(`must be a string ("..."), or a key without spaces or quotes`)
	}
	switch {
	case v == "":
		return Key{}, errors.New("must not be empty")
	case len(v) > MaxKeyLength:
		return Key{}, fmt.Errorf("must be at most %d characters", MaxKeyLength)
	}
	for i := 0; i < len(v); i++ {
		if v[i] < 0x20 || v[i] > 0x7e {
			return Key{}, errors.New("must be printable ASCII")
		}
	}
	return Key{scope: scope, value: v}, nil
}

// unquote reads a structured-field string (RFC 8941 §3.3.3).
func unquote(s string) (string, error) {
	var b strings.Builder
	for i := 1; i < len(s); i++ {
		switch c := s[i]; c {
		case '\\':
			i++
			if i >= len(s) || (s[i] != '"' && s[i] != '\\') {
				return "", errors.New(`has a \ that escapes neither " nor \`)
			}
			b.WriteByte(s[i])
		case '"':
			if i != len(s)-1 {
				return "", errors.New("has data after its closing quote")
			}
			return b.String(), nil
		default:
			b.WriteByte(c)
		}
	}
	return "", errors.New("has no closing quote")
}

// ID is the name the answer to k is stored under: a digest of the scope and the
// key, from which neither the key nor the sealing key can be found.
func (k Key) ID() string {
	h := sha256.New()
	h.Write([]byte("samenspel idempotency id v1\x00" + k.scope + "\x00" + k.value))
	return hex.EncodeToString(h.Sum(nil))
}

// derive is a key for purpose, derived from k.
func (k Key) derive(purpose string) []byte {
	key, err := hkdf.Key(sha256.New, []byte(k.value), nil, "samenspel idempotency "+purpose+" v1\x00"+k.scope, 32)
	if err != nil {
		panic(err) // only for a length SHA-256 cannot give; 32 bytes it always can
	}
	return key
}

// Fingerprint identifies the request body sent with k, so that a retry is told
// from another request under the same key: an HMAC of the body under a key
// derived from k.
func (k Key) Fingerprint(body []byte) string {
	m := hmac.New(sha256.New, k.derive("fingerprint"))
	m.Write(body)
	return hex.EncodeToString(m.Sum(nil))
}

// SameRequest reports whether fingerprint is that of body sent with k.
func (k Key) SameRequest(fingerprint string, body []byte) bool {
	return hmac.Equal([]byte(fingerprint), []byte(k.Fingerprint(body)))
}

// Answer is the first answer to a request, as a retry gets it again.
type Answer struct {
	Status   int    `json:"status"`
	Location string `json:"location,omitempty"`
	// Body is the answer's JSON body.
	Body json.RawMessage `json:"body"`
}

// Seal encrypts a for the store: only k opens it, and only under k's ID.
func (k Key) Seal(a Answer) ([]byte, error) {
	plain, err := json.Marshal(a)
	if err != nil {
		return nil, fmt.Errorf("idempotency: seal: %w", err)
	}
	aead, err := k.aead()
	if err != nil {
		return nil, err
	}
	nonce := make([]byte, aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return nil, fmt.Errorf("idempotency: seal: %w", err)
	}
	return aead.Seal(nonce, nonce, plain, []byte(k.ID())), nil
}

// Open decrypts an answer Seal made with k. It fails for an answer sealed with
// another key or changed since.
func (k Key) Open(sealed []byte) (Answer, error) {
	aead, err := k.aead()
	if err != nil {
		return Answer{}, err
	}
	if len(sealed) < aead.NonceSize() {
		return Answer{}, errors.New("idempotency: open: too short")
	}
	nonce, box := sealed[:aead.NonceSize()], sealed[aead.NonceSize():]
	plain, err := aead.Open(nil, nonce, box, []byte(k.ID()))
	if err != nil {
		return Answer{}, fmt.Errorf("idempotency: open: %w", err)
	}
	var a Answer
	if err := json.Unmarshal(plain, &a); err != nil {
		return Answer{}, fmt.Errorf("idempotency: open: %w", err)
	}
	return a, nil
}

func (k Key) aead() (cipher.AEAD, error) {
	block, err := aes.NewCipher(k.derive("seal"))
	if err != nil {
		return nil, fmt.Errorf("idempotency: %w", err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, fmt.Errorf("idempotency: %w", err)
	}
	return aead, nil
}
