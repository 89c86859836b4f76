package store

import (
	"context"
	"database/sql"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"samenspel/config"
	"samenspel/internal/profiles"
)

// The upgrade tests make a store as an older version left it, then open it.

// stepOf is the index of the migration that holds marker.
func stepOf(t *testing.T, marker string) int {
	t.Helper()
	for i, m := range migrations {
		if strings.Contains(m, marker) {
			return i
		}
	}
	t.Fatalf("no migration holds %q", marker)
	return -1
}

// storeBefore makes, in a new folder, a store of the schema version before the
// migration that holds marker, with rows (INSERT statements) in it; it returns
// the folder and that migration's index.
func storeBefore(t *testing.T, marker string, rows ...string) (dir string, step int) {
	t.Helper()
	step = stepOf(t, marker)
	dir = t.TempDir()
	db, err := sql.Open("sqlite", filepath.Join(dir, fileName))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	old := append([]string{`CREATE TABLE schema_version (version INTEGER NOT NULL)`}, migrations[:step]...)
	old = append(old, `INSERT INTO schema_version (version) VALUES (`+strconv.Itoa(step)+`)`)
	for _, q := range append(old, rows...) {
		if _, err := db.Exec(q); err != nil {
			t.Fatalf("make a store of schema version %d: %v", step, err)
		}
	}
	return dir, step
}

// openInternal opens the store in dir, closed when the test ends.
func openInternal(t *testing.T, dir string) *Store {
	t.Helper()
	tax, err := profiles.ParseTaxonomy(config.Taxonomy)
	if err != nil {
		t.Fatal(err)
	}
	s, err := Open(context.Background(), dir, tax)
	if err != nil {
		t.Fatalf("Open() = %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// windBack sets the schema version of the closed store in dir to version, so
// that opening it runs the later steps again over what they made.
func windBack(t *testing.T, dir string, version int) {
	t.Helper()
	db, err := sql.Open("sqlite", filepath.Join(dir, fileName))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(`UPDATE schema_version SET version = ` + strconv.Itoa(version)); err != nil {
		t.Fatal(err)
	}
}
