package profiles_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"samenspel/internal/profiles"
	"samenspel/internal/synth"
	"testing"
)

// The benchmarks measure the decoders on valid documents, the common case: one line
// of an NDJSON import. Run them with
//
//	go test ./internal/profiles -run '^$' -bench 'Decode|Read' -benchmem

// specProfile is the profile of SPEC §2, with contact and private notes.
const specProfile = `{"id": "buurtkamer-overvecht", "name": "Buurtkamer Overvecht", "kind": "residents_group",` +
	` "size": "small", "new_provider": true, "can_lead": false,` +
	` "areas": ["WK034412"], "instruments": {"meeting_place": 1.0, "meals": 0.5},` +
	` "themes": ["loneliness"], "description": "Free text, Dutch or English",` +
	` "contact": {"email": "info@example.org"}, "private": {"ideas": "never shown to others"}}`

// specTender is the tender of SPEC §2.
const specTender = `{"id": "eenzaamheid-overvecht-2027", "title": "Minder eenzaamheid in Overvecht",` +
	` "area": ["WK034412"], "themes": ["loneliness"], "budget": 250000,` +
	` "needs": [{"instrument": "home_visits", "weight": 3, "must": true},` +
	` {"instrument": "meeting_place", "weight": 2}],` +
	` "min_size": 1, "max_size": 5, "require_kinds": ["residents_group"],` +
	` "max_large": 1, "min_small": 1, "exclude": [],` +
	` "weights": {"coverage": 0.55, "diversity": 0.20, "trust": 0.15, "inclusion": 0.10}}`

// benchProfiles are profiles as an import file holds them: compact, with and
// without contact and private notes, non-ASCII names. %d is the place of the id's
// number.
var benchProfiles = []string{
	`{"id":"buurtkamer-overvecht-%d","name":"Buurtkamer Overvecht","kind":"residents_group","size":"small","new_provider":true,"can_lead":false,"areas":["WK034412"],"instruments":{"meeting_place":1.0,"meals":0.5},"themes":["loneliness"],"description":"Free text, Dutch or English","contact":{"email":"info@example.org"},"private":{"ideas":"never shown to others"}}`,
	`{"id":"zorgcentrum-ondiep-%d","name":"Zorgcentrum Ondiep","kind":"care","size":"medium","new_provider":false,"can_lead":true,"areas":["WK034402"],"instruments":{"district_nursing":1,"transport":1},"themes":["health","loneliness"],"description":"Zorg dichtbij huis voor bewoners van Ondiep. Bij ons vindt u wijkverpleging en vervoer.","contact":{"email":"zorgcentrum-ondiep@example.org"}}`,
	`{"id":"wooncooperatie-zuidwest-%d","name":"Wooncoöperatie Zuidwest","kind":"housing_corporation","size":"large","new_provider":false,"can_lead":true,"areas":["WK034408","WK034409","GM0344"],"instruments":{"housing_allocation":1,"venue":1,"housing_adaptation":0.5},"themes":["housing"],"description":"Woningcorporatie met sociale huurwoningen in Zuidwest en Leidsche Rijn. Bij ons vindt u woningtoewijzing en ruimte voor activiteiten.","contact":{"email":"info@wooncooperatie-zuidwest.example.org","phone":"030 123 45 67","website":"https://example.org","person":"J. de Vries"}}`,
	`{"id":"schakelklas-%d","name":"Internationale Schakelklas","kind":"school","size":"medium","new_provider":true,"can_lead":false,"areas":["BU03440601"],"instruments":{"after_school":0.75,"language_classes":1},"themes":["education","youth","integration"],"description":"School met leerlingen van allerlei achtergronden.","private":{"ideas":"een taalcafé op zaterdag","budget":"zoekt cofinanciering"}}`,
}

// profileLines returns n valid profile lines with distinct ids.
func profileLines(n int) []byte {
	var b bytes.Buffer
	for i := range n {
		fmt.Fprintf(&b, benchProfiles[i%len(benchProfiles)], i)
		b.WriteByte('\n')
	}
	return b.Bytes()
}

func BenchmarkDecodeProfile(b *testing.B) {
	tax := taxonomy(b)
	data := []byte(specProfile)
	if _, err := tax.DecodeProfile(data); err != nil {
		b.Fatalf("DecodeProfile(%s) = %v", data, err)
	}
	b.ReportAllocs()
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := tax.DecodeProfile(data); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDecodeTender(b *testing.B) {
	tax := taxonomy(b)
	data := []byte(specTender)
	if _, err := tax.DecodeTender(data); err != nil {
		b.Fatalf("DecodeTender(%s) = %v", data, err)
	}
	b.ReportAllocs()
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := tax.DecodeTender(data); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkReadProfiles(b *testing.B) {
	const n = 600
	tax := taxonomy(b)
	data := profileLines(n)
	got, bad, err := tax.ReadProfiles(bytes.NewReader(data), "bench.ndjson")
	if err != nil || len(bad) != 0 || len(got) != n {
		b.Fatalf("ReadProfiles(%d lines) = %d profiles, %v, %v; want %d, no errors", n, len(got), bad, err, n)
	}
	b.ReportAllocs()
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, _, err := tax.ReadProfiles(bytes.NewReader(data), "bench.ndjson"); err != nil {
			b.Fatal(err)
		}
	}
}

// TestQuickPathTakesExports: every line of the benchmarks' imports and of a
// generated city's export (as `matcher suggest` and `indexer import` read them)
// goes the quick way, so that the benchmarks measure it.
func TestQuickPathTakesExports(t *testing.T) {
	var buf bytes.Buffer
	buf.Write(profileLines(len(benchProfiles)))
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	for _, p := range synth.Wide(2026, 3000, 12000, 600, 6).Profiles {
		if err := enc.Encode(p); err != nil {
			t.Fatal(err)
		}
	}
	n := 0
	for line := range bytes.Lines(buf.Bytes()) {
		n++
		if line = bytes.TrimSuffix(line, []byte("\n")); !profiles.QuickProfileDecides(line) {
			t.Fatalf("line %d goes past the quick path: %s", n, line)
		}
	}
	if n < 3000 {
		t.Fatalf("%d lines, want at least 3,000", n)
	}
}
