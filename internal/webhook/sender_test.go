package webhook_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"samenspel/internal/webhook"
)

var clock = time.Date(2026, 3, 2, 6, 0, 0, 0, time.UTC)

// memStore is the Sender's store in memory.
type memStore struct {
	mu    sync.Mutex
	ns    []webhook.Notification
	hooks map[string]webhook.Webhook
	// asked has the maxAttempts of every Undelivered.
	asked []int
}

func (m *memStore) Undelivered(_ context.Context, maxAttempts, limit int) ([]webhook.Notification, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.asked = append(m.asked, maxAttempts)
	var out []webhook.Notification
	for _, n := range m.ns {
		if n.Delivered.IsZero() && (maxAttempts <= 0 || n.Attempts < maxAttempts) && (limit <= 0 || len(out) < limit) {
			out = append(out, n)
		}
	}
	return out, nil
}

func (m *memStore) Webhook(_ context.Context, profile string) (webhook.Webhook, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	w, ok := m.hooks[profile]
	if !ok {
		return webhook.Webhook{}, webhook.ErrNotFound
	}
	return w, nil
}

func (m *memStore) update(id int64, f func(*webhook.Notification)) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	for i := range m.ns {
		if m.ns[i].ID == id {
			f(&m.ns[i])
			return nil
		}
	}
	return webhook.ErrNotFound
}

func (m *memStore) MarkDelivered(_ context.Context, id int64, now time.Time) error {
	return m.update(id, func(n *webhook.Notification) { n.Delivered = now })
}

func (m *memStore) MarkAttempt(_ context.Context, id int64) error {
	return m.update(id, func(n *webhook.Notification) { n.Attempts++ })
}

func (m *memStore) get(id int64) webhook.Notification {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, n := range m.ns {
		if n.ID == id {
			return n
		}
	}
	return webhook.Notification{}
}

// receiver is a partner's endpoint that checks signatures as a receiver would.
type receiver struct {
	srv    *httptest.Server
	secret string
	mu     sync.Mutex
	got    []webhook.Event
	keys   []string
	bad    int // deliveries whose signature did not verify
	status atomic.Int32
}

func newReceiver(t *testing.T, secret string) *receiver {
	r := &receiver{secret: secret}
	r.status.Store(http.StatusNoContent)
	r.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		r.mu.Lock()
		defer r.mu.Unlock()
		if err := webhook.Verify(r.secret, req.Header.Get(webhook.SignatureHeader), body, clock, 5*time.Minute); err != nil {
			r.bad++
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		var ev webhook.Event
		json.Unmarshal(body, &ev)
		r.got = append(r.got, ev)
		r.keys = append(r.keys, req.Header.Get(webhook.IdempotencyHeader))
		w.WriteHeader(int(r.status.Load()))
	}))
	t.Cleanup(r.srv.Close)
	return r
}

func (r *receiver) count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.got) + r.bad
}

// testPolicy lets the Sender reach httptest receivers: http, and loopback.
var testPolicy = webhook.Policy{AllowHTTP: true, AllowAddr: func(a netip.Addr) bool { return a.IsLoopback() }}

func TestDeliver(t *testing.T) {
	ctx := context.Background()
	ok := newReceiver(t, "whsec_ok")
	down := newReceiver(t, "whsec_down")
	down.status.Store(http.StatusServiceUnavailable)
	created := clock.Add(-time.Hour)
	st := &memStore{
		ns: []webhook.Notification{
			{ID: 1, Profile: "buurtkamer", Tender: "t1", Run: 7, Created: created, Rank: 2},
			{ID: 2, Profile: "wijkteam", Tender: "t1", Run: 7, Created: created, Rank: 1},
			{ID: 3, Profile: "zonder-webhook", Tender: "t1", Run: 7, Created: created, Rank: 3},
			{ID: 4, Profile: "buurtkamer", Tender: "t2", Run: 7, Created: created, Rank: 1},
			{ID: 5, Profile: "wijkteam", Tender: "t2", Run: 7, Created: created, Rank: 4},
		},
		hooks: map[string]webhook.Webhook{
			"buurtkamer": {Profile: "buurtkamer", URL: ok.srv.URL + "/hook?key=CANARY-QUERY", Secret: "whsec_ok"},
			"wijkteam":   {Profile: "wijkteam", URL: down.srv.URL + "/hook", Secret: "whsec_down"},
		},
	}
	var logs bytes.Buffer
	s := webhook.NewSender(st, slog.New(slog.NewTextHandler(&logs, nil)), webhook.WithPolicy(testPolicy),
		webhook.WithClock(func() time.Time { return clock }), webhook.WithMaxAttempts(3))

	sent, failed, err := s.Deliver(ctx)
	if err != nil || sent != 2 || failed != 1 {
		t.Fatalf("first Deliver = %d sent, %d failed, %v; want 2, 1, nil", sent, failed, err)
	}
	want := []webhook.Event{
		{Type: "coalition.suggested", ID: "ntf-1", Tender: "t1", Rank: 2, Run: 7, Created: created},
		{Type: "coalition.suggested", ID: "ntf-4", Tender: "t2", Rank: 1, Run: 7, Created: created},
	}
	if diff := cmp.Diff(want, ok.got); diff != "" || ok.bad != 0 {
		t.Errorf("the receiver got (-want +got), %d badly signed:\n%s", ok.bad, diff)
	}
	if !slices.Equal(ok.keys, []string{"ntf-1", "ntf-4"}) {
		t.Errorf("idempotency keys = %v, want ntf-1, ntf-4", ok.keys)
	}
	for id, wantDelivered := range map[int64]bool{1: true, 4: true, 2: false, 3: false, 5: false} {
		if n := st.get(id); !n.Delivered.IsZero() != wantDelivered || (wantDelivered && !n.Delivered.Equal(clock)) {
			t.Errorf("notification %d delivered %v, want %v", id, n.Delivered, wantDelivered)
		}
	}
	// The failing receiver was tried once in the pass: its second notification waits.
	if a2, a5 := st.get(2).Attempts, st.get(5).Attempts; a2 != 1 || a5 != 0 {
		t.Errorf("attempts after one pass: notification 2 %d, 5 %d; want 1, 0", a2, a5)
	}

	// Two more passes reach the maximum of 3 attempts; a fourth tries nothing of 2.
	for range 2 {
		if sent, failed, err := s.Deliver(ctx); sent != 0 || failed != 1 || err != nil {
			t.Fatalf("Deliver with the receiver down = %d, %d, %v; want 0, 1, nil", sent, failed, err)
		}
	}
	if a := st.get(2).Attempts; a != 3 {
		t.Errorf("attempts of notification 2 = %d, want 3", a)
	}
	before := down.count()
	down.status.Store(http.StatusOK)
	sent, failed, err = s.Deliver(ctx)
	if err != nil || sent != 1 || failed != 0 || down.count() != before+1 {
		t.Errorf("Deliver after giving up on 2 = %d, %d, %v (%d new requests); want only 5 delivered", sent, failed, err, down.count()-before)
	}
	if !st.get(2).Delivered.IsZero() || st.get(5).Delivered.IsZero() {
		t.Errorf("after recovery: 2 delivered %v, 5 delivered %v; want 2 given up, 5 delivered", st.get(2).Delivered, st.get(5).Delivered)
	}
	// The store, not the Sender, leaves out the given-up ones: every pass asks for
	// those tried fewer than the Sender's maximum only.
	st.mu.Lock()
	asked := slices.Clone(st.asked)
	st.mu.Unlock()
	if len(asked) != 4 || slices.ContainsFunc(asked, func(n int) bool { return n != 3 }) {
		t.Errorf("Undelivered was asked with maxAttempts %v, want 3 in each of the 4 passes", asked)
	}
	for _, secret := range []string{"whsec_ok", "whsec_down", "CANARY-QUERY"} {
		if strings.Contains(logs.String(), secret) {
			t.Errorf("the log carries %q:\n%s", secret, logs.String())
		}
	}
}

// TestDeliverFollowsNoRedirect: a 3xx answer is a failed attempt, and its Location
// is not requested.
func TestDeliverFollowsNoRedirect(t *testing.T) {
	var followed atomic.Int32
	target := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { followed.Add(1) }))
	defer target.Close()
	redirect := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, target.URL+"/internal", http.StatusTemporaryRedirect)
	}))
	defer redirect.Close()
	st := &memStore{
		ns:    []webhook.Notification{{ID: 1, Profile: "p", Tender: "t", Run: 1, Created: clock, Rank: 1}},
		hooks: map[string]webhook.Webhook{"p": {Profile: "p", URL: redirect.URL, Secret: "whsec_x"}},
	}
	s := webhook.NewSender(st, slog.New(slog.NewTextHandler(io.Discard, nil)), webhook.WithPolicy(testPolicy))
	sent, failed, err := s.Deliver(context.Background())
	if sent != 0 || failed != 1 || err != nil || followed.Load() != 0 || st.get(1).Attempts != 1 {
		t.Errorf("Deliver to a redirect = %d, %d, %v, followed %d times, %d attempts; want 0, 1, nil, not followed, 1 attempt",
			sent, failed, err, followed.Load(), st.get(1).Attempts)
	}
}

// TestDeliverStrictRefusesLoopback: with the strict addresses (http allowed only
// so that the test can name its receiver), nothing reaches a loopback receiver,
// by address or by a name that resolves to it.
func TestDeliverStrictRefusesLoopback(t *testing.T) {
	r := newReceiver(t, "whsec_x")
	port := r.srv.URL[strings.LastIndex(r.srv.URL, ":")+1:]
	st := &memStore{
		ns: []webhook.Notification{
			{ID: 1, Profile: "by-address", Tender: "t", Run: 1, Created: clock, Rank: 1},
			{ID: 2, Profile: "by-name", Tender: "t", Run: 1, Created: clock, Rank: 1},
		},
		hooks: map[string]webhook.Webhook{
			"by-address": {Profile: "by-address", URL: r.srv.URL, Secret: "whsec_x"},
			"by-name":    {Profile: "by-name", URL: "http://localhost:" + port, Secret: "whsec_x"},
		},
	}
	var logs bytes.Buffer
	s := webhook.NewSender(st, slog.New(slog.NewTextHandler(&logs, nil)), webhook.WithPolicy(webhook.Policy{AllowHTTP: true}))
	sent, failed, err := s.Deliver(context.Background())
	if sent != 0 || failed != 2 || err != nil || r.count() != 0 {
		t.Errorf("strict Deliver to loopback = %d, %d, %v, %d requests received; want 0, 2, nil, none", sent, failed, err, r.count())
	}
	if !strings.Contains(logs.String(), "address refused") {
		t.Errorf("the log does not say the address was refused:\n%s", logs.String())
	}
	// And without AllowHTTP, an http URL stored by mistake is not even dialled.
	st.ns[0].Attempts = 0
	s = webhook.NewSender(st, slog.New(slog.NewTextHandler(io.Discard, nil)), webhook.WithPolicy(webhook.Policy{AllowAddr: testPolicy.AllowAddr}))
	if sent, _, _ := s.Deliver(context.Background()); sent != 0 || r.count() != 0 {
		t.Errorf("Deliver over http without AllowHTTP = %d sent, %d received; want none", sent, r.count())
	}
}

// TestDeliverStopsWithItsContext: a pass ended by its context counts no attempt.
func TestDeliverStopsWithItsContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.ReadAll(r.Body) // so that the server notices when the client goes
		cancel()
		select {
		case <-r.Context().Done():
		case <-time.After(2 * webhook.Timeout):
		}
	}))
	defer slow.Close()
	st := &memStore{
		ns:    []webhook.Notification{{ID: 1, Profile: "p", Tender: "t", Run: 1, Created: clock, Rank: 1}},
		hooks: map[string]webhook.Webhook{"p": {Profile: "p", URL: slow.URL, Secret: "whsec_x"}},
	}
	s := webhook.NewSender(st, slog.New(slog.NewTextHandler(io.Discard, nil)), webhook.WithPolicy(testPolicy))
	if _, _, err := s.Deliver(ctx); !errors.Is(err, context.Canceled) || st.get(1).Attempts != 0 {
		t.Errorf("Deliver cancelled = %v with %d attempts; want context.Canceled and none", err, st.get(1).Attempts)
	}
}

func TestVerify(t *testing.T) {
	body := []byte(`{"type":"coalition.suggested","id":"ntf-1","tender":"t1","rank":1,"run":7,"created":"2026-03-02T05:00:00Z"}`)
	header := webhook.Sign("whsec_a", clock, body)
	tampered := bytes.Replace(body, []byte(`"rank":1`), []byte(`"rank":2`), 1)
	other := webhook.Sign("whsec_b", clock, body)
	tests := []struct {
		name   string
		secret string
		header string
		body   []byte
		now    time.Time
		want   error
	}{
		{"valid", "whsec_a", header, body, clock.Add(time.Minute), nil},
		{"tampered body", "whsec_a", header, tampered, clock, webhook.ErrSignature},
		{"wrong secret", "whsec_b", header, body, clock, webhook.ErrSignature},
		{"too old", "whsec_a", header, body, clock.Add(10 * time.Minute), webhook.ErrTimestamp},
		{"from the future", "whsec_a", header, body, clock.Add(-10 * time.Minute), webhook.ErrTimestamp},
		{"tampered timestamp", "whsec_a", strings.Replace(header, "t=", "t=1", 1), body, clock, webhook.ErrSignature},
		{"one of two signatures matches", "whsec_a", other + "," + header[strings.Index(header, "v1="):], body, clock, nil},
		{"no signature", "whsec_a", "t=1772431200", body, clock, webhook.ErrSignature},
		{"empty", "whsec_a", "", body, clock, webhook.ErrSignature},
		{"two timestamps", "whsec_a", "t=1," + header, body, clock, webhook.ErrSignature},
	}
	for _, tc := range tests {
		if err := webhook.Verify(tc.secret, tc.header, tc.body, tc.now, 5*time.Minute); !errors.Is(err, tc.want) {
			t.Errorf("Verify (%s) = %v, want %v", tc.name, err, tc.want)
		}
	}
}

func TestNewSecret(t *testing.T) {
	a, err := webhook.NewSecret()
	b, _ := webhook.NewSecret()
	if err != nil || a == b || !strings.HasPrefix(a, "whsec_") || len(a) != len("whsec_")+43 {
		t.Errorf("NewSecret() = %q, %q, %v; want two different whsec_ secrets of 32 bytes", a, b, err)
	}
}

// ExampleVerify is a receiver: it checks the signature on the raw body before it
// trusts anything in it.
func ExampleVerify() {
	secret := "whsec_shown-once-when-the-webhook-was-set"
	handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		if err != nil || webhook.Verify(secret, r.Header.Get(webhook.SignatureHeader), body, time.Now(), 5*time.Minute) != nil {
			http.Error(w, "bad signature", http.StatusUnauthorized)
			return
		}
		// Drop a delivery already handled: r.Header.Get(webhook.IdempotencyHeader).
		w.WriteHeader(http.StatusNoContent)
	})
	_ = handler
}
