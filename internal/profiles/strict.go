package profiles

import (
	"bytes"
	"encoding"
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// DecodeJSON decodes data, one JSON object, into v, a pointer to a struct (or a
// map), by the rules DecodeProfile keeps, for the bodies that are no document of
// SPEC §2 (a coalition to score, a webhook, a merge patch):
//
//   - data is one JSON object with nothing but white space after it (else an error
//     wrapping ErrMalformed);
//   - at any depth, a key given twice, a key that is no field of the struct (one
//     that differs from a field's name in case only is told so: encoding/json would
//     have taken it) and a value of the wrong JSON type are field errors at their
//     path ("members[0]", "needs[2].weight"), in words, never a Go type;
//   - every string, key or value, keeps the rules of text (text.go); a string
//     field tagged `text:"multiline"` may hold line breaks and tabs, and the
//     strings in a json.RawMessage are checked for their encoding only (valid
//     UTF-8, no lone surrogate): whoever reads it further knows its fields;
//   - null as a member's value is the same as leaving it out; elsewhere (an array
//     element, a map value) null is only taken by a pointer or an interface;
//   - whole-number fields take 3, 3.0 and 3e0, not 3.5, within their Go type's
//     range; floats must be finite.
//
// Struct fields are matched by their json tag names as encoding/json names them
// (embedded structs' fields included); a field with a type that implements
// json.Unmarshaler (time.Time) is handed its value's JSON; json.RawMessage and
// interface values take any JSON, checked as above. Field errors come in document
// order as a *ValidationError; v is then left partly filled and must not be used.
func DecodeJSON(data []byte, v any) error {
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Pointer || rv.IsNil() {
		panic(fmt.Sprintf("profiles: DecodeJSON needs a non-nil pointer, not %T", v))
	}
	if _, err := document(data, "JSON body"); err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	w := &walker{dec: dec, data: data}
	if err := w.value("", rv.Elem(), oneLine, 0); err != nil {
		return fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	return w.errs.err()
}

// maxDepth is the deepest nesting DecodeJSON reads; no body of the API nests more
// than a few levels.
const maxDepth = 64

// errTooDeep stops a walk that nests deeper than maxDepth.
var errTooDeep = fmt.Errorf("nested more than %d deep", maxDepth)

// walker reads one JSON value at a time from dec into Go values, collecting field
// errors. data is what dec reads, for the literals and raw values the tokens hide.
type walker struct {
	dec  *json.Decoder
	data []byte
	errs fieldErrors
}

// token reads the next token and the bytes it was read from (white space and the
// ':' or ',' before it trimmed off).
func (w *walker) token() (json.Token, []byte, error) {
	start := w.dec.InputOffset()
	tok, err := w.dec.Token()
	if err != nil {
		return nil, nil, err
	}
	raw := w.data[start:w.dec.InputOffset()]
	return tok, bytes.TrimLeft(raw, " \t\r\n,:"), nil
}

// value reads one value into v (settable); rule is the rule of text for its
// strings. An error means the input could not be read at all (the caller has
// checked that it is well-formed, so only errTooDeep).
func (w *walker) value(path string, v reflect.Value, rule textRule, depth int) error {
	start := w.dec.InputOffset()
	tok, lit, err := w.token()
	if err != nil {
		return err
	}
	return w.valueFrom(path, v, tok, lit, start, rule, depth)
}

var (
	unmarshalerType     = reflect.TypeFor[json.Unmarshaler]()
	textUnmarshalerType = reflect.TypeFor[encoding.TextUnmarshaler]()
	rawMessageType      = reflect.TypeFor[json.RawMessage]()
	timeType            = reflect.TypeFor[time.Time]()
)

// valueFrom is value for a value whose first token, tok (read from lit, starting
// at offset start), has been read.
func (w *walker) valueFrom(path string, v reflect.Value, tok json.Token, lit []byte, start int64, rule textRule, depth int) error {
	if depth > maxDepth {
		return errTooDeep
	}
	t := v.Type()
	if tok == nil { // null
		switch t.Kind() {
		case reflect.Pointer, reflect.Interface, reflect.Map, reflect.Slice:
			v.SetZero()
		default:
			w.errs.add(path, "must be %s, not null", expected(t))
		}
		return nil
	}
	switch {
	case t == rawMessageType:
		if _, err := w.anyFrom(path, tok, lit, encodingOnly, depth); err != nil {
			return err
		}
		v.SetBytes(bytes.TrimLeft(slices.Clone(w.data[start:w.dec.InputOffset()]), " \t\r\n,:"))
		return nil
	case t.Kind() != reflect.Pointer && (reflect.PointerTo(t).Implements(unmarshalerType) || reflect.PointerTo(t).Implements(textUnmarshalerType)):
		return w.unmarshaler(path, v, tok, lit, start, depth)
	}
	switch t.Kind() {
	case reflect.Pointer:
		if v.IsNil() {
			v.Set(reflect.New(t.Elem()))
		}
		return w.valueFrom(path, v.Elem(), tok, lit, start, rule, depth)
	case reflect.Interface:
		if t.NumMethod() != 0 {
			panic(fmt.Sprintf("profiles: DecodeJSON cannot decode into %v", t))
		}
		x, err := w.anyFrom(path, tok, lit, rule, depth)
		if err != nil {
			return err
		}
		if x != nil {
			v.Set(reflect.ValueOf(x))
		}
		return nil
	case reflect.Struct:
		return w.object(path, v, tok, lit, depth, w.structMember(v))
	case reflect.Map:
		if t.Key().Kind() != reflect.String {
			panic(fmt.Sprintf("profiles: DecodeJSON cannot decode into %v", t))
		}
		if v.IsNil() {
			v.Set(reflect.MakeMap(t))
		}
		return w.object(path, v, tok, lit, depth, func(key string, path string) (member, error) {
			e := reflect.New(t.Elem()).Elem()
			return member{value: e, rule: rule, set: func() {
				v.SetMapIndex(reflect.ValueOf(key).Convert(t.Key()), e)
			}}, nil
		})
	case reflect.Slice, reflect.Array:
		return w.array(path, v, tok, lit, rule, depth)
	case reflect.String:
		s, ok := tok.(string)
		if !ok {
			return w.wrongType(path, t, tok, lit, depth)
		}
		if msg := literalError(lit, rule); msg != "" {
			w.errs.add(path, "%s", msg)
			return nil
		}
		v.SetString(s)
		return nil
	case reflect.Bool:
		b, ok := tok.(bool)
		if !ok {
			return w.wrongType(path, t, tok, lit, depth)
		}
		v.SetBool(b)
		return nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
		reflect.Float32, reflect.Float64:
		n, ok := tok.(json.Number)
		if !ok {
			return w.wrongType(path, t, tok, lit, depth)
		}
		w.number(path, v, string(n))
		return nil
	}
	panic(fmt.Sprintf("profiles: DecodeJSON cannot decode into %v", t))
}

// number sets v, a number of any Go kind, to the number literal lit.
func (w *walker) number(path string, v reflect.Value, lit string) {
	f, err := strconv.ParseFloat(lit, 64)
	if err != nil || math.IsInf(f, 0) {
		w.errs.add(path, "number %s is out of range", cut(lit))
		return
	}
	switch v.Kind() {
	case reflect.Float32, reflect.Float64:
		if v.OverflowFloat(f) {
			w.errs.add(path, "number %s is out of range", cut(lit))
			return
		}
		v.SetFloat(f)
		return
	}
	if f != math.Trunc(f) {
		w.errs.add(path, "must be a whole number, not %s", cut(lit))
		return
	}
	switch v.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		n, err := strconv.ParseInt(lit, 10, 64)
		if err != nil { // 3.0, 3e0, or beyond int64
			if f < math.MinInt64 || f >= math.MaxInt64 {
				w.errs.add(path, "number %s is out of range", cut(lit))
				return
			}
			n = int64(f)
		}
		if v.OverflowInt(n) {
			w.errs.add(path, "number %s is out of range", cut(lit))
			return
		}
		v.SetInt(n)
	default:
		n, err := strconv.ParseUint(lit, 10, 64)
		if err != nil {
			if f < 0 || f >= math.MaxUint64 {
				w.errs.add(path, "number %s is out of range", cut(lit))
				return
			}
			n = uint64(f)
		}
		if v.OverflowUint(n) {
			w.errs.add(path, "number %s is out of range", cut(lit))
			return
		}
		v.SetUint(n)
	}
}

// unmarshaler hands a value to the UnmarshalJSON (or, for a string, the
// UnmarshalText) of v's type, once it has been checked as any value is.
func (w *walker) unmarshaler(path string, v reflect.Value, tok json.Token, lit []byte, start int64, depth int) error {
	before := len(w.errs.list) + w.errs.more
	if err := w.skip(path, tok, lit, depth, true); err != nil {
		return err
	}
	if len(w.errs.list)+w.errs.more > before {
		return nil
	}
	raw := bytes.TrimLeft(w.data[start:w.dec.InputOffset()], " \t\r\n,:")
	p := v.Addr().Interface()
	var err error
	switch u := p.(type) {
	case json.Unmarshaler:
		err = u.UnmarshalJSON(slices.Clone(raw))
	case encoding.TextUnmarshaler:
		s, ok := tok.(string)
		if !ok {
			w.errs.add(path, "must be a string, not %s", tokenKind(tok))
			return nil
		}
		err = u.UnmarshalText([]byte(s))
	}
	if err != nil {
		w.errs.add(path, "must be %s", expected(v.Type()))
	}
	return nil
}

// wrongType reports a value of the wrong JSON type for t and reads past it.
func (w *walker) wrongType(path string, t reflect.Type, tok json.Token, lit []byte, depth int) error {
	w.errs.add(path, "must be %s, not %s", expected(t), tokenKind(tok))
	return w.skip(path, tok, lit, depth, false)
}

// skip reads past the value that starts with tok. When check is set, it checks
// the value as an interface value is checked (repeated keys, text).
func (w *walker) skip(path string, tok json.Token, lit []byte, depth int, check bool) error {
	if check {
		_, err := w.anyFrom(path, tok, lit, oneLine, depth)
		return err
	}
	if _, ok := tok.(json.Delim); !ok {
		return nil
	}
	for open := 1; open > 0; {
		tok, err := w.dec.Token()
		if err != nil {
			return err
		}
		switch tok {
		case json.Delim('{'), json.Delim('['):
			open++
		case json.Delim('}'), json.Delim(']'):
			open--
		}
	}
	return nil
}

// anyFrom reads any value, as encoding/json would into an interface{}: objects
// as map[string]any, arrays as []any, numbers as float64.
func (w *walker) anyFrom(path string, tok json.Token, lit []byte, rule textRule, depth int) (any, error) {
	if depth > maxDepth {
		return nil, errTooDeep
	}
	switch tok := tok.(type) {
	case nil, bool:
		return tok, nil
	case string:
		if msg := literalError(lit, rule); msg != "" {
			w.errs.add(path, "%s", msg)
		}
		return tok, nil
	case json.Number:
		f, err := strconv.ParseFloat(string(tok), 64)
		if err != nil || math.IsInf(f, 0) {
			w.errs.add(path, "number %s is out of range", cut(string(tok)))
		}
		return f, nil
	}
	var out any
	var err error
	if tok == json.Delim('{') {
		m := map[string]any{}
		err = w.members(path, depth, func(key, path string) error {
			t, l, err := w.token()
			if err != nil {
				return err
			}
			x, err := w.anyFrom(path, t, l, rule, depth+1)
			m[key] = x
			return err
		})
		out = m
	} else {
		a := []any{}
		for i := 0; w.dec.More(); i++ {
			t, l, err := w.token()
			if err != nil {
				return nil, err
			}
			x, err := w.anyFrom(elem(path, i), t, l, rule, depth+1)
			if err != nil {
				return nil, err
			}
			a = append(a, x)
		}
		_, err = w.dec.Token() // ]
		out = a
	}
	return out, err
}

// members reads the members of an object whose '{' has been read, and its '}'.
// For each key, given once and keeping the rules of text, it calls fn, which reads
// the value; a key given twice, or one breaking the rules, is reported and its
// value read past.
func (w *walker) members(path string, depth int, fn func(key, path string) error) error {
	seen := map[string]bool{}
	for w.dec.More() {
		tok, lit, err := w.token()
		if err != nil {
			return err
		}
		key := tok.(string) // the decoder has checked the object
		p := join(path, key)
		msg := literalError(lit, oneLine)
		switch {
		case msg != "":
			w.errs.add(p, "key %s", msg)
		case seen[key]:
			w.errs.add(p, "given more than once")
		default:
			seen[key] = true
			if err := fn(key, p); err != nil {
				return err
			}
			continue
		}
		t, l, err := w.token()
		if err != nil {
			return err
		}
		if err := w.skip(p, t, l, depth+1, false); err != nil {
			return err
		}
	}
	_, err := w.dec.Token() // }
	return err
}

// member is where an object's member goes: value, then set (if not nil) once it
// is read without error. A zero member (no value) is a key that is refused.
type member struct {
	value reflect.Value
	rule  textRule
	set   func()
}

// object reads an object whose first token is tok into v, finding each member's
// place with find.
func (w *walker) object(path string, v reflect.Value, tok json.Token, lit []byte, depth int, find func(key, path string) (member, error)) error {
	if tok != json.Delim('{') {
		return w.wrongType(path, v.Type(), tok, lit, depth)
	}
	return w.members(path, depth, func(key, p string) error {
		m, err := find(key, p)
		if err != nil {
			return err
		}
		start := w.dec.InputOffset()
		t, l, err := w.token()
		if err != nil {
			return err
		}
		if !m.value.IsValid() {
			return w.skip(p, t, l, depth+1, false)
		}
		if t == nil && m.set == nil {
			return nil // null is an absent member
		}
		before := len(w.errs.list) + w.errs.more
		if err := w.valueFrom(p, m.value, t, l, start, m.rule, depth+1); err != nil {
			return err
		}
		if m.set != nil && len(w.errs.list)+w.errs.more == before {
			m.set()
		}
		return nil
	})
}

// structMember finds the field of the struct v for a key, reporting unknown keys.
func (w *walker) structMember(v reflect.Value) func(key, path string) (member, error) {
	fields := fieldsOf(v.Type())
	return func(key, path string) (member, error) {
		i := slices.IndexFunc(fields, func(f jsonField) bool { return f.name == key })
		if i < 0 {
			if j := slices.IndexFunc(fields, func(f jsonField) bool { return strings.EqualFold(f.name, key) }); j >= 0 {
				w.errs.add(path, "unknown field; keys are case-sensitive: did you mean %s?", strconv.Quote(fields[j].name))
			} else {
				w.errs.add(path, "unknown field; valid: %s", strings.Join(fieldNames(fields), ", "))
			}
			return member{}, nil
		}
		return member{value: v.FieldByIndex(fields[i].index), rule: fields[i].rule}, nil
	}
}

// array reads an array into the slice or array v.
func (w *walker) array(path string, v reflect.Value, tok json.Token, lit []byte, rule textRule, depth int) error {
	if tok != json.Delim('[') {
		return w.wrongType(path, v.Type(), tok, lit, depth)
	}
	t := v.Type()
	if t.Kind() == reflect.Slice {
		v.Set(reflect.MakeSlice(t, 0, 0))
	}
	i := 0
	for ; w.dec.More(); i++ {
		p := elem(path, i)
		if t.Kind() == reflect.Array && i >= t.Len() {
			w.errs.add(p, "at most %d elements", t.Len())
			if err := w.value(p, reflect.New(reflect.TypeFor[any]()).Elem(), rule, depth+1); err != nil {
				return err
			}
			continue
		}
		e := reflect.New(t.Elem()).Elem()
		if err := w.value(p, e, rule, depth+1); err != nil {
			return err
		}
		if t.Kind() == reflect.Slice {
			v.Set(reflect.Append(v, e))
		} else {
			v.Index(i).Set(e)
		}
	}
	_, err := w.dec.Token() // ]
	return err
}

// expected names what a Go type takes, in the words of a JSON document.
func expected(t reflect.Type) string {
	switch {
	case t == timeType:
		return "a date and time such as 2026-03-01T09:00:00Z"
	case t == rawMessageType:
		return "a JSON value"
	}
	switch t.Kind() {
	case reflect.Pointer:
		return expected(t.Elem())
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return "a whole number"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Struct, reflect.Map:
		return "an object"
	case reflect.Slice, reflect.Array:
		return "an array"
	}
	return "a valid value"
}

// tokenKind names the JSON type of the value a token starts.
func tokenKind(tok json.Token) string {
	switch tok := tok.(type) {
	case nil:
		return "null"
	case bool:
		return "a boolean"
	case string:
		return "a string"
	case json.Number:
		return "a number"
	case json.Delim:
		if tok == '[' {
			return "an array"
		}
	}
	return "an object"
}

// jsonField is a struct field as encoding/json names it.
type jsonField struct {
	name  string
	index []int
	rule  textRule // multiLine when tagged text:"multiline"
}

var fieldCache sync.Map // reflect.Type -> []jsonField

// fieldsOf lists the JSON fields of a struct type: exported fields by their json
// tag names (or Go names), "-" left out, embedded structs' fields in their place.
// A name given twice at the same depth is left out, as encoding/json does; the
// shallower of two wins.
func fieldsOf(t reflect.Type) []jsonField {
	if f, ok := fieldCache.Load(t); ok {
		return f.([]jsonField)
	}
	var fields []jsonField
	var walk func(t reflect.Type, index []int)
	walk = func(t reflect.Type, index []int) {
		for i := range t.NumField() {
			sf := t.Field(i)
			tag := sf.Tag.Get("json")
			if tag == "-" {
				continue
			}
			name, _, _ := strings.Cut(tag, ",")
			idx := append(slices.Clone(index), i)
			if sf.Anonymous && name == "" {
				ft := sf.Type
				if ft.Kind() == reflect.Pointer {
					panic(fmt.Sprintf("profiles: DecodeJSON does not fill embedded pointer %v", ft))
				}
				if ft.Kind() == reflect.Struct {
					walk(ft, idx)
					continue
				}
			}
			if !sf.IsExported() {
				continue
			}
			if name == "" {
				name = sf.Name
			}
			rule := oneLine
			if sf.Tag.Get("text") == "multiline" {
				rule = multiLine
			}
			fields = append(fields, jsonField{name: name, index: idx, rule: rule})
		}
	}
	walk(t, nil)
	// Of fields with the same name, the shallowest alone wins; two at one depth
	// cancel out.
	var out []jsonField
	for _, f := range fields {
		keep := true
		for _, g := range fields {
			if g.name == f.name && (len(g.index) < len(f.index) || len(g.index) == len(f.index) && !slices.Equal(g.index, f.index)) {
				keep = false
			}
		}
		if keep {
			out = append(out, f)
		}
	}
	fieldCache.Store(t, out)
	return out
}

func fieldNames(fields []jsonField) []string {
	names := make([]string, len(fields))
	for i, f := range fields {
		names[i] = f.name
	}
	return names
}
