package meili

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite the golden request bodies in testdata")

// testKey is the API key the contract tests give New; the fake checks every request
// carries it.
const testKey = "runtime-key-for-tests"

// exchange is one request the fake Meilisearch expects, and its answer.
type exchange struct {
	method, path string
	// query is the expected query string (order does not matter); "" expects none.
	query string
	// body is the expected JSON body, compared as JSON; golden names a file in
	// testdata holding it instead (rewritten with -update). Neither: no body check.
	body   string
	golden string
	// reply names a recording in testdata: {"source", "status", "body"}.
	reply string
	// hangup closes the connection without an answer: a network error.
	hangup bool
	// repeat answers every further request with this exchange.
	repeat bool
}

// recording is a response of Meilisearch, with the page of its API reference it
// follows.
type recording struct {
	Source string          `json:"source"`
	Status int             `json:"status"`
	Body   json.RawMessage `json:"body"`
}

// fakeMeili is an httptest.Server that plays Meilisearch from a script: each request
// must be the next exchange, with the exact method, path, query and body. It records
// every request, for the privacy test.
type fakeMeili struct {
	t      *testing.T
	srv    *httptest.Server
	mu     sync.Mutex
	script []exchange
	next   int
	seen   []string // method, URL and body of every request
}

func newFake(t *testing.T, script ...exchange) *fakeMeili {
	t.Helper()
	f := &fakeMeili{t: t, script: script}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(func() {
		f.srv.Close()
		f.mu.Lock()
		defer f.mu.Unlock()
		if f.next < len(f.script) && !f.script[f.next].repeat {
			t.Errorf("fake Meilisearch: %d expected requests never came, the first %s %s",
				len(f.script)-f.next, f.script[f.next].method, f.script[f.next].path)
		}
	})
	return f
}

// index returns an Index on the fake with fast retries and polls.
func (f *fakeMeili) index(opts ...Option) *Index {
	f.t.Helper()
	opts = append([]Option{WithRetries(3, time.Millisecond, 2*time.Millisecond), withPollInterval(time.Millisecond)}, opts...)
	m, err := New(f.srv.URL, testKey, testTaxonomy(f.t), opts...)
	if err != nil {
		f.t.Fatalf("New(%s) = %v", f.srv.URL, err)
	}
	return m
}

func (f *fakeMeili) requests() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.seen...)
}

func (f *fakeMeili) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	f.mu.Lock()
	defer f.mu.Unlock()
	f.seen = append(f.seen, r.Method+" "+r.URL.String()+" "+string(body))
	t := f.t
	if f.next >= len(f.script) {
		t.Errorf("fake Meilisearch: unexpected request %s %s %s", r.Method, r.URL, body)
		http.Error(w, `{"message":"unexpected","code":"bad_request","type":"invalid_request","link":""}`, http.StatusBadRequest)
		return
	}
	ex := f.script[f.next]
	if !ex.repeat {
		f.next++
	}
	if got := r.Header.Get("Authorization"); got != "Bearer "+testKey {
		t.Errorf("%s %s: Authorization = %q, want the test key", r.Method, r.URL.Path, got)
	}
	if r.Method != ex.method || r.URL.Path != ex.path {
		t.Errorf("request %s %s, want %s %s", r.Method, r.URL.Path, ex.method, ex.path)
	}
	wantQuery, _ := url.ParseQuery(ex.query)
	if diff := cmp.Diff(wantQuery, r.URL.Query()); diff != "" {
		t.Errorf("%s %s query (-want +got):\n%s", r.Method, r.URL.Path, diff)
	}
	switch {
	case ex.golden != "":
		checkGolden(t, ex.golden, body)
	case ex.body != "":
		checkJSON(t, r.Method+" "+r.URL.Path, []byte(ex.body), body)
	}
	if ex.hangup {
		conn, _, err := w.(http.Hijacker).Hijack()
		if err == nil {
			conn.Close()
		}
		return
	}
	rec, err := readRecording(ex.reply)
	if err != nil {
		t.Errorf("%s %s: %v", r.Method, r.URL.Path, err)
		http.Error(w, "{}", http.StatusBadRequest)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(rec.Status)
	w.Write(rec.Body)
}

func readRecording(name string) (recording, error) {
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		return recording{}, err
	}
	var rec recording
	if err := json.Unmarshal(data, &rec); err != nil || rec.Source == "" || rec.Status == 0 {
		return recording{}, fmt.Errorf("recording %s: want {source, status, body}: %v", name, err)
	}
	return rec, nil
}

// checkJSON compares two JSON documents by value.
func checkJSON(t *testing.T, what string, want, got []byte) {
	t.Helper()
	var w, g any
	if err := json.Unmarshal(want, &w); err != nil {
		t.Fatalf("%s: expected body is no JSON: %v", what, err)
	}
	if err := json.Unmarshal(got, &g); err != nil {
		t.Errorf("%s: body is no JSON: %v: %s", what, err, got)
		return
	}
	if diff := cmp.Diff(w, g); diff != "" {
		t.Errorf("%s body (-want +got):\n%s", what, diff)
	}
}

// checkGolden compares a request body with testdata/name, or rewrites the file
// under -update.
func checkGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		var buf bytes.Buffer
		if err := json.Indent(&buf, got, "", "  "); err != nil {
			t.Errorf("%s: body is no JSON: %v", name, err)
			return
		}
		buf.WriteByte('\n')
		if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
			t.Error(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Errorf("golden %s: %v (run go test -update to create it)", name, err)
		return
	}
	checkJSON(t, name, want, got)
}
