package profiles_test

import (
	"encoding/json"
	"errors"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"samenspel/internal/profiles"
)

// The bodies the strict decoder is used for, and one of every kind it fills.
type (
	scoreBody struct {
		Members []string `json:"members"`
	}
	webhookBody struct {
		URL string `json:"url"`
	}
	kitchenSink struct {
		Name    string            `json:"name"`
		Note    string            `json:"note" text:"multiline"`
		Count   int               `json:"count"`
		Small   int8              `json:"small"`
		Unsign  uint              `json:"unsigned"`
		Ratio   float64           `json:"ratio"`
		On      bool              `json:"on"`
		Ptr     *int              `json:"ptr"`
		Tags    []string          `json:"tags"`
		Pair    [2]int            `json:"pair"`
		Labels  map[string]string `json:"labels"`
		Items   []item            `json:"items"`
		When    time.Time         `json:"when"`
		Raw     json.RawMessage   `json:"raw"`
		Any     any               `json:"any"`
		Skipped string            `json:"-"`
		Plain   string
		embedded
	}
	item struct {
		Weight float64 `json:"weight"`
		Must   bool    `json:"must"`
	}
	embedded struct {
		Inner string `json:"inner"`
	}
)

func TestDecodeJSONAccepts(t *testing.T) {
	in := `{"name":"A","note":"line one\nline\ttwo\r\n","count":3.0,"small":-128,"unsigned":7,"ratio":0.5,"on":true,
	"ptr":4,"tags":["x","é😀"],"pair":[1,2],"labels":{"a b":"c"},"items":[{"weight":2,"must":true}],
	"when":"2026-03-01T09:00:00Z","raw":{"deep":[1,{"x":null}]},"any":{"k":[1,"s",null,false]},"Plain":"p","inner":"i"}`
	var got kitchenSink
	if err := profiles.DecodeJSON([]byte(in), &got); err != nil {
		t.Fatalf("DecodeJSON(%s) = %v", in, err)
	}
	four := 4
	want := kitchenSink{Name: "A", Note: "line one\nline\ttwo\r\n", Count: 3, Small: -128, Unsign: 7, Ratio: 0.5, On: true,
		Ptr: &four, Tags: []string{"x", "é😀"}, Pair: [2]int{1, 2}, Labels: map[string]string{"a b": "c"},
		Items: []item{{Weight: 2, Must: true}}, When: time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC),
		Raw: json.RawMessage(`{"deep":[1,{"x":null}]}`), Any: map[string]any{"k": []any{1.0, "s", nil, false}},
		Plain: "p", embedded: embedded{Inner: "i"}}
	if diff := cmp.Diff(want, got, cmp.AllowUnexported(kitchenSink{})); diff != "" {
		t.Errorf("DecodeJSON(%s) (-want +got):\n%s", in, diff)
	}
	// What the strict decoder takes, encoding/json reads alike.
	var std kitchenSink
	if err := json.Unmarshal([]byte(strings.Replace(in, "3.0", "3", 1)), &std); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(std, got, cmp.AllowUnexported(kitchenSink{})); diff != "" {
		t.Errorf("DecodeJSON and json.Unmarshal differ (-std +strict):\n%s", diff)
	}
	// Raw JSON is read further by whoever knows its fields: only its encoding and
	// its keys are checked here.
	var rawBody struct {
		Doc map[string]json.RawMessage `json:"doc"`
	}
	if err := profiles.DecodeJSON([]byte(`{"doc":{"description":"a\nb\u0007"}}`), &rawBody); err != nil {
		t.Errorf("DecodeJSON(raw JSON with control characters) = %v, want them left to its reader", err)
	}
	// null is an absent member.
	var nulls kitchenSink
	if err := profiles.DecodeJSON([]byte(`{"name":null,"tags":null,"items":null,"when":null,"ptr":null,"any":null,"raw":null}`), &nulls); err != nil {
		t.Errorf("DecodeJSON(nulls) = %v", err)
	}
}

// TestDecodeJSONFieldErrors: what encoding/json lets through or words as Go is a
// field error at its path, in words.
func TestDecodeJSONFieldErrors(t *testing.T) {
	tests := []struct {
		name    string
		v       any
		input   string
		want    []string // field paths, sorted
		message string   // part of the message on want[0]
	}{
		{"a number for a member id", &scoreBody{}, `{"members":[1]}`, []string{"members[0]"}, "must be a string, not a number"},
		{"members given twice", &scoreBody{}, `{"members":["a"],"members":["b"]}`, []string{"members"}, "given more than once"},
		{"URL is not url", &webhookBody{}, `{"URL":"https://hooks.example.org/h"}`, []string{"URL"}, `keys are case-sensitive: did you mean "url"?`},
		{"url and URL", &webhookBody{}, `{"url":"https://a.example.org/h","URL":"https://b.example.org/h"}`, []string{"URL"}, "case-sensitive"},
		{"unknown field", &webhookBody{}, `{"url":"https://a.example.org/h","secret":"mine"}`, []string{"secret"}, "unknown field; valid: url"},
		{"members a string", &scoreBody{}, `{"members":"a"}`, []string{"members"}, "must be an array, not a string"},
		{"member null", &scoreBody{}, `{"members":["a",null]}`, []string{"members[1]"}, "must be a string, not null"},
		{"deep repeated key", &kitchenSink{}, `{"items":[{"weight":1},{"weight":1,"weight":2}]}`, []string{"items[1].weight"}, "given more than once"},
		{"deep unknown key", &kitchenSink{}, `{"items":[{"Weight":1}]}`, []string{"items[0].Weight"}, `did you mean "weight"?`},
		{"deep wrong type", &kitchenSink{}, `{"items":[{"weight":"3"}]}`, []string{"items[0].weight"}, "must be a number, not a string"},
		{"repeated key in a map", &kitchenSink{}, `{"labels":{"a":"x","a":"y"}}`, []string{"labels.a"}, "given more than once"},
		{"repeated key in raw JSON", &kitchenSink{}, `{"raw":{"a":{"b":1,"b":2}}}`, []string{"raw.a.b"}, "given more than once"},
		{"repeated key in any", &kitchenSink{}, `{"any":[{"b":1,"b":2}]}`, []string{"any[0].b"}, "given more than once"},
		{"not whole", &kitchenSink{}, `{"count":3.5}`, []string{"count"}, "must be a whole number, not 3.5"},
		{"int8 out of range", &kitchenSink{}, `{"small":128}`, []string{"small"}, "out of range"},
		{"negative unsigned", &kitchenSink{}, `{"unsigned":-1}`, []string{"unsigned"}, "out of range"},
		{"huge float", &kitchenSink{}, `{"ratio":1e400}`, []string{"ratio"}, "out of range"},
		{"bool a string", &kitchenSink{}, `{"on":"true"}`, []string{"on"}, "must be true or false, not a string"},
		{"array too long", &kitchenSink{}, `{"pair":[1,2,3]}`, []string{"pair[2]"}, "at most 2"},
		{"not a time", &kitchenSink{}, `{"when":"yesterday"}`, []string{"when"}, "must be a date and time"},
		{"a time a number", &kitchenSink{}, `{"when":5}`, []string{"when"}, "must be a date and time"},
		{"object for a string", &kitchenSink{}, `{"name":{"a":[1,2]},"count":"x"}`, []string{"count", "name"}, ""},
		{"invalid UTF-8", &kitchenSink{}, "{\"name\":\"a\xffb\"}", []string{"name"}, "must be valid UTF-8"},
		{"lone surrogate", &kitchenSink{}, `{"name":"a\ud800b"}`, []string{"name"}, `lone surrogate \ud800`},
		{"lone low surrogate", &kitchenSink{}, `{"name":"\udc00"}`, []string{"name"}, "lone surrogate"},
		{"high surrogate then no low one", &kitchenSink{}, `{"name":"\ud83d\u0041"}`, []string{"name"}, "lone surrogate"},
		{"NUL", &kitchenSink{}, `{"name":"a\u0000"}`, []string{"name"}, "U+0000"},
		{"DEL", &kitchenSink{}, "{\"name\":\"a\x7f\"}", []string{"name"}, "U+007F"},
		{"C1 control", &kitchenSink{}, "{\"name\":\"a\u0085\"}", []string{"name"}, "U+0085"},
		{"a line break in one line", &kitchenSink{}, `{"name":"a\nb"}`, []string{"name"}, "line breaks and tabs included"},
		{"a lone CR in text", &kitchenSink{}, `{"note":"a\rb"}`, []string{"note"}, "U+000D"},
		{"a CR at the end of text", &kitchenSink{}, `{"note":"a\r"}`, []string{"note"}, "U+000D"},
		{"a bell in text", &kitchenSink{}, `{"note":"a\u0007"}`, []string{"note"}, "other than line breaks and tabs"},
		{"a control in a key", &kitchenSink{}, `{"labels":{"a\u0000":"x"}}`, []string{`labels["a\x00"]`}, "key must not hold control characters"},
		{"a control in a map value", &kitchenSink{}, `{"labels":{"a":"\b"}}`, []string{"labels.a"}, "U+0008"},
		{"a surrogate in any", &kitchenSink{}, `{"any":{"x":["\udfff"]}}`, []string{"any.x[0]"}, "lone surrogate"},
		{"a surrogate in raw", &kitchenSink{}, `{"raw":"\udfff"}`, []string{"raw"}, "lone surrogate"},
		{"a long key is cut", &webhookBody{}, `{"` + strings.Repeat("k", 100_000) + `":1}`, []string{`["` + strings.Repeat("k", 64) + `"…]`}, "unknown field"},
	}
	goType := regexp.MustCompile(`json:|Go |struct|int64|float64|\[\]string|map\[|reflect`)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := profiles.DecodeJSON([]byte(tt.input), tt.v)
			if err == nil {
				t.Fatalf("DecodeJSON(%.200s) = nil error, want errors on %v", tt.input, tt.want)
			}
			if diff := cmp.Diff(tt.want, fieldsOf(t, err)); diff != "" {
				t.Errorf("DecodeJSON(%.200s) = %.300v; fields (-want +got):\n%s", tt.input, err, diff)
			}
			if tt.message != "" {
				if got := messageOf(t, err, tt.want[0]); !strings.Contains(got, tt.message) {
					t.Errorf("DecodeJSON(%.200s) message on %s = %q, want it to contain %q", tt.input, tt.want[0], got, tt.message)
				}
			}
			if goType.MatchString(err.Error()) {
				t.Errorf("DecodeJSON(%.200s) = %v, which speaks of Go", tt.input, err)
			}
		})
	}
}

func TestDecodeJSONMalformed(t *testing.T) {
	for name, input := range map[string]string{
		"empty":            "",
		"unclosed":         `{"members":["a"]`,
		"trailing garbage": `{"members":[]} x`,
		"two objects":      `{} {}`,
		"array":            `["a"]`,
		"string":           `"a"`,
		"null":             `null`,
		"too deep":         `{"any":` + strings.Repeat("[", 100) + strings.Repeat("]", 100) + `}`,
	} {
		t.Run(name, func(t *testing.T) {
			var v kitchenSink
			err := profiles.DecodeJSON([]byte(input), &v)
			var verr *profiles.ValidationError
			if !errors.Is(err, profiles.ErrMalformed) || errors.As(err, &verr) {
				t.Errorf("DecodeJSON(%.100s) = %v, want an error wrapping ErrMalformed only", input, err)
			}
		})
	}
}

// TestDecodeTextRules: the document decoders keep the rules of text in every
// string field, naming it; descriptions and private notes may hold line breaks
// and tabs.
func TestDecodeTextRules(t *testing.T) {
	tax := taxonomy(t)
	profile := func(b []byte) error { _, err := tax.DecodeProfile(b); return err }
	tender := func(b []byte) error { _, err := tax.DecodeTender(b); return err }
	tests := []struct {
		name    string
		decode  func([]byte) error
		input   []byte
		want    []string
		message string
	}{
		{"invalid UTF-8 in a description", profile, profileDoc().with(object{"description": raw("\"caf\xe9\"")}).json(t), []string{"description"}, "must be valid UTF-8"},
		{"lone surrogate in a name", profile, profileDoc().with(object{"name": raw(`"Buurt\ud800kamer"`)}).json(t), []string{"name"}, "lone surrogate"},
		{"NUL in a name", profile, profileDoc().with(object{"name": "Buurt\x00kamer"}).json(t), []string{"name"}, "U+0000"},
		{"a line break in a name", profile, profileDoc().with(object{"name": "Buurt\nkamer"}).json(t), []string{"name"}, "control characters"},
		{"escape in a contact field", profile, profileDoc().with(object{"contact": object{"person": "Ans\x1b[2J"}}).json(t), []string{"contact.person"}, "U+001B"},
		{"a bell in a description", profile, profileDoc().with(object{"description": "a\ab"}).json(t), []string{"description"}, "other than line breaks and tabs"},
		{"a lone CR in a private note", profile, profileDoc().with(object{"private": object{"ideas": "a\rb"}}).json(t), []string{"private.ideas"}, "U+000D"},
		{"a control in a private key", profile, profileDoc().with(object{"private": object{"a\tb": "x"}}).json(t), []string{`private["a\tb"]`}, "key must not hold"},
		{"a lone surrogate in a private key", profile, profileDoc().with(object{"private": raw(`{"\ud800":"x"}`)}).json(t), []string{"private[\"\ufffd\"]"}, "key holds a lone surrogate"},
		{"NUL in a tender title", tender, tenderDoc().with(object{"title": "T\x00"}).json(t), []string{"title"}, "U+0000"},
		{"lone surrogate in a tender description", tender, tenderDoc().with(object{"description": raw(`"\udbff"`)}).json(t), []string{"description"}, "lone surrogate"},
		{"lone surrogate in an event", func(b []byte) error { _, err := profiles.DecodeCollaboration(b); return err },
			collaborationDoc().with(object{"outcome": raw(`"positive\ud800"`)}).json(t), []string{"outcome"}, "lone surrogate"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.decode(tt.input)
			if err == nil {
				t.Fatalf("decode(%s) = nil error, want errors on %v", tt.input, tt.want)
			}
			if diff := cmp.Diff(tt.want, fieldsOf(t, err)); diff != "" {
				t.Errorf("decode(%s) = %v; fields (-want +got):\n%s", tt.input, err, diff)
			}
			if got := messageOf(t, err, tt.want[0]); !strings.Contains(got, tt.message) {
				t.Errorf("decode(%s) message on %s = %q, want it to contain %q", tt.input, tt.want[0], got, tt.message)
			}
		})
	}

	multiLine := profileDoc().with(object{"description": "Regel een\nregel\ttwee\r\nklaar", "private": object{"ideas": "a\nb"}, "name": " Naam\n"}).json(t)
	p, err := tax.DecodeProfile(multiLine)
	if err != nil || p.Description != "Regel een\nregel\ttwee\r\nklaar" || p.Name != "Naam" {
		t.Errorf("DecodeProfile(%s) = %q, %q, %v; want line breaks and tabs kept in the description, the name trimmed", multiLine, p.Description, p.Name, err)
	}
}

func TestWebsite(t *testing.T) {
	tax := taxonomy(t)
	for website, ok := range map[string]bool{
		"https://example.org":               true,
		"http://example.org/over-ons?x=1#a": true,
		"HTTPS://Example.org":               true,
		"https://[2001:db8::1]:8443/":       true,
		"javascript:alert(1)":               false,
		"JavaScript:alert(1)":               false,
		"data:text/html,<script>":           false,
		"vbscript:msgbox(1)":                false,
		"file:///etc/passwd":                false,
		"ftp://example.org":                 false,
		"example.org":                       false,
		"//example.org":                     false,
		"https://":                          false,
		"https:///pad":                      false,
		"https://bank.example@evil.example": false,
		"https://exa mple.org":              false,
	} {
		p := profileDoc().with(object{"contact": object{"website": website}}).json(t)
		_, err := tax.DecodeProfile(p)
		switch {
		case ok && err != nil:
			t.Errorf("DecodeProfile(website %q) = %v, want no error", website, err)
		case !ok && err == nil:
			t.Errorf("DecodeProfile(website %q) = nil, want an error on contact.website", website)
		case !ok:
			if got := messageOf(t, err, "contact.website"); !strings.Contains(got, "http or https URL with a host") {
				t.Errorf("DecodeProfile(website %q) message = %q", website, got)
			}
		}
	}
}

func TestQuote(t *testing.T) {
	for in, want := range map[string]string{
		"":                               `""`,
		"abc":                            `"abc"`,
		strings.Repeat("é", 64):          `"` + strings.Repeat("é", 64) + `"`,
		strings.Repeat("é", 65):          `"` + strings.Repeat("é", 64) + `"…`,
		strings.Repeat("a", 1e5):         `"` + strings.Repeat("a", 64) + `"…`,
		"a\x00\n":                        `"a\x00\n"`,
		"\xff" + strings.Repeat("b", 70): `"\xff` + strings.Repeat("b", 63) + `"…`,
	} {
		if got := profiles.Quote(in); got != want {
			t.Errorf("Quote(%.80q) = %s, want %s", in, got, want)
		}
	}
	// A long id in a document is cut in its message.
	long := strings.Repeat("x", 100_000)
	_, err := taxonomy(t).DecodeProfile(profileDoc().with(object{"id": long + "A"}).json(t))
	if got := messageOf(t, err, "id"); len(got) > 200 || !strings.Contains(got, "…") {
		t.Errorf("DecodeProfile(a 100 KB id) message = %.300s (%d bytes), want it cut", got, len(got))
	}
}
