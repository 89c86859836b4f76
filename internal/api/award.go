package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"samenspel/internal/match"
	"samenspel/internal/profiles"
	"samenspel/internal/suggest"
)

// The award of a tender closes the loop from suggestions to trust: its owner (or an
// admin) records the coalition it chose, suggested or not, and later how the
// collaboration went. The outcome becomes counted collaboration events for every
// pair of the awarded members, recorded by the owner (SPEC §4: events recorded by a
// tender owner count), so that trust moves through the one path it has, and the
// next suggestions see it (the events' version keys the caches).
//
//   - POST /v1/tenders/{id}/award {"members": [ids]}: 201 with the award and its
//     score, breakdown, Shapley values and the rules it breaks (the score route's
//     computation); 200 when it replaced an award. An award is replaced by another
//     until its outcome is recorded; after that it is final (409). A closed tender
//     is awarded as an open one is: the choice often comes when the call closes.
//   - POST /v1/tenders/{id}/award {"outcome": "positive"|"negative", "at"}: 201 with
//     the counted events recorded, one per pair, and the pairs skipped: a pair
//     that has a counted event on that day already (a pair has at most one a day)
//     is reported as skipped, not refused, and so is a pair whose profile was
//     deleted since; an outcome without an award, or a second one, is 409.
//   - GET /v1/tenders/{id}/award: anyone; the members' public fields only, and for
//     anonymous callers every pair with the coalition's mean trust, as the score
//     route does.

// AwardStore keeps the awards of tenders; *store.Store implements it.
type AwardStore interface {
	AwardTender(ctx context.Context, tender string, members []string, role, recorder string, now time.Time) (profiles.Award, bool, error)
	Award(ctx context.Context, tender string) (profiles.Award, error)
	RecordAwardOutcome(ctx context.Context, tender, outcome, at, role, recorder string, now time.Time) (profiles.AwardOutcome, error)
}

// awardView is an award as the API shows it.
type awardView struct {
	Tender string `json:"tender"`
	// Members are the ids of the coalition chosen, in the order given, each once.
	Members []string  `json:"members"`
	Awarded time.Time `json:"awarded"`
	// Coalition is the award scored now, as the score route scores it; nil when a
	// member's profile has been deleted since, and it cannot be scored.
	Coalition *match.Scored `json:"coalition"`
	// Outcome is how the collaboration went; nil until its owner says.
	Outcome *outcomeView `json:"outcome"`
}

// outcomeView is an award's outcome.
type outcomeView struct {
	Outcome  string    `json:"outcome"`
	At       string    `json:"at"`
	Recorded time.Time `json:"recorded"`
	// Events and Skipped count the pairs whose counted event it recorded, and
	// those it skipped.
	Events  int `json:"events"`
	Skipped int `json:"skipped"`
}

// outcomeAnswer is the answer to an outcome: what it recorded, and what not.
type outcomeAnswer struct {
	Tender  string              `json:"tender"`
	Outcome outcomeView         `json:"outcome"`
	Events  []collaborationView `json:"events"`
	Skipped []skippedPairView   `json:"skipped"`
}

// skippedPairView is a pair the outcome recorded no event for, and why:
// profiles.SkipDayTaken or profiles.SkipNoProfile.
type skippedPairView struct {
	A      string `json:"a"`
	B      string `json:"b"`
	Reason string `json:"reason"`
}

func awardViewOf(a profiles.Award, scored *match.Scored) awardView {
	v := awardView{Tender: a.Tender, Members: a.IDs(), Awarded: a.Awarded.UTC(), Coalition: scored}
	if a.Outcome != "" {
		o := outcomeViewOf(a)
		v.Outcome = &o
	}
	return v
}

// outcomeViewOf is the outcome of an award that has one.
func outcomeViewOf(a profiles.Award) outcomeView {
	return outcomeView{Outcome: a.Outcome, At: a.OutcomeAt, Recorded: a.OutcomeRecorded.UTC(), Events: a.OutcomeEvents, Skipped: a.OutcomeSkipped}
}

// awardRequest is the body of POST /v1/tenders/{id}/award: members, or an outcome
// with its date.
type awardRequest struct {
	Members *[]string `json:"members"`
	Outcome *string   `json:"outcome"`
	At      *string   `json:"at"`
}

// awards is the store of awards, or writes 503 when the server keeps none.
func (h *handlers) awards(c *gin.Context) (AwardStore, bool) {
	if h.d.Awards == nil {
		fail(c, errUnavailable)
		return nil, false
	}
	return h.d.Awards, true
}

// postAward is POST /v1/tenders/{id}/award, for the tender's owner and admins:
// the coalition chosen, or later its outcome.
func (h *handlers) postAward(c *gin.Context) {
	rec, ok := h.tenderFor(c)
	if !ok {
		return
	}
	as, ok := h.awards(c)
	if !ok {
		return
	}
	var req awardRequest
	if !decodeBody(c, &req) {
		return
	}
	invalid := func(field, msg string) {
		fail(c, &profiles.ValidationError{Errors: []profiles.FieldError{{Field: field, Message: msg}}})
	}
	switch {
	case req.Members != nil && req.Outcome != nil:
		invalid("outcome", "an award is made with members alone, and its outcome recorded later in a request of its own")
	case req.Members != nil && req.At != nil:
		invalid("at", "only with an outcome")
	case req.Members != nil:
		h.award(c, as, rec.Tender.ID, *req.Members)
	case req.Outcome != nil:
		h.recordOutcome(c, as, rec.Tender.ID, *req.Outcome, req.At)
	case req.At != nil:
		invalid("outcome", "required with at: positive or negative")
	default:
		invalid("members", "required: the ids of the coalition chosen, or, once it is awarded, its outcome")
	}
}

// award records members as the tender's award and answers with it scored.
func (h *handlers) award(c *gin.Context, as AwardStore, tender string, raw []string) {
	ids, first, err := awardMembers(raw)
	if err != nil {
		fail(c, err)
		return
	}
	ctx := c.Request.Context()
	var missing []string
	for _, id := range ids {
		if _, err := h.d.Store.GetProfile(ctx, id); errors.Is(err, profiles.ErrNotFound) {
			missing = append(missing, id)
		} else if err != nil {
			fail(c, err)
			return
		}
	}
	if len(missing) > 0 {
		fail(c, noProfiles(missing, first))
		return
	}
	// Scored before it is written: a replica too busy to score (503) writes
	// nothing, and the client's retry finds no award half made.
	scored, err := h.d.Suggest.Score(ctx, suggest.ScoreRequest{Tender: tender, Members: ids})
	if errors.Is(err, match.ErrProposal) {
		err = &profiles.ValidationError{Errors: []profiles.FieldError{{Field: "members", Message: err.Error()}}}
	}
	if err != nil {
		fail(c, err)
		return
	}
	pr := who(c)
	a, replaced, err := as.AwardTender(ctx, tender, ids, pr.Role, pr.Owner, h.d.Now())
	var gone *profiles.MissingProfilesError
	if errors.As(err, &gone) { // deleted since they were looked up
		err = noProfiles(gone.IDs, first)
	}
	if err != nil {
		fail(c, err)
		return
	}
	status := http.StatusCreated
	if replaced {
		status = http.StatusOK
	}
	c.Header("Location", "/v1/tenders/"+tender+"/award")
	c.JSON(status, awardViewOf(a, &scored))
}

// awardMembers is the members of an award as the request names them: every
// element a profile id (each error at its index), a repeat dropped where it
// repeats (SPEC §2), and 1 to profiles.MaxMaxSize members then. first is the
// index in raw of each member.
func awardMembers(raw []string) (ids []string, first map[string]int, err error) {
	var errs []profiles.FieldError
	first = map[string]int{}
	for i, id := range raw {
		if !profiles.ValidID(id) {
			errs = append(errs, profiles.FieldError{Field: fmt.Sprintf("members[%d]", i),
				Message: profiles.Quote(id) + " is not a profile id: use 1-64 characters a-z, 0-9 and -"})
			continue
		}
		if _, ok := first[id]; !ok {
			first[id] = i
			ids = append(ids, id)
		}
	}
	if len(errs) > 0 {
		return nil, nil, &profiles.ValidationError{Errors: errs}
	}
	if len(ids) < 1 || len(ids) > profiles.MaxMaxSize {
		return nil, nil, &profiles.ValidationError{Errors: []profiles.FieldError{{Field: "members",
			Message: fmt.Sprintf("a coalition has 1 to %d distinct members, not %d", profiles.MaxMaxSize, len(ids))}}}
	}
	return ids, first, nil
}

// noProfiles is the error for award members that are no profile, each named at
// its index in the request.
func noProfiles(ids []string, first map[string]int) error {
	errs := make([]profiles.FieldError, len(ids))
	for i, id := range ids {
		errs[i] = profiles.FieldError{Field: fmt.Sprintf("members[%d]", first[id]), Message: "no profile " + profiles.Quote(id)}
	}
	return &profiles.ValidationError{Errors: errs}
}

// recordOutcome records how the awarded coalition's collaboration went: counted
// events for its pairs, recorded by the caller (an owner or an admin).
func (h *handlers) recordOutcome(c *gin.Context, as AwardStore, tender, outcome string, at *string) {
	now := h.d.Now()
	day, errs := outcomeFields(outcome, at, now)
	if len(errs) > 0 {
		fail(c, &profiles.ValidationError{Errors: errs})
		return
	}
	pr := who(c)
	res, err := as.RecordAwardOutcome(c.Request.Context(), tender, outcome, day, pr.Role, pr.Owner, now)
	if err != nil {
		fail(c, err)
		return
	}
	out := outcomeAnswer{Tender: tender, Outcome: outcomeViewOf(res.Award),
		Events: make([]collaborationView, len(res.Events)), Skipped: make([]skippedPairView, len(res.Skipped))}
	for i, r := range res.Events {
		out.Events[i] = collaborationViewOf(r)
	}
	for i, p := range res.Skipped {
		out.Skipped[i] = skippedPairView{A: p.A, B: p.B, Reason: p.Reason}
	}
	c.JSON(http.StatusCreated, out)
}

// outcomeFields checks an outcome and its date by the rules of collaboration
// events (SPEC §4): positive or negative, at a date YYYY-MM-DD from 2000-01-01 to
// today, today when absent. It returns the date.
func outcomeFields(outcome string, at *string, now time.Time) (string, []profiles.FieldError) {
	var errs []profiles.FieldError
	if outcome != profiles.OutcomePositive && outcome != profiles.OutcomeNegative {
		errs = append(errs, profiles.FieldError{Field: "outcome", Message: "must be positive or negative, got " + profiles.Quote(outcome)})
	}
	today := now.Format(time.DateOnly)
	day := today
	if at != nil {
		day = *at
		if d, err := time.Parse(time.DateOnly, day); err != nil || d.Format(time.DateOnly) != day {
			errs = append(errs, profiles.FieldError{Field: "at", Message: profiles.Quote(day) + " is not a calendar date YYYY-MM-DD"})
		} else if day < profiles.EarliestAt || day > today {
			// Dates are YYYY-MM-DD, so string order is date order.
			errs = append(errs, profiles.FieldError{Field: "at", Message: fmt.Sprintf("must lie from %s to today (%s), got %s", profiles.EarliestAt, today, profiles.Quote(day))})
		}
	}
	return day, errs
}

// getAward is GET /v1/tenders/{id}/award, for anyone: tenders are public calls,
// and so is whom they went to. Members show their public fields only; for
// anonymous callers every pair has the coalition's mean trust (the score route's
// rule).
func (h *handlers) getAward(c *gin.Context) {
	if !validID(c) {
		return
	}
	as, ok := h.awards(c)
	if !ok {
		return
	}
	ctx := c.Request.Context()
	a, err := as.Award(ctx, c.Param("id"))
	if err != nil {
		fail(c, err)
		return
	}
	var scored *match.Scored
	s, err := h.d.Suggest.Score(ctx, suggest.ScoreRequest{Tender: a.Tender, Members: a.IDs(), PoolTrust: who(c).Role == ""})
	switch {
	case err == nil:
		scored = &s
	case !errors.Is(err, match.ErrProposal): // a member's profile deleted since: no score
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, awardViewOf(a, scored))
}
