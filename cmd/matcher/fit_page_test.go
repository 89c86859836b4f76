package main

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"samenspel/config"
	"samenspel/internal/profiles"
	"samenspel/internal/synth"
)

// TestFitPageBounded: the fit page (why (not) this partner) runs the API's fit
// computation with its bounds. On issue 11's crowded pool, with max_heavy 1 and a
// request deadline of 700 ms, of two views at once one answers at the deadline,
// saying in words that the search had to stop, and one is refused with the 503
// page and Retry-After; a view above the address's rate limit gets the 429 page.
func TestFitPageBounded(t *testing.T) {
	t.Chdir(t.TempDir())
	tax, err := profiles.ParseTaxonomy(config.Taxonomy)
	if err != nil {
		t.Fatal(err)
	}
	var codes []string
	for _, in := range tax.Instruments {
		codes = append(codes, in.Code)
	}
	tn, ps := synth.Crowded(codes, 32)
	st := dataStore(t, "d")
	ctx := context.Background()
	if _, _, err := st.UpsertProfiles(ctx, ps); err != nil {
		t.Fatal(err)
	}
	if err := st.CreateTender(ctx, tn, "examples", time.Now()); err != nil {
		t.Fatal(err)
	}
	st.Close()
	sctx, cancel := context.WithCancel(ctx)
	addrc, errc := make(chan string, 1), make(chan error, 1)
	args := []string{"--addr", "127.0.0.1:0", "--data", "d", "--no-examples", "--request-timeout", "700ms", "--write-timeout", "3s",
		"--max-heavy", "1", "--rate-ip", "0.001", "--rate-ip-burst", "2"}
	go func() { errc <- serve(sctx, args, io.Discard, func(a string) { addrc <- a }) }()
	t.Cleanup(func() { cancel(); <-errc })
	var base string
	select {
	case a := <-addrc:
		base = "http://" + a
	case err := <-errc:
		t.Fatalf("serve: %v", err)
	case <-time.After(10 * time.Second):
		t.Fatal("serve did not start listening")
	}
	type answer struct {
		status      int
		retry, body string
	}
	view := func() answer {
		req, err := http.NewRequest("GET", base+"/tenders/"+tn.ID+"/fit/"+ps[0].ID, nil)
		if err != nil {
			t.Error(err)
			return answer{}
		}
		req.Header.Set("Accept", "text/html")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Error(err)
			return answer{}
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return answer{resp.StatusCode, resp.Header.Get("Retry-After"), string(b)}
	}
	answers := make(chan answer, 2)
	for range 2 {
		go func() { answers <- view() }()
	}
	got := map[int]int{}
	for range 2 {
		a := <-answers
		got[a.status]++
		switch a.status {
		case http.StatusOK:
			if !strings.Contains(a.body, "Samenspel moest stoppen met zoeken") || !strings.Contains(a.body, "Waarom (niet) ") {
				t.Errorf("the fit page at its deadline does not say the search had to stop")
			}
		case http.StatusServiceUnavailable:
			if a.retry != "1" || !strings.Contains(a.body, "Even niet beschikbaar") || !strings.Contains(a.body, "<html") {
				t.Errorf("the refused fit page: Retry-After %q, want the 503 page with Retry-After: 1", a.retry)
			}
		}
	}
	if got[http.StatusOK] != 1 || got[http.StatusServiceUnavailable] != 1 {
		t.Errorf("two fit pages at once on the crowded pool: statuses %v, want one 200 and one 503", got)
	}
	if a := view(); a.status != http.StatusTooManyRequests || !strings.Contains(a.body, "Even rustig aan") {
		t.Errorf("a third view from the address = %d, want the 429 page", a.status)
	}
}
