// Command examplegen writes the shipped example data of config/examples: partner
// profiles, collaboration events and tenders in Utrecht, made by internal/synth from
// a fixed seed so that the files only change when the generator does.
//
//	go run ./internal/synth/examplegen -out config/examples
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"samenspel/internal/profiles"
	"samenspel/internal/synth"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "examplegen:", err)
		os.Exit(1)
	}
}

// options are the command's flags; the defaults make the shipped examples.
type options struct {
	out            string
	seed           uint64
	profiles       int
	collaborations int
	tenders        int
	tenderFiles    int
	pool           int
	wide           int
	maxSize        int
}

func run(args []string) error {
	var o options
	fs := flag.NewFlagSet("examplegen", flag.ContinueOnError)
	fs.StringVar(&o.out, "out", "config/examples", "directory to write the example files into")
	fs.Uint64Var(&o.seed, "seed", 2026, "seed of the generator")
	fs.IntVar(&o.profiles, "profiles", 320, "number of partner profiles")
	fs.IntVar(&o.collaborations, "collaborations", 400, "number of collaboration events")
	fs.IntVar(&o.tenders, "tenders", 6, "number of tenders")
	fs.IntVar(&o.tenderFiles, "tender-files", 3, "number of tenders also written as tender-<id>.json")
	fs.IntVar(&o.pool, "pool", 0, "instead of the examples, write a benchmark instance: the first tender and this many eligible partners")
	fs.IntVar(&o.wide, "wide", 0, "instead of the examples, write a benchmark instance of -profiles profiles and -collaborations events, with the first tender widened to about this many candidates")
	fs.IntVar(&o.maxSize, "max-size", 6, "max_size of the benchmark instance's tender (with -pool or -wide)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments: %s", strings.Join(fs.Args(), " "))
	}
	if o.profiles < 0 || o.collaborations < 0 || o.tenders < 0 || o.tenderFiles < 0 {
		return fmt.Errorf("counts must be at least 0")
	}

	if o.pool > 0 {
		return writePool(o)
	}
	if o.wide > 0 {
		in := synth.Wide(o.seed, o.profiles, o.collaborations, o.wide, o.maxSize)
		return writeInstance(o.out, "wide", in.Tender, in.Profiles, in.Collaborations)
	}
	ps := synth.Profiles(o.seed, o.profiles)
	cs := synth.Collaborations(o.seed, ps, o.collaborations)
	ts := synth.Tenders(o.seed, o.tenders)

	if err := os.MkdirAll(o.out, 0o755); err != nil {
		return err
	}
	// Tender files of an earlier run may name tenders that no longer exist.
	stale, err := filepath.Glob(filepath.Join(o.out, "tender-*.json"))
	if err != nil {
		return err
	}
	for _, f := range stale {
		if err := os.Remove(f); err != nil {
			return err
		}
	}

	files, err := render(o, ps, cs, ts)
	if err != nil {
		return err
	}
	for _, f := range files {
		if err := os.WriteFile(filepath.Join(o.out, f.name), f.data, 0o644); err != nil {
			return err
		}
	}
	return nil
}

// writePool writes a benchmark instance for `matcher suggest`: pool-tender.json, and
// pool-profiles.ndjson and pool-collaborations.ndjson with o.pool eligible partners
// and o.pool/2 events among them.
func writePool(o options) error {
	t := synth.Tenders(o.seed, 1)[0]
	t.MaxSize = o.maxSize
	ps := synth.Pool(o.seed, t, o.pool)
	cs := synth.Collaborations(o.seed, ps, o.pool/2)
	return writeInstance(o.out, "pool", t, ps, cs)
}

// writeInstance writes a benchmark instance into dir: <prefix>-tender.json,
// <prefix>-profiles.ndjson and <prefix>-collaborations.ndjson.
func writeInstance(dir, prefix string, t profiles.Tender, ps []profiles.Profile, cs []profiles.Collaboration) error {
	td, err := pretty(t)
	if err != nil {
		return err
	}
	pd, err := ndjson(ps)
	if err != nil {
		return err
	}
	cd, err := ndjson(cs)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for name, data := range map[string][]byte{"-tender.json": td, "-profiles.ndjson": pd, "-collaborations.ndjson": cd} {
		if err := os.WriteFile(filepath.Join(dir, prefix+name), data, 0o644); err != nil {
			return err
		}
	}
	return nil
}

// file is one file of the examples directory.
type file struct {
	name string
	data []byte
}

// render encodes the documents into the files of the examples directory.
func render(o options, ps []profiles.Profile, cs []profiles.Collaboration, ts []profiles.Tender) ([]file, error) {
	var files []file
	add := func(name string, data []byte, err error) error {
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		files = append(files, file{name, data})
		return nil
	}
	d, err := ndjson(ps)
	if err := add("profiles.ndjson", d, err); err != nil {
		return nil, err
	}
	d, err = ndjson(cs)
	if err := add("collaborations.ndjson", d, err); err != nil {
		return nil, err
	}
	d, err = ndjson(ts)
	if err := add("tenders.ndjson", d, err); err != nil {
		return nil, err
	}
	shown := ts[:min(o.tenderFiles, len(ts))]
	for _, t := range shown {
		d, err := pretty(t)
		if err := add("tender-"+t.ID+".json", d, err); err != nil {
			return nil, err
		}
	}
	files = append(files, file{"README.md", []byte(readme(o, len(cs), shown))})
	return files, nil
}

// ndjson encodes one document a line, fields in struct order, with a final newline.
func ndjson[T any](docs []T) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	for _, doc := range docs {
		if err := enc.Encode(doc); err != nil {
			return nil, err
		}
	}
	return buf.Bytes(), nil
}

// pretty encodes one document indented by two spaces, with a final newline.
func pretty(doc any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
