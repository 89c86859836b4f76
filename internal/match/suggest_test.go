package match

import (
	"encoding/json"
	"math"
	"slices"
	"strings"
	"testing"

	"samenspel/internal/profiles"
)

func prof(id, kind, size string, canLead bool, instruments map[string]float64) profiles.Profile {
	return profiles.Profile{ID: id, Name: strings.ToUpper(id), Kind: kind, Size: size, CanLead: canLead,
		Areas: []string{"WK034403"}, Instruments: instruments, Themes: []string{}}
}

func tender(maxSize int, needs ...profiles.Need) profiles.Tender {
	return profiles.Tender{ID: "t", Title: "T", Area: []string{"GM0344"}, Needs: needs, MinSize: 1, MaxSize: maxSize,
		RequireKinds: []string{}, Exclude: []string{}, Themes: []string{}, Weights: profiles.DefaultWeights}
}

func near(a, b float64) bool { return math.Abs(a-b) < 1e-9 }

// handCase is worked out on paper in the comments of TestHandWorkedCase.
func handCase() Input {
	tn := tender(3, profiles.Need{Instrument: "home_visits", Weight: 3, Must: true}, profiles.Need{Instrument: "meals", Weight: 1})
	budget := int64(1000)
	tn.Budget = &budget
	return Input{Tender: tn, Profiles: []profiles.Profile{
		prof("p1", "residents_group", "small", false, map[string]float64{"home_visits": 1}),
		prof("p2", "welfare", "medium", true, map[string]float64{"meals": 0.5, "venue": 1}),
		prof("p3", "care", "large", true, map[string]float64{"home_visits": 0.5, "meals": 1}),
	}}
}

func TestHandWorkedCase(t *testing.T) {
	res := Suggest(handCase(), Options{})
	// K = 3 kinds, so diversity divides by min(3, 3) = 3.
	// {p1,p3}: C = (3·1 + 1·1)/4 = 1, D = 2/3, T = 0.5, I = 1/2.
	// {p1,p2}: C = (3·1 + 1·0.5)/4 = 0.875, D = 2/3, T = 0.5, I = 1/2.
	// {p1}:    C = 3/4, D = 1/3, T = 0.5, I = 1.
	// {p3}, {p2,p3}, {p2}: home_visits (must) not covered. {p1,p2,p3}: p2 is a free rider.
	s13 := 0.55*1 + 0.2*2.0/3 + 0.15*0.5 + 0.1*0.5
	s12 := 0.55*0.875 + 0.2*2.0/3 + 0.15*0.5 + 0.1*0.5
	s1 := 0.55*0.75 + 0.2*1.0/3 + 0.15*0.5 + 0.1*1
	want := []struct {
		ids   []string
		score float64
	}{{[]string{"p1", "p3"}, s13}, {[]string{"p1", "p2"}, s12}, {[]string{"p1"}, s1}}
	if !res.Feasible || !res.Exact || res.Candidates != 3 || len(res.Coalitions) != len(want) {
		t.Fatalf("Suggest = feasible %v exact %v candidates %d coalitions %d, want true true 3 3", res.Feasible, res.Exact, res.Candidates, len(res.Coalitions))
	}
	for i, w := range want {
		c := res.Coalitions[i]
		if !slices.Equal(ids(c), w.ids) || !near(c.Score, w.score) || c.Rank != i+1 {
			t.Errorf("rank %d = %v %.9f, want %v %.9f", i+1, ids(c), c.Score, w.ids, w.score)
		}
	}
	best := res.Coalitions[0]
	if b := best.Breakdown; !near(b.Coverage, 1) || !near(b.Diversity, 2.0/3) || !near(b.Trust, 0.5) || !near(b.Inclusion, 0.5) {
		t.Errorf("breakdown = %+v, want {1 2/3 0.5 0.5}", b)
	}
	// v(p1) = s1; v(p3) = 0.55·(1.5+1)/4 + 0.2/3 + 0.15·0.5 + 0 ; Shapley of two players.
	v1, v3 := s1, 0.55*2.5/4+0.2/3+0.15*0.5
	phi1, phi3 := (v1+(s13-v3))/2, (v3+(s13-v1))/2
	if !near(best.Members[0].Shapley, phi1) || !near(best.Members[1].Shapley, phi3) {
		t.Errorf("Shapley = %v, %v, want %v, %v", best.Members[0].Shapley, best.Members[1].Shapley, phi1, phi3)
	}
	// Budget 1000 by Shapley: p1 604.38 → 604, p3 395.62 → 395, remainder 1 to p1.
	if b0, b1 := *best.Members[0].Budget, *best.Members[1].Budget; b0 != 605 || b1 != 395 {
		t.Errorf("budget = %d, %d, want 605, 395", b0, b1)
	}
	// p1 cannot lead; p3 can.
	if best.Lead == nil || *best.Lead != "p3" {
		t.Errorf("lead = %v, want p3", best.Lead)
	}
	// p1 holds 0.4885 of 0.8083: more than half, a dominant partner.
	if len(best.Warnings) != 1 || !strings.Contains(best.Warnings[0], "dominant partner: p1") {
		t.Errorf("warnings = %q, want one dominant-partner warning for p1", best.Warnings)
	}
	if got := best.Members[1]; !slices.Equal(got.Instruments, []string{"home_visits", "meals"}) || !slices.Equal(got.Unique, []string{"meals"}) {
		t.Errorf("p3 instruments %v unique %v, want [home_visits meals] [meals]", got.Instruments, got.Unique)
	}
	if got := best.Members[0]; !slices.Equal(got.Instruments, []string{"home_visits"}) || len(got.Unique) != 0 {
		t.Errorf("p1 instruments %v unique %v, want [home_visits] []", got.Instruments, got.Unique)
	}
	// {p1,p2} leaves meals half covered: a warning, not a gap (meals is not a must).
	if c := res.Coalitions[1]; len(c.Gaps) != 0 || !slices.Contains(c.Warnings, "need meals covered for 50%") {
		t.Errorf("{p1,p2} gaps %v warnings %q, want no gaps and a meals warning", c.Gaps, c.Warnings)
	}
}

func TestRules(t *testing.T) {
	a := prof("a", "residents_group", "small", true, map[string]float64{"meals": 1})
	b := prof("b", "welfare", "large", true, map[string]float64{"meals": 1})
	c := prof("c", "care", "large", true, map[string]float64{"home_visits": 1})
	d := prof("d", "school", "medium", true, map[string]float64{"meals": 0.5, "home_visits": 0.5})
	all := []profiles.Profile{a, b, c, d}
	meals := profiles.Need{Instrument: "meals", Weight: 1}
	visits := profiles.Need{Instrument: "home_visits", Weight: 1}
	zero := 0
	// K = 4, so diversity divides by 3. {b,d} and {c,d} both score 0.55·0.75 +
	// 0.2·2/3 + 0.15·0.5: equal, so ranked by ids. {a} (small) beats {d} on inclusion.
	tests := []struct {
		name   string
		edit   func(*profiles.Tender)
		ps     []profiles.Profile
		want   [][]string // all feasible coalitions, best first
		cands  int
		feasOK bool
	}{
		{"saturated instrument adds nothing: a and b never together", func(t *profiles.Tender) { t.Needs = []profiles.Need{meals} },
			[]profiles.Profile{a, b}, [][]string{{"a"}, {"b"}}, 2, true},
		{"min_size", func(t *profiles.Tender) { t.Needs = []profiles.Need{meals, visits}; t.MinSize = 2 },
			all, [][]string{{"a", "c"}, {"b", "c"}, {"a", "d"}, {"b", "d"}, {"c", "d"}}, 4, true},
		{"max_large 0", func(t *profiles.Tender) { t.Needs = []profiles.Need{meals, visits}; t.MaxLarge = &zero },
			all, [][]string{{"a", "d"}, {"a"}, {"d"}}, 4, true},
		{"require_kinds", func(t *profiles.Tender) {
			t.Needs = []profiles.Need{meals, visits}
			t.RequireKinds = []string{"school"}
		},
			all, [][]string{{"a", "d"}, {"b", "d"}, {"c", "d"}, {"d"}}, 4, true},
		{"min_small", func(t *profiles.Tender) { t.Needs = []profiles.Need{meals, visits}; t.MinSmall = 1 },
			all, [][]string{{"a", "c"}, {"a", "d"}, {"a"}}, 4, true},
		{"exclude", func(t *profiles.Tender) { t.Needs = []profiles.Need{meals}; t.Exclude = []string{"a"} },
			[]profiles.Profile{a, b}, [][]string{{"b"}}, 1, true},
		{"area must overlap", func(t *profiles.Tender) { t.Needs = []profiles.Need{meals}; t.Area = []string{"WK034404"} },
			[]profiles.Profile{a, b}, [][]string{}, 0, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tn := tender(3)
			tc.edit(&tn)
			res := Suggest(Input{Tender: tn, Profiles: tc.ps}, Options{Top: 50})
			got := [][]string{}
			for _, c := range res.Coalitions {
				got = append(got, ids(c))
			}
			if res.Candidates != tc.cands || res.Feasible != tc.feasOK || !slices.EqualFunc(got, tc.want, slices.Equal) {
				t.Errorf("Suggest = %d candidates, feasible %v, %v; want %d, %v, %v", res.Candidates, res.Feasible, got, tc.cands, tc.feasOK, tc.want)
			}
		})
	}
}

func TestDiversityNormalisation(t *testing.T) {
	// Two kinds among the candidates and max_size 5: diversity divides by min(5, 2) = 2.
	tn := tender(5, profiles.Need{Instrument: "meals", Weight: 1}, profiles.Need{Instrument: "venue", Weight: 1})
	ps := []profiles.Profile{
		prof("a", "school", "medium", true, map[string]float64{"meals": 1}),
		prof("b", "welfare", "medium", true, map[string]float64{"venue": 1}),
		prof("c", "welfare", "medium", true, map[string]float64{"venue": 0.5}),
	}
	res := Suggest(Input{Tender: tn, Profiles: ps}, Options{})
	for _, c := range res.Coalitions {
		kinds := map[string]bool{}
		for _, m := range c.Members {
			kinds[m.Kind] = true
		}
		if want := float64(len(kinds)) / 2; !near(c.Breakdown.Diversity, want) {
			t.Errorf("%v diversity = %v, want %v", ids(c), c.Breakdown.Diversity, want)
		}
	}
	if got := ids(res.Coalitions[0]); !slices.Equal(got, []string{"a", "b"}) || !near(res.Coalitions[0].Breakdown.Diversity, 1) {
		t.Errorf("best = %v, want [a b] with diversity 1", got)
	}
}

func TestTiesAndLead(t *testing.T) {
	// Two identical partners: equal scores, ranked by id; in a pair, equal Shapley
	// values, so the lead and the budget remainder go to the smallest id.
	tn := tender(2, profiles.Need{Instrument: "meals", Weight: 1})
	budget := int64(1001)
	tn.Budget = &budget
	ps := []profiles.Profile{
		prof("twin-b", "school", "medium", true, map[string]float64{"meals": 0.5}),
		prof("twin-a", "school", "medium", true, map[string]float64{"meals": 0.5}),
		prof("solo", "welfare", "medium", false, map[string]float64{"meals": 0.5}),
	}
	res := Suggest(Input{Tender: tn, Profiles: ps}, Options{})
	got := [][]string{}
	for _, c := range res.Coalitions {
		got = append(got, ids(c))
	}
	// {solo,twin-*}: D = 2/2, beats {twin-a,twin-b}: D = 1/2. Singletons cover half.
	want := [][]string{{"solo", "twin-a"}, {"solo", "twin-b"}, {"twin-a", "twin-b"}, {"solo"}, {"twin-a"}, {"twin-b"}}
	if !slices.EqualFunc(got, want, slices.Equal) {
		t.Fatalf("ranking = %v, want %v", got, want)
	}
	twins := res.Coalitions[2]
	if twins.Lead == nil || *twins.Lead != "twin-a" {
		t.Errorf("lead of twins = %v, want twin-a", twins.Lead)
	}
	if b0, b1 := *twins.Members[0].Budget, *twins.Members[1].Budget; b0 != 501 || b1 != 500 {
		t.Errorf("twins' budget = %d, %d; want 501, 500", b0, b1)
	}
	// solo cannot lead, twin-a can: lead twin-a although solo's Shapley is equal.
	if c := res.Coalitions[0]; c.Lead == nil || *c.Lead != "twin-a" {
		t.Errorf("lead of %v = %v, want twin-a", ids(c), c.Lead)
	}
	// {solo} alone: nobody can lead.
	if c := res.Coalitions[3]; c.Lead != nil || !slices.ContainsFunc(c.Warnings, func(w string) bool { return strings.HasPrefix(w, "no member can lead") }) {
		t.Errorf("{solo} lead %v warnings %q, want null and a warning", c.Lead, c.Warnings)
	}
}

func TestInfeasibleListsGaps(t *testing.T) {
	tn := tender(3, profiles.Need{Instrument: "home_visits", Weight: 2, Must: true}, profiles.Need{Instrument: "meals", Weight: 1})
	ps := []profiles.Profile{
		prof("a", "residents_group", "small", true, map[string]float64{"home_visits": 0.25, "meals": 1}),
		prof("b", "welfare", "medium", true, map[string]float64{"home_visits": 0.5}),
	}
	res := Suggest(Input{Tender: tn, Profiles: ps}, Options{})
	if res.Feasible || len(res.Coalitions) == 0 {
		t.Fatalf("Suggest = feasible %v with %d coalitions, want infeasible with the best under rules 1, 3, 4", res.Feasible, len(res.Coalitions))
	}
	if c := res.Coalitions[0]; !slices.Equal(ids(c), []string{"a", "b"}) || !slices.Equal(c.Gaps, []string{"home_visits"}) {
		t.Errorf("best = %v gaps %v, want [a b] gaps [home_visits]", ids(c), c.Gaps)
	}
}

func TestSameInputSameBytes(t *testing.T) {
	in := largeCase(42, 400, 6)
	first, _ := json.Marshal(Suggest(in, Options{}))
	// Shuffled profile order must not matter either.
	slices.Reverse(in.Profiles)
	for range 3 {
		again, _ := json.Marshal(Suggest(in, Options{}))
		if string(again) != string(first) {
			t.Fatalf("Suggest gave different bytes for the same input")
		}
	}
}

func TestPrivateFieldsNeverInAnswer(t *testing.T) {
	in := handCase()
	for i := range in.Profiles {
		in.Profiles[i].Contact = &profiles.Contact{Email: "canary-contact@example.org"}
		in.Profiles[i].Private = map[string]string{"ideas": "canary-private-idea"}
	}
	out, _ := json.Marshal(Suggest(in, Options{}))
	if strings.Contains(string(out), "canary") {
		t.Errorf("answer carries contact or private fields: %s", out)
	}
}

// TestSmallerTopIsPrefix: asking for fewer coalitions gives the first ones of the
// default answer, also where the search is not exact.
func TestSmallerTopIsPrefix(t *testing.T) {
	in := synthCase(3, 1, 600, 6)
	full := Suggest(in, Options{})
	for _, top := range []int{1, 3, 9} {
		got := Suggest(in, Options{Top: top})
		if len(got.Coalitions) != top {
			t.Fatalf("Suggest(top=%d) gave %d coalitions", top, len(got.Coalitions))
		}
		for i, c := range got.Coalitions {
			if !slices.Equal(ids(c), ids(full.Coalitions[i])) {
				t.Errorf("Suggest(top=%d) rank %d = %v, want %v as with the default top", top, i+1, ids(c), ids(full.Coalitions[i]))
			}
		}
	}
}
