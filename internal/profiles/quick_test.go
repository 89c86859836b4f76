package profiles

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// quickCases are event lines around the usual form; decides says whether the quick
// path takes them (the others it must leave to the fast and slow paths).
var quickCases = []struct {
	name, doc string
	decides   bool
}{
	{"usual", fastEvent, true},
	{"members in another order", `{"at":"2026-03-01","outcome":"negative","b":"woonstad","a":"buurtkamer-overvecht"}`, true},
	{"white space everywhere", " \t{ \"a\" :\t\"x\" ,\r\"b\":\"y\" , \"outcome\" : \"positive\" ,\"at\" : \"2024-02-29\" } \t", true},
	{"64-character id", `{"a":"` + strings.Repeat("a", 64) + `","b":"y","outcome":"positive","at":"2026-03-01"}`, true},
	{"65-character id", `{"a":"` + strings.Repeat("a", 65) + `","b":"y","outcome":"positive","at":"2026-03-01"}`, false},
	{"same partner", `{"a":"x","b":"x","outcome":"positive","at":"2026-03-01"}`, false},
	{"upper-case id", `{"a":"X","b":"y","outcome":"positive","at":"2026-03-01"}`, false},
	{"empty id", `{"a":"","b":"y","outcome":"positive","at":"2026-03-01"}`, false},
	{"unknown outcome", `{"a":"x","b":"y","outcome":"good","at":"2026-03-01"}`, false},
	{"outcome in capitals", `{"a":"x","b":"y","outcome":"Positive","at":"2026-03-01"}`, false},
	{"no such day", `{"a":"x","b":"y","outcome":"positive","at":"2026-02-29"}`, false},
	{"date and time", `{"a":"x","b":"y","outcome":"positive","at":"2026-03-01T10:00"}`, false},
	{"no at", `{"a":"x","b":"y","outcome":"positive"}`, false},
	{"null at", `{"a":"x","b":"y","outcome":"positive","at":null}`, false},
	{"at a number", `{"a":"x","b":"y","outcome":"positive","at":5}`, false},
	{"at twice", `{"a":"x","b":"y","at":"2026-03-01","at":"2026-03-02"}`, false},
	{"a member more", `{"a":"x","b":"y","outcome":"positive","at":"2026-03-01","by":"z"}`, false},
	{"escaped id", `{"a":"\u0078","b":"y","outcome":"positive","at":"2026-03-01"}`, false},
	{"escaped key", `{"\u0061":"x","b":"y","outcome":"positive","at":"2026-03-01"}`, false},
	{"non-ASCII", `{"a":"x","b":"é","outcome":"positive","at":"2026-03-01"}`, false},
	{"control character", "{\"a\":\"x\",\"b\":\"y\x01\",\"outcome\":\"positive\",\"at\":\"2026-03-01\"}", false},
	{"data after", fastEvent + ` {}`, false},
	{"comma after", fastEvent[:len(fastEvent)-1] + `,}`, false},
	{"no closing brace", fastEvent[:len(fastEvent)-1], false},
	{"unterminated string", `{"a":"x`, false},
	{"an array", `[` + fastEvent + `]`, false},
	{"empty", ``, false},
	{"key case", `{"A":"x","b":"y","outcome":"positive","at":"2026-03-01"}`, false},
}

// TestQuickCollaboration: an event the quick path decides is what the slow path
// makes of it, with no error, with and without today's date; the usual forms it
// decides, the others it leaves.
func TestQuickCollaboration(t *testing.T) {
	for _, tc := range quickCases {
		t.Run(tc.name, func(t *testing.T) {
			for _, today := range []string{"", "2026-03-01", "2026-02-28"} {
				_, decided := quickCollaboration([]byte(tc.doc), today)
				checkQuick(t, []byte(tc.doc), today)
				if today == "" && decided != tc.decides {
					t.Errorf("quickCollaboration(%s) decided %v, want %v", tc.doc, decided, tc.decides)
				}
			}
		})
	}
	// Through the API, an event after today is refused (on the slow path).
	if _, decided := quickCollaboration([]byte(fastEvent), "2026-02-28"); decided {
		t.Errorf("quickCollaboration(%s, 2026-02-28) decided an event after today", fastEvent)
	}
}

// checkQuick fails when the quick path decides data otherwise than the slow path.
func checkQuick(t *testing.T, data []byte, today string) {
	t.Helper()
	got, decided := quickCollaboration(data, today)
	if !decided {
		return
	}
	var want Collaboration
	var err error
	withFastDecode(false, func() { want, err = decodeCollaboration(data, today) })
	if err != nil {
		t.Errorf("quickCollaboration(%q, %q) took an event the slow path refuses: %v", data, today, err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("quickCollaboration(%q, %q) differs from the slow path (-slow +quick):\n%s", data, today, diff)
	}
}

// TestQuickDate: quickDate is validDate (time.Parse) on every year, month and day
// of the years around the turns of centuries, 00 and 13 and 32 included, and on
// strings of the same length that are no date.
func TestQuickDate(t *testing.T) {
	var years []int
	for _, span := range [][2]int{{0, 9}, {96, 104}, {396, 404}, {1896, 1904}, {1996, 2104}, {9990, 9999}} {
		for y := span[0]; y <= span[1]; y++ {
			years = append(years, y)
		}
	}
	for _, y := range years {
		for m := 0; m <= 13; m++ {
			for d := 0; d <= 32; d++ {
				s := fmt.Sprintf("%04d-%02d-%02d", y, m, d)
				if got, want := quickDate([]byte(s)), validDate(s); got != want {
					t.Fatalf("quickDate(%s) = %v, validDate %v", s, got, want)
				}
			}
		}
	}
	r := rand.New(rand.NewPCG(1, 2))
	chars := "0123456789-+ /T:a"
	for range 20000 {
		b := []byte("2026-03-01")
		for range 1 + r.IntN(3) {
			b[r.IntN(len(b))] = chars[r.IntN(len(chars))]
		}
		if got, want := quickDate(b), validDate(string(b)); got != want {
			t.Fatalf("quickDate(%s) = %v, validDate %v", b, got, want)
		}
	}
	for _, s := range []string{"", "2026-3-1", "2026-03-011", "02026-03-01"} {
		if got, want := quickDate([]byte(s)), validDate(s); got != want {
			t.Errorf("quickDate(%q) = %v, validDate %v", s, got, want)
		}
	}
}

// FuzzQuickCollaboration: whatever the quick path decides, the slow path makes the
// same of, with no error.
func FuzzQuickCollaboration(f *testing.F) {
	for _, tc := range quickCases {
		f.Add([]byte(tc.doc))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, today := range []string{"", "2026-03-01"} {
			checkQuick(t, data, today)
		}
	})
}

func BenchmarkDecodeCollaboration(b *testing.B) {
	data := []byte(fastEvent)
	b.ReportAllocs()
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := DecodeCollaboration(data); err != nil {
			b.Fatal(err)
		}
	}
}
