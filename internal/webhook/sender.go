package webhook

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strconv"
	"time"
)

// Limits of a delivery.
const (
	// Timeout bounds one delivery, from dialling to the end of the answer.
	Timeout = 5 * time.Second
	// MaxAnswer is how much of a receiver's answer is read; the rest is dropped.
	MaxAnswer = 64 << 10
	// DefaultMaxAttempts is how many deliveries of a notification are tried before
	// the Sender gives up on it: with one pass after each nightly recompute, five
	// nights.
	DefaultMaxAttempts = 5
)

// EventType is the type of every delivery's body.
const EventType = "coalition.suggested"

// Store is what the Sender reads and writes; both stores implement it.
type Store interface {
	// Undelivered returns the undelivered notifications tried fewer than
	// maxAttempts times, oldest first, at most limit (all when limit ≤ 0).
	Undelivered(ctx context.Context, maxAttempts, limit int) ([]Notification, error)
	Webhook(ctx context.Context, profile string) (Webhook, error)
	MarkDelivered(ctx context.Context, id int64, now time.Time) error
	MarkAttempt(ctx context.Context, id int64) error
}

// Event is the JSON body of a delivery: the partner appears in the suggestions of
// tender, in a coalition ranked rank at best, since run.
type Event struct {
	Type string `json:"type"`
	// ID is the notification's, as in the IdempotencyHeader.
	ID      string    `json:"id"`
	Tender  string    `json:"tender"`
	Rank    int       `json:"rank"`
	Run     int64     `json:"run"`
	Created time.Time `json:"created"`
}

// Sender delivers notifications to partners' webhooks. It is safe for concurrent
// use, though one pass at a time is the intent.
type Sender struct {
	st          Store
	log         *slog.Logger
	policy      Policy
	now         func() time.Time
	maxAttempts int
	client      *http.Client
}

// Option configures a Sender.
type Option func(*Sender)

// WithPolicy sets the URLs and addresses the Sender may reach (the zero Policy,
// the strict one, by default). Tests allow http and loopback here.
func WithPolicy(p Policy) Option { return func(s *Sender) { s.policy = p } }

// WithClock sets the clock that signs deliveries and stamps them delivered
// (time.Now by default).
func WithClock(now func() time.Time) Option { return func(s *Sender) { s.now = now } }

// WithMaxAttempts sets how many deliveries of a notification are tried
// (DefaultMaxAttempts by default; at least 1).
func WithMaxAttempts(n int) Option { return func(s *Sender) { s.maxAttempts = max(1, n) } }

// NewSender returns a Sender that delivers the notifications of st.
func NewSender(st Store, log *slog.Logger, opts ...Option) *Sender {
	s := &Sender{st: st, log: log, now: time.Now, maxAttempts: DefaultMaxAttempts}
	for _, opt := range opts {
		opt(s)
	}
	s.client = newClient(s.policy.allow)
	return s
}

// newClient is an HTTP client that dials only addresses allow accepts, checked on
// the address dialled, uses no proxy (a proxy would dial for it), follows no
// redirect and gives up after Timeout.
func newClient(allow func(netip.Addr) bool) *http.Client {
	dialer := &net.Dialer{Timeout: Timeout, Control: dialControl(allow)}
	return &http.Client{
		Timeout: Timeout,
		Transport: &http.Transport{
			Proxy:                 nil,
			DialContext:           dialer.DialContext,
			TLSClientConfig:       &tls.Config{MinVersion: tls.VersionTLS12},
			TLSHandshakeTimeout:   Timeout,
			ResponseHeaderTimeout: Timeout,
			MaxIdleConns:          16,
			IdleConnTimeout:       30 * time.Second,
			ForceAttemptHTTP2:     true,
		},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// Deliver makes one pass over the undelivered notifications, oldest first: each
// one whose partner has a webhook, and that has been tried fewer than the maximum
// times, is POSTed; a 2xx answer marks it delivered, anything else counts an
// attempt. After a partner's receiver fails, the rest of that partner's
// notifications wait for the next pass. Notifications of partners without a
// webhook stay undelivered (they are listed in GET /v1/me/notifications, and a
// webhook set later receives them).
//
// It returns how many were delivered and how many attempts failed; err is a store
// error or ctx's, which end the pass early.
func (s *Sender) Deliver(ctx context.Context) (sent, failed int, err error) {
	// The store leaves out those tried maxAttempts times: given up, never read again.
	ns, err := s.st.Undelivered(ctx, s.maxAttempts, 0)
	if err != nil {
		return 0, 0, fmt.Errorf("webhook: deliver: %w", err)
	}
	hooks := map[string]*Webhook{} // nil: the partner has none
	down := map[string]bool{}      // partners whose receiver failed in this pass
	for _, n := range ns {
		if err := ctx.Err(); err != nil {
			return sent, failed, fmt.Errorf("webhook: deliver: %w", err)
		}
		if down[n.Profile] {
			continue
		}
		hook, ok := hooks[n.Profile]
		if !ok {
			w, err := s.st.Webhook(ctx, n.Profile)
			switch {
			case err == nil:
				hook = &w
			case !errors.Is(err, ErrNotFound):
				return sent, failed, fmt.Errorf("webhook: deliver: %w", err)
			}
			hooks[n.Profile] = hook
		}
		if hook == nil {
			continue
		}
		perr := s.post(ctx, *hook, n)
		if perr == nil {
			if err := s.st.MarkDelivered(ctx, n.ID, s.now()); err != nil {
				return sent, failed, fmt.Errorf("webhook: deliver: %w", err)
			}
			sent++
			continue
		}
		if err := ctx.Err(); err != nil {
			// Our pass ended, not the receiver's fault: no attempt is counted.
			return sent, failed, fmt.Errorf("webhook: deliver: %w", err)
		}
		failed++
		down[n.Profile] = true
		s.log.WarnContext(ctx, "webhook delivery failed", "notification", n.ID, "profile", n.Profile,
			"attempt", n.Attempts+1, "max_attempts", s.maxAttempts, "err", perr)
		if err := s.st.MarkAttempt(ctx, n.ID); err != nil {
			return sent, failed, fmt.Errorf("webhook: deliver: %w", err)
		}
	}
	return sent, failed, nil
}

// post delivers n to hook once. Its error never carries the URL or the secret.
func (s *Sender) post(ctx context.Context, hook Webhook, n Notification) error {
	u, err := url.Parse(hook.URL)
	if err != nil || !(u.Scheme == "https" || u.Scheme == "http" && s.policy.AllowHTTP) {
		return errors.New("the stored url is no longer accepted")
	}
	key := "ntf-" + strconv.FormatInt(n.ID, 10)
	body, err := json.Marshal(Event{Type: EventType, ID: key, Tender: n.Tender, Rank: n.Rank, Run: n.Run, Created: n.Created.UTC()})
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u.String(), bytes.NewReader(body))
	if err != nil {
		return errors.New("the stored url is no longer accepted")
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "Samenspel-Webhook/1")
	req.Header.Set(SignatureHeader, Sign(hook.Secret, s.now(), body))
	req.Header.Set(IdempotencyHeader, key)
	resp, err := s.client.Do(req)
	if err != nil {
		var uerr *url.Error
		if errors.As(err, &uerr) {
			err = uerr.Err // without the URL
		}
		return err
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, MaxAnswer))
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return fmt.Errorf("the receiver answered %d", resp.StatusCode)
	}
	return nil
}
