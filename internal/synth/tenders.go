package synth

import (
	"slices"
	"strconv"
	"strings"

	"samenspel/internal/profiles"
)

// tenderSpec is one societal problem a municipality puts out to tender. {P} in the
// title and description is the place: a district, or Utrecht.
type tenderSpec struct {
	stem        string // id stem; the place and the year follow
	title       string
	description string
	themes      []string
	core        []coreNeed // the needs every such tender has, most important first
	extra       []string   // needs some such tenders add
	districts   []string   // where the problem is worst; empty: the municipality only
	city        float64    // chance of a municipality-wide tender when districts are given
	residents   float64    // chance of require_kinds ["residents_group"]
}

type coreNeed struct {
	instrument string
	weight     float64
	must       float64 // chance the need is a must
}

// tenderSpecs are the problems of Utrecht; the first six make the shipped examples.
var tenderSpecs = []tenderSpec{
	{
		stem: "eenzaamheid-ouderen", title: "Minder eenzaamheid onder ouderen in {P}",
		description: "Steeds meer ouderen in {P} wonen alleen en hebben weinig contact met buren. Wij zoeken een coalitie die hen opzoekt en een plek biedt om elkaar te ontmoeten.",
		themes:      []string{"loneliness", "health"},
		core:        []coreNeed{{"home_visits", 3, 0.9}, {"meeting_place", 2, 0.4}, {"buddy_program", 2, 0}},
		extra:       []string{"meals", "volunteer_network", "transport", "informal_care_support", "digital_skills"},
		districts:   []string{"WK034403", "WK034407", "WK034402", "WK034410"}, residents: 0.8,
	},
	{
		stem: "schulden-jonge-gezinnen", title: "Schulden voorkomen bij jonge gezinnen in {P}",
		description: "Jonge gezinnen in {P} raken vaak ongemerkt in de schulden. Wij zoeken partners die vroeg signaleren, hulp bieden en ouders helpen grip te houden op hun geld.",
		themes:      []string{"poverty", "youth"},
		core:        []coreNeed{{"debt_counseling", 3, 0.9}, {"budget_coaching", 2, 0.4}, {"outreach", 2, 0}},
		extra:       []string{"legal_advice", "job_placement", "language_classes", "after_school", "meals"},
		districts:   []string{"WK034408", "WK034403", "WK034402"}, residents: 0.3,
	},
	{
		stem: "veilig-rond-scholen", title: "Veiligheid rond scholen in {P}",
		description: "Rond een aantal scholen in {P} voelen kinderen en ouders zich niet veilig. Wij zoeken een coalitie die jongeren bereikt en de buurt rond de school samen veiliger maakt.",
		themes:      []string{"safety", "youth"},
		core:        []coreNeed{{"youth_work", 3, 0.8}, {"neighbourhood_watch", 2, 0.3}, {"after_school", 2, 0}},
		extra:       []string{"sports_activities", "outreach", "cultural_activities", "greening"},
		districts:   []string{"WK034402", "WK034408", "WK034403", "WK034409"}, residents: 0.6,
	},
	{
		stem: "energiearmoede", title: "Energiearmoede aanpakken in {P}",
		description: "Huishoudens in {P} met een laag inkomen en een slecht geïsoleerde woning betalen te veel voor energie. Wij zoeken partners die hen thuis helpen besparen en de woning verbeteren.",
		themes:      []string{"sustainability", "poverty", "housing"},
		core:        []coreNeed{{"energy_coaching", 3, 0.9}, {"housing_adaptation", 2, 0.3}, {"outreach", 2, 0}},
		extra:       []string{"odd_jobs", "budget_coaching", "co_funding", "volunteer_network"},
		districts:   []string{"WK034403", "WK034408", "WK034407"}, city: 0.6, residents: 0.2,
	},
	{
		stem: "taal-en-werk-nieuwkomers", title: "Taal en werk voor nieuwkomers in {P}",
		description: "Nieuwkomers in {P} willen snel meedoen, maar taal en een eerste baan zijn lastig te vinden. Wij zoeken een coalitie die taalles, begeleiding naar werk en een maatje combineert.",
		themes:      []string{"integration", "work"},
		core:        []coreNeed{{"language_classes", 3, 0.8}, {"job_placement", 3, 0.4}, {"buddy_program", 2, 0}},
		extra:       []string{"internships", "digital_skills", "cultural_activities", "after_school"},
		districts:   []string{"WK034409", "WK034408", "WK034403"}, residents: 0.2,
	},
	{
		stem: "gezond-opgroeien", title: "Gezond en actief opgroeien in {P}",
		description: "Veel kinderen in {P} bewegen te weinig en hebben na school geen plek om te spelen. Wij zoeken partners die sport, spel en een gezonde maaltijd dichtbij brengen.",
		themes:      []string{"youth", "health"},
		core:        []coreNeed{{"sports_activities", 3, 0.7}, {"after_school", 2, 0.3}, {"youth_work", 2, 0}},
		extra:       []string{"meals", "cultural_activities", "venue", "volunteer_network"},
		districts:   []string{"WK034407", "WK034402", "WK034408", "WK034401"}, residents: 0.5,
	},
	{
		stem: "mantelzorgers-ontlasten", title: "Mantelzorgers ontlasten in {P}",
		description: "Mantelzorgers in {P} lopen op hun tandvlees. Wij zoeken een coalitie die hen ondersteunt en de zorg thuis af en toe overneemt.",
		themes:      []string{"health", "loneliness"},
		core:        []coreNeed{{"informal_care_support", 3, 0.9}, {"home_visits", 2, 0.3}, {"district_nursing", 2, 0}},
		extra:       []string{"transport", "meeting_place", "volunteer_network", "meals"},
		districts:   []string{"WK034410", "WK034404", "WK034405"}, residents: 0.3,
	},
	{
		stem: "langer-thuis-wonen", title: "Langer zelfstandig thuis wonen in {P}",
		description: "Ouderen in {P} willen zo lang mogelijk thuis blijven wonen. Wij zoeken partners die de woning aanpassen, zorg dichtbij brengen en helpen met kleine klussen.",
		themes:      []string{"housing", "health"},
		core:        []coreNeed{{"housing_adaptation", 3, 0.8}, {"district_nursing", 2, 0.3}, {"odd_jobs", 2, 0}},
		extra:       []string{"transport", "home_visits", "meals", "energy_coaching"},
		districts:   []string{"WK034410", "WK034407", "WK034405"}, city: 0.3, residents: 0.3,
	},
	{
		stem: "groene-buurt", title: "Een groenere buurt met bewoners in {P}",
		description: "In {P} is weinig groen en veel hitte in de zomer. Wij zoeken bewoners en partners die samen tegels wippen, tuinen aanleggen en die ook onderhouden.",
		themes:      []string{"sustainability", "loneliness"},
		core:        []coreNeed{{"greening", 3, 0.9}, {"volunteer_network", 2, 0}},
		extra:       []string{"meeting_place", "neighbourhood_watch", "co_funding", "job_placement"},
		districts:   []string{"WK034403", "WK034408", "WK034402", "WK034406"}, residents: 0.9,
	},
	{
		stem: "jongeren-aan-het-werk", title: "Jongeren aan het werk in {P}",
		description: "Te veel jongeren in {P} zitten zonder werk of opleiding thuis. Wij zoeken een coalitie die hen bereikt en een stage of baan helpt vinden.",
		themes:      []string{"work", "youth"},
		core:        []coreNeed{{"job_placement", 3, 0.8}, {"internships", 2, 0.4}, {"youth_work", 2, 0}},
		extra:       []string{"digital_skills", "sports_activities", "legal_advice", "mental_health_support"},
		districts:   []string{"WK034408", "WK034403", "WK034402"}, city: 0.3, residents: 0.1,
	},
	{
		stem: "digitaal-meedoen", title: "Digitaal meedoen voor iedereen in {P}",
		description: "Wie niet met DigiD, de bankapp of een webformulier overweg kan, loopt in {P} steeds vaker vast. Wij zoeken partners die bewoners digitaal vaardig maken, thuis en in de wijk.",
		themes:      []string{"education", "loneliness"},
		core:        []coreNeed{{"digital_skills", 3, 0.9}, {"language_classes", 2, 0}, {"home_visits", 1, 0}},
		extra:       []string{"venue", "volunteer_network", "meeting_place"},
		city:        1, residents: 0.2,
	},
	{
		stem: "psychische-kwetsbaarheid", title: "Omzien naar bewoners met psychische kwetsbaarheid in {P}",
		description: "Steeds meer bewoners van {P} met psychische problemen wonen zelfstandig in de wijk. Wij zoeken een coalitie die hen steunt en overlast en eenzaamheid voorkomt.",
		themes:      []string{"health", "safety"},
		core:        []coreNeed{{"mental_health_support", 3, 0.9}, {"outreach", 2, 0.3}, {"buddy_program", 2, 0}},
		extra:       []string{"meeting_place", "housing_allocation", "debt_counseling", "neighbourhood_watch"},
		districts:   []string{"WK034403", "WK034406", "WK034408"}, residents: 0.3,
	},
}

// Tenders returns n tenders for Utrecht. The first ones walk through the problems of
// Utrecht in a fixed order (loneliness among the elderly in Overvecht, debt among
// young families in Kanaleneiland, safety around schools, energy poverty, …), each
// where it is worst and with its main need a must, while the other needs, the budget
// and the rules come from the seed; further tenders repeat the problems at random,
// in a district or the whole municipality. Ids are unique.
func Tenders(seed uint64, n int) []profiles.Tender {
	if n <= 0 {
		return nil
	}
	g := newRNG(seed, streamTenders)
	districts := Utrecht()
	byCode := map[string]District{}
	for _, d := range districts {
		byCode[d.Code] = d
	}
	ids := map[string]bool{}
	out := make([]profiles.Tender, 0, n)
	for i := range n {
		first := i < len(tenderSpecs)
		spec := &tenderSpecs[i%len(tenderSpecs)]
		if !first {
			spec = &tenderSpecs[g.intn(len(tenderSpecs))]
		}
		out = append(out, tender(g, spec, byCode, ids, first))
	}
	return out
}

// tender makes one tender of spec; a first one is where the problem is worst (the
// first district, or the municipality when the problem is mostly city-wide) and has its
// main need as a must when it usually is one.
func tender(g *rng, spec *tenderSpec, byCode map[string]District, ids map[string]bool, first bool) profiles.Tender {
	area, place, placeID := Municipality, "Utrecht", "utrecht"
	city := g.chance(spec.city)
	if first {
		city = spec.city >= 0.5
	}
	if len(spec.districts) > 0 && !city {
		code := oneOf(g, spec.districts)
		if first {
			code = spec.districts[0]
		}
		d := byCode[code]
		area, place, placeID = d.Code, titlePlace(d), slug(titlePlace(d))
	}
	year := 2026 + g.intn(2)

	id := spec.stem + "-" + placeID + "-" + strconv.Itoa(year)
	for i := 2; ids[id]; i++ {
		id = spec.stem + "-" + placeID + "-" + strconv.Itoa(year) + "-" + strconv.Itoa(i)
	}
	ids[id] = true

	// Needs: every core need, then a few of the extra ones; 2 to 8 in all.
	needs := make([]profiles.Need, 0, 8)
	for i, c := range spec.core {
		must := g.chance(c.must)
		if first && i == 0 && c.must >= 0.5 {
			must = true
		}
		needs = append(needs, profiles.Need{Instrument: c.instrument, Weight: c.weight, Must: must})
	}
	extra := append([]string(nil), spec.extra...)
	g.shuffle(len(extra), func(i, j int) { extra[i], extra[j] = extra[j], extra[i] })
	more := g.between(0, min(3, len(extra)))
	if len(needs)+more < 2 {
		more = 2 - len(needs)
	}
	for _, code := range extra[:min(more, 8-len(needs))] {
		needs = append(needs, profiles.Need{Instrument: code, Weight: float64(g.between(1, 2))})
	}

	// Budget in whole thousands: a district 50–300k, the municipality 150–500k.
	lo, hi := 50, 300
	if area == Municipality {
		lo, hi = 150, 500
	}
	budget := int64(g.between(lo, hi)) * 1000

	t := profiles.Tender{
		ID:           id,
		Title:        strings.ReplaceAll(spec.title, "{P}", place),
		Description:  strings.ReplaceAll(spec.description, "{P}", place),
		Area:         []string{area},
		Themes:       append([]string(nil), spec.themes...),
		Budget:       &budget,
		Needs:        needs,
		MinSize:      profiles.DefaultMinSize,
		MaxSize:      g.between(4, 6),
		RequireKinds: []string{},
		Exclude:      []string{},
		Weights:      profiles.DefaultWeights,
	}
	if g.chance(spec.residents) {
		// A required kind must be able to take part: residents' groups only offer a
		// few instruments, so the tender asks for one of them if it does not yet.
		t.RequireKinds = []string{"residents_group"}
		if !slices.ContainsFunc(t.Needs, func(nd profiles.Need) bool { return residentsOffer(nd.Instrument) }) {
			nd := profiles.Need{Instrument: "volunteer_network", Weight: 1}
			if len(t.Needs) < 8 {
				t.Needs = append(t.Needs, nd)
			} else {
				t.Needs[len(t.Needs)-1] = nd
			}
		}
	}
	if g.chance(0.5) {
		t.MinSmall = 1
	}
	if g.chance(0.5) {
		one := 1
		t.MaxLarge = &one
	}
	return t
}

// residentsOffer reports whether residents' groups offer an instrument.
func residentsOffer(code string) bool {
	for _, k := range kinds {
		if k.code == "residents_group" {
			return affinity(&k, code) > 0
		}
	}
	return false
}
