package main

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
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
