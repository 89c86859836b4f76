package profiles

import "strings"

// CountryArea is the area code that contains every other.
const CountryArea = "NL"

// ValidArea reports whether code is a CBS area code as SPEC §1 defines: NL, GMdddd,
// WKdddddd or BUdddddddd.
func ValidArea(code string) bool {
	if code == CountryArea {
		return true
	}
	if len(code) < 2 {
		return false
	}
	digits := 0
	switch code[:2] {
	case "GM":
		digits = 4
	case "WK":
		digits = 6
	case "BU":
		digits = 8
	default:
		return false
	}
	if len(code) != 2+digits {
		return false
	}
	for i := 2; i < len(code); i++ {
		if code[i] < '0' || code[i] > '9' {
			return false
		}
	}
	return true
}

// AreaContains reports whether area a equals or contains area b. Containment follows
// the digits: BU03441205 lies in WK034412, which lies in GM0344; NL contains all.
// Both codes must be valid.
func AreaContains(a, b string) bool {
	if a == CountryArea {
		return true
	}
	if b == CountryArea {
		return false
	}
	da, db := a[2:], b[2:]
	return len(da) <= len(db) && strings.HasPrefix(db, da)
}

// AreasOverlap reports whether one of the codes equals or contains the other.
func AreasOverlap(a, b string) bool { return AreaContains(a, b) || AreaContains(b, a) }

// AreaParents returns code and every area that contains it, from the code itself up
// to NL: BU03441205 gives BU03441205, WK034412, GM0344, NL. Stores use it to turn
// overlap into an exact-match filter. Any other code (not ValidArea) gives the code
// alone: a store indexes what it is given and never panics on it.
func AreaParents(code string) []string {
	if code == CountryArea || !ValidArea(code) {
		return []string{code}
	}
	digits := code[2:]
	out := []string{code}
	if len(digits) >= 8 {
		out = append(out, "WK"+digits[:6])
	}
	if len(digits) >= 6 {
		out = append(out, "GM"+digits[:4])
	}
	return append(out, CountryArea)
}

// AreaRegister knows which area codes exist, beyond the form SPEC §1 gives them: a
// gazetteer of the municipalities an operator loaded (internal/gazetteer). SPEC §2:
// an area code inside a municipality it holds must be one of its areas.
type AreaRegister interface {
	// CheckAreas returns a FieldError at field[i] for each codes[i] it refuses.
	// It is given the codes as the document has them, valid or not; it judges
	// only the valid ones (ValidArea), whose form the taxonomy checks itself.
	CheckAreas(codes []string, field string) []FieldError
}

// WithAreas returns a copy of t whose validation (ValidateProfile, ValidateTender and
// every decoder and reader of documents) also asks r about a profile's areas and a
// tender's area, so that its refusals join the document's other field errors. t
// itself is unchanged: give the copy to what takes documents from users (the API,
// the import), and t to what reads documents already stored, which must still load
// when the register changes. A nil r gives t.
func (t *Taxonomy) WithAreas(r AreaRegister) *Taxonomy {
	if r == nil {
		return t
	}
	c := *t
	c.areas = r
	return &c
}

// checkRegister adds the refusals of t's area register, if any, for the list at path.
func (t *Taxonomy) checkRegister(errs *fieldErrors, path string, areas []string) {
	if t.areas == nil || len(areas) == 0 {
		return
	}
	for _, e := range t.areas.CheckAreas(areas, path) {
		errs.addError(e)
	}
}
