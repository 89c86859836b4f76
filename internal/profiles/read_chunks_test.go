package profiles

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/google/go-cmp/cmp"
)

// The readers decode chunks of lines on every core; readByLine (read_byline_test.go)
// is the reader that went line by line. Whatever the input and however it is cut,
// they must give the same documents and the same rejected lines, in the same order.

// readResult is what a reader gave, in a form cmp can compare.
type readResult struct {
	Docs any
	Bad  []string
	Err  string
}

func resultOf[T any](docs []T, bad []LineError, err error) readResult {
	r := readResult{Docs: docs}
	for _, b := range bad {
		r.Bad = append(r.Bad, b.Error())
	}
	if err != nil {
		r.Err = err.Error()
	}
	return r
}

// allParts are the cuts checkReaders tries: 0 is as the readers cut the input.
var allParts = []int{0, 1, 2, 3, 4, 5, 7, 9}

// checkReaders reads data with every reader, line by line and in 1 to 9 chunks and
// as the readers cut it, and fails on any difference.
func checkReaders(t *testing.T, tax *Taxonomy, data []byte) {
	t.Helper()
	checkReadersIn(t, tax, data, allParts, true)
}

// checkReadersIn is checkReaders in the given numbers of parts, for the profiles
// reader alone unless every is set.
func checkReadersIn(t *testing.T, tax *Taxonomy, data []byte, cuts []int, every bool) {
	t.Helper()
	profileID := func(p *Profile) string { return p.ID }
	tenderID := func(tn *Tender) string { return tn.ID }
	check := func(what string, want readResult, got func(parts int) readResult) {
		t.Helper()
		for _, parts := range cuts {
			if diff := cmp.Diff(want, got(parts)); diff != "" {
				t.Fatalf("%s of %.300q in %d parts: differs from reading line by line (-by line +in parts):\n%s", what, data, parts, diff)
			}
		}
	}
	read := func(parts int) int {
		if parts == 0 {
			return chunkCount(len(data))
		}
		return parts
	}
	check("profiles", resultOf(readByLine(bytes.NewReader(data), "in", tax.DecodeProfile, profileID)), func(parts int) readResult {
		docs, bad, _ := readLines(string(data), read(parts), "in", tax.decodeProfileLine, profileID)
		return resultOf(docs, bad, nil)
	})
	if !every {
		return
	}
	check("tenders", resultOf(readByLine(bytes.NewReader(data), "in", tax.DecodeTender, tenderID)), func(parts int) readResult {
		docs, bad, _ := readLines(string(data), read(parts), "in", func(s string) (Tender, error) { return tax.DecodeTender([]byte(s)) }, tenderID)
		return resultOf(docs, bad, nil)
	})
	check("events", resultOf(readByLine(bytes.NewReader(data), "in", DecodeCollaboration, nil)), func(parts int) readResult {
		docs, bad, _ := readLines(string(data), read(parts), "in", decodeCollaborationLine, nil)
		return resultOf(docs, bad, nil)
	})
	if diff := cmp.Diff(resultOf(readByLine(bytes.NewReader(data), "in", DecodeCollaboration, nil)),
		resultOf(ReadCollaborations(bytes.NewReader(data), "in"))); diff != "" {
		t.Fatalf("ReadCollaborations(%.300q) differs from reading line by line (-by line +read):\n%s", data, diff)
	}
}

// readerLines are the lines the random inputs are made of: every document of the
// decoders' tests, valid and not, and blank lines, comments, repeated ids.
func readerLines() []string {
	out := []string{"", " ", "\t", "#", "# a comment", " # indented", "\r", "{", "}", "null", `"x"`,
		fastEvent, fastEvent, `{"a":"woonstad","b":"buurtkamer-overvecht","outcome":"negative","at":"2026-03-01"}`,
		fastProfile, profileWith(`"name":"Q",`), fastTender, fastTender}
	for _, tt := range fastCases {
		if len(tt.doc) < 1000 { // the long ones have tests of their own
			out = append(out, strings.ReplaceAll(strings.ReplaceAll(tt.doc, "\n", " "), "\r", " "))
		}
	}
	return out
}

// randomInput joins n random lines with random line endings, sometimes after a
// byte order mark and sometimes without a final line ending.
func randomInput(r *rand.Rand, pool []string, n int) []byte {
	var b bytes.Buffer
	if r.IntN(4) == 0 {
		b.WriteString(utf8BOM)
	}
	for i := range n {
		b.WriteString(pool[r.IntN(len(pool))])
		if i < n-1 || r.IntN(2) == 0 {
			b.WriteString([]string{"\n", "\r\n", "\n\n", "\r\n\r\n"}[r.IntN(4)])
		}
	}
	return b.Bytes()
}

// TestReadersAsByLine: random inputs of the decoders' documents, blank lines,
// comments, CRLF and repeated ids, however they are cut into chunks.
func TestReadersAsByLine(t *testing.T) {
	tax := testTaxonomy(t)
	pool := readerLines()
	r := rand.New(rand.NewPCG(2026, 13))
	for range 150 {
		checkReaders(t, tax, randomInput(r, pool, r.IntN(40)))
	}
	for _, data := range []string{"", "\n", "\r\n", "\xef\xbb\xbf", "\xef\xbb\xbf\n", "\xef\xbb\xbf" + fastEvent, fastEvent, fastEvent + "\n" + fastEvent,
		"\n\n\n" + fastEvent + "\r\n\r\n", "\xef\xbb\xbf\xef\xbb\xbf" + fastEvent + "\n"} {
		checkReaders(t, tax, []byte(data))
	}
}

// TestReadersLongLines: lines about the limit of 1 MiB, with and without "\r\n",
// a byte order mark before the first, and lines around the 64 KiB buffer of the
// reader that went line by line.
func TestReadersLongLines(t *testing.T) {
	tax := testTaxonomy(t)
	pad := func(n int) string { // an event padded with spaces to n bytes
		return fastEvent[:len(fastEvent)-1] + strings.Repeat(" ", n-len(fastEvent)) + "}"
	}
	for _, data := range []string{
		pad(maxLineBytes) + "\n" + fastEvent,
		pad(maxLineBytes+1) + "\n" + fastEvent,
		pad(maxLineBytes) + "\r\n" + pad(maxLineBytes+1) + "\r\n" + fastEvent,
		"\xef\xbb\xbf" + pad(maxLineBytes) + "\n" + fastEvent, // too long as read, with the mark
		"\xef\xbb\xbf" + pad(maxLineBytes-2) + "\r\n" + fastEvent,
		"\xef\xbb\xbf" + pad(maxLineBytes-3) + "\r\n" + fastEvent,
		fastEvent + "\n" + pad(64<<10-1) + "\n" + pad(64<<10) + "\r\n" + pad(64<<10+1) + "\n" + pad(3*64<<10) + "\n" + fastEvent,
		pad(maxLineBytes + 5),
		pad(2*maxLineBytes) + "\n" + fastEvent + "\n",
	} {
		checkReaders(t, tax, []byte(data))
	}
}

// TestReadersBadLineInEachChunk: a bad line in each of the chunks a long file is
// read in, and an id repeated from an earlier chunk, are reported at their own
// lines, in order.
func TestReadersBadLineInEachChunk(t *testing.T) {
	tax := testTaxonomy(t)
	var lines []string
	var want []string
	const n = 4000
	for i := range n {
		line := fmt.Sprintf(`{"id":"p%d","name":"P","kind":"care","size":"small","areas":["NL"],"instruments":{"meals":1}}`, i)
		switch {
		case i%(n/8) == n/16: // once in each eighth
			line = `{"id":"p` + fmt.Sprint(i)
			want = append(want, fmt.Sprintf("in:%d: malformed JSON", i+1))
		case i == n-1:
			line = strings.Replace(line, fmt.Sprintf("p%d", i), "p3", 1)
			want = append(want, fmt.Sprintf(`in:%d: id: "p3" already on line 4`, i+1))
		}
		lines = append(lines, line)
	}
	data := []byte(strings.Join(lines, "\r\n"))
	if parts := chunkCount(len(data)); parts < 4 {
		t.Fatalf("the test file is read in %d chunks, want at least 4", parts)
	}
	checkReadersIn(t, tax, data, []int{0, 3, 8}, false)
	got, bad, err := tax.ReadProfiles(bytes.NewReader(data), "in")
	if err != nil || len(got) != n-len(want) || len(bad) != len(want) {
		t.Fatalf("ReadProfiles = %d profiles, %d bad lines, %v; want %d, %d, nil", len(got), len(bad), err, n-len(want), len(want))
	}
	for i, b := range bad {
		if !strings.HasPrefix(b.Error(), want[i]) {
			t.Errorf("bad line %d = %v, want %s...", i, b, want[i])
		}
	}
}

// TestReadersReadError: when reading fails, the lines before the one it failed in
// are decoded and the error says after which line, as line by line.
func TestReadersReadError(t *testing.T) {
	tax := testTaxonomy(t)
	data := randomInput(rand.New(rand.NewPCG(7, 7)), readerLines(), 60)
	diskErr := errors.New("disk on fire")
	for cut := 0; cut <= len(data); cut += 1 + cut/7 {
		failing := func() io.Reader { return io.MultiReader(bytes.NewReader(data[:cut]), iotest.ErrReader(diskErr)) }
		want := resultOf(readByLine(failing(), "in", tax.DecodeProfile, func(p *Profile) string { return p.ID }))
		got := resultOf(tax.ReadProfiles(failing(), "in"))
		if diff := cmp.Diff(want, got); diff != "" {
			t.Fatalf("ReadProfiles failing after %d bytes: differs from reading line by line (-by line +read):\n%s", cut, diff)
		}
		if !strings.Contains(got.Err, "disk on fire") {
			t.Fatalf("ReadProfiles failing after %d bytes: error %q", cut, got.Err)
		}
	}
}

// stalledReader gives its data, then nothing and no error, for ever.
type stalledReader struct {
	data  []byte
	reads int
}

func (s *stalledReader) Read(p []byte) (int, error) {
	s.reads++
	n := copy(p, s.data)
	s.data = s.data[n:]
	return n, nil
}

// TestReadersStalledReader: a reader that stops giving bytes without an error ends
// the read with io.ErrNoProgress after a bounded number of reads (it does not hang),
// with the complete lines before it decoded.
func TestReadersStalledReader(t *testing.T) {
	tax := testTaxonomy(t)
	data := randomInput(rand.New(rand.NewPCG(8, 8)), readerLines(), 20)
	cut := bytes.LastIndexByte(data, '\n') + 1
	cut = bytes.LastIndexByte(data[:cut-1], '\n') + 1 // two lines from the end
	r := &stalledReader{data: data[:cut+3]}           // and a few bytes of the next
	want := resultOf(readByLine(bytes.NewReader(data[:cut]), "in", tax.DecodeProfile, func(p *Profile) string { return p.ID }))
	got := resultOf(tax.ReadProfiles(r, "in"))
	if !strings.Contains(got.Err, io.ErrNoProgress.Error()) {
		t.Fatalf("ReadProfiles on a stalled reader: error %q, want %q", got.Err, io.ErrNoProgress)
	}
	if r.reads > 200 {
		t.Fatalf("ReadProfiles read a stalled reader %d times", r.reads)
	}
	got.Err, want.Err = "", ""
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("ReadProfiles on a stalled reader: the lines before it differ from reading them whole (-whole +read):\n%s", diff)
	}
}

// TestSplitLines: the pieces hold the input, each but the last ends a line, and
// there are at most as many as asked for.
func TestSplitLines(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for range 500 {
		data := randomInput(r, []string{"", "a", "bb", strings.Repeat("c", 50)}, r.IntN(30))
		parts := 1 + r.IntN(8)
		pieces := splitLines(string(data), parts)
		if len(pieces) < 1 || len(pieces) > parts || strings.Join(pieces, "") != string(data) {
			t.Fatalf("splitLines(%q, %d) = %q", data, parts, pieces)
		}
		for _, p := range pieces[:len(pieces)-1] {
			if len(p) == 0 || p[len(p)-1] != '\n' {
				t.Fatalf("splitLines(%q, %d) = %q: a piece does not end a line", data, parts, pieces)
			}
		}
	}
}

// FuzzReaders: any input, cut any way, reads as line by line.
func FuzzReaders(f *testing.F) {
	tax := testTaxonomy(f)
	r := rand.New(rand.NewPCG(1, 1))
	pool := readerLines()
	for range 20 {
		f.Add(randomInput(r, pool, 1+r.IntN(8)))
	}
	f.Fuzz(func(t *testing.T, data []byte) { checkReaders(t, tax, data) })
}
