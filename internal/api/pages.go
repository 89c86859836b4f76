package api

import (
	"embed"
	"encoding/json"
	"fmt"
	"html/template"
	"net/http"
	"sort"
	"strings"

	"github.com/gin-gonic/gin"

	"samenspel/internal/match"
	"samenspel/internal/profiles"
	"samenspel/internal/store"
	"samenspel/internal/suggest"
)

// The pages: plain server-rendered HTML in Dutch for tender owners and partners, on
// the same data as the API and showing public fields only. They are not part of the
// versioned API, so /openapi.json does not describe them.

//go:embed pages/*.html
var pageFiles embed.FS

// pageRoutes are the routes that serve HTML, not the API.
var pageRoutes = []string{"/", "/tenders/:id", "/partners"}

func (h *handlers) parsePages() (*template.Template, error) {
	tax := h.d.Taxonomy
	label := func(t profiles.Term, ok bool, code string) string {
		if ok {
			return t.NL
		}
		return code
	}
	return template.New("pages").Funcs(template.FuncMap{
		"join":       func(s []string) string { return strings.Join(s, ", ") },
		"pct":        func(x float64) string { return fmt.Sprintf("%.0f%%", 100*x) },
		"kind":       func(c string) string { t, ok := tax.Kind(c); return label(t, ok, c) },
		"instrument": func(c string) string { t, ok := tax.Instrument(c); return label(t, ok, c) },
		"instruments": func(cs []string) string {
			out := make([]string, len(cs))
			for i, c := range cs {
				t, ok := tax.Instrument(c)
				out[i] = label(t, ok, c)
			}
			return strings.Join(out, ", ")
		},
		"levels": func(m map[string]float64) string {
			codes := make([]string, 0, len(m))
			for c := range m {
				codes = append(codes, c)
			}
			sort.Strings(codes)
			for i, c := range codes {
				t, ok := tax.Instrument(c)
				codes[i] = fmt.Sprintf("%s (%.0f%%)", label(t, ok, c), 100*m[c])
			}
			return strings.Join(codes, ", ")
		},
	}).ParseFS(pageFiles, "pages/*.html")
}

func (h *handlers) render(c *gin.Context, name string, data any) {
	var b strings.Builder
	if err := h.pages.ExecuteTemplate(&b, name, data); err != nil {
		fail(c, err)
		return
	}
	c.Data(http.StatusOK, "text/html; charset=utf-8", []byte(b.String()))
}

func (h *handlers) pageTenders(c *gin.Context) {
	recs, err := h.d.Store.Tenders(c.Request.Context())
	if err != nil {
		fail(c, err)
		return
	}
	h.render(c, "tenders.html", map[string]any{"Title": "Aanbestedingen", "Tenders": recs})
}

func (h *handlers) pageTender(c *gin.Context) {
	if !validID(c) {
		return
	}
	ctx := c.Request.Context()
	rec, err := h.d.Store.GetTender(ctx, c.Param("id"))
	if err != nil {
		fail(c, err)
		return
	}
	b, err := h.d.Suggest.ForTender(ctx, suggest.Request{Tender: rec.Tender.ID, Top: 5})
	if err != nil {
		fail(c, err)
		return
	}
	var res match.Result
	if err := json.Unmarshal(b, &res); err != nil {
		fail(c, err)
		return
	}
	h.render(c, "tender.html", map[string]any{"Title": rec.Tender.Title, "Tender": rec.Tender, "Result": res})
}

func (h *handlers) pagePartners(c *gin.Context) {
	q := c.Query("q")
	hits, total, err := h.d.Store.SearchProfiles(c.Request.Context(), store.Query{Text: q, Limit: 50})
	if err != nil {
		fail(c, err)
		return
	}
	h.render(c, "partners.html", map[string]any{"Title": "Partners", "Query": q, "Hits": hits, "Total": total})
}
