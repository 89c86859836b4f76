package storetest

import (
	"context"
	"testing"

	"samenspel/config"
	"samenspel/internal/postgres"
	"samenspel/internal/profiles"
)

// OpenPostgres opens the PostgreSQL store at url (a database of internal/pgtest)
// with the shipped taxonomy, as each replica on it does (two calls on one url are
// two replicas); it is closed when t ends. It is OpenEmbedded's twin, for the
// tests and benchmarks that need a store of each kind over the same data.
func OpenPostgres(t testing.TB, url string) *postgres.Store {
	t.Helper()
	tax, err := profiles.ParseTaxonomy(config.Taxonomy)
	if err != nil {
		t.Fatal(err)
	}
	st, err := postgres.Open(context.Background(), url, tax)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}
