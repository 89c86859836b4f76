package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"time"

	"samenspel/internal/auth"
	"samenspel/internal/store"
)

// token is `matcher token create --role R --name N [--profile ID] --data DIR`: it
// stores a new token's hash and prints the secret, once.
func token(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) > 0 && isHelp(args[0]) {
		return &helpRequest{}
	}
	if len(args) == 0 || args[0] != "create" {
		return fmt.Errorf("%w: matcher token create --role admin|tender_owner|partner --name NAME [--profile ID] --data DIR", errUsage)
	}
	fs := flag.NewFlagSet("token create", flag.ContinueOnError)
	role := fs.String("role", "", "admin, tender_owner or partner")
	name := fs.String("name", "", "who the token is for")
	profile := fs.String("profile", "", "the profile a partner token acts for")
	data := fs.String("data", "./data", "directory of the embedded store")
	if err := parseFlags(fs, args[1:]); err != nil {
		return err
	}
	switch {
	case !auth.ValidRole(*role):
		return fmt.Errorf("%w: --role must be admin, tender_owner or partner, not %q", errUsage, *role)
	case *name == "":
		return fmt.Errorf("%w: --name is required", errUsage)
	case *role == auth.RolePartner && *profile == "":
		return fmt.Errorf("%w: a partner token needs --profile", errUsage)
	case *role != auth.RolePartner && *profile != "":
		return fmt.Errorf("%w: only a partner token has a --profile", errUsage)
	}
	st, _, err := openData(ctx, *data)
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
	if err := st.CreateToken(ctx, store.Token{Hash: auth.Hash(secret), Role: *role, Name: *name, Profile: *profile, Created: time.Now().UTC()}); err != nil {
		return err
	}
	_, err = fmt.Fprintln(stdout, secret)
	return err
}
