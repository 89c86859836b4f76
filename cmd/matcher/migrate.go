package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"

	"samenspel/config"
	"samenspel/internal/postgres"
	"samenspel/internal/profiles"
	"samenspel/internal/settings"
	"samenspel/internal/store"
)

// migrateBatch is how many records of a kind migrate writes in one PostgreSQL
// transaction.
const migrateBatch = 500

// migrateCommand is `matcher migrate --to postgres://... [--data DIR]`: it copies
// the embedded store of the settings (--data, SAMENSPEL_DATA) into PostgreSQL, so
// that a municipality that started embedded can grow to the scaled set-up. It
// reads everything in one read transaction of the embedded store and writes each
// kind in batches, a transaction each, so that a run cut short leaves whole
// batches and a second run completes it; a second run over a complete copy
// changes nothing. It shows a progress bar when standard error is a terminal and
// prints what it did per kind.
func migrateCommand(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("migrate", flag.ContinueOnError)
	to := fs.String("to", "", "the PostgreSQL database to copy into: postgres://user:password@host:port/database")
	cfg, err := commandSettings(fs, settings.AddFlags(fs, settings.StoreFlags), args)
	if err != nil {
		return err
	}
	if err := checkPostgresURL(*to); err != nil {
		return err
	}
	switch ok, err := store.Exists(cfg.Data); {
	case err != nil:
		return err
	case !ok:
		return fmt.Errorf("data: no embedded store in %q (no samenspel.db there): nothing to migrate; set --data or SAMENSPEL_DATA", cfg.Data)
	}
	tax, err := profiles.ParseTaxonomy(config.Taxonomy)
	if err != nil {
		return err
	}
	src, err := store.Open(ctx, cfg.Data, tax)
	if err != nil {
		return err
	}
	defer src.Close()
	if empty, err := src.Empty(ctx); err != nil {
		return err
	} else if empty {
		return fmt.Errorf("data: the embedded store in %q holds no profile and no tender: nothing to migrate", cfg.Data)
	}
	dst, err := postgres.Open(ctx, *to, tax)
	if err != nil {
		return err
	}
	defer dst.Close()

	var bar *progressbar.ProgressBar
	var done []migrated
	err = src.Export(ctx, func(x *store.Export) error {
		n, err := x.Counts(ctx)
		if err != nil {
			return err
		}
		if f, ok := stderr.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
			bar = progressbar.NewOptions(n.Profiles+n.Tenders+n.Interests+n.Tokens+n.Awards+n.Collaborations+n.Ideas+n.Webhooks+n.Notifications,
				progressbar.OptionSetWriter(stderr), progressbar.OptionSetDescription("migrate"), progressbar.OptionShowCount(),
				progressbar.OptionSetWidth(30), progressbar.OptionThrottle(100*time.Millisecond),
				progressbar.OptionClearOnFinish())
		}
		m := &migration{bar: bar}
		// In the order the references go: a kind's records name only records of
		// the kinds before it.
		steps := []func() (migrated, error){
			func() (migrated, error) { return copyKind(ctx, m, "profiles", x.Profiles, dst.ImportProfiles) },
			func() (migrated, error) { return copyKind(ctx, m, "tenders", x.Tenders, dst.ImportTenders) },
			func() (migrated, error) { return copyKind(ctx, m, "interests", x.Interests, dst.ImportInterests) },
			func() (migrated, error) { return copyKind(ctx, m, "tokens", x.Tokens, dst.ImportTokens) },
			func() (migrated, error) { return copyKind(ctx, m, "awards", x.Awards, dst.ImportAwards) },
			func() (migrated, error) {
				return copyKind(ctx, m, "collaboration events", x.Collaborations, dst.ImportCollaborations)
			},
			func() (migrated, error) { return copyKind(ctx, m, "ideas", x.Ideas, dst.ImportIdeas) },
			func() (migrated, error) { return copyKind(ctx, m, "webhooks", x.Webhooks, dst.ImportWebhooks) },
			func() (migrated, error) {
				return copyKind(ctx, m, "notifications", x.Notifications, dst.ImportNotifications)
			},
		}
		for _, step := range steps {
			d, err := step()
			done = append(done, d)
			if err != nil {
				return err
			}
		}
		return nil
	})
	if bar != nil {
		bar.Finish()
	}
	for _, d := range done {
		fmt.Fprintln(stdout, d)
	}
	if err != nil {
		return fmt.Errorf("migrate: %w (the batches written are whole: run it again to complete the copy)", err)
	}
	return nil
}

// checkPostgresURL refuses a --to that is not a postgres:// URL with a host.
func checkPostgresURL(raw string) error {
	if raw == "" {
		return fmt.Errorf("%w: --to: the PostgreSQL database to copy into is required (postgres://user:password@host:port/database)", errUsage)
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") || (u.Host == "" && u.Query().Get("host") == "") {
		shown := "an unreadable URL"
		if err == nil {
			shown = fmt.Sprintf("%q", u.Redacted())
		}
		return fmt.Errorf("%w: --to: want postgres://user:password@host:port/database, got %s", errUsage, shown)
	}
	return nil
}

// migration is the progress of one run.
type migration struct{ bar *progressbar.ProgressBar }

func (m *migration) step(kind string, n int) {
	if m.bar != nil {
		m.bar.Describe("migrate " + kind)
		_ = m.bar.Add(n)
	}
}

// migrated is what a run did with the records of one kind.
type migrated struct {
	kind string
	postgres.Imported
}

func (d migrated) String() string {
	return fmt.Sprintf("%s %d copied (%d new, %d replaced, %d unchanged)", d.kind, d.Added+d.Replaced+d.Unchanged,
		d.Added, d.Replaced, d.Unchanged)
}

// copyKind hands the records that export reads to write, migrateBatch at a time.
func copyKind[T any](ctx context.Context, m *migration, kind string, export func(context.Context, func(T) error) error,
	write func(context.Context, []T) (postgres.Imported, error)) (migrated, error) {
	d := migrated{kind: kind}
	batch := make([]T, 0, migrateBatch)
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		got, err := write(ctx, batch)
		if err != nil {
			return err
		}
		d.Imported = d.Imported.Add(got)
		m.step(kind, len(batch))
		batch = batch[:0]
		return nil
	}
	err := export(ctx, func(r T) error {
		batch = append(batch, r)
		if len(batch) < migrateBatch {
			return nil
		}
		return flush()
	})
	if err == nil {
		err = flush()
	}
	if err != nil {
		return d, fmt.Errorf("%s: %w", kind, err)
	}
	return d, nil
}
