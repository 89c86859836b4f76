package profiles

import (
	"strings"
	"testing"
)

// quickProfileCases are profile lines around the usual form; decides says whether
// the quick path takes them (the others it must leave to the fast and slow paths).
var quickProfileCases = []struct {
	name, doc string
	decides   bool
}{
	{"minimal", fastProfile, true},
	{"the SPEC's example", fastSpec, true},
	{"every member null", `{"id":null,"name":null,"kind":null,"size":null,"new_provider":null,"can_lead":null,"areas":null,"instruments":null,"themes":null,"description":null,"contact":null,"private":null}`, true},
	{"empty object", `{}`, true},
	{"empty lists and objects", profileWith(`"themes":[],"contact":{},"private":{},`), true},
	{"contact with nulls and spaces", profileWith(`"contact":{"email":" a@example.org ","phone":null,"person":"  "},`), true},
	{"white space everywhere", " {\t\"id\" : \"p1\" ,\r\n\"areas\" : [ \"NL\" , \"WK034412\" ] , \"instruments\" : { \"meals\" : 1 , \"meeting_place\" : 5e-1 } } ", true},
	{"Dutch text", profileWith(`"description":"Wij koken één keer per week; café-ochtend ✓",`), true},
	{"name to trim", `{"id":"p1","name":"  Buurtkamer  ","kind":"care","size":"small","areas":["NL"],"instruments":{"meals":1}}`, true},
	{"invalid value, valid document", `{"id":"P 1","name":"","kind":"nope","size":"huge","areas":["XX"],"instruments":{"meals":7}}`, true},
	{"repeated area", `{"id":"p1","name":"P","kind":"care","size":"small","areas":["NL","NL"],"instruments":{"meals":1}}`, true},

	{"unknown member", profileWith(`"colour":"red",`), false},
	{"member in capitals", profileWith(`"Themes":["health"],`), false},
	{"member twice", profileWith(`"id":"p2",`), false},
	{"member twice, first null", `{"id":null,"id":"p1"}`, false},
	{"instrument twice", `{"id":"p1","instruments":{"meals":1,"meals":0.5}}`, false},
	{"contact field twice", profileWith(`"contact":{"email":"a@example.org","email":"b@example.org"},`), false},
	{"unknown contact field", profileWith(`"contact":{"fax":"1"},`), false},
	{"private note twice", profileWith(`"private":{"ideas":"a","ideas":"b"},`), false},
	{"private note null", profileWith(`"private":{"ideas":null},`), false},
	{"nine private notes", profileWith(privateKeys(9)), false},
	{"level null", `{"id":"p1","instruments":{"meals":null}}`, false},
	{"level a string", `{"id":"p1","instruments":{"meals":"1"}}`, false},
	{"level out of range", `{"id":"p1","instruments":{"meals":1e400}}`, false},
	{"level malformed", `{"id":"p1","instruments":{"meals":01}}`, false},
	{"level long", `{"id":"p1","instruments":{"meals":0.` + strings.Repeat("5", 40) + `}}`, false},
	{"area null", `{"id":"p1","areas":[null]}`, false},
	{"area a number", `{"id":"p1","areas":[5]}`, false},
	{"areas a string", `{"id":"p1","areas":"NL"}`, false},
	{"id a number", `{"id":1}`, false},
	{"flag a string", `{"id":"p1","new_provider":"yes"}`, false},
	{"escape", `{"id":"p\u0031"}`, false},
	{"escaped key", `{"\u0069d":"p1"}`, false},
	{"invalid UTF-8", "{\"id\":\"p1\",\"name\":\"\xff\"}", false},
	{"control character", "{\"id\":\"p1\",\"name\":\"a\tb\"}", false},
	{"data after", fastProfile + ` {}`, false},
	{"comma after", fastProfile[:len(fastProfile)-1] + `,}`, false},
	{"no closing brace", fastProfile[:len(fastProfile)-1], false},
	{"ends in a number", `{"id":"p1","instruments":{"meals":`, false},
	{"an array", `[` + fastProfile + `]`, false},
	{"empty", ``, false},
	{"longer than a shared copy", profileWith(`"description":"` + strings.Repeat("a", maxSharedCopy) + `",`), false},
}

// TestQuickProfile: a profile the quick path decides is what the slow path makes of
// it, value and validation errors alike; the usual forms it decides, the others it
// leaves.
func TestQuickProfile(t *testing.T) {
	tax := testTaxonomy(t)
	for _, tt := range quickProfileCases {
		t.Run(tt.name, func(t *testing.T) {
			data := []byte(tt.doc)
			checkAgree(t, tax, data)
			var decided bool
			withFastDecode(true, func() { _, decided = quickProfile(data) })
			if decided != tt.decides {
				t.Errorf("quickProfile(%q) decides = %v, want %v", data, decided, tt.decides)
			}
		})
	}
}
