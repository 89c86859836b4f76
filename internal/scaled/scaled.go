// Package scaled is the profile reads of the matcher in the scaled set-up: a
// tender's candidates and the profile search come from the search index
// (Meilisearch), which the indexer keeps in step with the store's change log
// (internal/indexsync), and fall back to the store's own (the embedded store or
// PostgreSQL). Everything else the matcher reads and writes goes to the store
// itself; the caller composes the two (cmd/matcher).
//
// It owns two decisions. First, the versions that key cached answers hold the
// search index's sync cursor beside the store's write counter: an answer computed
// from the index is keyed by what the index held, and a change becomes a new key
// when the index has applied it, on every replica. Second, a search index that
// fails is no outage: the read falls back to the embedded store's own index tables
// (same answers, SPEC §3, by the shared suite), the failure is counted, and logged
// once until the index answers again.
//
// It never writes to the search index (the indexer does) and never sees a
// profile's contact or private fields there: the index holds public fields only.
package scaled

import (
	"context"
	"errors"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"samenspel/internal/indexsync"
	"samenspel/internal/profiles"
)

// Index is the retrieval side of a profile store, what the reads ask of a search
// index and of the store beneath it: a tender's candidates and the public profile
// search. Both stores and internal/meili implement it, and pass the shared suite in
// internal/store/storetest. Candidates returns profiles by id (whether contact and
// private are filled depends on the implementation: the match engine reads neither);
// SearchProfiles never returns them.
type Index interface {
	Candidates(ctx context.Context, t profiles.Tender) ([]profiles.Profile, error)
	SearchProfiles(ctx context.Context, q profiles.Query) (hits []profiles.Profile, total int, err error)
}

// Source is the store whose profile reads the search index takes over: its own
// answer them when the index fails, and its versions and the index's sync cursor
// key the cached answers.
type Source interface {
	Index
	Versions(ctx context.Context) (profiles.Versions, error)
	Cursor(ctx context.Context, name string) (int64, error)
}

// Store is the profile reads from a search index, over a store.
type Store struct {
	src    Source
	index  Index
	log    *slog.Logger
	errors prometheus.Counter
	down   atomic.Bool
	retry  atomic.Int64     // while down: when to ask the index again (unix ns)
	now    func() time.Time // the clock of the rest
}

// Rest is how long reads skip an index that just failed, so that an outage costs
// one failed call per Rest, not one per request.
const Rest = 5 * time.Second

// resting reports whether the index failed less than Rest ago.
func (s *Store) resting() bool {
	return s.down.Load() && s.now().UnixNano() < s.retry.Load()
}

// New returns the store over st that reads candidates and search from index.
// Failures of the index are counted in the returned Store's Errors counter.
func New(st Source, index Index, log *slog.Logger) *Store {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Store{src: st, index: index, log: log, now: time.Now,
		errors: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "samenspel_search_index_errors_total",
			Help: "Reads from the search index (Meilisearch) that failed and were answered from the embedded store.",
		})}
}

// Errors is the counter of failed index reads, for /metrics.
func (s *Store) Errors() prometheus.Counter { return s.errors }

// Candidates returns t's candidates from the index, or from the embedded store when
// the index fails.
func (s *Store) Candidates(ctx context.Context, t profiles.Tender) ([]profiles.Profile, error) {
	if s.resting() {
		return s.src.Candidates(ctx, t)
	}
	ps, err := s.index.Candidates(ctx, t)
	if s.fallback(ctx, err) {
		return s.src.Candidates(ctx, t)
	}
	return ps, err
}

// SearchProfiles searches the index, or the embedded store when the index fails.
func (s *Store) SearchProfiles(ctx context.Context, q profiles.Query) ([]profiles.Profile, int, error) {
	if s.resting() {
		return s.src.SearchProfiles(ctx, q)
	}
	hits, total, err := s.index.SearchProfiles(ctx, q)
	if s.fallback(ctx, err) {
		return s.src.SearchProfiles(ctx, q)
	}
	return hits, total, err
}

// Versions are the store's, with Index set to the search index's sync cursor: the
// change up to which the index holds the profiles. A cached answer's key then moves
// both when the store is written (while the index is down, reads come from the
// store) and when the index has applied the write.
func (s *Store) Versions(ctx context.Context) (profiles.Versions, error) {
	v, err := s.src.Versions(ctx)
	if err != nil {
		return v, err
	}
	if v.Index, err = s.src.Cursor(ctx, indexsync.Cursor); err != nil {
		return v, err
	}
	return v, nil
}

// fallback reports whether a read that returned err should be answered by the
// embedded store instead, and notes the index's health.
func (s *Store) fallback(ctx context.Context, err error) bool {
	if err == nil {
		if s.down.CompareAndSwap(true, false) {
			s.log.Info("search index answers again: candidates and search come from it")
		}
		return false
	}
	var invalid *profiles.ValidationError
	if ctx.Err() != nil || errors.As(err, &invalid) {
		return false // the caller gave up, or asked what cannot be answered anywhere
	}
	s.errors.Inc()
	s.retry.Store(s.now().Add(Rest).UnixNano())
	if s.down.CompareAndSwap(false, true) {
		s.log.Warn("search index does not answer: candidates and search come from the embedded store until it does",
			"err", err.Error())
	}
	return true
}
