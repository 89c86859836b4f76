package web

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/gin-gonic/gin"
	"golang.org/x/text/collate"
	"golang.org/x/text/unicode/norm"

	"samenspel/internal/auth"
	"samenspel/internal/idempotency"
	"samenspel/internal/profiles"
)

// Registration through the pages: the form of a profile, every field in words (an
// instrument's level as "voor de helft", areas by name), errors beside each field
// and in a summary at the top that links to them, everything typed kept; then the
// partner's token, shown once, with what it is for and a button that signs in with
// it. The profile and its token are stored in one transaction, as POST
// /v1/profiles does, and a form sent twice (a double click, a reload) registers
// once: each form carries an idempotency key, and the second sending gets the
// first's answer again.

// registerScope names what an idempotency key of the form belongs to.
const registerScope = "POST /register"

// formLevels are the levels a form offers for an instrument, in words
// (levelKeys): none, a quarter, half, three quarters, in full.
var formLevels = []struct {
	value string
	key   string
}{
	{"", "form.level.none"},
	{"0.25", "level.quarter"},
	{"0.5", "level.half"},
	{"0.75", "level.threequarters"},
	{"1", "level.full"},
}

// profileForm is the form of a profile as the template shows it: the choices, what
// was typed, and the errors by field id.
type profileForm struct {
	Action, Submit, Key, Version string

	Name, Kind, Size string
	New, CanLead     bool
	Kinds, Sizes     []option
	areaPick
	Instruments     []instrumentChoice
	Themes          []option
	Description     string
	Email, Phone    string
	Website, Person string
	Ideas           string
	Errors          []formError
	Err             map[string]string // field id → message
	levels          map[string]float64
	themes          []string
}

type instrumentChoice struct {
	Code, Label string
	Levels      []option
}

// formError is one error of the summary: the field's id, its label, the message.
type formError struct {
	ID, Label, Message string
}

// readProfileForm reads a posted profile form.
func readProfileForm(v url.Values) profileForm {
	f := profileForm{
		Name: trimmed(v.Get("name")), Kind: trimmed(v.Get("kind")), Size: trimmed(v.Get("size")),
		New: v.Get("new_provider") != "", CanLead: v.Get("can_lead") != "",
		areaPick:    areaPick{OtherAreas: strings.TrimSpace(v.Get("areas_other")), areaCodes: v["area"]},
		Description: strings.TrimSpace(v.Get("description")),
		Email:       trimmed(v.Get("email")), Phone: trimmed(v.Get("phone")), Website: trimmed(v.Get("website")),
		Person: trimmed(v.Get("person")), Ideas: strings.TrimSpace(v.Get("ideas")),
		levels: map[string]float64{}, themes: v["theme"],
	}
	for key, vals := range v {
		code, ok := strings.CutPrefix(key, "inst_")
		if !ok || len(vals) == 0 || vals[0] == "" {
			continue
		}
		if x, err := strconv.ParseFloat(vals[0], 64); err == nil {
			f.levels[code] = x
		} else {
			f.levels[code] = -1 // the validation names it
		}
	}
	return f
}

// profile is the profile the form describes, with id; the areas typed by name
// are resolved first (Site.resolve).
func (f *profileForm) profile(id string) profiles.Profile {
	p := profiles.Profile{ID: id, Name: f.Name, Kind: f.Kind, Size: f.Size, NewProvider: f.New, CanLead: f.CanLead,
		Instruments: f.levels, Themes: dedupe(f.themes), Description: f.Description}
	p.Areas = dedupe(f.areaCodes)
	if c := (profiles.Contact{Email: f.Email, Phone: f.Phone, Website: f.Website, Person: f.Person}); c != (profiles.Contact{}) {
		p.Contact = &c
	}
	if f.Ideas != "" {
		p.Private = map[string]string{"ideas": f.Ideas}
	}
	return p
}

func dedupe(in []string) []string {
	out := []string{}
	seen := map[string]bool{}
	for _, s := range in {
		if s != "" && !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

// fill sets the form's choices in l, with what was chosen selected.
func (s *Site) fill(c *gin.Context, l Lang, f *profileForm) error {
	tax := s.d.Taxonomy
	f.Kinds = options(l, tax.Kinds, f.Kind)
	f.Sizes = sizeOptions(l, f.Size)
	chosen := map[string]bool{}
	for _, code := range f.themes {
		chosen[code] = true
	}
	f.Themes = options(l, tax.Themes, "")
	for i := range f.Themes {
		f.Themes[i].Selected = chosen[f.Themes[i].Value]
	}
	if err := s.fillAreas(c, l, &f.areaPick); err != nil {
		return err
	}
	f.Instruments = nil
	for _, term := range tax.Instruments {
		ch := instrumentChoice{Code: term.Code, Label: capital(label(l, term, true, term.Code))}
		for _, lv := range formLevels {
			x, _ := strconv.ParseFloat(lv.value, 64)
			ch.Levels = append(ch.Levels, option{Value: lv.value, Label: t(l, lv.key),
				Selected: lv.value != "" && f.levels[term.Code] == x || lv.value == "" && f.levels[term.Code] == 0})
		}
		f.Instruments = append(f.Instruments, ch)
	}
	col := collate.New(l.tag())
	sort.SliceStable(f.Instruments, func(a, b int) bool { return col.CompareString(f.Instruments[a].Label, f.Instruments[b].Label) < 0 })
	return nil
}

// formFields maps a field of the profile document (a path of a FieldError) to the
// form's field id, the catalogue key of its label and of the message people read.
var formFields = []struct {
	path, id, label, message string
}{
	{"name", "f-name", "form.name", "form.err.name"},
	{"id", "f-name", "form.name", "form.err.id"},
	{"kind", "f-kind", "partners.filter.kind", "form.err.kind"},
	{"size", "f-size-small", "form.size", "form.err.size"},
	{"areas", "f-areas-other", "form.areas", "form.err.areas"},
	{"instruments", "f-instruments", "form.instruments", "form.err.instruments"},
	{"themes", "f-theme-" + "loneliness", "form.themes", "form.err.other"},
	{"description", "f-description", "form.description", "form.err.long"},
	{"contact.email", "f-email", "form.email", "form.err.email"},
	{"contact.phone", "f-phone", "form.phone", "form.err.short"},
	{"contact.website", "f-website", "form.website", "form.err.website"},
	{"contact.person", "f-person", "form.person", "form.err.short"},
	{"contact", "f-email", "form.contact", "form.err.other"},
	{"private", "f-ideas", "form.ideas", "form.err.long"},
}

// setErrors puts a validation's field errors beside the fields and in the
// summary, in l, one a field, in the order of the form. An error belongs to the
// most specific entry that names its path ("contact.phone" to the phone, not to
// the contact as a whole).
func (f *profileForm) setErrors(l Lang, err *profiles.ValidationError) {
	f.Err = map[string]string{}
	named := make([]bool, len(formFields))
	for _, fe := range err.Errors {
		if i := formFieldOf(fe.Field); i >= 0 {
			named[i] = true
		}
	}
	byID := map[string]bool{}
	for i, ff := range formFields {
		if !named[i] || byID[ff.id] {
			continue
		}
		byID[ff.id] = true
		msg := t(l, ff.message)
		f.Err[ff.id] = msg
		f.Errors = append(f.Errors, formError{ID: ff.id, Label: t(l, ff.label), Message: msg})
	}
	if len(f.Errors) == 0 && len(err.Errors) > 0 { // a field no entry names: still said
		f.Errors = append(f.Errors, formError{ID: "f-name", Label: t(l, "form.who"), Message: t(l, "form.err.other")})
	}
	f.explain(l, "f-areas-other", f.Err, f.Errors)
}

// formFieldOf is the index of the entry of formFields with the longest path that
// is path or a part of it, or -1.
func formFieldOf(path string) int {
	best := -1
	for i, ff := range formFields {
		if path != ff.path && !strings.HasPrefix(path, ff.path+".") && !strings.HasPrefix(path, ff.path+"[") {
			continue
		}
		if best < 0 || len(ff.path) > len(formFields[best].path) {
			best = i
		}
	}
	return best
}

// newFormKey is a fresh idempotency key for a form.
func newFormKey() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// registerPage is GET /register: the empty form.
func (s *Site) registerPage(c *gin.Context) {
	l := s.lang(c)
	f := profileForm{Action: "/register", Submit: t(l, "register.submit"), Key: newFormKey(), levels: map[string]float64{}}
	if err := s.fill(c, l, &f); err != nil {
		s.fail(c, err)
		return
	}
	s.render(c, http.StatusOK, "register", t(l, "register.title"), "register", f)
}

type registeredData struct {
	ID, Name, Token string
	Replayed        bool
}

// registered is what a registration's idempotent answer keeps: enough to show its
// page again.
type registered struct {
	ID    string `json:"id"`
	Name  string `json:"name"`
	Token string `json:"token"`
}

// maxIDTries is how many ids a registration tries, from the name's and then with
// -2, -3, … after it, before it gives up on a name that many partners share.
const maxIDTries = 20

// register is POST /register.
func (s *Site) register(c *gin.Context) {
	if !s.checkCSRF(c) {
		return
	}
	l := s.lang(c)
	ctx := c.Request.Context()
	if err := c.Request.ParseForm(); err != nil {
		s.errorPage(c, http.StatusBadRequest)
		return
	}
	form := c.Request.PostForm
	f := readProfileForm(form)
	f.Action, f.Submit = "/register", t(l, "register.submit")
	key, keyErr := idempotency.Parse(registerScope, form.Get("key"))
	if keyErr == nil {
		kept, err := s.d.Forms.IdempotentAnswer(ctx, key.ID(), s.d.Now())
		switch {
		case err == nil:
			s.replayRegistration(c, key, kept)
			return
		case !errors.Is(err, idempotency.ErrNotFound):
			s.fail(c, err)
			return
		}
	}
	base := slug(f.Name)
	s.resolve(&f.areaPick)
	p := f.profile(base)
	if err := f.withUnknown(s.d.Taxonomy.ValidateProfile(p), "areas"); err != nil {
		var verr *profiles.ValidationError
		if !errors.As(err, &verr) {
			s.fail(c, err)
			return
		}
		f.setErrors(l, verr)
		f.Key = newFormKey()
		if err := s.fill(c, l, &f); err != nil {
			s.fail(c, err)
			return
		}
		c.Header("Cache-Control", "no-store") // it holds the contact and ideas typed
		s.render(c, http.StatusUnprocessableEntity, "register", t(l, "register.title"), "register", f)
		return
	}
	secret, err := auth.NewSecret()
	if err != nil {
		s.fail(c, err)
		return
	}
	now := s.d.Now()
	for try := 1; try <= maxIDTries; try++ {
		if try > 1 {
			p.ID = withSuffix(base, try)
		}
		tok := auth.Token{Hash: auth.Hash(secret), Role: auth.RolePartner, Name: p.Name, Profile: p.ID, Created: now}
		var kept *idempotency.Stored
		if keyErr == nil {
			kept, err = sealRegistration(key, form, registered{ID: p.ID, Name: p.Name, Token: secret}, now)
			if err != nil {
				s.fail(c, err)
				return
			}
		}
		err = s.d.Forms.CreateProfileWithToken(ctx, p, tok, kept)
		if errors.Is(err, profiles.ErrConflict) {
			continue // the id is taken: the next
		}
		if errors.Is(err, idempotency.ErrKeyUsed) {
			if answer, err := s.d.Forms.IdempotentAnswer(ctx, key.ID(), now); err == nil {
				s.replayRegistration(c, key, answer) // the same form, sent at the same moment, got in first
				return
			}
		}
		if err != nil {
			s.fail(c, err)
			return
		}
		c.Header("Cache-Control", "no-store")
		s.render(c, http.StatusCreated, "registered", t(l, "registered.title", p.Name), "register",
			registeredData{ID: p.ID, Name: p.Name, Token: secret})
		return
	}
	s.fail(c, errors.New("web: register: no free id for the name"))
}

// sealRegistration is the idempotent answer a registration keeps under key: the
// first answer, sealed, for a day.
func sealRegistration(key idempotency.Key, form url.Values, r registered, now time.Time) (*idempotency.Stored, error) {
	body, err := json.Marshal(r)
	if err != nil {
		return nil, err
	}
	sealed, err := key.Seal(idempotency.Answer{Status: http.StatusCreated, Location: "/profiles/" + r.ID, Body: body})
	if err != nil {
		return nil, err
	}
	sent := url.Values{}
	for k, v := range form {
		if k != CSRFField && k != "key" {
			sent[k] = v
		}
	}
	return &idempotency.Stored{Key: key.ID(), Fingerprint: key.Fingerprint([]byte(sent.Encode())), Sealed: sealed,
		Created: now, Expires: now.Add(idempotency.Lifetime)}, nil
}

// replayRegistration shows the page of the registration kept under key again.
func (s *Site) replayRegistration(c *gin.Context, key idempotency.Key, kept idempotency.Stored) {
	l := s.lang(c)
	answer, err := key.Open(kept.Sealed)
	if err != nil {
		s.fail(c, err)
		return
	}
	var r registered
	if err := json.Unmarshal(answer.Body, &r); err != nil {
		s.fail(c, err)
		return
	}
	c.Header("Cache-Control", "no-store")
	s.render(c, http.StatusOK, "registered", t(l, "registered.title", r.Name), "register",
		registeredData{ID: r.ID, Name: r.Name, Token: r.Token, Replayed: true})
}

// slug is an id made of a name: lower case, accents dropped, every run of other
// characters one hyphen, at most 60 characters (room for a suffix); "" when the
// name has no letter or digit.
func slug(name string) string {
	var b strings.Builder
	hyphen := false
	for _, r := range norm.NFKD.String(strings.ToLower(name)) {
		switch {
		case r >= 'a' && r <= 'z' || r >= '0' && r <= '9':
			b.WriteRune(r)
			hyphen = false
		case unicode.Is(unicode.Mn, r):
			// an accent of the letter before
		case b.Len() > 0 && !hyphen:
			b.WriteByte('-')
			hyphen = true
		}
	}
	s := b.String()
	if len(s) > 60 {
		s = s[:60]
	}
	return strings.Trim(s, "-")
}

func withSuffix(base string, n int) string { return base + "-" + strconv.Itoa(n) }
