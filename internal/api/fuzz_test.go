package api

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"regexp"
	"strings"
	"testing"
	"time"

	"samenspel/config"
	"samenspel/internal/auth"
	"samenspel/internal/cache"
	"samenspel/internal/profiles"
	"samenspel/internal/store"
	"samenspel/internal/suggest"
	"samenspel/internal/synth"
	"samenspel/internal/webhook"
)

// The fuzz targets send any body to each route that takes one, through the whole
// handler (middleware, authentication, decoding, the store), and check what the
// API promises of every answer: never a 5xx; an error is a problem+json whose
// status is one the route documents, with field errors that name a field and speak
// in words, never of Go; a 422 lists at least one. Seeds are added here and kept in
// testdata/fuzz/<FuzzName>/. Run them with make fuzz.

// fuzzServer is a handler over a store with a tender, a few partners and a token
// per role, with no rate limits, and a webhook policy that asks no DNS.
type fuzzServer struct {
	h      http.Handler
	tokens map[string]string
	tender string
}

func newFuzzServer(f *testing.F) *fuzzServer {
	f.Helper()
	ctx := context.Background()
	tax, err := profiles.ParseTaxonomy(config.Taxonomy)
	if err != nil {
		f.Fatal(err)
	}
	st, err := store.Open(ctx, f.TempDir(), tax)
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { st.Close() })
	tn := synth.Tenders(1, 1)[0]
	ps := synth.Pool(1, tn, 8) // few, so that a match stays cheap
	ps[0].ID = partnerID
	if _, _, err := st.UpsertProfiles(ctx, ps); err != nil {
		f.Fatal(err)
	}
	if err := st.CreateTender(ctx, tn, "examples", time.Unix(0, 0).UTC()); err != nil {
		f.Fatal(err)
	}
	s := &fuzzServer{tokens: map[string]string{}, tender: tn.ID}
	for _, role := range []string{auth.RoleAdmin, auth.RoleTenderOwner, auth.RolePartner} {
		secret, _ := auth.NewSecret()
		tok := auth.Token{Hash: auth.Hash(secret), Role: role, Name: role, Created: time.Unix(0, 0).UTC()}
		if role == auth.RolePartner {
			tok.Profile = partnerID
		}
		if err := st.CreateToken(ctx, tok); err != nil {
			f.Fatal(err)
		}
		s.tokens[role] = secret
	}
	noDNS := func(context.Context, string) ([]netip.Addr, error) { return nil, errors.New("no DNS in a fuzz test") }
	s.h, err = New(withStores(Deps{Taxonomy: tax, Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Store: st,
		Suggest: suggest.New(st, cache.NewMemory(100, time.Hour), nil), Now: func() time.Time { return time.Unix(100, 0).UTC() },
		Limits: &Limits{}, Webhook: webhook.Policy{Lookup: noDNS}}))
	if err != nil {
		f.Fatal(err)
	}
	return s
}

// check sends body to method path as role and checks the answer against the
// statuses the route may give.
func (s *fuzzServer) check(t *testing.T, method, path, role string, body []byte, statuses ...int) {
	t.Helper()
	req := httptest.NewRequest(method, path, strings.NewReader(string(body)))
	req.Header.Set("Content-Type", "application/json")
	if role != "" {
		req.Header.Set("Authorization", "Bearer "+s.tokens[role])
	}
	w := httptest.NewRecorder()
	s.h.ServeHTTP(w, req)
	ok := false
	for _, st := range statuses {
		ok = ok || w.Code == st
	}
	if !ok {
		t.Fatalf("%s %s %q = %d %.500s, want one of %v", method, path, body, w.Code, w.Body, statuses)
	}
	if w.Code < 400 {
		return
	}
	var p Problem
	if ct := w.Header().Get("Content-Type"); ct != "application/problem+json" || json.Unmarshal(w.Body.Bytes(), &p) != nil || p.Status != w.Code {
		t.Fatalf("%s %s %q = %d %s %.500s, want a problem", method, path, body, w.Code, ct, w.Body)
	}
	if speaksGo(p.Detail) {
		t.Fatalf("%s %s %q = %.500s, whose detail speaks of Go", method, path, body, w.Body)
	}
	if w.Code == http.StatusUnprocessableEntity && len(p.Errors) == 0 {
		t.Fatalf("%s %s %q = 422 with no field errors: %.500s", method, path, body, w.Body)
	}
	for i, fe := range p.Errors {
		if fe.Message == "" || (fe.Field == "" && i != len(p.Errors)-1) {
			t.Fatalf("%s %s %q = %.500s: error %d names no field or says nothing", method, path, body, w.Body, i)
		}
		if speaksGo(fe.Message) {
			t.Fatalf("%s %s %q = %.500s: error %d speaks of Go", method, path, body, w.Body, i)
		}
	}
}

// quoted are the values a message quotes, which are the client's own words.
var quoted = regexp.MustCompile(`"(?:[^"\\]|\\.)*"`)

// speaksGo reports whether a message, but for the values it quotes, is worded
// for Go programmers.
func speaksGo(msg string) bool { return goWords.MatchString(quoted.ReplaceAllString(msg, `""`)) }

// The statuses of a decoded body: taken, malformed, too large, invalid.
const (
	sOK, sCreated, sMalformed, sConflict, sTooLarge, sInvalid = 200, 201, 400, 409, 413, 422
)

func FuzzProfileBody(f *testing.F) {
	s := newFuzzServer(f)
	f.Add([]byte(newProfile))
	f.Add([]byte(`{"id":"p1","id":"p2","name":"P","kind":"care","size":"small","areas":["NL"],"instruments":{"meals":1}}`))
	f.Add([]byte(`{"id":"` + partnerID + `","name":"Buurt\u0000","kind":"care","size":"small","areas":["NL"],"instruments":{"meals":1},"contact":{"website":"javascript:alert(1)"}}`))
	f.Add([]byte(`{"id":"` + partnerID + `","name":"B","name":"C","kind":"care","size":"small","areas":["NL"],"instruments":{"meals":1},"updated":"2026-01-01T00:00:00Z"}`))
	f.Add([]byte("{\"ID\":\"x\",\"description\":\"\xff\\ud800\"}"))
	f.Fuzz(func(t *testing.T, body []byte) {
		s.check(t, "POST", "/v1/profiles", "", body, sCreated, sMalformed, sConflict, sTooLarge, sInvalid)
		s.check(t, "PUT", "/v1/profiles/"+partnerID, auth.RolePartner, body, sOK, sMalformed, sTooLarge, sInvalid)
	})
}

func FuzzTenderBody(f *testing.F) {
	s := newFuzzServer(f)
	f.Add([]byte(newTender))
	f.Add([]byte(`{"id":"t","title":"T","area":["NL"],"needs":[{"instrument":"meals","weight":1,"weight":2}]}`))
	f.Add([]byte(`{"id":"t","Title":"T","area":["NL"],"needs":[{"instrument":"meals","weight":"1"}],"max_size":3.0}`))
	f.Add([]byte(`{"id":"t","title":"T\u0007","description":"a\r\nb\rc","area":["NL"],"needs":[]}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		s.check(t, "POST", "/v1/tenders", auth.RoleTenderOwner, body, sCreated, sMalformed, sConflict, sTooLarge, sInvalid)
		s.check(t, "PUT", "/v1/tenders/"+s.tender, auth.RoleAdmin, body, sOK, sMalformed, sTooLarge, sInvalid)
	})
}

func FuzzMatchBody(f *testing.F) {
	s := newFuzzServer(f)
	f.Add([]byte(newTender))
	f.Add([]byte(`{"id":"m","title":"M","area":["WK034403"],"needs":[{"instrument":"meals","weight":1}],"max_size":2}`))
	f.Add([]byte(`{"id":"m","title":"M","area":["NL"],"needs":[{"instrument":"meals","weight":1,"Must":true}]}`))
	f.Add([]byte(`{"id":"m","title":"\ud800","area":[1],"needs":{}}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		s.check(t, "POST", "/v1/match?top=2", "", body, sOK, sMalformed, sTooLarge, sInvalid)
	})
}

func FuzzScoreBody(f *testing.F) {
	s := newFuzzServer(f)
	f.Add([]byte(`{"members":["` + partnerID + `"]}`))
	f.Add([]byte(`{"members":[1]}`))
	f.Add([]byte(`{"members":["a"],"members":["b"]}`))
	f.Add([]byte(`{"Members":["` + partnerID + `"],"extra":true}`))
	f.Add([]byte(`{"members":["` + strings.Repeat("x", 200) + `","\udc00",null]}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		s.check(t, "POST", "/v1/tenders/"+s.tender+"/coalitions/score", "", body, sOK, sMalformed, sTooLarge, sInvalid)
	})
}

func FuzzCollaborationBody(f *testing.F) {
	s := newFuzzServer(f)
	f.Add([]byte(`{"a":"` + partnerID + `","b":"nobody","outcome":"positive","at":"2026-03-01"}`))
	f.Add([]byte(`{"a":"x","a":"y","b":"z","outcome":"negative"}`))
	f.Add([]byte(`{"A":"x","b":"y","outcome":"positive","at":5}`))
	f.Add([]byte(`{"a":"x\u0000","b":"\ud800","outcome":"positive"}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		s.check(t, "POST", "/v1/collaborations", auth.RoleAdmin, body, sCreated, sMalformed, sTooLarge, sInvalid)
	})
}

// FuzzPatchBody: a JSON Merge Patch of a profile (by its owner) and of a tender (by
// an admin); the merged document is validated as a PUT's body is.
func FuzzPatchBody(f *testing.F) {
	s := newFuzzServer(f)
	f.Add([]byte(`{"description":"Elke dinsdag open","contact":{"phone":"030-1234567"}}`))
	f.Add([]byte(`{"name":"a","name":"b"}`))
	f.Add([]byte(`{"contact":{"website":"javascript:alert(1)"},"private":{"ideas":null}}`))
	f.Add([]byte(`{"Name":"x","instruments":{"meals":"1"},"title":"\ud800"}`))
	f.Add([]byte(`{"needs":[{"instrument":"meals","weight":1}],"max_size":null}`))
	f.Add([]byte(`["name"]`))
	f.Fuzz(func(t *testing.T, body []byte) {
		s.check(t, "PATCH", "/v1/profiles/"+partnerID, auth.RolePartner, body, sOK, sMalformed, sTooLarge, sInvalid)
		s.check(t, "PATCH", "/v1/tenders/"+s.tender, auth.RoleAdmin, body, sOK, sMalformed, sTooLarge, sInvalid)
	})
}

func FuzzWebhookBody(f *testing.F) {
	s := newFuzzServer(f)
	f.Add([]byte(`{"url":"https://203.0.114.1/hook"}`))
	f.Add([]byte(`{"url":"https://hooks.example.org/hook"}`))
	f.Add([]byte(`{"URL":"https://203.0.114.1/hook"}`))
	f.Add([]byte(`{"url":"https://203.0.114.1/a","url":"https://127.0.0.1/b"}`))
	f.Add([]byte(`{"url":"https://203.0.114.1/\ud800","secret":"mine"}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		// 400 also for a URL refused (a badParams naming url).
		s.check(t, "PUT", "/v1/me/webhook", auth.RolePartner, body, sOK, sMalformed, sTooLarge, sInvalid)
	})
}
