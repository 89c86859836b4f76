package profiles

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
)

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
func (t *Taxonomy) ReadProfiles(r io.Reader, file string) ([]Profile, []LineError, error) {
	return readNDJSON(r, file, t.DecodeProfile, func(p Profile) string { return p.ID })
}

// ReadTenders reads NDJSON tenders, one a line, as DecodeTender decodes them (with
// the defaults applied). Lines, errors and duplicate ids are handled as by
// ReadProfiles.
func (t *Taxonomy) ReadTenders(r io.Reader, file string) ([]Tender, []LineError, error) {
	return readNDJSON(r, file, t.DecodeTender, func(tn Tender) string { return tn.ID })
}

// ReadCollaborations reads NDJSON collaboration events, one a line, as
// DecodeCollaboration decodes them, in input order (the order that breaks ties of
// SPEC §4). Lines and errors are handled as by ReadProfiles; the same event may occur
// twice.
func ReadCollaborations(r io.Reader, file string) ([]Collaboration, []LineError, error) {
	return readNDJSON(r, file, DecodeCollaboration, nil)
}

// readNDJSON decodes every line of r; id, when not nil, gives the id that must be
// unique within the read.
func readNDJSON[T any](r io.Reader, file string, decode func([]byte) (T, error), id func(T) string) ([]T, []LineError, error) {
	var (
		docs  []T
		bad   []LineError
		lines = newLineReader(r)
		seen  = make(map[string]int) // id -> line
	)
	for {
		line, err := lines.next()
		if errors.Is(err, io.EOF) {
			return docs, bad, nil
		}
		n := lines.n
		switch {
		case errors.Is(err, errLineTooLong):
			bad = append(bad, LineError{File: file, Line: n, Err: err})
			continue
		case err != nil:
			return docs, bad, fmt.Errorf("read %s after line %d: %w", file, n-1, err)
		}
		if skipLine(line) {
			continue
		}
		doc, err := decode(line)
		if err != nil {
			bad = append(bad, LineError{File: file, Line: n, Err: err})
			continue
		}
		if id != nil {
			if err := checkUnique(seen, id(doc), n); err != nil {
				bad = append(bad, LineError{File: file, Line: n, Err: err})
				continue
			}
		}
		docs = append(docs, doc)
	}
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

// lineReader splits its input into lines of at most maxLineBytes, without their line
// endings, and counts them. A longer line is skipped and reported as errLineTooLong,
// and reading goes on with the next line.
type lineReader struct {
	r   *bufio.Reader
	n   int    // number of the line last returned
	buf []byte // a line longer than r's buffer, put together; reused
}

func newLineReader(r io.Reader) *lineReader {
	return &lineReader{r: bufio.NewReaderSize(r, 64<<10)}
}

// next returns the next line, which stays valid until the next call: a line that
// fits in the reader's buffer is not copied. At the end of the input it returns
// io.EOF.
func (lr *lineReader) next() ([]byte, error) {
	line, err := lr.r.ReadSlice('\n')
	tooLong := false
	if errors.Is(err, bufio.ErrBufferFull) {
		lr.buf = lr.buf[:0]
		for {
			if !tooLong {
				lr.buf = append(lr.buf, line...)
				// Room for "\r\n" beyond the limit; the exact test is below.
				tooLong = len(lr.buf) > maxLineBytes+2
			}
			if !errors.Is(err, bufio.ErrBufferFull) {
				break
			}
			line, err = lr.r.ReadSlice('\n')
		}
		line = lr.buf
		if tooLong {
			line = nil
		}
	}
	switch {
	case errors.Is(err, io.EOF):
		if len(line) == 0 && !tooLong {
			return nil, io.EOF
		}
	case err != nil:
		lr.n++
		return nil, err
	}
	lr.n++
	if tooLong {
		return nil, errLineTooLong
	}
	line = bytes.TrimSuffix(line, []byte("\n"))
	line = bytes.TrimSuffix(line, []byte("\r"))
	if lr.n == 1 {
		line = bytes.TrimPrefix(line, utf8BOM)
	}
	if len(line) > maxLineBytes {
		return nil, errLineTooLong
	}
	return line, nil
}
