package recompute

import (
	"context"
	"slices"
	"sync"
	"time"

	"samenspel/internal/jobs"
)

// memWork is a run's shared work in memory, for the tests whose store is a
// stand-in: one replica, every claim its own until finished (the stores' own
// claims are the shared suite's, internal/store/storetest).
type memWork struct {
	wmu      sync.Mutex
	keys     []string
	claimed  map[string]string
	finished map[string]jobs.Item
}

func (w *memWork) AddWork(ctx context.Context, run int64, keys []string) error {
	w.wmu.Lock()
	defer w.wmu.Unlock()
	w.keys, w.claimed, w.finished = slices.Clone(keys), map[string]string{}, map[string]jobs.Item{}
	return nil
}

func (w *memWork) ClaimWork(ctx context.Context, run int64, replica string, n int, now time.Time, ttl time.Duration) ([]string, error) {
	w.wmu.Lock()
	defer w.wmu.Unlock()
	var out []string
	for _, k := range w.keys {
		if len(out) == n {
			break
		}
		if _, ok := w.claimed[k]; !ok {
			w.claimed[k] = replica
			out = append(out, k)
		}
	}
	return out, nil
}

func (w *memWork) FinishWork(ctx context.Context, run int64, replica string, items []jobs.Item) (int, error) {
	w.wmu.Lock()
	defer w.wmu.Unlock()
	for _, it := range items {
		if _, done := w.finished[it.Key]; !done && w.claimed[it.Key] == replica {
			it.Replica = replica
			w.finished[it.Key] = it
		}
	}
	return len(w.keys) - len(w.finished), nil
}

func (w *memWork) WorkLeft(ctx context.Context, run int64) (int, error) {
	w.wmu.Lock()
	defer w.wmu.Unlock()
	return len(w.keys) - len(w.finished), nil
}

func (w *memWork) WorkResults(ctx context.Context, run int64) ([]jobs.Item, error) {
	w.wmu.Lock()
	defer w.wmu.Unlock()
	var out []jobs.Item
	for _, k := range w.keys {
		if it, ok := w.finished[k]; ok {
			out = append(out, it)
		}
	}
	return out, nil
}
