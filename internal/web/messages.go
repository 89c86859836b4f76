package web

import "fmt"

// The message catalogue: every text of the pages in Dutch and English. Templates
// say {{t "key" args...}}, Go code t(l, "key", args...); arguments are formatted
// already (money, numbers, names), so each text is a fmt format. A key missing
// from the catalogue shows as ‹key›, which the tests look for.

type text struct{ nl, en string }

// t is the text of key in l, with args filled in.
func t(l Lang, key string, args ...any) string {
	m, ok := catalogue[key]
	if !ok {
		return "‹" + key + "›"
	}
	s := m.nl
	if l == EN {
		s = m.en
	}
	if len(args) > 0 {
		s = fmt.Sprintf(s, args...)
	}
	return s
}

var catalogue = map[string]text{
	// The frame of every page.
	"skip":          {"Naar de inhoud", "Skip to content"},
	"nav.label":     {"Hoofdmenu", "Main menu"},
	"nav.tenders":   {"Aanbestedingen", "Tenders"},
	"nav.partners":  {"Partners", "Partners"},
	"lang.switch":   {"English", "Nederlands"},
	"footer.what":   {"Samenspel stelt coalities voor; wie samenwerkt, beslissen de partners en de gemeente zelf.", "Samenspel suggests coalitions; the partners and the municipality decide themselves who works together."},
	"footer.api":    {"Voor ontwikkelaars: de API, beschreven in", "For developers: the API, described in"},
	"footer.design": {"Vormgeving: NL Design System, onder licentie", "Design: NL Design System, under licence"},

	// Words used throughout.
	"and":               {"en", "and"},
	"none":              {"geen", "none"},
	"area.nl":           {"heel Nederland", "the whole Netherlands"},
	"size.small":        {"klein", "small"},
	"size.medium":       {"middelgroot", "medium-sized"},
	"size.large":        {"groot", "large"},
	"badge.new":         {"nieuw", "new"},
	"badge.lead":        {"trekker", "lead"},
	"badge.canlead":     {"Kan trekker zijn", "Can lead"},
	"badge.newprovider": {"Nieuwe aanbieder", "New provider"},

	"level.full":          {"volledig", "in full"},
	"level.almost":        {"bijna volledig", "almost in full"},
	"level.threequarters": {"voor driekwart", "three quarters"},
	"level.half":          {"voor de helft", "half"},
	"level.quarter":       {"voor een kwart", "a quarter"},
	"level.little":        {"voor een klein deel", "a small part"},

	"col.tender":     {"Aanbesteding", "Tender"},
	"col.area":       {"Gebied", "Area"},
	"col.budget":     {"Budget", "Budget"},
	"col.posted":     {"Geplaatst", "Posted"},
	"col.partner":    {"Partner", "Partner"},
	"col.kind":       {"Soort", "Kind"},
	"col.size":       {"Omvang", "Size"},
	"col.offers":     {"Biedt", "Offers"},
	"col.themes":     {"Thema's", "Themes"},
	"col.updated":    {"Bijgewerkt", "Updated"},
	"col.brings":     {"Brengt in", "Brings"},
	"col.unique":     {"Alleen deze partner", "Only this partner"},
	"col.meerwaarde": {"Meerwaarde", "Added value"},
	"col.subbudget":  {"Deelbudget", "Sub-budget"},

	// The start page.
	"home.title":       {"Samen een maatschappelijke opgave aanpakken", "Taking on a social challenge together"},
	"home.lead":        {"Samenspel helpt gemeenten en partners een coalitie te vormen voor een maatschappelijke opgave, zoals eenzaamheid onder ouderen of schulden bij jonge gezinnen in een wijk.", "Samenspel helps municipalities and partners form a coalition for a social challenge, such as loneliness among older people or debt among young families in a neighbourhood."},
	"home.how":         {"Bij elke aanbesteding stelt Samenspel coalities voor van partners die elkaar aanvullen: bewonersgroepen, welzijn en zorg, scholen, woningcorporaties, bedrijven. Per coalitie ziet u wat elke partner inbrengt, wat alleen die partner inbrengt, welke meerwaarde hij heeft en welk deel van het budget daarbij past. De keuze blijft bij de mensen zelf.", "For each tender, Samenspel suggests coalitions of partners who complement each other: residents' groups, welfare and care, schools, housing corporations, businesses. For each coalition you see what every partner brings, what only that partner brings, its added value and the part of the budget that goes with it. The choice stays with the people themselves."},
	"home.forpartners": {"Voor partners: zoek wie er al meedoet, bekijk profielen en zie bij welke aanbestedingen u past.", "For partners: find out who takes part already, look at profiles and see which tenders you fit."},
	"home.forowners":   {"Voor opdrachtgevers: bekijk per aanbesteding de voorgestelde coalities, met de redenen erbij.", "For tender owners: see the suggested coalitions of each tender, with the reasons behind them."},
	"home.open":        {"Open aanbestedingen", "Open tenders"},
	"home.noopen":      {"Er staan nu geen aanbestedingen open.", "No tenders are open now."},
	"home.closed":      {"Gesloten aanbestedingen", "Closed tenders"},
	"home.search":      {"Partners zoeken", "Find partners"},

	// Partner search.
	"partners.title":             {"Partners", "Partners"},
	"partners.intro":             {"Alle partners die zich hebben aangemeld, met wat ze bieden en waar. Kies een partner voor het hele profiel.", "Every partner that has registered, with what it offers and where. Choose a partner for its whole profile."},
	"partners.form":              {"Partners zoeken", "Search partners"},
	"partners.q":                 {"Zoek op naam, instrument of thema", "Search by name, instrument or theme"},
	"partners.submit":            {"Zoeken", "Search"},
	"partners.clear":             {"Filters wissen", "Clear filters"},
	"partners.group.who":         {"Organisatie", "Organisation"},
	"partners.group.where":       {"Gebied", "Area"},
	"partners.group.what":        {"Aanbod", "Offer"},
	"partners.filter.kind":       {"Soort organisatie", "Kind of organisation"},
	"partners.filter.size":       {"Omvang", "Size"},
	"partners.filter.area":       {"Werkt in", "Works in"},
	"partners.filter.instrument": {"Instrument", "Instrument"},
	"partners.filter.theme":      {"Thema", "Theme"},
	"partners.any.kind":          {"Alle soorten", "All kinds"},
	"partners.any.size":          {"Alle omvangen", "Any size"},
	"partners.any.area":          {"Overal", "Anywhere"},
	"partners.any.instrument":    {"Alle instrumenten", "All instruments"},
	"partners.any.theme":         {"Alle thema's", "All themes"},
	"partners.ignored":           {"Onbekende waarde genegeerd bij: %s.", "Unknown value ignored for: %s."},
	"partners.results":           {"Resultaten", "Results"},
	"partners.range":             {"%s–%s van %s partners", "%s–%s of %s partners"},
	"partners.page":              {"Pagina %s van %s", "Page %s of %s"},
	"partners.beyond":            {"Geen partners op deze pagina; in totaal zijn er %s gevonden.", "No partners on this page; %s were found in all."},
	"partners.none":              {"Geen partners gevonden. Probeer een ander woord of minder filters.", "No partners found. Try another word or fewer filters."},
	"pager.label":                {"Pagina's", "Pages"},
	"pager.prev":                 {"Vorige", "Previous"},
	"pager.next":                 {"Volgende", "Next"},

	// A profile.
	"profile.stale":        {"Dit profiel is al meer dan een jaar niet bijgewerkt of bevestigd. Tot de partner dat doet, doet het niet mee in voorstellen.", "This profile has not been updated or confirmed for over a year. Until the partner does, it takes no part in suggestions."},
	"profile.stale.since":  {"Dit profiel is sinds %s niet meer actueel. Tot de partner het bijwerkt of bevestigt, doet het niet mee in voorstellen.", "This profile has not been current since %s. Until the partner updates or confirms it, it takes no part in suggestions."},
	"profile.offers":       {"Wat deze partner biedt", "What this partner offers"},
	"profile.levels":       {"Bij elk instrument staat hoeveel de partner er zelf van kan leveren: volledig betekent dat de partner het helemaal alleen kan.", "Each instrument says how much of it the partner can deliver itself: in full means the partner can do it entirely on its own."},
	"profile.visible":      {"Wat anderen niet zien", "What others do not see"},
	"profile.visible.text": {"Contactgegevens ziet alleen wie een aanbesteding uitschrijft; de eigen ideeën van een partner ziet alleen de partner zelf. Op deze pagina staat alleen wat iedereen mag zien.", "Contact details are seen only by those who put out tenders; a partner's own ideas only by the partner itself. This page shows only what anyone may see."},

	// A tender.
	"tender.open":            {"Open", "Open"},
	"tender.closed":          {"Gesloten", "Closed"},
	"tender.nobudget":        {"Geen budget genoemd", "No budget given"},
	"tender.coalition":       {"Coalitie", "Coalition"},
	"tender.size.exactly":    {"%s partners", "%s partners"},
	"tender.size.range":      {"%s tot %s partners", "%s to %s partners"},
	"tender.rule":            {"Regel", "Rule"},
	"tender.rule.kinds":      {"Verplicht in de coalitie: %s.", "Required in the coalition: %s."},
	"tender.rule.maxlarge":   {"Hoogstens %s grote partners.", "At most %s large partners."},
	"tender.rule.maxlarge.0": {"Geen grote partners.", "No large partners."},
	"tender.rule.maxlarge.1": {"Hoogstens één grote partner.", "At most one large partner."},
	"tender.rule.minsmall":   {"Ten minste %s kleine of nieuwe partners.", "At least %s small or new partners."},
	"tender.rule.minsmall.1": {"Ten minste één kleine of nieuwe partner.", "At least one small or new partner."},
	"tender.rule.exclude":    {"%s partners zijn uitgesloten.", "%s partners are excluded."},
	"tender.rule.exclude.1":  {"Eén partner is uitgesloten.", "One partner is excluded."},
	"tender.needs":           {"Wat er nodig is", "What is needed"},
	"tender.weight":          {"gewicht %s", "weight %s"},
	"tender.must":            {"vereist", "required"},
	"tender.explain":         {"Hoe de voorstellen tot stand komen", "How the suggestions come about"},
	"tender.coalitions":      {"Voorgestelde coalities", "Suggested coalitions"},
	"tender.candidates":      {"Samenspel woog de partners die in aanmerking komen: %s kandidaten.", "Samenspel weighed the partners that qualify: %s candidates."},
	"tender.more":            {"Toon alle voorgestelde coalities", "Show all suggested coalitions"},
	"tender.fewer":           {"Toon alleen de eerste vijf", "Show only the first five"},
	"explain.score":          {"De score loopt van 0 tot 100 en telt vier dingen mee: dekking (hoeveel van wat nodig is de partners samen kunnen leveren, naar gewicht), diversiteit (hoeveel verschillende soorten organisaties meedoen), vertrouwen (hoe goed de partners eerder samenwerkten) en inclusie (het aandeel kleine en nieuwe aanbieders). Bij deze aanbesteding wegen ze %s, %s, %s en %s.", "The score runs from 0 to 100 and counts four things: coverage (how much of what is needed the partners can deliver together, by weight), diversity (how many different kinds of organisation take part), trust (how well the partners worked together before) and inclusion (the share of small and new providers). For this tender they weigh %s, %s, %s and %s."},
	"explain.meerwaarde":     {"De meerwaarde van een partner is het deel van de score dat hij in het samenspel toevoegt. Denk aan alle volgordes waarin de coalitie had kunnen ontstaan: de meerwaarde is hoeveel de score gemiddeld stijgt op het moment dat deze partner erbij komt (de Shapley-waarde). Samen tellen de meerwaarden op tot de score. De balk laat zien waar de meerwaarde vandaan komt: dekking, diversiteit, vertrouwen of inclusie.", "A partner's added value (meerwaarde) is the part of the score it adds in the interplay. Think of every order in which the coalition could have formed: the added value is how much the score rises, on average, at the moment this partner joins (its Shapley value). Together the added values sum to the score. The bar shows where the added value comes from: coverage, diversity, trust or inclusion."},
	"explain.budget":         {"Het deelbudget is het budget van de aanbesteding, verdeeld naar meerwaarde. Zo krijgt ook een kleine partner die weinig maar iets eigens inbrengt, of die als nieuwe aanbieder de coalitie breder maakt, een zichtbaar deel.", "The sub-budget is the tender's budget, divided by added value. So a small partner that brings little but something of its own, or that makes the coalition broader as a new provider, also gets a visible share."},
	"legend":                 {"Kleuren in de balken:", "Colours in the bars:"},
	"part.coverage":          {"dekking", "coverage"},
	"part.diversity":         {"diversiteit", "diversity"},
	"part.trust":             {"vertrouwen", "trust"},
	"part.inclusion":         {"inclusie", "inclusion"},
	"coalition.title":        {"Coalitie %d: score %s van 100", "Coalition %d: score %s out of 100"},
	"coalition.lead":         {"Trekker: %s.", "Lead partner: %s."},
	"coalition.nolead":       {"Geen van deze partners kan trekker zijn: de coalitie kiest samen een trekker.", "None of these partners can lead: the coalition chooses a lead together."},
	"coalition.breakdown":    {"Dekking %s · diversiteit %s · vertrouwen %s · inclusie %s", "Coverage %s · diversity %s · trust %s · inclusion %s"},
	"coalition.gaps":         {"Ontbreekt nog, terwijl het vereist is: %s.", "Still missing, though required: %s."},
	"coalition.members":      {"De partners van coalitie %d", "The partners of coalition %d"},
	"coalition.variant":      {"Even goed als coalitie %d, met %s in plaats van %s.", "As good as coalition %d, with %s instead of %s."},
	"coalition.nosplit":      {"De meerwaarde is hier niet in delen te splitsen, omdat het profiel van een partner intussen is verwijderd.", "Here the added value cannot be split into its parts, since a partner's profile has been removed meanwhile."},
	"meerwaarde.points":      {"%s punten", "%s points"},
	"meerwaarde.share":       {"%s van de score", "%s of the score"},
	"unique.none":            {"Niets wat een ander niet ook brengt", "Nothing the others do not bring too"},

	// Why a member is in its coalition.
	"why.unique":   {"Alleen %s brengt %s in.", "Only %s brings %s."},
	"why.adds":     {"%s vult %s aan, samen met anderen.", "%s adds to %s, together with others."},
	"why.kind":     {"Het is de enige %s in de coalitie, wat de coalitie diverser maakt.", "It is the only %s in the coalition, which makes the coalition more diverse."},
	"why.small":    {"Als kleine organisatie telt deze partner mee voor inclusie.", "As a small organisation it counts towards inclusion."},
	"why.new":      {"Als nieuwe aanbieder telt deze partner mee voor inclusie.", "As a new provider it counts towards inclusion."},
	"why.smallnew": {"Als kleine, nieuwe aanbieder telt deze partner mee voor inclusie.", "As a small, new provider it counts towards inclusion."},
	"why.lead":     {"Deze partner kan trekker zijn en heeft de grootste meerwaarde van wie dat kan.", "It can lead, and has the largest added value of those who can."},

	// The engine's warnings (words.go).
	"warning.nocandidates": {"Geen enkele partner komt in aanmerking: niemand biedt iets wat nodig is in een gebied dat overlapt met dat van de aanbesteding.", "No partner qualifies: nobody offers something needed in an area that overlaps the tender's."},
	"warning.requiredkind": {"Geen kandidaat is een %s, terwijl de aanbesteding daarom vraagt.", "No candidate is a %s, which the tender asks for."},
	"warning.infeasible":   {"Geen coalitie levert alles wat vereist is. Hieronder staan de beste die aan de andere regels voldoen, met wat er ontbreekt.", "No coalition delivers everything required. Below are the best that keep the other rules, with what is missing."},
	"warning.inexact":      {"Er zijn zoveel mogelijke coalities dat Samenspel ze niet allemaal heeft doorgerekend: dit zijn de beste die het vond. Geen enkele coalitie scoort hoger dan %s van 100.", "There are so many possible coalitions that Samenspel did not weigh them all: these are the best it found. No coalition scores above %s out of 100."},
	"warning.deadline":     {"Samenspel moest stoppen met zoeken voordat alles was doorgerekend: dit zijn de beste coalities die het tot dan vond. Geen enkele coalitie scoort hoger dan %s van 100. Laad de pagina later opnieuw voor een vollediger antwoord.", "Samenspel had to stop searching before it had weighed everything: these are the best coalitions it found by then. No coalition scores above %s out of 100. Load the page again later for a fuller answer."},
	"warning.norules":      {"Geen coalitie voldoet aan de regels voor omvang, soorten partners en grote en kleine partners zonder een partner die niets toevoegt.", "No coalition keeps the rules on size, kinds of partner, and large and small partners without a partner that adds nothing."},
	"warning.nolead":       {"Geen van de partners kan trekker zijn: de coalitie kiest samen een trekker.", "None of the partners can lead: the coalition chooses a lead together."},
	"warning.dominant":     {"%s heeft %s van de score: een dominante partner. Let erop dat de anderen zeggenschap houden.", "%s holds %s of the score: a dominant partner. Make sure the others keep a say."},
	"warning.partial":      {"%s is maar voor %s gedekt.", "%s is only %s covered."},
	"warning.uncovered":    {"%s: geen van de partners brengt dit in.", "%s: none of the partners brings it."},

	// Error pages.
	"error.home":        {"Naar de startpagina", "To the start page"},
	"error.code":        {"Foutcode %d", "Error code %d"},
	"error.400.title":   {"Dit verzoek klopt niet", "Bad request"},
	"error.400.text":    {"Het adres of de gegevens van dit verzoek kloppen niet.", "The address or the data of this request is not right."},
	"error.403.title":   {"Geen toegang", "No access"},
	"error.403.text":    {"U mag deze pagina niet bekijken of dit niet doen.", "You may not see this page, or do this."},
	"error.404.title":   {"Deze pagina bestaat niet", "Page not found"},
	"error.404.text":    {"De pagina die u zoekt bestaat niet (meer). Misschien is de aanbesteding of het profiel verwijderd, of klopt het adres niet.", "The page you are looking for does not exist (any more). Perhaps the tender or profile was removed, or the address is wrong."},
	"error.405.title":   {"Dat kan hier niet", "Not possible here"},
	"error.405.text":    {"Deze pagina kunt u alleen bekijken.", "This page can only be viewed."},
	"error.413.title":   {"Te groot", "Too large"},
	"error.413.text":    {"Wat u stuurde is groter dan 1 MiB.", "What you sent is larger than 1 MiB."},
	"error.429.title":   {"Even rustig aan", "Slow down a little"},
	"error.429.text":    {"Er kwamen in korte tijd te veel verzoeken van uw adres. Wacht een minuut en probeer het dan opnieuw.", "Too many requests came from your address in a short time. Wait a minute and try again."},
	"error.500.title":   {"Er ging iets mis", "Something went wrong"},
	"error.500.text":    {"Er ging bij ons iets mis. Probeer het later opnieuw; blijft het misgaan, laat het de beheerder weten.", "Something went wrong on our side. Try again later; if it keeps failing, let the operator know."},
	"error.503.title":   {"Even niet beschikbaar", "Not available right now"},
	"error.503.text":    {"Samenspel is nu te druk of kon niet op tijd antwoorden. Probeer het over een paar seconden opnieuw.", "Samenspel is too busy right now, or could not answer in time. Try again in a few seconds."},
	"error.other.title": {"Er ging iets mis", "Something went wrong"},
	"error.other.text":  {"Dit verzoek kon niet worden afgehandeld.", "This request could not be handled."},
}
