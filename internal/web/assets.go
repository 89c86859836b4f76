package web

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"net/http"
	"path"
	"sort"
	"strings"

	"github.com/gin-gonic/gin"
)

// The assets: the NL Design System's vendored CSS (assets/nlds, refreshed by
// `make assets`, each package with its licence) and the pages' own stylesheet,
// embedded in the binary. They are served under /assets/{version}/, the version
// being a digest of them all, so that a browser may keep them for a year and
// still never mixes the style sheets of two builds.
//
//go:embed assets
var assetFiles embed.FS

// stylesheets are the CSS files every page links, in cascade order: the theme's
// design tokens, the components, the pages' own rules.
var stylesheets = []string{"nlds/tokens/theme.css", "nlds/components/index.css", "samenspel.css"}

// assetSet is the assets as served: each file with its type and a gzipped copy.
type assetSet struct {
	version string
	theme   string // the class the design tokens' theme.css defines
	files   map[string]asset
}

type asset struct {
	contentType string
	plain, gz   []byte
}

func loadAssets() (*assetSet, error) {
	sub, err := fs.Sub(assetFiles, "assets")
	if err != nil {
		return nil, err
	}
	set := &assetSet{files: map[string]asset{}}
	var names []string
	err = fs.WalkDir(sub, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		names = append(names, name)
		return nil
	})
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	digest := sha256.New()
	for _, name := range names {
		b, err := fs.ReadFile(sub, name)
		if err != nil {
			return nil, err
		}
		digest.Write([]byte(name))
		digest.Write(b)
		if name == "nlds/THEME" {
			set.theme = strings.TrimSpace(string(b))
		}
		var gz bytes.Buffer
		w, _ := gzip.NewWriterLevel(&gz, gzip.BestCompression)
		_, _ = w.Write(b)
		if err := w.Close(); err != nil {
			return nil, err
		}
		set.files[name] = asset{contentType: assetType(name), plain: b, gz: gz.Bytes()}
	}
	set.version = hex.EncodeToString(digest.Sum(nil))[:12]
	return set, nil
}

// assetType is the Content-Type of an asset: CSS, or plain text for the licences
// and notes beside them.
func assetType(name string) string {
	if path.Ext(name) == ".css" {
		return "text/css; charset=utf-8"
	}
	return "text/plain; charset=utf-8"
}

// url is the address of an asset.
func (a *assetSet) url(name string) string { return "/assets/" + a.version + "/" + name }

func (a *assetSet) css() []string {
	out := make([]string, len(stylesheets))
	for i, name := range stylesheets {
		out[i] = a.url(name)
	}
	return out
}

// asset serves GET /assets/{version}/{file}: for a year when the version is this
// build's, briefly otherwise (a page of another replica's build).
func (s *Site) asset(c *gin.Context) {
	f, ok := s.assets.files[strings.TrimPrefix(c.Param("file"), "/")]
	if !ok {
		s.errorPage(c, http.StatusNotFound)
		return
	}
	h := c.Writer.Header()
	secure(h)
	h.Set("Vary", "Accept-Encoding")
	if c.Param("version") == s.assets.version {
		h.Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		h.Set("Cache-Control", "no-cache")
	}
	body := f.plain
	if strings.Contains(c.GetHeader("Accept-Encoding"), "gzip") {
		h.Set("Content-Encoding", "gzip")
		body = f.gz
	}
	c.Data(http.StatusOK, f.contentType, body)
}
