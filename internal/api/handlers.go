package api

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"samenspel/internal/auth"
	"samenspel/internal/idempotency"
	"samenspel/internal/match"
	"samenspel/internal/profiles"
	"samenspel/internal/suggest"
)

// Store is what the handlers read and write; *store.Store implements it.
type Store interface {
	TokenByHash(ctx context.Context, hash string) (auth.Token, error)
	CreateProfileWithToken(ctx context.Context, p profiles.Profile, t auth.Token, answer *idempotency.Stored) error
	IdempotentAnswer(ctx context.Context, key string, now time.Time) (idempotency.Stored, error)
	UpdateProfile(ctx context.Context, id string, match []string, change func(profiles.Record) (profiles.Profile, error)) (profiles.Record, error)
	DeleteProfile(ctx context.Context, id string) error
	GetProfile(ctx context.Context, id string) (profiles.Profile, error)
	GetProfileRecord(ctx context.Context, id string) (profiles.Record, error)
	ConfirmProfile(ctx context.Context, id string, now time.Time) error
	SearchProfiles(ctx context.Context, q profiles.Query) ([]profiles.Profile, int, error)
	CreateTender(ctx context.Context, t profiles.Tender, owner string, now time.Time) error
	GetTender(ctx context.Context, id string) (profiles.TenderRecord, error)
	Tenders(ctx context.Context) ([]profiles.TenderRecord, error)
	UpdateTender(ctx context.Context, id string, match []string, now time.Time, change func(profiles.TenderRecord) (profiles.Tender, error)) (profiles.TenderRecord, error)
	CloseTender(ctx context.Context, id string, now time.Time) error
	RecordCollaboration(ctx context.Context, r profiles.CollaborationRecord) (profiles.CollaborationRecord, error)
	GetCollaboration(ctx context.Context, id int64) (profiles.CollaborationRecord, error)
	ConfirmCollaboration(ctx context.Context, id int64, now time.Time) (profiles.CollaborationRecord, error)
	DisputeCollaboration(ctx context.Context, id int64, now time.Time) (profiles.CollaborationRecord, error)
	CollaborationsOf(ctx context.Context, profile string, limit int) ([]profiles.CollaborationRecord, error)
	AddInterest(ctx context.Context, tender, profile string, now time.Time) error
	Interests(ctx context.Context, tender string) ([]string, error)
}

// Suggester answers tenders; *suggest.Service implements it.
type Suggester interface {
	ForTender(ctx context.Context, r suggest.Request) ([]byte, error)
	Match(ctx context.Context, t profiles.Tender, top int, variants bool) (match.Result, error)
	Score(ctx context.Context, r suggest.ScoreRequest) (match.Scored, error)
	Fit(ctx context.Context, tender, profile string) (match.FitResult, error)
}

// principal is who a request acts as: anonymous (zero value), or a token's role.
type principal = auth.Principal

// owner is the non-secret identity of a token: its id, the start of its hash.
func owner(hash string) string { return auth.TokenID(hash) }

// authenticate resolves a bearer token, if any. A malformed, unknown, revoked or
// expired token is refused (401), never treated as anonymous. The token is read
// from the store on every request (usable).
func (h *handlers) authenticate(c *gin.Context) {
	secret, err := auth.FromHeader(c.GetHeader("Authorization"))
	if err != nil {
		fail(c, errUnauthorized)
		return
	}
	if secret != "" {
		tok, err := h.d.Store.TokenByHash(c.Request.Context(), auth.Hash(secret))
		if errors.Is(err, auth.ErrNotFound) {
			fail(c, errUnauthorized)
			return
		}
		if err == nil {
			err = usable(tok, h.authNow())
		}
		if err != nil {
			fail(c, err)
			return
		}
		c.Set("principal", principal{Role: tok.Role, Profile: tok.Profile, Owner: owner(tok.Hash)})
	}
	c.Next()
}

func who(c *gin.Context) principal {
	p, _ := c.Get("principal")
	pr, _ := p.(principal)
	return pr
}

// partner is the profile a partner token acts for; for any other principal the
// response is written (401 anonymous, 403 another role) and ok is false. The
// partner-only routes (/v1/me/... and POST /v1/tenders/{id}/interest) start with it.
func partner(c *gin.Context) (profile string, ok bool) {
	pr := who(c)
	if err := pr.ActAsPartner(); err != nil {
		fail(c, err)
		return "", false
	}
	return pr.Profile, true
}

// body reads the whole request body (at most 1 MiB, enforced by limitBody).
func body(c *gin.Context) ([]byte, error) {
	b, err := io.ReadAll(c.Request.Body)
	if err != nil {
		return nil, err
	}
	return b, nil
}

// decodeBody reads the request body into v with the strict decoder
// (profiles.DecodeJSON); on failure the response is written and ok is false.
func decodeBody(c *gin.Context, v any) (ok bool) {
	b, err := body(c)
	if err == nil {
		err = profiles.DecodeJSON(b, v)
	}
	if err != nil {
		fail(c, err)
		return false
	}
	return true
}

// tenderBody decodes the request body as a tender; on failure the response is
// written and ok is false.
func (h *handlers) tenderBody(c *gin.Context) (t profiles.Tender, ok bool) {
	b, err := body(c)
	if err == nil {
		t, err = h.d.Taxonomy.DecodeTender(b)
	}
	if err != nil {
		fail(c, err)
		return t, false
	}
	return t, true
}

// profileBody decodes the request body as a profile; on failure the response is
// written and ok is false.
func (h *handlers) profileBody(c *gin.Context) (p profiles.Profile, ok bool) {
	b, err := body(c)
	if err == nil {
		p, err = h.decodeProfile(b)
	}
	if err != nil {
		fail(c, err)
		return p, false
	}
	return p, true
}

// decodeProfile decodes and validates a profile document, ignoring the read-only
// members a GET shows: the one decoder of every profile write.
func (h *handlers) decodeProfile(b []byte) (profiles.Profile, error) {
	b, err := withoutReadOnly(b)
	if err != nil {
		return profiles.Profile{}, err
	}
	return h.d.Taxonomy.DecodeProfile(b)
}

// profileView is a profile as principal pr may see it (SPEC §2): contact for its
// owner, tender owners and admins, private for its owner and admins. Its owner
// sees it whole, so that what it reads it can write back (GET, edit, PUT).
func profileView(p profiles.Profile, pr principal) profiles.Profile {
	out := p.Public()
	if pr.SeesContact(p.ID) {
		out.Contact = p.Contact
	}
	if pr.SeesWhole(p.ID) {
		out.Private = p.Private
	}
	return out
}

// validID refuses a path id that no document can have (400).
func validID(c *gin.Context) bool {
	if profiles.ValidID(c.Param("id")) {
		return true
	}
	fail(c, fmt.Errorf("%w: id must be 1 to 64 of a-z, 0-9 and -", errBadRequest))
	return false
}

func (h *handlers) getProfile(c *gin.Context) {
	if !validID(c) {
		return
	}
	rec, err := h.d.Store.GetProfileRecord(c.Request.Context(), c.Param("id"))
	if err != nil {
		fail(c, err)
		return
	}
	writeProfile(c, http.StatusOK, rec, who(c))
}

// profileRecord is a profile as the API shows it: the document, and two read-only
// members the store keeps beside it. A client that sends them back (GET, edit,
// PUT) has them ignored.
type profileRecord struct {
	profiles.Profile
	// Updated is when the profile was last written or confirmed.
	Updated *time.Time `json:"updated,omitempty"`
	// StaleSince, when set, says the profile has not been updated for 12 months
	// and takes part in no coalition until its owner confirms it.
	StaleSince *time.Time `json:"stale_since,omitempty"`
}

// readOnlyMembers are the members of profileRecord that are no part of the
// profile document.
var readOnlyMembers = []string{"updated", "stale_since"}

// recordView is rec as principal pr may see it.
func recordView(rec profiles.Record, pr principal) profileRecord {
	out := profileRecord{Profile: profileView(rec.Profile, pr)}
	if !rec.Updated.IsZero() {
		t := rec.Updated.UTC()
		out.Updated = &t
	}
	if !rec.StaleSince.IsZero() {
		t := rec.StaleSince.UTC()
		out.StaleSince = &t
	}
	return out
}

// searchProfiles is GET /v1/profiles: full text and filters, public fields only.
func (h *handlers) searchProfiles(c *gin.Context) {
	q := profiles.Query{Text: c.Query("q"), Kind: c.Query("kind"), Size: c.Query("size"), Area: c.Query("area"),
		Instrument: c.Query("instrument"), Theme: c.Query("theme")}
	var errs []profiles.FieldError
	check := func(field, v string, ok bool, msg string) {
		if v != "" && !ok {
			errs = append(errs, profiles.FieldError{Field: field, Message: msg})
		}
	}
	check("kind", q.Kind, h.d.Taxonomy.HasKind(q.Kind), "unknown kind "+profiles.Quote(q.Kind))
	check("size", q.Size, q.Size == profiles.SizeSmall || q.Size == profiles.SizeMedium || q.Size == profiles.SizeLarge, "must be small, medium or large")
	check("area", q.Area, profiles.ValidArea(q.Area), "must be a CBS area code: NL, GMdddd, WKdddddd or BUdddddddd")
	check("instrument", q.Instrument, h.d.Taxonomy.HasInstrument(q.Instrument), "unknown instrument "+profiles.Quote(q.Instrument))
	check("theme", q.Theme, h.d.Taxonomy.HasTheme(q.Theme), "unknown theme "+profiles.Quote(q.Theme))
	var err error
	if q.Limit, err = intParam(c, "limit", profiles.DefaultLimit, 1, profiles.MaxLimit); err != nil {
		errs = append(errs, profiles.FieldError{Field: "limit", Message: err.Error()})
	}
	if q.Offset, err = intParam(c, "offset", 0, 0, 1<<30); err != nil {
		errs = append(errs, profiles.FieldError{Field: "offset", Message: err.Error()})
	}
	if len(errs) > 0 {
		fail(c, &profiles.ValidationError{Errors: errs})
		return
	}
	hits, total, err := h.d.Store.SearchProfiles(c.Request.Context(), q)
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"hits": hits, "total": total})
}

// intParam reads an integer query parameter in [lo, hi], def when absent.
func intParam(c *gin.Context, name string, def, lo, hi int) (int, error) {
	v, ok := c.GetQuery(name)
	if !ok {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < lo || n > hi {
		return 0, fmt.Errorf("must be a whole number from %d to %d", lo, hi)
	}
	return n, nil
}

// variantsParam reads the query parameter variants (SPEC §6): true or false, false
// when absent.
func variantsParam(c *gin.Context) (bool, error) {
	v, given := c.GetQuery("variants")
	switch {
	case !given || v == "false":
		return false, nil
	case v == "true":
		return true, nil
	}
	return false, &profiles.ValidationError{Errors: []profiles.FieldError{{Field: "variants", Message: "must be true or false"}}}
}

// tenderView is a stored tender as the API shows it: tenders are public calls.
type tenderView struct {
	Tender  profiles.Tender `json:"tender"`
	Closed  bool            `json:"closed"`
	Created time.Time       `json:"created"`
	Updated time.Time       `json:"updated"`
}

func viewOf(r profiles.TenderRecord) tenderView {
	return tenderView{Tender: r.Tender, Closed: r.Closed, Created: r.Created, Updated: r.Updated}
}

// createTender is POST /v1/tenders, for tender owners and admins.
func (h *handlers) createTender(c *gin.Context) {
	pr := who(c)
	if err := pr.MakeTenders(); err != nil {
		fail(c, err)
		return
	}
	t, ok := h.tenderBody(c)
	if !ok {
		return
	}
	ctx := c.Request.Context()
	if err := h.d.Store.CreateTender(ctx, t, pr.Owner, h.d.Now()); err != nil {
		fail(c, err)
		return
	}
	rec, err := h.d.Store.GetTender(ctx, t.ID)
	if err != nil {
		fail(c, err)
		return
	}
	c.Header("Location", "/v1/tenders/"+t.ID)
	writeTender(c, http.StatusCreated, rec)
}

func (h *handlers) getTender(c *gin.Context) {
	if !validID(c) {
		return
	}
	rec, err := h.d.Store.GetTender(c.Request.Context(), c.Param("id"))
	if err != nil {
		fail(c, err)
		return
	}
	writeTender(c, http.StatusOK, rec)
}

func (h *handlers) listTenders(c *gin.Context) {
	recs, err := h.d.Store.Tenders(c.Request.Context())
	if err != nil {
		fail(c, err)
		return
	}
	out := make([]tenderView, len(recs))
	for i, r := range recs {
		out[i] = viewOf(r)
	}
	c.JSON(http.StatusOK, gin.H{"tenders": out})
}

// coalitions is GET /v1/tenders/{id}/coalitions: the suggestions of SPEC §6, for
// anyone; those among the interested partners only (interested_only=true) for the
// tender's owner and admins.
func (h *handlers) coalitions(c *gin.Context) {
	if !validID(c) {
		return
	}
	top, err := intParam(c, "top", match.DefaultTop, 1, match.MaxTop)
	if err != nil {
		fail(c, &profiles.ValidationError{Errors: []profiles.FieldError{{Field: "top", Message: err.Error()}}})
		return
	}
	interested := false
	v, ok := c.GetQuery("interestedOnly") // the NL API Design Rules want camelCase
	if !ok {
		v, ok = c.GetQuery("interested_only") // as SPEC §8 spells it
	}
	if ok {
		if interested, err = strconv.ParseBool(v); err != nil {
			fail(c, &profiles.ValidationError{Errors: []profiles.FieldError{{Field: "interested_only", Message: "must be true or false"}}})
			return
		}
	}
	variants, err := variantsParam(c)
	if err != nil {
		fail(c, err)
		return
	}
	// Who expressed interest is the tender owner's to see (SPEC §8): the
	// suggestions among the interested say it as plainly as GET .../interest does.
	if interested {
		if _, ok := h.tenderFor(c); !ok {
			return
		}
	}
	b, err := h.d.Suggest.ForTender(c.Request.Context(), suggest.Request{Tender: c.Param("id"), Top: top, InterestedOnly: interested, Variants: variants})
	if err != nil {
		fail(c, err)
		return
	}
	c.Data(http.StatusOK, "application/json", b)
}

// matchTender is POST /v1/match: suggestions for an unsaved tender.
func (h *handlers) matchTender(c *gin.Context) {
	top, err := intParam(c, "top", match.DefaultTop, 1, match.MaxTop)
	if err != nil {
		fail(c, &profiles.ValidationError{Errors: []profiles.FieldError{{Field: "top", Message: err.Error()}}})
		return
	}
	variants, err := variantsParam(c)
	if err != nil {
		fail(c, err)
		return
	}
	t, ok := h.tenderBody(c)
	if !ok {
		return
	}
	res, err := h.d.Suggest.Match(c.Request.Context(), t, top, variants)
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, res)
}

// withoutReadOnly drops the read-only members a GET shows (readOnlyMembers) from a
// profile body, so that a profile read, edited and sent back is accepted; the rest
// is decoded strictly as before. A body without them is returned as it is. The
// body is read strictly (profiles.DecodeJSON) before its members are taken apart,
// so that a key given twice is refused here rather than lost: json.Unmarshal would
// keep the last value of it, and what is left would be a valid profile.
func withoutReadOnly(b []byte) ([]byte, error) {
	found := false
	for _, m := range readOnlyMembers {
		found = found || bytes.Contains(b, []byte(`"`+m+`"`))
	}
	if !found {
		return b, nil
	}
	var doc map[string]json.RawMessage
	if err := profiles.DecodeJSON(b, &doc); err != nil {
		if errors.Is(err, profiles.ErrMalformed) {
			return b, nil // the document's decoder says what is wrong
		}
		return nil, err
	}
	for _, m := range readOnlyMembers {
		delete(doc, m)
	}
	return json.Marshal(doc)
}
