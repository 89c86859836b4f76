package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"

	"samenspel/internal/profiles"
)

// maxLineBytes is the longest NDJSON line accepted, line ending not counted: the
// limit of profiles.ReadProfiles and of the API's bodies.
const maxLineBytes = 1 << 20

// profileStream reads NDJSON profiles one line at a time, so that an import holds
// one batch in memory, not the file. Its lines follow profiles.ReadProfiles: blank
// lines and lines starting with '#' are skipped, a line may end in \n or \r\n and
// be up to 1 MiB long, a byte order mark may open the file, and an id given on an
// earlier line is rejected on the later one.
type profileStream struct {
	tax  *profiles.Taxonomy
	file string
	r    *bufio.Reader
	n    int            // number of the line last read
	seen map[string]int // id -> line, for the repeated-id check
	buf  []byte         // a line longer than r's buffer, put together; reused
	// repeats counts the repeated entries of set-valued lists dropped from the
	// profiles read (SPEC §2).
	repeats int
}

func newProfileStream(tax *profiles.Taxonomy, r io.Reader, file string) *profileStream {
	return &profileStream{tax: tax, file: file, r: bufio.NewReaderSize(r, 64<<10), seen: map[string]int{}}
}

// next returns the next valid profile, or a rejected line (bad), or io.EOF at the
// end, or the error that stopped reading.
func (s *profileStream) next() (p profiles.Profile, bad *profiles.LineError, err error) {
	for {
		line, err := s.line()
		switch {
		case errors.Is(err, io.EOF):
			return p, nil, io.EOF
		case errors.Is(err, errLineTooLong):
			return p, &profiles.LineError{File: s.file, Line: s.n, Err: err}, nil
		case err != nil:
			return p, nil, fmt.Errorf("read %s after line %d: %w", s.file, s.n-1, err)
		}
		if t := bytes.TrimSpace(line); len(t) == 0 || t[0] == '#' {
			continue
		}
		var repeats int
		p, repeats, err = s.tax.DecodeProfileRepeats(line)
		if err == nil {
			s.repeats += repeats
			if first, dup := s.seen[p.ID]; dup {
				err = &profiles.ValidationError{Errors: []profiles.FieldError{{
					Field: "id", Message: fmt.Sprintf("%q already on line %d", p.ID, first)}}}
			} else {
				s.seen[p.ID] = s.n
			}
		}
		if err != nil {
			return profiles.Profile{}, &profiles.LineError{File: s.file, Line: s.n, Err: err}, nil
		}
		return p, nil, nil
	}
}

var errLineTooLong = fmt.Errorf("line longer than %d bytes (1 MiB)", maxLineBytes)

// line returns the next line without its ending; it stays valid until the next
// call. A line over maxLineBytes is read past and reported as errLineTooLong.
func (s *profileStream) line() ([]byte, error) {
	line, err := s.r.ReadSlice('\n')
	tooLong := false
	if errors.Is(err, bufio.ErrBufferFull) {
		s.buf = s.buf[:0]
		for {
			if !tooLong {
				s.buf = append(s.buf, line...)
				tooLong = len(s.buf) > maxLineBytes+2 // room for \r\n; the exact test is below
			}
			if !errors.Is(err, bufio.ErrBufferFull) {
				break
			}
			line, err = s.r.ReadSlice('\n')
		}
		line = s.buf
	}
	switch {
	case errors.Is(err, io.EOF):
		if len(line) == 0 && !tooLong {
			return nil, io.EOF
		}
	case err != nil:
		s.n++
		return nil, err
	}
	s.n++
	if tooLong {
		return nil, errLineTooLong
	}
	line = bytes.TrimSuffix(line, []byte("\n"))
	line = bytes.TrimSuffix(line, []byte("\r"))
	if s.n == 1 {
		line = bytes.TrimPrefix(line, []byte("\xef\xbb\xbf"))
	}
	if len(line) > maxLineBytes {
		return nil, errLineTooLong
	}
	return line, nil
}
