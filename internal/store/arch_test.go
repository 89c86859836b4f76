package store_test

import (
	"os/exec"
	"strings"
	"testing"
)

// TestNothingButTheCommandsLinksTheEmbeddedStore: the packages that use a store
// declare the interfaces they need and take the records from the packages that
// own them, so none of them links this package or SQLite (the scheduler, the
// webhook sender, the engine's service, the search index, the API and the pages,
// and the other store).
func TestNothingButTheCommandsLinksTheEmbeddedStore(t *testing.T) {
	pkgs := []string{"jobs", "webhook", "suggest", "meili", "scaled", "snapshot", "indexsync", "recompute",
		"api", "web", "web/session", "postgres", "profiles", "auth", "idempotency", "lease"}
	for _, p := range pkgs {
		out, err := exec.Command("go", "list", "-deps", "-f", "{{.ImportPath}}", "samenspel/internal/"+p).CombinedOutput()
		if err != nil {
			t.Fatalf("go list -deps %s: %v\n%s", p, err, out)
		}
		for _, dep := range strings.Fields(string(out)) {
			if dep == "samenspel/internal/store" || dep == "modernc.org/sqlite" {
				t.Errorf("internal/%s depends on %s", p, dep)
			}
		}
	}
}
