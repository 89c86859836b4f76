package profiles_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"math"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"

	"samenspel/internal/profiles"
)

// The fuzz targets check the promises of the decoders and readers on any input:
// they never panic; they fail in exactly one of the two documented ways; what they
// accept keeps the rules; and an accepted document, encoded again with json.Marshal
// (or WriteProfilesCSV), decodes to the same value. Seeds are added here and kept in
// testdata/fuzz/<FuzzName>/.

// checkDecodeError checks that err is either malformed input or a list of field
// errors, never both and never neither.
func checkDecodeError(t *testing.T, call string, data []byte, err error) {
	t.Helper()
	var verr *profiles.ValidationError
	malformed, invalid := errors.Is(err, profiles.ErrMalformed), errors.As(err, &verr)
	if malformed == invalid {
		t.Fatalf("%s(%q) = %v (%T), want either ErrMalformed or a *ValidationError", call, data, err, err)
	}
	if invalid {
		if len(verr.Errors) == 0 {
			t.Fatalf("%s(%q) = an empty *ValidationError", call, data)
		}
		for i, fe := range verr.Errors {
			last := i == len(verr.Errors)-1
			if fe.Message == "" || (fe.Field == "" && !last) {
				t.Fatalf("%s(%q) = %v: field error %d (%+v) lacks a field or message", call, data, err, i, fe)
			}
		}
	}
}

func FuzzDecodeProfile(f *testing.F) {
	tax := taxonomy(f)
	f.Add(profileDoc().json(f))
	f.Add(profileDoc().with(object{"themes": nil, "contact": nil, "private": nil}).json(f))
	f.Add(profileDoc().with(object{"contact": object{}, "private": object{}, "name": " x "}).json(f))
	f.Add([]byte(`{"id":"a","name":"A","kind":"care","size":"small","areas":["NL"],"instruments":{"meals":1e-300}}`))
	f.Add([]byte(`{"id":"a","id":"b","instruments":{"meals":1,"meals":2},"areas":[1,"x"]}`))
	f.Add([]byte(`{"id":"a"} trailing`))
	f.Add([]byte(`{"name":"\ud800\u00e9\"","description":"\u0000"}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := tax.DecodeProfile(data)
		if err != nil {
			checkDecodeError(t, "DecodeProfile", data, err)
			return
		}
		if err := tax.ValidateProfile(p); err != nil {
			t.Fatalf("ValidateProfile(DecodeProfile(%q)) = %v, want nil", data, err)
		}
		if p.Themes == nil || (p.Contact != nil && *p.Contact == (profiles.Contact{})) || (p.Private != nil && len(p.Private) == 0) {
			t.Fatalf("DecodeProfile(%q) = %+v, want non-nil themes and no empty contact or private", data, p)
		}
		encoded, err := json.Marshal(p)
		if err != nil {
			t.Fatalf("json.Marshal(DecodeProfile(%q)) = %v", data, err)
		}
		again, err := tax.DecodeProfile(encoded)
		if err != nil {
			t.Fatalf("DecodeProfile(json.Marshal(DecodeProfile(%q))) = %v, want no error; encoded %s", data, err, encoded)
		}
		if diff := cmp.Diff(p, again); diff != "" {
			t.Fatalf("DecodeProfile(%q) changed after a round trip (-first +second):\n%s", data, diff)
		}
	})
}

func FuzzDecodeTender(f *testing.F) {
	tax := taxonomy(f)
	f.Add(tenderDoc().json(f))
	f.Add(tenderDoc().with(object{"themes": []any{"loneliness"}, "budget": 250000, "min_size": 2, "max_size": 8,
		"require_kinds": []any{"welfare"}, "max_large": 0, "min_small": 1, "exclude": []any{"a"},
		"weights": object{"coverage": 1, "trust": 0.5}}).json(f))
	f.Add([]byte(`{"id":"t","title":"T","area":["NL"],"needs":[{"instrument":"meals","weight":1e-320}],"budget":9.007199254740991e15}`))
	f.Add([]byte(`{"id":"t","title":"T","area":["NL"],"needs":[{"instrument":"meals","weight":1},{"instrument":"meals","weight":2}],"max_size":9,"min_small":-1,"max_large":null}`))
	f.Add([]byte(`{"needs":{},"weights":[],"budget":1.5,"min_size":"1"}`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		tn, err := tax.DecodeTender(data)
		if err != nil {
			checkDecodeError(t, "DecodeTender", data, err)
			return
		}
		if err := tax.ValidateTender(tn); err != nil {
			t.Fatalf("ValidateTender(DecodeTender(%q)) = %v, want nil", data, err)
		}
		if tn.Themes == nil || tn.RequireKinds == nil || tn.Exclude == nil {
			t.Fatalf("DecodeTender(%q) = %+v, want non-nil themes, require_kinds and exclude", data, tn)
		}
		if !(1 <= tn.MinSize && tn.MinSize <= tn.MaxSize && tn.MaxSize <= profiles.MaxMaxSize) ||
			len(tn.Needs) < 1 || len(tn.Needs) > profiles.MaxNeeds {
			t.Fatalf("DecodeTender(%q) = %+v, breaks the size or needs bounds", data, tn)
		}
		w := profiles.NormalizeWeights(tn.Weights)
		if sum := w.Coverage + w.Diversity + w.Trust + w.Inclusion; math.Abs(sum-1) > 1e-9 {
			t.Fatalf("NormalizeWeights(%+v) sums to %v, want 1", tn.Weights, sum)
		}
		encoded, err := json.Marshal(tn)
		if err != nil {
			t.Fatalf("json.Marshal(DecodeTender(%q)) = %v", data, err)
		}
		again, err := tax.DecodeTender(encoded)
		if err != nil {
			t.Fatalf("DecodeTender(json.Marshal(DecodeTender(%q))) = %v, want no error; encoded %s", data, err, encoded)
		}
		if diff := cmp.Diff(tn, again); diff != "" {
			t.Fatalf("DecodeTender(%q) changed after a round trip (-first +second):\n%s", data, diff)
		}
	})
}

// checkLines checks the line errors of a reader: in file "in", in increasing order,
// each on a line the input has.
func checkLines(t *testing.T, call string, data []byte, bad []profiles.LineError) {
	t.Helper()
	lines := bytes.Count(data, []byte("\n")) + 1
	prev := 0
	for _, le := range bad {
		if le.File != "in" || le.Line <= prev || le.Line > lines || le.Err == nil {
			t.Fatalf("%s(%q) line errors = %v: %v is out of order or out of the file's %d lines", call, data, bad, le, lines)
		}
		prev = le.Line
	}
}

func FuzzReadCollaborations(f *testing.F) {
	c := collaborationDoc()
	f.Add([]byte(string(c.json(f)) + "\n" + string(c.with(object{"outcome": "negative"}).json(f)) + "\n"))
	f.Add([]byte("# events\r\n\r\n" + string(c.json(f)) + "\r\n{\"a\":\"x\"}\r\n"))
	f.Add([]byte("\xef\xbb\xbf" + string(c.with(object{"at": "2026-02-30"}).json(f))))
	f.Add([]byte("{\n}\n\n#\n  \t\n[]"))
	f.Fuzz(func(t *testing.T, data []byte) {
		events, bad, err := profiles.ReadCollaborations(bytes.NewReader(data), "in")
		if err != nil {
			t.Fatalf("ReadCollaborations(%q) error = %v, want nil from a bytes.Reader", data, err)
		}
		checkLines(t, "ReadCollaborations", data, bad)
		if n := bytes.Count(data, []byte("\n")) + 1; len(events)+len(bad) > n {
			t.Fatalf("ReadCollaborations(%q) = %d events and %d bad lines from %d lines", data, len(events), len(bad), n)
		}
		for _, e := range events {
			if err := profiles.ValidateCollaboration(e); err != nil {
				t.Fatalf("ReadCollaborations(%q) accepted %+v: %v", data, e, err)
			}
		}
	})
}

func FuzzReadProfilesCSV(f *testing.F) {
	tax := taxonomy(f)
	f.Add([]byte(csvHeader + "buurtkamer,Buurtkamer,residents_group,small,true,false,WK034412,meeting_place:1;meals:0.5,loneliness,\"Free,\n\"\"text\"\"\",info@example.org\n"))
	f.Add([]byte(csvHeader + "a,A,care,small,,TRUE,NL; GM0344 ,meals:1,,,\r\nb,B,club,small,x,false,NL,meals,,,\n"))
	f.Add([]byte("# comment\n\n" + csvHeader + "a,\"A\"\"\",care,large,false,false,NL,venue:1e-3,,#,\n"))
	f.Add([]byte("id,name\n"))
	f.Add([]byte(""))
	f.Fuzz(func(t *testing.T, data []byte) {
		got, bad, err := tax.ReadProfilesCSV(bytes.NewReader(data), "in")
		if err != nil {
			t.Fatalf("ReadProfilesCSV(%q) error = %v, want nil from a bytes.Reader", data, err)
		}
		checkLines(t, "ReadProfilesCSV", data, bad)
		ids := make(map[string]bool)
		for _, p := range got {
			if err := tax.ValidateProfile(p); err != nil {
				t.Fatalf("ReadProfilesCSV(%q) accepted %+v: %v", data, p, err)
			}
			if ids[p.ID] {
				t.Fatalf("ReadProfilesCSV(%q) accepted id %q twice", data, p.ID)
			}
			ids[p.ID] = true
		}
		var buf bytes.Buffer
		if err := profiles.WriteProfilesCSV(&buf, got); err != nil {
			t.Fatalf("WriteProfilesCSV(ReadProfilesCSV(%q)) = %v", data, err)
		}
		again, bad, err := tax.ReadProfilesCSV(&buf, "in")
		if err != nil || len(bad) != 0 {
			t.Fatalf("ReadProfilesCSV(WriteProfilesCSV(ReadProfilesCSV(%q))) = %v, %v; want no errors", data, bad, err)
		}
		if diff := cmp.Diff(got, again); diff != "" {
			t.Fatalf("ReadProfilesCSV(%q) changed after a round trip (-first +second):\n%s", data, diff)
		}
	})
}

// FuzzDecodeJSON checks the strict decoder of the API's other bodies on the score
// and webhook bodies, a merge patch (any object) and a struct of every kind it
// fills: it never panics and fails in one of the two documented ways; what it
// accepts encoding/json reads alike (so the strictness never changes a meaning),
// keeps the rules of text, and decodes the same after a round trip.
func FuzzDecodeJSON(f *testing.F) {
	f.Add([]byte(`{"members":["buurtkamer-overvecht","woonstad"]}`))
	f.Add([]byte(`{"members":[1]}`))
	f.Add([]byte(`{"members":["a"],"members":["b"]}`))
	f.Add([]byte(`{"URL":"https://hooks.example.org/h"}`))
	f.Add([]byte(`{"url":"https://hooks.example.org/h\ud800","secret":"x"}`))
	f.Add([]byte(`{"name":"A","contact":{"email":null},"private":{"ideas":"a\nb"},"areas":["NL"],"x":[1,2.5,{"y":true}]}`))
	f.Add([]byte(`{"count":3.0,"small":-129,"pair":[1,2,3],"when":"2026-03-01T09:00:00Z","raw":{"a":{"b":1,"b":2}},"items":[{"weight":1e400}]}`))
	f.Add([]byte("{\"note\":\"a\\r\\nb\\tc\",\"name\":\"\xff\",\"labels\":{\"\\u0000\":\"x\"}}"))
	f.Fuzz(func(t *testing.T, data []byte) {
		checkStrictBody[scoreBody](t, data, func(b scoreBody) []string { return b.Members })
		checkStrictBody[webhookBody](t, data, func(b webhookBody) []string { return []string{b.URL} })
		checkStrictBody[map[string]any](t, data, nil)
		var sink kitchenSink
		if err := profiles.DecodeJSON(data, &sink); err != nil {
			checkDecodeError(t, "DecodeJSON", data, err)
			return
		}
		var std kitchenSink
		if err := json.Unmarshal(data, &std); err == nil {
			if diff := cmp.Diff(std, sink, cmp.AllowUnexported(kitchenSink{})); diff != "" {
				t.Fatalf("DecodeJSON(%q) and json.Unmarshal differ (-std +strict):\n%s", data, diff)
			}
		}
	})
}

// checkStrictBody decodes data into a T and checks what FuzzDecodeJSON promises;
// texts, when not nil, are the one-line strings of a decoded body.
func checkStrictBody[T any](t *testing.T, data []byte, texts func(T) []string) {
	t.Helper()
	var got T
	err := profiles.DecodeJSON(data, &got)
	if err != nil {
		checkDecodeError(t, "DecodeJSON", data, err)
		return
	}
	var std T
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&std); err != nil {
		t.Fatalf("DecodeJSON(%q) accepted what encoding/json refuses: %v", data, err)
	}
	if diff := cmp.Diff(std, got); diff != "" {
		t.Fatalf("DecodeJSON(%q) and encoding/json differ (-std +strict):\n%s", data, diff)
	}
	if texts != nil {
		for _, s := range texts(got) {
			if !utf8.ValidString(s) || strings.ContainsFunc(s, unicode.IsControl) {
				t.Fatalf("DecodeJSON(%q) accepted text %q, which breaks the rules of text", data, s)
			}
		}
	}
	encoded, err := json.Marshal(got)
	if err != nil {
		t.Fatalf("json.Marshal(DecodeJSON(%q)) = %v", data, err)
	}
	var again T
	if err := profiles.DecodeJSON(encoded, &again); err != nil {
		t.Fatalf("DecodeJSON(json.Marshal(DecodeJSON(%q))) = %v, want no error; encoded %s", data, err, encoded)
	}
	if diff := cmp.Diff(got, again); diff != "" {
		t.Fatalf("DecodeJSON(%q) changed after a round trip (-first +second):\n%s", data, diff)
	}
}
