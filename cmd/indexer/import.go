package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"

	"samenspel/internal/gazetteer"
	"samenspel/internal/indexsync"
	"samenspel/internal/profiles"
	"samenspel/internal/settings"
)

// defaultBatch is how many profiles one transaction of an import stores: large
// enough that the cost of a transaction (a synced commit, a full-text segment) is
// small, small enough that memory stays flat whatever the file's size and that a
// server writing to the same store waits at most a batch (about 0.1 s) for its
// turn. 5000 imports 50,000 profiles some 15% faster but holds the store longer.
const defaultBatch = 1000

// importCounts are the results of an import, of one file or of all.
type importCounts struct {
	created, updated, rejected int
	// kept counts the updated profiles that kept fields the file cannot carry
	// from the store (CSV: profiles.KeepUncarried).
	kept int
	// repeats counts the repeated entries of set-valued lists (areas, themes)
	// dropped from the imported rows (SPEC §2): never an error.
	repeats int
}

func (c *importCounts) add(o importCounts) {
	c.created += o.created
	c.updated += o.updated
	c.rejected += o.rejected
	c.kept += o.kept
	c.repeats += o.repeats
}

func (c importCounts) String() string {
	kept := ""
	if c.kept > 0 {
		kept = fmt.Sprintf(", of which %d kept their private fields and contact details other than the email from the store: CSV does not carry them", c.kept)
	}
	repeats := ""
	if c.repeats > 0 {
		repeats = fmt.Sprintf("; dropped %d repeated entries of areas or themes (the first of each stays)", c.repeats)
	}
	return fmt.Sprintf("imported %d (created %d, updated %d%s), rejected %d%s",
		c.created+c.updated, c.created, c.updated, kept, c.rejected, repeats)
}

// importFile is one file to import and how to read it.
type importFile struct {
	name string
	csv  bool
	size int64
}

// importCmd is `indexer import FILE...`. Every file is checked before anything is
// stored: an unknown extension is a usage error, a file that cannot be opened an
// error naming it, and in both cases nothing is imported. Then the files are read
// in order and their valid profiles upserted by id, defaultBatch (--batch) to a
// transaction. A CSV row that updates a stored profile keeps the stored fields a
// CSV file cannot carry (profiles.KeepUncarried), and the report counts those. A
// batch, once stored, stays stored: if reading fails or the import
// is stopped half-way through a file, the earlier batches remain, and running the
// same import again is safe because upserts by id are idempotent.
func importCmd(ctx context.Context, args []string, env func(string) (string, bool), stdout, stderr io.Writer) error {
	sf := newFlagSet("import", stderr, settings.GazetteerFlag)
	batch := sf.fs.Int("batch", defaultBatch, "profiles per transaction")
	cfg, err := sf.load(args, env)
	if err != nil {
		return err
	}
	if *batch < 1 {
		return fmt.Errorf("%w: --batch must be at least 1, not %d", errUsage, *batch)
	}
	if sf.fs.NArg() == 0 {
		return fmt.Errorf("%w: indexer import needs at least one FILE (.ndjson, .jsonl or .csv)", errUsage)
	}
	var files []importFile
	for _, name := range sf.fs.Args() {
		f := importFile{name: name}
		switch strings.ToLower(filepath.Ext(name)) {
		case ".ndjson", ".jsonl":
		case ".csv":
			f.csv = true
		default:
			return fmt.Errorf("%w: %s: unknown format; want .ndjson, .jsonl or .csv", errUsage, name)
		}
		info, err := os.Stat(name)
		if err != nil {
			return fmt.Errorf("import: %w", err) // *PathError names the file
		}
		if !info.Mode().IsRegular() {
			return fmt.Errorf("import: %s: not a regular file", name)
		}
		f.size = info.Size()
		files = append(files, f)
	}

	gaz, err := gazetteer.Open(cfg.Gazetteer)
	if err != nil {
		return fmt.Errorf("import: %w", err)
	}
	st, tax, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	// The files are read as the API reads bodies, with the gazetteer's rule on
	// areas; the store keeps its taxonomy, which reads what it holds.
	im := &importer{st: st, tax: tax.WithAreas(gaz), batch: *batch, stderr: stderr, bar: isTerminal(stderr)}
	var total importCounts
	for _, f := range files {
		counts, err := im.file(ctx, f)
		total.add(counts)
		fmt.Fprintf(stderr, "%s: %s\n", f.name, counts)
		if err != nil {
			fmt.Fprintln(stdout, total)
			return err
		}
	}
	fmt.Fprintln(stdout, total)
	if cfg.MeiliURL != "" {
		// The scaled set-up: the imported profiles go on to the search index now,
		// not at the next pass of the watching sync. Should Meilisearch fail, they
		// are stored and wait in the change log for that sync.
		log := slog.New(slog.NewJSONHandler(stderr, nil))
		err := withIndex(ctx, "import", cfg, func(st openedStore, _ *profiles.Taxonomy, live searchIndex) error {
			if err := live.EnsureIndex(ctx); err != nil {
				return err
			}
			n, err := indexsync.New(st, live, indexsync.Cursor, log).Pass(ctx)
			if err != nil {
				return err
			}
			return report(ctx, stdout, st, fmt.Sprintf("search index: applied %d changes", n))
		})
		if err != nil {
			return fmt.Errorf("import: the profiles are stored, but the search index was not updated (indexer sync applies them): %w", err)
		}
	}
	if total.rejected > 0 {
		return fmt.Errorf("%w: %d; the good rows are stored", errRejected, total.rejected)
	}
	return nil
}

// importer stores the profiles of files in batches.
type importer struct {
	st     source
	tax    *profiles.Taxonomy
	batch  int
	stderr io.Writer
	bar    bool // show a progress bar on stderr
}

// file imports one file and returns what it did, also when it stops with an error.
func (im *importer) file(ctx context.Context, f importFile) (importCounts, error) {
	var counts importCounts
	fh, err := os.Open(f.name)
	if err != nil {
		return counts, fmt.Errorf("import: %w", err)
	}
	defer fh.Close()
	var r io.Reader = fh
	var bar *progressbar.ProgressBar
	if im.bar {
		bar = progressbar.NewOptions64(f.size,
			progressbar.OptionSetWriter(im.stderr),
			progressbar.OptionSetDescription(f.name),
			progressbar.OptionShowBytes(true),
			progressbar.OptionSetWidth(30),
			progressbar.OptionThrottle(100*time.Millisecond),
			progressbar.OptionClearOnFinish())
		reader := progressbar.NewReader(fh, bar)
		r = &reader
		defer bar.Finish()
	}
	reject := func(e profiles.LineError) {
		if bar != nil {
			bar.Clear()
		}
		fmt.Fprintln(im.stderr, e.Error())
		counts.rejected++
	}
	pending := make([]profiles.Profile, 0, im.batch)
	flush := func() error {
		if len(pending) == 0 {
			return nil
		}
		var keep func(stored, p profiles.Profile) (profiles.Profile, bool)
		if f.csv {
			keep = profiles.KeepUncarried // a CSV row never erases what CSV cannot carry
		}
		created, updated, kept, err := im.st.UpsertProfilesKeeping(ctx, pending, keep)
		if err != nil {
			return fmt.Errorf("import %s: %w", f.name, err)
		}
		counts.created += created
		counts.updated += updated
		counts.kept += kept
		pending = pending[:0]
		return nil
	}

	if f.csv {
		// A CSV file is read whole (profiles.ReadProfilesCSV has no row-at-a-time
		// form); it is the spreadsheet form, and it is still stored in batches.
		ps, bad, repeats, err := im.tax.ReadProfilesCSVRepeats(r, f.name)
		counts.repeats += repeats
		for _, e := range bad {
			reject(e)
		}
		if err != nil {
			return counts, fmt.Errorf("import: %w", err)
		}
		for len(ps) > 0 {
			n := min(im.batch, len(ps))
			pending = append(pending, ps[:n]...)
			ps = ps[n:]
			if err := flush(); err != nil {
				return counts, err
			}
		}
		return counts, nil
	}

	stream := newProfileStream(im.tax, r, f.name)
	for {
		p, bad, err := stream.next()
		if errors.Is(err, io.EOF) {
			counts.repeats += stream.repeats
			break
		}
		if err != nil {
			if ferr := flush(); ferr != nil {
				return counts, errors.Join(fmt.Errorf("import: %w", err), ferr)
			}
			return counts, fmt.Errorf("import: %w", err)
		}
		if bad != nil {
			reject(*bad)
			continue
		}
		pending = append(pending, p)
		if len(pending) == im.batch {
			if err := flush(); err != nil {
				return counts, err
			}
		}
	}
	return counts, flush()
}

// isTerminal reports whether w is a terminal: only there is a progress bar drawn.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}
