package api

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/gin-gonic/gin"

	"samenspel/internal/auth"
	"samenspel/internal/match"
	"samenspel/internal/profiles"
	"samenspel/internal/store"
)

// errClosed is an expression of interest in a closed tender.
var errClosed = errors.New("the tender is closed")

// mayManageProfile: a partner manages its own profile; an admin every profile.
func mayManageProfile(pr principal, id string) error {
	switch {
	case pr.Role == "":
		return errUnauthorized
	case pr.Role == auth.RoleAdmin || (pr.Role == auth.RolePartner && pr.Profile == id):
		return nil
	default:
		return errForbidden
	}
}

// managedProfile is the profile id of the path, when it is valid and the principal
// may manage that profile; otherwise the response is written and ok is false.
func managedProfile(c *gin.Context) (id string, ok bool) {
	if !validID(c) {
		return "", false
	}
	id = c.Param("id")
	if err := mayManageProfile(who(c), id); err != nil {
		fail(c, err)
		return "", false
	}
	return id, true
}

// mayManageTender: a tender owner manages its own tenders; an admin every tender.
func mayManageTender(pr principal, rec store.TenderRecord) error {
	switch {
	case pr.Role == "":
		return errUnauthorized
	case pr.Role == auth.RoleAdmin || (pr.Role == auth.RoleTenderOwner && pr.Owner == rec.Owner):
		return nil
	default:
		return errForbidden
	}
}

// idMismatch is the error for a body whose id differs from the path's.
func idMismatch(path, body string) error {
	return &profiles.ValidationError{Errors: []profiles.FieldError{{Field: "id", Message: fmt.Sprintf("must be %s, the id in the path, not %s", profiles.Quote(path), profiles.Quote(body))}}}
}

// putProfile is PUT /v1/profiles/{id}: replace, by its owner or an admin.
func (h *handlers) putProfile(c *gin.Context) {
	id, ok := managedProfile(c)
	if !ok {
		return
	}
	p, ok := h.profileBody(c)
	if !ok {
		return
	}
	if p.ID != id {
		fail(c, idMismatch(id, p.ID))
		return
	}
	if err := h.d.Store.PutProfile(c.Request.Context(), p); err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, profileView(p, who(c)))
}

// deleteProfile is DELETE /v1/profiles/{id}, by its owner or an admin.
func (h *handlers) deleteProfile(c *gin.Context) {
	id, ok := managedProfile(c)
	if !ok {
		return
	}
	if err := h.d.Store.DeleteProfile(c.Request.Context(), id); err != nil {
		fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

// tenderFor loads the tender of the path and checks that the principal may manage
// it; on failure the response is written.
func (h *handlers) tenderFor(c *gin.Context) (store.TenderRecord, bool) {
	if !validID(c) {
		return store.TenderRecord{}, false
	}
	pr := who(c)
	if pr.Role == "" {
		fail(c, errUnauthorized)
		return store.TenderRecord{}, false
	}
	rec, err := h.d.Store.GetTender(c.Request.Context(), c.Param("id"))
	if err == nil {
		err = mayManageTender(pr, rec)
	}
	if err != nil {
		fail(c, err)
		return store.TenderRecord{}, false
	}
	return rec, true
}

// putTender is PUT /v1/tenders/{id}: replace, by its owner or an admin.
func (h *handlers) putTender(c *gin.Context) {
	if _, ok := h.tenderFor(c); !ok {
		return
	}
	t, ok := h.tenderBody(c)
	if !ok {
		return
	}
	if t.ID != c.Param("id") {
		fail(c, idMismatch(c.Param("id"), t.ID))
		return
	}
	ctx := c.Request.Context()
	if err := h.d.Store.PutTender(ctx, t, h.d.Now()); err != nil {
		fail(c, err)
		return
	}
	rec, err := h.d.Store.GetTender(ctx, t.ID)
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, viewOf(rec))
}

// closeTender is DELETE /v1/tenders/{id}: the tender is closed, not erased; it stays
// readable as a public record.
func (h *handlers) closeTender(c *gin.Context) {
	if _, ok := h.tenderFor(c); !ok {
		return
	}
	if err := h.d.Store.CloseTender(c.Request.Context(), c.Param("id"), h.d.Now()); err != nil {
		fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

// addCollaboration is POST /v1/collaborations: admins and tender owners record any
// event, a partner only one about a pair it is in. Both partners must exist.
func (h *handlers) addCollaboration(c *gin.Context) {
	pr := who(c)
	if pr.Role == "" {
		fail(c, errUnauthorized)
		return
	}
	b, err := body(c)
	if err != nil {
		fail(c, err)
		return
	}
	ev, err := profiles.DecodeCollaborationOn(b, h.d.Now())
	if err != nil {
		fail(c, err)
		return
	}
	if pr.Role == auth.RolePartner && ev.A != pr.Profile && ev.B != pr.Profile {
		fail(c, errForbidden)
		return
	}
	ctx := c.Request.Context()
	var missing []profiles.FieldError
	for field, id := range map[string]string{"a": ev.A, "b": ev.B} {
		if _, err := h.d.Store.GetProfile(ctx, id); errors.Is(err, store.ErrNotFound) {
			missing = append(missing, profiles.FieldError{Field: field, Message: "no profile " + profiles.Quote(id)})
		} else if err != nil {
			fail(c, err)
			return
		}
	}
	if len(missing) > 0 {
		if len(missing) == 2 && missing[0].Field == "b" {
			missing[0], missing[1] = missing[1], missing[0]
		}
		fail(c, &profiles.ValidationError{Errors: missing})
		return
	}
	if err := h.d.Store.AddCollaboration(ctx, ev); err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, ev)
}

// addInterest is POST /v1/tenders/{id}/interest: a partner expresses interest.
func (h *handlers) addInterest(c *gin.Context) {
	if !validID(c) {
		return
	}
	profile, ok := partner(c)
	if !ok {
		return
	}
	ctx := c.Request.Context()
	rec, err := h.d.Store.GetTender(ctx, c.Param("id"))
	if err != nil {
		fail(c, err)
		return
	}
	if rec.Closed {
		fail(c, errClosed)
		return
	}
	if err := h.d.Store.AddInterest(ctx, rec.Tender.ID, profile, h.d.Now()); err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, gin.H{"tender": rec.Tender.ID, "profile": profile})
}

// interests is GET /v1/tenders/{id}/interest, for the tender's owner and admins.
func (h *handlers) interests(c *gin.Context) {
	rec, ok := h.tenderFor(c)
	if !ok {
		return
	}
	ids, err := h.d.Store.Interests(c.Request.Context(), rec.Tender.ID)
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"tender": rec.Tender.ID, "profiles": ids})
}

// scoreCoalition is POST /v1/tenders/{id}/coalitions/score: a proposed coalition's
// score, breakdown, Shapley values, feasibility and the rules it breaks.
func (h *handlers) scoreCoalition(c *gin.Context) {
	if !validID(c) {
		return
	}
	b, err := body(c)
	if err != nil {
		fail(c, err)
		return
	}
	var req struct {
		Members []string `json:"members"`
	}
	if err := profiles.DecodeJSON(b, &req); err != nil {
		fail(c, err)
		return
	}
	if err := checkMembers(req.Members); err != nil {
		fail(c, err)
		return
	}
	res, err := h.d.Suggest.Score(c.Request.Context(), c.Param("id"), req.Members)
	if errors.Is(err, match.ErrProposal) {
		fail(c, &profiles.ValidationError{Errors: []profiles.FieldError{{Field: "members", Message: err.Error()}}})
		return
	}
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, res)
}

// checkMembers refuses a proposed coalition that no profile ids could make: more
// members than any coalition has, or an element that is no id (each named at its
// index, its value cut), before any of them is looked up.
func checkMembers(ids []string) error {
	if len(ids) > profiles.MaxMaxSize {
		return &profiles.ValidationError{Errors: []profiles.FieldError{{Field: "members",
			Message: fmt.Sprintf("a coalition has 1 to %d members, not %d", profiles.MaxMaxSize, len(ids))}}}
	}
	var errs []profiles.FieldError
	for i, id := range ids {
		if !profiles.ValidID(id) {
			errs = append(errs, profiles.FieldError{Field: fmt.Sprintf("members[%d]", i),
				Message: profiles.Quote(id) + " is not a profile id: use 1-64 characters a-z, 0-9 and -"})
		}
	}
	if len(errs) > 0 {
		return &profiles.ValidationError{Errors: errs}
	}
	return nil
}

// confirmProfile is POST /v1/profiles/{id}/confirmation: its owner (or an admin)
// says the profile is current. A stale profile takes part in coalitions again.
func (h *handlers) confirmProfile(c *gin.Context) {
	id, ok := managedProfile(c)
	if !ok {
		return
	}
	ctx := c.Request.Context()
	if err := h.d.Store.ConfirmProfile(ctx, id, h.d.Now()); err != nil {
		fail(c, err)
		return
	}
	rec, err := h.d.Store.GetProfileRecord(ctx, id)
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, recordView(rec, who(c)))
}
