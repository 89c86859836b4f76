package profiles

// Size classes of a partner (SPEC §2).
const (
	SizeSmall  = "small"
	SizeMedium = "medium"
	SizeLarge  = "large"
)

// Outcomes of a collaboration event (SPEC §2, §4).
const (
	OutcomePositive = "positive"
	OutcomeNegative = "negative"
)

// Contact is how tender owners and admins reach a partner. It is never shown in
// search results, suggestions or shared caches.
type Contact struct {
	Email   string `json:"email,omitempty"`
	Phone   string `json:"phone,omitempty"`
	Website string `json:"website,omitempty"`
	Person  string `json:"person,omitempty"`
}

// Profile is a registered partner: what it offers, where, and how big it is.
type Profile struct {
	ID          string             `json:"id"`
	Name        string             `json:"name"`
	Kind        string             `json:"kind"`
	Size        string             `json:"size"`
	NewProvider bool               `json:"new_provider"`
	CanLead     bool               `json:"can_lead"`
	Areas       []string           `json:"areas"`
	Instruments map[string]float64 `json:"instruments"`
	Themes      []string           `json:"themes"`
	Description string             `json:"description,omitempty"`
	// Contact is visible to tender owners and admins only.
	Contact *Contact `json:"contact,omitempty"`
	// Private is visible to the profile's owner and admins only: a small provider's
	// ideas stay its own.
	Private map[string]string `json:"private,omitempty"`
	// Stale says the partner has not written or confirmed the profile for 12
	// months: it is no candidate for any tender until it does (internal/store,
	// MarkStale). It is no part of the document the partner writes: it never
	// appears in JSON, a write ignores it (every write makes a profile current
	// again), and the store sets it when it reads a profile whole, so that a copy
	// kept elsewhere (the search index) learns it.
	Stale bool `json:"-"`
}

// Public returns the profile without contact and private fields: the only form that
// may leave through search, suggestions or caches that others can read.
func (p Profile) Public() Profile {
	p.Contact = nil
	p.Private = nil
	return p
}

// Inclusive reports whether the partner counts for inclusion (SPEC §5): small or new.
func (p Profile) Inclusive() bool { return p.Size == SizeSmall || p.NewProvider }

// Need is one instrument a tender asks for.
type Need struct {
	Instrument string  `json:"instrument"`
	Weight     float64 `json:"weight"`
	Must       bool    `json:"must"`
}

// Weights are the relative weights of the four score terms (SPEC §5). They are
// stored as given; the engine divides them by their sum.
type Weights struct {
	Coverage  float64 `json:"coverage"`
	Diversity float64 `json:"diversity"`
	Trust     float64 `json:"trust"`
	Inclusion float64 `json:"inclusion"`
}

// DefaultWeights are the weights of a tender that gives none.
var DefaultWeights = Weights{Coverage: 0.55, Diversity: 0.20, Trust: 0.15, Inclusion: 0.10}

// Default and maximum sizes of a coalition and of a tender (SPEC §2).
const (
	DefaultMinSize = 1
	DefaultMaxSize = 5
	MaxMaxSize     = 8
	MaxNeeds       = 50
	MaxNeedWeight  = 10
)

// Tender is a municipality's call: the problem, the area, the instruments it needs
// and the rules a coalition must keep. A decoded Tender has every default applied.
type Tender struct {
	ID           string   `json:"id"`
	Title        string   `json:"title"`
	Description  string   `json:"description,omitempty"`
	Area         []string `json:"area"`
	Themes       []string `json:"themes"`
	Budget       *int64   `json:"budget,omitempty"`
	Needs        []Need   `json:"needs"`
	MinSize      int      `json:"min_size"`
	MaxSize      int      `json:"max_size"`
	RequireKinds []string `json:"require_kinds"`
	// MaxLarge is nil when the number of large members is unlimited.
	MaxLarge *int     `json:"max_large"`
	MinSmall int      `json:"min_small"`
	Exclude  []string `json:"exclude"`
	Weights  Weights  `json:"weights"`
}

// Collaboration is one recorded collaboration between two partners: the only source
// of trust (SPEC §4). At is a calendar date, YYYY-MM-DD.
type Collaboration struct {
	A       string `json:"a"`
	B       string `json:"b"`
	Outcome string `json:"outcome"`
	At      string `json:"at"`
}
