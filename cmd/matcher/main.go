// Command matcher is Samenspel's coalition matcher. `matcher serve` (the default)
// serves the API and the pages (SPEC §8) over the embedded store, or with Redis and
// Meilisearch in the scaled set-up; `matcher suggest` answers one tender from files,
// with no server, store or network (SPEC §7); `matcher token` makes, lists, revokes and
// rotates API tokens; `matcher migrate` copies the embedded store into PostgreSQL;
// `matcher healthcheck` is the container's health check.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"samenspel/config"
	"samenspel/internal/postgres"
	"samenspel/internal/profiles"
	"samenspel/internal/settings"
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
	}
	os.Exit(exitCode(err))
}

// run runs a command line; it is main without the process around it. -h or
// --help prints the usage of the command to stdout and is no error; a command line
// that is not understood prints it to stderr and is a usage error (exit status 2).
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) > 0 && isHelp(args[0]) {
		fmt.Fprint(stdout, usage)
		return nil
	}
	name := "serve" // matcher, or matcher followed by serve's flags
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		name, args = args[0], args[1:]
	}
	err := dispatch(ctx, name, args, stdout, stderr)
	var help *helpRequest
	switch {
	case errors.As(err, &help):
		fmt.Fprint(stdout, usageOf(name))
		if help.flags != "" {
			fmt.Fprint(stdout, "\nflags:\n"+help.flags)
		}
		return nil
	case errors.Is(err, errUsage):
		fmt.Fprint(stderr, usageOf(name))
	}
	return err
}

// dispatch runs command name with its args.
func dispatch(ctx context.Context, name string, args []string, stdout, stderr io.Writer) error {
	switch name {
	case "serve":
		return serve(ctx, args, stderr, nil)
	case "suggest":
		return suggest(ctx, args, stdout, stderr)
	case "token":
		return token(ctx, args, stdout, stderr)
	case "recompute":
		return recomputeCommand(ctx, args, stdout, stderr)
	case "healthcheck":
		return healthcheck(ctx, args, stdout)
	case "migrate":
		return migrateCommand(ctx, args, stdout, stderr)
	default:
		return fmt.Errorf("%w: unknown command %q", errUsage, name)
	}
}

// openStore opens the store of cfg with the taxonomy compiled into the binary, as
// every command that works on the store does: PostgreSQL when cfg.DatabaseURL is
// set (its schema brought to the newest migration), else the embedded store in
// cfg.Data.
func openStore(ctx context.Context, cfg settings.Settings) (source, *profiles.Taxonomy, error) {
	tax, err := profiles.ParseTaxonomy(config.Taxonomy)
	if err != nil {
		return nil, nil, err
	}
	if cfg.DatabaseURL != "" {
		st, err := postgres.Open(ctx, cfg.DatabaseURL, tax)
		if err != nil {
			return nil, nil, err
		}
		return st, tax, nil
	}
	st, err := store.Open(ctx, cfg.Data, tax)
	if err != nil {
		return nil, nil, err
	}
	return st, tax, nil
}

// openFrom loads the settings of a command whose flag set sf has parsed (the
// file, the environment, then the flags given) and opens their store.
func openFrom(ctx context.Context, sf *settings.Flags) (source, *profiles.Taxonomy, error) {
	cfg, err := sf.Load(os.LookupEnv)
	if err != nil {
		return nil, nil, fmt.Errorf("%w: %v", errUsage, err)
	}
	return openStore(ctx, cfg)
}
