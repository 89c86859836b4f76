package web

import (
	"errors"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"
	"golang.org/x/text/collate"

	"samenspel/internal/idempotency"
	"samenspel/internal/profiles"
)

// A tender owner's tenders: create one (/tenders/new), change it, close it. The
// form has every field people set: title, description, areas by name, themes,
// budget in euros, the needs with a weight in words and whether each is required,
// the size of a coalition and the rules of a level playing field. What it does not
// show (the score's weights, excluded partners) is kept when it changes a tender,
// and takes the defaults (SPEC §2) when it makes one.

// maxWeightChoice is the highest need weight the form offers (SPEC §2: (0, 10]).
const maxWeightChoice = int(profiles.MaxNeedWeight)

// tenderForm is the form of a tender as the template shows it.
type tenderForm struct {
	Action, Submit, Version string
	// Key is a new tender form's idempotency key: the form sent twice (a double
	// click, a reload) puts out one tender.
	Key string

	Title, Description, Budget string
	areaPick
	Themes             []option
	Needs              []needChoice
	MinSize, MaxSize   []option
	MaxLarge, MinSmall []option
	Kinds              []option // require_kinds
	Errors             []formError
	Err                map[string]string

	themes, kinds      []string
	weights            map[string]string // instrument → weight as typed
	must               map[string]bool
	order              []string // the needs' instruments in the order to keep
	minSize, maxSize   string
	maxLarge, minSmall string
}

// needChoice is one instrument of the form: its weight (none: not needed) and
// whether it is required.
type needChoice struct {
	Code, Label string
	Weights     []option
	Must        bool
}

func readTenderForm(v url.Values) tenderForm {
	f := tenderForm{Title: trimmed(v.Get("title")), Description: strings.TrimSpace(v.Get("description")),
		Budget:   trimmed(v.Get("budget")),
		areaPick: areaPick{OtherAreas: strings.TrimSpace(v.Get("areas_other")), areaCodes: v["area"]},
		themes:   v["theme"], kinds: v["require_kind"],
		weights: map[string]string{}, must: map[string]bool{},
		minSize: v.Get("min_size"), maxSize: v.Get("max_size"), maxLarge: v.Get("max_large"), minSmall: v.Get("min_small")}
	for key, vals := range v {
		if code, ok := strings.CutPrefix(key, "weight_"); ok && len(vals) > 0 && vals[0] != "" {
			f.weights[code] = vals[0]
		}
		if code, ok := strings.CutPrefix(key, "must_"); ok && len(vals) > 0 && vals[0] != "" {
			f.must[code] = true
		}
	}
	return f
}

// budgetOf reads a budget in whole euros as people write it: "120000",
// "120.000", "€ 120,000"; "" is no budget. ok is false for anything else.
func budgetOf(s string) (b *int64, ok bool) {
	s = strings.NewReplacer("€", "", ".", "", ",", "", " ", "", nbsp, "").Replace(s)
	if s == "" {
		return nil, true
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 {
		return nil, false
	}
	return &n, true
}

// tender is the tender the form describes, over base (the stored tender, or one
// with the defaults); budgetOK is false when the budget cannot be read.
func (s *Site) tenderOf(f *tenderForm, base profiles.Tender, tax *profiles.Taxonomy) (tn profiles.Tender, budgetOK bool) {
	tn = base
	tn.Title, tn.Description = f.Title, f.Description
	s.resolve(&f.areaPick)
	tn.Area = dedupe(f.areaCodes)
	tn.Themes = dedupe(f.themes)
	tn.RequireKinds = dedupe(f.kinds)
	tn.Budget, budgetOK = budgetOf(f.Budget)
	tn.Needs = nil
	seen := map[string]bool{}
	add := func(code string) {
		if seen[code] {
			return
		}
		seen[code] = true
		w, ok := f.weights[code]
		if !ok && !f.must[code] {
			return
		}
		if !ok {
			w = "0" // required without a weight: the validation names it
		}
		x, err := strconv.ParseFloat(strings.ReplaceAll(w, ",", "."), 64)
		if err != nil {
			x = -1 // the validation names it
		}
		tn.Needs = append(tn.Needs, profiles.Need{Instrument: code, Weight: x, Must: f.must[code]})
	}
	for _, code := range f.order {
		add(code)
	}
	for _, term := range tax.Instruments {
		add(term.Code)
	}
	atoi := func(s string, def int) int {
		if n, err := strconv.Atoi(s); err == nil {
			return n
		}
		return def
	}
	tn.MinSize = atoi(f.minSize, profiles.DefaultMinSize)
	tn.MaxSize = atoi(f.maxSize, profiles.DefaultMaxSize)
	tn.MinSmall = atoi(f.minSmall, 0)
	tn.MaxLarge = nil
	if n, err := strconv.Atoi(f.maxLarge); err == nil {
		tn.MaxLarge = &n
	}
	return tn, budgetOK
}

// formOfTender is the form of a stored tender.
func formOfTender(rec profiles.TenderRecord, l Lang) tenderForm {
	tn := rec.Tender
	f := tenderForm{Title: tn.Title, Description: tn.Description, Version: rec.Version,
		themes: tn.Themes, kinds: tn.RequireKinds, weights: map[string]string{}, must: map[string]bool{},
		minSize: strconv.Itoa(tn.MinSize), maxSize: strconv.Itoa(tn.MaxSize), minSmall: strconv.Itoa(tn.MinSmall)}
	if tn.Budget != nil {
		f.Budget = integer(l, int(*tn.Budget))
	}
	if tn.MaxLarge != nil {
		f.maxLarge = strconv.Itoa(*tn.MaxLarge)
	}
	for _, n := range tn.Needs {
		f.weights[n.Instrument] = strconv.FormatFloat(n.Weight, 'f', -1, 64)
		f.must[n.Instrument] = n.Must
		f.order = append(f.order, n.Instrument)
	}
	f.areaCodes = slices.Clone(tn.Area)
	return f
}

// fillTender sets the form's choices in l.
func (s *Site) fillTender(c *gin.Context, l Lang, f *tenderForm) error {
	tax := s.d.Taxonomy
	if err := s.fillAreas(c, l, &f.areaPick); err != nil {
		return err
	}
	f.Themes = ticked(options(l, tax.Themes, ""), f.themes)
	f.Kinds = ticked(options(l, tax.Kinds, ""), f.kinds)
	f.Needs = nil
	for _, term := range tax.Instruments {
		nc := needChoice{Code: term.Code, Label: capital(label(l, term, true, term.Code)), Must: f.must[term.Code]}
		w := f.weights[term.Code]
		nc.Weights = append(nc.Weights, option{Value: "", Label: t(l, "tenderform.notneeded"), Selected: w == ""})
		listedW := false
		for i := 1; i <= maxWeightChoice; i++ {
			v := strconv.Itoa(i)
			nc.Weights = append(nc.Weights, option{Value: v, Label: weightWords(l, i), Selected: w == v})
			listedW = listedW || w == v
		}
		if w != "" && !listedW { // a weight the list lacks (2.5): offered as it is
			nc.Weights = append(nc.Weights, option{Value: w, Label: w, Selected: true})
		}
		f.Needs = append(f.Needs, nc)
	}
	col := collate.New(l.tag())
	sort.SliceStable(f.Needs, func(a, b int) bool { return col.CompareString(f.Needs[a].Label, f.Needs[b].Label) < 0 })
	sizes := func(from int, selected string) []option {
		var out []option
		for i := from; i <= profiles.MaxMaxSize; i++ {
			v := strconv.Itoa(i)
			out = append(out, option{Value: v, Label: v, Selected: v == selected})
		}
		return out
	}
	f.MinSize = sizes(1, orDefault(f.minSize, strconv.Itoa(profiles.DefaultMinSize)))
	f.MaxSize = sizes(1, orDefault(f.maxSize, strconv.Itoa(profiles.DefaultMaxSize)))
	f.MinSmall = sizes(0, orDefault(f.minSmall, "0"))
	f.MaxLarge = append([]option{{Value: "", Label: t(l, "tenderform.nolimit"), Selected: f.maxLarge == ""}}, sizes(0, f.maxLarge)...)
	if f.maxLarge == "" {
		for i := 1; i < len(f.MaxLarge); i++ {
			f.MaxLarge[i].Selected = false
		}
	}
	return nil
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func ticked(opts []option, chosen []string) []option {
	in := map[string]bool{}
	for _, c := range chosen {
		in[c] = true
	}
	for i := range opts {
		opts[i].Selected = in[opts[i].Value]
	}
	return opts
}

// weightWords says a need's weight: "1 (licht)" to "10 (zwaarst)".
func weightWords(l Lang, w int) string {
	switch {
	case w <= 2:
		return t(l, "tenderform.weight.light", w)
	case w <= 5:
		return t(l, "tenderform.weight.medium", w)
	case w <= 8:
		return t(l, "tenderform.weight.heavy", w)
	}
	return t(l, "tenderform.weight.heaviest", w)
}

// tenderFields maps a field of the tender document to the form's field id, label
// and message.
var tenderFields = []struct {
	path, id, label, message string
}{
	{"title", "f-title", "tenderform.title", "tenderform.err.title"},
	{"id", "f-title", "tenderform.title", "form.err.id"},
	{"description", "f-description", "form.description", "form.err.long"},
	{"area", "f-areas-other", "tenderform.areas", "tenderform.err.areas"},
	{"themes", "f-theme-loneliness", "tenderform.themes", "form.err.other"},
	{"budget", "f-budget", "col.budget", "tenderform.err.budget"},
	{"needs", "f-needs", "tender.needs", "tenderform.err.needs"},
	{"min_size", "f-min-size", "tenderform.minsize", "tenderform.err.size"},
	{"max_size", "f-max-size", "tenderform.maxsize", "tenderform.err.size"},
	{"require_kinds", "f-kinds", "tenderform.kinds", "tenderform.err.kinds"},
	{"max_large", "f-max-large", "tenderform.maxlarge", "form.err.other"},
	{"min_small", "f-min-small", "tenderform.minsmall", "tenderform.err.minsmall"},
	{"weights", "f-title", "tenderform.title", "form.err.other"},
	{"exclude", "f-title", "tenderform.title", "form.err.other"},
}

func (f *tenderForm) setErrors(l Lang, verr *profiles.ValidationError, budgetOK bool) {
	f.Err = map[string]string{}
	errs := verr.Errors
	if !budgetOK {
		errs = append(errs, profiles.FieldError{Field: "budget"})
	}
	for _, tf := range tenderFields {
		for _, fe := range errs {
			if fe.Field != tf.path && !strings.HasPrefix(fe.Field, tf.path+".") && !strings.HasPrefix(fe.Field, tf.path+"[") {
				continue
			}
			if _, done := f.Err[tf.id]; done {
				break
			}
			f.Err[tf.id] = t(l, tf.message)
			f.Errors = append(f.Errors, formError{ID: tf.id, Label: t(l, tf.label), Message: t(l, tf.message)})
		}
	}
	if len(f.Errors) == 0 {
		f.Errors = append(f.Errors, formError{ID: "f-title", Label: t(l, "tenderform.title"), Message: t(l, "form.err.other")})
	}
	f.explain(l, "f-areas-other", f.Err, f.Errors)
}

// ownsTenders reports whether the visitor may make tenders (tender owners and
// admins), and writes the answer when not.
func (s *Site) makesTenders(c *gin.Context, next string) (Visitor, bool) {
	v := s.visitor(c)
	if err := v.MakeTenders(); err != nil {
		s.refused(c, err, next)
		return v, false
	}
	return v, true
}

// tenderFor loads the tender of the path for its owner (or an admin), and
// writes the answer when the visitor may not manage it.
func (s *Site) tenderFor(c *gin.Context, suffix string) (profiles.TenderRecord, bool) {
	id := c.Param("id")
	if !profiles.ValidID(id) {
		s.errorPage(c, http.StatusNotFound)
		return profiles.TenderRecord{}, false
	}
	v, ok := s.makesTenders(c, "/tenders/"+id+suffix)
	if !ok {
		return profiles.TenderRecord{}, false
	}
	rec, err := s.d.Store.GetTender(c.Request.Context(), id)
	if err != nil {
		s.fail(c, err)
		return rec, false
	}
	if !v.ownsTender(rec) {
		s.errorPage(c, http.StatusForbidden)
		return rec, false
	}
	return rec, true
}

func (s *Site) renderTenderForm(c *gin.Context, status int, l Lang, f tenderForm, title string) {
	if err := s.fillTender(c, l, &f); err != nil {
		s.fail(c, err)
		return
	}
	s.render(c, status, "tenderform", title, "", f)
}

// newTenderPage is GET /tenders/new.
func (s *Site) newTenderPage(c *gin.Context) {
	if _, ok := s.makesTenders(c, "/tenders/new"); !ok {
		return
	}
	l := s.lang(c)
	f := tenderForm{Action: "/tenders/new", Submit: t(l, "tenderform.create"), Key: newFormKey(), weights: map[string]string{}, must: map[string]bool{}}
	s.renderTenderForm(c, http.StatusOK, l, f, t(l, "tenderform.new"))
}

// newTender is POST /tenders/new: the tender, with an id made of its title, then
// its page.
func (s *Site) newTender(c *gin.Context) {
	if !s.checkCSRF(c) {
		return
	}
	v, ok := s.makesTenders(c, "/tenders/new")
	if !ok {
		return
	}
	l := s.lang(c)
	if err := c.Request.ParseForm(); err != nil {
		s.errorPage(c, http.StatusBadRequest)
		return
	}
	f := readTenderForm(c.Request.PostForm)
	f.Action, f.Submit = "/tenders/new", t(l, "tenderform.create")
	key, keyErr := idempotency.Parse(newTenderScope, c.PostForm("key"))
	if keyErr == nil {
		f.Key = c.PostForm("key") // kept when the form comes back with errors
	}
	base := profiles.Tender{ID: slug(f.Title), Exclude: []string{}, Weights: profiles.DefaultWeights}
	tn, budgetOK := s.tenderOf(&f, base, s.d.Taxonomy)
	if err := f.withUnknown(s.validTender(tn, budgetOK), "area"); err != nil {
		s.tenderFormErrors(c, l, f, err, budgetOK, t(l, "tenderform.new"))
		return
	}
	now := s.d.Now()
	for try := 1; try <= maxIDTries; try++ {
		if try > 1 {
			tn.ID = withSuffix(base.ID, try)
		}
		var err error
		if keyErr == nil {
			var kept string
			kept, err = s.d.Forms.CreateTenderOnce(c.Request.Context(), tn, v.Owner, now, key.ID(), now.Add(idempotency.Lifetime))
			if errors.Is(err, idempotency.ErrKeyUsed) {
				s.sentAgain(c, v, kept)
				return
			}
		} else { // a form without a key (one from before keys): as it is
			err = s.d.Forms.CreateTender(c.Request.Context(), tn, v.Owner, now)
		}
		if errors.Is(err, profiles.ErrConflict) {
			continue
		}
		if err != nil {
			s.fail(c, err)
			return
		}
		c.Redirect(http.StatusSeeOther, "/tenders/"+tn.ID)
		return
	}
	s.fail(c, errors.New("web: new tender: no free id for the title"))
}

// newTenderScope names what a tender form's key belongs to.
const newTenderScope = "POST /tenders/new"

// sentAgain answers a tender form sent again (a double click, a reload): its
// owner goes to the tender the first sending put out; anyone else, who cannot
// have sent the form, is refused.
func (s *Site) sentAgain(c *gin.Context, v Visitor, id string) {
	rec, err := s.d.Store.GetTender(c.Request.Context(), id)
	switch {
	case errors.Is(err, profiles.ErrNotFound):
		s.errorPage(c, http.StatusConflict)
	case err != nil:
		s.fail(c, err)
	case !v.ownsTender(rec):
		s.errorPage(c, http.StatusConflict)
	default:
		c.Redirect(http.StatusSeeOther, "/tenders/"+id)
	}
}

// validTender is the validation of tn, the unreadable budget included.
func (s *Site) validTender(tn profiles.Tender, budgetOK bool) error {
	err := s.d.Taxonomy.ValidateTender(tn)
	if err == nil && !budgetOK {
		err = &profiles.ValidationError{Errors: []profiles.FieldError{{Field: "budget"}}}
	}
	return err
}

func (s *Site) tenderFormErrors(c *gin.Context, l Lang, f tenderForm, err error, budgetOK bool, title string) {
	var verr *profiles.ValidationError
	if !errors.As(err, &verr) {
		s.fail(c, err)
		return
	}
	f.setErrors(l, verr, budgetOK)
	s.renderTenderForm(c, http.StatusUnprocessableEntity, l, f, title)
}

// editTenderPage is GET /tenders/{id}/edit.
func (s *Site) editTenderPage(c *gin.Context) {
	rec, ok := s.tenderFor(c, "/edit")
	if !ok {
		return
	}
	l := s.lang(c)
	f := formOfTender(rec, l)
	f.Action, f.Submit = "/tenders/"+rec.Tender.ID+"/edit", t(l, "edit.submit")
	s.renderTenderForm(c, http.StatusOK, l, f, t(l, "edit.title", rec.Tender.Title))
}

// editTender is POST /tenders/{id}/edit: written only when nobody wrote the
// tender since the form was read.
func (s *Site) editTender(c *gin.Context) {
	if !s.checkCSRF(c) {
		return
	}
	rec, ok := s.tenderFor(c, "/edit")
	if !ok {
		return
	}
	l := s.lang(c)
	if err := c.Request.ParseForm(); err != nil {
		s.errorPage(c, http.StatusBadRequest)
		return
	}
	f := readTenderForm(c.Request.PostForm)
	f.Action, f.Submit, f.Version = "/tenders/"+rec.Tender.ID+"/edit", t(l, "edit.submit"), c.PostForm("version")
	f.order = make([]string, 0, len(rec.Tender.Needs))
	for _, n := range rec.Tender.Needs {
		f.order = append(f.order, n.Instrument)
	}
	budgetOK := true
	_, err := s.d.Forms.UpdateTender(c.Request.Context(), rec.Tender.ID, []string{f.Version}, s.d.Now(),
		func(stored profiles.TenderRecord) (profiles.Tender, error) {
			var tn profiles.Tender
			tn, budgetOK = s.tenderOf(&f, stored.Tender, s.d.Taxonomy)
			return tn, f.withUnknown(s.validTender(tn, budgetOK), "area")
		})
	switch {
	case err == nil:
		c.Redirect(http.StatusSeeOther, "/tenders/"+rec.Tender.ID)
	case errors.Is(err, profiles.ErrChanged):
		cur, err := s.d.Store.GetTender(c.Request.Context(), rec.Tender.ID)
		if err != nil {
			s.fail(c, err)
			return
		}
		f.Version = cur.Version
		f.Errors = []formError{{ID: "f-title", Label: t(l, "tenderform.title"), Message: t(l, "edit.changed")}}
		s.renderTenderForm(c, http.StatusConflict, l, f, t(l, "edit.title", cur.Tender.Title))
	default: // the heading names the tender as stored: the title typed may be empty
		s.tenderFormErrors(c, l, f, err, budgetOK, t(l, "edit.title", rec.Tender.Title))
	}
}

type closeData struct{ ID, Title string }

// closeTenderPage is GET /tenders/{id}/close: are you sure?
func (s *Site) closeTenderPage(c *gin.Context) {
	rec, ok := s.tenderFor(c, "/close")
	if !ok {
		return
	}
	l := s.lang(c)
	s.render(c, http.StatusOK, "close", t(l, "close.title", rec.Tender.Title), "", closeData{ID: rec.Tender.ID, Title: rec.Tender.Title})
}

// closeTender is POST /tenders/{id}/close: the tender stays readable, takes no
// interest any more and is no longer recomputed.
func (s *Site) closeTender(c *gin.Context) {
	if !s.checkCSRF(c) {
		return
	}
	rec, ok := s.tenderFor(c, "/close")
	if !ok {
		return
	}
	if err := s.d.Forms.CloseTender(c.Request.Context(), rec.Tender.ID, s.d.Now()); err != nil {
		s.fail(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, "/tenders/"+rec.Tender.ID)
}
