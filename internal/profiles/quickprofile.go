package profiles

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// The quick path of the profiles, the documents a city's export holds by the
// thousand.
//
// A profile line is nearly always one flat object of the twelve known members, each
// once, with strings that hold no escape, numbers, booleans, arrays of strings and
// three small objects. quickProfile reads exactly that in one pass over one copy of
// the document, cutting every string out of the copy, and hands the profile to the
// same validation as the other paths. It decides only a document whose slow decoding
// has no decoding error: anything else (an unknown or repeated member, a value of
// another type, a null where a value is required, an escape, text that is not
// UTF-8, a number out of range, data after the object, a document longer than
// maxSharedCopy, unless a reader holds it) goes to the fast path and then the slow one, which report it as
// they always have. The tests decode documents with it and without
// (TestFastPathAgrees, FuzzFastPathAgrees, TestQuickProfile).

// quickProfile decodes a profile of the usual form, not yet validated, from a copy
// of data.
func quickProfile(data []byte) (Profile, bool) {
	if len(data) > maxSharedCopy {
		return Profile{}, false
	}
	return quickProfileIn(string(data))
}

// quickProfileIn is quickProfile for a document held as a string (a line of a file
// a reader holds), whose strings it cuts out of it.
func quickProfileIn(doc string) (Profile, bool) {
	if !fastDecode {
		return Profile{}, false
	}
	q := quick{s: doc}
	p := Profile{Themes: []string{}}
	q.space()
	if !q.take('{') {
		return Profile{}, false
	}
	var seen uint16 // a bit per member of profileFields
	q.space()
	if q.take('}') {
		return p, q.end()
	}
	for {
		key, ok := q.str()
		if !ok {
			return Profile{}, false
		}
		bit := profileBit(key)
		if bit == 0 || seen&bit != 0 {
			return Profile{}, false
		}
		seen |= bit
		q.space()
		if !q.take(':') {
			return Profile{}, false
		}
		q.space()
		if !q.null() && !q.member(&p, key) {
			return Profile{}, false
		}
		q.space()
		switch {
		case q.take(','):
			q.space()
		case q.take('}'):
			return p, q.end()
		default:
			return Profile{}, false
		}
	}
}

// profileBit is the bit of a member of profileFields, 0 for another key.
func profileBit(key string) uint16 {
	for i, name := range profileFields {
		if name == key {
			return 1 << i
		}
	}
	return 0
}

// member reads the value of one member of a profile (not null) into p.
func (q *quick) member(p *Profile, key string) bool {
	var ok bool
	switch key {
	case "id":
		p.ID, ok = q.str()
	case "name":
		p.Name, ok = q.str()
		p.Name = strings.TrimSpace(p.Name)
	case "kind":
		p.Kind, ok = q.str()
	case "size":
		p.Size, ok = q.str()
	case "new_provider":
		p.NewProvider, ok = q.boolean()
	case "can_lead":
		p.CanLead, ok = q.boolean()
	case "areas":
		p.Areas, ok = q.strings()
	case "themes":
		p.Themes, ok = q.strings()
	case "instruments":
		p.Instruments = make(map[string]float64, 4)
		ok = q.object(func(code string) bool {
			l, ok := q.number()
			p.Instruments[code] = l
			return ok
		})
	case "description":
		p.Description, ok = q.str()
	case "contact":
		var c Contact
		var seen uint8
		ok = q.object(func(name string) bool {
			var field *string
			var bit uint8
			switch name {
			case "email":
				field, bit = &c.Email, 1
			case "phone":
				field, bit = &c.Phone, 2
			case "website":
				field, bit = &c.Website, 4
			case "person":
				field, bit = &c.Person, 8
			default:
				return false
			}
			if seen&bit != 0 {
				return false
			}
			seen |= bit
			if q.null() {
				return true
			}
			s, ok := q.str()
			*field = strings.TrimSpace(s)
			return ok
		})
		if c != (Contact{}) {
			p.Contact = &c
		}
	case "private":
		notes := make(map[string]string, 1)
		ok = q.object(func(key string) bool {
			s, ok := q.str()
			notes[key] = s
			return ok
		})
		if len(notes) > 0 {
			p.Private = notes
		}
	}
	return ok
}

// quick reads a document in one pass; s is the document, i where it is.
type quick struct {
	s string
	i int
}

func (q *quick) space() {
	s, i := q.s, q.i
	for i < len(s) && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r') {
		i++
	}
	q.i = i
}

// take moves past c when it comes next.
func (q *quick) take(c byte) bool {
	if q.i < len(q.s) && q.s[q.i] == c {
		q.i++
		return true
	}
	return false
}

// end reports whether nothing but white space follows.
func (q *quick) end() bool {
	q.space()
	return q.i == len(q.s)
}

// null moves past a null when one comes next.
func (q *quick) null() bool {
	if strings.HasPrefix(q.s[q.i:], "null") {
		q.i += len("null")
		return true
	}
	return false
}

// str reads a string without escapes or control characters: ASCII, or valid UTF-8.
// Its value is cut out of the document.
func (q *quick) str() (string, bool) {
	if !q.take('"') {
		return "", false
	}
	s, i, ascii := q.s, q.i, true // in locals: the loop runs over every byte of a text
	for i < len(s) {
		for i < len(s) && plainASCII[s[i]] {
			i++
		}
		if i == len(s) {
			break
		}
		switch c := s[i]; {
		case c == '"':
			v := s[q.i:i]
			q.i = i + 1
			return v, ascii || utf8.ValidString(v)
		case c == '\\' || c < 0x20:
			return "", false
		default: // not ASCII: checked once the string ends
			ascii = false
			i++
		}
	}
	q.i = i
	return "", false
}

// plainASCII tells the bytes a string may hold that need no second look: ASCII from
// the space on, but '"' and '\\'.
var plainASCII = func() (t [256]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

func (q *quick) boolean() (bool, bool) {
	switch {
	case strings.HasPrefix(q.s[q.i:], "true"):
		q.i += len("true")
		return true, true
	case strings.HasPrefix(q.s[q.i:], "false"):
		q.i += len("false")
		return false, true
	}
	return false, false
}

// number reads a JSON number within the range of a float64.
func (q *quick) number() (float64, bool) {
	if q.i >= len(q.s) {
		return 0, false
	}
	end, ok := skipNumber([]byte(q.s[q.i:min(len(q.s), q.i+maxQuickNumber)]), 0)
	if !ok || end == maxQuickNumber {
		return 0, false
	}
	f, err := strconv.ParseFloat(q.s[q.i:q.i+end], 64)
	q.i += end
	return f, err == nil
}

// maxQuickNumber is the longest number literal the quick path reads; a longer one
// goes to the other paths.
const maxQuickNumber = 32

// strings reads an array of strings; an empty one is an empty list.
func (q *quick) strings() ([]string, bool) {
	if !q.take('[') {
		return nil, false
	}
	list := make([]string, 0, 4)
	q.space()
	if q.take(']') {
		return list, true
	}
	for {
		s, ok := q.str()
		if !ok {
			return nil, false
		}
		list = append(list, s)
		q.space()
		switch {
		case q.take(','):
			q.space()
		case q.take(']'):
			return list, true
		default:
			return nil, false
		}
	}
}

// object reads an object, calling value for each member with the reader at the
// member's value; a key given twice, or one with an escape, ends it.
func (q *quick) object(value func(key string) bool) bool {
	if !q.take('{') {
		return false
	}
	q.space()
	if q.take('}') {
		return true
	}
	var keys [8]string
	n := 0
	for {
		key, ok := q.str()
		if !ok || n == len(keys) {
			return false
		}
		for _, k := range keys[:n] {
			if k == key {
				return false
			}
		}
		keys[n] = key
		n++
		q.space()
		if !q.take(':') {
			return false
		}
		q.space()
		if !value(key) {
			return false
		}
		q.space()
		switch {
		case q.take(','):
			q.space()
		case q.take('}'):
			return true
		default:
			return false
		}
	}
}
