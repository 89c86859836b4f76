package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"text/tabwriter"
	"time"
	"unicode"

	"samenspel/internal/api"
	"samenspel/internal/auth"
	"samenspel/internal/settings"
)

// The usages of `matcher token` and its subcommands.
const (
	tokenCreateUsage = `usage:
  matcher token create --role admin|tender_owner|partner --name NAME
                       [--profile ID] [--expires DURATION] [--data DIR | --database URL]

Stores a new token's hash and prints the token, once. A partner token needs the
--profile it acts for. --expires is a Go duration (12h, 90m) or days (90d, 1d12h);
without it the token never expires.
`
	tokenListUsage = `usage:
  matcher token list [--json] [--data DIR | --database URL]

Lists the tokens, newest first: id, role, name, profile, created, expires and state
(active, expired or revoked). Never a hash or a token.
`
	tokenRevokeUsage = `usage:
  matcher token revoke ID [--data DIR | --database URL]

Revokes the token with ID (as matcher token list shows it): from the next request
on, every server over the data directory refuses it. It stays listed as revoked.
`
	tokenRotateUsage = `usage:
  matcher token rotate ID [--name NAME] [--expires DURATION] [--data DIR | --database URL]

Replaces the token with ID by a new one and prints the new token, once. The new
token has the old one's role, name (or --name) and profile, and the tenders
recorded under the old one; the old one is revoked. A revoked or expired token can
be rotated too. --expires is as for create; without it the new token never expires.
`
)

// tokenUsage is the usage of `matcher token`: all three subcommands.
var tokenUsage = "usage:\n" + strings.Join([]string{
	"  matcher token create --role admin|tender_owner|partner --name NAME [--profile ID]",
	"                       [--expires DURATION] [--data DIR | --database URL]",
	"  matcher token list [--json] [--data DIR | --database URL]",
	"  matcher token revoke ID [--data DIR | --database URL]",
	"  matcher token rotate ID [--name NAME] [--expires DURATION] [--data DIR | --database URL]",
}, "\n") + "\n"

// token is `matcher token create|list|revoke|rotate`: it makes, lists, revokes
// and rotates API tokens in the configured store (--data, or --database, as every
// command: the settings' file and environment apply).
func token(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return fmt.Errorf("%w: matcher token needs create, list, revoke or rotate", errUsage)
	}
	switch args[0] {
	case "create":
		return tokenCreate(ctx, args[1:], stdout, stderr)
	case "list":
		return tokenList(ctx, args[1:], stdout, stderr)
	case "revoke":
		return tokenRevoke(ctx, args[1:], stdout, stderr)
	case "rotate":
		return tokenRotate(ctx, args[1:], stdout, stderr)
	case "-h", "-help", "--help", "help":
		_, err := fmt.Fprint(stdout, tokenUsage)
		return err
	default:
		return fmt.Errorf("%w: unknown token command %q (create, list, revoke or rotate)", errUsage, tokenCut(args[0]))
	}
}

// tokenFlags parses args into fs. Help (-h, --help) prints usage and fs's flags
// to stdout and gives help true; a wrong flag prints them to stderr and gives a
// usage error.
func tokenFlags(fs *flag.FlagSet, args []string, usage string, stdout, stderr io.Writer) (help bool, err error) {
	fs.SetOutput(io.Discard)
	err = fs.Parse(args)
	if err == nil {
		return false, nil
	}
	if !errors.Is(err, flag.ErrHelp) {
		return false, fmt.Errorf("%w: %v", errUsage, err) // run prints the usage
	}
	fs.SetOutput(stdout)
	fmt.Fprint(stdout, usage)
	fmt.Fprintln(stdout, "\nflags:")
	fs.PrintDefaults()
	return true, nil
}

// tokenCreate is `matcher token create`: it stores a new token's hash and prints
// the secret, once, on stdout; its id and expiry go to stderr.
func tokenCreate(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("token create", flag.ContinueOnError)
	role := fs.String("role", "", "admin, tender_owner or partner")
	name := fs.String("name", "", "who the token is for")
	profile := fs.String("profile", "", "the profile a partner token acts for")
	expires := fs.String("expires", "", "how long the token is accepted: 12h, 90m, 90d, 1d12h (default: for ever)")
	sf := settings.AddFlags(fs, settings.StoreFlags)
	if help, err := tokenFlags(fs, args, tokenCreateUsage, stdout, stderr); help || err != nil {
		return err
	}
	var lifetime time.Duration
	var err error
	switch {
	case fs.NArg() > 0:
		return fmt.Errorf("%w: token create takes no arguments, only flags: %q", errUsage, fs.Args())
	case !auth.ValidRole(*role):
		return fmt.Errorf("%w: --role must be admin, tender_owner or partner, not %q", errUsage, *role)
	case *name == "":
		return fmt.Errorf("%w: --name is required", errUsage)
	case *role == auth.RolePartner && *profile == "":
		return fmt.Errorf("%w: a partner token needs --profile", errUsage)
	case *role != auth.RolePartner && *profile != "":
		return fmt.Errorf("%w: only a partner token has a --profile", errUsage)
	case *expires != "":
		if lifetime, err = parseTokenLifetime(*expires); err != nil {
			return fmt.Errorf("%w: --expires: %v", errUsage, err)
		}
	}
	st, _, err := openFrom(ctx, sf)
	if err != nil {
		return err
	}
	defer st.Close()
	if *profile != "" {
		if _, err := st.GetProfile(ctx, *profile); err != nil {
			return fmt.Errorf("profile %q: %w", *profile, err)
		}
	}
	secret, err := auth.NewSecret()
	if err != nil {
		return err
	}
	tok := auth.Token{Hash: auth.Hash(secret), Role: *role, Name: *name, Profile: *profile, Created: time.Now().UTC()}
	if lifetime > 0 {
		tok.Expires = tok.Created.Add(lifetime)
	}
	if err := st.CreateToken(ctx, tok); err != nil {
		return err
	}
	if _, err := fmt.Fprintln(stdout, secret); err != nil {
		return err
	}
	fmt.Fprintf(stderr, "matcher: token %s (%s, %s) expires %s\n", tok.ID(), tok.Role, tokenPrintable(tok.Name), tokenWhen(tok.Expires))
	return nil
}

// tokenDaysPattern is a lifetime in days, optionally followed by a Go duration:
// "90d", "1d12h". Built when first used: every command starts the same binary.
var tokenDaysPattern = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^([0-9]+)d(.*)$`) })

// parseTokenLifetime reads --expires: a Go duration ("36h", "90m") or whole days
// with an optional Go duration after them ("90d", "1d12h"). It must be positive.
func parseTokenLifetime(s string) (time.Duration, error) {
	if strings.HasPrefix(s, "-") {
		return 0, fmt.Errorf("%q must be longer than 0, such as 90d, 36h or 30m", s)
	}
	var d time.Duration
	rest := s
	if m := tokenDaysPattern().FindStringSubmatch(s); m != nil {
		days, err := strconv.ParseInt(m[1], 10, 64)
		if err != nil || days > math.MaxInt64/int64(24*time.Hour) {
			return 0, fmt.Errorf("%q is too long", s)
		}
		d, rest = time.Duration(days)*24*time.Hour, m[2]
	}
	if rest != "" {
		more, err := time.ParseDuration(rest)
		if err != nil {
			return 0, fmt.Errorf("%q is not a duration such as 90d, 36h or 30m", s)
		}
		if more > 0 && d > math.MaxInt64-more {
			return 0, fmt.Errorf("%q is too long", s)
		}
		d += more
	}
	if d <= 0 {
		return 0, fmt.Errorf("%q must be longer than 0, such as 90d, 36h or 30m", s)
	}
	return d, nil
}

// tokenList is `matcher token list`: a table of every token, or JSON with --json.
func tokenList(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("token list", flag.ContinueOnError)
	asJSON := fs.Bool("json", false, "print JSON, as GET /v1/tokens answers, instead of a table")
	sf := settings.AddFlags(fs, settings.StoreFlags)
	if help, err := tokenFlags(fs, args, tokenListUsage, stdout, stderr); help || err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("%w: token list takes no arguments, only flags: %q", errUsage, fs.Args())
	}
	st, _, err := openFrom(ctx, sf)
	if err != nil {
		return err
	}
	defer st.Close()
	toks, total, err := st.Tokens(ctx, 0, 0)
	if err != nil {
		return err
	}
	now := time.Now()
	if *asJSON {
		out := struct {
			Tokens []api.TokenView `json:"tokens"`
			Total  int             `json:"total"`
		}{Tokens: make([]api.TokenView, len(toks)), Total: total}
		for i, t := range toks {
			out.Tokens[i] = api.TokenViewOf(t, now)
		}
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	}
	w := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(w, "ID\tROLE\tNAME\tPROFILE\tCREATED\tEXPIRES\tSTATE")
	for _, t := range toks {
		profile := t.Profile
		if profile == "" {
			profile = "-"
		}
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", t.ID(), t.Role, tokenPrintable(t.Name), tokenPrintable(profile),
			t.Created.UTC().Format(time.RFC3339), tokenWhen(t.Expires), t.State(now))
	}
	return w.Flush()
}

// tokenIDArg parses the flags of a command that takes one token ID, before the
// flags or after them. help is true when usage was asked for (and printed).
func tokenIDArg(fs *flag.FlagSet, args []string, usage string, stdout, stderr io.Writer) (id string, help bool, err error) {
	if help, err := tokenFlags(fs, args, usage, stdout, stderr); help || err != nil {
		return "", help, err
	}
	rest := fs.Args()
	if len(rest) > 0 {
		if help, err := tokenFlags(fs, rest[1:], usage, stdout, stderr); help || err != nil {
			return "", help, err
		}
		rest = append(rest[:1:1], fs.Args()...)
	}
	switch {
	case len(rest) != 1:
		fmt.Fprint(stderr, usage)
		return "", false, fmt.Errorf("%w: %s takes one ID, not %d", errUsage, fs.Name(), len(rest))
	case !auth.ValidTokenID(rest[0]):
		return "", false, fmt.Errorf("%w: %q is not a token id: tok_ and 16 hex digits, as matcher token list shows", errUsage, tokenCut(rest[0]))
	}
	return rest[0], false, nil
}

// tokenNotFound is the error for an id no token has (exit 1).
func tokenNotFound(id string) error {
	return fmt.Errorf("no token has id %s (matcher token list shows them): %w", id, auth.ErrNotFound)
}

// tokenRevoke is `matcher token revoke ID`.
func tokenRevoke(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("token revoke", flag.ContinueOnError)
	sf := settings.AddFlags(fs, settings.StoreFlags)
	id, help, err := tokenIDArg(fs, args, tokenRevokeUsage, stdout, stderr)
	if help || err != nil {
		return err
	}
	st, _, err := openFrom(ctx, sf)
	if err != nil {
		return err
	}
	defer st.Close()
	now := time.Now().UTC()
	t, err := st.RevokeToken(ctx, id, now)
	if errors.Is(err, auth.ErrNotFound) {
		return tokenNotFound(id)
	}
	if err != nil {
		return err
	}
	if !t.Revoked.Equal(now) {
		_, err = fmt.Fprintf(stdout, "token %s (%s, %s) was revoked already, at %s\n", t.ID(), t.Role, tokenPrintable(t.Name), t.Revoked.UTC().Format(time.RFC3339))
		return err
	}
	_, err = fmt.Fprintf(stdout, "revoked token %s (%s, %s)\n", t.ID(), t.Role, tokenPrintable(t.Name))
	return err
}

// tokenRotate is `matcher token rotate ID`: the new token's secret on stdout, what
// became of the old one on stderr.
func tokenRotate(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("token rotate", flag.ContinueOnError)
	name := fs.String("name", "", "who the new token is for (default: the old one's name)")
	expires := fs.String("expires", "", "how long the new token is accepted: 12h, 90m, 90d, 1d12h (default: for ever)")
	sf := settings.AddFlags(fs, settings.StoreFlags)
	id, help, err := tokenIDArg(fs, args, tokenRotateUsage, stdout, stderr)
	if help || err != nil {
		return err
	}
	var lifetime time.Duration
	if *expires != "" {
		if lifetime, err = parseTokenLifetime(*expires); err != nil {
			return fmt.Errorf("%w: --expires: %v", errUsage, err)
		}
	}
	st, _, err := openFrom(ctx, sf)
	if err != nil {
		return err
	}
	defer st.Close()
	secret, err := auth.NewSecret()
	if err != nil {
		return err
	}
	now := time.Now().UTC()
	next := auth.Token{Hash: auth.Hash(secret), Name: *name, Created: now}
	if lifetime > 0 {
		next.Expires = now.Add(lifetime)
	}
	old, made, tenders, err := st.RotateToken(ctx, id, next, now)
	if errors.Is(err, auth.ErrNotFound) {
		return tokenNotFound(id)
	}
	if err != nil {
		return err
	}
	if _, err := fmt.Fprintln(stdout, secret); err != nil {
		return err
	}
	fmt.Fprintf(stderr, "matcher: token %s (%s, %s) expires %s; it replaces %s (revoked at %s); tenders moved to it: %d\n",
		made.ID(), made.Role, tokenPrintable(made.Name), tokenWhen(made.Expires), old.ID(), old.Revoked.UTC().Format(time.RFC3339), tenders)
	return nil
}

// tokenWhen is t in RFC 3339 (UTC, seconds), or "never" for the zero time.
func tokenWhen(t time.Time) string {
	if t.IsZero() {
		return "never"
	}
	return t.UTC().Format(time.RFC3339)
}

// tokenPrintable is s with every character a terminal could take for a control
// (tab, newline, escape, ...) replaced by U+FFFD: a name someone registered cannot
// move the table's columns or drive the reader's terminal.
func tokenPrintable(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsPrint(r) {
			return r
		}
		return unicode.ReplacementChar
	}, s)
}

// tokenCut is s for an error message: at most 40 bytes of it, printable.
func tokenCut(s string) string {
	if len(s) > 40 {
		s = s[:40] + "..."
	}
	return tokenPrintable(s)
}
