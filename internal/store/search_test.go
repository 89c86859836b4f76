package store_test

import (
	"bytes"
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"

	"samenspel/config"
	"samenspel/internal/profiles"
	"samenspel/internal/store"
	"samenspel/internal/store/storetest"
)

// TestLabelsFollowTaxonomy: when the taxonomy's labels change, opening the store
// re-indexes the labels of the stored profiles, so that search uses the new words.
func TestLabelsFollowTaxonomy(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s, err := store.Open(ctx, dir, taxonomy(t))
	if err != nil {
		t.Fatal(err)
	}
	debt := storetest.Profile("geldzorgen-utrecht")
	debt.Name, debt.Description = "Stichting Geldzorgen", "Hulp bij rekeningen en brieven."
	debt.Instruments = map[string]float64{"debt_counseling": 1}
	if err := s.CreateProfile(ctx, debt); err != nil {
		t.Fatal(err)
	}
	s.Close()

	changed := bytes.Replace(config.Taxonomy, []byte("nl: schuldhulpverlening"), []byte("nl: geldhulpverlening"), 1)
	tax, err := profiles.ParseTaxonomy(changed)
	if err != nil {
		t.Fatal(err)
	}
	s, err = store.Open(ctx, dir, tax)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for text, want := range map[string][]string{
		"geldhulp":            {"geldzorgen-utrecht"},
		"schuldhulpverlening": {},
	} {
		hits, _, err := s.SearchProfiles(ctx, profiles.Query{Text: text})
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want, ids(hits)); diff != "" {
			t.Errorf("SearchProfiles(%q) after a label change (-want +got):\n%s", text, diff)
		}
	}
}
