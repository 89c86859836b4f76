package match

import (
	"math"
	"slices"
)

// found is one coalition found by the search: members by candidate index, ascending,
// which is ascending id.
type found struct {
	members []int
	score   float64
}

// better orders coalitions as SPEC §6 ranks them: by score, equal within eps, then by
// the sorted list of member ids.
func better(a, b found) bool {
	if a.score > b.score+eps {
		return true
	}
	if b.score > a.score+eps {
		return false
	}
	return slices.Compare(a.members, b.members) < 0
}

// topList keeps the best n distinct coalitions seen, best first.
type topList struct {
	n     int
	items []found
	// alike, when set, keeps the list instead (variants.go): the best coalitions
	// found up to the n-th that is no variant of a better one.
	alike *alikeList
}

// threshold is the score a coalition must reach, within eps, to enter the list.
func (t *topList) threshold() float64 {
	if t.alike != nil {
		return t.alike.threshold(t)
	}
	if len(t.items) < t.n {
		return math.Inf(-1)
	}
	return t.items[len(t.items)-1].score
}

// offer adds a coalition if it ranks among the best n and is not there yet; members
// must be ascending. The list keeps its own copy.
func (t *topList) offer(members []int, score float64) bool {
	if t.alike != nil {
		return t.alike.offer(t, members, score)
	}
	f := found{members: members, score: score}
	if len(t.items) == t.n && !better(f, t.items[len(t.items)-1]) {
		return false
	}
	pos := len(t.items)
	for i, it := range t.items {
		if slices.Equal(it.members, members) {
			return false
		}
		if pos == len(t.items) && better(f, it) {
			pos = i
		}
	}
	f.members = slices.Clone(members)
	t.items = slices.Insert(t.items, pos, f)
	if len(t.items) > t.n {
		t.items = t.items[:t.n]
	}
	return true
}
