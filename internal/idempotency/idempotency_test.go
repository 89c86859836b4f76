package idempotency

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

const scope = "POST /v1/profiles"

func TestParse(t *testing.T) {
	tests := []struct {
		header string
		want   string // "" when refused
	}{
		{"8e03978e-40d5-43e8-bc93-6894a57f9324", "8e03978e-40d5-43e8-bc93-6894a57f9324"},
		{`"8e03978e-40d5-43e8-bc93-6894a57f9324"`, "8e03978e-40d5-43e8-bc93-6894a57f9324"},
		{`"with space and \" and \\"`, `with space and " and \`},
		{strings.Repeat("k", 255), strings.Repeat("k", 255)},
		{"", ""},
		{`""`, ""},
		{strings.Repeat("k", 256), ""},
		{"with space", ""},
		{`"unterminated`, ""},
		{`"a"b`, ""},
		{`"bad \n escape"`, ""},
		{"tab\there", ""},
		{"é", ""},
	}
	for _, tc := range tests {
		k, err := Parse(scope, tc.header)
		switch {
		case tc.want == "" && err == nil:
			t.Errorf("Parse(%q) = %q, want an error", tc.header, k.value)
		case tc.want != "" && (err != nil || k.value != tc.want):
			t.Errorf("Parse(%q) = %q, %v; want %q", tc.header, k.value, err, tc.want)
		}
	}
}

// TestSealOpen: an answer opens with its key only; its ID and fingerprint give
// neither the key nor the answer away.
func TestSealOpen(t *testing.T) {
	k, _ := Parse(scope, "8e03978e-40d5-43e8-bc93-6894a57f9324")
	other, _ := Parse(scope, "8e03978e-40d5-43e8-bc93-6894a57f9325")
	elsewhere, _ := Parse("POST /v1/tenders", "8e03978e-40d5-43e8-bc93-6894a57f9324")
	a := Answer{Status: 201, Location: "/v1/profiles/x", Body: json.RawMessage(`{"token":"SECRET-TOKEN-123"}`)}
	sealed, err := k.Seal(a)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(sealed, []byte("SECRET-TOKEN-123")) || bytes.Contains(sealed, []byte("/v1/profiles/x")) {
		t.Errorf("the sealed answer shows its contents: %q", sealed)
	}
	got, err := k.Open(sealed)
	if err != nil || got.Status != 201 || got.Location != a.Location || string(got.Body) != string(a.Body) {
		t.Errorf("Open() = %+v, %v; want %+v", got, err, a)
	}
	if _, err := other.Open(sealed); err == nil {
		t.Errorf("another key opened the answer")
	}
	if k.ID() == other.ID() || k.ID() == elsewhere.ID() || strings.Contains(k.ID(), "8e03978e") {
		t.Errorf("IDs: %s, %s, %s; want distinct digests, none showing the key", k.ID(), other.ID(), elsewhere.ID())
	}
	sealed[len(sealed)-1] ^= 1
	if _, err := k.Open(sealed); err == nil {
		t.Errorf("a changed answer opened")
	}
	if _, err := k.Open([]byte{1, 2}); err == nil {
		t.Errorf("a short answer opened")
	}
	body := []byte(`{"id":"x"}`)
	fp := k.Fingerprint(body)
	if !k.SameRequest(fp, body) || k.SameRequest(fp, []byte(`{"id":"y"}`)) || other.SameRequest(fp, body) {
		t.Errorf("SameRequest tells requests apart wrongly")
	}
}
