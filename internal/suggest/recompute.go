package suggest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"samenspel/internal/match"
	"samenspel/internal/profiles"
)

// Outcome is what Recompute did for one tender.
type Outcome struct {
	// Skipped is true when the stored answer was computed from the same inputs:
	// nothing was computed or written, and Result is the stored answer.
	Skipped bool
	// Fenced is true when a newer run had already stored the tender's answer, so
	// this one was computed but not stored (nor cached); Result is this run's.
	Fenced bool
	// Result is the tender's default answer (top match.DefaultTop, all candidates).
	Result match.Result
	// Inclusive is, of the partners in Result's coalitions, those that count for
	// inclusion (small or new providers, SPEC §5): the fairness report counts them,
	// and Result alone does not tell a new provider.
	Inclusive map[string]bool
}

// Recompute brings the stored default answer of a tender (top match.DefaultTop,
// all candidates) up to date for job run run, whose id fences the write: when the
// stored answer was computed from the same inputs it only reads it, unless full;
// otherwise it computes the answer, stores it in one write that a newer run's
// answer refuses, and puts it in the cache under the key ForTender reads, so that
// the first requests after the run cost nothing.
//
// The answer is stored whole or not at all: a run cancelled in the middle leaves
// the tender with its old answer or its new one. Its search is bounded as every
// search is (match.DefaultEffort) and stops when ctx ends.
//
// The answer of the tender's page (PageRequest, with variants) is warmed apart,
// by WarmPage, in a second pass once every tender's default answer is stored.
func (s *Service) Recompute(ctx context.Context, tender string, run int64, full bool) (Outcome, error) {
	r := defaultRequest(tender)
	v, err := s.store.Versions(ctx)
	if err != nil {
		return Outcome{}, err
	}
	// The inputs are read even when the digest is remembered: the candidates tell
	// which members are small or new.
	in, err := s.load(ctx, r, v)
	if err != nil {
		return Outcome{}, err
	}
	digest, err := digestOf(in)
	if err != nil {
		return Outcome{}, err
	}
	if !full {
		d, _, _, body, err := s.store.StoredSuggestion(ctx, tender)
		switch {
		case err == nil && d == digest:
			var res match.Result
			if err := json.Unmarshal(body, &res); err != nil {
				return Outcome{}, fmt.Errorf("suggest: stored answer of tender %q: %w", tender, err)
			}
			return Outcome{Skipped: true, Result: res, Inclusive: inclusive(res, in)}, nil
		case err != nil && !errors.Is(err, profiles.ErrNotFound):
			return Outcome{}, err
		}
	}
	if err := ctx.Err(); err != nil {
		return Outcome{}, err // the run was stopped: start no computation
	}
	res, body, err := s.compute(ctx, r, v, in)
	if err != nil {
		return Outcome{}, err
	}
	if res.Interrupted {
		// The run was stopped during the search: an answer that depends on when
		// is not stored; the tender keeps its old one.
		return Outcome{}, context.Cause(ctx)
	}
	wrote, err := s.store.PutSuggestion(ctx, tender, digest, run, body, s.now().UTC())
	if err != nil {
		return Outcome{}, err
	}
	out := Outcome{Fenced: !wrote, Result: res, Inclusive: inclusive(res, in)}
	if wrote {
		if err := s.cache.Set(ctx, cacheKey(r, digest), body); err != nil && s.obs != nil {
			s.obs.CacheError()
		}
	}
	return out, nil
}

// WarmPage puts the answer of the tender's page (PageRequest, with variants) for
// the tender's inputs now in the cache, under the key ForTender reads, when the
// cache does not hold it yet (the inputs changed, or the cache was emptied by a
// restart), and says whether it computed one. That answer is not stored, only
// cached: a replica whose cache is its own memory computes it again after a
// restart, which a shared cache (Redis) spares. A warm that fails or is stopped
// warms nothing, and the page computes as it would have; only a failure to read
// the inputs is an error.
func (s *Service) WarmPage(ctx context.Context, tender string) (bool, error) {
	v, err := s.store.Versions(ctx)
	if err != nil {
		return false, err
	}
	in, err := s.load(ctx, defaultRequest(tender), v)
	if err != nil {
		return false, err
	}
	digest, err := digestOf(in)
	if err != nil {
		return false, err
	}
	return s.warmPage(ctx, v, in, digest), nil
}

// warmPage puts the answer of the tender's page (PageRequest) for inputs in, whose
// digest is digest, in the cache when it is not there yet, and says whether it
// did. A cache that fails or a search that was stopped warms nothing: the page
// then computes, as it would have.
func (s *Service) warmPage(ctx context.Context, v profiles.Versions, in *inputs, digest string) bool {
	r := PageRequest(in.tender.ID)
	key := cacheKey(r, digest)
	if _, ok, err := s.cache.Get(ctx, key); err != nil || ok {
		if err != nil && s.obs != nil {
			s.obs.CacheError()
		}
		return false
	}
	if ctx.Err() != nil {
		return false
	}
	res, body, err := s.compute(ctx, r, v, in)
	if err != nil || res.Interrupted {
		return false
	}
	if err := s.cache.Set(ctx, key, body); err != nil {
		if s.obs != nil {
			s.obs.CacheError()
		}
		return false
	}
	return true
}

// inclusive returns the members of res's coalitions that are small or new
// providers, by in's candidates.
func inclusive(res match.Result, in *inputs) map[string]bool {
	members := map[string]bool{}
	for _, c := range res.Coalitions {
		for _, m := range c.Members {
			members[m.ID] = false
		}
	}
	out := map[string]bool{}
	for _, p := range in.candidates {
		if _, ok := members[p.ID]; ok && p.Inclusive() {
			out[p.ID] = true
		}
	}
	return out
}
