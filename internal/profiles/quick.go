package profiles

import "strings"

// The quick path of the collaboration events, the documents a file holds by the ten
// thousand (SPEC §4: the only source of trust).
//
// An event line is nearly always {"a":"…","b":"…","outcome":"…","at":"YYYY-MM-DD"}:
// four members, each once, each a string without escapes. quickCollaboration reads
// exactly that (white space where JSON allows it, members in any order) in one
// pass, checks the values as validation would, and decides only an event that is
// valid: anything else (another member, a null, an escape, a value validation
// refuses, data after the object) goes to the fast and slow paths, which report it
// as they always have. What it decides is what those paths give for the same line,
// with no error: the tests decode documents with it and without.

// quickCollaboration decodes a valid event of the usual form; today is as in
// decodeCollaboration.
// A line of a file the reader holds as a string has its values cut out of it; a
// document given as bytes has them copied into one string.
func quickCollaboration[S text](data S, today string) (Collaboration, bool) {
	if !fastDecode {
		return Collaboration{}, false
	}
	var vals [4]S  // a, b, outcome, at
	var seen uint8 // a bit per member read
	i := spaceAt(data, 0)
	if i >= len(data) || data[i] != '{' {
		return Collaboration{}, false
	}
	i = spaceAt(data, i+1)
	for n := 0; n < 4; n++ {
		key, j, ok := quickString(data, i)
		if !ok {
			return Collaboration{}, false
		}
		var k int
		switch string(key) {
		case "a":
			k = 0
		case "b":
			k = 1
		case "outcome":
			k = 2
		case "at":
			k = 3
		default:
			return Collaboration{}, false
		}
		if seen&(1<<k) != 0 {
			return Collaboration{}, false // given twice
		}
		seen |= 1 << k
		if j = spaceAt(data, j); j >= len(data) || data[j] != ':' {
			return Collaboration{}, false
		}
		if vals[k], i, ok = quickString(data, spaceAt(data, j+1)); !ok {
			return Collaboration{}, false
		}
		i = spaceAt(data, i)
		want := byte(',')
		if n == 3 {
			want = '}'
		}
		if i >= len(data) || data[i] != want {
			return Collaboration{}, false
		}
		i = spaceAt(data, i+1)
	}
	if i != len(data) {
		return Collaboration{}, false
	}
	a, b, outcome, at := vals[0], vals[1], vals[2], vals[3]
	if !validIDBytes(a) || !validIDBytes(b) || string(a) == string(b) || !quickDate(at) {
		return Collaboration{}, false
	}
	var c Collaboration
	switch string(outcome) {
	case OutcomePositive:
		c.Outcome = OutcomePositive
	case OutcomeNegative:
		c.Outcome = OutcomeNegative
	default:
		return Collaboration{}, false
	}
	if today != "" && (string(at) < EarliestAt || string(at) > today) {
		return Collaboration{}, false
	}
	if _, ok := any(data).(string); ok {
		c.A, c.B, c.At = string(a), string(b), string(at) // cut out of the line
		return c, true
	}
	// One string for the three values, which share it.
	var sb strings.Builder
	sb.Grow(len(a) + len(b) + len(at))
	sb.Write(any(a).([]byte))
	sb.Write(any(b).([]byte))
	sb.Write(any(at).([]byte))
	s := sb.String()
	c.A, c.B, c.At = s[:len(a)], s[len(a):len(a)+len(b)], s[len(a)+len(b):]
	return c, true
}

// quickString reads the string literal at data[i] when it holds printable ASCII
// only, with no escape, and returns what is between its quotes and the index after
// it.
func quickString[S text](data S, i int) (S, int, bool) {
	var none S
	if i >= len(data) || data[i] != '"' {
		return none, i, false
	}
	for j := i + 1; j < len(data); j++ {
		switch c := data[j]; {
		case c == '"':
			return data[i+1 : j], j + 1, true
		case c == '\\' || c < 0x20 || c >= 0x7f:
			return none, j, false
		}
	}
	return none, len(data), false
}

// validIDBytes is ValidID for bytes.
func validIDBytes[S text](id S) bool {
	if len(id) < 1 || len(id) > maxIDLen {
		return false
	}
	for i := range len(id) {
		if c := id[i]; !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

// quickDate is validDate for bytes, without time.Parse: four digits of a year, two
// of a month (01-12) and two of a day that the month has in that year, joined by
// '-'.
func quickDate[S text](s S) bool {
	if len(s) != len(dateLayout) || s[4] != '-' || s[7] != '-' {
		return false
	}
	num := func(b S) int {
		n := 0
		for i := range len(b) {
			c := b[i]
			if c < '0' || c > '9' {
				return -1
			}
			n = 10*n + int(c-'0')
		}
		return n
	}
	year, month, day := num(s[:4]), num(s[5:7]), num(s[8:])
	if year < 0 || month < 1 || month > 12 || day < 1 {
		return false
	}
	days := [13]int{0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31}[month]
	if month == 2 && year%4 == 0 && (year%100 != 0 || year%400 == 0) {
		days = 29
	}
	return day <= days
}

// text is a document as the quick paths read it: a line of a file held as a string,
// or bytes given to a decoder.
type text interface{ string | []byte }

// spaceAt is skipSpace for text.
func spaceAt[S text](b S, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}
