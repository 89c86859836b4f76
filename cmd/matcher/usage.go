package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"samenspel/internal/settings"
)

// commands are the commands of matcher with the usage of each, in the order the
// general usage lists them.
var commands = []struct{ name, usage string }{
	{"serve", `  matcher [serve] [--config FILE] [--addr HOST:PORT] [--data DIR] [--redis URL]
                  [--meili URL] [--no-examples] [--gazetteer FILE] [--rate-ip N] [--rate-ip-burst N]
                  [--rate-token N] [--rate-token-burst N] [--rate-register N]
                  [--request-timeout DURATION] [--write-timeout DURATION] [--max-heavy N]
      Serve the API and the pages until SIGINT or SIGTERM.
`},
	{"token", `  matcher token create --role admin|tender_owner|partner --name NAME [--profile ID]
                  [--expires DURATION] [--data DIR]
  matcher token list [--json] [--data DIR]
  matcher token revoke ID [--data DIR]
  matcher token rotate ID [--name NAME] [--expires DURATION] [--data DIR]
      Make, list, revoke or rotate API tokens; a new token is printed once.
`},
	{"suggest", `  matcher suggest --tender T.json --profiles P.ndjson|P.csv [--profiles ...]
                  [--collaborations E.ndjson] [--top N] [--variants] [--timeout DURATION]
                  [--why ID]
      Suggest coalitions for one tender from files, with no server or store; a
      search still running after --timeout (default 10s) prints the best
      coalitions found with "exact": false and its "bound". --variants lists
      each idea once, with the alternatives for its seats. --why ID prints why
      (not) that profile instead: its best coalition, rank and better changes.
`},
	{"recompute", `  matcher recompute [--full] [serve's settings flags]
      Recompute the suggestions of the open tenders whose inputs changed (all with
      --full), once, now.
`},
	{"migrate", `  matcher migrate --to postgres://USER:PASSWORD@HOST:PORT/DB [--data DIR] [--config FILE]
      Copy the embedded store of --data (SAMENSPEL_DATA) into PostgreSQL: the
      profiles whole, the tenders with their owners, times and versions, their
      interests and awards, the collaboration events with their states, the
      tokens with their lifetimes, the ideas with their receipts, the webhooks
      and the notifications. It can run again: what PostgreSQL holds as the
      embedded store does is left as it is, a record it holds otherwise is
      replaced by the embedded one, and what only PostgreSQL holds is left
      alone. Not copied: job runs, stored suggestions (the next recompute makes
      them), the pages' sessions (sign in again). --database is not read: the
      copy goes to --to.
`},
	{"healthcheck", `  matcher healthcheck [serve's settings flags]
      Exit 0 when the server these settings start answers /readyz with 200.
`},
}

// usage is the usage of every command.
var usage = func() string {
	var b strings.Builder
	b.WriteString("usage:\n")
	for _, c := range commands {
		b.WriteString(c.usage)
	}
	b.WriteString("\n`matcher COMMAND -h` shows the flags of a command.\n")
	return b.String()
}()

// usageOf is the usage of command name, or of every command when name is not one.
func usageOf(name string) string {
	for _, c := range commands {
		if c.name == name {
			return "usage:\n" + c.usage
		}
	}
	return usage
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

// parseFlags parses args into fs: a helpRequest for -h or --help, a usage error for
// a command line fs does not take. It prints nothing: run prints the usage.
func parseFlags(fs *flag.FlagSet, args []string) error {
	fs.SetOutput(io.Discard)
	err := fs.Parse(args)
	if errors.Is(err, flag.ErrHelp) {
		return &helpRequest{flags: flagDefaults(fs)}
	}
	if err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	return nil
}

// flagDefaults are fs's flags with their defaults.
func flagDefaults(fs *flag.FlagSet) string {
	var b strings.Builder
	fs.SetOutput(&b)
	fs.PrintDefaults()
	fs.SetOutput(io.Discard)
	return b.String()
}

// commandSettings parses args into fs, a command's own flags beside the settings'
// flags sf, and loads the settings (the file, the environment, then the flags
// given): a helpRequest for -h or --help, a usage error for a command line or
// settings that cannot be used. The command takes no arguments but flags.
func commandSettings(fs *flag.FlagSet, sf *settings.Flags, args []string) (settings.Settings, error) {
	fs.SetOutput(io.Discard)
	switch err := fs.Parse(args); {
	case errors.Is(err, flag.ErrHelp):
		return settings.Settings{}, &helpRequest{flags: flagDefaults(fs)}
	case err != nil:
		return settings.Settings{}, fmt.Errorf("%w: %v", errUsage, err)
	case fs.NArg() > 0:
		return settings.Settings{}, fmt.Errorf("%w: unexpected argument %q", errUsage, fs.Arg(0))
	}
	cfg, err := sf.Load(os.LookupEnv)
	if err != nil {
		return cfg, fmt.Errorf("%w: %v", errUsage, err)
	}
	return cfg, nil
}

// loadSettings is settings.Load of args (serve's settings flags) from the
// environment: a helpRequest for -h or --help, a usage error for settings that
// cannot be used.
func loadSettings(args []string) (settings.Settings, error) {
	cfg, err := settings.Load(args, os.LookupEnv)
	var fe *settings.FlagError
	switch {
	case errors.As(err, &fe) && errors.Is(err, flag.ErrHelp):
		return cfg, &helpRequest{flags: fe.Flags}
	case err != nil:
		return cfg, fmt.Errorf("%w: %v", errUsage, err)
	}
	return cfg, nil
}

// exitCode is the exit status for run's error: 0 for none, 2 for a command line
// that was not understood, 1 for any other failure.
func exitCode(err error) int {
	switch {
	case err == nil:
		return 0
	case errors.Is(err, errUsage):
		return 2
	default:
		return 1
	}
}
