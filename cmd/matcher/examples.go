package main

import (
	"bytes"
	"context"
	"fmt"
	"time"

	"samenspel/config"
	"samenspel/internal/profiles"
	"samenspel/internal/store"
)

// exampleOwner owns the shipped example tenders: no token has it, so only admins can
// change them.
const exampleOwner = "examples"

// loadExamples fills a store with the shipped Utrecht examples (config/examples).
func loadExamples(ctx context.Context, st *store.Store, tax *profiles.Taxonomy, now time.Time) error {
	read := func(name string) ([]byte, error) { return config.Examples.ReadFile("examples/" + name) }
	data, err := read("profiles.ndjson")
	if err != nil {
		return err
	}
	ps, bad, err := tax.ReadProfiles(bytes.NewReader(data), "config/examples/profiles.ndjson")
	if err != nil || len(bad) > 0 {
		return fmt.Errorf("examples: %v %v", err, bad)
	}
	if data, err = read("collaborations.ndjson"); err != nil {
		return err
	}
	events, bad, err := profiles.ReadCollaborations(bytes.NewReader(data), "config/examples/collaborations.ndjson")
	if err != nil || len(bad) > 0 {
		return fmt.Errorf("examples: %v %v", err, bad)
	}
	if data, err = read("tenders.ndjson"); err != nil {
		return err
	}
	tenders, bad, err := tax.ReadTenders(bytes.NewReader(data), "config/examples/tenders.ndjson")
	if err != nil || len(bad) > 0 {
		return fmt.Errorf("examples: %v %v", err, bad)
	}
	if _, _, err := st.UpsertProfiles(ctx, ps); err != nil {
		return err
	}
	if err := st.AddCollaborations(ctx, events); err != nil {
		return err
	}
	for _, t := range tenders {
		if err := st.CreateTender(ctx, t, exampleOwner, now); err != nil {
			return err
		}
	}
	return nil
}
