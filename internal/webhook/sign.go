package webhook

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Headers of a delivery.
const (
	// SignatureHeader carries "t=<unix seconds>,v1=<hex HMAC-SHA256>".
	SignatureHeader = "Samenspel-Signature"
	// IdempotencyHeader names the notification delivered; a delivery tried again
	// carries the same value, so a receiver can drop what it already has.
	IdempotencyHeader = "Idempotency-Key"
)

// secretPrefix marks a webhook secret, so that a leaked one is easy to recognise.
const secretPrefix = "whsec_"

// NewSecret returns a new random signing secret: "whsec_" and 32 random bytes,
// base64url-encoded.
func NewSecret() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("webhook: new secret: %w", err)
	}
	return secretPrefix + base64.RawURLEncoding.EncodeToString(b), nil
}

// Sign returns the SignatureHeader value for body sent at t: the HMAC-SHA256 of
// "<unix seconds>.<body>" keyed with secret (its bytes as shown), in hex.
func Sign(secret string, t time.Time, body []byte) string {
	ts := strconv.FormatInt(t.Unix(), 10)
	return "t=" + ts + ",v1=" + hex.EncodeToString(mac(secret, ts, body))
}

func mac(secret, ts string, body []byte) []byte {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(ts))
	m.Write([]byte{'.'})
	m.Write(body)
	return m.Sum(nil)
}

// Errors of Verify.
var (
	// ErrSignature is a delivery whose signature is missing, malformed or does not
	// match its body.
	ErrSignature = errors.New("webhook: signature does not match")
	// ErrTimestamp is a delivery signed too long before or after now: perhaps a
	// replay.
	ErrTimestamp = errors.New("webhook: signature timestamp outside the tolerance")
)

// Verify checks a delivery for a receiver: header is its SignatureHeader, body
// the raw request body (before any JSON decoding), now the receiver's clock. It
// returns nil when one v1 signature matches (compared in constant time) and the
// timestamp lies within tolerance of now (no check when tolerance ≤ 0); a few
// minutes suits most clocks. Receivers may copy it: it needs only the standard
// library.
func Verify(secret, header string, body []byte, now time.Time, tolerance time.Duration) error {
	var ts string
	var sigs [][]byte
	for part := range strings.SplitSeq(header, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok {
			continue
		}
		switch k {
		case "t":
			if ts != "" {
				return ErrSignature
			}
			ts = v
		case "v1":
			if sig, err := hex.DecodeString(v); err == nil {
				sigs = append(sigs, sig)
			}
		}
	}
	unix, err := strconv.ParseInt(ts, 10, 64)
	if err != nil || len(sigs) == 0 {
		return ErrSignature
	}
	want := mac(secret, ts, body)
	ok := false
	for _, sig := range sigs {
		if hmac.Equal(sig, want) {
			ok = true
		}
	}
	if !ok {
		return ErrSignature
	}
	if tolerance > 0 {
		if d := now.Sub(time.Unix(unix, 0)); d > tolerance || d < -tolerance {
			return ErrTimestamp
		}
	}
	return nil
}
