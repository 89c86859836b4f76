package storetest

import (
	"context"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"samenspel/internal/profiles"
	"samenspel/internal/synth"
)

// candidatesAreaOverlap: a profile is a candidate when one of its areas overlaps one
// of the tender's, in either direction (SPEC §1, §3): the tender's area contains the
// profile's, or the profile's contains the tender's.
func candidatesAreaOverlap(t *testing.T, s Subject) {
	ctx := context.Background()
	area := func(id string, areas ...string) profiles.Profile {
		p := Profile(id)
		p.Areas = areas
		return p
	}
	put(t, s,
		area("country", "NL"),
		area("utrecht", "GM0344"),
		area("overvecht", "WK034412"),
		area("neighbourhood", "BU03441205"),
		area("other-neighbourhood", "BU03441299"),
		area("other-district", "WK034407"),
		area("amsterdam", "GM0363"),
		area("two-cities", "GM0363", "BU03441205"),
	)
	tests := []struct {
		name string
		area []string
		want []string
	}{
		{"country", []string{"NL"}, []string{"amsterdam", "country", "neighbourhood", "other-district", "other-neighbourhood", "overvecht", "two-cities", "utrecht"}},
		{"municipality", []string{"GM0344"}, []string{"country", "neighbourhood", "other-district", "other-neighbourhood", "overvecht", "two-cities", "utrecht"}},
		{"district", []string{"WK034412"}, []string{"country", "neighbourhood", "other-neighbourhood", "overvecht", "two-cities", "utrecht"}},
		{"neighbourhood", []string{"BU03441205"}, []string{"country", "neighbourhood", "overvecht", "two-cities", "utrecht"}},
		{"neighbourhood of another district", []string{"BU03440701"}, []string{"country", "other-district", "utrecht"}},
		{"other municipality", []string{"GM0363"}, []string{"amsterdam", "country", "two-cities"}},
		{"two areas", []string{"WK036301", "BU03441299"}, []string{"amsterdam", "country", "other-neighbourhood", "overvecht", "two-cities", "utrecht"}},
		{"municipality nobody names", []string{"GM0599"}, []string{"country"}},
		{"no area", nil, []string{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tn := Tender("t")
			tn.Area = tc.area
			got, err := s.Index.Candidates(ctx, tn)
			if err != nil {
				t.Fatalf("Candidates(area %v) = %v", tc.area, err)
			}
			if diff := cmp.Diff(tc.want, ids(got)); diff != "" {
				t.Errorf("Candidates(area %v) ids (-want +got):\n%s", tc.area, diff)
			}
		})
	}
}

// candidatesInstrumentsAndExclude: a candidate offers at least one needed instrument
// (at any level) and is not in the tender's exclude list.
func candidatesInstrumentsAndExclude(t *testing.T, s Subject) {
	ctx := context.Background()
	visits := Profile("visits")
	visits.Instruments = map[string]float64{"home_visits": 0.5}
	meals := Profile("meals")
	meals.Instruments = map[string]float64{"meals": 1}
	put(t, s, visits, meals, Profile("both"))
	tests := []struct {
		name    string
		needs   []string
		exclude []string
		want    []string
	}{
		{"one need", []string{"meals"}, nil, []string{"both", "meals"}},
		{"either need", []string{"home_visits", "meeting_place"}, nil, []string{"both", "visits"}},
		{"excluded", []string{"meals", "home_visits"}, []string{"both", "unknown"}, []string{"meals", "visits"}},
		{"nobody offers it", []string{"legal_advice"}, nil, []string{}},
		{"no needs", nil, nil, []string{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tn := Tender("t")
			tn.Needs = nil
			for _, code := range tc.needs {
				tn.Needs = append(tn.Needs, profiles.Need{Instrument: code, Weight: 1})
			}
			tn.Exclude = tc.exclude
			got, err := s.Index.Candidates(ctx, tn)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, ids(got)); diff != "" {
				t.Errorf("Candidates(needs %v, exclude %v) ids (-want +got):\n%s", tc.needs, tc.exclude, diff)
			}
		})
	}
}

// candidatesMatchBruteForce checks the index against SPEC §3 applied to every
// profile, on synthetic Utrecht data whose areas are shuffled across every level
// (country, municipality, district, neighbourhood, another municipality) so that
// overlap is tried in both directions. Candidates come by id with their public
// fields as stored.
func candidatesMatchBruteForce(t *testing.T, s Subject) {
	ctx := context.Background()
	r := rand.New(rand.NewPCG(1, 2))
	ps := synth.Profiles(3, 600)
	var pool []string
	for _, p := range ps {
		for _, a := range p.Areas {
			pool = append(pool, profiles.AreaParents(a)...)
		}
	}
	pool = append(pool, "GM0363", "WK036301", "BU03630101")
	randomAreas := func() []string {
		out := make([]string, 1+r.IntN(3))
		for i := range out {
			out[i] = pool[r.IntN(len(pool))]
		}
		return out
	}
	for i := range ps {
		if r.IntN(3) == 0 {
			ps[i].Areas = randomAreas()
		}
	}
	put(t, s, ps...)
	tenders := synth.Tenders(3, 60)
	for i := range tenders {
		if i%2 == 1 {
			tenders[i].Area = randomAreas()
			for range r.IntN(20) {
				tenders[i].Exclude = append(tenders[i].Exclude, ps[r.IntN(len(ps))].ID)
			}
		}
	}
	slices.SortFunc(ps, func(a, b profiles.Profile) int { return strings.Compare(a.ID, b.ID) })
	nonEmpty := 0
	for _, tn := range tenders {
		got, err := s.Index.Candidates(ctx, tn)
		if err != nil {
			t.Fatalf("Candidates(%s) = %v", tn.ID, err)
		}
		want := []profiles.Profile{}
		for _, p := range ps {
			if eligible(p, tn) {
				want = append(want, p)
			}
		}
		if len(want) > 0 {
			nonEmpty++
		}
		if diff := cmp.Diff(publics(want), publics(got), equateEmpty); diff != "" {
			t.Errorf("Candidates(%s, area %v) differs from the brute-force filter (-want +got):\n%s", tn.ID, tn.Area, diff)
		}
	}
	if nonEmpty < len(tenders)/2 {
		t.Errorf("only %d of %d tenders have candidates: the test data tries too little", nonEmpty, len(tenders))
	}
}

// candidatesFollowWrites: a replaced profile is a candidate by its new values only,
// and a deleted one is no candidate.
func candidatesFollowWrites(t *testing.T, s Subject) {
	ctx := context.Background()
	put(t, s, Profile("a"), Profile("b"), Profile("c"))
	moved := Profile("a")
	moved.Areas = []string{"WK034407"}
	changed := Profile("b")
	changed.Instruments = map[string]float64{"legal_advice": 1}
	renamed := Profile("c")
	renamed.Name = "Buurtkamer Nieuw"
	put(t, s, moved, changed, renamed)
	if err := s.Delete(ctx, "b"); err != nil {
		t.Fatalf("Delete(b) = %v", err)
	}
	tests := []struct {
		name  string
		area  string
		needs []string
		want  []profiles.Profile
	}{
		{"old area", "WK034412", []string{"meeting_place"}, []profiles.Profile{renamed}},
		{"new area", "WK034407", []string{"meeting_place"}, []profiles.Profile{moved}},
		{"deleted profile's new instrument", "NL", []string{"legal_advice"}, []profiles.Profile{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tn := Tender("t")
			tn.Area = []string{tc.area}
			tn.Needs = nil
			for _, code := range tc.needs {
				tn.Needs = append(tn.Needs, profiles.Need{Instrument: code, Weight: 1})
			}
			got, err := s.Index.Candidates(ctx, tn)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(publics(tc.want), publics(got), equateEmpty); diff != "" {
				t.Errorf("Candidates(area %s, needs %v) after writes (-want +got):\n%s", tc.area, tc.needs, diff)
			}
		})
	}
}

// eligible is SPEC §3 written out plainly.
func eligible(p profiles.Profile, tn profiles.Tender) bool {
	if slices.Contains(tn.Exclude, p.ID) {
		return false
	}
	overlap := false
	for _, a := range p.Areas {
		for _, b := range tn.Area {
			overlap = overlap || profiles.AreasOverlap(a, b)
		}
	}
	offers := false
	for _, n := range tn.Needs {
		_, ok := p.Instruments[n.Instrument]
		offers = offers || ok
	}
	return overlap && offers
}
