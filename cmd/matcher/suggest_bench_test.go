package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"testing"

	"samenspel/config"
	"samenspel/internal/match"
	"samenspel/internal/profiles"
	"samenspel/internal/synth"
)

// wideFiles writes the benchmark instance of a whole `matcher suggest` process into
// dir, as `go run ./internal/synth/examplegen -wide 600 -profiles 3000
// -collaborations 12000` writes it: a city's 3,000 profiles and 12,000 events, and
// the Overvecht loneliness tender at max_size 6 widened to some 600 candidates.
func wideFiles(tb testing.TB, dir string) (tender, ps, events string) {
	tb.Helper()
	in := synth.Wide(2026, 3000, 12000, 600, 6)
	enc := func(docs ...any) []byte {
		var buf bytes.Buffer
		e := json.NewEncoder(&buf)
		e.SetEscapeHTML(false)
		if len(docs) == 1 {
			e.SetIndent("", "  ")
		}
		for _, d := range docs {
			if err := e.Encode(d); err != nil {
				tb.Fatal(err)
			}
		}
		return buf.Bytes()
	}
	var pd, cd []any
	for _, p := range in.Profiles {
		pd = append(pd, p)
	}
	for _, c := range in.Collaborations {
		cd = append(cd, c)
	}
	tender, ps, events = filepath.Join(dir, "wide-tender.json"), filepath.Join(dir, "wide-profiles.ndjson"), filepath.Join(dir, "wide-collaborations.ndjson")
	for name, data := range map[string][]byte{tender: enc(in.Tender), ps: enc(pd...), events: enc(cd...)} {
		if err := os.WriteFile(name, data, 0o644); err != nil {
			tb.Fatal(err)
		}
	}
	return tender, ps, events
}

// BenchmarkSuggestWide is a whole `matcher suggest` but for the process: the command
// line, the taxonomy, reading and validating the three files, the search and the JSON
// it prints. Its parts: read (readInput alone) and search (match.Suggest and the JSON).
func BenchmarkSuggestWide(b *testing.B) {
	tender, ps, events := wideFiles(b, b.TempDir())
	args := []string{"suggest", "--tender", tender, "--profiles", ps, "--collaborations", events}
	b.Run("whole", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if err := run(context.Background(), args, io.Discard, io.Discard); err != nil {
				b.Fatal(err)
			}
		}
	})
	tax, err := profiles.ParseTaxonomy(config.Taxonomy)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("read", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := readInput(taxonomyOf(tax), tender, []string{ps}, []string{events}); err != nil {
				b.Fatal(err)
			}
		}
	})
	in, err := readInput(taxonomyOf(tax), tender, []string{ps}, []string{events})
	if err != nil {
		b.Fatal(err)
	}
	b.Run("search", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := json.MarshalIndent(match.Suggest(in, match.Options{Top: match.DefaultTop}), "", "  "); err != nil {
				b.Fatal(err)
			}
		}
	})
}
