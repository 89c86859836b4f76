package api

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// post sends body to path anonymously, with the headers given (name, value, ...).
func (e *env) post(path, body string, headers ...string) (int, string, http.Header) {
	e.t.Helper()
	return e.send("POST", path, "", body, headers...)
}

// TestIdempotentRegistration: a retry with the same Idempotency-Key and body gets
// the first answer again, token and all, instead of 409; the same key with another
// body is refused (422, as draft-ietf-httpapi-idempotency-key-header has it).
func TestIdempotentRegistration(t *testing.T) {
	e := newEnv(t)
	const key = "8e03978e-40d5-43e8-bc93-6894a57f9324"
	status, first, hdr := e.post("/v1/profiles", newProfile, "Idempotency-Key", key)
	if status != 201 {
		t.Fatalf("POST /v1/profiles with a key = %d %s", status, first)
	}
	if hdr.Get("Idempotent-Replayed") != "" {
		t.Errorf("the first answer says Idempotent-Replayed: %q", hdr.Get("Idempotent-Replayed"))
	}
	var out struct {
		Token string `json:"token"`
	}
	if err := json.Unmarshal([]byte(first), &out); err != nil || out.Token == "" {
		t.Fatalf("no token in %s", first)
	}
	for _, header := range []string{key, `"` + key + `"`} { // bare, and as a structured-field string
		status, again, hdr := e.post("/v1/profiles", newProfile, "Idempotency-Key", header)
		if status != 201 || again != first || hdr.Get("Location") != "/v1/profiles/nieuw-initiatief" {
			t.Errorf("retry with key %s = %d %s, want the first answer 201 %s", header, status, again, first)
		}
		if hdr.Get("Idempotent-Replayed") != "true" || hdr.Get("Cache-Control") != "no-store" {
			t.Errorf("retry: Idempotent-Replayed %q, Cache-Control %q; want true, no-store", hdr.Get("Idempotent-Replayed"), hdr.Get("Cache-Control"))
		}
	}
	e.tokens["new"] = out.Token
	if status, _, _ := e.do("GET", "/v1/profiles/nieuw-initiatief", "new", ""); status != 200 {
		t.Errorf("the replayed token does not work: %d", status)
	}
	toks, _, _ := e.st.Tokens(t.Context(), 0, 0)
	n := 0
	for _, tok := range toks {
		if tok.Profile == "nieuw-initiatief" {
			n++
		}
	}
	if n != 1 {
		t.Errorf("%d tokens for the profile after three tries with one key, want 1", n)
	}

	// The same key with another body.
	other := strings.Replace(newProfile, "Nieuw Initiatief", "Ander Initiatief", 1)
	status, body, hdr := e.post("/v1/profiles", other, "Idempotency-Key", key)
	if status != 422 || !strings.Contains(body, `"field":"Idempotency-Key"`) || hdr.Get("Content-Type") != "application/problem+json" || strings.Contains(body, out.Token) {
		t.Errorf("the key with another body = %d %s, want a 422 problem naming Idempotency-Key", status, body)
	}
	// Without a key, a second registration of the id is refused as before.
	if status, _, _ := e.post("/v1/profiles", newProfile); status != 409 {
		t.Errorf("a second registration without a key = %d, want 409", status)
	}
	// A new key for the taken id is a new request: 409.
	if status, _, _ := e.post("/v1/profiles", newProfile, "Idempotency-Key", "another-key"); status != 409 {
		t.Errorf("a second registration with a new key = %d, want 409", status)
	}
	for _, bad := range []string{`"unterminated`, strings.Repeat("k", 256), "with space", ""} {
		status, body, _ := e.post("/v1/profiles", strings.Replace(newProfile, "nieuw-initiatief", "nog-een", 1), "Idempotency-Key", bad)
		if status != 400 || !strings.Contains(body, `"field":"Idempotency-Key"`) {
			t.Errorf("Idempotency-Key %.20q = %d %s, want 400 naming the header", bad, status, body)
		}
	}
	if _, err := e.st.GetProfile(t.Context(), "nog-een"); err == nil {
		t.Errorf("a registration with a malformed key was stored")
	}

	// The stored answer carries the token sealed: the store's files do not show it.
	dir := e.dataDir
	files, _ := filepath.Glob(filepath.Join(dir, "*"))
	if len(files) == 0 {
		t.Fatalf("no store files in %s", dir)
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(b), out.Token) {
			t.Errorf("the store file %s holds the token in the clear", filepath.Base(f))
		}
	}
	if strings.Contains(e.logs.String(), out.Token) || strings.Contains(e.logs.String(), key) {
		t.Errorf("the log holds the token or the idempotency key")
	}
}

// TestIdempotentRegistrationRace: retries that arrive together, before any has
// been answered, all get the one answer.
func TestIdempotentRegistrationRace(t *testing.T) {
	e := newEnv(t)
	const n = 8
	bodies := make(chan string, n)
	statuses := make(chan int, n)
	var wg sync.WaitGroup
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			status, body, _ := e.post("/v1/profiles", newProfile, "Idempotency-Key", "race-key-0001")
			statuses <- status
			bodies <- body
		}()
	}
	wg.Wait()
	close(statuses)
	close(bodies)
	first := ""
	for status := range statuses {
		if status != 201 {
			t.Errorf("a concurrent retry got %d, want 201", status)
		}
	}
	for b := range bodies {
		if first == "" {
			first = b
		}
		if b != first {
			t.Errorf("concurrent retries got different answers:\n%s\n%s", first, b)
		}
	}
}
