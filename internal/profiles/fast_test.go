package profiles

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"samenspel/config"
)

// The fast path of the decoders must decide exactly as the slow path: the tests here
// decode documents both ways and compare values and errors.

func testTaxonomy(t testing.TB) *Taxonomy {
	t.Helper()
	tax, err := ParseTaxonomy(config.Taxonomy)
	if err != nil {
		t.Fatalf("ParseTaxonomy(config.Taxonomy) = %v", err)
	}
	return tax
}

// withFastDecode runs fn with the fast path on or off.
func withFastDecode(on bool, fn func()) {
	defer func(old bool) { fastDecode = old }(fastDecode)
	fastDecode = on
	fn()
}

// outcome is what a decoder made of a document, in a form cmp can compare.
type outcome struct {
	Value     any
	Err       string
	Malformed bool
	Fields    []FieldError
}

func outcomeOf(v any, err error) outcome {
	o := outcome{Value: v}
	if err != nil {
		o.Err = err.Error()
		o.Malformed = errors.Is(err, ErrMalformed)
		var verr *ValidationError
		if errors.As(err, &verr) {
			o.Fields = verr.Errors
		}
	}
	return o
}

// decodeAll decodes data with every decoder.
func decodeAll(tax *Taxonomy, data []byte) map[string]outcome {
	today := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	p, perr := tax.DecodeProfile(data)
	tn, terr := tax.DecodeTender(data)
	c, cerr := DecodeCollaboration(data)
	con, conerr := DecodeCollaborationOn(data, today)
	return map[string]outcome{
		"DecodeProfile":         outcomeOf(p, perr),
		"DecodeTender":          outcomeOf(tn, terr),
		"DecodeCollaboration":   outcomeOf(c, cerr),
		"DecodeCollaborationOn": outcomeOf(con, conerr),
	}
}

// checkAgree fails unless the fast and the slow path decode data alike.
func checkAgree(t *testing.T, tax *Taxonomy, data []byte) {
	t.Helper()
	var fast, slow map[string]outcome
	withFastDecode(true, func() { fast = decodeAll(tax, data) })
	withFastDecode(false, func() { slow = decodeAll(tax, data) })
	if diff := cmp.Diff(slow, fast); diff != "" {
		t.Errorf("decoding %q: the fast path differs from the slow path (-slow +fast):\n%s", data, diff)
	}
}

// fastDecides reports whether the fast path decides data as a document of kind
// (profile, tender or collaboration), rather than leaving it to the slow path.
func fastDecides(kind string, data []byte) bool {
	var decided bool
	withFastDecode(true, func() {
		d, raw, ok := fastDocument(data)
		if !ok {
			return
		}
		switch kind {
		case "profile":
			d.profile(raw)
		case "tender":
			d.tender(raw)
		case "collaboration":
			d.collaboration(raw)
		default:
			panic("unknown kind " + kind)
		}
		decided = d.decided()
	})
	return decided
}

const (
	fastProfile = `{"id":"p1","name":"P","kind":"care","size":"small","areas":["NL"],"instruments":{"meals":1}}`
	fastSpec    = `{"id": "buurtkamer-overvecht", "name": "Buurtkamer Overvecht", "kind": "residents_group",
 "size": "small", "new_provider": true, "can_lead": false,
 "areas": ["WK034412"], "instruments": {"meeting_place": 1.0, "meals": 0.5},
 "themes": ["loneliness"], "description": "Free text, Dutch or English",
 "contact": {"email": "info@example.org"}, "private": {"ideas": "never shown to others"}}`
	fastTender = `{"id":"t1","title":"T","area":["WK034412"],"needs":[{"instrument":"meals","weight":3,"must":true}]}`
	fastEvent  = `{"a":"buurtkamer-overvecht","b":"woonstad","outcome":"positive","at":"2026-03-01"}`
)

// profileWith is fastProfile with more members after id, and tenderWith likewise.
func profileWith(members string) string {
	return `{"id":"p1",` + members + fastProfile[len(`{"id":"p1",`):]
}

func tenderWith(members string) string {
	return `{"id":"t1",` + members + fastTender[len(`{"id":"t1",`):]
}

// privateKeys is a private object with keys k0, k1, ... k(n-1), then extra keys.
func privateKeys(n int, extra ...string) string {
	var b strings.Builder
	b.WriteString(`"private":{`)
	for i := range n {
		fmt.Fprintf(&b, `"k%d":"v",`, i)
	}
	for _, k := range extra {
		fmt.Fprintf(&b, `%q:"v",`, k)
	}
	return strings.TrimSuffix(b.String(), ",") + "},"
}

// fastCases are documents and whether the fast path decides them: a valid document
// or one with only invalid values (which validation reports) is the fast path's; one
// it is not sure of is the slow path's.
var fastCases = []struct {
	name, kind, doc string
	fast            bool
}{
	// Valid documents and documents with invalid values only.
	{"minimal profile", "profile", fastProfile, true},
	{"SPEC profile", "profile", fastSpec, true},
	{"white space around and between", "profile", " \t\r\n{ \"id\" :\t\"p1\" ,\r\n\"name\":\"P\" , \"kind\" : \"care\", \"size\":\"small\",\"areas\" : [ \"NL\" , \"GM0344\" ] ,\"instruments\":{ \"meals\" : 1 } } \r\n\t", true},
	{"empty object", "profile", `{}`, true},
	{"non-ASCII text", "profile", profileWith(`"description":"Wooncoöperatie, café — 😀",`), true},
	{"invalid values", "profile", `{"id":"Bad","name":" x","kind":"club","size":"huge","areas":["x","x"],"instruments":{"nope":2},"themes":["x","x"],"contact":{"email":"no"}}`, true},
	{"null is absent", "profile", profileWith(`"themes":null,"contact":null,"private":null,"description":null,"new_provider":null,`), true},
	{"null id", "profile", `{"id":null}`, true},
	{"empty contact and private", "profile", profileWith(`"contact":{},"private":{},`), true},
	{"contact of nulls", "profile", profileWith(`"contact":{"email":null,"phone":null},`), true},
	{"name trimmed", "profile", `{"id":"p1","name":" P ","kind":"care","size":"small","areas":["NL"],"instruments":{"meals":1}}`, true},
	{"escaped key", "profile", `{"\u0069d":"p1","name":"P","kind":"care","size":"small","areas":["NL"],"instruments":{"meals":1}}`, true},
	{"unicode escapes", "profile", profileWith(`"description":"\u00e9\ud83d\ude00 \u0000 \/ \" \\ \b\f\n\r\t",`), true},
	{"control characters, which validation refuses", "profile", profileWith("\"contact\":{\"person\":\"P\x7f\u0085\"},\"description\":\"a\\rb\",\"private\":{\"k\\u0007\":\"v\"},"), true},
	{"odd private keys", "profile", profileWith(`"private":{"my ideas":"x","":"y","é":"z","a\"b":"w"},`), true},
	{"16 private keys", "profile", profileWith(privateKeys(16)), true},
	{"20 private keys", "profile", profileWith(privateKeys(20)), true},
	{"21 private keys", "profile", profileWith(privateKeys(21)), true},
	{"padded beyond the shared copy", "profile", fastSpec + strings.Repeat(" ", maxSharedCopy), true},
	{"long description", "profile", profileWith(`"description":"` + strings.Repeat("é", 5001) + `",`), true},
	{"levels as numbers", "profile", `{"id":"p1","name":"P","kind":"care","size":"small","areas":["NL"],"instruments":{"meals":1.0,"venue":1e0,"transport":0.1e1,"odd_jobs":1E-300,"greening":5e-324}}`, true},
	{"levels out of (0, 1]", "profile", `{"id":"p1","name":"P","kind":"care","size":"small","areas":["NL"],"instruments":{"meals":-0,"venue":1e-400,"transport":2}}`, true},
	{"SPEC tender", "tender", `{"id": "eenzaamheid-overvecht-2027", "title": "Minder eenzaamheid in Overvecht", "area": ["WK034412"], "themes": ["loneliness"], "budget": 250000, "needs": [{"instrument": "home_visits", "weight": 3, "must": true}, {"instrument": "meeting_place", "weight": 2}], "min_size": 1, "max_size": 5, "require_kinds": ["residents_group"], "max_large": 1, "min_small": 1, "exclude": [], "weights": {"coverage": 0.55, "diversity": 0.20, "trust": 0.15, "inclusion": 0.10}}`, true},
	{"minimal tender", "tender", fastTender, true},
	{"3.0 is a whole number", "tender", tenderWith(`"min_size":3.0,"max_size":3e0,"min_small":0.0e5,`), true},
	{"largest budget", "tender", tenderWith(`"budget":9007199254740991,`), true},
	{"negative budget", "tender", tenderWith(`"budget":-9223372036854775808,`), true},
	{"budget below int64, read as a float", "tender", tenderWith(`"budget":-9223372036854775809,`), true},
	{"tender nulls", "tender", tenderWith(`"max_large":null,"weights":null,"budget":null,"themes":null,`), true},
	{"need with null must", "tender", `{"id":"t1","title":"T","area":["NL"],"needs":[{"instrument":"meals","weight":3,"must":null}]}`, true},
	{"partial weights", "tender", tenderWith(`"weights":{"coverage":1},`), true},
	{"empty weights", "tender", tenderWith(`"weights":{},`), true},
	{"invalid tender values", "tender", tenderWith(`"max_size":9,"min_small":-1,"exclude":["Bad"],"require_kinds":["x"],"budget":-1,`), true},
	{"51 needs", "tender", `{"id":"t1","title":"T","area":["NL"],"needs":[` + strings.Repeat(`{"instrument":"meals","weight":1},`, 50) + `{"instrument":"meals","weight":1}]}`, true},
	{"event", "collaboration", fastEvent, true},
	{"event without at", "collaboration", `{"a":"x","b":"y","outcome":"positive"}`, true},
	{"event with null at", "collaboration", `{"a":"x","b":"y","outcome":"positive","at":null}`, true},
	{"event with itself", "collaboration", `{"a":"x","b":"x","outcome":"good","at":"2026-02-30"}`, true},

	// Documents the fast path leaves to the slow path.
	{"ID is not id", "profile", `{"ID":"p1","name":"P","kind":"care","size":"small","areas":["NL"],"instruments":{"meals":1}}`, false},
	{"Id and id", "profile", profileWith(`"Id":"p2",`), false},
	{"repeated key", "profile", profileWith(`"id":"p2",`), false},
	{"repeated key, escaped", "profile", profileWith(`"\u0069d":"p2",`), false},
	{"repeated key, null first", "profile", `{"id":null,"id":"p1","name":"P","kind":"care","size":"small","areas":["NL"],"instruments":{"meals":1}}`, false},
	{"repeated instrument", "profile", `{"id":"p1","name":"P","kind":"care","size":"small","areas":["NL"],"instruments":{"meals":1,"meals":0.5}}`, false},
	{"repeated contact field", "profile", profileWith(`"contact":{"email":"a@b.nl","email":"c@d.nl"},`), false},
	{"repeated private key", "profile", profileWith(`"private":{"a":"x","b":"y","a":"z"},`), false},
	{"repeated private key after 16", "profile", profileWith(privateKeys(16, "k0")), false},
	{"repeated private key after 17", "profile", profileWith(privateKeys(17, "k16")), false},
	{"repeated private key after 20", "profile", profileWith(privateKeys(20, "k3")), false},
	{"invalid UTF-8 in a string", "profile", profileWith("\"description\":\"a\xffb\xed\xa0\x80\",\"contact\":{\"person\":\"\xc3\"},"), false},
	{"lone surrogate", "profile", profileWith(`"description":"\ud800 \u00e9",`), false},
	{"lone low surrogate", "profile", profileWith(`"description":"\udc00\ud800"` + ","), false},
	{"lone surrogate in a key", "profile", profileWith(`"private":{"\ud83d":"x"},`), false},
	{"private keys alike once unquoted", "profile", profileWith("\"private\":{\"\xff\":\"x\",\"\xfe\":\"y\"},"), false},
	{"repeated need field", "tender", `{"id":"t1","title":"T","area":["NL"],"needs":[{"instrument":"meals","weight":3,"weight":2}]}`, false},
	{"repeated weight", "tender", tenderWith(`"weights":{"trust":1,"trust":2},`), false},
	{"unknown field", "profile", profileWith(`"colour":"red",`), false},
	{"empty key", "profile", profileWith(`"":1,`), false},
	{"unknown contact field", "profile", profileWith(`"contact":{"fax":"030"},`), false},
	{"trailing garbage", "profile", fastProfile + ` x`, false},
	{"trailing document", "profile", fastProfile + `{}`, false},
	{"trailing document on the next line", "profile", fastProfile + "\n{}", false},
	{"trailing comment", "profile", fastProfile + ` // the id`, false},
	{"trailing NUL", "profile", fastProfile + "\x00", false},
	{"byte order mark", "profile", "\xef\xbb\xbf" + fastProfile, false},
	{"form feed", "profile", "\f" + fastProfile, false},
	{"empty", "profile", ``, false},
	{"white space only", "profile", " \n", false},
	{"array", "profile", `[` + fastProfile + `]`, false},
	{"string", "profile", `"a"`, false},
	{"number", "profile", `42`, false},
	{"null", "profile", `null`, false},
	{"unclosed", "profile", fastProfile[:len(fastProfile)-1], false},
	{"unclosed string", "profile", `{"id":"p1`, false},
	{"trailing comma", "profile", `{"id":"p1",}`, false},
	{"unquoted key", "profile", `{id:"p1"}`, false},
	{"single quotes", "profile", `{'id':'p1'}`, false},
	{"missing colon", "profile", `{"id" "p1"}`, false},
	{"missing comma", "profile", `{"id":"p1" "name":"P"}`, false},
	{"raw tab in a string", "profile", profileWith("\"description\":\"a\tb\","), false},
	{"raw newline in a key", "profile", "{\"i\nd\":\"p1\"}", false},
	{"bad escape", "profile", profileWith(`"description":"\x",`), false},
	{"short unicode escape", "profile", profileWith(`"description":"\u12",`), false},
	{"bad unicode escape", "profile", profileWith(`"description":"\u12g4",`), false},
	{"level null", "profile", `{"id":"p1","name":"P","kind":"care","size":"small","areas":["NL"],"instruments":{"meals":null}}`, false},
	{"area null", "profile", `{"id":"p1","name":"P","kind":"care","size":"small","areas":[null],"instruments":{"meals":1}}`, false},
	{"level a string", "profile", `{"id":"p1","name":"P","kind":"care","size":"small","areas":["NL"],"instruments":{"meals":"1"}}`, false},
	{"level out of range", "profile", `{"id":"p1","name":"P","kind":"care","size":"small","areas":["NL"],"instruments":{"meals":1e400}}`, false},
	{"level negative out of range", "profile", `{"id":"p1","name":"P","kind":"care","size":"small","areas":["NL"],"instruments":{"meals":-1e400}}`, false},
	{"leading zero", "profile", `{"id":"p1","name":"P","kind":"care","size":"small","areas":["NL"],"instruments":{"meals":01}}`, false},
	{"bare point", "profile", `{"id":"p1","name":"P","kind":"care","size":"small","areas":["NL"],"instruments":{"meals":1.}}`, false},
	{"leading point", "profile", `{"id":"p1","name":"P","kind":"care","size":"small","areas":["NL"],"instruments":{"meals":.5}}`, false},
	{"plus sign", "profile", `{"id":"p1","name":"P","kind":"care","size":"small","areas":["NL"],"instruments":{"meals":+1}}`, false},
	{"bare minus", "profile", `{"id":"p1","name":"P","kind":"care","size":"small","areas":["NL"],"instruments":{"meals":-}}`, false},
	{"bare exponent", "profile", `{"id":"p1","name":"P","kind":"care","size":"small","areas":["NL"],"instruments":{"meals":1e}}`, false},
	{"signed bare exponent", "profile", `{"id":"p1","name":"P","kind":"care","size":"small","areas":["NL"],"instruments":{"meals":1e+}}`, false},
	{"NaN", "profile", `{"id":"p1","name":"P","kind":"care","size":"small","areas":["NL"],"instruments":{"meals":NaN}}`, false},
	{"number and letters", "profile", `{"id":"p1","name":"P","kind":"care","size":"small","areas":["NL"],"instruments":{"meals":1x}}`, false},
	{"short literal", "profile", profileWith(`"new_provider":tru,`), false},
	{"long literal", "profile", profileWith(`"new_provider":truex,`), false},
	{"capital literal", "profile", profileWith(`"new_provider":True,`), false},
	{"boolean a string", "profile", profileWith(`"new_provider":"true",`), false},
	{"areas a string", "profile", profileWith(`"areas":"NL",`), false},
	{"contact a string", "profile", profileWith(`"contact":"a@b.nl",`), false},
	{"private value a number", "profile", profileWith(`"private":{"a":1},`), false},
	{"deep value", "profile", profileWith(`"private":{"a":` + strings.Repeat("[", 40) + strings.Repeat("]", 40) + `},`), false},
	{"too deep for encoding/json", "profile", profileWith(`"x":` + strings.Repeat("[", 10001) + strings.Repeat("]", 10001) + `,`), false},
	{"3.5 is not whole", "tender", tenderWith(`"min_size":3.5,`), false},
	{"max_large huge", "tender", tenderWith(`"max_large":1e12,`), false},
	{"budget too large", "tender", tenderWith(`"budget":9007199254740992,`), false},
	{"budget far too large", "tender", tenderWith(`"budget":1e400,`), false},
	{"max_size a string", "tender", tenderWith(`"max_size":"5",`), false},
	{"need without weight", "tender", `{"id":"t1","title":"T","area":["NL"],"needs":[{"instrument":"meals"}]}`, false},
	{"need null", "tender", `{"id":"t1","title":"T","area":["NL"],"needs":[null]}`, false},
	{"unknown need field", "tender", `{"id":"t1","title":"T","area":["NL"],"needs":[{"instrument":"meals","weight":1,"mandatory":true}]}`, false},
	{"weights an array", "tender", tenderWith(`"weights":[1,2],`), false},
	{"event at a number", "collaboration", `{"a":"x","b":"y","outcome":"positive","at":5}`, false},
	{"event unknown field", "collaboration", `{"a":"x","b":"y","outcome":"positive","at":"2026-03-01","by":"z"}`, false},
}

func TestFastPathAgrees(t *testing.T) {
	tax := testTaxonomy(t)
	for _, tt := range fastCases {
		t.Run(tt.name, func(t *testing.T) {
			data := []byte(tt.doc)
			checkAgree(t, tax, data)
			if got := fastDecides(tt.kind, data); got != tt.fast {
				t.Errorf("fast path decides %s %q = %v, want %v", tt.kind, data, got, tt.fast)
			}
		})
	}
}

// TestFastPathSlices: the decoders are given slices of a larger buffer, as the
// readers give lines; the fast path cuts its strings from its own copy.
func TestFastPathSlices(t *testing.T) {
	tax := testTaxonomy(t)
	buf := []byte("xx" + fastSpec + "\nyy")
	data := buf[2 : 2+len(fastSpec)]
	var fast, slow map[string]outcome
	withFastDecode(true, func() { fast = decodeAll(tax, data) })
	buf[0], buf[len(buf)-1] = 'z', 'z' // the input may change after decoding
	for i := 2; i < 2+len(fastSpec); i++ {
		buf[i] = 'z'
	}
	copy(data, fastSpec)
	withFastDecode(false, func() { slow = decodeAll(tax, data) })
	if diff := cmp.Diff(slow, fast); diff != "" {
		t.Errorf("decoding a slice: the fast path differs from the slow path (-slow +fast):\n%s", diff)
	}
	if fast["DecodeProfile"].Err != "" {
		t.Errorf("DecodeProfile(SPEC profile) = %v, want no error", fast["DecodeProfile"].Err)
	}
}

// TestReadersAgree: the readers give the same documents and line errors on both
// paths.
func TestReadersAgree(t *testing.T) {
	tax := testTaxonomy(t)
	var b bytes.Buffer
	for _, tt := range fastCases {
		b.WriteString(strings.ReplaceAll(tt.doc, "\n", " "))
		b.WriteString("\r\n")
	}
	input := b.Bytes()
	read := func() map[string]any {
		profiles, pbad, perr := tax.ReadProfiles(bytes.NewReader(input), "in.ndjson")
		tenders, tbad, terr := tax.ReadTenders(bytes.NewReader(input), "in.ndjson")
		events, ebad, eerr := ReadCollaborations(bytes.NewReader(input), "in.ndjson")
		lineErrors := func(bad []LineError) []string {
			var out []string
			for _, le := range bad {
				out = append(out, le.Error())
			}
			return out
		}
		return map[string]any{
			"profiles": profiles, "profile errors": lineErrors(pbad), "profiles err": fmt.Sprint(perr),
			"tenders": tenders, "tender errors": lineErrors(tbad), "tenders err": fmt.Sprint(terr),
			"events": events, "event errors": lineErrors(ebad), "events err": fmt.Sprint(eerr),
		}
	}
	var fast, slow map[string]any
	withFastDecode(true, func() { fast = read() })
	withFastDecode(false, func() { slow = read() })
	if diff := cmp.Diff(slow, fast); diff != "" {
		t.Errorf("readers: the fast path differs from the slow path (-slow +fast):\n%s", diff)
	}
}

// TestLineReader: lines around the size of the reader's buffer (64 KiB) and the
// limit (1 MiB) come out whole, with their endings and the BOM removed, and a line
// that reuses the buffer of a longer one is not mixed with it.
func TestLineReader(t *testing.T) {
	const buffer = 64 << 10
	lengths := []int{0, 1, buffer - 2, buffer - 1, buffer, buffer + 1, 3 * buffer, buffer + 7, 5,
		maxLineBytes, maxLineBytes + 1, 2, maxLineBytes - 1, 4*buffer + 3, 0}
	var in bytes.Buffer
	var want []string
	in.WriteString("\xef\xbb\xbf")
	for i, n := range lengths {
		line := strings.Repeat(string(rune('a'+i)), n)
		in.WriteString(line)
		if i%2 == 0 {
			in.WriteString("\r\n")
		} else {
			in.WriteString("\n")
		}
		if n > maxLineBytes {
			line = "too long"
		}
		want = append(want, line)
	}
	in.WriteString("last") // no line ending
	want = append(want, "last")

	lr := newLineReader(&in)
	var got []string
	for {
		line, err := lr.next()
		if errors.Is(err, errLineTooLong) {
			got = append(got, "too long")
			continue
		}
		if err != nil {
			if !errors.Is(err, io.EOF) {
				t.Fatalf("next() after line %d = %v", lr.n, err)
			}
			break
		}
		got = append(got, string(line))
	}
	if len(got) != len(want) {
		t.Fatalf("lineReader gave %d lines, want %d", len(got), len(want))
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("line %d: got %d bytes (%.10q...), want %d bytes (%.10q...)", i+1, len(got[i]), got[i], len(want[i]), want[i])
		}
	}
}

// The patterns the hand-written matchers stand for.
var (
	idPattern    = regexp.MustCompile(`^[a-z0-9-]{1,64}$`)
	areaPattern  = regexp.MustCompile(`^(NL|GM[0-9]{4}|WK[0-9]{6}|BU[0-9]{8})$`)
	emailPattern = regexp.MustCompile(`^[^@\s<>(),;:"\[\]\\]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$`)
)

// checkMatchers fails unless ValidID, ValidArea and validEmail agree with their
// patterns on s.
func checkMatchers(t *testing.T, s string) {
	t.Helper()
	if got, want := ValidID(s), idPattern.MatchString(s); got != want {
		t.Errorf("ValidID(%q) = %v, want %v", s, got, want)
	}
	if got, want := ValidArea(s), areaPattern.MatchString(s); got != want {
		t.Errorf("ValidArea(%q) = %v, want %v", s, got, want)
	}
	if got, want := validEmail(s), emailPattern.MatchString(s); got != want {
		t.Errorf("validEmail(%q) = %v, want %v", s, got, want)
	}
}

var matcherCases = []string{
	"", "a", "-", "a-b", "A", "a_b", "a b", "é", "a\n", "\na", strings.Repeat("a", 64), strings.Repeat("a", 65),
	strings.Repeat("é", 32), "NL", "nl", "NL0", "GM0344", "GM034", "GM03444", "WK034412", "BU03441205",
	"BU0344120", "XX0344", "GMabcd", "GM034\u0664", "WK03441\n", "WK034412\n",
	"info@example.org", "a@b.c", "a@b", "@b.c", "a@@b.c", "a@b..c", "a@.b.c", "a@b.c.", "a@-b.c", "a@b-.c",
	"a@b-b.c-c", "a b@c.d", "a\t@c.d", "a\v@c.d", "a\f@c.d", "a\x00@c.d", "é@c.d", "\xff@c.d", "\xed\xa0\x80@c.d",
	"a<@c.d", "a\"@c.d", "a\\@c.d", "a[b]@c.d", "a;@c.d", "a:@c.d", "a,@c.d", "a(@c.d", "a.b@c.d", "a+b@c.d",
	"a@c.d\n", "a@c.d ", "a@c.dé", "a@c_d.e", "a@C.D", "a@1.2", "a@c.d@e.f", "a@c.d.e.f.g", "a@c--d.e",
}

func TestMatchersAgreeWithPatterns(t *testing.T) {
	for _, s := range matcherCases {
		checkMatchers(t, s)
	}
	// Random strings of pieces that matter to the patterns.
	pieces := []string{"a", "z", "A", "Z", "0", "9", "-", ".", "@", "_", " ", "\t", "\n", "\v", "\f", "\r", "<", ">",
		"(", ")", ",", ";", ":", "\"", "[", "]", "\\", "é", "\xff", "\x00", "NL", "GM", "WK", "BU", "0344", "12",
		"example", "org", "a-b", "--"}
	r := rand.New(rand.NewPCG(1, 2))
	n := 100000
	if testing.Short() {
		n = 10000
	}
	for range n {
		var b strings.Builder
		for range r.IntN(9) {
			b.WriteString(pieces[r.IntN(len(pieces))])
		}
		checkMatchers(t, b.String())
		if t.Failed() {
			return
		}
	}
}

func FuzzMatchers(f *testing.F) {
	for _, s := range matcherCases {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) { checkMatchers(t, s) })
}

// FuzzFastPathAgrees decodes any input on both paths and compares.
func FuzzFastPathAgrees(f *testing.F) {
	tax := testTaxonomy(f)
	for _, tt := range fastCases {
		if len(tt.doc) < 1000 {
			f.Add([]byte(tt.doc))
		}
	}
	for _, tt := range quickProfileCases {
		if len(tt.doc) < 1000 {
			f.Add([]byte(tt.doc))
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) { checkAgree(t, tax, data) })
}
