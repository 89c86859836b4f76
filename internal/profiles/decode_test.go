package profiles_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"samenspel/internal/profiles"
)

// decoders runs each strict decoder on the same input, so that the rules of input
// (as opposed to the rules of values) are tested once for all three.
func decoders(t *testing.T) map[string]func([]byte) error {
	tax := taxonomy(t)
	return map[string]func([]byte) error{
		"DecodeProfile": func(b []byte) error { _, err := tax.DecodeProfile(b); return err },
		"DecodeTender":  func(b []byte) error { _, err := tax.DecodeTender(b); return err },
		"DecodeCollaboration": func(b []byte) error {
			_, err := profiles.DecodeCollaboration(b)
			return err
		},
	}
}

func TestDecodeMalformed(t *testing.T) {
	tests := []struct {
		name, input string
	}{
		{"empty", ""},
		{"white space", " \n\t "},
		{"unclosed", `{"id": "a"`},
		{"trailing comma", `{"id": "a",}`},
		{"single quotes", `{'id': 'a'}`},
		{"trailing garbage", `{"id": "a"} x`},
		{"two documents", `{"id": "a"} {"id": "b"}`},
		{"two documents on two lines", "{\"id\": \"a\"}\n{\"id\": \"b\"}"},
		{"array", `[{"id": "a"}]`},
		{"string", `"a"`},
		{"number", `42`},
		{"null", `null`},
		{"comment", `{"id": "a"} // the id`},
		{"form feed", "\f{}"},
	}
	for name, decode := range decoders(t) {
		for _, tt := range tests {
			t.Run(name+"/"+tt.name, func(t *testing.T) {
				err := decode([]byte(tt.input))
				if !errors.Is(err, profiles.ErrMalformed) {
					t.Fatalf("%s(%q) = %v, want an error wrapping ErrMalformed", name, tt.input, err)
				}
				var verr *profiles.ValidationError
				if errors.As(err, &verr) {
					t.Errorf("%s(%q) = %v, a *ValidationError; want a plain error", name, tt.input, err)
				}
			})
		}
	}
}

func TestDecodeTrailingWhiteSpace(t *testing.T) {
	data := append(collaborationDoc().json(t), " \r\n\t"...)
	if _, err := profiles.DecodeCollaboration(data); err != nil {
		t.Errorf("DecodeCollaboration(%q) = %v, want no error", data, err)
	}
}

// TestDecodeFieldErrors: unknown fields, repeated keys and wrong types are field
// errors (422), each at its path, reported with every other invalid field.
func TestDecodeFieldErrors(t *testing.T) {
	tax := taxonomy(t)
	profile := func(b []byte) error { _, err := tax.DecodeProfile(b); return err }
	tender := func(b []byte) error { _, err := tax.DecodeTender(b); return err }
	tests := []struct {
		name    string
		decode  func([]byte) error
		input   []byte
		want    []string // field paths, sorted
		message string   // part of the message on want[0]
	}{
		{"unknown top-level field", profile, profileDoc().with(object{"colour": "red"}).json(t), []string{"colour"}, "unknown field; valid: id, name"},
		{"key case matters", profile, profileDoc().with(object{"id": nil, "ID": "a"}).json(t), []string{"ID", "id"}, "unknown field"},
		{"unknown contact field", profile, profileDoc().with(object{"contact": object{"fax": "030"}}).json(t), []string{"contact.fax"}, "unknown field; valid: email, phone, website, person"},
		{"unknown need field", tender, tenderDoc().with(object{"needs": []any{object{"instrument": "meals", "weight": 1, "mandatory": true}}}).json(t), []string{"needs[0].mandatory"}, "valid: instrument, weight, must"},
		{"repeated key", profile, []byte(`{"id": "a", "id": "b", "name": "A", "kind": "care", "size": "small", "areas": ["NL"], "instruments": {"meals": 1}}`), []string{"id"}, "given more than once"},
		{"repeated instrument", profile, profileDoc().with(object{"instruments": raw(`{"meals": 1, "meals": 0.5}`)}).json(t), []string{"instruments.meals"}, "given more than once"},
		{"id a number", profile, profileDoc().with(object{"id": 5}).json(t), []string{"id"}, "must be a string, not a number"},
		{"new_provider a string", profile, profileDoc().with(object{"new_provider": "true"}).json(t), []string{"new_provider"}, "must be true or false, not a string"},
		{"areas a string", profile, profileDoc().with(object{"areas": "WK034412"}).json(t), []string{"areas"}, "must be an array, not a string"},
		{"area a number", profile, profileDoc().with(object{"areas": []any{"WK034412", 34412, "bad"}}).json(t), []string{"areas[1]", "areas[2]"}, "must be a string, not a number"},
		{"instruments an array", profile, profileDoc().with(object{"instruments": []any{"meals"}}).json(t), []string{"instruments"}, "must be an object, not an array"},
		{"level a string", profile, profileDoc().with(object{"instruments": object{"meals": "1"}}).json(t), []string{"instruments.meals"}, "must be a number, not a string"},
		{"level null", profile, profileDoc().with(object{"instruments": object{"meals": raw("null")}}).json(t), []string{"instruments.meals"}, "not null"},
		{"contact a string", profile, profileDoc().with(object{"contact": "info@example.org"}).json(t), []string{"contact"}, "must be an object"},
		{"private value a number", profile, profileDoc().with(object{"private": object{"budget": 5}}).json(t), []string{"private.budget"}, "must be a string"},
		{"needs an object", tender, tenderDoc().with(object{"needs": object{"instrument": "meals"}}).json(t), []string{"needs"}, "must be an array"},
		{"weight a string", tender, tenderDoc().with(object{"needs": []any{object{"instrument": "meals", "weight": "3"}}}).json(t), []string{"needs[0].weight"}, "must be a number, not a string"},
		{"max_size a string", tender, tenderDoc().with(object{"max_size": "5"}).json(t), []string{"max_size"}, "whole number, not a string"},
		{"max_large huge", tender, tenderDoc().with(object{"max_large": raw("1e12")}).json(t), []string{"max_large"}, "out of range"},
		{"weights an array", tender, tenderDoc().with(object{"weights": []any{1, 2}}).json(t), []string{"weights"}, "must be an object"},
		{"odd key quoted in its path", profile, profileDoc().with(object{"private": object{"my ideas": strings.Repeat("x", 5001)}}).json(t), []string{`private["my ideas"]`}, "at most 5000"},
		{"empty key quoted in its path", profile, profileDoc().with(object{"": 1}).json(t), []string{`[""]`}, "unknown field"},
		{"wrong types with invalid values", tender, tenderDoc().with(object{"id": "Bad", "min_size": "1", "area": []any{"x", 1}}).json(t), []string{"area[0]", "area[1]", "id", "min_size"}, ""},
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
			if tt.message != "" {
				if got := messageOf(t, err, tt.want[0]); !strings.Contains(got, tt.message) {
					t.Errorf("decode(%s) message on %s = %q, want it to contain %q", tt.input, tt.want[0], got, tt.message)
				}
			}
		})
	}
}

func TestValidationErrorError(t *testing.T) {
	tests := []struct {
		name string
		err  *profiles.ValidationError
		want string
	}{
		{"one", &profiles.ValidationError{Errors: []profiles.FieldError{{Field: "id", Message: "required"}}}, "id: required"},
		{"two", &profiles.ValidationError{Errors: []profiles.FieldError{
			{Field: "needs[2].weight", Message: "must be in (0, 10], got 11"},
			{Field: "areas[0]", Message: "bad"}}}, "needs[2].weight: must be in (0, 10], got 11; areas[0]: bad"},
		{"none", &profiles.ValidationError{}, "invalid document"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.err.Error(); got != tt.want {
				t.Errorf("(%+v).Error() = %q, want %q", tt.err, got, tt.want)
			}
		})
	}
}

func TestManyErrorsAreCapped(t *testing.T) {
	data := profileDoc().with(object{"areas": repeat("x", 5000)}).json(t)
	_, err := taxonomy(t).DecodeProfile(data)
	var verr *profiles.ValidationError
	if !errors.As(err, &verr) {
		t.Fatalf("DecodeProfile(5000 bad areas) = %v, want a *ValidationError", err)
	}
	if n := len(verr.Errors); n > 101 {
		t.Errorf("DecodeProfile(5000 bad areas) has %d field errors, want at most 101", n)
	}
	if last := verr.Errors[len(verr.Errors)-1]; !strings.Contains(last.Message, "not shown") {
		t.Errorf("DecodeProfile(5000 bad areas) last error = %+v, want a note that more are not shown", last)
	}
}

// TestDecodeErrorOrder: errors come in the order of the document's fields, whether
// decoding or validation found them.
func TestDecodeErrorOrder(t *testing.T) {
	data := []byte(`{"weights": {}, "max_size": 9, "needs": [{"instrument": "meals"}, {"instrument": "meals", "weight": 11, "x": 1}],
		"area": ["x", 1], "title": "", "id": "A"}`)
	_, err := taxonomy(t).DecodeTender(data)
	var verr *profiles.ValidationError
	if !errors.As(err, &verr) {
		t.Fatalf("DecodeTender(%s) = %v, want a *ValidationError", data, err)
	}
	var got []string
	for _, fe := range verr.Errors {
		got = append(got, fe.Field)
	}
	want := []string{"id", "title", "area[0]", "area[1]", "needs[0].weight",
		"needs[1].x", "needs[1].instrument", "needs[1].weight", "max_size", "weights"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("DecodeTender(%s) = %v; field order (-want +got):\n%s", data, err, diff)
	}
}
