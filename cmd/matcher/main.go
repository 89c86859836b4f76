// Command matcher is Samenspel's coalition matcher. `matcher serve` (the default)
// serves the API and the pages (SPEC §8) over the embedded store, or with Redis and
// Meilisearch in the scaled set-up; `matcher suggest` answers one tender from files,
// with no server, store or network (SPEC §7); `matcher token` makes, lists,
// revokes and rotates API tokens; `matcher healthcheck` is the container's health
// check.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"samenspel/config"
	"samenspel/internal/profiles"
	"samenspel/internal/store"
)

// errUsage marks a command line that could not be understood: exit status 2.
var errUsage = errors.New("usage")

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "matcher:", err)
		if errors.Is(err, errUsage) {
			os.Exit(2)
		}
		os.Exit(1)
	}
}

const usage = `usage:
  matcher [serve] [--config FILE] [--addr HOST:PORT] [--data DIR] [--redis URL]
                  [--meili URL] [--no-examples]
  matcher token create --role admin|tender_owner|partner --name NAME [--profile ID]
                  [--expires DURATION] [--data DIR]
  matcher token list [--json] [--data DIR]
  matcher token revoke ID [--data DIR]
  matcher token rotate ID [--name NAME] [--expires DURATION] [--data DIR]
  matcher suggest --tender T.json --profiles P.ndjson|P.csv [--profiles ...]
                  [--collaborations E.ndjson] [--top N]
  matcher recompute [--full] [--data DIR] [--redis URL] [--meili URL]
  matcher healthcheck [--addr HOST:PORT]   (exit 0 when /readyz answers 200)
`

// run dispatches a command line; it is main without the process around it.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || len(args[0]) > 0 && args[0][0] == '-' {
		return serve(ctx, args, stderr, nil)
	}
	switch args[0] {
	case "serve":
		return serve(ctx, args[1:], stderr, nil)
	case "suggest":
		return suggest(ctx, args[1:], stdout, stderr)
	case "token":
		return token(ctx, args[1:], stdout, stderr)
	case "recompute":
		return recomputeCommand(ctx, args[1:], stdout, stderr)
	case "healthcheck":
		return healthcheck(ctx, args[1:], stdout)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	default:
		fmt.Fprint(stderr, usage)
		return fmt.Errorf("%w: unknown command %q", errUsage, args[0])
	}
}

// openData opens the store in the data directory dir with the taxonomy compiled
// into the binary, as every command that works on the store does.
func openData(ctx context.Context, dir string) (*store.Store, *profiles.Taxonomy, error) {
	tax, err := profiles.ParseTaxonomy(config.Taxonomy)
	if err != nil {
		return nil, nil, err
	}
	st, err := store.Open(ctx, dir, tax)
	if err != nil {
		return nil, nil, err
	}
	return st, tax, nil
}
