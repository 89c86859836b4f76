// Package webhook delivers partners' notifications to the URLs they registered
// (PUT /v1/me/webhook): after each nightly recompute, the scheduler calls
// Sender.Deliver, which POSTs every undelivered notification of a partner with a
// webhook, signed with the partner's secret, and records in the store whether it
// arrived.
//
// A webhook URL is chosen by a partner, so the service must not become a way to
// reach what only it can reach: CheckURL refuses, when a URL is set, hosts that are
// or resolve to loopback, private, link-local, multicast, shared (CGNAT) and other
// non-public addresses, and the Sender's dialer refuses them again at dial time, on
// the address actually dialled, so that a name that resolves elsewhere later (DNS
// rebinding) gains nothing. It follows no redirects, waits at most 5 s and reads at
// most 64 KiB of an answer.
//
// The signature scheme, for receivers: every delivery carries
//
//	Samenspel-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">
//
// keyed with the secret exactly as shown when the webhook was set, and an
// Idempotency-Key header that stays the same when a delivery is tried again.
// Verify checks a delivery and is meant to be copied.
//
// It sits between internal/store (notifications, webhooks) and the scheduler,
// which owns the Sender's calls; internal/api uses CheckURL and NewSecret. It never
// logs a secret, a URL (its query may hold the receiver's own key) or a body.
package webhook
