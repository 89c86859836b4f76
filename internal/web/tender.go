package web

import (
	"context"
	"errors"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strconv"

	"github.com/gin-gonic/gin"

	"samenspel/internal/match"
	"samenspel/internal/profiles"
	"samenspel/internal/suggest"
)

// The tender page: the tender, and its suggested coalitions explained member by
// member.

// Coalitions the page shows: the first few of the answer with variants
// (suggest.PageRequest; SPEC §6: coalitions that only swap partners for others
// that do as well are shown once, each such partner with who could take its seat),
// all of it on request.
const shownCoalitions = 5

// shownAlternatives is how many of a member's alternatives the page names; the
// others it counts.
const shownAlternatives = 5

type needRow struct {
	Instrument, Weight string
	Must               bool
}

type tenderData struct {
	ID, Title, Description, Areas, Themes, Budget, Size, Posted string
	Closed                                                      bool
	Rules                                                       []string
	Needs                                                       []needRow
	// Weights are the score's four weights as percentages, for the explanation.
	Weights    [4]string
	Candidates string
	Feasible   bool
	Warnings   []string
	Coalitions []coalitionView
	// Alternatives says that some member names the partners that could take its
	// seat, so that the page explains what that means.
	Alternatives bool
	// More is the address that shows every coalition of the answer, Fewer the one
	// back; "" when there is nothing more (or less) to show.
	More, Fewer string
	Interest    interestView
	// OwnFit is the signed-in partner's own fit page ("Waarom (niet) wij?"), ""
	// for other visitors.
	OwnFit, OwnName string
}

// interestView is the tender page's part on interest: a signed-in partner may
// express it, and the tender's owner sees who did.
type interestView struct {
	Shown      bool // the site has forms
	SignIn     string
	CanExpress bool
	Expressed  bool
	Owner      bool
	Interested []partnerRef
	// Closed says that the tender takes no interest any more.
	Closed bool
}

// partnerRef is a partner by name; Fit, when set, is its fit page for the tender.
type partnerRef struct{ ID, Name, Fit string }

type coalitionView struct {
	Rank int
	// Heading, Anchor (its id) and Caption (of the members' table) name the
	// coalition where it is shown: "Coalitie 2: score 84 van 100" on the tender
	// page, the partner's best coalition on the fit page.
	Heading, Anchor, Caption string
	Score                    string // points out of 100
	Coverage, Diversity      string
	Trust, Inclusion         string
	Lead                     string // the lead's name; "" when no member can lead
	Members                  []memberView
	Gaps, Warnings           []string
	Split                    bool // the bars are split into the four parts
	BudgetShown              bool
	TotalBudget              string
}

type memberView struct {
	ID, Name, Kind, Size string
	Brings               []string // "Ontmoetingsplek: voor een kwart (25%)"
	Unique               string
	Shapley, Share       string // points, and the share of the score
	Bar                  bar
	Parts                []partView
	Budget               string
	Why                  string
	Lead                 bool
	// Alternatives are the first partners that could take this member's seat at
	// the same score, by name, each with the words before it (", ", " or ");
	// MoreAlternatives counts the others ("" when there are none).
	Alternatives     []alternativeRef
	MoreAlternatives string
}

type alternativeRef struct{ ID, Name, Before string }

type partView struct {
	Class, Label, Points string
}

// tender is /tenders/{id}.
func (s *Site) tender(c *gin.Context) {
	l := s.lang(c)
	id := c.Param("id")
	if !profiles.ValidID(id) {
		s.errorPage(c, http.StatusNotFound)
		return
	}
	ctx := c.Request.Context()
	rec, err := s.d.Store.GetTender(ctx, id)
	if err != nil {
		s.fail(c, err)
		return
	}
	b, err := s.d.Suggest.ForTender(ctx, suggest.PageRequest(id)) // all of match.DefaultTop, with variants
	if err != nil {
		s.fail(c, err)
		return
	}
	var res match.Result
	if err := decodeResult(b, &res); err != nil {
		s.fail(c, err)
		return
	}
	ctx, cancel := afterAnswer(ctx)
	defer cancel()
	shown := shownCoalitions
	all := c.Query("all") == "1"
	if all {
		shown = len(res.Coalitions)
	}
	d, err := s.tenderView(ctx, l, rec, res, shown)
	if err == nil {
		d.Interest, err = s.interestView(ctx, c, rec)
	}
	if v := s.visitor(c); err == nil && v.ActAsPartner() == nil {
		var p profiles.Record
		switch p, err = s.d.Store.GetProfileRecord(ctx, v.Profile); {
		case err == nil:
			d.OwnFit, d.OwnName = fitURL(id, v.Profile), publicRecord(p).Name
		case errors.Is(err, profiles.ErrNotFound): // its profile is gone: no fit to show
			err = nil
		}
	}
	if err != nil {
		s.fail(c, err)
		return
	}
	v := withoutLang(c.Request.URL.Query())
	if !all && len(res.Coalitions) > shown {
		v.Set("all", "1")
		d.More = pageURL(c.Request.URL.Path, v)
	} else if all && len(res.Coalitions) > shownCoalitions {
		v.Del("all")
		d.Fewer = pageURL(c.Request.URL.Path, v)
	}
	s.render(c, http.StatusOK, "tender", rec.Tender.Title, "tenders", d)
}

// interestView is what the visitor sees of the interest in tender rec. Who is
// interested is its owner's to see (SPEC §8): that page no cache keeps.
func (s *Site) interestView(ctx context.Context, c *gin.Context, rec profiles.TenderRecord) (interestView, error) {
	if s.d.Sessions == nil || s.d.Forms == nil {
		return interestView{}, nil
	}
	v := s.visitor(c)
	iv := interestView{Shown: true, Owner: v.ownsTender(rec), Closed: rec.Closed}
	if !v.signedIn() {
		iv.SignIn = "/signin?next=" + url.QueryEscape("/tenders/"+rec.Tender.ID)
	}
	partner := v.ActAsPartner() == nil
	if !iv.Owner && !partner {
		return iv, nil
	}
	ids, err := s.d.Forms.Interests(ctx, rec.Tender.ID)
	if err != nil {
		return iv, err
	}
	if partner {
		iv.Expressed = slices.Contains(ids, v.Profile)
		iv.CanExpress = !iv.Expressed && !rec.Closed
	}
	if iv.Owner {
		c.Header("Cache-Control", "no-store")
		for _, id := range ids {
			p, err := s.d.Store.GetProfileRecord(ctx, id)
			if errors.Is(err, profiles.ErrNotFound) {
				continue
			}
			if err != nil {
				return iv, err
			}
			iv.Interested = append(iv.Interested, partnerRef{ID: id, Name: publicRecord(p).Name, Fit: fitURL(rec.Tender.ID, id)})
		}
	}
	return iv, nil
}

// interest is POST /tenders/{id}/interest: the signed-in partner is interested
// (again changes nothing); 409 in a closed tender.
func (s *Site) interest(c *gin.Context) {
	if !s.checkCSRF(c) {
		return
	}
	id := c.Param("id")
	if !profiles.ValidID(id) {
		s.errorPage(c, http.StatusNotFound)
		return
	}
	v := s.visitor(c)
	if err := v.ActAsPartner(); err != nil {
		s.refused(c, err, "/tenders/"+id)
		return
	}
	ctx := c.Request.Context()
	rec, err := s.d.Store.GetTender(ctx, id)
	if err != nil {
		s.fail(c, err)
		return
	}
	err = s.d.Forms.AddInterest(ctx, rec.Tender.ID, v.Profile, s.d.Now())
	switch {
	case errors.Is(err, profiles.ErrClosed):
		s.errorPage(c, http.StatusConflict)
		return
	case err != nil:
		s.fail(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, "/tenders/"+id+"#interest")
}

func (s *Site) tenderView(ctx context.Context, l Lang, rec profiles.TenderRecord, res match.Result, shown int) (tenderData, error) {
	tn := rec.Tender
	d := tenderData{ID: tn.ID, Title: tn.Title, Description: tn.Description, Areas: s.areas(l, tn.Area),
		Themes: capital(s.themes(l, tn.Themes)), Posted: date(l, rec.Created), Closed: rec.Closed,
		Candidates: integer(l, res.Candidates), Feasible: res.Feasible}
	if tn.Budget != nil {
		d.Budget = money(l, *tn.Budget)
	}
	if tn.MinSize == tn.MaxSize {
		d.Size = t(l, "tender.size.exactly", integer(l, tn.MaxSize))
	} else {
		d.Size = t(l, "tender.size.range", integer(l, tn.MinSize), integer(l, tn.MaxSize))
	}
	if len(tn.RequireKinds) > 0 {
		kinds := make([]string, len(tn.RequireKinds))
		for i, k := range tn.RequireKinds {
			kinds[i] = s.kind(l, k)
		}
		d.Rules = append(d.Rules, t(l, "tender.rule.kinds", list(l, kinds)))
	}
	if tn.MaxLarge != nil {
		d.Rules = append(d.Rules, counted(l, "tender.rule.maxlarge", *tn.MaxLarge))
	}
	if tn.MinSmall > 0 {
		d.Rules = append(d.Rules, counted(l, "tender.rule.minsmall", tn.MinSmall))
	}
	if len(tn.Exclude) > 0 {
		d.Rules = append(d.Rules, counted(l, "tender.rule.exclude", len(tn.Exclude)))
	}
	for _, n := range tn.Needs {
		d.Needs = append(d.Needs, needRow{Instrument: capital(s.instrument(l, n.Instrument)),
			Weight: l.printer().Sprintf("%v", n.Weight), Must: n.Must})
	}
	w := profiles.NormalizeWeights(tn.Weights)
	d.Weights = [4]string{percent(l, w.Coverage), percent(l, w.Diversity), percent(l, w.Trust), percent(l, w.Inclusion)}
	for _, warning := range res.Warnings {
		text, _ := s.warningText(l, warning, nil)
		d.Warnings = append(d.Warnings, text)
	}
	coalitions := res.Coalitions[:min(shown, len(res.Coalitions))]
	members, err := s.memberProfiles(ctx, coalitions)
	if err != nil {
		return d, err
	}
	for _, co := range coalitions {
		v := s.coalitionView(l, tn, co, members)
		v.Heading, v.Anchor = t(l, "coalition.title", co.Rank, v.Score), "coalition-"+strconv.Itoa(co.Rank)
		v.Caption = t(l, "coalition.members", co.Rank)
		for i, m := range co.Members {
			if v.Members[i].Alternatives, v.Members[i].MoreAlternatives, err = s.alternatives(ctx, l, m.Alternatives); err != nil {
				return d, err
			}
			d.Alternatives = d.Alternatives || len(v.Members[i].Alternatives) > 0
		}
		d.Coalitions = append(d.Coalitions, v)
	}
	return d, nil
}

// alternatives names the first shownAlternatives of the partners in ids (a
// member's alternatives) and counts the others; a profile removed since the
// answer is left out.
func (s *Site) alternatives(ctx context.Context, l Lang, ids []string) ([]alternativeRef, string, error) {
	var out []alternativeRef
	for _, id := range ids[:min(shownAlternatives, len(ids))] {
		rec, err := s.d.Store.GetProfileRecord(ctx, id)
		if errors.Is(err, profiles.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, "", err
		}
		out = append(out, alternativeRef{ID: id, Name: publicRecord(rec).Name})
	}
	more := len(ids) - min(shownAlternatives, len(ids))
	for i := range out {
		switch {
		case i == 0:
		case i == len(out)-1 && more == 0:
			out[i].Before = " " + t(l, "or") + " "
		default:
			out[i].Before = ", "
		}
	}
	if more > 0 && len(out) > 0 {
		return out, counted(l, "member.alternatives.more", more), nil
	}
	return out, "", nil
}

// memberProfiles reads the public profiles of the coalitions' members, for their
// levels and flags; a profile removed since the answer is left out.
func (s *Site) memberProfiles(ctx context.Context, cs []match.Coalition) (map[string]profiles.Profile, error) {
	out := map[string]profiles.Profile{}
	for _, co := range cs {
		for _, m := range co.Members {
			if _, ok := out[m.ID]; ok {
				continue
			}
			rec, err := s.d.Store.GetProfileRecord(ctx, m.ID)
			if errors.Is(err, profiles.ErrNotFound) {
				continue
			}
			if err != nil {
				return nil, err
			}
			out[m.ID] = publicRecord(rec)
		}
	}
	return out, nil
}

// The four parts of the score, in the order of the bars and the legend.
var partKeys = [4]string{"coverage", "diversity", "trust", "inclusion"}

func (s *Site) coalitionView(l Lang, tn profiles.Tender, co match.Coalition, profs map[string]profiles.Profile) coalitionView {
	v := coalitionView{Rank: co.Rank, Score: points(l, co.Score), Coverage: percent(l, co.Breakdown.Coverage),
		Diversity: percent(l, co.Breakdown.Diversity), Trust: percent(l, co.Breakdown.Trust),
		Inclusion: percent(l, co.Breakdown.Inclusion), BudgetShown: tn.Budget != nil}
	if tn.Budget != nil {
		v.TotalBudget = money(l, *tn.Budget)
	}
	names := map[string]string{}
	kinds := map[string]int{}
	var ps []profiles.Profile
	for _, m := range co.Members {
		names[m.ID] = m.Name
		kinds[m.Kind]++
		if p, ok := profs[m.ID]; ok {
			ps = append(ps, p)
		}
	}
	if co.Lead != nil {
		v.Lead = names[*co.Lead]
	}
	parts, err := match.Contributions(tn, ps, co)
	v.Split = err == nil
	var values [][4]float64
	for i, m := range co.Members {
		if v.Split {
			p := parts[i]
			values = append(values, [4]float64{p.Coverage, p.Diversity, p.Trust, p.Inclusion})
		} else {
			values = append(values, [4]float64{m.Shapley, 0, 0, 0})
		}
	}
	bars := barsOf(values, v.Split)
	for i, m := range co.Members {
		p, known := profs[m.ID]
		mv := memberView{ID: m.ID, Name: m.Name, Kind: capital(s.kind(l, m.Kind)), Size: size(l, m.Size),
			Shapley: points(l, m.Shapley), Bar: bars[i], Lead: co.Lead != nil && *co.Lead == m.ID}
		if co.Score > 0 {
			mv.Share = percent(l, math.Max(0, m.Shapley)/co.Score)
		}
		for _, code := range m.Instruments {
			item := capital(s.instrument(l, code))
			if known {
				item += ": " + level(l, p.Instruments[code])
			}
			mv.Brings = append(mv.Brings, item)
		}
		if len(m.Unique) > 0 {
			mv.Unique = capital(list(l, s.instruments(l, m.Unique)))
		}
		if v.Split {
			for k, key := range partKeys {
				mv.Parts = append(mv.Parts, partView{Class: "part-" + key, Label: t(l, "part."+key), Points: points(l, values[i][k])})
			}
		}
		if m.Budget != nil {
			mv.Budget = money(l, *m.Budget)
		}
		mv.Why = s.why(l, memberFacts{Name: m.Name, Kind: m.Kind, Brings: m.Instruments, Unique: m.Unique,
			OnlyKind: len(co.Members) > 1 && kinds[m.Kind] == 1, Small: m.Size == profiles.SizeSmall,
			New: known && p.NewProvider, Lead: mv.Lead})
		v.Members = append(v.Members, mv)
	}
	for _, g := range co.Gaps {
		v.Gaps = append(v.Gaps, capital(s.instrument(l, g)))
	}
	for _, w := range co.Warnings {
		// That no member can lead, the lead's line says already.
		if text, key := s.warningText(l, w, names); key != "warning.nolead" {
			v.Warnings = append(v.Warnings, text)
		}
	}
	return v
}

// bar is a member's added value drawn as a horizontal bar (inline SVG, 100 units
// wide): its parts side by side from the zero line, those that lower the score to
// its left.
type bar struct {
	Segments []segment
	// Zero is where the zero line stands; HasNegative says that some member of the
	// coalition has a part below zero, so that the line is drawn.
	Zero        string
	HasNegative bool
}

type segment struct {
	X, Width, Class string
}

// barsOf lays out the bars of a coalition's members on one scale: the largest sum
// of positive parts of any member, and of negative ones, fill the width. Without
// split, each value holds the member's whole Shapley value in its first part.
func barsOf(values [][4]float64, split bool) []bar {
	var pos, neg float64
	for _, v := range values {
		var p, n float64
		for _, x := range v {
			if x > 0 {
				p += x
			} else {
				n -= x
			}
		}
		pos, neg = math.Max(pos, p), math.Max(neg, n)
	}
	span := pos + neg
	out := make([]bar, len(values))
	if span <= 0 {
		return out
	}
	zero := 100 * neg / span
	for i, v := range values {
		b := bar{Zero: svgNumber(zero), HasNegative: neg > 0}
		right, left := zero, zero
		for k, x := range v {
			w := 100 * math.Abs(x) / span
			if w < 0.05 {
				continue
			}
			class := "part-" + partKeys[k]
			if !split {
				class = "part-total"
			}
			if x > 0 {
				b.Segments = append(b.Segments, segment{X: svgNumber(right), Width: svgNumber(w), Class: class})
				right += w
			} else {
				left -= w
				b.Segments = append(b.Segments, segment{X: svgNumber(left), Width: svgNumber(w), Class: class + " part-negative"})
			}
		}
		out[i] = b
	}
	return out
}

// svgNumber writes a coordinate as SVG reads it, whatever the page's language.
func svgNumber(x float64) string { return strconv.FormatFloat(x, 'f', 2, 64) }
