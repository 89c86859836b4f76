package match

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"samenspel/internal/profiles"
)

// Scored is a proposed coalition with its score, its explanation as in a suggestion,
// and the rules it breaks (POST /v1/tenders/{id}/coalitions/score).
type Scored struct {
	Coalition
	Feasible bool `json:"feasible"`
	// Broken lists the rules of SPEC §3 and §5 the coalition breaks, in words.
	Broken []string `json:"broken"`
}

// ErrProposal is a proposed coalition that cannot be scored at all: no members, too
// many, a repeated or unknown id.
var ErrProposal = errors.New("match: proposal")

// Score scores a proposed coalition of the given profile ids for the tender, as the
// engine would score it if it were a suggestion, and names every rule it breaks. A
// member need not be a candidate: that is one of the rules it can break.
func Score(in Input, ids []string) (Scored, error) {
	if len(ids) == 0 || len(ids) > profiles.MaxMaxSize {
		return Scored{}, fmt.Errorf("%w: a coalition has 1 to %d members, not %d", ErrProposal, profiles.MaxMaxSize, len(ids))
	}
	force := make(map[string]bool, len(ids))
	for _, id := range ids {
		if force[id] {
			return Scored{}, fmt.Errorf("%w: %q is named twice", ErrProposal, id)
		}
		force[id] = true
	}
	inst := newInstanceWith(&in.Tender, in.Profiles, in.Trust, force)
	members := make([]int, 0, len(ids))
	for i, c := range inst.cands {
		if force[c.p.ID] {
			members = append(members, i)
		}
	}
	if len(members) != len(ids) {
		var missing []string
		for _, id := range ids {
			if !slices.ContainsFunc(inst.cands, func(c cand) bool { return c.p.ID == id }) {
				missing = append(missing, id)
			}
		}
		return Scored{}, fmt.Errorf("%w: no profile %s", ErrProposal, strings.Join(missing, ", "))
	}
	eligible := newInstance(&in.Tender, in.Profiles, in.Trust)
	isCandidate := map[string]bool{}
	for _, c := range eligible.cands {
		isCandidate[c.p.ID] = true
	}

	out := Scored{Coalition: inst.describe(members), Broken: []string{}}
	cov := make([]float64, len(inst.needs))
	t := inst.tallyOf(members, cov)
	for _, m := range members {
		if id := inst.cands[m].p.ID; !isCandidate[id] {
			out.Broken = append(out.Broken, fmt.Sprintf("%s is not a candidate: not excluded, an area overlapping the tender's and a needed instrument are all required", id))
		}
	}
	if t.size < inst.minSize || t.size > inst.maxSize {
		out.Broken = append(out.Broken, fmt.Sprintf("size: %d members, the tender allows %d to %d", t.size, inst.minSize, inst.maxSize))
	}
	if len(out.Gaps) > 0 {
		out.Broken = append(out.Broken, "must needs not fully covered: "+strings.Join(out.Gaps, ", "))
	}
	for _, k := range in.Tender.RequireKinds {
		if !slices.ContainsFunc(out.Members, func(m Member) bool { return m.Kind == k }) {
			out.Broken = append(out.Broken, fmt.Sprintf("require_kinds: no member is of kind %s", k))
		}
	}
	if t.large > inst.maxLarge {
		out.Broken = append(out.Broken, fmt.Sprintf("max_large: %d large members, at most %d", t.large, inst.maxLarge))
	}
	if t.inc < inst.minSmall {
		out.Broken = append(out.Broken, fmt.Sprintf("min_small: %d small or new members, at least %d", t.inc, inst.minSmall))
	}
	for _, m := range members {
		if inst.contribution(m, cov) <= eps {
			out.Broken = append(out.Broken, fmt.Sprintf("free rider: %s adds nothing to the coverage", inst.cands[m].p.ID))
		}
	}
	out.Feasible = len(out.Broken) == 0
	return out, nil
}
