package synth

import "strings"

// maxID is the longest id SPEC §2 allows.
const maxID = 64

// fold turns the accented letters of Dutch names into plain ASCII for slugs.
var fold = strings.NewReplacer(
	"á", "a", "à", "a", "â", "a", "ä", "a", "å", "a",
	"é", "e", "è", "e", "ê", "e", "ë", "e",
	"í", "i", "ì", "i", "î", "i", "ï", "i",
	"ó", "o", "ò", "o", "ô", "o", "ö", "o",
	"ú", "u", "ù", "u", "û", "u", "ü", "u",
	"ç", "c", "ñ", "n", "ý", "y", "ÿ", "y",
)

// slug turns a name into an id: lower-case a-z, 0-9 and single dashes, at most 64
// characters: "Buurtkamer Tigrisdreef" gives "buurtkamer-tigrisdreef".
func slug(name string) string {
	s := fold.Replace(strings.ToLower(name))
	var b strings.Builder
	dash := false
	for _, r := range s {
		if 'a' <= r && r <= 'z' || '0' <= r && r <= '9' {
			b.WriteRune(r)
			dash = false
			continue
		}
		if b.Len() > 0 && !dash {
			b.WriteByte('-')
			dash = true
		}
	}
	return strings.TrimRight(truncate(b.String(), maxID), "-")
}

// truncate cuts an ASCII string to at most n bytes.
func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}
