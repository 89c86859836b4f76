package meili

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/meilisearch/meilisearch-go"

	"samenspel/internal/profiles"
)

// DefaultIndexName is the uid of the profiles index.
const DefaultIndexName = "profiles"

// Defaults of the options.
const (
	DefaultRequestTimeout = 5 * time.Second
	DefaultTaskTimeout    = 10 * time.Second
	DefaultRetries        = 4
	defaultBackoff        = 100 * time.Millisecond
	defaultMaxBackoff     = 2 * time.Second
)

// Index is the profile index in Meilisearch. It implements scaled.Index and the writes
// that keep it in step with the durable store. It is safe for concurrent use.
type Index struct {
	client meilisearch.ServiceManager
	index  meilisearch.IndexManager
	uid    string
	tax    *profiles.Taxonomy

	requestTimeout time.Duration
	taskTimeout    time.Duration
	retries        int
	backoff        time.Duration
	maxBackoff     time.Duration
	pollInterval   time.Duration
	httpClient     *http.Client
}

// Option configures an Index.
type Option func(*Index)

// WithIndexName sets the uid of the profiles index (default "profiles"): one
// Meilisearch instance can serve several municipalities, or tests, side by side.
func WithIndexName(uid string) Option { return func(m *Index) { m.uid = uid } }

// WithRequestTimeout bounds each HTTP request (default 5 s). The caller's context
// bounds the whole call, retries included.
func WithRequestTimeout(d time.Duration) Option { return func(m *Index) { m.requestTimeout = d } }

// WithTaskTimeout bounds how long a write waits for its Meilisearch task to finish
// (default 10 s). A write that times out may still become visible later.
func WithTaskTimeout(d time.Duration) Option { return func(m *Index) { m.taskTimeout = d } }

// WithRetries sets how often a request is tried again after a transient failure
// (a network error, 429 or 5xx; default 4), and the first and largest wait between
// tries (default 100 ms, doubling up to 2 s). Zero retries means one try.
func WithRetries(n int, backoff, maxBackoff time.Duration) Option {
	return func(m *Index) { m.retries, m.backoff, m.maxBackoff = n, backoff, maxBackoff }
}

// WithHTTPClient sets the HTTP client (for its transport and TLS settings; its own
// Timeout adds to WithRequestTimeout).
func WithHTTPClient(c *http.Client) Option { return func(m *Index) { m.httpClient = c } }

// withPollInterval sets the first wait between task status requests (tests).
func withPollInterval(d time.Duration) Option { return func(m *Index) { m.pollInterval = d } }

// New returns the index at url, reached with apiKey: the command's scoped key of the
// package comment (SearchKey for the matcher, IndexerKey for the indexer), not the
// master key. tax gives the labels and synonyms of the instruments and themes, and
// the codes filters accept. New makes no request: the indexer calls EnsureIndex at
// the start of each command; the matcher, whose key cannot apply settings, does not.
func New(url, apiKey string, tax *profiles.Taxonomy, opts ...Option) (*Index, error) {
	if url == "" {
		return nil, errors.New("meili: no URL")
	}
	if tax == nil {
		return nil, errors.New("meili: no taxonomy")
	}
	m := &Index{
		uid:            DefaultIndexName,
		tax:            tax,
		requestTimeout: DefaultRequestTimeout,
		taskTimeout:    DefaultTaskTimeout,
		retries:        DefaultRetries,
		backoff:        defaultBackoff,
		maxBackoff:     defaultMaxBackoff,
		pollInterval:   5 * time.Millisecond,
	}
	for _, opt := range opts {
		opt(m)
	}
	if !validIndexUID(m.uid) {
		return nil, fmt.Errorf("meili: index name %q: want 1-400 characters a-z, A-Z, 0-9, '-' and '_'", m.uid)
	}
	if m.requestTimeout <= 0 || m.taskTimeout <= 0 || m.retries < 0 || m.backoff <= 0 || m.maxBackoff < m.backoff {
		return nil, errors.New("meili: timeouts and backoff must be positive, retries not negative")
	}
	// Retries are done here, where a 429 and a network error count too and a 4xx
	// never does; the client's own retries would multiply them.
	copts := []meilisearch.Option{meilisearch.WithAPIKey(apiKey), meilisearch.DisableRetries(),
		meilisearch.WithCustomJsonMarshaler(marshalJSON)}
	if m.httpClient != nil {
		copts = append(copts, meilisearch.WithCustomClient(m.httpClient))
	}
	m.client = meilisearch.New(url, copts...)
	m.index = m.client.Index(m.uid)
	return m, nil
}

// Name returns the uid of the index.
func (m *Index) Name() string { return m.uid }

func validIndexUID(uid string) bool {
	if len(uid) == 0 || len(uid) > 400 {
		return false
	}
	for i := 0; i < len(uid); i++ {
		c := uid[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// call runs one request with the request timeout, trying again after transient
// failures with capped exponential backoff for as long as ctx allows. A 4xx other
// than 429 is the request's fault and is never tried again. It is for requests that
// are safe to repeat: a read, a document upsert, a deletion by id, a settings update
// and an index deletion give the same index however often they are applied. A swap
// is not (two swaps undo each other): Swap uses callWith and rejected.
func (m *Index) call(ctx context.Context, what string, fn func(ctx context.Context) error) error {
	return m.callWith(ctx, what, transient, fn)
}

// callWith is call, trying again only after the failures retry accepts.
func (m *Index) callWith(ctx context.Context, what string, retry func(error) bool, fn func(ctx context.Context) error) error {
	wait := m.backoff
	for attempt := 0; ; attempt++ {
		rctx, cancel := context.WithTimeout(ctx, m.requestTimeout)
		err := fn(rctx)
		cancel()
		if err == nil {
			return nil
		}
		if ctx.Err() != nil {
			return fmt.Errorf("meili: %s: %w", what, ctx.Err())
		}
		if attempt >= m.retries || !retry(err) {
			return convert(what, err)
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return fmt.Errorf("meili: %s: %w (after %v)", what, ctx.Err(), convert(what, err))
		case <-t.C:
		}
		wait = min(2*wait, m.maxBackoff)
	}
}

// transient reports whether a failed request may succeed when tried again: a
// network error, a request timeout, 429 Too Many Requests or a 5xx.
func transient(err error) bool {
	var me *meilisearch.Error
	if !errors.As(err, &me) {
		return false
	}
	switch me.ErrCode {
	case meilisearch.CommunicationError, meilisearch.TimeoutError:
		return true
	}
	return me.StatusCode == http.StatusTooManyRequests || me.StatusCode >= 500
}

// rejected reports whether Meilisearch refused a request without acting on it: 429
// Too Many Requests. Only such a failure may be tried again for a request that is not
// safe to repeat; after a network error, a timeout or a 5xx it may have been
// enqueued.
func rejected(err error) bool {
	var me *meilisearch.Error
	return errors.As(err, &me) && me.StatusCode == http.StatusTooManyRequests
}

// Error is an error Meilisearch reported, for a request or for a task that failed.
type Error struct {
	// Status is the HTTP status of a failed request; 0 for a failed task.
	Status int
	// TaskUID is the task that failed; 0 for a failed request.
	TaskUID int64
	// Code, Type, Message and Link are Meilisearch's error object
	// (https://www.meilisearch.com/docs/reference/errors/overview).
	Code, Type, Message, Link string
	// Op says what this package was doing.
	Op string
}

func (e *Error) Error() string {
	where := fmt.Sprintf("HTTP %d", e.Status)
	if e.TaskUID != 0 || e.Status == 0 {
		where = fmt.Sprintf("task %d failed", e.TaskUID)
	}
	code := e.Code
	if code == "" {
		code = "no error code"
	}
	return fmt.Sprintf("meili: %s: %s: %s: %s", e.Op, where, code, e.Message)
}

// Is makes Meilisearch's document_not_found match profiles.ErrNotFound. A missing index
// does not: that is a deployment fault (EnsureIndex has not run), not a missing
// profile.
func (e *Error) Is(target error) bool {
	return target == profiles.ErrNotFound && e.Code == "document_not_found"
}

// hasCode reports whether err is a Meilisearch error with the given code.
func hasCode(err error, code string) bool {
	var e *Error
	return errors.As(err, &e) && e.Code == code
}

// convert turns a client error into an *Error, or wraps a network error. The
// client's own error text is not kept: it holds the whole request body.
func convert(what string, err error) error {
	var me *meilisearch.Error
	if !errors.As(err, &me) {
		return fmt.Errorf("meili: %s: %w", what, err)
	}
	switch me.ErrCode {
	case meilisearch.APIError, meilisearch.APIErrorWithoutMessage:
		msg := me.APIError.Message
		if msg == "" {
			msg = http.StatusText(me.StatusCode)
		}
		return &Error{Op: what, Status: me.StatusCode, Code: string(me.APIError.Code),
			Type: me.APIError.Type, Message: msg, Link: me.APIError.Link}
	}
	if me.OriginError != nil {
		return fmt.Errorf("meili: %s: %w", what, me.OriginError)
	}
	if me.StatusCode != 0 {
		return &Error{Op: what, Status: me.StatusCode, Message: http.StatusText(me.StatusCode)}
	}
	return fmt.Errorf("meili: %s: request failed", what)
}
