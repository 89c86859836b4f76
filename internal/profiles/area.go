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
// overlap into an exact-match filter.
func AreaParents(code string) []string {
	if code == CountryArea {
		return []string{CountryArea}
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
