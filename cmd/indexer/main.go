// Command indexer is the operator's tool for the profiles of the configured store
// (SPEC §8): `indexer import` loads NDJSON and CSV files into the embedded store,
// `indexer export` writes every profile out again. It works on the data directory
// itself, next to a running server if need be (the store lets both write), and so
// sees and writes whole profiles, contact and private fields included.
//
// `indexer sync`, `indexer reindex` and `indexer status` keep the Meilisearch index
// of the scaled set-up in step with the store (internal/indexsync); the store stays
// the source of truth, and the index gets public fields only.
//
// Settings come from internal/settings as for the matcher (config/matcher.yaml or
// --config, then SAMENSPEL_* variables, then flags); the indexer uses the data
// directory and the Meilisearch URL and key (the indexer's key: it writes).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"samenspel/config"
	"samenspel/internal/indexsync"
	"samenspel/internal/postgres"
	"samenspel/internal/profiles"
	"samenspel/internal/settings"
	"samenspel/internal/store"
)

// errUsage marks a command line that could not be understood: exit status 2.
var errUsage = errors.New("usage")

// errRejected marks an import that stored its good rows but rejected others: exit
// status 1, after the rejected rows and the summary have been printed.
var errRejected = errors.New("rows rejected")

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.LookupEnv, os.Stdout, os.Stderr)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "indexer:", err)
		if errors.Is(err, errUsage) {
			os.Exit(2)
		}
		os.Exit(1)
	}
}

// commands are the commands of indexer with the usage of each, in the order the
// general usage lists them.
var commands = []struct{ name, usage string }{
	{"import", `  indexer import [--config FILE] [--data DIR] [--batch N] [--gazetteer FILE] FILE...
      Upsert profiles by id from NDJSON (.ndjson, .jsonl) and CSV (.csv) files into
      the embedded store, N per transaction (default 1000). Every rejected row is
      reported as file:line: field: reason; the good rows are stored all the same,
      and the exit status is then 1. A profile naming an area inside a
      municipality of the gazetteer (default the shipped one, Utrecht) that the
      gazetteer does not hold is rejected, as the API refuses it.
`},
	{"export", `  indexer export [--config FILE] [--data DIR] [--format ndjson|csv] [--out FILE]
      Write every profile, by id, to standard output or FILE. NDJSON holds whole
      profiles, contact and private fields included: this is the operator's tool on
      the data directory, not a public export. CSV holds the columns of the CSV
      import (of the contact only the email, no private fields).
`},
	{"sync", `  indexer sync [--meili URL] [--watch] [--interval 1s]
      Apply the store's profile changes (its change log) to the Meilisearch index,
      public fields only, until caught up; with --watch, keep doing so until
      stopped. Applies the index settings first.
`},
	{"reindex", `  indexer reindex [--meili URL]
      Build a fresh index (profiles_reindex) from the store, swap it in atomically,
      drop the old one and apply the changes made meanwhile.
`},
	{"status", `  indexer status [--meili URL]
      Say how many changes the index lacks; exit 1 when Meilisearch does not answer.
`},
	{"keys", `  indexer keys [--meili URL]
      With the master key in MEILI_MASTER_KEY, create the two scoped keys and print
      them: SAMENSPEL_MEILI_SEARCH_KEY (the matcher: search and read the profiles
      index) and SAMENSPEL_MEILI_INDEXER_KEY (the indexer: write it and its rebuild).
`},
}

// settingsNote ends every usage.
const settingsNote = `
Settings as for the matcher: config/matcher.yaml (or --config FILE), then
SAMENSPEL_DATA, SAMENSPEL_MEILI_URL, SAMENSPEL_MEILI_KEY, SAMENSPEL_GAZETTEER,
then the flags.
`

// usage is the usage of every command.
var usage = func() string {
	var b strings.Builder
	b.WriteString("usage:\n")
	for _, c := range commands {
		b.WriteString(c.usage)
	}
	return b.String() + settingsNote + "\n`indexer COMMAND -h` shows the flags of a command.\n"
}()

// usageOf is the usage of command name, or of every command when name is not one.
func usageOf(name string) string {
	for _, c := range commands {
		if c.name == name {
			return "usage:\n" + c.usage + settingsNote
		}
	}
	return usage
}

// run runs a command line; it is main without the process around it. env looks
// up environment variables (os.LookupEnv in main). -h or --help prints the usage of
// the command to stdout and is no error; a command line that is not understood
// prints it to stderr and is a usage error (exit status 2).
func run(ctx context.Context, args []string, env func(string) (string, bool), stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return fmt.Errorf("%w: a command is required", errUsage)
	}
	if isHelp(args[0]) {
		fmt.Fprint(stdout, usage)
		return nil
	}
	err := dispatch(ctx, args[0], args[1:], env, stdout, stderr)
	var help *helpRequest
	switch {
	case errors.As(err, &help):
		fmt.Fprint(stdout, usageOf(args[0])+"\nflags:\n"+help.flags)
		return nil
	case errors.Is(err, errUsage):
		fmt.Fprint(stderr, usageOf(args[0]))
	}
	return err
}

// dispatch runs command name with its args.
func dispatch(ctx context.Context, name string, args []string, env func(string) (string, bool), stdout, stderr io.Writer) error {
	switch name {
	case "import":
		return importCmd(ctx, args, env, stdout, stderr)
	case "export":
		return exportCmd(ctx, args, env, stdout, stderr)
	case "sync":
		return syncCmd(ctx, args, env, stdout, stderr)
	case "reindex":
		return reindexCmd(ctx, args, env, stdout, stderr)
	case "status":
		return statusCmd(ctx, args, env, stdout, stderr)
	case "keys":
		return keysCmd(ctx, args, env, stdout, stderr)
	default:
		return fmt.Errorf("%w: unknown command %q", errUsage, name)
	}
}

// isHelp reports whether arg asks for help.
func isHelp(arg string) bool {
	return arg == "-h" || arg == "-help" || arg == "--help" || arg == "help"
}

// helpRequest is a command line that asked for help (-h, --help): not an error,
// the command's usage on standard output and exit status 0. Flags are the
// command's flags with their defaults, as flag.PrintDefaults writes them.
type helpRequest struct{ flags string }

func (h *helpRequest) Error() string { return "help requested" }

// settingsFlags are a command's flag set: its own flags and the settings' flags
// (settings.AddFlags), which Load applies over the file and the environment.
type settingsFlags struct {
	fs *flag.FlagSet
	sf *settings.Flags
}

// newFlagSet returns the flag set of command name with the settings' flags of the
// store and the services on it, and more groups if asked. It prints nothing (run
// prints the usage, main the error), so the writer it takes goes unused.
func newFlagSet(name string, _ io.Writer, more ...settings.Group) settingsFlags {
	fs := flag.NewFlagSet("indexer "+name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	groups := settings.StoreFlags | settings.ServiceFlags
	for _, g := range more {
		groups |= g
	}
	return settingsFlags{fs: fs, sf: settings.AddFlags(fs, groups)}
}

// load parses args and builds the settings from the file, env and the settings
// flags that were given: a helpRequest for -h or --help.
func (sf settingsFlags) load(args []string, env func(string) (string, bool)) (settings.Settings, error) {
	if err := sf.fs.Parse(args); errors.Is(err, flag.ErrHelp) {
		var b strings.Builder
		sf.fs.SetOutput(&b)
		sf.fs.PrintDefaults()
		return settings.Settings{}, &helpRequest{flags: b.String()}
	} else if err != nil {
		return settings.Settings{}, fmt.Errorf("%w: %v", errUsage, err)
	}
	cfg, err := sf.sf.Load(env)
	if err != nil {
		return cfg, fmt.Errorf("%w: %v", errUsage, err)
	}
	return cfg, nil
}

// source is the store the indexer works on: the change log and cursors that the
// search index sync follows (indexsync.Source), and the writes of an import. Both
// stores implement it.
type source interface {
	indexsync.Source
	UpsertProfilesKeeping(ctx context.Context, ps []profiles.Profile, keep func(stored, p profiles.Profile) (profiles.Profile, bool)) (created, updated, kept int, err error)
	Close() error
}

var (
	_ source = (*store.Store)(nil)
	_ source = (*postgres.Store)(nil)
)

// openedStore is the store of the settings, opened, with what only one of the two
// can do.
type openedStore struct {
	source
	// listen returns a channel that receives when a profile write commits on any
	// replica (postgres.Store.Listen: LISTEN/NOTIFY); it is nil for the embedded
	// store, whose followers poll.
	listen func(ctx context.Context) (<-chan struct{}, error)
}

// openStore opens the store of cfg (PostgreSQL with database_url, else the
// embedded store) with the shipped taxonomy.
func openStore(ctx context.Context, cfg settings.Settings) (openedStore, *profiles.Taxonomy, error) {
	tax, err := profiles.ParseTaxonomy(config.Taxonomy)
	if err != nil {
		return openedStore{}, nil, err
	}
	if cfg.DatabaseURL != "" {
		st, err := postgres.Open(ctx, cfg.DatabaseURL, tax)
		if err != nil {
			return openedStore{}, nil, err
		}
		return openedStore{source: st, listen: st.Listen}, tax, nil
	}
	st, err := store.Open(ctx, cfg.Data, tax)
	if err != nil {
		return openedStore{}, nil, err
	}
	return openedStore{source: st}, tax, nil
}
