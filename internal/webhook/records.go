package webhook

import (
	"errors"
	"time"
)

// ErrNotFound is returned by a store when a partner has no webhook, or there is no
// such notification.
var ErrNotFound = errors.New("webhook: not found")

// Notification tells a partner that it appears in a tender's suggestions: recorded
// once per partner and tender, by the run that first suggested it, whatever later
// runs suggest. The webhook sender delivers it (Undelivered, MarkAttempt,
// MarkDelivered); GET /v1/me/notifications lists it.
type Notification struct {
	ID      int64
	Profile string
	Tender  string
	// Run is the job run that first suggested the partner for the tender.
	Run     int64
	Created time.Time
	// Rank is the best rank of a coalition the partner was in (1 is the best).
	Rank int
	// Delivered is when the webhook sender delivered it; zero while it has not.
	Delivered time.Time
	// Attempts counts the deliveries tried.
	Attempts int
}

// Webhook is where a partner wants its notifications delivered (the Sender),
// with the secret that signs them. The secret is kept as is, since signing needs
// it: the API shows it once, when the webhook is set, and never again.
type Webhook struct {
	Profile string
	URL     string
	Secret  string
	Created time.Time
}
