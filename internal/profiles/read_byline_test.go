package profiles

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
)

// The reader that went line by line, as it was before the readers decoded chunks on
// every core, kept as the reference the tests hold the readers against: the same
// documents, the same rejected lines with the same errors, in the same order.

// readByLine is readNDJSON as it was: one line at a time through a lineReader.
func readByLine[T any](r io.Reader, file string, decode func([]byte) (T, error), id func(*T) string) ([]T, []LineError, error) {
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
		if skipLine(string(line)) {
			continue
		}
		doc, err := decode(line)
		if err != nil {
			bad = append(bad, LineError{File: file, Line: n, Err: err})
			continue
		}
		if id != nil {
			if err := checkUnique(seen, id(&doc), n); err != nil {
				bad = append(bad, LineError{File: file, Line: n, Err: err})
				continue
			}
		}
		docs = append(docs, doc)
	}
}

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
		line = bytes.TrimPrefix(line, []byte(utf8BOM))
	}
	if len(line) > maxLineBytes {
		return nil, errLineTooLong
	}
	return line, nil
}
