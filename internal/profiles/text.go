package profiles

import (
	"fmt"
	"strconv"
	"unicode/utf8"
)

// The rules of text, for every string the decoders read (values and keys) and every
// text field validation sees:
//
//   - valid UTF-8: a byte that is no part of a UTF-8 character is refused, not
//     replaced by U+FFFD as encoding/json would;
//   - no lone surrogate: a \ud800-\udfff escape that is not half of a pair stands
//     for no character (encoding/json would make it U+FFFD);
//   - no control character (C0, DEL, C1: U+0000-U+001F, U+007F-U+009F), except in
//     multi-line text (descriptions, private notes), which may hold line breaks
//     (\n, or \r\n as a textarea on Windows sends it) and tabs. A lone \r is
//     refused there too: it moves a terminal's cursor, and a log line or a table
//     printed with it can be made to show something else.
//
// A JSON string literal is checked before it is unquoted (literalError), since
// unquoting hides the first two; validation checks Go strings (textRuleError), which
// is what a CSV file or a caller's own value gives. The document decoders check
// only the encoding of a literal and leave control characters to validation, which
// sees a name or title after it has been trimmed of white space; DecodeJSON, which
// has no validation after it, checks all three.

// textRule is how much of the rules of text literalError checks.
type textRule int

const (
	encodingOnly textRule = iota // valid UTF-8, no lone surrogate
	oneLine                      // and no control character at all
	multiLine                    // and no control character but line breaks and tabs
)

// literalError is what breaks rule in the JSON string literal lit (with its
// quotes; the caller has checked it is well-formed JSON), or "".
func literalError(lit []byte, rule textRule) string {
	multiline := rule == multiLine
	s := lit[1 : len(lit)-1]
	cr := false // the previous character was \r
	for i := 0; i < len(s); {
		var r rune
		switch c := s[i]; {
		case c == '\\' && s[i+1] == 'u':
			r = hex4(s[i+2 : i+6])
			i += 6
			if r >= 0xd800 && r <= 0xdfff {
				if r <= 0xdbff && i+6 <= len(s) && s[i] == '\\' && s[i+1] == 'u' {
					if lo := hex4(s[i+2 : i+6]); lo >= 0xdc00 && lo <= 0xdfff {
						i += 6
						r = 0x10000 // a pair stands for a character above U+FFFF: no control
						break
					}
				}
				return fmt.Sprintf(`holds a lone surrogate \u%04x, which is no character`, r)
			}
		case c == '\\':
			r = unescape[s[i+1]]
			i += 2
		case c < utf8.RuneSelf:
			r = rune(c)
			i++
		default:
			var size int
			r, size = utf8.DecodeRune(s[i:])
			if r == utf8.RuneError && size == 1 {
				return "must be valid UTF-8"
			}
			i += size
		}
		if rule == encodingOnly {
			continue
		}
		if msg := controlError(r, multiline, &cr); msg != "" {
			return msg
		}
	}
	if cr {
		return controlMessage('\r', multiline)
	}
	return ""
}

// unescape is the character of each one-letter JSON escape.
var unescape = [256]rune{'"': '"', '\\': '\\', '/': '/', 'b': '\b', 'f': '\f', 'n': '\n', 'r': '\r', 't': '\t'}

// hex4 is the value of four hexadecimal digits the scanner has checked.
func hex4(b []byte) rune {
	var r rune
	for _, c := range b[:4] {
		switch {
		case c >= 'a':
			c -= 'a' - 10
		case c >= 'A':
			c -= 'A' - 10
		default:
			c -= '0'
		}
		r = r<<4 | rune(c)
	}
	return r
}

// textRuleError is what breaks the rules of text in s, or "".
func textRuleError(s string, multiline bool) string {
	cr := false
	for i := 0; i < len(s); {
		if c := s[i]; c >= 0x20 && c < 0x7f && !cr { // printable ASCII, most of any text
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			return "must be valid UTF-8"
		}
		i += size
		if msg := controlError(r, multiline, &cr); msg != "" {
			return msg
		}
	}
	if cr {
		return controlMessage('\r', multiline)
	}
	return ""
}

// controlError checks one character r of a text; cr carries whether the previous
// one was a \r, which only a \n may follow.
func controlError(r rune, multiline bool, cr *bool) string {
	if *cr && r != '\n' {
		return controlMessage('\r', multiline)
	}
	*cr = false
	if !isControl(r) {
		return ""
	}
	if multiline {
		switch r {
		case '\n', '\t':
			return ""
		case '\r':
			*cr = true
			return ""
		}
	}
	return controlMessage(r, multiline)
}

func isControl(r rune) bool { return r < 0x20 || r >= 0x7f && r <= 0x9f }

func controlMessage(r rune, multiline bool) string {
	if multiline {
		return fmt.Sprintf("must not hold control characters other than line breaks and tabs; found U+%04X", r)
	}
	return fmt.Sprintf("must not hold control characters (line breaks and tabs included); found U+%04X", r)
}

// maxQuoted is the most characters of a value Quote shows.
const maxQuoted = 64

// Quote quotes a value for an error message, cut to its first 64 characters and
// "…" when it is longer: an id or a name a client sent is echoed back so that the
// client sees which one is meant, never a hundred kilobytes of it.
func Quote(s string) string {
	if len(s) <= maxQuoted || utf8.RuneCountInString(s) <= maxQuoted {
		return strconv.Quote(s)
	}
	n := 0
	for i := range s {
		if n == maxQuoted {
			return strconv.Quote(s[:i]) + "…"
		}
		n++
	}
	return strconv.Quote(s)
}
