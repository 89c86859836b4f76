package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"time"

	"samenspel/internal/indexsync"
	"samenspel/internal/meili"
	"samenspel/internal/profiles"
	"samenspel/internal/settings"
)

// searchIndex is what the indexer does with a Meilisearch index (*meili.Index).
type searchIndex interface {
	indexsync.Target
	Name() string
	EnsureIndex(ctx context.Context) error
	Ping(ctx context.Context) error
	Swap(ctx context.Context, other string) error
	DeleteIndex(ctx context.Context) error
}

// openIndex opens the index named name (the live one, or its rebuild) with the
// settings' URL and key. Tests replace it.
var openIndex = func(cfg settings.Settings, tax *profiles.Taxonomy, name string) (searchIndex, error) {
	return meili.New(cfg.MeiliURL, cfg.MeiliKey, tax, meili.WithIndexName(name))
}

// liveIndex is the name of the profiles index.
const liveIndex = "profiles"

// withIndex opens the store and the live index for command name, which needs
// Meilisearch.
func withIndex(ctx context.Context, name string, cfg settings.Settings, fn func(st openedStore, tax *profiles.Taxonomy, live searchIndex) error) error {
	if cfg.MeiliURL == "" {
		return fmt.Errorf("%w: indexer %s needs Meilisearch: --meili URL or SAMENSPEL_MEILI_URL", errUsage, name)
	}
	st, tax, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	live, err := openIndex(cfg, tax, liveIndex)
	if err != nil {
		return err
	}
	return fn(st, tax, live)
}

// syncCmd is `indexer sync [--watch] [--interval D]`: it applies the store's
// profile changes to Meilisearch, once (until caught up) or, with --watch, until
// stopped.
func syncCmd(ctx context.Context, args []string, env func(string) (string, bool), stdout, stderr io.Writer) error {
	sf := newFlagSet("sync", stderr)
	watch := sf.fs.Bool("watch", false, "keep syncing until stopped (SIGTERM)")
	interval := sf.fs.Duration("interval", time.Second, "with --watch: how often to look for changes")
	cfg, err := sf.load(args, env)
	if err != nil {
		return err
	}
	if sf.fs.NArg() > 0 {
		return fmt.Errorf("%w: unexpected argument %q", errUsage, sf.fs.Arg(0))
	}
	if *interval <= 0 {
		return fmt.Errorf("%w: --interval must be positive", errUsage)
	}
	log := slog.New(slog.NewJSONHandler(stderr, nil))
	return withIndex(ctx, "sync", cfg, func(st openedStore, _ *profiles.Taxonomy, live searchIndex) error {
		if err := ensure(ctx, live, *watch, *interval, log); err != nil {
			return err
		}
		s := indexsync.New(st, live, indexsync.Cursor, log)
		if *watch {
			log.Info("indexer syncing the store to the search index", "index", live.Name(), "interval", interval.String())
			// PostgreSQL wakes the sync when a write commits on any replica; the
			// interval stays as the safety net (and is all the embedded store has).
			var wake <-chan struct{}
			if st.listen != nil {
				if wake, err = st.listen(ctx); err != nil {
					return err
				}
			}
			err := s.Run(ctx, *interval, wake)
			if errors.Is(err, context.Canceled) {
				return nil // stopped
			}
			return err
		}
		n, err := s.Pass(ctx)
		if err != nil {
			return err
		}
		return report(ctx, stdout, st, fmt.Sprintf("applied %d changes", n))
	})
}

// ensure applies the index settings; with retry (the watching sync, started beside
// Meilisearch) it waits for Meilisearch to answer instead of failing.
func ensure(ctx context.Context, live searchIndex, retry bool, interval time.Duration, log *slog.Logger) error {
	wait := interval
	for {
		err := live.EnsureIndex(ctx)
		if err == nil || !retry {
			return err
		}
		log.Warn("search index not ready; trying again", "err", err.Error(), "in", wait.String())
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(wait):
		}
		wait = min(wait*2, 30*time.Second)
	}
}

// report prints how far the search index is behind the store.
func report(ctx context.Context, stdout io.Writer, st source, what string) error {
	cursor, err := st.Cursor(ctx, indexsync.Cursor)
	if err != nil {
		return err
	}
	last, err := st.LastChange(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s; the search index holds changes up to %d of %d (%d pending)\n", what, cursor, last, last-cursor)
	return nil
}

// reindexCmd is `indexer reindex`: a fresh index from the store, swapped in.
func reindexCmd(ctx context.Context, args []string, env func(string) (string, bool), stdout, stderr io.Writer) error {
	sf := newFlagSet("reindex", stderr)
	cfg, err := sf.load(args, env)
	if err != nil {
		return err
	}
	if sf.fs.NArg() > 0 {
		return fmt.Errorf("%w: unexpected argument %q", errUsage, sf.fs.Arg(0))
	}
	log := slog.New(slog.NewJSONHandler(stderr, nil))
	return withIndex(ctx, "reindex", cfg, func(st openedStore, tax *profiles.Taxonomy, live searchIndex) error {
		// The live index must exist to be swapped; it has the settings already or
		// gets them now.
		if err := live.EnsureIndex(ctx); err != nil {
			return err
		}
		tmp, err := openIndex(cfg, tax, live.Name()+meili.ReindexSuffix)
		if err != nil {
			return err
		}
		n, err := indexsync.New(st, live, indexsync.Cursor, log).Reindex(ctx, fresh{tmp, live})
		if err != nil {
			return err
		}
		return report(ctx, stdout, st, fmt.Sprintf("reindexed %d profiles into %s", n, live.Name()))
	})
}

// fresh is the rebuild of the live index under its own name (indexsync.Fresh).
type fresh struct {
	searchIndex
	live searchIndex
}

// Reset deletes what a rebuild cut short left, and makes the index anew.
func (f fresh) Reset(ctx context.Context) error {
	if err := f.DeleteIndex(ctx); err != nil {
		return err
	}
	return f.EnsureIndex(ctx)
}

func (f fresh) SwapIn(ctx context.Context) error { return f.live.Swap(ctx, f.Name()) }

func (f fresh) Drop(ctx context.Context) error { return f.DeleteIndex(ctx) }

// statusCmd is `indexer status`: how far the search index is behind the store, and
// whether Meilisearch answers (exit 1 when not: the container's health check).
func statusCmd(ctx context.Context, args []string, env func(string) (string, bool), stdout, stderr io.Writer) error {
	sf := newFlagSet("status", stderr)
	cfg, err := sf.load(args, env)
	if err != nil {
		return err
	}
	if sf.fs.NArg() > 0 {
		return fmt.Errorf("%w: unexpected argument %q", errUsage, sf.fs.Arg(0))
	}
	return withIndex(ctx, "status", cfg, func(st openedStore, _ *profiles.Taxonomy, live searchIndex) error {
		pctx, cancel := context.WithTimeout(ctx, 3*time.Second)
		defer cancel()
		if err := live.Ping(pctx); err != nil {
			report(ctx, stdout, st, "the search index does not answer")
			return fmt.Errorf("status: %w", err)
		}
		return report(ctx, stdout, st, "the search index answers")
	})
}

// createKey creates a Meilisearch API key; tests replace it.
var createKey = meili.CreateKey

// keysCmd is `indexer keys`: with the master key from MEILI_MASTER_KEY (never a flag,
// which other users could read in the process list), it creates the two scoped keys
// of the scaled set-up and prints them as environment lines: the matcher's, which
// may only search and read the profiles index, and the indexer's, which may write it
// and its rebuild. The master key is used for nothing else.
func keysCmd(ctx context.Context, args []string, env func(string) (string, bool), stdout, stderr io.Writer) error {
	sf := newFlagSet("keys", stderr)
	cfg, err := sf.load(args, env)
	if err != nil {
		return err
	}
	if sf.fs.NArg() > 0 {
		return fmt.Errorf("%w: unexpected argument %q", errUsage, sf.fs.Arg(0))
	}
	if cfg.MeiliURL == "" {
		return fmt.Errorf("%w: indexer keys needs Meilisearch: --meili URL or SAMENSPEL_MEILI_URL", errUsage)
	}
	master, _ := env("MEILI_MASTER_KEY")
	if master == "" {
		return fmt.Errorf("%w: indexer keys needs the master key in MEILI_MASTER_KEY", errUsage)
	}
	search, err := createKey(ctx, cfg.MeiliURL, master, meili.SearchKey(liveIndex))
	if err != nil {
		return fmt.Errorf("keys: the matcher's search key: %w", err)
	}
	indexer, err := createKey(ctx, cfg.MeiliURL, master, meili.IndexerKey(liveIndex))
	if err != nil {
		return fmt.Errorf("keys: the indexer's key (the search key was made: delete it or keep it): %w", err)
	}
	fmt.Fprintf(stdout, "SAMENSPEL_MEILI_SEARCH_KEY=%s\nSAMENSPEL_MEILI_INDEXER_KEY=%s\n", search, indexer)
	return nil
}
