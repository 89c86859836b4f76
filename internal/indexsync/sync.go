package indexsync

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"samenspel/internal/lease"
	"samenspel/internal/profiles"
)

// Source is the store's change log and the consumers' cursors; *store.Store
// implements it.
type Source interface {
	ChangesSince(ctx context.Context, seq int64, limit int) ([]profiles.Change, error)
	LastChange(ctx context.Context) (int64, error)
	Profiles(ctx context.Context) ([]profiles.Profile, error)
	ResetCursor(ctx context.Context, name string, seq int64) error
	Cursor(ctx context.Context, name string) (int64, error)
	// MoveCursor sets the cursor to to only if it is still at from.
	MoveCursor(ctx context.Context, name string, from, to int64) (bool, error)
	// TakeLease and ReleaseLease keep the lease (internal/lease) that lets one
	// consumer at a time write to the index.
	TakeLease(ctx context.Context, name, holder string, now time.Time, ttl time.Duration) (bool, error)
	ReleaseLease(ctx context.Context, name, holder string) error
}

// LeaseTTL is how long a syncer holds the index without renewing: a syncer that
// dies frees it after this. Each batch renews it.
const LeaseTTL = 30 * time.Second

// Target is the search index; *meili.Index implements it. Both calls return once the
// change is visible to search, or with an error.
type Target interface {
	Put(ctx context.Context, ps []profiles.Profile) error
	Delete(ctx context.Context, ids []string) error
}

// Cursor is the name of the Meilisearch sync's cursor in the store.
const Cursor = "meili:profiles"

// DefaultBatch is how many changes one step applies.
const DefaultBatch = 500

// Syncer applies the store's profile changes to an index. Syncers in several
// processes may run at once (a sync and a reindex, or two indexers by mistake):
// the lease lets one write at a time, and the compare-and-set on the cursor keeps
// a syncer whose cursor was reset from stepping over the reset.
type Syncer struct {
	src   Source
	dst   Target
	name  string
	batch int
	log   *slog.Logger
	locks lease.Lock // the index's lease in the store, named name
}

// New returns a Syncer from src to dst under the cursor name (Cursor for the
// profiles index); log may be nil.
func New(src Source, dst Target, name string, log *slog.Logger) *Syncer {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Syncer{src: src, dst: dst, name: name, batch: DefaultBatch, log: log, locks: lease.NewStore(src, "")}
}

// Lock waits until this syncer holds the index (the lease named after its cursor),
// for work that must not run beside a sync (a reindex), and returns the function
// that gives it up. Hold it no longer than LeaseTTL without calling renew.
func (s *Syncer) Lock(ctx context.Context) (renew func() error, unlock func(), err error) {
	for {
		held, ok, err := s.locks.Acquire(ctx, s.name, LeaseTTL)
		if err != nil {
			return nil, nil, err
		}
		if ok {
			return func() error { return renewed(held.Renew(ctx)) }, func() { held.Release(ctx) }, nil
		}
		select {
		case <-ctx.Done():
			return nil, nil, ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// renewed is the error of a renewal: ErrLeaseLost when the lease is gone.
func renewed(err error) error {
	if errors.Is(err, lease.ErrLost) {
		return fmt.Errorf("%w: %w", ErrLeaseLost, err)
	}
	return err
}

// ErrLeaseLost is a pass that stopped because its lease ran out and another took
// it (a batch took longer than LeaseTTL).
var ErrLeaseLost = errors.New("indexsync: lease lost to another syncer")

// Pass applies every change recorded before it started, and returns how many it
// applied. An error leaves the cursor at the last change that was applied whole.
//
// It writes only while it holds the lease: when another syncer holds it, the pass
// does nothing and returns 0 (the other applies the changes).
func (s *Syncer) Pass(ctx context.Context) (int, error) {
	held, ok, err := s.locks.Acquire(ctx, s.name, LeaseTTL)
	if err != nil || !ok {
		return 0, err
	}
	defer held.Release(ctx)
	return s.apply(ctx, func() error { return renewed(held.Renew(ctx)) })
}

// apply is Pass under the lease, which renew renews before each batch after the
// first.
func (s *Syncer) apply(ctx context.Context, renew func() error) (int, error) {
	applied := 0
	for step := 0; ; step++ {
		if step > 0 {
			if err := renew(); err != nil {
				return applied, err
			}
		}
		from, err := s.src.Cursor(ctx, s.name)
		if err != nil {
			return applied, err
		}
		changes, err := s.src.ChangesSince(ctx, from, s.batch)
		if err != nil {
			return applied, err
		}
		if len(changes) == 0 {
			return applied, nil
		}
		var puts []profiles.Profile
		var dels []string
		for _, c := range changes {
			if c.Deleted {
				dels = append(dels, c.ID)
			} else {
				puts = append(puts, c.Profile.Public())
			}
		}
		// The log holds one row per profile, so a batch names each id once and the
		// order of puts and deletes within it does not matter.
		if len(puts) > 0 {
			if err := s.dst.Put(ctx, puts); err != nil {
				return applied, fmt.Errorf("indexsync: put %d profiles: %w", len(puts), err)
			}
		}
		if len(dels) > 0 {
			// A profile created and deleted between two passes was never indexed.
			if err := s.dst.Delete(ctx, dels); err != nil && !errors.Is(err, profiles.ErrNotFound) {
				return applied, fmt.Errorf("indexsync: delete %d profiles: %w", len(dels), err)
			}
		}
		to := changes[len(changes)-1].Seq
		moved, err := s.src.MoveCursor(ctx, s.name, from, to)
		if err != nil {
			return applied, err
		}
		if moved {
			applied += len(changes)
		}
		// Not moved: another syncer got there first, or a reindex reset the cursor;
		// read it again and go on from there.
	}
}

// Run makes a pass at once, then every interval and whenever poke receives, until
// ctx ends. A failed pass is logged (once per run of failures) and tried again
// with backoff, up to interval·32; the changes wait in the store meanwhile.
func (s *Syncer) Run(ctx context.Context, interval time.Duration, poke <-chan struct{}) error {
	wait := interval
	failing := false
	for {
		n, err := s.Pass(ctx)
		switch {
		case errors.Is(err, context.Canceled) && ctx.Err() != nil:
			return ctx.Err()
		case err != nil:
			if !failing {
				s.log.Warn("search index sync failed; changes wait in the store and are applied when it answers", "err", err.Error())
			}
			failing = true
			wait = min(wait*2, interval*32)
		default:
			if failing {
				s.log.Info("search index sync works again")
			}
			if n > 0 {
				s.log.Debug("search index sync", "applied", n)
			}
			failing = false
			wait = interval
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-poke:
			t.Stop()
		case <-t.C:
		}
	}
}

// Fresh is an empty index to fill and swap in place of the live one (for
// Meilisearch: the "_reindex" index beside the live one).
type Fresh interface {
	Target
	// Reset makes it exist, empty, with the live index's settings.
	Reset(ctx context.Context) error
	// SwapIn exchanges it with the live index, atomically for readers.
	SwapIn(ctx context.Context) error
	// Drop deletes it (after SwapIn: the old documents).
	Drop(ctx context.Context) error
}

// Reindex rebuilds the index from the store: it fills fresh with every profile's
// public fields, swaps it in, drops the old documents and applies the changes
// written meanwhile. Readers see the old index until the swap, then the new one;
// no sync runs meanwhile (it holds the lease). It returns how many profiles the
// fresh index got.
func (s *Syncer) Reindex(ctx context.Context, fresh Fresh) (int, error) {
	renew, unlock, err := s.Lock(ctx)
	if err != nil {
		return 0, err
	}
	defer unlock()
	// Every change up to from is in what Profiles reads next; later ones are
	// applied again after the swap (applying one twice is harmless).
	from, err := s.src.LastChange(ctx)
	if err != nil {
		return 0, err
	}
	ps, err := s.src.Profiles(ctx)
	if err != nil {
		return 0, err
	}
	if err := fresh.Reset(ctx); err != nil {
		return 0, fmt.Errorf("indexsync: reindex: make the fresh index: %w", err)
	}
	for start := 0; start < len(ps); start += s.batch {
		batch := make([]profiles.Profile, 0, s.batch)
		for _, p := range ps[start:min(start+s.batch, len(ps))] {
			batch = append(batch, p.Public())
		}
		if err := fresh.Put(ctx, batch); err != nil {
			return 0, fmt.Errorf("indexsync: reindex: fill the fresh index: %w", err)
		}
		if err := renew(); err != nil {
			return 0, err
		}
	}
	if err := fresh.SwapIn(ctx); err != nil {
		return 0, fmt.Errorf("indexsync: reindex: swap: %w", err)
	}
	if err := s.src.ResetCursor(ctx, s.name, from); err != nil {
		return 0, err
	}
	if err := fresh.Drop(ctx); err != nil {
		s.log.Warn("reindex: the old index could not be dropped; drop it by hand", "err", err.Error())
	}
	if _, err := s.apply(ctx, renew); err != nil {
		return len(ps), fmt.Errorf("indexsync: reindex: swapped in; changes since: %w (the sync applies them)", err)
	}
	return len(ps), nil
}
