package synth

// Municipality is the CBS code of Utrecht, the municipality all synthetic data lives in.
const Municipality = "GM0344"

// District is a wijk of Utrecht with its CBS-style code (WK0344dd) and neighbourhoods.
type District struct {
	Code, Name     string
	Neighbourhoods []Neighbourhood
}

// Neighbourhood is a buurt of Utrecht with its CBS-style code (BU0344dddd: the
// district's digits and two more).
type Neighbourhood struct {
	Code, Name string
}

// utrecht lists the districts with their neighbourhoods and, as weight, roughly their
// population in thousands: busy districts get more residents' groups and clubs.
// The codes follow SPEC §1 containment (BU03440301 lies in WK034403); they are
// CBS-style, not the exact CBS buurt numbers.
var utrecht = []struct {
	code, name string
	weight     float64
	buurten    []string
}{
	{"WK034401", "West", 28, []string{"Lombok", "Oog in Al", "Nieuw Engeland", "Schepenbuurt", "Halve Maan", "Welgelegen", "Damstraat"}},
	{"WK034402", "Noordwest", 38, []string{"Zuilen", "Ondiep", "Pijlsweerd", "Elinkwijk", "Lauwerecht", "Queeckhoven", "Geuzenwijk"}},
	{"WK034403", "Overvecht", 35, []string{"Tigrisdreef", "Zambesidreef", "Vechtzoom", "Taagdreef", "Neckardreef", "Wolgadreef", "Amazonedreef"}},
	{"WK034404", "Noordoost", 27, []string{"Wittevrouwen", "Tuinwijk", "Tuindorp", "Voordorp", "Vogelenbuurt", "Staatsliedenbuurt", "Zeeheldenbuurt"}},
	{"WK034405", "Oost", 34, []string{"Oudwijk", "Abstede", "Sterrenwijk", "Wilhelminapark", "Rijnsweerd", "Galgenwaard", "Watervogelbuurt"}},
	{"WK034406", "Binnenstad", 18, []string{"Wijk C", "Museumkwartier", "Breedstraat", "Nieuwegracht", "Springweg", "Stationsgebied"}},
	{"WK034407", "Zuid", 29, []string{"Oud-Hoograven", "Nieuw-Hoograven", "Tolsteeg", "Lunetten", "Rotsoord"}},
	{"WK034408", "Zuidwest", 32, []string{"Kanaleneiland-Noord", "Kanaleneiland-Zuid", "Transwijk", "Dichterswijk", "Rivierenwijk", "Bokkenbuurt"}},
	{"WK034409", "Leidsche Rijn", 55, []string{"Parkwijk", "Langerak", "Terwijde", "Het Zand", "Leidsche Rijn Centrum", "Hogeweide", "Grauwaart"}},
	{"WK034410", "Vleuten-De Meern", 47, []string{"Vleuten", "De Meern", "Vleuterweide", "Haarzuilens", "Veldhuizen", "Leeuwesteyn"}},
}

// neighbours are the districts that border each district.
var neighbours = map[string][]string{
	"WK034401": {"WK034402", "WK034406", "WK034408", "WK034409"},
	"WK034402": {"WK034401", "WK034403", "WK034404", "WK034406", "WK034409"},
	"WK034403": {"WK034402", "WK034404"},
	"WK034404": {"WK034402", "WK034403", "WK034405", "WK034406"},
	"WK034405": {"WK034404", "WK034406", "WK034407"},
	"WK034406": {"WK034401", "WK034402", "WK034404", "WK034405", "WK034407", "WK034408"},
	"WK034407": {"WK034405", "WK034406", "WK034408"},
	"WK034408": {"WK034401", "WK034406", "WK034407", "WK034409"},
	"WK034409": {"WK034401", "WK034402", "WK034408", "WK034410"},
	"WK034410": {"WK034409"},
}

// Utrecht returns the 10 districts of Utrecht (WK034401 West … WK034410
// Vleuten-De Meern), each with its neighbourhoods. Every call returns a fresh copy.
func Utrecht() []District {
	ds := make([]District, len(utrecht))
	for i, u := range utrecht {
		d := District{Code: u.code, Name: u.name, Neighbourhoods: make([]Neighbourhood, len(u.buurten))}
		for j, name := range u.buurten {
			d.Neighbourhoods[j] = Neighbourhood{Code: "BU" + u.code[2:] + twoDigits(j+1), Name: name}
		}
		ds[i] = d
	}
	return ds
}

func twoDigits(i int) string { return string([]byte{byte('0' + i/10), byte('0' + i%10)}) }

// districtWeights returns the population weights of Utrecht(), in the same order.
func districtWeights() []float64 {
	w := make([]float64, len(utrecht))
	for i, u := range utrecht {
		w[i] = u.weight
	}
	return w
}

// titlePlace is how a tender title names a district: Zuidwest is known by its largest
// part, Kanaleneiland.
func titlePlace(d District) string {
	if d.Code == "WK034408" {
		return "Kanaleneiland"
	}
	return d.Name
}
