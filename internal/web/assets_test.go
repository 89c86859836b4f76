package web

import (
	"bytes"
	"compress/gzip"
	"io"
	"regexp"
	"strings"
	"testing"
)

// TestAssets: the pages link the vendored NL Design System CSS and their own, each
// served from the binary with its type, for a year under this build's version,
// gzipped when asked; the theme class the pages use is the one the design tokens
// define; the licences are beside the vendored files.
func TestAssets(t *testing.T) {
	e := readEnv(t)
	page := e.get("/").body
	links := regexp.MustCompile(`<link rel="stylesheet" href="([^"]+)">`).FindAllStringSubmatch(page, -1)
	if len(links) != len(stylesheets) {
		t.Fatalf("the page links %d style sheets, want %d", len(links), len(stylesheets))
	}
	for _, l := range links {
		url := l[1]
		a := e.get(url)
		if a.status != 200 || a.header.Get("Content-Type") != "text/css; charset=utf-8" || len(a.body) < 100 {
			t.Errorf("GET %s = %d %s, %d bytes", url, a.status, a.header.Get("Content-Type"), len(a.body))
		}
		if got := a.header.Get("Cache-Control"); got != "public, max-age=31536000, immutable" {
			t.Errorf("GET %s: Cache-Control %q", url, got)
		}
		z := e.get(url, "Accept-Encoding", "gzip, br")
		if z.header.Get("Content-Encoding") != "gzip" {
			t.Errorf("GET %s accepting gzip: Content-Encoding %q", url, z.header.Get("Content-Encoding"))
			continue
		}
		r, err := gzip.NewReader(strings.NewReader(z.body))
		if err != nil {
			t.Fatal(err)
		}
		plain, _ := io.ReadAll(r)
		if !bytes.Equal(plain, []byte(a.body)) {
			t.Errorf("GET %s gzipped is not the file", url)
		}
	}
	old := strings.Replace(links[0][1], e.site.assets.version, "000000000000", 1)
	if a := e.get(old); a.status != 200 || a.header.Get("Cache-Control") != "no-cache" {
		t.Errorf("GET %s (another build's version) = %d, Cache-Control %q; want 200, no-cache", old, a.status, a.header.Get("Cache-Control"))
	}
	if a := e.get("/assets/" + e.site.assets.version + "/nope.css"); a.status != 404 {
		t.Errorf("GET an unknown asset = %d, want 404", a.status)
	}

	theme := e.site.assets.theme
	tokens := string(e.site.assets.files["nlds/tokens/theme.css"].plain)
	if theme == "" || !strings.Contains(tokens, "."+theme+" {") || !strings.Contains(page, `class="`+theme+` utrecht-root"`) {
		t.Errorf("theme class %q: defined by the tokens %v, used by the page %v", theme, strings.Contains(tokens, "."+theme+" {"),
			strings.Contains(page, `class="`+theme))
	}
	for _, classes := range []string{"utrecht-heading-1", "utrecht-table", "utrecht-button", "utrecht-form-field", "utrecht-page-header"} {
		if !strings.Contains(string(e.site.assets.files["nlds/components/index.css"].plain), "."+classes+" {") {
			t.Errorf("the vendored components lack .%s", classes)
		}
	}
	for _, dir := range []string{"nlds/components", "nlds/tokens"} {
		f, ok := e.site.assets.files[dir+"/LICENSE.md"]
		if !ok || !strings.Contains(string(f.plain), "EUROPEAN UNION PUBLIC LICENCE v. 1.2") {
			t.Errorf("%s has no EUPL-1.2 licence beside it", dir)
		}
		if src, ok := e.site.assets.files[dir+"/SOURCE"]; !ok || !strings.Contains(string(src.plain), "@") {
			t.Errorf("%s has no SOURCE naming its package", dir)
		}
	}
	if a := e.get(e.site.assets.url("nlds/components/LICENSE.md")); a.status != 200 || a.header.Get("Content-Type") != "text/plain; charset=utf-8" {
		t.Errorf("the licence the footer links = %d %s", a.status, a.header.Get("Content-Type"))
	}
}
