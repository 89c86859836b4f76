package synth

import (
	"strconv"
	"strings"

	"samenspel/internal/profiles"
)

// sizes are the size classes in the order of kindSpec.size.
var sizes = [3]string{profiles.SizeSmall, profiles.SizeMedium, profiles.SizeLarge}

// Per size (small, medium, large): how many instruments a partner offers (1–4), how
// well it delivers them (levels 0.25, 0.5, 0.75, 1), and how likely it is new, can
// lead, or shares a private idea.
var (
	instrumentCounts = [3][4]float64{{0.35, 0.45, 0.2, 0}, {0.1, 0.4, 0.35, 0.15}, {0, 0.3, 0.4, 0.3}}
	levelWeights     = [3][4]float64{{3, 4, 2, 1}, {1, 3, 4, 2}, {0.5, 1.5, 4, 4}}
	levelSteps       = [4]float64{0.25, 0.5, 0.75, 1}
	newProviderBase  = [3]float64{0.33, 0.12, 0.02}
	canLeadBase      = [3]float64{0.25, 0.8, 0.95}
	ideaChance       = [3]float64{0.45, 0.25, 0.12}
)

// Profiles returns n partner profiles in Utrecht. The kinds follow fixed proportions
// (many residents' groups, welfare, sports and culture, schools and businesses; a few
// housing corporations and care organisations; few municipal bodies, funds and
// knowledge institutions) and every kind appears once n is at least the number of
// kinds; the sizes within a kind follow fixed proportions too (residents' groups
// mostly small, housing corporations and care mostly large). From about 320 profiles
// on, every district has a buurtteam, youth workers and sports coaches (anchors; fewer
// of them for smaller n). Ids are unique.
func Profiles(seed uint64, n int) []profiles.Profile {
	if n <= 0 {
		return nil
	}
	b := newBuilder(newRNG(seed, streamProfiles), nil)
	// Anchors come first so that no free draw takes their names; the shuffle at the
	// end mixes the kinds.
	out := make([]profiles.Profile, 0, n)
	for _, sl := range b.slots(n) {
		k := &kinds[sl.kind]
		if sl.anchor != nil {
			out = append(out, b.build(k, sl.size, "", scope{district: sl.district, neighbourhood: -1}, sl.anchor))
			continue
		}
		size := sl.size
		for size > 0 && !b.nameLeft(k, size) {
			size-- // a city has only so many large organisations of a kind
		}
		out = append(out, b.profile(k, size, "", scope{district: -1, neighbourhood: -1}))
	}
	b.g.shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
	return out
}

// slot is one profile to make: of a kind and a size, and either an anchor
// organisation (in a given district when its name has one) or a free draw.
type slot struct {
	kind     int
	size     int
	anchor   *orgName
	district int
}

// slots plans n profiles: how many of each kind (kinds[].share), the anchors of each
// kind as long as they take at most half of its count, and the sizes of the others
// (kinds[].size), in shuffled order.
func (b *builder) slots(n int) []slot {
	shares := make([]float64, len(kinds))
	for i, k := range kinds {
		shares[i] = k.share
	}
	count := quota(n, shares, n >= len(kinds))
	var out, free []slot
	for ki := range kinds {
		var mine []slot
		for _, a := range anchors {
			if a.kind != kinds[ki].code {
				continue
			}
			tpl := findName(&kinds[ki], a.pattern)
			size := strings.IndexByte("sml", tpl.sizes[len(tpl.sizes)-1]) // the largest it fits
			group := []slot{{kind: ki, size: size, anchor: tpl, district: -1}}
			if strings.Contains(tpl.pattern, "{D}") {
				group = group[:0]
				for di := range b.districts {
					group = append(group, slot{kind: ki, size: size, anchor: tpl, district: di})
				}
			}
			if 2*(len(mine)+len(group)) <= count[ki] {
				mine = append(mine, group...)
			}
		}
		out = append(out, mine...)
		for size, c := range quota(count[ki]-len(mine), kinds[ki].size[:], false) {
			for range c {
				free = append(free, slot{kind: ki, size: size, district: -1})
			}
		}
	}
	b.g.shuffle(len(free), func(i, j int) { free[i], free[j] = free[j], free[i] })
	return append(out, free...)
}

// quota splits n in proportion to shares by largest remainder (ties: the first
// share). With everyOne, every positive share gets at least one while n allows,
// taken from the largest count.
func quota(n int, shares []float64, everyOne bool) []int {
	var total float64
	for _, s := range shares {
		total += s
	}
	counts := make([]int, len(shares))
	if n <= 0 || total <= 0 {
		return counts
	}
	rest := make([]float64, len(shares))
	given := 0
	for i, s := range shares {
		exact := float64(n) * s / total
		counts[i] = int(exact)
		rest[i] = exact - float64(counts[i])
		given += counts[i]
	}
	for ; given < n; given++ {
		best := -1
		for i := range rest {
			if shares[i] > 0 && (best < 0 || rest[i] > rest[best]) {
				best = i
			}
		}
		counts[best]++
		rest[best] = -1
	}
	if everyOne {
		for i := range counts {
			if counts[i] > 0 || shares[i] <= 0 {
				continue
			}
			largest := 0
			for j := range counts {
				if counts[j] > counts[largest] {
					largest = j
				}
			}
			if counts[largest] <= 1 {
				break
			}
			counts[largest]--
			counts[i]++
		}
	}
	return counts
}

// findName returns the name of kind k with the given pattern; the tables are tested
// to have it.
func findName(k *kindSpec, pattern string) *orgName {
	for i := range k.names {
		if k.names[i].pattern == pattern {
			return &k.names[i]
		}
	}
	panic("synth: kind " + k.code + " has no name " + pattern)
}

// scope is where a new profile may be: a district and neighbourhood of Utrecht (index
// into Utrecht(), -1 for any), or, for areas this package has no map of, fixed areas.
type scope struct {
	district, neighbourhood int
	areas                   []string
}

// builder makes profiles one by one, keeping names and ids unique.
type builder struct {
	g         *rng
	districts []District
	weights   []float64
	names     map[string]bool
	ids       map[string]bool
}

// newBuilder returns a builder whose ids avoid the reserved ones.
func newBuilder(g *rng, reserved []string) *builder {
	b := &builder{g: g, districts: Utrecht(), weights: districtWeights(), names: map[string]bool{}, ids: map[string]bool{}}
	for _, id := range reserved {
		b.ids[id] = true
	}
	return b
}

// profile makes one profile of kind k and size (index into sizes). When want is not
// empty the profile offers that instrument.
func (b *builder) profile(k *kindSpec, size int, want string, sc scope) profiles.Profile {
	return b.build(k, size, want, sc, nil)
}

// build makes one profile; an anchor is named after its fixed pattern and fully
// delivers its primary instrument.
func (b *builder) build(k *kindSpec, size int, want string, sc scope, anchor *orgName) profiles.Profile {
	g := b.g
	tpl, name, d, nb := b.name(k, size, want, sc, anchor)

	// Where: small groups a neighbourhood or district, medium one district or two
	// neighbouring ones (more often when the name does not tie it to one place),
	// large the whole municipality.
	var areas []string
	place := "Utrecht"
	switch {
	case size == 0 && strings.Contains(tpl.pattern, "{N}"):
		areas, place = []string{nb.Code}, nb.Name
	case size == 0:
		areas, place = []string{d.Code}, d.Name
	case size == 1 && strings.Contains(tpl.pattern, "{N}"):
		areas, place = []string{d.Code}, nb.Name
	case size == 1:
		areas, place = []string{d.Code}, d.Name
		second := 0.5
		if strings.Contains(tpl.pattern, "{D}") {
			second = 0.15
		}
		if anchor == nil && g.chance(second) {
			other := b.districts[b.indexOf(oneOf(g, neighbours[d.Code]))]
			if other.Code < d.Code {
				areas = []string{other.Code, d.Code}
				place = other.Name + " en " + d.Name
			} else {
				areas = []string{d.Code, other.Code}
				place = d.Name + " en " + other.Name
			}
		}
	default:
		areas = []string{Municipality}
	}
	if sc.areas != nil {
		areas = append([]string(nil), sc.areas...)
	}

	picks := b.instruments(k, tpl, size, want)
	levels := make(map[string]float64, len(picks))
	for i, code := range picks {
		step := g.pick(levelWeights[size][:])
		if i == 0 && step < len(levelSteps)-1 {
			step++ // what the name promises, it does best
		}
		if i == 0 && anchor != nil {
			step = len(levelSteps) - 1
		}
		levels[code] = levelSteps[step]
	}

	p := profiles.Profile{
		Name:        name,
		Kind:        k.code,
		Size:        sizes[size],
		NewProvider: g.chance(newProviderBase[size] * k.newProvider),
		CanLead:     g.chance(canLeadBase[size] * k.lead),
		Areas:       areas,
		Instruments: levels,
		Themes:      b.themes(picks),
		Description: b.description(k, place, picks),
	}
	p.ID = b.id(name)
	p.Contact = &profiles.Contact{Email: p.ID + "@example.org"}
	if g.chance(ideaChance[size]) {
		p.Private = map[string]string{"ideas": b.idea(place, picks)}
	}
	return p
}

// name draws a name pattern and a place and fills them in, redrawing a few times
// before it numbers a name that is already taken.
func (b *builder) name(k *kindSpec, size int, want string, sc scope, anchor *orgName) (orgName, string, District, Neighbourhood) {
	g := b.g
	letter := "sml"[size : size+1]
	var fits []orgName
	var weights []float64
	for _, tpl := range k.names {
		if !strings.Contains(tpl.sizes, letter) || anchor != nil && tpl.pattern != anchor.pattern {
			continue
		}
		w := 1.0
		if want != "" && offers(k, tpl, want) {
			w = 4
		}
		fits = append(fits, tpl)
		weights = append(weights, w)
	}
	if len(fits) == 0 { // a table error; tests keep it from happening
		fits, weights = k.names, nil
		for range fits {
			weights = append(weights, 1)
		}
	}
	var (
		tpl  orgName
		name string
		d    District
		nb   Neighbourhood
	)
	for range 30 {
		tpl = fits[g.pick(weights)]
		d, nb = b.site(sc)
		name = strings.NewReplacer(
			"{N}", nb.Name, "{D}", d.Name, "{S}", oneOf(g, surnames), "{X}", oneOf(g, schoolNames),
		).Replace(tpl.pattern)
		if !b.names[name] {
			break
		}
	}
	if b.names[name] {
		base := name
		for i := 2; b.names[name]; i++ {
			name = base + " " + strconv.Itoa(i)
		}
	}
	b.names[name] = true
	return tpl, name, d, nb
}

// nameLeft reports whether kind k still has an unused name for size: a pattern with
// a place in it, or a fixed name nobody has yet.
func (b *builder) nameLeft(k *kindSpec, size int) bool {
	letter := "sml"[size : size+1]
	for _, tpl := range k.names {
		if strings.Contains(tpl.sizes, letter) && (strings.Contains(tpl.pattern, "{") || !b.names[tpl.pattern]) {
			return true
		}
	}
	return false
}

// indexOf returns the index of a district code in b.districts.
func (b *builder) indexOf(code string) int {
	for i, d := range b.districts {
		if d.Code == code {
			return i
		}
	}
	panic("synth: unknown district " + code)
}

// site draws a district and a neighbourhood within the scope.
func (b *builder) site(sc scope) (District, Neighbourhood) {
	di := sc.district
	if di < 0 {
		di = b.g.pick(b.weights)
	}
	d := b.districts[di]
	ni := sc.neighbourhood
	if ni < 0 {
		ni = b.g.intn(len(d.Neighbourhoods))
	}
	return d, d.Neighbourhoods[ni]
}

// offers reports whether an organisation named after tpl plausibly offers code.
func offers(k *kindSpec, tpl orgName, code string) bool {
	if tpl.primary == code {
		return true
	}
	if tpl.also != nil {
		return contains(tpl.also, code)
	}
	for _, w := range k.instruments {
		if w.code == code {
			return true
		}
	}
	return false
}

// instruments draws the codes a partner offers: the name's primary one first, then
// others that fit the organisation, and want among them when it is set.
func (b *builder) instruments(k *kindSpec, tpl orgName, size int, want string) []string {
	g := b.g
	var pool []weighted
	if tpl.also != nil {
		for _, code := range tpl.also {
			pool = append(pool, weighted{code, 1})
		}
	} else {
		for _, w := range k.instruments {
			if w.code != tpl.primary {
				pool = append(pool, w)
			}
		}
	}
	count := 1 + g.pick(instrumentCounts[size][:])
	picks := []string{tpl.primary}
	for len(picks) < count && len(pool) > 0 {
		ws := make([]float64, len(pool))
		for i, w := range pool {
			ws[i] = w.weight
		}
		i := g.pick(ws)
		picks = append(picks, pool[i].code)
		pool = append(pool[:i:i], pool[i+1:]...)
	}
	if want != "" && !contains(picks, want) {
		if len(picks) < 4 && g.chance(0.5) || len(picks) == 1 {
			picks = append(picks, want)
		} else {
			picks[len(picks)-1] = want
		}
	}
	return picks
}

// themes are the themes the instruments serve, most served first, at most three; a
// partner whose instruments serve no theme of their own (money, a venue, research)
// gets one to three at random.
func (b *builder) themes(picks []string) []string {
	count := map[string]int{}
	for _, code := range picks {
		for _, th := range instrumentInfo[code].themes {
			count[th]++
		}
	}
	var out []string
	for c := len(picks); c > 0 && len(out) < 3; c-- {
		for _, th := range themeOrder {
			if count[th] == c && len(out) < 3 {
				out = append(out, th)
			}
		}
	}
	if len(out) > 0 {
		return out
	}
	order := append([]string(nil), themeOrder...)
	b.g.shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
	return order[:b.g.between(1, 3)]
}

// description is one Dutch sentence about who the partner is and one about what it
// offers.
func (b *builder) description(k *kindSpec, place string, picks []string) string {
	intro := strings.ReplaceAll(oneOf(b.g, k.intros), "{P}", place)
	phrases := make([]string, len(picks))
	for i, code := range picks {
		phrases[i] = instrumentInfo[code].phrase
	}
	offers := k.offers
	if offers == nil {
		offers = []string{"Wij bieden %s.", "Bij ons vindt u %s.", "Wij zetten ons in met %s."}
	}
	offer := oneOf(b.g, offers)
	return intro + ". " + strings.Replace(offer, "%s", dutchList(phrases), 1)
}

// idea is a short private idea grown from one of the partner's instruments.
func (b *builder) idea(place string, picks []string) string {
	var own []string
	for _, code := range picks {
		if s, ok := ideas[code]; ok {
			own = append(own, s)
		}
	}
	if len(own) == 0 {
		own = fallbackIdeas
	}
	return strings.ReplaceAll(oneOf(b.g, own), "{P}", place)
}

// id returns the slug of name, made unique with a numeric suffix.
func (b *builder) id(name string) string {
	base := slug(name)
	if base == "" {
		base = "partner"
	}
	id := base
	for i := 2; b.ids[id]; i++ {
		suffix := "-" + strconv.Itoa(i)
		id = strings.TrimRight(truncate(base, maxID-len(suffix)), "-") + suffix
	}
	b.ids[id] = true
	return id
}

// dutchList joins phrases as Dutch does: "a", "a en b", "a, b en c".
func dutchList(xs []string) string {
	switch len(xs) {
	case 0:
		return ""
	case 1:
		return xs[0]
	}
	return strings.Join(xs[:len(xs)-1], ", ") + " en " + xs[len(xs)-1]
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}
