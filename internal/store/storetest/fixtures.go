package storetest

import (
	"fmt"

	"github.com/google/go-cmp/cmp/cmpopts"

	"samenspel/internal/profiles"
)

// canary is written into contact and private fields; it must never come out of a
// search.
const canary = "canary-7f3a"

// Profile is the profile of SPEC §2 under another id, with contact and private set
// to a canary that no search may show.
func Profile(id string) profiles.Profile {
	return profiles.Profile{
		ID: id, Name: "Buurtkamer " + id, Kind: "residents_group", Size: profiles.SizeSmall,
		NewProvider: true, Areas: []string{"WK034412"},
		Instruments: map[string]float64{"meeting_place": 1, "meals": 0.5},
		Themes:      []string{"loneliness"}, Description: "Koffie en een warme maaltijd",
		Contact: &profiles.Contact{Email: canary + "@example.org", Phone: canary},
		Private: map[string]string{"ideas": canary},
	}
}

// Tender is the tender of SPEC §2 under another id.
func Tender(id string) profiles.Tender {
	budget := int64(250000)
	maxLarge := 1
	return profiles.Tender{
		ID: id, Title: "Minder eenzaamheid in Overvecht", Area: []string{"WK034412"},
		Themes: []string{"loneliness"}, Budget: &budget,
		Needs: []profiles.Need{
			{Instrument: "home_visits", Weight: 3, Must: true},
			{Instrument: "meeting_place", Weight: 2},
		},
		MinSize: 1, MaxSize: 5, RequireKinds: []string{"residents_group"},
		MaxLarge: &maxLarge, MinSmall: 1, Exclude: []string{}, Weights: profiles.DefaultWeights,
	}
}

// searchProfiles are a handful of partners in and around Utrecht, each findable by
// something the others lack.
func searchProfiles() []profiles.Profile {
	mk := func(id, name, kind, size, area, desc string, instruments map[string]float64, themes ...string) profiles.Profile {
		return profiles.Profile{
			ID: id, Name: name, Kind: kind, Size: size, Areas: []string{area},
			Instruments: instruments, Themes: themes, Description: desc,
			Contact: &profiles.Contact{Email: canary + "@example.org", Person: canary},
			Private: map[string]string{"ideas": canary},
		}
	}
	return []profiles.Profile{
		mk("amsterdam-meals", "Maaltijdservice Amsterdam", "care", "medium", "GM0363",
			"Warm eten aan huis.", map[string]float64{"meals": 1}, "health"),
		mk("eetcafe-de-hoek", "Eetcafé De Hoek", "business", "small", "BU03441205",
			"Elke dinsdag samen eten in Overvecht.", map[string]float64{"meals": 1, "meeting_place": 0.5}, "loneliness"),
		mk("geldzorgen-utrecht", "Stichting Geldzorgen", "welfare", "medium", "GM0344",
			"Hulp bij rekeningen en brieven.", map[string]float64{"debt_counseling": 1}, "poverty"),
		mk("schuldhulp-noord", "Schuldhulp Noord", "welfare", "small", "WK034412",
			"Vrijwilligers helpen met de administratie.", map[string]float64{"budget_coaching": 0.75}, "poverty"),
		mk("sportclub-overvecht", "Sportclub Overvecht", "sports_culture", "large", "WK034412",
			"Voetbal en fitness voor jongeren.", map[string]float64{"sports_activities": 1}, "youth", "health"),
		mk("taalhuis-nederland", "Taalhuis Nederland", "knowledge", "large", "NL",
			"Lessen in heel het land.", map[string]float64{"language_classes": 1, "digital_skills": 0.5}, "integration", "education"),
	}
}

// numbered makes n profiles p-000, p-001, ….
func numbered(n int) []profiles.Profile {
	out := make([]profiles.Profile, n)
	for i := range out {
		out[i] = Profile(fmt.Sprintf("p-%03d", i))
	}
	return out
}

// ids lists the ids of ps in order.
func ids(ps []profiles.Profile) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.ID
	}
	return out
}

// publics is ps with contact and private dropped: what two implementations of the
// index must agree on.
func publics(ps []profiles.Profile) []profiles.Profile {
	out := make([]profiles.Profile, len(ps))
	for i, p := range ps {
		out[i] = p.Public()
	}
	return out
}

// equateEmpty treats nil and empty slices and maps as equal: a stored document need
// not keep the difference.
var equateEmpty = cmpopts.EquateEmpty()
