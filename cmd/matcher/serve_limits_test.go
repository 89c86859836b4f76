package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"samenspel/config"
	"samenspel/internal/logbuf"
	"samenspel/internal/match"
	"samenspel/internal/profiles"
)

// TestServeTakesTheRateSettings: the rate settings reach the server, from a flag
// or the environment, and 0 turns a limit off.
func TestServeTakesTheRateSettings(t *testing.T) {
	profile := `{"id":"%s","name":"Nieuw","kind":"residents_group","size":"small","areas":["WK034403"],"instruments":{"meals":1},"themes":["loneliness"]}`
	tests := []struct {
		name       string
		args       []string
		env        map[string]string
		gets       int // of 10 GET /v1/taxonomy
		registered int // of 3 POST /v1/profiles
	}{
		{"defaults", nil, nil, 10, 3}, // 10 a second with a burst of 40; 10 registrations an hour
		{"burst from a flag", []string{"--rate-ip", "0.001", "--rate-ip-burst", "4"}, nil, 4, 0},
		{"burst from the environment", nil, map[string]string{"SAMENSPEL_RATE_IP": "0.001", "SAMENSPEL_RATE_IP_BURST": "6"}, 6, 0},
		{"registrations from a flag", []string{"--rate-register", "1"}, nil, 10, 1},
		{"limits off from the environment", []string{"--rate-ip-burst", "1"},
			map[string]string{"SAMENSPEL_RATE_IP": "0", "SAMENSPEL_RATE_REGISTER": "0"}, 10, 3},
		{"a flag over the environment", []string{"--rate-register", "1"}, map[string]string{"SAMENSPEL_RATE_REGISTER": "0"}, 10, 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Chdir(t.TempDir())
			for k, v := range tc.env {
				t.Setenv(k, v)
			}
			ctx, cancel := context.WithCancel(context.Background())
			addrc, errc := make(chan string, 1), make(chan error, 1)
			args := append([]string{"--addr", "127.0.0.1:0", "--data", "d", "--no-examples"}, tc.args...)
			go func() { errc <- serve(ctx, args, io.Discard, func(a string) { addrc <- a }) }()
			t.Cleanup(func() { cancel(); <-errc })
			var base string
			select {
			case a := <-addrc:
				base = "http://" + a
			case err := <-errc:
				t.Fatalf("serve %v: %v", args, err)
			case <-time.After(10 * time.Second):
				t.Fatal("serve did not start listening")
			}
			gets := 0
			for range 10 {
				resp, err := http.Get(base + "/v1/taxonomy")
				if err != nil {
					t.Fatal(err)
				}
				resp.Body.Close()
				if resp.StatusCode == http.StatusOK {
					gets++
				}
			}
			registered := 0
			for _, id := range []string{"een", "twee", "drie"} {
				resp, err := http.Post(base+"/v1/profiles", "application/json", strings.NewReader(strings.Replace(profile, "%s", id, 1)))
				if err != nil {
					t.Fatal(err)
				}
				resp.Body.Close()
				if resp.StatusCode == http.StatusCreated {
					registered++
				}
			}
			if gets != tc.gets || registered != tc.registered {
				t.Errorf("serve %v with %v: %d of 10 GETs and %d of 3 registrations through, want %d and %d",
					args, tc.env, gets, registered, tc.gets, tc.registered)
			}
		})
	}
}

// TestServeTakesTheBoundSettings: request_timeout, write_timeout and max_heavy
// reach the server from a flag or the environment. On issue 11's crowded pool
// (finding 1) a POST /v1/match?top=50 answers at the request deadline with exact
// false and its bound; of two at once, one is refused with 503 and Retry-After: 1
// when max_heavy is 1, and none when the cap is off.
func TestServeTakesTheBoundSettings(t *testing.T) {
	tests := []struct {
		name string
		args []string
		env  map[string]string
		busy bool // one of two at once gets 503
	}{
		{"flags", []string{"--request-timeout", "700ms", "--write-timeout", "3s", "--max-heavy", "1"}, nil, true},
		{"environment", nil, map[string]string{"SAMENSPEL_REQUEST_TIMEOUT": "700ms", "SAMENSPEL_WRITE_TIMEOUT": "3s", "SAMENSPEL_MAX_HEAVY": "0"}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Chdir(t.TempDir())
			tenderFile, profileFile := writeCrowded(t, ".")
			st := dataStore(t, "d")
			tax, err := profiles.ParseTaxonomy(config.Taxonomy)
			if err != nil {
				t.Fatal(err)
			}
			f, err := os.Open(profileFile)
			if err != nil {
				t.Fatal(err)
			}
			ps, _, err := tax.ReadProfiles(f, profileFile)
			f.Close()
			if err != nil {
				t.Fatal(err)
			}
			if _, _, err := st.UpsertProfiles(context.Background(), ps); err != nil {
				t.Fatal(err)
			}
			st.Close()
			body, err := os.ReadFile(tenderFile)
			if err != nil {
				t.Fatal(err)
			}
			for k, v := range tc.env {
				t.Setenv(k, v)
			}
			ctx, cancel := context.WithCancel(context.Background())
			addrc, errc := make(chan string, 1), make(chan error, 1)
			var logs logbuf.Buffer
			args := append([]string{"--addr", "127.0.0.1:0", "--data", "d", "--no-examples", "--rate-ip", "0"}, tc.args...)
			go func() { errc <- serve(ctx, args, &logs, func(a string) { addrc <- a }) }()
			t.Cleanup(func() { cancel(); <-errc })
			var base string
			select {
			case a := <-addrc:
				base = "http://" + a
			case err := <-errc:
				t.Fatalf("serve %v: %v", args, err)
			case <-time.After(10 * time.Second):
				t.Fatal("serve did not start listening")
			}
			if !strings.Contains(logs.String(), "request_timeout=700ms write_timeout=3s") {
				t.Errorf("the start-up log lacks the bounds:\n%s", logs.String())
			}
			type answer struct {
				status int
				retry  string
				res    match.Result
			}
			answers := make(chan answer, 2)
			for range 2 {
				go func() {
					resp, err := http.Post(base+"/v1/match?top=50", "application/json", bytes.NewReader(body))
					if err != nil {
						t.Error(err)
						answers <- answer{}
						return
					}
					defer resp.Body.Close()
					a := answer{status: resp.StatusCode, retry: resp.Header.Get("Retry-After")}
					if resp.StatusCode == http.StatusOK {
						if err := json.NewDecoder(resp.Body).Decode(&a.res); err != nil {
							t.Error(err)
						}
					}
					answers <- a
				}()
			}
			refused := 0
			for range 2 {
				a := <-answers
				switch {
				case a.status == http.StatusServiceUnavailable && a.retry == "1":
					refused++
				case a.status == http.StatusOK:
					if a.res.Exact || a.res.Bound == nil || len(a.res.Coalitions) != 50 ||
						!slices.ContainsFunc(a.res.Warnings, func(w string) bool { return strings.Contains(w, "stopped at its deadline") }) {
						t.Errorf("answer: exact %v, bound %v, %d coalitions, warnings %q; want the deadline's answer", a.res.Exact, a.res.Bound, len(a.res.Coalitions), a.res.Warnings)
					}
				default:
					t.Errorf("POST /v1/match = %d, Retry-After %q; want 200, or 503 with Retry-After: 1", a.status, a.retry)
				}
			}
			if want := map[bool]int{true: 1, false: 0}[tc.busy]; refused != want {
				t.Errorf("%d of two crowded searches at once refused, want %d", refused, want)
			}
		})
	}
}
