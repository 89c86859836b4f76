package web

import (
	"net/http"
	"net/url"
	"sort"
	"strconv"

	"github.com/gin-gonic/gin"
	"golang.org/x/text/collate"

	"samenspel/internal/auth"
	"samenspel/internal/profiles"
)

// The read-only pages: the start page, partner search, a profile and a tender with
// its coalitions (tender.go). Each handler reads, builds the page's data in the
// request's language, and renders; none writes.

// pageSize is the number of partners a search page lists.
const pageSize = 20

// tenderRow is one tender in a list.
type tenderRow struct {
	ID, Title, Areas, Budget, Posted string
}

type homeData struct {
	Open, Closed []tenderRow
}

func (s *Site) home(c *gin.Context) {
	l := s.lang(c)
	recs, err := s.d.Store.Tenders(c.Request.Context())
	if err != nil {
		s.fail(c, err)
		return
	}
	var d homeData
	for _, r := range recs {
		row := tenderRow{ID: r.Tender.ID, Title: r.Tender.Title, Areas: s.areas(l, r.Tender.Area), Posted: date(l, r.Created)}
		if r.Tender.Budget != nil {
			row.Budget = money(l, *r.Tender.Budget)
		}
		if r.Closed {
			d.Closed = append(d.Closed, row)
		} else {
			d.Open = append(d.Open, row)
		}
	}
	s.render(c, http.StatusOK, "home", t(l, "home.title"), "tenders", d)
}

// partnerRow is one partner in the search results: public fields only.
type partnerRow struct {
	ID, Name, Kind, Size, Areas, Instruments string
	New, CanLead                             bool
}

type partnersData struct {
	Query                                   string
	Kinds, Sizes, Areas, Instruments, Theme []option
	Filtered                                bool
	// Ignored names the filters whose values are no codes (an old link): the search
	// ran without them.
	Ignored    []string
	Hits       []partnerRow
	Total      int
	TotalText  string
	Range      string // "1–20 van 321"
	Page       string // "pagina 2 van 17"
	Prev, Next string // addresses of the neighbouring pages, "" at either end
}

func (s *Site) partners(c *gin.Context) {
	l := s.lang(c)
	tax := s.d.Taxonomy
	q := profiles.Query{Text: trimmed(c.Query("q")), Limit: pageSize}
	var ignored []string
	filter := func(param string, ok func(string) bool) string {
		v := trimmed(c.Query(param))
		if v != "" && !ok(v) {
			ignored = append(ignored, t(l, "partners.filter."+param))
			return ""
		}
		return v
	}
	q.Kind = filter("kind", tax.HasKind)
	q.Size = filter("size", func(v string) bool { return size(l, v) != v })
	q.Area = filter("area", profiles.ValidArea)
	q.Instrument = filter("instrument", tax.HasInstrument)
	q.Theme = filter("theme", tax.HasTheme)
	page := 1
	if n, err := strconv.Atoi(c.Query("page")); err == nil && n > 1 && n <= 1<<20 {
		page = n
	}
	q.Offset = (page - 1) * pageSize
	ctx := c.Request.Context()
	hits, total, err := s.d.Store.SearchProfiles(ctx, q)
	if err != nil {
		s.fail(c, err)
		return
	}
	areaChoices, err := s.areaChoices(c, l, q.Area)
	if err != nil {
		s.fail(c, err)
		return
	}
	d := partnersData{Query: q.Text, Ignored: ignored, Total: total, TotalText: integer(l, total),
		Kinds:       options(l, tax.Kinds, q.Kind),
		Sizes:       sizeOptions(l, q.Size),
		Areas:       areaChoices,
		Instruments: options(l, tax.Instruments, q.Instrument),
		Theme:       options(l, tax.Themes, q.Theme),
		Filtered:    q.Text != "" || q.Kind != "" || q.Size != "" || q.Area != "" || q.Instrument != "" || q.Theme != "",
	}
	for _, p := range hits {
		p = p.Public()
		d.Hits = append(d.Hits, partnerRow{ID: p.ID, Name: p.Name, Kind: capital(s.kind(l, p.Kind)), Size: size(l, p.Size),
			Areas: s.areas(l, p.Areas), Instruments: capital(list(l, s.instruments(l, sortedCodes(p.Instruments)))),
			New: p.NewProvider, CanLead: p.CanLead})
	}
	pages := max(1, (total+pageSize-1)/pageSize)
	if len(hits) > 0 {
		d.Range = t(l, "partners.range", integer(l, q.Offset+1), integer(l, q.Offset+len(hits)), integer(l, total))
	}
	if pages > 1 && page <= pages { // past the last page it says there is none (partners.html)
		d.Page = t(l, "partners.page", integer(l, page), integer(l, pages))
	}
	link := func(p int) string {
		v := withoutLang(c.Request.URL.Query())
		v.Del("page")
		if p > 1 {
			v.Set("page", strconv.Itoa(p))
		}
		return pageURL("/partners", v)
	}
	if page > 1 {
		d.Prev = link(min(page-1, pages))
	}
	if page < pages {
		d.Next = link(page + 1)
	}
	s.render(c, http.StatusOK, "partners", t(l, "partners.title"), "partners", d)
}

func pageURL(path string, v url.Values) string {
	if len(v) == 0 {
		return path
	}
	return path + "?" + v.Encode()
}

func sizeOptions(l Lang, selected string) []option {
	var out []option
	for _, code := range []string{profiles.SizeSmall, profiles.SizeMedium, profiles.SizeLarge} {
		out = append(out, option{Value: code, Label: capital(size(l, code)), Selected: code == selected})
	}
	return out
}

// areaChoices are the areas to filter by: those of the tenders and the
// municipalities they lie in, by name, and the chosen one.
func (s *Site) areaChoices(c *gin.Context, l Lang, selected string) ([]option, error) {
	recs, err := s.d.Store.Tenders(c.Request.Context())
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	var out []option
	add := func(code string) {
		if seen[code] || code == profiles.CountryArea {
			return
		}
		seen[code] = true
		out = append(out, option{Value: code, Label: s.area(l, code), Selected: code == selected})
	}
	for _, r := range recs {
		for _, a := range r.Tender.Area {
			for _, p := range profiles.AreaParents(a) {
				add(p)
			}
		}
	}
	if selected != "" {
		add(selected)
	}
	col := collate.New(l.tag())
	sort.SliceStable(out, func(a, b int) bool { return col.CompareString(out[a].Label, out[b].Label) < 0 })
	return out, nil
}

func sortedKeys(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// sortedCodes are the instrument codes of a profile's offer, by code.
func sortedCodes(m map[string]float64) []string {
	out := make([]string, 0, len(m))
	for code := range m {
		out = append(out, code)
	}
	sort.Strings(out)
	return out
}

// offerRow is one instrument a partner offers, in words.
type offerRow struct {
	Instrument, Level string
}

type profileData struct {
	Name, Kind, Size, Areas, Themes, Description string
	New, CanLead, Stale                          bool
	Updated, StaleSince                          string
	Offers                                       []offerRow
	// Own says that the visitor is the profile's own partner. Contact and
	// Private are set only for those SPEC §2 lets see them.
	Own     bool
	Contact *profiles.Contact
	Private []note
	// Manage says that the visitor may change the profile (its owner, admins);
	// Confirmed, that it has just confirmed it.
	Manage, Confirmed bool
	ID                string
	Inbox             inboxView
	// Fits link the fit pages of the tenders where the partner's fit matters to
	// the visitor (fit.go): for the partner itself, the open tenders in its areas;
	// for a tender's owner, its own open tenders.
	Fits []fitLink
}

// note is one of a profile's private notes.
type note struct{ Key, Text string }

// profile is /profiles/{id}: the public fields of a profile for everyone; its
// contact for its owner, tender owners and admins; its private notes for its owner
// and admins, on a page no cache keeps.
func (s *Site) profile(c *gin.Context) {
	l := s.lang(c)
	id := c.Param("id")
	if !profiles.ValidID(id) {
		s.errorPage(c, http.StatusNotFound)
		return
	}
	rec, err := s.d.Store.GetProfileRecord(c.Request.Context(), id)
	if err != nil {
		s.fail(c, err)
		return
	}
	p := publicRecord(rec)
	v := s.visitor(c)
	d := profileData{Name: p.Name, Kind: capital(s.kind(l, p.Kind)), Size: capital(size(l, p.Size)), Areas: s.areas(l, p.Areas),
		Themes: capital(s.themes(l, p.Themes)), Description: p.Description, New: p.NewProvider, CanLead: p.CanLead,
		Stale: !rec.StaleSince.IsZero() || p.Stale, Updated: date(l, rec.Updated), StaleSince: date(l, rec.StaleSince)}
	for _, code := range sortedCodes(p.Instruments) {
		d.Offers = append(d.Offers, offerRow{Instrument: capital(s.instrument(l, code)), Level: level(l, p.Instruments[code])})
	}
	col := collate.New(l.tag())
	sort.SliceStable(d.Offers, func(a, b int) bool { return col.CompareString(d.Offers[a].Instrument, d.Offers[b].Instrument) < 0 })
	d.Own = v.Role == auth.RolePartner && v.Profile == id
	d.Manage = v.SeesWhole(id) && s.d.Forms != nil
	d.Confirmed = d.Manage && c.Query("confirmed") == "1"
	d.ID = id
	if v.SeesContact(id) && rec.Profile.Contact != nil {
		d.Contact = rec.Profile.Contact
	}
	if v.SeesWhole(id) {
		for _, k := range sortedKeys(rec.Profile.Private) {
			n := note{Key: k, Text: rec.Profile.Private[k]}
			if k == "ideas" { // the form's own note, under its own heading
				n.Key = ""
			}
			d.Private = append(d.Private, n)
		}
	}
	if d.Own && s.d.Forms != nil {
		var err error
		if d.Inbox, err = s.inbox(c, l, id); err != nil {
			s.fail(c, err)
			return
		}
	}
	if d.Fits, err = s.profileFits(c.Request.Context(), l, v, p, d.Own); err != nil {
		s.fail(c, err)
		return
	}
	if d.Contact != nil || d.Private != nil || d.Own {
		c.Header("Cache-Control", "no-store")
	}
	s.render(c, http.StatusOK, "profile", p.Name, "partners", d)
}

// publicRecord is the profile of a record with its public fields only: the one way
// a profile reaches a page's templates whole; the profile page adds the contact
// and private notes for those who may see them, field by field.
func publicRecord(rec profiles.Record) profiles.Profile { return rec.Profile.Public() }
