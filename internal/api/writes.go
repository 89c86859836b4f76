package api

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/gin-gonic/gin"

	"samenspel/internal/match"
	"samenspel/internal/profiles"
	"samenspel/internal/suggest"
)

// managedProfile is the profile id of the path, when it is valid and the principal
// may manage that profile; otherwise the response is written and ok is false.
func managedProfile(c *gin.Context) (id string, ok bool) {
	if !validID(c) {
		return "", false
	}
	id = c.Param("id")
	if err := who(c).ManageProfile(id); err != nil {
		fail(c, err)
		return "", false
	}
	return id, true
}

// idMismatch is the error for a body whose id differs from the path's.
func idMismatch(path, body string) error {
	return &profiles.ValidationError{Errors: []profiles.FieldError{{Field: "id", Message: fmt.Sprintf("must be %s, the id in the path, not %s", profiles.Quote(path), profiles.Quote(body))}}}
}

// putProfile is PUT /v1/profiles/{id}: replace, by its owner or an admin. It is a
// replace: a field the body leaves out is gone (PATCH changes only what it names).
// With If-Match, only the version named is replaced (412 otherwise).
func (h *handlers) putProfile(c *gin.Context) {
	id, ok := managedProfile(c)
	if !ok {
		return
	}
	match, ok := ifMatch(c)
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
	rec, err := h.d.Store.UpdateProfile(c.Request.Context(), id, match, func(profiles.Record) (profiles.Profile, error) { return p, nil })
	if err != nil {
		fail(c, err)
		return
	}
	writeProfile(c, http.StatusOK, rec, who(c))
}

// patchProfile is PATCH /v1/profiles/{id}: a JSON Merge Patch (RFC 7396) of the
// stored profile, by its owner or an admin; what the patch does not name is kept,
// null removes a field. The result is validated as a PUT's body is, in the write's
// transaction, so that no other write comes in between; with If-Match, only the
// version named is patched (412 otherwise).
func (h *handlers) patchProfile(c *gin.Context) {
	id, ok := managedProfile(c)
	if !ok {
		return
	}
	match, ok := ifMatch(c)
	if !ok {
		return
	}
	patch, ok := mergePatch(c)
	if !ok {
		return
	}
	rec, err := h.d.Store.UpdateProfile(c.Request.Context(), id, match, func(stored profiles.Record) (profiles.Profile, error) {
		merged, err := applyPatch(stored.Profile, patch)
		if err != nil {
			return profiles.Profile{}, err
		}
		p, err := h.decodeProfile(merged)
		if err == nil && p.ID != id {
			err = idMismatch(id, p.ID)
		}
		return p, err
	})
	if err != nil {
		fail(c, err)
		return
	}
	writeProfile(c, http.StatusOK, rec, who(c))
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
func (h *handlers) tenderFor(c *gin.Context) (profiles.TenderRecord, bool) {
	if !validID(c) {
		return profiles.TenderRecord{}, false
	}
	pr := who(c)
	if pr.Role == "" {
		fail(c, errUnauthorized)
		return profiles.TenderRecord{}, false
	}
	rec, err := h.d.Store.GetTender(c.Request.Context(), c.Param("id"))
	if err == nil {
		err = pr.ManageTender(rec.Owner)
	}
	if err != nil {
		fail(c, err)
		return profiles.TenderRecord{}, false
	}
	return rec, true
}

// putTender is PUT /v1/tenders/{id}: replace, by its owner or an admin; with
// If-Match, only the version named (412 otherwise).
func (h *handlers) putTender(c *gin.Context) {
	if _, ok := h.tenderFor(c); !ok {
		return
	}
	match, ok := ifMatch(c)
	if !ok {
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
	pr := who(c)
	rec, err := h.d.Store.UpdateTender(c.Request.Context(), t.ID, match, h.d.Now(), func(stored profiles.TenderRecord) (profiles.Tender, error) {
		return t, pr.ManageTender(stored.Owner) // as stored now, in the write's transaction
	})
	if err != nil {
		fail(c, err)
		return
	}
	writeTender(c, http.StatusOK, rec)
}

// patchTender is PATCH /v1/tenders/{id}: a JSON Merge Patch (RFC 7396) of the
// tender document (as PUT takes it: the "tender" member of GET's answer), by its
// owner or an admin, validated as a PUT's body is; with If-Match, only the
// version named (412 otherwise).
func (h *handlers) patchTender(c *gin.Context) {
	if _, ok := h.tenderFor(c); !ok {
		return
	}
	match, ok := ifMatch(c)
	if !ok {
		return
	}
	patch, ok := mergePatch(c)
	if !ok {
		return
	}
	pr, id := who(c), c.Param("id")
	rec, err := h.d.Store.UpdateTender(c.Request.Context(), id, match, h.d.Now(), func(stored profiles.TenderRecord) (profiles.Tender, error) {
		if err := pr.ManageTender(stored.Owner); err != nil {
			return profiles.Tender{}, err
		}
		merged, err := applyPatch(stored.Tender, patch)
		if err != nil {
			return profiles.Tender{}, err
		}
		t, err := h.d.Taxonomy.DecodeTender(merged)
		if err == nil && t.ID != id {
			err = idMismatch(id, t.ID)
		}
		return t, err
	})
	if err != nil {
		fail(c, err)
		return
	}
	writeTender(c, http.StatusOK, rec)
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
// event, which counts at once, a partner only one about a pair it is in, which is a
// claim until the other partner confirms it (collaborations.go). Both partners must
// exist; a second counted event of the pair on one day is 409.
func (h *handlers) addCollaboration(c *gin.Context) {
	pr := who(c)
	if !pr.SignedIn() {
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
	if err := pr.RecordCollaboration(ev.A, ev.B); err != nil {
		fail(c, err)
		return
	}
	ctx := c.Request.Context()
	var missing []profiles.FieldError
	for field, id := range map[string]string{"a": ev.A, "b": ev.B} {
		if _, err := h.d.Store.GetProfile(ctx, id); errors.Is(err, profiles.ErrNotFound) {
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
	rec, err := h.d.Store.RecordCollaboration(ctx, recordOf(pr, profiles.CollaborationRecord{Collaboration: ev, Recorded: h.d.Now()}))
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, collaborationViewOf(rec))
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
	if err := h.d.Store.AddInterest(ctx, rec.Tender.ID, profile, h.d.Now()); err != nil { // profiles.ErrClosed: 409
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
	var req struct {
		Members []string `json:"members"`
	}
	if !decodeBody(c, &req) {
		return
	}
	if err := checkMembers(req.Members); err != nil {
		fail(c, err)
		return
	}
	// Anyone may score, but a pair's own trust is for those with a token: for an
	// anonymous caller every pair has the coalition's mean (issue 11).
	res, err := h.d.Suggest.Score(c.Request.Context(), suggest.ScoreRequest{Tender: c.Param("id"), Members: req.Members, PoolTrust: who(c).Role == ""})
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
	writeProfile(c, http.StatusOK, rec, who(c))
}
