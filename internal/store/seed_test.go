package store_test

import (
	"context"
	"testing"

	"samenspel/internal/store"
	"samenspel/internal/store/storetest"
)

// TestSeeds: the shared seed suite, with n processes opening one data directory.
func TestSeeds(t *testing.T) {
	storetest.Seeds(t, func(t *testing.T, n int) []storetest.SeedStore {
		dir := t.TempDir()
		var out []storetest.SeedStore
		for range n {
			s, err := store.Open(context.Background(), dir, taxonomy(t))
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { s.Close() })
			out = append(out, s)
		}
		return out
	})
}
