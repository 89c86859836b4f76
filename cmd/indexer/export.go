package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"samenspel/internal/profiles"
)

// exportCmd is `indexer export [--format ndjson|csv] [--out FILE]`: every profile,
// by id, whole in NDJSON (contact and private included: the operator's copy, which
// `indexer import` reads back), or in the CSV columns. A file named by --out is
// written under a temporary name and renamed when complete, readable by its owner
// only, so that a failed export never leaves a half file and the private fields are
// not left readable by others.
func exportCmd(ctx context.Context, args []string, env func(string) (string, bool), stdout, stderr io.Writer) error {
	sf := newFlagSet("export", stderr)
	format := sf.fs.String("format", "ndjson", "ndjson or csv")
	out := sf.fs.String("out", "", "file to write (default standard output)")
	cfg, err := sf.load(args, env)
	if err != nil {
		return err
	}
	if sf.fs.NArg() > 0 {
		return fmt.Errorf("%w: unexpected argument %q", errUsage, sf.fs.Arg(0))
	}
	var write func(io.Writer, []profiles.Profile) error
	switch *format {
	case "ndjson":
		write = writeNDJSON
	case "csv":
		write = profiles.WriteProfilesCSV
	default:
		return fmt.Errorf("%w: --format must be ndjson or csv, not %q", errUsage, *format)
	}
	st, _, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	ps, err := st.Profiles(ctx)
	if err != nil {
		return err
	}
	if *out == "" {
		return write(stdout, ps)
	}
	return writeFile(*out, func(w io.Writer) error { return write(w, ps) })
}

// writeNDJSON writes one profile a line, as the store holds it.
func writeNDJSON(w io.Writer, ps []profiles.Profile) error {
	bw := bufio.NewWriter(w)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	for _, p := range ps {
		if err := enc.Encode(p); err != nil {
			return fmt.Errorf("write profile %q: %w", p.ID, err)
		}
	}
	return bw.Flush()
}

// writeFile writes name through a temporary file in the same directory, renamed
// over name only when write and the sync to disk succeeded. The file is mode 0600.
func writeFile(name string, write func(io.Writer) error) (err error) {
	tmp, err := os.CreateTemp(filepath.Dir(name), "."+filepath.Base(name)+".*")
	if err != nil {
		return fmt.Errorf("export: %w", err)
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if err := write(tmp); err != nil {
		return fmt.Errorf("export %s: %w", name, err)
	}
	if err := tmp.Sync(); err != nil {
		return fmt.Errorf("export %s: %w", name, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("export %s: %w", name, err)
	}
	if err := os.Rename(tmp.Name(), name); err != nil {
		return fmt.Errorf("export: %w", err)
	}
	return nil
}
