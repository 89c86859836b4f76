package web

import (
	"context"
	"errors"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/gin-gonic/gin"

	"samenspel/internal/auth"
	"samenspel/internal/match"
	"samenspel/internal/profiles"
)

// Why (not) this partner (SPEC §6, issue 13) in words: the page
// /tenders/{id}/fit/{profile} says whether the partner is a candidate and every
// reason if not, the best coalition that includes it with its score and the place
// it would take, what keeps it out of the coalitions ranked above, and the changes
// to its own offer that would raise its best score most.
//
// Who may see it is the API's rule for GET /v1/tenders/{id}/fit/{profile}:
// anyone, since the answer holds public fields only (match.FitResult). The pages
// link it where it matters: the signed-in partner's own page (the open tenders
// whose areas overlap its own) and the tender page ("Waarom (niet) wij?"); a
// tender's owner finds it beside each partner that expressed interest and on any
// partner's page, for its own open tenders. The answer is computed as the API's
// is (suggest.Service.Fit: a heavy computation, bounded by the request's deadline
// and the engine's effort, refused with ErrBusy when too many run), and a refusal
// is the 503 page.

// answerReads bounds the reads a page makes after the engine's answer, which may
// have come at the request's deadline (afterAnswer).
const answerReads = 2 * time.Second

// afterAnswer is the context of the reads that name the partners of an answer: an
// answer that came at the request's deadline (its search stopped there, and it
// says so) is still shown, so these few reads of the store outlive the deadline,
// by answerReads at most.
func afterAnswer(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.WithoutCancel(ctx), answerReads)
}

// shownFits is how many tenders a profile page links to a fit page.
const shownFits = 10

// fitLink is a link from a page to a fit page.
type fitLink struct {
	TenderID, Title, URL, Text string
}

func fitURL(tender, profile string) string { return "/tenders/" + tender + "/fit/" + profile }

type fitData struct {
	TenderID, TenderTitle, TenderAreas string
	ProfileID, Name, Areas             string
	// Own says that the visitor is the partner itself.
	Own       bool
	Candidate bool
	Reasons   []string
	// Best is its best coalition, shown as the tender page shows one; BestText
	// says its score and rank.
	Best     *coalitionView
	BestText string
	// None says why no coalition can have it; Example is a coalition that keeps
	// every rule but the one against free riders, and FreeRiders who adds nothing
	// to it.
	None       []string
	Example    []partnerRef
	FreeRiders string
	Above      []aboveView
	// Changes are the changes to its offer; ChangesShown says that the page
	// speaks of them (not for a partner excluded or outside the tender's areas:
	// no offer changes those).
	Changes      []changeView
	ChangesShown bool
	Warnings     []string
}

type aboveView struct {
	Heading string
	Members []partnerRef
	Blocks  []string
}

type changeView struct {
	Text string
	With []partnerRef
}

// fit is /tenders/{id}/fit/{profile}.
func (s *Site) fit(c *gin.Context) {
	l := s.lang(c)
	id, pid := c.Param("id"), c.Param("profile")
	if !profiles.ValidID(id) || !profiles.ValidID(pid) {
		s.errorPage(c, http.StatusNotFound)
		return
	}
	ctx := c.Request.Context()
	rec, err := s.d.Store.GetTender(ctx, id)
	if err != nil {
		s.fail(c, err)
		return
	}
	prec, err := s.d.Store.GetProfileRecord(ctx, pid)
	if err != nil {
		s.fail(c, err)
		return
	}
	res, err := s.d.Suggest.Fit(ctx, id, pid)
	if err != nil {
		s.fail(c, err)
		return
	}
	v := s.visitor(c)
	rctx, cancel := afterAnswer(ctx)
	defer cancel()
	d, err := s.fitView(rctx, l, rec, publicRecord(prec), res)
	if err != nil {
		s.fail(c, err)
		return
	}
	d.Own = v.Role == auth.RolePartner && v.Profile == pid
	s.render(c, http.StatusOK, "fit", t(l, "fit.title", d.Name), "tenders", d)
}

// fitView says the answer res for partner p and tender rec in l. Everything it
// shows comes from res and the public fields of the partners it names.
func (s *Site) fitView(ctx context.Context, l Lang, rec profiles.TenderRecord, p profiles.Profile, res match.FitResult) (fitData, error) {
	tn := rec.Tender
	name := p.Name
	d := fitData{TenderID: tn.ID, TenderTitle: tn.Title, TenderAreas: s.areas(l, tn.Area), ProfileID: p.ID, Name: name,
		Areas: s.areas(l, p.Areas), Candidate: res.Candidate}
	for _, r := range res.Reasons {
		switch r {
		case match.ReasonExcluded:
			d.Reasons = append(d.Reasons, t(l, "fit.reason.excluded", name))
		case match.ReasonArea:
			d.Reasons = append(d.Reasons, t(l, "fit.reason.area", name, d.Areas, d.TenderAreas))
		case match.ReasonInstrument:
			var needed []string
			for _, n := range tn.Needs {
				needed = append(needed, s.instrument(l, n.Instrument))
			}
			d.Reasons = append(d.Reasons, t(l, "fit.reason.instrument", name, list(l, needed)))
		case match.ReasonStale:
			d.Reasons = append(d.Reasons, t(l, "fit.reason.stale", name))
		default:
			d.Reasons = append(d.Reasons, r)
		}
	}
	names := map[string]string{p.ID: name}
	remember := func(ms []match.FitPartner) {
		for _, m := range ms {
			names[m.ID] = m.Name
		}
	}
	if res.Best != nil {
		members, err := s.memberProfiles(ctx, []match.Coalition{*res.Best})
		if err != nil {
			return d, err
		}
		v := s.coalitionView(l, tn, *res.Best, members)
		v.Heading, v.Anchor, v.Caption = t(l, "fit.best.title", name, v.Score), "best", t(l, "fit.best.members", name)
		d.Best = &v
		for _, m := range res.Best.Members {
			names[m.ID] = m.Name
		}
		switch {
		case res.Rank != nil:
			d.BestText = t(l, "fit.best.rank", name, v.Score, integer(l, *res.Rank))
		case res.RankAtLeast != nil:
			d.BestText = t(l, "fit.best.below", name, v.Score, integer(l, *res.RankAtLeast-1), integer(l, *res.RankAtLeast))
		}
	}
	if n := res.None; n != nil {
		switch n.Code {
		case match.NoneFreeRider:
			d.None = append(d.None, t(l, "fit.none.freerider", name, name))
		case match.NoneRules:
			var rules []string
			for _, r := range n.Rules {
				rules = append(rules, s.ruleText(l, tn, r))
			}
			key := "fit.none.rules"
			if n.Jointly {
				key = "fit.none.jointly"
			}
			d.None = append(d.None, t(l, key, name))
			d.None = append(d.None, rules...)
		case match.NoneNotFound:
			d.None = append(d.None, t(l, "fit.none.notfound", name))
		default:
			d.None = append(d.None, n.Code)
		}
		if n.Example != nil {
			remember(n.Example.Members)
			for _, m := range n.Example.Members {
				d.Example = append(d.Example, partnerRef{ID: m.ID, Name: m.Name})
			}
			var riders []string
			for _, id := range n.Example.FreeRiders {
				riders = append(riders, names[id])
			}
			d.FreeRiders = list(l, riders)
		}
	} else if res.Best == nil && !res.Candidate {
		d.None = append(d.None, t(l, "fit.none.nocandidate", name))
	}
	for _, a := range res.Above {
		remember(a.Members)
		av := aboveView{Heading: t(l, "fit.above.coalition", a.Rank, points(l, a.Score))}
		for _, m := range a.Members {
			av.Members = append(av.Members, partnerRef{ID: m.ID, Name: m.Name})
		}
		for _, b := range a.Blocks {
			av.Blocks = append(av.Blocks, s.blockText(l, name, b, names))
		}
		d.Above = append(d.Above, av)
	}
	d.ChangesShown = !slices.Contains(res.Reasons, match.ReasonExcluded) && !slices.Contains(res.Reasons, match.ReasonArea)
	for _, ch := range res.Changes {
		inst := s.instrument(l, ch.Instrument)
		var text string
		if ch.From == 0 {
			text = t(l, "fit.change.add", capital(inst), level(l, ch.To), points(l, ch.Score), points(l, ch.Gain))
		} else {
			text = t(l, "fit.change.raise", capital(inst), level(l, ch.From), level(l, ch.To), points(l, ch.Score), points(l, ch.Gain))
		}
		cv := changeView{Text: text}
		for _, id := range ch.Members {
			if id == p.ID {
				continue
			}
			n, ok := names[id]
			if !ok {
				r, err := s.d.Store.GetProfileRecord(ctx, id)
				if errors.Is(err, profiles.ErrNotFound) {
					continue
				}
				if err != nil {
					return d, err
				}
				n = publicRecord(r).Name
				names[id] = n
			}
			cv.With = append(cv.With, partnerRef{ID: id, Name: n})
		}
		d.Changes = append(d.Changes, cv)
	}
	for _, w := range res.Warnings {
		text, _ := s.fitWarningText(l, w, res.Bound)
		d.Warnings = append(d.Warnings, text)
	}
	return d, nil
}

// ruleText says a rule of SPEC §5 that keeps the partner out, with the tender's
// own limit.
func (s *Site) ruleText(l Lang, tn profiles.Tender, rule string) string {
	switch rule {
	case match.RuleMinSize:
		return counted(l, "fit.rule.minsize", tn.MinSize)
	case match.RuleMaxSize:
		return counted(l, "fit.rule.maxsize", tn.MaxSize)
	case match.RuleMust:
		var must []string
		for _, n := range tn.Needs {
			if n.Must {
				must = append(must, s.instrument(l, n.Instrument))
			}
		}
		return t(l, "fit.rule.must", list(l, must))
	case match.RuleRequireKinds:
		kinds := make([]string, len(tn.RequireKinds))
		for i, k := range tn.RequireKinds {
			kinds[i] = s.kind(l, k)
		}
		return t(l, "fit.rule.kinds", list(l, kinds))
	case match.RuleMaxLarge:
		if tn.MaxLarge != nil {
			return counted(l, "tender.rule.maxlarge", *tn.MaxLarge)
		}
	case match.RuleMinSmall:
		return counted(l, "tender.rule.minsmall", tn.MinSmall)
	}
	return rule
}

// blockText says what joining a coalition ranked above would run into.
func (s *Site) blockText(l Lang, name string, b match.FitBlock, names map[string]string) string {
	limit := func() string {
		if b.Limit == nil {
			return "?"
		}
		return integer(l, *b.Limit)
	}
	switch b.Code {
	case match.BlockMaxSize:
		return t(l, "fit.block.maxsize", limit())
	case match.BlockMaxLarge:
		return t(l, "fit.block.maxlarge", name, limit())
	case match.BlockFreeRider:
		return t(l, "fit.block.freerider", name, name)
	case match.BlockMakesFreeRiders:
		var ms []string
		for _, id := range b.Members {
			if n, ok := names[id]; ok {
				id = n
			}
			ms = append(ms, id)
		}
		if len(ms) == 1 {
			return t(l, "fit.block.makesfreeriders.1", name, ms[0])
		}
		return t(l, "fit.block.makesfreeriders", name, list(l, ms))
	case match.BlockLowerScore:
		score := "?"
		if b.Score != nil {
			score = points(l, *b.Score)
		}
		return t(l, "fit.block.lowerscore", name, score)
	}
	return b.Code
}

// fitWarningPatterns are the warnings of a fit answer (internal/match: fit.go)
// that are its own; a warning of the suggestions' kind is said by warningText.
// They are compiled when a fit page first says one.
var fitWarningPatterns = sync.OnceValue(func() []struct {
	re  *regexp.Regexp
	key string
} {
	return []struct {
		re  *regexp.Regexp
		key string
	}{
		{regexp.MustCompile(`^the profile is stale: `), "fit.warning.stale"},
		{regexp.MustCompile(`^(?:a search|the search) reached its (?:budget|effort) of \d+ [a-z ]+: these are the best coalitions found, not proven optimal$`), "fit.warning.inexact"},
		{regexp.MustCompile(`^the search was stopped at its deadline: these are the best coalitions found, not proven optimal$`), "fit.warning.deadline"},
		{regexp.MustCompile(`^(\d+) changes? to the offer (?:was|were) not weighed before the search ended$`), "fit.warning.skipped"},
	}
})

// fitWarningText says a warning of a fit answer in l, with the proven bound on a
// coalition with the partner when there is one, and the key it said it with ("" for
// one no pattern knows, shown as the engine wrote it).
func (s *Site) fitWarningText(l Lang, w string, bound *float64) (text, key string) {
	for _, p := range fitWarningPatterns() {
		m := p.re.FindStringSubmatch(w)
		if m == nil {
			continue
		}
		switch p.key {
		case "fit.warning.skipped":
			n, _ := strconv.Atoi(m[1])
			return counted(l, p.key, n), p.key
		case "fit.warning.inexact", "fit.warning.deadline":
			text := t(l, p.key)
			if bound != nil {
				text += " " + t(l, "fit.warning.bound", points(l, *bound))
			}
			return text, p.key
		}
		return t(l, p.key), p.key
	}
	return s.warningText(l, w, nil)
}

// profileFits are the fit pages a profile page links for visitor v: for the
// partner itself, the open tenders whose areas overlap its own; for a tender's
// owner (and admins), the open tenders it manages; the first shownFits of either.
func (s *Site) profileFits(ctx context.Context, l Lang, v Visitor, p profiles.Profile, own bool) ([]fitLink, error) {
	if !own && v.Role != auth.RoleTenderOwner && v.Role != auth.RoleAdmin {
		return nil, nil
	}
	recs, err := s.d.Store.Tenders(ctx)
	if err != nil {
		return nil, err
	}
	var out []fitLink
	for _, r := range recs {
		if r.Closed || len(out) == shownFits {
			continue
		}
		switch {
		case own && !areasOverlap(p.Areas, r.Tender.Area):
			continue
		case !own && !v.ownsTender(r):
			continue
		}
		text := t(l, "fit.link.other", p.Name)
		if own {
			text = t(l, "fit.link.own")
		}
		out = append(out, fitLink{TenderID: r.Tender.ID, Title: r.Tender.Title, URL: fitURL(r.Tender.ID, p.ID), Text: text})
	}
	return out, nil
}

// areasOverlap reports whether one of areas overlaps one of target (SPEC §3).
func areasOverlap(areas, target []string) bool {
	for _, a := range areas {
		for _, b := range target {
			if profiles.AreasOverlap(a, b) {
				return true
			}
		}
	}
	return false
}
