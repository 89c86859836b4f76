package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"time"

	"samenspel/config"
	"samenspel/internal/match"
	"samenspel/internal/profiles"
)

// listFlag collects a repeated flag.
type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, ",") }
func (l *listFlag) Set(v string) error { *l = append(*l, v); return nil }

// defaultSuggestTimeout is how long `matcher suggest` lets a search run, as the
// server's request deadline does (settings.DefaultBounds).
const defaultSuggestTimeout = 10 * time.Second

// suggest is `matcher suggest` (SPEC §7): it reads a tender, profiles and
// collaboration events from files and prints the suggestions JSON of SPEC §6. Any bad
// line in any file is reported as file:line and nothing is printed on stdout. The
// search is bounded (SPEC §6): when --timeout passes, or ctx ends (SIGINT), it
// prints the best coalitions found, with "exact": false and the proven "bound".
// With --why ID it prints why (not) that profile instead (match.Fit).
func suggest(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("suggest", flag.ContinueOnError)
	var profileFiles, eventFiles listFlag
	tenderFile := fs.String("tender", "", "the tender, one JSON document")
	fs.Var(&profileFiles, "profiles", "profiles, NDJSON or CSV (by extension .csv); repeatable")
	fs.Var(&eventFiles, "collaborations", "collaboration events, NDJSON; repeatable")
	top := fs.Int("top", match.DefaultTop, fmt.Sprintf("coalitions to print, 1 to %d", match.MaxTop))
	variants := fs.Bool("variants", false, "list a coalition that only swaps partners of a better-ranked one for others that do as well once, each member with its alternatives (SPEC §6)")
	timeout := fs.Duration("timeout", defaultSuggestTimeout, "how long the search may run; then the best coalitions found, with exact false and their bound")
	why := fs.String("why", "", "print why (not) this profile instead of the suggestions (SPEC §6): its best coalition and rank, what keeps it out, and the changes to its offer that would raise its score")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	switch {
	case fs.NArg() > 0:
		return fmt.Errorf("%w: unexpected argument %q", errUsage, fs.Arg(0))
	case *tenderFile == "":
		return fmt.Errorf("%w: --tender is required", errUsage)
	case len(profileFiles) == 0:
		return fmt.Errorf("%w: --profiles is required", errUsage)
	case *top < 1 || *top > match.MaxTop:
		return fmt.Errorf("%w: --top must be from 1 to %d, not %d", errUsage, match.MaxTop, *top)
	case *timeout <= 0:
		return fmt.Errorf("%w: --timeout must be positive, not %v", errUsage, *timeout)
	}
	// One answer and then the process ends: collecting garbage on the way costs more
	// than the memory it frees (the wide instance of 3,000 profiles and 12,000 events
	// allocates some 15 MB). The collector wakes only near suggestGCLimit, so a far
	// larger input still runs within bounded memory. Both are put back on return, for
	// the callers that are not a process of their own (the tests, the benchmark).
	defer debug.SetGCPercent(debug.SetGCPercent(-1))
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(suggestGCLimit))
	in, err := readInput(shippedTaxonomy, *tenderFile, profileFiles, eventFiles)
	if err != nil {
		return err
	}
	if *why != "" && !slices.ContainsFunc(in.Profiles, func(p profiles.Profile) bool { return p.ID == *why }) {
		return fmt.Errorf("%w: --why %q is no profile in the --profiles files", errUsage, *why)
	}
	// The deadline starts with the search: reading the files is not searching.
	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	var answer any
	if *why != "" {
		answer, err = match.Fit(in, *why, match.Options{Stop: ctx.Done()})
	} else {
		answer = match.Suggest(in, match.Options{Top: *top, Stop: ctx.Done(), Variants: *variants})
	}
	if err != nil {
		return err
	}
	out, err := json.MarshalIndent(answer, "", "  ")
	if err != nil {
		return err
	}
	_, err = stdout.Write(append(out, '\n'))
	return err
}

// shippedTaxonomy is the taxonomy `matcher suggest` validates against.
func shippedTaxonomy() (*profiles.Taxonomy, error) { return profiles.ParseTaxonomy(config.Taxonomy) }

// suggestGCLimit is the heap size at which `matcher suggest`, which otherwise does not
// collect garbage, starts to collect it.
const suggestGCLimit = 512 << 20

// maxReported is how many bad lines an input error lists before it says how many more.
const maxReported = 20

// readInput reads and validates every file. It reports every bad line of every file,
// and returns an input only when all of them are good: nothing partially valid is
// used. The files are read at once, each on every core (profiles.ReadProfiles), and
// then taken in the order of the command line, so that the errors come in that
// order, file by file and line by line, and a file that cannot be read is the first
// one of the command line that cannot be.
//
// The events need no taxonomy, so they are being read while taxonomy gives it.
func readInput(taxonomy func() (*profiles.Taxonomy, error), tenderFile string, profileFiles, eventFiles []string) (match.Input, error) {
	var (
		in      match.Input
		tender  fileRead[profiles.Tender]
		ps      = make([]fileRead[profiles.Profile], len(profileFiles))
		es      = make([]fileRead[profiles.Collaboration], len(eventFiles))
		reading sync.WaitGroup
	)
	for i, name := range eventFiles {
		reading.Go(func() {
			es[i] = readFile(name, func(r io.Reader) ([]profiles.Collaboration, []profiles.LineError, error) {
				return profiles.ReadCollaborations(r, name)
			})
		})
	}
	tax, err := taxonomy()
	if err != nil {
		reading.Wait()
		return in, err
	}
	reading.Go(func() {
		data, err := os.ReadFile(tenderFile)
		if err != nil {
			tender.err = err
			return
		}
		tn, err := tax.DecodeTender(data)
		tender.docs = []profiles.Tender{tn}
		if err != nil {
			tender.bad = []error{fmt.Errorf("%s: %w", tenderFile, err)}
		}
	})
	for i, name := range profileFiles {
		reading.Go(func() {
			ps[i] = readFile(name, func(r io.Reader) ([]profiles.Profile, []profiles.LineError, error) {
				if strings.EqualFold(filepath.Ext(name), ".csv") {
					return tax.ReadProfilesCSV(r, name)
				}
				return tax.ReadProfiles(r, name)
			})
		})
	}
	reading.Wait()

	if tender.err != nil {
		return in, tender.err
	}
	in.Tender = tender.docs[0]
	bad := tender.bad
	if len(ps) == 1 { // no id of one file is in another
		if ps[0].err != nil {
			return in, ps[0].err
		}
		bad = append(bad, ps[0].bad...)
		in.Profiles = ps[0].docs
	} else {
		seen := map[string]string{}
		for i, name := range profileFiles {
			if ps[i].err != nil {
				return in, ps[i].err
			}
			bad = append(bad, ps[i].bad...)
			for _, p := range ps[i].docs {
				if first, dup := seen[p.ID]; dup {
					bad = append(bad, fmt.Errorf("%s: profile id %q is also in %s", name, p.ID, first))
					continue
				}
				seen[p.ID] = name
				in.Profiles = append(in.Profiles, p)
			}
		}
	}
	var events []profiles.Collaboration
	for i := range es {
		if es[i].err != nil {
			return in, es[i].err
		}
		bad = append(bad, es[i].bad...)
		if len(es) == 1 {
			events = es[0].docs
		} else {
			events = append(events, es[i].docs...)
		}
	}
	if len(bad) > 0 {
		return in, inputError(bad)
	}
	in.Trust = match.NewTrust(events)
	return in, nil
}

// fileRead is what reading one file gave: its documents and rejected lines, or the
// error that kept it from being read.
type fileRead[T any] struct {
	docs []T
	bad  []error
	err  error
}

func readFile[T any](name string, read func(io.Reader) ([]T, []profiles.LineError, error)) fileRead[T] {
	f, err := os.Open(name)
	if err != nil {
		return fileRead[T]{err: err}
	}
	defer f.Close()
	docs, lineErrs, err := read(f)
	if err != nil {
		return fileRead[T]{err: err}
	}
	bad := make([]error, len(lineErrs))
	for i, e := range lineErrs {
		bad[i] = e
	}
	return fileRead[T]{docs: docs, bad: bad}
}

// inputError lists the bad lines, one a line, at most maxReported of them.
func inputError(bad []error) error {
	var b strings.Builder
	fmt.Fprintf(&b, "%d bad input line(s), nothing computed:", len(bad))
	for i, e := range bad {
		if i == maxReported {
			fmt.Fprintf(&b, "\n  ... and %d more", len(bad)-maxReported)
			break
		}
		b.WriteString("\n  ")
		b.WriteString(e.Error())
	}
	return errors.New(b.String())
}
