package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"samenspel/internal/browsertest"
)

// browserTender is the example tender whose page the browser tests open: the schools
// of Noordwest, with Zuilen among its areas.
const browserTender = "veilig-rond-scholen-noordwest-2027"

// TestPagesInBrowser: the pages of `matcher serve` on the shipped examples, as a
// person sees them in headless Chromium on a desktop (1280 px) and a phone (390 px):
// each answers 200 and shows what it is about, has no serious or critical axe-core
// violation and does not scroll sideways; a full-page screenshot of each is kept
// (see internal/browsertest for where).
func TestPagesInBrowser(t *testing.T) {
	base := serveExamples(t)
	b := browsertest.Start(t, 1280)
	pages := []struct {
		name, path string
		shows      string // text the page must show
	}{
		{"home", "/", "Veiligheid rond scholen in Noordwest"},
		{"partners", "/partners", "Buurt"},
		{"tender", "/tenders/" + browserTender, "Veiligheid rond scholen in Noordwest"},
		// A tender whose coalitions name alternatives (SPEC §6, variants).
		{"tender-alternatives", "/tenders/eenzaamheid-ouderen-overvecht-2026", "Even goed op deze plek:"},
		// Why (not) this partner, with its best coalition, the coalitions above it
		// and the changes to its offer (SPEC §6).
		{"fit", "/tenders/eenzaamheid-ouderen-overvecht-2026/fit/stichting-welzijn-utrecht", "De beste coalitie met Stichting Welzijn Utrecht"},
	}
	for _, width := range []int{1280, 390} {
		b.SetWidth(width)
		for _, p := range pages {
			t.Run(fmt.Sprintf("%s-%d", p.name, width), func(t *testing.T) {
				b := b.With(t)
				if st := b.Go(base + p.path); st != 200 {
					t.Fatalf("GET %s = %d, want 200", p.path, st)
				}
				if text := b.Text(""); !strings.Contains(text, p.shows) {
					t.Errorf("%s does not show %q:\n%.300s", p.path, p.shows, text)
				}
				b.CheckPage(p.name)
			})
		}
	}
}

// TestSelectsLookLikeLists: every drop-down list on the partner search and the
// registration form draws an arrow (the theme hides the browser's own), and its
// text keeps clear of it.
func TestSelectsLookLikeLists(t *testing.T) {
	base := serveExamples(t)
	b := browsertest.Start(t, 1280)
	for _, path := range []string{"/partners", "/register"} {
		if st := b.Go(base + path); st != 200 {
			t.Fatalf("GET %s = %d, want 200", path, st)
		}
		bad := browsertest.Eval[[]string](b, `[...document.querySelectorAll("select:not([multiple])")].filter(s => {
			const st = getComputedStyle(s);
			return st.appearance !== "auto" && (!st.backgroundImage.startsWith("url(") || parseFloat(st.paddingRight) < 1.4 * parseFloat(st.fontSize));
		}).map(s => s.id || s.name)`)
		if n := b.Count("select:not([multiple])"); n == 0 {
			t.Errorf("%s has no drop-down list to check", path)
		}
		if len(bad) > 0 {
			t.Errorf("%s: drop-down lists without an arrow, or with their text over it: %v", path, bad)
		}
		b.Screenshot("selects-" + strings.Trim(path, "/"))
	}
}

// serveExamples runs `matcher serve` in this process on a free port, on a new data
// directory filled with the examples, until the test ends; it returns the base URL.
func serveExamples(t *testing.T) string {
	t.Helper()
	t.Chdir(t.TempDir())
	ctx, cancel := context.WithCancel(context.Background())
	addrc := make(chan string, 1)
	errc := make(chan error, 1)
	go func() {
		errc <- serve(ctx, []string{"--addr", "127.0.0.1:0", "--data", "d"}, io.Discard, func(a string) { addrc <- a })
	}()
	select {
	case addr := <-addrc:
		t.Cleanup(func() {
			cancel()
			if err := <-errc; err != nil {
				t.Errorf("serve: %v", err)
			}
		})
		return "http://" + addr
	case err := <-errc:
		cancel()
		t.Fatalf("serve: %v", err)
	case <-time.After(10 * time.Second):
		cancel()
		t.Fatal("serve did not start listening")
	}
	return ""
}
