package synth

import (
	"bufio"
	"bytes"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"samenspel/config"
	"samenspel/internal/profiles"
)

var idPattern = regexp.MustCompile(`^[a-z0-9-]{1,64}$`)

// taxonomyCodes reads the codes of each list (kinds, instruments, themes) of the
// shipped config/taxonomy.yaml with a minimal line scan: the profiles package owns the
// real parser, this test only needs to know which `code: <code>` lines exist where.
func taxonomyCodes(t *testing.T) map[string]map[string]bool {
	t.Helper()
	codeLine := regexp.MustCompile(`code:\s*([a-z0-9_]+)`)
	section := regexp.MustCompile(`^([a-z_]+):`)
	out := map[string]map[string]bool{}
	current := ""
	sc := bufio.NewScanner(bytes.NewReader(config.Taxonomy))
	for sc.Scan() {
		line := sc.Text()
		if m := section.FindStringSubmatch(line); m != nil {
			current = m[1]
			continue
		}
		if m := codeLine.FindStringSubmatch(line); m != nil && current != "" {
			if out[current] == nil {
				out[current] = map[string]bool{}
			}
			out[current][m[1]] = true
		}
	}
	for _, list := range []string{"kinds", "instruments", "themes"} {
		if len(out[list]) == 0 {
			t.Fatalf("taxonomy: no %s found in config.Taxonomy", list)
		}
	}
	return out
}

func TestDeterministic(t *testing.T) {
	tn := Tenders(7, 1)[0]
	ps := Profiles(7, 200)
	gens := map[string]func(seed uint64) any{
		"Profiles":       func(seed uint64) any { return Profiles(seed, 200) },
		"Tenders":        func(seed uint64) any { return Tenders(seed, 20) },
		"Collaborations": func(seed uint64) any { return Collaborations(seed, ps, 300) },
		"Pool":           func(seed uint64) any { return Pool(seed, tn, 300) },
	}
	for _, name := range []string{"Profiles", "Tenders", "Collaborations", "Pool"} {
		gen := gens[name]
		t.Run(name, func(t *testing.T) {
			if diff := cmp.Diff(gen(42), gen(42)); diff != "" {
				t.Errorf("%s(42) differs between calls (-first +second):\n%s", name, diff)
			}
			if cmp.Equal(gen(42), gen(43)) {
				t.Errorf("%s(42) = %s(43), want different data for different seeds", name, name)
			}
		})
	}
}

func TestUtrecht(t *testing.T) {
	ds := Utrecht()
	want := []string{"West", "Noordwest", "Overvecht", "Noordoost", "Oost", "Binnenstad", "Zuid", "Zuidwest", "Leidsche Rijn", "Vleuten-De Meern"}
	var got []string
	seen := map[string]bool{}
	for i, d := range ds {
		got = append(got, d.Name)
		if wantCode := fmt.Sprintf("WK0344%02d", i+1); d.Code != wantCode {
			t.Errorf("Utrecht()[%d].Code = %q, want %q", i, d.Code, wantCode)
		}
		if n := len(d.Neighbourhoods); n < 3 || n > 8 {
			t.Errorf("%s has %d neighbourhoods, want 3–8", d.Name, n)
		}
		for _, nb := range d.Neighbourhoods {
			if !profiles.ValidArea(nb.Code) || !profiles.AreaContains(d.Code, nb.Code) || !profiles.AreaContains(Municipality, nb.Code) {
				t.Errorf("%s (%s) does not lie in %s and %s", nb.Name, nb.Code, d.Code, Municipality)
			}
			if seen[nb.Code] || seen[nb.Name] {
				t.Errorf("neighbourhood %s (%s) appears twice", nb.Name, nb.Code)
			}
			seen[nb.Code], seen[nb.Name] = true, true
		}
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Utrecht() district names (-want +got):\n%s", diff)
	}
	for _, d := range ds {
		for _, o := range neighbours[d.Code] {
			if o == d.Code || !slices.Contains(neighbours[o], d.Code) {
				t.Errorf("neighbours: %s–%s is not a symmetric pair of different districts", d.Code, o)
			}
		}
		if len(neighbours[d.Code]) == 0 {
			t.Errorf("neighbours: %s has none", d.Code)
		}
	}
	ds[0].Neighbourhoods[0].Name = "changed"
	if Utrecht()[0].Neighbourhoods[0].Name == "changed" {
		t.Error("Utrecht() returns shared data; want a fresh copy each call")
	}
}

func TestProfilesIDs(t *testing.T) {
	tn := Tenders(1, 1)[0]
	sets := map[string][]profiles.Profile{
		"Profiles(1, 300)":    Profiles(1, 300),
		"Profiles(2026, 320)": Profiles(2026, 320),
		"Profiles(3, 3000)":   Profiles(3, 3000),
		"Pool(1, t, 5000)":    Pool(1, tn, 5000),
	}
	for _, name := range slices.Sorted(mapKeys(sets)) {
		t.Run(name, func(t *testing.T) {
			seen := map[string]bool{}
			for _, p := range sets[name] {
				if !idPattern.MatchString(p.ID) {
					t.Errorf("id %q is not [a-z0-9-]{1,64}", p.ID)
				}
				if seen[p.ID] {
					t.Errorf("id %q appears twice", p.ID)
				}
				seen[p.ID] = true
			}
		})
	}
}

func TestProfilesEveryKind(t *testing.T) {
	tax := taxonomyCodes(t)
	for _, seed := range []uint64{0, 1, 2026, 99999} {
		got := map[string]int{}
		for _, p := range Profiles(seed, 300) {
			got[p.Kind]++
		}
		for _, kind := range slices.Sorted(mapKeys(tax["kinds"])) {
			if got[kind] == 0 {
				t.Errorf("Profiles(%d, 300) has no %s", seed, kind)
			}
		}
	}
	if got := len(Profiles(1, 12)); got != 12 {
		t.Errorf("len(Profiles(1, 12)) = %d, want 12", got)
	}
}

func TestCodesFromTaxonomy(t *testing.T) {
	tax := taxonomyCodes(t)
	check := func(list, code, where string) {
		t.Helper()
		if !tax[list][code] {
			t.Errorf("%s: %q is not in the %s of config/taxonomy.yaml", where, code, list)
		}
	}
	// The tables, so that no rarely drawn code escapes.
	for _, k := range kinds {
		check("kinds", k.code, "kinds table")
		for _, w := range k.instruments {
			check("instruments", w.code, k.code)
		}
		for _, n := range k.names {
			check("instruments", n.primary, n.pattern)
			for _, code := range n.also {
				check("instruments", code, n.pattern)
			}
		}
	}
	for _, code := range slices.Sorted(mapKeys(instrumentInfo)) {
		check("instruments", code, "instrumentInfo")
		for _, th := range instrumentInfo[code].themes {
			check("themes", th, "instrumentInfo."+code)
		}
	}
	for _, th := range themeOrder {
		check("themes", th, "themeOrder")
	}
	for _, code := range slices.Sorted(mapKeys(tax["instruments"])) {
		if _, ok := instrumentInfo[code]; !ok {
			t.Errorf("instrumentInfo lacks taxonomy instrument %q", code)
		}
	}
	// And the output.
	for _, p := range Profiles(2026, 320) {
		check("kinds", p.Kind, p.ID)
		for _, code := range slices.Sorted(mapKeys(p.Instruments)) {
			check("instruments", code, p.ID)
		}
		for _, th := range p.Themes {
			check("themes", th, p.ID)
		}
	}
	for _, tn := range Tenders(2026, 40) {
		for _, nd := range tn.Needs {
			check("instruments", nd.Instrument, tn.ID)
		}
		for _, th := range tn.Themes {
			check("themes", th, tn.ID)
		}
		for _, k := range tn.RequireKinds {
			check("kinds", k, tn.ID)
		}
	}
}

func TestKindTables(t *testing.T) {
	for _, k := range kinds {
		for si, p := range k.size {
			if p == 0 {
				continue
			}
			letter := "sml"[si : si+1]
			found := false
			for _, n := range k.names {
				if !strings.Contains(n.sizes, letter) {
					continue
				}
				found = true
			}
			if !found {
				t.Errorf("%s: no name for size %s", k.code, sizes[si])
			}
		}
		if len(k.intros) == 0 {
			t.Errorf("%s: no description intros", k.code)
		}
	}
	for _, a := range anchors {
		found := false
		for _, k := range kinds {
			for _, n := range k.names {
				found = found || k.code == a.kind && n.pattern == a.pattern
			}
		}
		if !found {
			t.Errorf("anchor %s %q is not a name of its kind", a.kind, a.pattern)
		}
	}
}

func TestProfilesShape(t *testing.T) {
	levels := []float64{0.25, 0.5, 0.75, 1}
	for _, p := range Profiles(5, 1000) {
		switch p.Size {
		case profiles.SizeSmall:
			if len(p.Areas) != 1 || !(strings.HasPrefix(p.Areas[0], "BU") || strings.HasPrefix(p.Areas[0], "WK")) {
				t.Errorf("%s: small with areas %v, want one neighbourhood or district", p.ID, p.Areas)
			}
		case profiles.SizeMedium:
			if len(p.Areas) < 1 || len(p.Areas) > 2 || !strings.HasPrefix(p.Areas[0], "WK") || !strings.HasPrefix(p.Areas[len(p.Areas)-1], "WK") {
				t.Errorf("%s: medium with areas %v, want one or two districts", p.ID, p.Areas)
			}
		case profiles.SizeLarge:
			if !slices.Equal(p.Areas, []string{Municipality}) {
				t.Errorf("%s: large with areas %v, want [%s]", p.ID, p.Areas, Municipality)
			}
		default:
			t.Errorf("%s: size %q", p.ID, p.Size)
		}
		for _, a := range p.Areas {
			if !profiles.ValidArea(a) || !profiles.AreaContains(Municipality, a) {
				t.Errorf("%s: area %q is not in Utrecht", p.ID, a)
			}
		}
		if n := len(p.Instruments); n < 1 || n > 4 {
			t.Errorf("%s: %d instruments, want 1–4", p.ID, n)
		}
		for _, code := range slices.Sorted(mapKeys(p.Instruments)) {
			if !slices.Contains(levels, p.Instruments[code]) {
				t.Errorf("%s: level %v for %s, want one of %v", p.ID, p.Instruments[code], code, levels)
			}
		}
		if n := len(p.Themes); n < 1 || n > 3 {
			t.Errorf("%s: themes %v, want 1–3", p.ID, p.Themes)
		}
		if p.Name == "" || strings.TrimSpace(p.Name) != p.Name || p.Description == "" {
			t.Errorf("%s: name %q, description %q", p.ID, p.Name, p.Description)
		}
		if p.Contact == nil || p.Contact.Email != p.ID+"@example.org" {
			t.Errorf("%s: contact %+v, want %s@example.org", p.ID, p.Contact, p.ID)
		}
		if p.Private != nil && (len(p.Private) != 1 || p.Private["ideas"] == "") {
			t.Errorf("%s: private %v, want only an idea", p.ID, p.Private)
		}
	}
}

func TestProfilesProportions(t *testing.T) {
	ps := Profiles(2026, 320)
	kind, size := map[string]int{}, map[string]int{}
	newSmall, newAll, private, lead := 0, 0, 0, 0
	for _, p := range ps {
		kind[p.Kind]++
		size[p.Size]++
		if p.NewProvider {
			newAll++
			if p.Size == profiles.SizeSmall {
				newSmall++
			}
		}
		if p.Private != nil {
			private++
		}
		if p.CanLead {
			lead++
		}
	}
	share := func(n int) float64 { return float64(n) / float64(len(ps)) }
	tests := []struct {
		what   string
		got    float64
		lo, hi float64
	}{
		{"residents' groups", share(kind["residents_group"]), 0.15, 0.30},
		{"welfare", share(kind["welfare"]), 0.08, 0.18},
		{"municipality", share(kind["municipality"]), 0.003, 0.03},
		{"funds", share(kind["fund"]), 0.003, 0.04},
		{"knowledge", share(kind["knowledge"]), 0.003, 0.04},
		{"housing corporations", share(kind["housing_corporation"]), 0.01, 0.06},
		{"small", share(size["small"]), 0.35, 0.6},
		{"large", share(size["large"]), 0.05, 0.25},
		{"new providers", share(newAll), 0.12, 0.30},
		{"new providers that are small", float64(newSmall) / float64(max(newAll, 1)), 0.6, 1},
		{"private ideas", share(private), 0.2, 0.45},
		{"can lead", share(lead), 0.3, 0.7},
	}
	for _, tt := range tests {
		if tt.got < tt.lo || tt.got > tt.hi {
			t.Errorf("share of %s = %.3f, want %.2f–%.2f", tt.what, tt.got, tt.lo, tt.hi)
		}
	}
}

func TestCollaborations(t *testing.T) {
	ps := Profiles(11, 320)
	byID := map[string]profiles.Profile{}
	for _, p := range ps {
		byID[p.ID] = p
	}
	cs := Collaborations(11, ps, 400)
	if len(cs) != 400 {
		t.Fatalf("len(Collaborations(11, ps, 400)) = %d, want 400", len(cs))
	}
	positive := 0
	for i, c := range cs {
		a, okA := byID[c.A]
		b, okB := byID[c.B]
		switch {
		case !okA || !okB:
			t.Errorf("event %d: %s–%s names an unknown partner", i, c.A, c.B)
		case c.A == c.B:
			t.Errorf("event %d: %s collaborates with itself", i, c.A)
		case !overlapping(a.Areas, b.Areas):
			t.Errorf("event %d: %s %v and %s %v share no area", i, c.A, a.Areas, c.B, b.Areas)
		}
		if c.At < "2024-01-01" || c.At > "2026-10-31" || !regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`).MatchString(c.At) {
			t.Errorf("event %d: at %q, want YYYY-MM-DD in 2024-01-01..2026-10-31", i, c.At)
		}
		if i > 0 && c.At < cs[i-1].At {
			t.Errorf("event %d: %s before %s, want sorted by date", i, c.At, cs[i-1].At)
		}
		switch c.Outcome {
		case profiles.OutcomePositive:
			positive++
		case profiles.OutcomeNegative:
		default:
			t.Errorf("event %d: outcome %q", i, c.Outcome)
		}
	}
	if got := float64(positive) / float64(len(cs)); got < 0.7 || got > 0.9 {
		t.Errorf("share of positive events = %.2f, want about 0.8", got)
	}
	if got := Collaborations(1, ps[:1], 10); len(got) != 0 {
		t.Errorf("Collaborations with one partner = %v, want none", got)
	}
}

func TestTenders(t *testing.T) {
	ts := Tenders(2026, 40)
	ids := map[string]bool{}
	for _, tn := range ts {
		if !idPattern.MatchString(tn.ID) || ids[tn.ID] {
			t.Errorf("tender id %q invalid or repeated", tn.ID)
		}
		ids[tn.ID] = true
		if tn.Title == "" || tn.Description == "" {
			t.Errorf("%s: title %q, description %q", tn.ID, tn.Title, tn.Description)
		}
		if len(tn.Area) != 1 || !(tn.Area[0] == Municipality || regexp.MustCompile(`^WK0344(0[1-9]|10)$`).MatchString(tn.Area[0])) {
			t.Errorf("%s: area %v, want one district of Utrecht or %s", tn.ID, tn.Area, Municipality)
		}
		if n := len(tn.Needs); n < 2 || n > 8 {
			t.Errorf("%s: %d needs, want 2–8", tn.ID, n)
		}
		seen := map[string]bool{}
		residents := false
		for _, nd := range tn.Needs {
			if seen[nd.Instrument] {
				t.Errorf("%s: need %s twice", tn.ID, nd.Instrument)
			}
			seen[nd.Instrument] = true
			if nd.Weight < 1 || nd.Weight > 3 || nd.Weight != float64(int(nd.Weight)) {
				t.Errorf("%s: weight %v for %s, want 1, 2 or 3", tn.ID, nd.Weight, nd.Instrument)
			}
			residents = residents || residentsOffer(nd.Instrument)
		}
		if slices.Contains(tn.RequireKinds, "residents_group") && !residents {
			t.Errorf("%s requires a residents' group but needs nothing residents' groups offer", tn.ID)
		}
		if tn.Budget == nil || *tn.Budget < 50000 || *tn.Budget > 500000 || *tn.Budget%1000 != 0 {
			t.Errorf("%s: budget %v, want 50,000–500,000 in whole thousands", tn.ID, tn.Budget)
		}
		if tn.MinSize != 1 || tn.MaxSize < 4 || tn.MaxSize > 6 {
			t.Errorf("%s: size %d–%d, want 1 to 4–6", tn.ID, tn.MinSize, tn.MaxSize)
		}
		if tn.Weights != profiles.DefaultWeights || tn.RequireKinds == nil || tn.Exclude == nil || len(tn.Themes) == 0 {
			t.Errorf("%s: weights %+v, require_kinds %v, exclude %v, themes %v", tn.ID, tn.Weights, tn.RequireKinds, tn.Exclude, tn.Themes)
		}
	}
}

// TestExampleTendersAnswerable checks that the shipped example tenders can be met by
// the shipped profiles: every must need can be covered by eligible partners and every
// required kind is among them.
func TestExampleTendersAnswerable(t *testing.T) {
	ps := Profiles(2026, 320)
	for _, tn := range Tenders(2026, 6) {
		t.Run(tn.ID, func(t *testing.T) {
			cands := eligible(ps, tn)
			if len(cands) < 10 {
				t.Errorf("%d candidates, want at least 10", len(cands))
			}
			for _, nd := range tn.Needs {
				if !nd.Must {
					continue
				}
				var lv []float64
				for _, p := range cands {
					lv = append(lv, p.Instruments[nd.Instrument])
				}
				slices.Sort(lv)
				slices.Reverse(lv)
				sum := 0.0
				for _, l := range lv[:min(tn.MaxSize, len(lv))] {
					sum += l
				}
				if sum < 1 {
					t.Errorf("must need %s: best %d candidates bring %.2f, want ≥ 1", nd.Instrument, tn.MaxSize, sum)
				}
			}
			for _, k := range tn.RequireKinds {
				if !slices.ContainsFunc(cands, func(p profiles.Profile) bool { return p.Kind == k }) {
					t.Errorf("required kind %s has no candidate", k)
				}
			}
		})
	}
}

func TestPoolEligible(t *testing.T) {
	base := Tenders(2026, 12)
	neighbourhood := base[0]
	neighbourhood.ID, neighbourhood.Area = "buurt", []string{"BU03440301"}
	elsewhere := base[1]
	elsewhere.ID, elsewhere.Area = "elders", []string{"WK036301"}
	country := base[2]
	country.ID, country.Area = "land", []string{"NL", "GM0344"}
	excluding := base[3]
	excluding.ID = "uitsluiting"
	for _, p := range Pool(9, excluding, 50) {
		excluding.Exclude = append(excluding.Exclude, p.ID)
	}
	tests := append(base, neighbourhood, elsewhere, country, excluding)

	for _, tn := range tests {
		for _, n := range []int{100, 1000} {
			t.Run(fmt.Sprintf("%s/%d", tn.ID, n), func(t *testing.T) {
				pool := Pool(9, tn, n)
				if len(pool) != n {
					t.Fatalf("len(Pool(9, %s, %d)) = %d, want %d", tn.ID, n, len(pool), n)
				}
				if got := eligible(pool, tn); len(got) != n {
					for _, p := range pool {
						if !slices.ContainsFunc(got, func(q profiles.Profile) bool { return q.ID == p.ID }) {
							t.Errorf("%s (areas %v, instruments %v) is not eligible", p.ID, p.Areas, p.Instruments)
						}
					}
				}
				kinds, sizes, offers := map[string]bool{}, map[string]bool{}, map[string]bool{}
				newProviders := 0
				for _, p := range pool {
					kinds[p.Kind], sizes[p.Size] = true, true
					offers[fmt.Sprint(p.Instruments)] = true
					if p.NewProvider {
						newProviders++
					}
				}
				if len(kinds) < 4 || len(sizes) < 3 || len(offers) < n/10 || newProviders == 0 {
					t.Errorf("pool not varied: %d kinds, %d sizes, %d distinct offers, %d new providers", len(kinds), len(sizes), len(offers), newProviders)
				}
			})
		}
	}
	if got := Pool(1, profiles.Tender{Area: []string{"GM0344"}}, 10); got != nil {
		t.Errorf("Pool of a tender without needs = %d profiles, want nil", len(got))
	}
}

func TestQuota(t *testing.T) {
	tests := []struct {
		name     string
		n        int
		shares   []float64
		everyOne bool
		want     []int
	}{
		{"exact", 10, []float64{1, 1}, false, []int{5, 5}},
		{"largest remainder", 10, []float64{2, 1}, false, []int{7, 3}},
		{"zero share gets none", 3, []float64{1, 0, 2}, false, []int{1, 0, 2}},
		{"every one", 4, []float64{10, 1, 1, 1}, true, []int{1, 1, 1, 1}},
		{"every one, taken from the largest", 20, []float64{100, 1}, true, []int{19, 1}},
		{"none", 0, []float64{1, 2}, true, []int{0, 0}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := quota(tt.n, tt.shares, tt.everyOne); !slices.Equal(got, tt.want) {
				t.Errorf("quota(%d, %v, %v) = %v, want %v", tt.n, tt.shares, tt.everyOne, got, tt.want)
			}
		})
	}
}

func TestSlug(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Buurtkamer Tigrisdreef", "buurtkamer-tigrisdreef"},
		{"Basisschool Het Mozaïek Kanaleneiland-Noord", "basisschool-het-mozaiek-kanaleneiland-noord"},
		{"Bouwbedrijf Öztürk & Zn", "bouwbedrijf-ozturk-zn"},
		{"Sociale Onderneming Werkt! Utrecht", "sociale-onderneming-werkt-utrecht"},
		{"  --  ", ""},
		{strings.Repeat("lang ", 20), strings.TrimRight(strings.Repeat("lang-", 13), "-")},
	}
	for _, tt := range tests {
		if got := slug(tt.in); got != tt.want {
			t.Errorf("slug(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// eligible returns the profiles that are candidates for tn (SPEC §3).
func eligible(ps []profiles.Profile, tn profiles.Tender) []profiles.Profile {
	var out []profiles.Profile
	for _, p := range ps {
		if slices.Contains(tn.Exclude, p.ID) || !overlapping(p.Areas, tn.Area) {
			continue
		}
		if slices.ContainsFunc(tn.Needs, func(nd profiles.Need) bool { return p.Instruments[nd.Instrument] > 0 }) {
			out = append(out, p)
		}
	}
	return out
}

func overlapping(as, bs []string) bool {
	for _, a := range as {
		for _, b := range bs {
			if profiles.AreasOverlap(a, b) {
				return true
			}
		}
	}
	return false
}

func mapKeys[K comparable, V any](m map[K]V) func(func(K) bool) {
	return func(yield func(K) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}
