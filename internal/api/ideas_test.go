package api

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"log/slog"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"samenspel/config"
	"samenspel/internal/auth"
	"samenspel/internal/cache"
	"samenspel/internal/logbuf"
	"samenspel/internal/profiles"
	"samenspel/internal/suggest"
)

// ideaCanary is the text of an idea: it must come out of no answer but its
// partner's own list, of no cache and no log. Its words are searchable words.
const ideaCanary = "IDEE-CANARY-5d2e: een vlinderkassenplan op het dak van de bibliotheek\r\nmet de school\tenmeer"

// ideaCanaryMark is a part of ideaCanary that no other text holds.
const ideaCanaryMark = "IDEE-CANARY-5d2e"

// recordingCache is a suggestion cache that keeps every value set in it, so that
// a test can read what went into the cache.
type recordingCache struct {
	*cache.Memory
	mu  sync.Mutex
	set []string
}

func (r *recordingCache) Set(ctx context.Context, key string, val []byte) error {
	r.mu.Lock()
	r.set = append(r.set, key+" "+string(val))
	r.mu.Unlock()
	return r.Memory.Set(ctx, key, val)
}

func (r *recordingCache) all() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return strings.Join(r.set, "\n")
}

// ideaEnv is trustEnv's partners and tokens on a server whose log and suggestion
// cache the test reads.
type ideaEnv struct {
	*trustEnv
	logs  *logbuf.Buffer
	cache *recordingCache
}

func newIdeaEnv(t *testing.T) *ideaEnv {
	t.Helper()
	te := newTrustEnv(t)
	ie := &ideaEnv{trustEnv: te, logs: &logbuf.Buffer{}, cache: &recordingCache{Memory: cache.NewMemory(100, time.Hour)}}
	tax, _ := profiles.ParseTaxonomy(config.Taxonomy)
	// A clock a second later at each reading, so that ideas registered one after
	// the other have an order.
	var ticks atomic.Int64
	now := func() time.Time { return envNow.Add(time.Duration(ticks.Add(1)) * time.Second) }
	h, err := New(withStores(Deps{Taxonomy: tax, Log: slog.New(slog.NewJSONHandler(ie.logs, nil)), Store: te.st,
		Suggest: suggest.New(te.st, ie.cache, nil), Now: now, Limits: &Limits{}}))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	te.url = srv.URL
	return ie
}

// register registers text as the partner role's idea and returns its receipt.
func (e *ideaEnv) register(role, text string) receiptView {
	e.t.Helper()
	b, _ := json.Marshal(map[string]string{"text": text})
	status, body, hdr := e.do("POST", "/v1/me/ideas", role, string(b))
	if status != 201 || hdr.Get("Cache-Control") != "no-store" {
		e.t.Fatalf("POST /v1/me/ideas as %s = %d %s (Cache-Control %q), want 201 no-store", role, status, body, hdr.Get("Cache-Control"))
	}
	var r receiptView
	if err := json.Unmarshal([]byte(body), &r); err != nil {
		e.t.Fatal(err)
	}
	if r.Text != "" || strings.Contains(body, ideaCanaryMark) {
		e.t.Errorf("the receipt holds the text: %s", body)
	}
	return r
}

// verify asks whether text is the idea of receipt, as role.
func (e *ideaEnv) verify(role, receipt, text string) (int, verification, string) {
	e.t.Helper()
	b, _ := json.Marshal(map[string]string{"receipt": receipt, "text": text})
	status, body, hdr := e.do("POST", "/v1/ideas/verify", role, string(b))
	var v verification
	json.Unmarshal([]byte(body), &v)
	if status == 200 && hdr.Get("Cache-Control") != "no-store" {
		e.t.Errorf("POST /v1/ideas/verify answered without Cache-Control: no-store")
	}
	return status, v, body
}

// TestIdeaReceipts: a partner registers an idea and gets a receipt with the
// SHA-256 of its exact text; it lists its own ideas with their texts; anyone with
// the receipt and the very text learns whose idea it is and since when, and a
// text that differs in one byte learns nothing.
func TestIdeaReceipts(t *testing.T) {
	e := newIdeaEnv(t)
	r := e.register(auth.RolePartner, ideaCanary)
	sum := sha256.Sum256([]byte(ideaCanary))
	if !strings.HasPrefix(r.ID, "idea_") || len(r.ID) != 37 || r.SHA256 != hex.EncodeToString(sum[:]) || r.At.Before(envNow) {
		t.Errorf("receipt = %+v; want idea_ and 32 hex digits, the SHA-256 %x of the exact text, at the server's clock", r, sum)
	}
	other := e.register(auth.RolePartner, "een tweede idee")
	if other.ID == r.ID {
		t.Errorf("two ideas got one receipt id %s", r.ID)
	}

	// Its own list, with the texts, no-store; nobody else's.
	status, body, hdr := e.do("GET", "/v1/me/ideas", auth.RolePartner, "")
	var list struct {
		Ideas []receiptView `json:"ideas"`
		Total int           `json:"total"`
	}
	json.Unmarshal([]byte(body), &list)
	if status != 200 || hdr.Get("Cache-Control") != "no-store" || list.Total != 2 || len(list.Ideas) != 2 || list.Ideas[1].Text != ideaCanary || list.Ideas[1].ID != r.ID {
		t.Errorf("GET /v1/me/ideas = %d %s (Cache-Control %q); want both, the canary's with its exact text, no-store", status, body, hdr.Get("Cache-Control"))
	}
	if _, body, _ := e.do("GET", "/v1/me/ideas?limit=1&offset=1", auth.RolePartner, ""); !strings.Contains(body, r.ID) || strings.Contains(body, other.ID) {
		t.Errorf("GET /v1/me/ideas?limit=1&offset=1 = %s, want the first idea only", body)
	}
	if _, body, _ := e.do("GET", "/v1/me/ideas", "partner:"+e.x, ""); !strings.Contains(body, `"total":0`) {
		t.Errorf("another partner's GET /v1/me/ideas = %s, want none", body)
	}
	for role, want := range map[string]int{"": 401, "bogus": 401, auth.RoleTenderOwner: 403, auth.RoleAdmin: 403} {
		if status, _, _ := e.do("GET", "/v1/me/ideas", role, ""); status != want {
			t.Errorf("GET /v1/me/ideas as %q = %d, want %d", role, status, want)
		}
		if status, _, _ := e.do("POST", "/v1/me/ideas", role, `{"text":"x"}`); status != want {
			t.Errorf("POST /v1/me/ideas as %q = %d, want %d", role, status, want)
		}
	}

	// Verification: the very text matches, for anyone; a changed byte does not.
	status, v, body := e.verify("", r.ID, ideaCanary)
	name := ""
	if p, err := e.st.GetProfile(context.Background(), partnerID); err == nil {
		name = p.Name
	}
	if status != 200 || !v.Match || v.Partner == nil || *v.Partner != (ideaPartner{ID: partnerID, Name: name}) || v.At == nil || !v.At.Equal(r.At) {
		t.Errorf("verify(the text) = %d %s; want a match by %s (%s) since %v", status, body, partnerID, name, r.At)
	}
	if strings.Contains(body, ideaCanaryMark) {
		t.Errorf("verify echoes the text: %s", body)
	}
	for what, text := range map[string]string{
		"a changed byte":    strings.Replace(ideaCanary, "vlinderkassenplan", "vlinderkassenplam", 1),
		"a line break less": strings.Replace(ideaCanary, "\r\n", "\n", 1),
		"a trailing space":  ideaCanary + " ",
		"the other idea":    "een tweede idee",
		"only its start":    ideaCanary[:40],
	} {
		status, v, body := e.verify("partner:"+e.x, r.ID, text)
		if status != 200 || v.Match || v.Partner != nil || v.At != nil || v.Receipt != r.ID {
			t.Errorf("verify(%s) = %d %s; want no match and nothing more", what, status, body)
		}
	}
	unknown := "idea_" + strings.Repeat("ab", 16)
	if status, v, body := e.verify("", unknown, ideaCanary); status != 200 || v.Match || v.Partner != nil {
		t.Errorf("verify(an unknown receipt) = %d %s; want no match, as a text that differs", status, body)
	}
}

// TestIdeaBodies: the text is 1 to 10,000 characters of text by the rules of
// text (line breaks and tabs allowed), not only white space; a receipt id has its
// form; errors name the field and never echo the text; the bodies are JSON.
func TestIdeaBodies(t *testing.T) {
	e := newIdeaEnv(t)
	long := strings.Repeat("é", maxIdeaText) // 10,000 characters, 20,000 bytes
	e.register(auth.RolePartner, long)
	for name, tc := range map[string]struct{ body, field string }{
		"no text":         {`{}`, "text"},
		"empty":           {`{"text":""}`, "text"},
		"white space":     {`{"text":" \n\t "}`, "text"},
		"too long":        {`{"text":"` + long + `x"}`, "text"},
		"control":         {`{"text":"een \u0007 idee"}`, "text"},
		"lone cr":         {`{"text":"een\ridee"}`, "text"},
		"lone surrogate":  {`{"text":"een \ud800 idee"}`, "text"},
		"not a string":    {`{"text":42}`, "text"},
		"unknown field":   {`{"text":"x","title":"y"}`, "title"},
		"key given twice": {`{"text":"x","text":"y"}`, "text"},
	} {
		status, body, hdr := e.do("POST", "/v1/me/ideas", auth.RolePartner, tc.body)
		if status != 422 || !strings.Contains(body, `"field":"`+tc.field+`"`) || hdr.Get("Content-Type") != "application/problem+json" || strings.Contains(body, "een") {
			t.Errorf("POST /v1/me/ideas (%s) = %d %.300s; want 422 naming %s, the text not echoed", name, status, body, tc.field)
		}
	}
	if status, _, _ := e.do("POST", "/v1/me/ideas", auth.RolePartner, `{"text":`); status != 400 {
		t.Errorf("POST /v1/me/ideas malformed = %d, want 400", status)
	}
	if status, _, _ := e.send("POST", "/v1/me/ideas", auth.RolePartner, `{"text":"x"}`, "Content-Type", "text/plain"); status != 415 {
		t.Errorf("POST /v1/me/ideas as text/plain = %d, want 415", status)
	}
	if status, _, _ := e.send("POST", "/v1/ideas/verify", "", `{"receipt":"x","text":"x"}`, "Content-Type", "application/x-www-form-urlencoded"); status != 415 {
		t.Errorf("POST /v1/ideas/verify as a form = %d, want 415", status)
	}
	for name, tc := range map[string]struct{ body, field string }{
		"no receipt":   {`{"text":"x"}`, "receipt"},
		"a token id":   {`{"receipt":"tok_0123456789abcdef","text":"x"}`, "receipt"},
		"upper case":   {`{"receipt":"idea_ABABABABABABABABABABABABABABABAB","text":"x"}`, "receipt"},
		"no text":      {`{"receipt":"idea_abababababababababababababababab"}`, "text"},
		"too long":     {`{"receipt":"idea_abababababababababababababababab","text":"` + long + `x"}`, "text"},
		"extra member": {`{"receipt":"idea_abababababababababababababababab","text":"x","profile":"a"}`, "profile"},
	} {
		status, body, _ := e.do("POST", "/v1/ideas/verify", "", tc.body)
		if status != 422 || !strings.Contains(body, `"field":"`+tc.field+`"`) {
			t.Errorf("POST /v1/ideas/verify (%s) = %d %.300s; want 422 naming %s", name, status, body, tc.field)
		}
	}
}

// TestIdeaNeverLeaks: an idea's text appears in no other partner's answers, no
// profile, search, suggestion, score or match answer for any role, in no cached
// value and in no log line.
func TestIdeaNeverLeaks(t *testing.T) {
	e := newIdeaEnv(t)
	r := e.register(auth.RolePartner, ideaCanary)
	// The owner's own list and a matching verification are the only answers that
	// may be about it; the verification still never holds the text.
	if _, v, _ := e.verify("", r.ID, ideaCanary); !v.Match {
		t.Fatal("the canary does not verify")
	}
	tenderPath := "/v1/tenders/" + e.tender
	rec, _ := e.st.GetTender(context.Background(), e.tender)
	tenderBody, _ := json.Marshal(rec.Tender)
	requests := []struct{ method, path, body string }{
		{"GET", "/v1/profiles/" + partnerID, ""},
		{"GET", "/v1/profiles?q=vlinderkassenplan", ""},
		{"GET", "/v1/profiles?q=bibliotheek&limit=100", ""},
		{"GET", "/v1/profiles?limit=100", ""},
		{"GET", tenderPath + "/coalitions?top=50", ""},
		{"GET", tenderPath + "/coalitions", ""},
		{"POST", tenderPath + "/coalitions/score", members(partnerID, e.x)},
		{"POST", "/v1/match?top=20", string(tenderBody)},
		{"GET", "/v1/me/collaborations", ""},
		{"GET", "/v1/me/notifications", ""},
	}
	roles := []string{"", "partner:" + e.x, auth.RoleTenderOwner, auth.RoleAdmin, auth.RolePartner}
	for _, role := range roles {
		for _, rq := range requests {
			status, body, _ := e.do(rq.method, rq.path, role, rq.body)
			if strings.Contains(body, ideaCanaryMark) || strings.Contains(body, "vlinderkassenplan") {
				t.Errorf("%s %s as %q = %d holds the idea: %.300s", rq.method, rq.path, role, status, body)
			}
		}
		if role != auth.RolePartner {
			if _, body, _ := e.do("GET", "/v1/me/ideas", role, ""); strings.Contains(body, ideaCanaryMark) {
				t.Errorf("GET /v1/me/ideas as %q holds another partner's idea", role)
			}
		}
	}
	// Search for the idea's words finds nothing.
	if _, body, _ := e.do("GET", "/v1/profiles?q=vlinderkassenplan", auth.RoleAdmin, ""); !strings.Contains(body, `"total":0`) {
		t.Errorf("search for a word of the idea = %.300s, want no hit", body)
	}
	if e.cache.all() == "" {
		t.Fatal("nothing was cached: the test reads no cache")
	}
	if strings.Contains(e.cache.all(), ideaCanaryMark) || strings.Contains(e.cache.all(), "vlinderkassenplan") {
		t.Error("a cached value holds the idea")
	}
	logs := e.logs.String()
	if !strings.Contains(logs, `"route":"/v1/me/ideas"`) || !strings.Contains(logs, `"route":"/v1/ideas/verify"`) {
		t.Fatalf("the log lacks the idea routes' lines: the test reads no log:\n%.500s", logs)
	}
	if strings.Contains(logs, ideaCanaryMark) || strings.Contains(logs, "vlinderkassenplan") || strings.Contains(logs, r.SHA256) {
		t.Error("the log holds the idea or its digest")
	}
}

// TestVerifyIsRateLimited: verification counts against its address's limit like
// every other request, so that texts cannot be tried fast.
func TestVerifyIsRateLimited(t *testing.T) {
	e := newEnv(t)
	tax, _ := profiles.ParseTaxonomy(config.Taxonomy)
	h, err := New(withStores(Deps{Taxonomy: tax, Log: slog.New(slog.DiscardHandler), Store: e.st,
		Suggest: suggest.New(e.st, cache.NewMemory(10, time.Hour), nil), Now: func() time.Time { return envNow },
		Limits: &Limits{PerIP: 0.001, BurstIP: 3}}))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	e.url = srv.URL
	body := `{"receipt":"idea_abababababababababababababababab","text":"x"}`
	var statuses []int
	for range 4 {
		status, _, _ := e.do("POST", "/v1/ideas/verify", "", body)
		statuses = append(statuses, status)
	}
	if statuses[2] != 200 || statuses[3] != 429 {
		t.Errorf("verifications with a burst of 3 = %v, want 200 three times, then 429", statuses)
	}
}
