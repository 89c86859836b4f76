package synth

import (
	"fmt"

	"samenspel/internal/profiles"
)

// Crowded is the instance of issue 11's finding 1, the densest pool an anonymous
// caller could send: n partners in one neighbourhood (Lunetten), each offering
// every one of instruments at level 0.125, and a tender that needs all of them
// with weight 1 at max_size 8. Any 8 of the partners cover the tender exactly, so
// no bound tells the coalitions apart: a search without a budget weighs every set
// of up to 8 of them (56 s at n=32 with the taxonomy's 30 instruments and top 50).
// Kinds go round six kinds; every partner is medium and can lead.
func Crowded(instruments []string, n int) (profiles.Tender, []profiles.Profile) {
	const area = "BU03441001"
	kinds := []string{"residents_group", "welfare", "care", "school", "social_enterprise", "sports_culture"}
	t := profiles.Tender{ID: "crowded-lunetten", Title: "Iedereen doet alles", Area: []string{area}, Themes: []string{},
		MinSize: 1, MaxSize: 8, RequireKinds: []string{}, Exclude: []string{}, Weights: profiles.DefaultWeights}
	for _, in := range instruments {
		t.Needs = append(t.Needs, profiles.Need{Instrument: in, Weight: 1})
	}
	ps := make([]profiles.Profile, n)
	for i := range ps {
		p := profiles.Profile{ID: fmt.Sprintf("crowded-%02d", i), Name: fmt.Sprintf("Alleskunner %d", i), Kind: kinds[i%len(kinds)],
			Size: "medium", CanLead: true, Areas: []string{area}, Instruments: map[string]float64{}, Themes: []string{}}
		for _, in := range instruments {
			p.Instruments[in] = 0.125
		}
		ps[i] = p
	}
	return t, ps
}
