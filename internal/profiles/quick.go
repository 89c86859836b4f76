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
func quickCollaboration(data []byte, today string) (Collaboration, bool) {
	if !fastDecode {
		return Collaboration{}, false
	}
	var vals [4][]byte // a, b, outcome, at
	i := skipSpace(data, 0)
	if i >= len(data) || data[i] != '{' {
		return Collaboration{}, false
	}
	i = skipSpace(data, i+1)
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
		if vals[k] != nil {
			return Collaboration{}, false // given twice
		}
		if j = skipSpace(data, j); j >= len(data) || data[j] != ':' {
			return Collaboration{}, false
		}
		if vals[k], i, ok = quickString(data, skipSpace(data, j+1)); !ok {
			return Collaboration{}, false
		}
		i = skipSpace(data, i)
		want := byte(',')
		if n == 3 {
			want = '}'
		}
		if i >= len(data) || data[i] != want {
			return Collaboration{}, false
		}
		i = skipSpace(data, i+1)
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
	// One string for the three values, which share it.
	var sb strings.Builder
	sb.Grow(len(a) + len(b) + len(at))
	sb.Write(a)
	sb.Write(b)
	sb.Write(at)
	s := sb.String()
	c.A, c.B, c.At = s[:len(a)], s[len(a):len(a)+len(b)], s[len(a)+len(b):]
	return c, true
}

// quickString reads the string literal at data[i] when it holds printable ASCII
// only, with no escape, and returns what is between its quotes and the index after
// it.
func quickString(data []byte, i int) ([]byte, int, bool) {
	if i >= len(data) || data[i] != '"' {
		return nil, i, false
	}
	for j := i + 1; j < len(data); j++ {
		switch c := data[j]; {
		case c == '"':
			return data[i+1 : j], j + 1, true
		case c == '\\' || c < 0x20 || c >= 0x7f:
			return nil, j, false
		}
	}
	return nil, len(data), false
}

// validIDBytes is ValidID for bytes.
func validIDBytes(id []byte) bool {
	if len(id) < 1 || len(id) > maxIDLen {
		return false
	}
	for _, c := range id {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

// quickDate is validDate for bytes, without time.Parse: four digits of a year, two
// of a month (01-12) and two of a day that the month has in that year, joined by
// '-'.
func quickDate(s []byte) bool {
	if len(s) != len(dateLayout) || s[4] != '-' || s[7] != '-' {
		return false
	}
	num := func(b []byte) int {
		n := 0
		for _, c := range b {
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
