package profiles

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"runtime"
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
// It holds all of r in memory while it decodes the lines, on every core.
func (t *Taxonomy) ReadProfiles(r io.Reader, file string) ([]Profile, []LineError, error) {
	return readNDJSON(r, file, t.DecodeProfile, func(p *Profile) string { return p.ID })
}

// ReadTenders reads NDJSON tenders, one a line, as DecodeTender decodes them (with
// the defaults applied). Lines, errors and duplicate ids are handled as by
// ReadProfiles.
func (t *Taxonomy) ReadTenders(r io.Reader, file string) ([]Tender, []LineError, error) {
	return readNDJSON(r, file, t.DecodeTender, func(tn *Tender) string { return tn.ID })
}

// ReadCollaborations reads NDJSON collaboration events, one a line, as
// DecodeCollaboration decodes them, in input order (the order that breaks ties of
// SPEC §4). Lines and errors are handled as by ReadProfiles; the same event may occur
// twice.
func ReadCollaborations(r io.Reader, file string) ([]Collaboration, []LineError, error) {
	return readNDJSON(r, file, DecodeCollaboration, nil)
}

// readNDJSON decodes every line of r; id, when not nil, gives the id that must be
// unique within the read. When reading r fails, the lines before the one it failed
// in are decoded and returned with the error.
func readNDJSON[T any](r io.Reader, file string, decode func([]byte) (T, error), id func(*T) string) ([]T, []LineError, error) {
	data, readErr := readAll(r)
	if readErr != nil {
		data = data[:bytes.LastIndexByte(data, '\n')+1] // the complete lines
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
func readLines[T any](data []byte, parts int, file string, decode func([]byte) (T, error), id func(*T) string) ([]T, []LineError, int) {
	chunks := decodeChunks(splitLines(data, parts), decode)
	var nDocs, nBad int
	for i := range chunks {
		nDocs += len(chunks[i].docs)
		nBad += len(chunks[i].bad)
	}
	var docs []T
	if nDocs > 0 {
		docs = make([]T, 0, nDocs)
	}
	var bad []LineError
	if nBad > 0 {
		bad = make([]LineError, 0, nBad)
	}
	var seen map[string]int // id -> line
	if id != nil {
		seen = make(map[string]int, nDocs)
	}
	offset := 0 // lines in the chunks before
	for i := range chunks {
		c := &chunks[i]
		next := 0 // of c.bad
		for j := range c.docs {
			n := offset + c.lines[j]
			for ; next < len(c.bad) && c.bad[next].Line < c.lines[j]; next++ {
				bad = append(bad, LineError{File: file, Line: offset + c.bad[next].Line, Err: c.bad[next].Err})
			}
			if id != nil {
				if err := checkUnique(seen, id(&c.docs[j]), n); err != nil {
					bad = append(bad, LineError{File: file, Line: n, Err: err})
					continue
				}
			}
			docs = append(docs, c.docs[j])
		}
		for _, b := range c.bad[next:] {
			bad = append(bad, LineError{File: file, Line: offset + b.Line, Err: b.Err})
		}
		offset += c.count
	}
	return docs, bad, offset
}

// readAll reads r to its end, into a buffer of the right size when r tells its
// size (a file, a bytes.Reader), and returns what it read with the error that
// stopped it, if any.
func readAll(r io.Reader) ([]byte, error) {
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
	if size < 0 {
		return io.ReadAll(r)
	}
	// One byte more than the size, so that the read that finds the end needs no
	// second buffer; a file that grows meanwhile is read to its end all the same.
	buf := make([]byte, 0, size+1)
	for {
		n, err := r.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		switch {
		case err == io.EOF:
			return buf, nil
		case err != nil:
			return buf, err
		case len(buf) == cap(buf):
			buf = append(buf, 0)[:len(buf)] // grow
		}
	}
}

// chunk is what one part of the input decoded to: its documents with their line
// numbers, and its rejected lines, both counted from 1 at the chunk's first line;
// count is the number of lines in it.
type chunk[T any] struct {
	docs  []T
	lines []int // of docs
	bad   []LineError
	count int
}

// decodeChunks decodes the parts of an input, on every core; the first part is the
// start of the input.
func decodeChunks[T any](parts [][]byte, decode func([]byte) (T, error)) []chunk[T] {
	chunks := make([]chunk[T], len(parts))
	workers := min(runtime.GOMAXPROCS(0), len(parts))
	if workers <= 1 {
		for i, p := range parts {
			chunks[i] = decodeChunk(p, i == 0, decode)
		}
		return chunks
	}
	var next atomic.Int32
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for i := int(next.Add(1)) - 1; i < len(parts); i = int(next.Add(1)) - 1 {
				chunks[i] = decodeChunk(parts[i], i == 0, decode)
			}
		})
	}
	wg.Wait()
	return chunks
}

// splitLines cuts data into at most parts pieces (at least one) of about the same
// size, each ending just after a '\n' but the last.
func splitLines(data []byte, parts int) [][]byte {
	parts = max(parts, 1)
	out := make([][]byte, 0, parts)
	size := len(data) / parts
	for len(out) < parts-1 && len(data) > size {
		end := bytes.IndexByte(data[size:], '\n')
		if end < 0 {
			break
		}
		end += size + 1
		out = append(out, data[:end])
		data = data[end:]
	}
	return append(out, data)
}

// decodeChunk decodes the lines of one chunk; first says it is the start of the
// input, where a byte order mark may stand.
func decodeChunk[T any](data []byte, first bool, decode func([]byte) (T, error)) chunk[T] {
	var c chunk[T]
	bom := 0 // the length of a byte order mark taken off the first line
	if first && bytes.HasPrefix(data, utf8BOM) {
		data, bom = data[len(utf8BOM):], len(utf8BOM)
	}
	for len(data) > 0 {
		line, rest, ended := bytes.Cut(data, []byte("\n"))
		raw := len(line)
		if ended {
			raw++
		}
		if c.count == 0 {
			raw += bom // as read, before the mark was taken off
		}
		data = rest
		c.count++
		line = bytes.TrimSuffix(line, []byte("\r"))
		// Counted as a reader with a 64 KiB buffer counts: a line it has to put
		// together is too long once it passes the limit by more than "\r\n".
		if raw > maxLineBytes+2 || len(line) > maxLineBytes {
			c.bad = append(c.bad, LineError{Line: c.count, Err: errLineTooLong})
			continue
		}
		if skipLine(line) {
			continue
		}
		doc, err := decode(line)
		if err != nil {
			c.bad = append(c.bad, LineError{Line: c.count, Err: err})
			continue
		}
		c.docs = append(c.docs, doc)
		c.lines = append(c.lines, c.count)
	}
	return c
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
func skipLine(line []byte) bool {
	line = bytes.TrimSpace(line)
	return len(line) == 0 || line[0] == '#'
}

// utf8BOM is the byte order mark some editors put at the start of a file.
var utf8BOM = []byte("\xef\xbb\xbf")
