package web

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gin-gonic/gin"

	"samenspel/config"
	"samenspel/internal/cache"
	"samenspel/internal/gazetteer"
	"samenspel/internal/profiles"
	"samenspel/internal/store"
	"samenspel/internal/suggest"
)

// The canaries: every profile of the test store carries them in its private and
// contact fields, and no page an anonymous visitor sees may show one.
const (
	canaryIdea  = "CANARY-private-idea-7f3a"
	canaryMail  = "canary-7f3a@example.org"
	canaryPhone = "+31 6 7777 3333"
	canaryName  = "Canary Contactpersoon"
)

// posted is when the example tenders were stored.
var posted = time.Date(2026, time.March, 2, 9, 0, 0, 0, time.UTC)

// testAreas is the shipped gazetteer, of the example data's municipality.
var testAreas = gazetteer.Default()

// env is a site on the shipped example data (Utrecht), with canaries in every
// profile.
type env struct {
	t        *testing.T
	st       *store.Store
	tax      *profiles.Taxonomy
	site     *Site
	h        http.Handler
	profiles []profiles.Profile
	tenders  []profiles.Tender
}

func newEnv(t *testing.T, areas Areas) *env {
	t.Helper()
	e, err := buildEnv(t.TempDir(), areas)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.st.Close() })
	e.t = t
	return e
}

// The site of the tests that only read: built once, on a directory of its own.
var (
	shared     *env
	sharedErr  error
	sharedOnce sync.Once
	sharedDir  string
)

// readEnv is the shared site (with testAreas), for a test that writes nothing.
func readEnv(t *testing.T) *env {
	t.Helper()
	sharedOnce.Do(func() {
		sharedDir, sharedErr = os.MkdirTemp("", "web-test-")
		if sharedErr == nil {
			shared, sharedErr = buildEnv(sharedDir, testAreas)
		}
	})
	if sharedErr != nil {
		t.Fatal(sharedErr)
	}
	e := *shared
	e.t = t
	return &e
}

func TestMain(m *testing.M) {
	code := m.Run()
	if shared != nil {
		shared.st.Close()
	}
	if sharedDir != "" {
		os.RemoveAll(sharedDir)
	}
	os.Exit(code)
}

// buildEnv fills a store in dir with the example data and builds the site on it.
func buildEnv(dir string, areas Areas) (*env, error) {
	ctx := context.Background()
	tax, err := profiles.ParseTaxonomy(config.Taxonomy)
	if err != nil {
		return nil, err
	}
	read := func(name string) []byte {
		b, _ := config.Examples.ReadFile("examples/" + name)
		return b
	}
	ps, bad, err := tax.ReadProfiles(bytes.NewReader(read("profiles.ndjson")), "profiles.ndjson")
	if err != nil || len(bad) > 0 {
		return nil, fmt.Errorf("profiles: %v %v", err, bad)
	}
	for i := range ps {
		ps[i].Private = map[string]string{"ideas": canaryIdea}
		ps[i].Contact = &profiles.Contact{Email: canaryMail, Phone: canaryPhone, Person: canaryName}
	}
	events, bad, err := profiles.ReadCollaborations(bytes.NewReader(read("collaborations.ndjson")), "collaborations.ndjson")
	if err != nil || len(bad) > 0 {
		return nil, fmt.Errorf("collaborations: %v %v", err, bad)
	}
	tenders, bad, err := tax.ReadTenders(bytes.NewReader(read("tenders.ndjson")), "tenders.ndjson")
	if err != nil || len(bad) > 0 {
		return nil, fmt.Errorf("tenders: %v %v", err, bad)
	}
	st, err := store.Open(ctx, dir, tax)
	if err != nil {
		return nil, err
	}
	if _, err := st.SeedIfEmpty(ctx, profiles.Seed{Profiles: ps, Collaborations: events, Tenders: tenders, Owner: "examples"}, posted); err != nil {
		st.Close()
		return nil, err
	}
	site, err := New(Deps{Taxonomy: tax, Store: st, Suggest: suggest.New(st, cache.NewMemory(100, time.Hour), nil), Areas: areas})
	if err != nil {
		st.Close()
		return nil, err
	}
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	site.Mount(r)
	r.NoRoute(func(c *gin.Context) {
		if !site.ErrorPage(c, http.StatusNotFound) {
			c.AbortWithStatus(http.StatusNotFound)
		}
	})
	return &env{st: st, tax: tax, site: site, h: r, profiles: ps, tenders: tenders}, nil
}

// answer is one response of the site.
type answer struct {
	status int
	header http.Header
	body   string
}

// get requests path with the headers given as name, value pairs.
func (e *env) get(path string, headers ...string) answer {
	e.t.Helper()
	req := httptest.NewRequest("GET", path, nil)
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	w := httptest.NewRecorder()
	e.h.ServeHTTP(w, req)
	b, _ := io.ReadAll(w.Result().Body)
	return answer{status: w.Code, header: w.Header(), body: string(b)}
}

// inLang requests path in language l, as the switch does.
func (e *env) inLang(path string, l Lang) answer {
	e.t.Helper()
	sep := "?"
	if strings.Contains(path, "?") {
		sep = "&"
	}
	return e.get(path+sep+"lang="+string(l), "Accept", "text/html")
}

// pagePaths are the pages of the example data: the start page, searches, every
// tender (with all its coalitions) and the profiles its coalitions name.
func (e *env) pagePaths() []string {
	paths := []string{"/", "/partners", "/partners?q=buurt", "/partners?kind=residents_group&page=2",
		"/partners?instrument=meeting_place&theme=loneliness", "/partners?area=WK034403&size=small"}
	for _, tn := range e.tenders {
		paths = append(paths, "/tenders/"+tn.ID, "/tenders/"+tn.ID+"?all=1")
	}
	for _, p := range e.profiles[:12] {
		paths = append(paths, "/profiles/"+p.ID)
	}
	return append(paths, fitPaths...)
}

// fitPaths are fit pages (why (not) this partner) of the example data, one of
// each kind of answer: a candidate with its best coalition, the coalitions above
// it (a free rider, one that makes others free riders) and changes; one that is a
// free rider in every coalition that keeps the rules; one that offers nothing
// needed; one outside the tender's areas; and one whose search ends on its budget
// (a warning).
var fitPaths = []string{
	"/tenders/eenzaamheid-ouderen-overvecht-2026/fit/stichting-welzijn-utrecht",
	"/tenders/schulden-jonge-gezinnen-kanaleneiland-2026/fit/stichting-maatjeswerk-utrecht",
	"/tenders/veilig-rond-scholen-noordwest-2027/fit/zorgcentrum-ondiep",
	"/tenders/eenzaamheid-ouderen-overvecht-2026/fit/zorgcentrum-ondiep",
	"/tenders/energiearmoede-utrecht-2027/fit/buurtfonds-ondiep",
}
