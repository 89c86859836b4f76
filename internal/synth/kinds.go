package synth

// This file holds the tables that make the data look like Utrecht: which kinds of
// partner exist and how many, what they are called, how big they are and what they
// offer. Codes are those of config/taxonomy.yaml.

// orgName is one way to name an organisation of a kind. The pattern may hold {N} (a
// neighbourhood), {D} (a district), {S} (a family name) and {X} (a school name).
// primary is the instrument the name promises ("Voetbalvereniging" plays football);
// also lists the further instruments such an organisation plausibly offers (nil: the
// kind's list).
type orgName struct {
	pattern string
	sizes   string // the sizes it fits: any of "s", "m", "l"
	primary string
	also    []string
}

// anchors are the organisations a city has everywhere: a buurtteam, youth workers and
// sports coaches in every district, and the municipality itself. Profiles makes them
// first (a pattern with {D} once per district) and fully able to deliver what their name
// says, as long as they take at most half of their kind's count. They make sure that a
// tender in any district finds someone for its core need.
var anchors = []struct{ kind, pattern string }{
	{"municipality", "Gemeente Utrecht"},
	{"welfare", "Buurtteam {D}"},
	{"welfare", "Jongerenwerk {D}"},
	{"sports_culture", "Buurtsportcoaches {D}"},
}

// kindSpec describes one partner kind of SPEC §1.
type kindSpec struct {
	code  string
	share float64 // relative number of profiles of this kind
	// size is the chance of small, medium and large.
	size [3]float64
	// newProvider scales the chance of a new provider (0: never, e.g. the municipality).
	newProvider float64
	// lead scales the chance of can_lead.
	lead        float64
	instruments []weighted
	names       []orgName
	intros      []string // first sentence of a description, {P} the place
	// offers are second sentences, %s the instruments; nil: the common ones.
	offers []string
}

type weighted struct {
	code   string
	weight float64
}

var kinds = []kindSpec{
	{
		code: "residents_group", share: 22, size: [3]float64{0.85, 0.15, 0}, newProvider: 1, lead: 0.7,
		instruments: []weighted{{"meeting_place", 3}, {"volunteer_network", 3}, {"meals", 2}, {"neighbourhood_watch", 2}, {"greening", 2}, {"odd_jobs", 2}, {"buddy_program", 1}},
		names: []orgName{
			{"Buurtkamer {N}", "s", "meeting_place", nil},
			{"Huiskamer {N}", "s", "meeting_place", nil},
			{"Buurtvereniging {N}", "s", "meeting_place", nil},
			{"Bewonersgroep {N}", "s", "volunteer_network", nil},
			{"Buurtinitiatief Samen {N}", "s", "volunteer_network", nil},
			{"Bewonerscommissie {N}", "s", "volunteer_network", []string{"meeting_place", "neighbourhood_watch", "greening"}},
			{"Buurtpreventie {N}", "s", "neighbourhood_watch", []string{"volunteer_network", "greening"}},
			{"Moestuin {N}", "s", "greening", []string{"meals", "meeting_place", "volunteer_network"}},
			{"Geveltuinen {N}", "s", "greening", []string{"volunteer_network", "odd_jobs"}},
			{"Klussendienst {N}", "s", "odd_jobs", []string{"volunteer_network", "buddy_program"}},
			{"Buurtmaaltijd {N}", "s", "meals", []string{"meeting_place", "volunteer_network", "buddy_program"}},
			{"Bewonersplatform {D}", "sm", "volunteer_network", nil},
			{"Bewonersorganisatie {D}", "m", "meeting_place", nil},
			{"Stichting Buurtkracht {D}", "m", "volunteer_network", nil},
		},
		intros: []string{
			"Bewoners van {P} die zich samen inzetten voor een prettige buurt",
			"Een groep buurtbewoners uit {P} die omziet naar elkaar",
			"Vrijwilligers uit {P} die buren met elkaar in contact brengen",
		},
	},
	{
		code: "municipality", share: 1.5, size: [3]float64{0, 0.4, 0.6}, newProvider: 0, lead: 1,
		instruments: []weighted{{"co_funding", 3}, {"outreach", 2}, {"venue", 2}, {"research_monitoring", 2}},
		names: []orgName{
			{"Gemeente Utrecht", "l", "co_funding", []string{"venue", "research_monitoring", "outreach"}},
			{"GGD regio Utrecht", "l", "research_monitoring", []string{"home_visits", "outreach", "mental_health_support"}},
			{"Gemeente Utrecht, Werk en Inkomen", "l", "job_placement", []string{"debt_counseling", "budget_coaching", "co_funding"}},
			{"Gemeente Utrecht, Wonen en Energie", "l", "energy_coaching", []string{"housing_adaptation", "co_funding", "greening"}},
			{"Wijkbureau {D}", "m", "outreach", []string{"venue", "co_funding", "neighbourhood_watch"}},
		},
		intros: []string{
			"De gemeente werkt in {P} samen met bewoners en partners aan sterke wijken",
			"Gemeentelijke organisatie voor de bewoners van {P}",
		},
	},
	{
		code: "housing_corporation", share: 3, size: [3]float64{0, 0.25, 0.75}, newProvider: 0, lead: 1,
		instruments: []weighted{{"housing_adaptation", 3}, {"housing_allocation", 3}, {"venue", 2}, {"energy_coaching", 2}, {"co_funding", 2}, {"odd_jobs", 1}, {"greening", 1}},
		names: []orgName{
			{"Woonstichting Utrecht-Oost", "l", "housing_allocation", nil},
			{"Woonstichting Utrecht-West", "l", "housing_allocation", nil},
			{"Woonstichting Utrecht-Noord", "l", "housing_allocation", nil},
			{"Stichting Leidsche Rijn Wonen", "l", "housing_allocation", nil},
			{"Woningcorporatie Domstad Wonen", "l", "housing_allocation", nil},
			{"Woongoed Utrecht", "l", "housing_adaptation", nil},
			{"Stichting Vechtstede Wonen", "l", "housing_allocation", nil},
			{"Woonstichting De Kromme Rijn", "l", "housing_adaptation", nil},
			{"Wooncoöperatie {D}", "m", "housing_allocation", []string{"venue", "energy_coaching", "greening"}},
			{"Woonstichting {D}", "m", "housing_allocation", nil},
		},
		intros: []string{
			"Woningcorporatie met sociale huurwoningen in {P}",
			"Wij verhuren betaalbare woningen in {P} en investeren in leefbare buurten",
		},
	},
	{
		code: "welfare", share: 12, size: [3]float64{0.3, 0.55, 0.15}, newProvider: 1, lead: 1,
		instruments: []weighted{{"home_visits", 3}, {"outreach", 3}, {"buddy_program", 2}, {"meeting_place", 2}, {"volunteer_network", 2}, {"debt_counseling", 2}, {"budget_coaching", 2}, {"youth_work", 2}, {"informal_care_support", 1}, {"meals", 1}, {"digital_skills", 1}, {"legal_advice", 1}, {"language_classes", 1}},
		names: []orgName{
			{"Maatjesproject {N}", "s", "buddy_program", []string{"home_visits", "volunteer_network", "meeting_place"}},
			{"Ouderenwerk {N}", "s", "home_visits", []string{"meeting_place", "meals", "buddy_program", "transport"}},
			{"Inloophuis {N}", "s", "meeting_place", []string{"meals", "outreach", "budget_coaching"}},
			{"Formulierenhulp {N}", "s", "budget_coaching", []string{"debt_counseling", "digital_skills", "legal_advice"}},
			{"Stichting Welzijn {D}", "m", "home_visits", nil},
			{"Buurtteam {D}", "m", "outreach", []string{"debt_counseling", "home_visits", "mental_health_support", "budget_coaching"}},
			{"Jongerenwerk {D}", "m", "youth_work", []string{"outreach", "after_school", "sports_activities", "meeting_place"}},
			{"Sociaal Raadslieden {D}", "m", "legal_advice", []string{"debt_counseling", "budget_coaching"}},
			{"Steunpunt Mantelzorg {D}", "m", "informal_care_support", []string{"home_visits", "buddy_program", "meeting_place"}},
			{"Geldzorg {D}", "m", "debt_counseling", []string{"budget_coaching", "outreach", "legal_advice"}},
			{"Welzijn Ouderen Utrecht", "l", "home_visits", []string{"meeting_place", "meals", "buddy_program", "informal_care_support", "transport"}},
			{"Stichting Welzijn Utrecht", "l", "outreach", nil},
			{"Jongerenwerk Utrecht", "l", "youth_work", []string{"outreach", "after_school", "sports_activities", "cultural_activities"}},
			{"Vrijwilligerscentrale Utrecht", "l", "volunteer_network", []string{"buddy_program", "home_visits", "digital_skills"}},
			{"Stichting Geldzorg Utrecht", "l", "debt_counseling", []string{"budget_coaching", "legal_advice", "outreach"}},
			{"Buurtteamorganisatie Utrecht", "l", "outreach", []string{"debt_counseling", "home_visits", "mental_health_support", "youth_work"}},
			{"Stichting Maatjeswerk Utrecht", "l", "buddy_program", []string{"home_visits", "volunteer_network", "language_classes"}},
			{"Mantelzorgsteunpunt Utrecht", "l", "informal_care_support", []string{"home_visits", "buddy_program", "meeting_place"}},
		},
		intros: []string{
			"Welzijnswerk voor bewoners van {P}, dichtbij en laagdrempelig",
			"Professionals en vrijwilligers die bewoners van {P} ondersteunen",
		},
	},
	{
		code: "care", share: 6, size: [3]float64{0.1, 0.45, 0.45}, newProvider: 1, lead: 1,
		instruments: []weighted{{"district_nursing", 3}, {"mental_health_support", 3}, {"home_visits", 3}, {"informal_care_support", 2}, {"transport", 1}, {"meals", 1}},
		names: []orgName{
			{"Huisartsenpraktijk {N}", "s", "mental_health_support", []string{"home_visits"}},
			{"Thuishulp {N}", "s", "home_visits", []string{"informal_care_support", "meals"}},
			{"Wijkverpleging {D}", "m", "district_nursing", []string{"home_visits", "informal_care_support"}},
			{"Thuiszorg {D}", "m", "district_nursing", nil},
			{"GGZ-team {D}", "m", "mental_health_support", []string{"home_visits", "outreach"}},
			{"Zorgcentrum {N}", "m", "district_nursing", []string{"meals", "meeting_place", "informal_care_support", "transport"}},
			{"Gezondheidscentrum {N}", "m", "district_nursing", []string{"mental_health_support", "home_visits"}},
			{"Zorggroep Stichtse Rijn", "l", "district_nursing", nil},
			{"GGZ Domstad", "l", "mental_health_support", []string{"home_visits", "outreach", "informal_care_support"}},
			{"Thuiszorg Utrecht Stad", "l", "district_nursing", nil},
			{"Zorgorganisatie De Vecht", "l", "home_visits", nil},
			{"Zorgcombinatie Domstad", "l", "district_nursing", nil},
			{"Zorgnetwerk Utrecht Midden", "l", "informal_care_support", []string{"home_visits", "district_nursing", "transport"}},
			{"Stichting Mentaal Utrecht", "l", "mental_health_support", []string{"outreach", "home_visits"}},
		},
		intros: []string{
			"Zorg dichtbij huis voor bewoners van {P}",
			"Wij helpen mensen in {P} zo lang mogelijk gezond en zelfstandig te leven",
		},
	},
	{
		code: "school", share: 11, size: [3]float64{0.1, 0.78, 0.12}, newProvider: 1, lead: 0.9,
		instruments: []weighted{{"after_school", 3}, {"language_classes", 2}, {"internships", 2}, {"digital_skills", 2}, {"venue", 1}, {"sports_activities", 1}},
		names: []orgName{
			{"Montessorischool {N}", "sm", "after_school", []string{"language_classes", "venue", "cultural_activities"}},
			{"Taalschool {N}", "s", "language_classes", []string{"digital_skills", "after_school"}},
			{"Basisschool {X} {N}", "m", "after_school", []string{"language_classes", "digital_skills", "venue", "sports_activities", "cultural_activities"}},
			{"Openbare Basisschool {N}", "m", "after_school", []string{"language_classes", "digital_skills", "venue", "sports_activities"}},
			{"Daltonschool {X} {N}", "m", "after_school", []string{"language_classes", "venue", "cultural_activities"}},
			{"Internationale Schakelklas {D}", "m", "language_classes", []string{"after_school", "digital_skills"}},
			{"Vakcollege {D}", "m", "internships", []string{"digital_skills", "language_classes", "job_placement", "after_school"}},
			{"Utrechts Stadscollege", "l", "internships", []string{"after_school", "digital_skills", "language_classes", "sports_activities"}},
			{"Mbo-college Domstad", "l", "internships", []string{"job_placement", "digital_skills", "language_classes"}},
			{"Vakschool Utrecht", "l", "internships", []string{"job_placement", "digital_skills"}},
			{"ROC Stichtse Poort", "l", "internships", []string{"job_placement", "language_classes", "digital_skills"}},
			{"Stichting Openbaar Basisonderwijs Utrecht", "l", "after_school", []string{"language_classes", "venue", "digital_skills"}},
		},
		intros: []string{
			"School in {P} met leerlingen van allerlei achtergronden",
			"Onderwijs met aandacht voor talent en taal in {P}",
		},
	},
	{
		code: "business", share: 10, size: [3]float64{0.55, 0.35, 0.1}, newProvider: 1, lead: 0.6,
		instruments: []weighted{{"internships", 3}, {"job_placement", 2}, {"co_funding", 2}, {"odd_jobs", 1}, {"digital_skills", 1}, {"transport", 1}, {"energy_coaching", 1}, {"greening", 1}, {"venue", 1}, {"meals", 1}},
		names: []orgName{
			{"Bakkerij {S} {N}", "s", "internships", []string{"meals", "co_funding"}},
			{"Schildersbedrijf {S}", "s", "internships", []string{"odd_jobs", "housing_adaptation"}},
			{"Hoveniersbedrijf {S}", "s", "greening", []string{"internships", "odd_jobs"}},
			{"Installatiebedrijf {S}", "s", "energy_coaching", []string{"internships", "odd_jobs", "housing_adaptation"}},
			{"Computerwinkel {N}", "s", "digital_skills", []string{"internships"}},
			{"Taxibedrijf {S}", "s", "transport", []string{"job_placement"}},
			{"Eetcafé {N}", "s", "meals", []string{"venue", "internships"}},
			{"Fietsenwinkel {N}", "s", "internships", []string{"transport", "odd_jobs"}},
			{"Bouwbedrijf {S} & Zn", "m", "internships", []string{"housing_adaptation", "job_placement", "co_funding"}},
			{"Winkeliersvereniging {N}", "m", "co_funding", []string{"venue", "neighbourhood_watch", "internships"}},
			{"Uitzendbureau {D} Werkt", "m", "job_placement", []string{"internships", "digital_skills"}},
			{"Installatietechniek {S}", "m", "energy_coaching", []string{"internships", "housing_adaptation", "co_funding"}},
			{"ICT-bedrijf {S} Digitaal", "m", "digital_skills", []string{"internships", "co_funding"}},
			{"Bouwcombinatie Domstad", "l", "internships", []string{"job_placement", "housing_adaptation", "co_funding"}},
			{"Energiebedrijf Utrecht Stroomt", "l", "energy_coaching", []string{"co_funding", "internships"}},
			{"Uitzendgroep Utrecht", "l", "job_placement", []string{"internships", "co_funding"}},
			{"Taxicentrale Utrecht", "l", "transport", []string{"job_placement", "co_funding"}},
		},
		intros: []string{
			"Bedrijf uit {P} dat graag iets terugdoet voor de buurt",
			"Ondernemer in {P} met een hart voor de wijk",
		},
	},
	{
		code: "social_enterprise", share: 7, size: [3]float64{0.5, 0.45, 0.05}, newProvider: 1, lead: 1,
		instruments: []weighted{{"job_placement", 3}, {"meals", 2}, {"odd_jobs", 2}, {"internships", 2}, {"digital_skills", 1}, {"greening", 1}, {"energy_coaching", 1}, {"transport", 1}, {"language_classes", 1}, {"meeting_place", 1}},
		names: []orgName{
			{"Sociaal Restaurant {N}", "s", "meals", []string{"job_placement", "meeting_place", "internships"}},
			{"Repair Café {N}", "s", "odd_jobs", []string{"meeting_place", "volunteer_network"}},
			{"Taalcafé {N}", "s", "language_classes", []string{"meeting_place", "buddy_program", "digital_skills"}},
			{"Fietsenwerkplaats {N}", "s", "job_placement", []string{"transport", "internships", "odd_jobs"}},
			{"Kringloopwinkel {N}", "sm", "job_placement", []string{"internships", "odd_jobs", "transport"}},
			{"Digicafé {N}", "s", "digital_skills", []string{"meeting_place", "language_classes"}},
			{"Leerwerkbedrijf {D}", "m", "job_placement", []string{"internships", "greening", "odd_jobs", "meals"}},
			{"Energiecoöperatie {D}", "m", "energy_coaching", []string{"co_funding", "greening"}},
			{"Wijkonderneming {D}", "m", "odd_jobs", []string{"job_placement", "greening", "meeting_place"}},
			{"Buurtbus {D}", "m", "transport", []string{"job_placement", "volunteer_network"}},
			{"Kringloopbedrijf Utrecht", "l", "job_placement", []string{"internships", "odd_jobs", "transport"}},
			{"Sociale Onderneming Werkt! Utrecht", "l", "job_placement", []string{"internships", "digital_skills", "language_classes", "meals"}},
		},
		intros: []string{
			"Sociale onderneming in {P} die werk en ontmoeting combineert",
			"Mensen met afstand tot de arbeidsmarkt leren bij ons in {P} een vak",
		},
	},
	{
		code: "sports_culture", share: 13, size: [3]float64{0.52, 0.4, 0.08}, newProvider: 1, lead: 0.7,
		instruments: []weighted{{"sports_activities", 3}, {"cultural_activities", 3}, {"venue", 2}, {"after_school", 2}, {"youth_work", 1}, {"volunteer_network", 1}, {"meeting_place", 1}},
		names: []orgName{
			{"Voetbalvereniging {N}", "sm", "sports_activities", []string{"venue", "after_school", "volunteer_network", "youth_work"}},
			{"Boksschool {N}", "s", "sports_activities", []string{"youth_work", "after_school"}},
			{"Dansschool {N}", "s", "sports_activities", []string{"cultural_activities", "after_school", "venue"}},
			{"Wandelclub {N}", "s", "sports_activities", []string{"meeting_place", "volunteer_network"}},
			{"Toneelvereniging {N}", "s", "cultural_activities", []string{"venue", "volunteer_network"}},
			{"Schaakclub {N}", "s", "cultural_activities", []string{"after_school", "meeting_place"}},
			{"Buurtkoor {N}", "s", "cultural_activities", []string{"meeting_place", "volunteer_network"}},
			{"Sportclub {D}", "m", "sports_activities", nil},
			{"Zwemvereniging {D}", "m", "sports_activities", []string{"after_school", "volunteer_network"}},
			{"Muziekschool {D}", "m", "cultural_activities", []string{"after_school", "venue"}},
			{"Kunstencentrum {D}", "m", "cultural_activities", []string{"after_school", "venue", "meeting_place"}},
			{"Bibliotheek {D}", "m", "digital_skills", []string{"language_classes", "venue", "cultural_activities", "meeting_place"}},
			{"Buurtsportcoaches {D}", "m", "sports_activities", []string{"after_school", "youth_work"}},
			{"Bibliotheek Utrecht", "l", "digital_skills", []string{"language_classes", "venue", "cultural_activities", "after_school"}},
			{"Cultuurhuis Utrecht", "l", "cultural_activities", []string{"venue", "after_school", "youth_work"}},
			{"Utrechtse Sportfederatie", "l", "sports_activities", []string{"after_school", "volunteer_network", "venue"}},
			{"Stichting Sport en Spel Utrecht", "l", "sports_activities", []string{"after_school", "youth_work"}},
			{"Kunstenschool Utrecht", "l", "cultural_activities", []string{"after_school", "venue"}},
		},
		intros: []string{
			"Vereniging in {P} waar jong en oud samen sporten of cultuur maken",
			"Sport en cultuur voor iedereen in {P}",
		},
	},
	{
		code: "faith_community", share: 6, size: [3]float64{0.6, 0.35, 0.05}, newProvider: 1, lead: 0.6,
		instruments: []weighted{{"meeting_place", 3}, {"meals", 2}, {"volunteer_network", 2}, {"home_visits", 2}, {"venue", 2}, {"buddy_program", 1}, {"language_classes", 1}, {"co_funding", 1}, {"debt_counseling", 1}},
		names: []orgName{
			{"Stichting Moskee {N}", "s", "meeting_place", []string{"meals", "language_classes", "volunteer_network", "buddy_program"}},
			{"Protestantse wijkgemeente {N}", "s", "meeting_place", []string{"meals", "home_visits", "volunteer_network", "debt_counseling"}},
			{"Kerk in de Wijk {N}", "s", "meals", []string{"meeting_place", "home_visits", "buddy_program"}},
			{"Hindoestaanse Stichting {N}", "s", "meeting_place", []string{"meals", "home_visits", "venue"}},
			{"Diaconie {D}", "m", "volunteer_network", []string{"co_funding", "meals", "home_visits", "debt_counseling"}},
			{"Islamitische Stichting {D}", "m", "meeting_place", []string{"language_classes", "venue", "buddy_program", "meals"}},
			{"Migrantenkerk {D}", "m", "meeting_place", []string{"language_classes", "buddy_program", "meals"}},
			{"Stichting Kerk en Buurt {D}", "m", "venue", []string{"meeting_place", "meals", "volunteer_network"}},
			{"Protestantse Diaconie Utrecht", "l", "co_funding", []string{"volunteer_network", "debt_counseling", "meals"}},
			{"Samenwerkende Moskeeën Utrecht", "l", "meeting_place", []string{"language_classes", "volunteer_network", "venue"}},
		},
		intros: []string{
			"Geloofsgemeenschap in {P} met een open deur voor iedereen",
			"Een levensbeschouwelijke gemeenschap in {P} die omziet naar de naaste",
		},
	},
	{
		code: "knowledge", share: 2, size: [3]float64{0, 0.3, 0.7}, newProvider: 0.3, lead: 0.4,
		instruments: []weighted{{"research_monitoring", 3}, {"internships", 2}},
		names: []orgName{
			{"Onderzoeksbureau Wijkzaken", "m", "research_monitoring", nil},
			{"Kenniswerkplaats {D}", "m", "research_monitoring", nil},
			{"Hogeschool Domstad, lectoraat Sociale Wijkaanpak", "l", "research_monitoring", nil},
			{"Kenniscentrum Samenleving Utrecht", "l", "research_monitoring", nil},
			{"Instituut voor Stadsonderzoek Utrecht", "l", "research_monitoring", nil},
			{"Academische Werkplaats Jeugd Utrecht", "l", "research_monitoring", nil},
			{"Kenniscentrum Gezonde Wijk", "l", "research_monitoring", nil},
		},
		intros: []string{
			"Kennisinstelling die onderzoek doet naar wijken en sociale vraagstukken in {P}",
			"Wij verbinden onderzoek, onderwijs en praktijk in {P}",
		},
	},
	{
		code: "fund", share: 2, size: [3]float64{0.2, 0.5, 0.3}, newProvider: 0.5, lead: 0.3,
		instruments: []weighted{{"co_funding", 1}},
		names: []orgName{
			{"Buurtfonds {N}", "s", "co_funding", nil},
			{"Wijkfonds {D}", "m", "co_funding", nil},
			{"Kansenfonds Utrecht", "l", "co_funding", nil},
			{"Stichting Domstadfonds", "l", "co_funding", nil},
			{"Fonds Sociaal Initiatief Utrecht", "l", "co_funding", nil},
			{"Utrechts Stimuleringsfonds", "l", "co_funding", nil},
		},
		intros: []string{
			"Fonds dat initiatieven in {P} financieel steunt",
			"Wij steunen bewonersinitiatieven en sociale projecten in {P} met een bijdrage",
		},
		offers: []string{"Wij bieden %s voor projecten met en door bewoners.", "Wij bieden %s naast de bijdrage van de gemeente."},
	},
}

// themeOrder is the order of the themes in config/taxonomy.yaml.
var themeOrder = []string{"loneliness", "poverty", "youth", "health", "housing", "safety", "work", "integration", "sustainability", "education"}

// instrumentInfo gives, per instrument, the themes it serves and how a description
// says that a partner offers it ("Wij bieden ...").
var instrumentInfo = map[string]struct {
	themes []string
	phrase string
}{
	"home_visits":           {[]string{"loneliness", "health"}, "huisbezoeken"},
	"buddy_program":         {[]string{"loneliness", "integration"}, "een maatjesproject"},
	"meeting_place":         {[]string{"loneliness"}, "een ontmoetingsplek"},
	"meals":                 {[]string{"loneliness", "poverty"}, "gezamenlijke maaltijden"},
	"volunteer_network":     {[]string{"loneliness"}, "een netwerk van vrijwilligers"},
	"debt_counseling":       {[]string{"poverty"}, "schuldhulpverlening"},
	"budget_coaching":       {[]string{"poverty"}, "budgetcoaching"},
	"language_classes":      {[]string{"integration", "education"}, "taallessen"},
	"digital_skills":        {[]string{"education", "work"}, "lessen in digitale vaardigheden"},
	"job_placement":         {[]string{"work"}, "begeleiding naar werk"},
	"internships":           {[]string{"work", "education"}, "stageplaatsen"},
	"youth_work":            {[]string{"youth", "safety"}, "jongerenwerk"},
	"after_school":          {[]string{"youth", "education"}, "naschoolse activiteiten"},
	"sports_activities":     {[]string{"health", "youth"}, "sportactiviteiten"},
	"cultural_activities":   {[]string{"youth", "integration"}, "culturele activiteiten"},
	"housing_adaptation":    {[]string{"housing", "health"}, "woningaanpassingen"},
	"housing_allocation":    {[]string{"housing"}, "woningtoewijzing"},
	"odd_jobs":              {[]string{"housing"}, "een klussendienst"},
	"district_nursing":      {[]string{"health"}, "wijkverpleging"},
	"mental_health_support": {[]string{"health"}, "ggz-ondersteuning"},
	"informal_care_support": {[]string{"health", "loneliness"}, "ondersteuning van mantelzorgers"},
	"transport":             {[]string{"loneliness", "health"}, "vervoer"},
	"neighbourhood_watch":   {[]string{"safety"}, "buurtpreventie"},
	"greening":              {[]string{"sustainability"}, "vergroening van de buurt"},
	"energy_coaching":       {[]string{"sustainability", "poverty"}, "energiecoaching"},
	"co_funding":            {nil, "cofinanciering"},
	"research_monitoring":   {nil, "onderzoek en monitoring"},
	"outreach":              {[]string{"loneliness", "poverty"}, "outreachend werk"},
	"venue":                 {nil, "ruimte voor activiteiten"},
	"legal_advice":          {[]string{"poverty", "housing"}, "juridisch advies"},
}

// ideas are the private ideas of SPEC §2 (Profile.Private["ideas"]), by the instrument
// they grow from; {P} is the place.
var ideas = map[string]string{
	"meeting_place":         "Een vaste koffieochtend in {P} waar nieuwe bewoners welkom worden geheten.",
	"meals":                 "Een wekelijkse buurtmaaltijd in {P} waar ouderen en jongeren samen koken.",
	"greening":              "Elke straat in {P} een eigen groenteam dat de boomspiegels adopteert.",
	"neighbourhood_watch":   "Avondwandelingen met buurtvaders langs de speelplekken in {P}.",
	"odd_jobs":              "Een klussenbank waar bewoners van {P} gereedschap en tijd met elkaar ruilen.",
	"home_visits":           "Huisbezoeken aan 75-plussers in {P} combineren met een gratis energiecheck.",
	"buddy_program":         "Maatjes koppelen aan nieuwkomers in {P} via de sportclub van hun kinderen.",
	"debt_counseling":       "Een anoniem geldspreekuur in de supermarkt van {P}.",
	"budget_coaching":       "Een spel over geldzaken voor jonge ouders in {P}, samen met de school.",
	"language_classes":      "Taalles op de werkvloer voor nieuwkomers in {P}, gekoppeld aan een stage.",
	"digital_skills":        "Jongeren uit {P} die ouderen helpen met DigiD en de bankapp.",
	"job_placement":         "Leerwerkplekken in {P} voor mensen zonder startkwalificatie, met een vaste werkbegeleider.",
	"youth_work":            "Een jongerenraad in {P} die zelf een deel van het budget verdeelt.",
	"after_school":          "Een huiswerkclub in {P} waar oud-leerlingen bijles geven.",
	"sports_activities":     "Gratis bewegen in het park van {P} voor moeders met jonge kinderen.",
	"cultural_activities":   "Een buurtvoorstelling in {P} met de verhalen van oudere bewoners.",
	"energy_coaching":       "Energiecoaches uit {P} zelf opleiden en betalen uit de besparing.",
	"informal_care_support": "Een mantelzorgcafé in {P} op zaterdagochtend, met opvang voor de naaste.",
	"mental_health_support": "Een inloopochtend in {P} waar ervaringsdeskundigen het eerste gesprek voeren.",
}

// fallbackIdeas serve partners whose instruments have no idea of their own.
var fallbackIdeas = []string{
	"Een buurtfestival in {P} waar alle partners van de coalitie zich voorstellen.",
	"Een buurtbudget in {P} waarover bewoners zelf beslissen.",
	"Een vaste plek in {P} waar bewoners met één vraag bij alle organisaties terechtkunnen.",
}

// surnames fill {S}; written as a family name stands alone in Dutch ("Van Dijk").
var surnames = []string{
	"De Vries", "Jansen", "Bakker", "Visser", "Smit", "Meijer", "De Boer", "Mulder", "Bos", "Vos",
	"Peters", "Hendriks", "Van Dijk", "Dekker", "Brouwer", "Van Leeuwen", "El Idrissi", "Yilmaz",
	"Kaya", "Öztürk", "Benali", "Van der Berg", "Kramer", "Verhoeven",
}

// schoolNames fill {X}.
var schoolNames = []string{
	"De Regenboog", "De Vlinder", "Het Kompas", "De Zonnewijzer", "De Klimop", "Het Mozaïek",
	"De Kameleon", "De Boomgaard", "Het Talent", "De Sterrenkijker", "De Twijg", "De Wissel",
}
