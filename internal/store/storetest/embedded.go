package storetest

import (
	"context"
	"testing"

	"samenspel/config"
	"samenspel/internal/profiles"
	"samenspel/internal/store"
)

// OpenEmbedded opens the embedded store in dir with the shipped taxonomy, as each
// process sharing the directory does (two calls on one dir are two replicas); it
// is closed when t ends. It is for the tests of the packages that keep their
// records in a real store (the locks, the pages' sessions), not for the suites,
// which take whichever store they are given.
func OpenEmbedded(t testing.TB, dir string) *store.Store {
	t.Helper()
	tax, err := profiles.ParseTaxonomy(config.Taxonomy)
	if err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(context.Background(), dir, tax)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}
