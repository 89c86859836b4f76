package match

import (
	"fmt"
	"math/rand/v2"

	"samenspel/internal/profiles"
)

// largeCase makes a tender with six needs (two of them must) in Utrecht and n
// candidates for it of every kind and size, with trust events among a third of them.
func largeCase(seed uint64, n, maxSize int) Input {
	r := rand.New(rand.NewPCG(seed, 7))
	instr := []string{"home_visits", "buddy_program", "meeting_place", "meals", "volunteer_network", "debt_counseling", "budget_coaching", "language_classes", "digital_skills", "job_placement", "transport", "venue", "outreach", "odd_jobs"}
	kinds := []string{"residents_group", "municipality", "housing_corporation", "welfare", "care", "school", "business", "social_enterprise", "sports_culture", "faith_community", "knowledge", "fund"}
	sizes := []string{"small", "small", "medium", "large"}
	levels := []float64{0.25, 0.5, 0.75, 1}
	one := 1
	t := profiles.Tender{ID: fmt.Sprintf("large-%d", seed), Title: "large", Area: []string{"GM0344"}, MinSize: 1, MaxSize: maxSize,
		Weights: profiles.DefaultWeights, MinSmall: 1, MaxLarge: &one, RequireKinds: []string{}, Exclude: []string{}}
	for i, j := range r.Perm(len(instr))[:6] {
		t.Needs = append(t.Needs, profiles.Need{Instrument: instr[j], Weight: float64(1 + r.IntN(3)), Must: i < 2})
	}
	ps := make([]profiles.Profile, n)
	for i := range ps {
		p := profiles.Profile{ID: fmt.Sprintf("p%05d", i), Name: fmt.Sprintf("Partner %d", i), Kind: kinds[r.IntN(12)], Size: sizes[r.IntN(4)],
			NewProvider: r.IntN(5) == 0, CanLead: r.IntN(2) == 0, Areas: []string{"GM0344"}, Instruments: map[string]float64{}}
		p.Instruments[t.Needs[r.IntN(6)].Instrument] = levels[r.IntN(4)]
		for range r.IntN(3) {
			p.Instruments[instr[r.IntN(len(instr))]] = levels[r.IntN(4)]
		}
		ps[i] = p
	}
	var events []profiles.Collaboration
	for range n / 2 {
		a, b := r.IntN(n), r.IntN(n)
		if a == b {
			continue
		}
		outcome := profiles.OutcomePositive
		if r.IntN(5) == 0 {
			outcome = profiles.OutcomeNegative
		}
		events = append(events, profiles.Collaboration{A: ps[a].ID, B: ps[b].ID, Outcome: outcome, At: fmt.Sprintf("2026-%02d-01", 1+r.IntN(12))})
	}
	return Input{Tender: t, Profiles: ps, Trust: NewTrust(events)}
}
