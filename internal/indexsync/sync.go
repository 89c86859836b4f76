package indexsync

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"samenspel/internal/profiles"
	"samenspel/internal/store"
)

// Source is the store's change log and the consumers' cursors; *store.Store
// implements it.
type Source interface {
	ChangesSince(ctx context.Context, seq int64, limit int) ([]store.Change, error)
	Cursor(ctx context.Context, name string) (int64, error)
	// MoveCursor sets the cursor to to only if it is still at from.
	MoveCursor(ctx context.Context, name string, from, to int64) (bool, error)
}

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

// Syncer applies the store's profile changes to an index. One Syncer may run in
// several processes at once (replicas, the indexer): the compare-and-set on the
// cursor makes them take turns without losing a change.
type Syncer struct {
	src   Source
	dst   Target
	name  string
	batch int
	log   *slog.Logger
}

// New returns a Syncer from src to dst under the cursor name (Cursor for the
// profiles index); log may be nil.
func New(src Source, dst Target, name string, log *slog.Logger) *Syncer {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Syncer{src: src, dst: dst, name: name, batch: DefaultBatch, log: log}
}

// Pass applies every change recorded before it started, and returns how many it
// applied. An error leaves the cursor at the last change that was applied whole.
func (s *Syncer) Pass(ctx context.Context) (int, error) {
	applied := 0
	for {
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
			if err := s.dst.Delete(ctx, dels); err != nil && !errors.Is(err, store.ErrNotFound) {
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
