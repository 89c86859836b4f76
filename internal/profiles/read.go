package profiles

import (
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
)

// The NDJSON readers take the whole input into memory, cut it into chunks of
// whole lines and decode the chunks on every core at once. Each chunk gives its
// documents and its rejected lines with chunk-relative line numbers; the chunks are
// then joined in input order, line numbers made absolute, and only then is an id
// checked against the earlier lines (so "already on line N" names the same line as
// a reader that goes line by line would). The result is that of reading one line at
// a time, in the same order, to the byte: the tests hold it against such a reader.

// maxLineBytes is the longest line a reader accepts, line ending not counted. The
// API's body limit is the same 1 MiB.
const maxLineBytes = 1 << 20

// errLineTooLong is the reason for a line over maxLineBytes.
var errLineTooLong = fmt.Errorf("line longer than %d bytes (1 MiB)", maxLineBytes)

// ReadProfiles reads NDJSON profiles, one a line, as DecodeProfile decodes them. It
// reads to the end and returns the valid profiles and a LineError for every rejected
// line, so that one run reports every problem of a file. Blank lines and lines
// starting with '#' are skipped; lines may end in \n or \r\n and be up to 1 MiB long.
// A profile id given on an earlier line is rejected on the later one. The error is
// non-nil only when reading from r fails; what was read by then is returned too.
//
// It holds all of r in memory while it decodes the lines, on every core. The
// strings of the profiles are cut out of that copy of r, which they keep.
func (t *Taxonomy) ReadProfiles(r io.Reader, file string) ([]Profile, []LineError, error) {
	return readNDJSON(r, file, t.decodeProfileLine, func(p *Profile) string { return p.ID })
}

// decodeProfileLine is DecodeProfile for a line of an input a reader holds.
func (t *Taxonomy) decodeProfileLine(line string) (Profile, error) {
	if p, ok := quickProfileIn(line); ok {
		p, _, err := t.checkedProfile(new(decoder), p)
		return p, err
	}
	return t.DecodeProfile([]byte(line))
}

// ReadTenders reads NDJSON tenders, one a line, as DecodeTender decodes them (with
// the defaults applied). Lines, errors and duplicate ids are handled as by
// ReadProfiles.
func (t *Taxonomy) ReadTenders(r io.Reader, file string) ([]Tender, []LineError, error) {
	return readNDJSON(r, file, func(line string) (Tender, error) { return t.DecodeTender([]byte(line)) },
		func(tn *Tender) string { return tn.ID })
}

// ReadCollaborations reads NDJSON collaboration events, one a line, as
// DecodeCollaboration decodes them, in input order (the order that breaks ties of
// SPEC §4). Lines and errors are handled as by ReadProfiles; the same event may occur
// twice.
func ReadCollaborations(r io.Reader, file string) ([]Collaboration, []LineError, error) {
	return readNDJSON(r, file, decodeCollaborationLine, nil)
}

// decodeCollaborationLine is DecodeCollaboration for a line of an input a reader
// holds.
func decodeCollaborationLine(line string) (Collaboration, error) {
	if c, ok := quickCollaboration(line, ""); ok {
		return c, nil
	}
	return DecodeCollaboration([]byte(line))
}

// readNDJSON decodes every line of r; id, when not nil, gives the id that must be
// unique within the read. When reading r fails, the lines before the one it failed
// in are decoded and returned with the error.
func readNDJSON[T any](r io.Reader, file string, decode func(string) (T, error), id func(*T) string) ([]T, []LineError, error) {
	data, readErr := readAll(r)
	if readErr != nil {
		data = data[:strings.LastIndexByte(data, '\n')+1] // the complete lines
	}
	docs, bad, lines := readLines(data, chunkCount(len(data)), file, decode, id)
	if readErr != nil {
		return docs, bad, fmt.Errorf("read %s after line %d: %w", file, lines, readErr)
	}
	return docs, bad, nil
}

// Chunks are at least minChunk bytes, and each core gets about chunksPerCore of
// them, so that one slow chunk (long lines, many errors) does not keep the others
// waiting.
const (
	minChunk      = 32 << 10
	chunksPerCore = 4
)

// chunkCount is the number of chunks to cut an input of size bytes into.
func chunkCount(size int) int {
	return max(1, min(runtime.GOMAXPROCS(0)*chunksPerCore, size/minChunk))
}

// readLines is readNDJSON over data, cut into parts chunks. It also returns the
// number of lines of data.
//
// Every line has its place in one slice of documents, so that the chunks decode
// into it side by side and nothing is copied or grown on the way (a city's export
// allocates its profiles once); the good documents are then moved to the front,
// in order, as their ids are checked.
func readLines[T any](data string, parts int, file string, decode func(string) (T, error), id func(*T) string) ([]T, []LineError, int) {
	pieces := splitLines(data, parts)
	first := make([]int, len(pieces)+1) // of each piece, the index of its first line
	for i, p := range pieces {
		first[i+1] = first[i] + lineCount(p)
	}
	total := first[len(pieces)]
	slots := make([]T, total)
	good := make([]bool, total)
	bads := make([][]LineError, len(pieces)) // line numbers from 1 in each piece
	forEach(len(pieces), func(i int) {
		bads[i] = decodeChunk(pieces[i], i == 0, slots[first[i]:first[i+1]], good[first[i]:first[i+1]], decode)
	})
	nBad := 0
	for _, b := range bads {
		nBad += len(b)
	}
	var bad []LineError
	if nBad > 0 {
		bad = make([]LineError, 0, nBad)
	}
	var seen map[string]int // id -> line
	if id != nil {
		seen = make(map[string]int, total)
	}
	kept := 0
	for i := range pieces {
		next := 0 // of bads[i]
		for n := first[i]; n < first[i+1]; n++ {
			if !good[n] {
				continue
			}
			for ; next < len(bads[i]) && first[i]+bads[i][next].Line <= n; next++ {
				bad = append(bad, LineError{File: file, Line: first[i] + bads[i][next].Line, Err: bads[i][next].Err})
			}
			if id != nil {
				if err := checkUnique(seen, id(&slots[n]), n+1); err != nil {
					bad = append(bad, LineError{File: file, Line: n + 1, Err: err})
					continue
				}
			}
			slots[kept] = slots[n]
			kept++
		}
		for _, b := range bads[i][next:] {
			bad = append(bad, LineError{File: file, Line: first[i] + b.Line, Err: b.Err})
		}
	}
	if kept == 0 {
		return nil, bad, total
	}
	clear(slots[kept:]) // what they held is in the front, or was refused
	return slots[:kept:kept], bad, total
}

// lineCount is the number of lines of data: its line ends, and one more when it
// does not end in one.
func lineCount(data string) int {
	n := strings.Count(data, "\n")
	if len(data) > 0 && data[len(data)-1] != '\n' {
		n++
	}
	return n
}

// forEach calls fn(0) to fn(n-1), on every core.
func forEach(n int, fn func(i int)) {
	workers := min(runtime.GOMAXPROCS(0), n)
	if workers <= 1 {
		for i := range n {
			fn(i)
		}
		return
	}
	var next atomic.Int32
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for i := int(next.Add(1)) - 1; i < n; i = int(next.Add(1)) - 1 {
				fn(i)
			}
		})
	}
	wg.Wait()
}

// readAll reads r to its end, into one string of the right size when r tells its
// size (a file, a bytes.Reader), and returns what it read with the error that
// stopped it, if any.
func readAll(r io.Reader) (string, error) {
	size := -1
	switch r := r.(type) {
	case interface{ Len() int }: // bytes.Reader, strings.Reader, bytes.Buffer
		size = r.Len()
	case *os.File:
		if fi, err := r.Stat(); err == nil && fi.Mode().IsRegular() {
			if off, err := r.Seek(0, io.SeekCurrent); err == nil {
				size = int(fi.Size() - off)
			}
		}
	}
	var b strings.Builder
	if size >= 0 {
		// One byte more than the size, so that a file that grows meanwhile is
		// read to its end all the same, in a second buffer.
		b.Grow(size + 1)
	}
	buf := make([]byte, min(max(size+1, 512), 64<<10))
	for empty := 0; ; {
		n, err := r.Read(buf)
		b.Write(buf[:n])
		switch {
		case err == io.EOF:
			return b.String(), nil
		case err != nil:
			return b.String(), err
		case n > 0:
			empty = 0
		default:
			// A reader that keeps giving nothing, and no error, would keep us
			// here for ever: give up as bufio does.
			if empty++; empty >= maxEmptyReads {
				return b.String(), io.ErrNoProgress
			}
		}
	}
}

// maxEmptyReads is how many reads in a row may give no bytes and no error before
// readAll gives up (bufio's limit).
const maxEmptyReads = 100

// splitLines cuts data into at most parts pieces (at least one) of about the same
// size, each ending just after a '\n' but the last.
func splitLines(data string, parts int) []string {
	parts = max(parts, 1)
	out := make([]string, 0, parts)
	size := len(data) / parts
	for len(out) < parts-1 && len(data) > size {
		end := strings.IndexByte(data[size:], '\n')
		if end < 0 {
			break
		}
		end += size + 1
		out = append(out, data[:end])
		data = data[end:]
	}
	return append(out, data)
}

// decodeChunk decodes the lines of one chunk into slots, a place for each of its
// lines, and marks in good the lines it decoded; it returns the lines it rejected,
// counted from 1 at the chunk's first line. first says the chunk is the start of
// the input, where a byte order mark may stand.
func decodeChunk[T any](data string, first bool, slots []T, good []bool, decode func(string) (T, error)) []LineError {
	var bad []LineError
	bom := 0 // the length of a byte order mark taken off the first line
	if first && strings.HasPrefix(data, utf8BOM) {
		data, bom = data[len(utf8BOM):], len(utf8BOM)
	}
	for n := 0; len(data) > 0; n++ {
		line, rest, ended := strings.Cut(data, "\n")
		raw := len(line)
		if ended {
			raw++
		}
		if n == 0 {
			raw += bom // as read, before the mark was taken off
		}
		data = rest
		line = strings.TrimSuffix(line, "\r")
		// Counted as a reader with a 64 KiB buffer counts: a line it has to put
		// together is too long once it passes the limit by more than "\r\n".
		if raw > maxLineBytes+2 || len(line) > maxLineBytes {
			bad = append(bad, LineError{Line: n + 1, Err: errLineTooLong})
			continue
		}
		if skipLine(line) {
			continue
		}
		doc, err := decode(line)
		if err != nil {
			bad = append(bad, LineError{Line: n + 1, Err: err})
			continue
		}
		slots[n], good[n] = doc, true
	}
	return bad
}

// checkUnique records that id is on line n, or says on which line it already was.
func checkUnique(seen map[string]int, id string, n int) error {
	if first, dup := seen[id]; dup {
		return &ValidationError{Errors: []FieldError{{
			Field: "id", Message: fmt.Sprintf("%q already on line %d", id, first)}}}
	}
	seen[id] = n
	return nil
}

// skipLine reports whether a line is blank or a comment.
func skipLine(line string) bool {
	line = strings.TrimSpace(line)
	return len(line) == 0 || line[0] == '#'
}

// utf8BOM is the byte order mark some editors put at the start of a file.
const utf8BOM = "\xef\xbb\xbf"
