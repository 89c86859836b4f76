package idempotency

import (
	"errors"
	"time"
)

// ErrNotFound is returned by a store when no answer (or no unexpired one) is
// stored under a key.
var ErrNotFound = errors.New("idempotency: no answer stored")

// ErrKeyUsed is returned by a store when a registration comes with an idempotency
// key whose answer is already stored (and not expired): the caller answers with
// that one.
var ErrKeyUsed = errors.New("idempotency: key already used")

// Stored is the stored first answer to a registration made with an
// Idempotency-Key, which a retry with the same key gets again until Expires.
// A store keeps it as given and never reads Sealed: the caller seals the answer
// (it carries the partner's token) so that only the holder of the key can open
// it, and names it by a digest of the key, never the key itself.
type Stored struct {
	// Key is the digest of the idempotency key that names the answer.
	Key string
	// Fingerprint identifies the request that got the answer, so that the same
	// key with another request is told apart.
	Fingerprint string
	// Sealed is the answer, sealed by the caller.
	Sealed []byte
	// Profile is the id of the profile the registration stored: the answer goes
	// when the profile does.
	Profile string
	// Created is when the answer was given; Expires when a retry no longer gets it.
	Created, Expires time.Time
}
