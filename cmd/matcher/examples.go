package main

import (
	"bytes"
	"context"
	"fmt"
	"time"

	"samenspel/config"
	"samenspel/internal/profiles"
)

// exampleOwner owns the shipped example tenders: no token has it, so only admins can
// change them.
const exampleOwner = "examples"

// loadExamples fills an empty store with the shipped Utrecht examples
// (config/examples), in one transaction, and reports whether it did: replicas that
// start together on one data directory fill it once.
func loadExamples(ctx context.Context, st source, tax *profiles.Taxonomy, now time.Time) (bool, error) {
	read := func(name string) ([]byte, error) { return config.Examples.ReadFile("examples/" + name) }
	data, err := read("profiles.ndjson")
	if err != nil {
		return false, err
	}
	ps, bad, err := tax.ReadProfiles(bytes.NewReader(data), "config/examples/profiles.ndjson")
	if err != nil || len(bad) > 0 {
		return false, fmt.Errorf("examples: %v %v", err, bad)
	}
	if data, err = read("collaborations.ndjson"); err != nil {
		return false, err
	}
	events, bad, err := profiles.ReadCollaborations(bytes.NewReader(data), "config/examples/collaborations.ndjson")
	if err != nil || len(bad) > 0 {
		return false, fmt.Errorf("examples: %v %v", err, bad)
	}
	if data, err = read("tenders.ndjson"); err != nil {
		return false, err
	}
	tenders, bad, err := tax.ReadTenders(bytes.NewReader(data), "config/examples/tenders.ndjson")
	if err != nil || len(bad) > 0 {
		return false, fmt.Errorf("examples: %v %v", err, bad)
	}
	return st.SeedIfEmpty(ctx, profiles.Seed{Profiles: ps, Collaborations: events, Tenders: tenders, Owner: exampleOwner}, now)
}
