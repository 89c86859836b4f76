// Package snapshot answers the candidates of tenders (SPEC §3) from a copy in
// memory of every profile, read once: the nightly recompute (internal/recompute)
// asks for the candidates of thousands of tenders, and reading and decoding them
// from the store for each tender costs most of a run.
//
// A Snapshot owns its copy of the profiles as they were when it was taken, and its
// indexes over them (by instrument, by area). It answers exactly what
// store.Store.Candidates answers for the same profiles: the same profiles, whole,
// in the same order, so that an answer computed from either has the same inputs
// digest (internal/suggest). It must never be written to, never learn of later
// writes, and never serve anything but a run that accepts answers as of the moment
// it was taken: the API reads candidates from the store (or the search index),
// which follow every write. It never writes anything itself.
//
// The profiles it hands out share their maps and slices with the snapshot and with
// each other's answers: callers (the match engine, the digest) only read them.
package snapshot

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"samenspel/internal/profiles"
	"samenspel/internal/suggest"
)

// Snapshot is the candidates index of a fixed set of profiles. It is safe for
// concurrent use: nothing changes it after New.
type Snapshot struct {
	// profiles are the profiles that can be candidates (not stale), by id: a
	// profile's position is its number in the indexes below, so that numbers in
	// ascending order are profiles in id order.
	profiles []profiles.Profile
	// byInstrument lists, per instrument code, the numbers of the profiles that
	// offer it, ascending.
	byInstrument map[string][]int32
	// byArea lists, per area, the numbers of the profiles that name it or an area
	// within it (the store's profile_area_parents rows), ascending.
	byArea map[string][]int32
	// byOwnArea lists, per area, the numbers of the profiles that name it
	// themselves (the rows with own = 1), ascending.
	byOwnArea map[string][]int32
	// total counts the profiles it was built from, stale ones included.
	total int
}

// New builds the snapshot of ps, profiles as store.Store.Profiles returns them
// (whole, Stale set). A stale profile is never a candidate. ps is not changed; the
// snapshot keeps its own list (but shares the profiles' maps and slices).
func New(ps []profiles.Profile) *Snapshot {
	s := &Snapshot{
		byInstrument: map[string][]int32{},
		byArea:       map[string][]int32{},
		byOwnArea:    map[string][]int32{},
		total:        len(ps),
	}
	for _, p := range ps {
		if !p.Stale {
			s.profiles = append(s.profiles, p)
		}
	}
	slices.SortStableFunc(s.profiles, func(a, b profiles.Profile) int { return strings.Compare(a.ID, b.ID) })
	for i, p := range s.profiles {
		n := int32(i)
		for code := range p.Instruments {
			s.byInstrument[code] = append(s.byInstrument[code], n)
		}
		// As the store indexes them (store.profileWriter.index): each area the
		// profile names, own, and every area containing it; an area named twice,
		// or both named and containing another named one, is one row.
		rows := map[string]bool{}
		for _, a := range p.Areas {
			rows[a] = true
		}
		for _, a := range p.Areas {
			for _, parent := range profiles.AreaParents(a)[1:] {
				if _, seen := rows[parent]; !seen {
					rows[parent] = false
				}
			}
		}
		for area, own := range rows {
			s.byArea[area] = append(s.byArea[area], n)
			if own {
				s.byOwnArea[area] = append(s.byOwnArea[area], n)
			}
		}
	}
	return s
}

// Profiler reads every profile whole; *store.Store implements it.
type Profiler interface {
	Profiles(ctx context.Context) ([]profiles.Profile, error)
}

// Take reads every profile of st (in one read, so a consistent state of the
// store) and returns their snapshot.
func Take(ctx context.Context, st Profiler) (*Snapshot, error) {
	ps, err := st.Profiles(ctx)
	if err != nil {
		return nil, fmt.Errorf("snapshot: %w", err)
	}
	return New(ps), nil
}

// Len is the number of profiles the snapshot was built from, stale ones included.
func (s *Snapshot) Len() int { return s.total }

// Candidates returns the candidates of t among the snapshot's profiles, whole, by
// id, as store.Store.Candidates does: the profiles not in t.Exclude and not stale,
// with an area that overlaps one of t.Area (one contains or equals the other, as
// profiles.AreasOverlap; a code that is no valid area matches itself only) and at
// least one of the instruments t needs. No candidates is an empty, non-nil list.
// It never fails; ctx is for the index interface (scaled.Index).
func (s *Snapshot) Candidates(_ context.Context, t profiles.Tender) ([]profiles.Profile, error) {
	out := []profiles.Profile{}
	if len(t.Area) == 0 || len(t.Needs) == 0 || len(s.profiles) == 0 {
		return out, nil
	}
	// in marks the profiles with an overlapping area: the tender's area contains
	// (or is) one of theirs, or one of theirs contains the tender's area.
	in := make([]uint64, (len(s.profiles)+63)/64)
	mark := func(ns []int32) {
		for _, n := range ns {
			in[n>>6] |= 1 << (n & 63)
		}
	}
	for _, a := range t.Area {
		mark(s.byArea[a])
		for _, parent := range profiles.AreaParents(a) {
			mark(s.byOwnArea[parent])
		}
	}
	// Of those, the ones offering a needed instrument; each taken once (its mark
	// cleared).
	var picked []int32
	for _, need := range t.Needs {
		for _, n := range s.byInstrument[need.Instrument] {
			if w, bit := n>>6, uint64(1)<<(n&63); in[w]&bit != 0 {
				in[w] &^= bit
				picked = append(picked, n)
			}
		}
	}
	slices.Sort(picked)
	excluded := func(id string) bool { return slices.Contains(t.Exclude, id) }
	if len(t.Exclude) > 8 {
		set := make(map[string]bool, len(t.Exclude))
		for _, id := range t.Exclude {
			set[id] = true
		}
		excluded = func(id string) bool { return set[id] }
	}
	for _, n := range picked {
		if p := s.profiles[n]; !excluded(p.ID) {
			out = append(out, p)
		}
	}
	return out, nil
}

// Store is a store whose candidates come from a snapshot and which otherwise is
// the store itself: what one recompute run reads (suggest.Store). It must only
// serve that run, never the API: its candidates do not follow writes.
type Store struct {
	suggest.Store
	snap *Snapshot
}

// Over returns st with its candidates answered by snap.
func Over(st suggest.Store, snap *Snapshot) *Store { return &Store{Store: st, snap: snap} }

// Candidates answers from the snapshot (Snapshot.Candidates).
func (s *Store) Candidates(ctx context.Context, t profiles.Tender) ([]profiles.Profile, error) {
	return s.snap.Candidates(ctx, t)
}
