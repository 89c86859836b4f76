package profiles

// Lists that are sets (SPEC §2: a profile's areas and themes; a tender's area,
// themes, require_kinds and exclude) may repeat an entry. A repeat is dropped, the
// first stays where it was, and it is never an error: a spreadsheet export that
// lists a neighbourhood twice says nothing wrong. The decoders drop repeats before
// they validate, so that validation, the store and the engine see sets; the file
// readers count what they dropped for their reports.

// DropRepeats removes the repeated entries of p's set-valued lists in place and
// returns how many it removed.
func (p *Profile) DropRepeats() int {
	var n, m int
	p.Areas, n = dropRepeats(p.Areas)
	p.Themes, m = dropRepeats(p.Themes)
	return n + m
}

// DropRepeats removes the repeated entries of tn's set-valued lists in place and
// returns how many it removed.
func (tn *Tender) DropRepeats() int {
	total := 0
	for _, list := range []*[]string{&tn.Area, &tn.Themes, &tn.RequireKinds, &tn.Exclude} {
		var n int
		*list, n = dropRepeats(*list)
		total += n
	}
	return total
}

// dropRepeats keeps the first of each entry of list, in order, reusing its array.
// Short lists (the usual case) are compared pairwise, without a map.
func dropRepeats(list []string) ([]string, int) {
	if len(list) < 2 {
		return list, 0
	}
	var seen map[string]struct{}
	if len(list) > 16 {
		seen = make(map[string]struct{}, len(list))
	}
	out := list[:0]
	for _, s := range list {
		if seen != nil {
			if _, dup := seen[s]; dup {
				continue
			}
			seen[s] = struct{}{}
		} else if contains(out, s) {
			continue
		}
		out = append(out, s)
	}
	n := len(list) - len(out)
	clear(list[len(out):]) // the dropped tail holds no strings for the collector
	return out, n
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
