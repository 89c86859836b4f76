// Package suggest serves the suggestions of SPEC §6 for stored tenders. It gathers
// what an answer depends on from the store (the tender, its candidates, the
// collaboration events, the expressions of interest), asks the engine
// (internal/match), and caches the answer under a key that carries the versions of
// everything it depends on, so that a write anywhere makes the old answer unreachable
// at once: no stale answer is served after a write has been acknowledged.
//
// The default answer of each open tender (top 10, all candidates) is also computed
// ahead by the nightly recompute (internal/recompute, through Recompute) and kept in
// the store with the digest of its inputs: a miss serves it when the digest still
// matches, so the first request of the morning costs a read, even after a restart.
// The same run, once every default answer is stored, warms the answer of the
// tender's page (PageRequest, with variants) in the cache through WarmPage; it is
// not stored: after a restart of a replica with a cache of its own, the next run
// warms it again.
//
// It sits between the API and the store. It never sees who asks, and caches only
// the engine's answer, which holds public fields alone. Concurrent misses for one
// key compute once (flights), on a context that no single caller's cancellation
// can poison, but that ends at the deadline of the caller that started it or when
// no caller waits any more.
//
// Every search is bounded (SPEC §6): the engine gets its caller's Done channel, and
// an answer it stopped early (match.Result.Interrupted) is served but never cached
// or stored, since it depends on when the search was stopped. At most a set
// number of heavy computations (a miss that runs the engine, Match, Score, Fit) run at
// once (WithMaxHeavy); above it a request gets ErrBusy at once rather than a
// share of a busy core.
package suggest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	lru "github.com/hashicorp/golang-lru/v2"
	"golang.org/x/sync/semaphore"

	"samenspel/internal/match"
	"samenspel/internal/profiles"
)

// Store is what the service reads; *store.Store implements it.
type Store interface {
	GetTender(ctx context.Context, id string) (profiles.TenderRecord, error)
	GetProfile(ctx context.Context, id string) (profiles.Profile, error)
	Candidates(ctx context.Context, t profiles.Tender) ([]profiles.Profile, error)
	Collaborations(ctx context.Context) ([]profiles.Collaboration, error)
	Interests(ctx context.Context, tender string) ([]string, error)
	Versions(ctx context.Context) (profiles.Versions, error)
	StoredSuggestion(ctx context.Context, tender string) (digest string, run int64, computed time.Time, body []byte, err error)
	PutSuggestion(ctx context.Context, tender, digest string, run int64, body []byte, now time.Time) (bool, error)
}

// Cache keeps computed answers; internal/cache.Memory implements it, and so will the
// Redis cache.
type Cache interface {
	Get(ctx context.Context, key string) ([]byte, bool, error)
	Set(ctx context.Context, key string, val []byte) error
}

// Locker is a cache that can also take a short lock across replicas (Redis), so
// that a missed answer is computed by one replica while the others wait for it.
type Locker interface {
	Lock(ctx context.Context, key string, ttl time.Duration) (unlock func(), ok bool, err error)
}

// defaultLockTTL bounds how long one replica holds a missed answer's lock, and so how long
// the others wait for it before computing it themselves.
const defaultLockTTL = 2 * time.Second

// Observer counts cache hits, misses and failures (the API's Prometheus metrics).
type Observer interface {
	SuggestionCache(hit bool)
	CacheError()
}

// Service answers tenders. Build one with New and share it.
type Service struct {
	store Store
	cache Cache
	obs   Observer
	now   func() time.Time // when a recomputed answer is stored
	// lockTTL is how long a replica holds a missed answer's lock and the others
	// wait for it (defaultLockTTL; tests on a slow machine lengthen it).
	lockTTL time.Duration
	flight  flights
	// heavy admits the heavy computations running at once; nil admits all.
	heavy *semaphore.Weighted
	// computes counts the engine runs (for tests and, later, metrics).
	computes atomic.Int64
	// digests remembers inputsDigest per tender and store version.
	digests *lru.Cache[string, string]

	mu           sync.Mutex
	trust        *match.Trust // built from the events at trustVersion
	trustVersion int64
	trustBuilt   bool
}

// New returns a service over a store and a cache; obs may be nil.
func New(st Store, c Cache, obs Observer, opts ...Option) *Service {
	digests, _ := lru.New[string, string](digestMemo) // fails only for a size below 1
	s := &Service{store: st, cache: c, obs: obs, digests: digests, now: time.Now, lockTTL: defaultLockTTL}
	for _, o := range opts {
		o(s)
	}
	return s
}

// Option configures a Service.
type Option func(*Service)

// WithMaxHeavy admits at most n heavy computations at once: cache misses that run
// the engine, Match and Score. One above it waits up to admissionWait for a slot
// (a computation of the ordinary kind takes milliseconds), then fails with
// ErrBusy. n of 0 or less admits any number (the default). The nightly recompute
// is not counted: it gives way to requests by itself (internal/recompute).
func WithMaxHeavy(n int) Option {
	return func(s *Service) {
		if n > 0 {
			s.heavy = semaphore.NewWeighted(int64(n))
		}
	}
}

// ErrBusy is a heavy computation refused because the most allowed are running
// (WithMaxHeavy); the API answers 503 with Retry-After.
var ErrBusy = errors.New("suggest: too many searches at once")

// admissionWait is how long a heavy computation waits for a slot before it is
// refused: long enough that computations of milliseconds queue behind each other
// instead of refusing each other, short enough that a replica full of long ones
// says so at once.
const admissionWait = 250 * time.Millisecond

// enter admits one heavy computation, waiting up to admissionWait (or until ctx
// ends) for a slot, or returns ErrBusy; the caller calls leave when it is done, and
// no later: a slot is held for the computation only, never across I/O to a cache
// that may be slow.
func (s *Service) enter(ctx context.Context) (leave func(), err error) {
	if s.heavy == nil {
		return func() {}, nil
	}
	if !s.heavy.TryAcquire(1) {
		wctx, cancel := context.WithTimeout(ctx, admissionWait)
		defer cancel()
		if err := s.heavy.Acquire(wctx, 1); err != nil {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			return nil, ErrBusy
		}
	}
	return func() { s.heavy.Release(1) }, nil
}

// digestMemo is how many input digests a service remembers.
const digestMemo = 4096

// Request is one question for a stored tender.
type Request struct {
	Tender string
	Top    int
	// InterestedOnly limits the candidates to partners that expressed interest.
	InterestedOnly bool
	// Variants lists the coalitions that only swap partners of a better-ranked
	// one once, with each member's alternatives (match.Options.Variants). Such an
	// answer has its own cache key and is never the stored default answer.
	Variants bool
}

// ForTender returns the suggestions JSON (SPEC §6) for a stored tender, from the
// cache when nothing it depends on has changed. A missing tender is
// profiles.ErrNotFound.
func (s *Service) ForTender(ctx context.Context, r Request) ([]byte, error) {
	v, err := s.store.Versions(ctx)
	if err != nil {
		return nil, err
	}
	digest, loaded, err := s.inputsDigest(ctx, r, v)
	if err != nil {
		return nil, err
	}
	key := cacheKey(r, digest)
	// A cache that fails (Redis slow or down) is no outage: the answer is computed
	// here, and the failure counted.
	b, ok, err := s.cache.Get(ctx, key)
	if s.obs != nil {
		if err != nil {
			s.obs.CacheError()
		}
		s.obs.SuggestionCache(err == nil && ok)
	}
	if err == nil && ok {
		return b, nil
	}
	return s.flight.do(ctx, key, func(cctx context.Context) ([]byte, error) {
		if b, ok := s.stored(cctx, r, digest); ok {
			if err := s.cache.Set(cctx, key, b); err != nil && s.obs != nil {
				s.obs.CacheError()
			}
			return b, nil
		}
		b, ok, unlock := s.awaitOther(cctx, key)
		defer unlock()
		if ok {
			return b, nil
		}
		if err := cctx.Err(); err != nil {
			return nil, err // no one waits any more, or the deadline passed
		}
		leave, err := s.enter(cctx)
		if err != nil {
			return nil, err
		}
		res, b, err := s.compute(cctx, r, v, loaded)
		leave() // before the cache's write, which may wait on a slow Redis
		if err != nil {
			return nil, err
		}
		// A search stopped early is served, but its answer depends on when it
		// stopped: the next request computes again.
		if !res.Interrupted {
			if err := s.cache.Set(cctx, key, b); err != nil && s.obs != nil {
				s.obs.CacheError()
			}
		}
		return b, nil
	})
}

// answerVersion names the shape and the engine of the answers: it starts every
// cache key and every inputs digest, so that answers of an older engine (here:
// before every search was bounded and an inexact answer carried its bound) are
// neither served from a cache nor from the store once the engine changes.
const answerVersion = "v4"

// cacheKey is the cache key of the answer to r whose inputs have digest.
func cacheKey(r Request, digest string) string {
	k := fmt.Sprintf("suggest/%s/%s/%s/top%d/i%t", answerVersion, r.Tender, digest, r.Top, r.InterestedOnly)
	if r.Variants {
		k += "/variants" // the plain answers' keys stay as they were
	}
	return k
}

// defaultRequest is the request the nightly recompute answers ahead for each
// tender: the answer most asked for (the API's and the pages' default).
func defaultRequest(tender string) Request {
	return Request{Tender: tender, Top: match.DefaultTop}
}

// PageRequest is the request of a tender's page (internal/web): the default top
// with variants (SPEC §6). The nightly recompute warms its answer in the cache
// beside the stored default answer (Recompute), so that the first view of a tender
// page after a run costs no computation.
func PageRequest(tender string) Request {
	return Request{Tender: tender, Top: match.DefaultTop, Variants: true}
}

// stored returns the recomputed answer the store keeps for r, when r is the
// default request and the answer was computed from inputs with digest. A store that
// fails is no outage: the caller computes.
func (s *Service) stored(ctx context.Context, r Request, digest string) ([]byte, bool) {
	if r != defaultRequest(r.Tender) {
		return nil, false
	}
	d, _, _, b, err := s.store.StoredSuggestion(ctx, r.Tender)
	if err != nil || d != digest {
		return nil, false
	}
	return b, true
}

// inputs is what an answer for a stored tender is computed from.
type inputs struct {
	tender     profiles.Tender
	candidates []profiles.Profile // by id; for interested_only, the interested only
	interested []string           // for interested_only
	trust      *match.Trust       // at least as new as the versions the answer is keyed by
}

// load reads the inputs of an answer for r, with the trust at (or after) version v.
func (s *Service) load(ctx context.Context, r Request, v profiles.Versions) (*inputs, error) {
	rec, err := s.store.GetTender(ctx, r.Tender)
	if err != nil {
		return nil, err
	}
	ps, err := s.store.Candidates(ctx, rec.Tender)
	if err != nil {
		return nil, err
	}
	slices.SortFunc(ps, func(a, b profiles.Profile) int { return strings.Compare(a.ID, b.ID) })
	in := &inputs{tender: rec.Tender, candidates: ps}
	if r.InterestedOnly {
		if in.interested, err = s.store.Interests(ctx, r.Tender); err != nil {
			return nil, err
		}
		in.candidates = slices.DeleteFunc(ps, func(p profiles.Profile) bool { return !slices.Contains(in.interested, p.ID) })
	}
	if in.trust, err = s.trustAt(ctx, v.Collaborations); err != nil {
		return nil, err
	}
	return in, nil
}

// compute runs the engine on in, reading the inputs first when in is nil, and
// returns the answer with its JSON. The search stops when ctx ends; the answer then
// has Interrupted set.
func (s *Service) compute(ctx context.Context, r Request, v profiles.Versions, in *inputs) (match.Result, []byte, error) {
	s.computes.Add(1)
	if in == nil {
		var err error
		if in, err = s.load(ctx, r, v); err != nil {
			return match.Result{}, nil, err
		}
	}
	res := match.Suggest(match.Input{Tender: in.tender, Profiles: in.candidates, Trust: in.trust}, match.Options{Top: r.Top, Stop: ctx.Done(), Variants: r.Variants})
	b, err := json.Marshal(res)
	return res, b, err
}

// inputsDigest is a digest of what an answer for r depends on: the tender, its
// candidates' public fields (and, for interested_only, the interested) and the
// trust of the candidate pairs that have events, so that a write changes exactly
// the keys of the tenders it affects: a profile that is a candidate of neither the
// old nor the new answer changes nothing, nor does an event between partners that
// are not both candidates. It is remembered per store version, so a request between
// writes reads nothing (v.Index moves the memo too: a search index that has caught
// up with a write answers differently); when it had to read the inputs, it returns them, so that a
// miss does not read them twice.
func (s *Service) inputsDigest(ctx context.Context, r Request, v profiles.Versions) (string, *inputs, error) {
	memo := fmt.Sprintf("%s/p%d/x%d/t%d/c%d/i%t", r.Tender, v.Profiles, v.Index, v.Tenders, v.Collaborations, r.InterestedOnly)
	if d, ok := s.digests.Get(memo); ok {
		return d, nil, nil
	}
	in, err := s.load(ctx, r, v)
	if err != nil {
		return "", nil, err
	}
	d, err := digestOf(in)
	if err != nil {
		return "", nil, err
	}
	s.digests.Add(memo, d)
	return d, in, nil
}

// digestOf is the digest of inputs (see inputsDigest).
func digestOf(in *inputs) (string, error) {
	h := sha256.New()
	enc := json.NewEncoder(h)
	if err := enc.Encode(answerVersion); err != nil {
		return "", err
	}
	if err := enc.Encode(in.tender); err != nil {
		return "", err
	}
	for _, p := range in.candidates {
		if err := enc.Encode(p.Public()); err != nil {
			return "", err
		}
	}
	if err := enc.Encode(in.interested); err != nil {
		return "", err
	}
	ids := make([]string, len(in.candidates))
	for i, p := range in.candidates {
		ids[i] = p.ID
	}
	if err := enc.Encode(in.trust.Among(ids)); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)[:12]), nil
}

// awaitOther, when the cache can lock across replicas, takes the key's lock. When
// another replica holds it, it waits (up to s.lockTTL) for that replica's answer to
// appear in the cache: ok is true with it. Otherwise the caller computes, and calls
// unlock once the answer is cached.
func (s *Service) awaitOther(ctx context.Context, key string) (b []byte, ok bool, unlock func()) {
	unlock = func() {}
	l, isLocker := s.cache.(Locker)
	if !isLocker {
		return nil, false, unlock
	}
	release, mine, err := l.Lock(ctx, key, s.lockTTL)
	if err != nil {
		return nil, false, unlock // Redis does not answer: compute here
	}
	if mine {
		// Another replica may have cached the answer between our miss and our lock.
		if b, hit, err := s.cache.Get(ctx, key); err == nil && hit {
			release()
			return b, true, unlock
		}
		return nil, false, release
	}
	deadline := time.Now().Add(s.lockTTL)
	for time.Now().Before(deadline) {
		select {
		case <-ctx.Done():
			return nil, false, unlock // the caller computes nothing either: its ctx has ended
		case <-time.After(20 * time.Millisecond):
		}
		b, hit, err := s.cache.Get(ctx, key)
		if err != nil {
			return nil, false, unlock
		}
		if hit {
			return b, true, unlock
		}
	}
	return nil, false, unlock
}

// Match answers an unsaved tender (POST /v1/match), with variants when asked
// (match.Options.Variants): nothing is cached. It is a heavy computation (ErrBusy
// above the cap), and its search stops when ctx ends.
func (s *Service) Match(ctx context.Context, t profiles.Tender, top int, variants bool) (match.Result, error) {
	leave, err := s.enter(ctx)
	if err != nil {
		return match.Result{}, err
	}
	defer leave()
	v, err := s.store.Versions(ctx)
	if err != nil {
		return match.Result{}, err
	}
	ps, err := s.store.Candidates(ctx, t)
	if err != nil {
		return match.Result{}, err
	}
	tr, err := s.trustAt(ctx, v.Collaborations)
	if err != nil {
		return match.Result{}, err
	}
	return match.Suggest(match.Input{Tender: t, Profiles: ps, Trust: tr}, match.Options{Top: top, Stop: ctx.Done(), Variants: variants}), nil
}

// ScoreRequest is a proposed coalition to score for a stored tender.
type ScoreRequest struct {
	Tender  string
	Members []string
	// PoolTrust hides the trust of single pairs, for those who may not see it
	// (anonymous callers): every pair of the coalition is scored with the
	// coalition's mean trust, two members with the default (match.Trust.Pooled).
	PoolTrust bool
}

// Score scores a proposed coalition for a stored tender (match.Score). A member
// that is no profile at all is match.ErrProposal. It is a heavy computation
// (ErrBusy above the cap).
func (s *Service) Score(ctx context.Context, r ScoreRequest) (match.Scored, error) {
	leave, err := s.enter(ctx)
	if err != nil {
		return match.Scored{}, err
	}
	defer leave()
	tender, ids := r.Tender, r.Members
	rec, err := s.store.GetTender(ctx, tender)
	if err != nil {
		return match.Scored{}, err
	}
	ps, err := s.store.Candidates(ctx, rec.Tender)
	if err != nil {
		return match.Scored{}, err
	}
	for _, id := range ids {
		if slices.ContainsFunc(ps, func(p profiles.Profile) bool { return p.ID == id }) {
			continue
		}
		p, err := s.store.GetProfile(ctx, id)
		if errors.Is(err, profiles.ErrNotFound) {
			continue // match.Score names it
		}
		if err != nil {
			return match.Scored{}, err
		}
		ps = append(ps, p)
	}
	v, err := s.store.Versions(ctx)
	if err != nil {
		return match.Scored{}, err
	}
	tr, err := s.trustAt(ctx, v.Collaborations)
	if err != nil {
		return match.Scored{}, err
	}
	if r.PoolTrust {
		tr = tr.Pooled(ids)
	}
	return match.Score(match.Input{Tender: rec.Tender, Profiles: ps, Trust: tr}, ids)
}

// trustAt returns the trust built from the events, rebuilt only when the events'
// version has moved.
func (s *Service) trustAt(ctx context.Context, version int64) (*match.Trust, error) {
	s.mu.Lock()
	if s.trustBuilt && s.trustVersion == version {
		tr := s.trust
		s.mu.Unlock()
		return tr, nil
	}
	s.mu.Unlock()
	events, err := s.store.Collaborations(ctx)
	if err != nil {
		return nil, err
	}
	tr := match.NewTrust(events)
	s.mu.Lock()
	s.trust, s.trustVersion, s.trustBuilt = tr, version, true
	s.mu.Unlock()
	return tr, nil
}
