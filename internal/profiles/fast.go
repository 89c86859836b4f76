package profiles

import (
	"bytes"
	"encoding/json"
	"slices"
	"unicode/utf8"
)

// The fast path of the decoders.
//
// The slow path (document, then decoder.members and decoder.elements) reads a
// document through encoding/json's Decoder: the whole document once to check it,
// then every object and array again, token by token, copying each value. That makes
// good error messages and costs about 300 allocations per profile.
//
// The fast path runs the very same decoder (the same field tables, conversions and
// defaults, then the same validation) but finds the members and elements with the
// strict scanner below, which works on slices of the input and cuts plain strings out
// of one copy of it (see maxSharedCopy). It decides only documents it is sure about: when the scanner
// meets anything it does not handle (a syntax error, nesting deeper than
// maxFastDepth, a key given twice) or the decoder records any error (an unknown key,
// a wrong type, a number out of range), the document goes to the slow path, which
// then reports it exactly as it always has. A document the fast path decides is one
// whose slow decoding has no decoding error and gives the same value, so validation
// reports the same errors, if any.

// fastDecode switches the fast path on. Tests switch it off to check that both paths
// agree; it is not changed while decoding.
var fastDecode = true

// maxSharedCopy is the longest document whose strings the fast path cuts out of one
// copy of it. The strings of a decoded document keep that copy alive, so a longer
// one (a document may be up to 1 MiB, mostly white space) has its strings copied
// one by one.
const maxSharedCopy = 4 << 10

// maxFastDepth is the deepest nesting the scanner follows; deeper values go to the
// slow path. A valid document nests 3 deep (tender, needs, need).
const maxFastDepth = 32

// fastDocument starts the fast path: when data starts with an object (after JSON
// white space), it returns a decoder in fast mode and data from that object on. The
// object's end is found, and what follows it checked, while decoding: see decided.
func fastDocument(data []byte) (*decoder, json.RawMessage, bool) {
	if !fastDecode {
		return nil, nil, false
	}
	start := skipSpace(data, 0)
	if start >= len(data) || data[start] != '{' {
		return nil, nil, false
	}
	d := &decoder{fast: true}
	if len(data) <= maxSharedCopy {
		d.src, d.srcCap = string(data), cap(data)
	}
	return d, data[start:], true
}

// decided reports whether the fast path may decide the document it decoded: the
// scanner read the whole object and was sure of everything, nothing but white space
// follows the object, and the decoder found no error.
func (d *decoder) decided() bool {
	return !d.unsure && d.closed && skipSpace(d.tail, 0) == len(d.tail) &&
		len(d.errs.list) == 0 && d.errs.more == 0 && len(d.bad) == 0
}

// plain returns the string a JSON string literal holds when the decoder is in fast
// mode and the literal is plain (no escapes, valid UTF-8): then the string is its
// bytes, which it cuts out of the copy of the document, if there is one, rather
// than copying them again. For any other literal it returns false, and the caller
// unquotes it with encoding/json.
func (d *decoder) plain(lit []byte) (string, bool) {
	if !d.fast || len(lit) < 2 {
		return "", false
	}
	s := lit[1 : len(lit)-1]
	for i, c := range s {
		if c == '\\' {
			return "", false
		}
		if c >= utf8.RuneSelf { // not only ASCII: check the rest at once
			if bytes.IndexByte(s[i:], '\\') >= 0 || !utf8.Valid(s[i:]) {
				return "", false
			}
			break
		}
	}
	if d.src == "" {
		return string(s), true
	}
	// lit is a slice of the document (see fastDocument), so the two caps place it in
	// src. The comparison makes sure of it; if it fails, copy.
	if off := d.srcCap - cap(s); off >= 0 && off <= len(d.src)-len(s) && d.src[off:off+len(s)] == string(s) {
		return d.src[off : off+len(s)], true
	}
	return string(s), true
}

// fastMembers is decoder.members for the fast path. raw starts with an object; it
// is the value of a member or element, or for the document itself (depth 0) all of
// the input from the object on, and then fastMembers notes what follows the object.
// A key given twice leaves the document to the slow path.
func (d *decoder) fastMembers(raw json.RawMessage, fn func(key string, val json.RawMessage)) bool {
	top := d.depth == 0
	d.depth++
	end, ok := d.walkObject(raw, fn)
	d.depth--
	if ok && top {
		d.closed, d.tail = true, raw[end:]
	}
	return ok
}

// walkObject reads the object at the start of raw, calling fn for each member, and
// returns the index after it.
func (d *decoder) walkObject(raw json.RawMessage, fn func(key string, val json.RawMessage)) (int, bool) {
	var buf [16]string
	seen := buf[:0]
	var seenMap map[string]bool // once the object has more keys than buf holds
	i := skipSpace(raw, 1)
	if i < len(raw) && raw[i] == '}' {
		return i + 1, true
	}
	for {
		if i >= len(raw) || raw[i] != '"' {
			return i, d.giveUp()
		}
		end, ok := skipString(raw, i)
		if !ok {
			return i, d.giveUp()
		}
		key, ok := d.plain(raw[i:end])
		if !ok {
			var err error
			if key, err = unquote(raw[i:end]); err != nil || literalError(raw[i:end], encodingOnly) != "" {
				return i, d.giveUp()
			}
		}
		if i = skipSpace(raw, end); i >= len(raw) || raw[i] != ':' {
			return i, d.giveUp()
		}
		i = skipSpace(raw, i+1)
		if end, ok = skipValue(raw, i, 0); !ok {
			return i, d.giveUp()
		}
		switch {
		case seenMap != nil:
			if seenMap[key] {
				return i, d.giveUp()
			}
			seenMap[key] = true
		case slices.Contains(seen, key):
			return i, d.giveUp()
		case len(seen) < len(buf):
			seen = append(seen, key)
		default:
			seenMap = make(map[string]bool, 2*len(buf))
			for _, k := range seen {
				seenMap[k] = true
			}
			seenMap[key] = true
		}
		fn(key, raw[i:end])
		if d.unsure {
			return i, false
		}
		if i = skipSpace(raw, end); i >= len(raw) {
			return i, d.giveUp()
		}
		switch raw[i] {
		case ',':
			i = skipSpace(raw, i+1)
		case '}':
			return i + 1, true
		default:
			return i, d.giveUp()
		}
	}
}

// fastElements is decoder.elements for the fast path; raw is an array the scanner
// has checked.
func (d *decoder) fastElements(path string, raw json.RawMessage, fn func(path string, val json.RawMessage)) bool {
	i := skipSpace(raw, 1)
	if i < len(raw) && raw[i] == ']' {
		return true
	}
	for n := 0; ; n++ {
		end, ok := skipValue(raw, i, 0)
		if !ok {
			return d.giveUp()
		}
		fn(d.elem(path, n), raw[i:end])
		if d.unsure {
			return false
		}
		if i = skipSpace(raw, end); i >= len(raw) {
			return d.giveUp()
		}
		switch raw[i] {
		case ',':
			i = skipSpace(raw, i+1)
		case ']':
			return true
		default:
			return d.giveUp()
		}
	}
}

// unquote is the string a JSON string literal holds, as encoding/json reads it.
func unquote(lit []byte) (string, error) {
	var s string
	err := json.Unmarshal(lit, &s)
	return s, err
}

// giveUp leaves the document to the slow path. It returns false, for the callers of
// members and elements.
func (d *decoder) giveUp() bool {
	d.unsure = true
	return false
}

// The scanner follows RFC 8259 as encoding/json does: white space is space, tab, CR
// and LF; a string holds no control character and only the escapes \" \\ \/ \b \f \n
// \r \t and \uXXXX, but may hold invalid UTF-8 (which unquoting replaces); numbers
// are -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?. Each function starts at b[i]
// and returns the index after what it read, and false when that is not well-formed.

func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}

// skipValue reads one value; depth is the nesting of the value it starts at.
func skipValue(b []byte, i, depth int) (int, bool) {
	if i >= len(b) {
		return i, false
	}
	switch c := b[i]; {
	case c == '"':
		return skipString(b, i)
	case c == '{':
		return skipObject(b, i, depth+1)
	case c == '[':
		return skipArray(b, i, depth+1)
	case c == 't':
		return skipLiteral(b, i, "true")
	case c == 'f':
		return skipLiteral(b, i, "false")
	case c == 'n':
		return skipLiteral(b, i, "null")
	case c == '-' || c >= '0' && c <= '9':
		return skipNumber(b, i)
	}
	return i, false
}

func skipObject(b []byte, i, depth int) (int, bool) {
	if depth > maxFastDepth {
		return i, false
	}
	i = skipSpace(b, i+1)
	if i < len(b) && b[i] == '}' {
		return i + 1, true
	}
	for {
		if i >= len(b) || b[i] != '"' {
			return i, false
		}
		var ok bool
		if i, ok = skipString(b, i); !ok {
			return i, false
		}
		if i = skipSpace(b, i); i >= len(b) || b[i] != ':' {
			return i, false
		}
		if i, ok = skipValue(b, skipSpace(b, i+1), depth); !ok {
			return i, false
		}
		if i = skipSpace(b, i); i >= len(b) {
			return i, false
		}
		switch b[i] {
		case ',':
			i = skipSpace(b, i+1)
		case '}':
			return i + 1, true
		default:
			return i, false
		}
	}
}

func skipArray(b []byte, i, depth int) (int, bool) {
	if depth > maxFastDepth {
		return i, false
	}
	i = skipSpace(b, i+1)
	if i < len(b) && b[i] == ']' {
		return i + 1, true
	}
	for {
		var ok bool
		if i, ok = skipValue(b, i, depth); !ok {
			return i, false
		}
		if i = skipSpace(b, i); i >= len(b) {
			return i, false
		}
		switch b[i] {
		case ',':
			i = skipSpace(b, i+1)
		case ']':
			return i + 1, true
		default:
			return i, false
		}
	}
}

// plainByte tells the bytes that may stand for themselves in a string.
var plainByte = func() (t [256]bool) {
	for c := range t {
		t[c] = c >= 0x20 && c != '"' && c != '\\'
	}
	return t
}()

func skipString(b []byte, i int) (int, bool) {
	for i++; i < len(b); i++ {
		for i < len(b) && plainByte[b[i]] {
			i++
		}
		if i >= len(b) {
			break
		}
		switch c := b[i]; {
		case c == '"':
			return i + 1, true
		case c < 0x20:
			return i, false
		case c == '\\':
			i++
			if i >= len(b) {
				return i, false
			}
			switch b[i] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
			case 'u':
				if i+4 >= len(b) {
					return i, false
				}
				for _, h := range b[i+1 : i+5] {
					if !(h >= '0' && h <= '9' || h >= 'a' && h <= 'f' || h >= 'A' && h <= 'F') {
						return i, false
					}
				}
				i += 4
			default:
				return i, false
			}
		}
	}
	return i, false
}

func skipLiteral(b []byte, i int, lit string) (int, bool) {
	if len(b)-i < len(lit) || string(b[i:i+len(lit)]) != lit {
		return i, false
	}
	return i + len(lit), true
}

func skipNumber(b []byte, i int) (int, bool) {
	if b[i] == '-' {
		i++
	}
	switch {
	case i < len(b) && b[i] == '0':
		i++
	case i < len(b) && b[i] >= '1' && b[i] <= '9':
		i = skipDigits(b, i+1)
	default:
		return i, false
	}
	if i < len(b) && b[i] == '.' {
		j := skipDigits(b, i+1)
		if j == i+1 {
			return j, false
		}
		i = j
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		j := skipDigits(b, i)
		if j == i {
			return j, false
		}
		i = j
	}
	return i, true
}

func skipDigits(b []byte, i int) int {
	for i < len(b) && b[i] >= '0' && b[i] <= '9' {
		i++
	}
	return i
}
