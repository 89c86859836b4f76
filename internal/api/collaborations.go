package api

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"samenspel/internal/auth"
	"samenspel/internal/profiles"
)

// Which collaboration events count (SPEC §4): one recorded by an admin or a tender
// owner at once; one recorded by a partner of the pair (a claim) once the other
// partner confirms it, never when that partner disputes it. POST /v1/collaborations
// (writes.go) records; the routes here settle claims and show a partner the events
// about it.

// collaborationView is a stored event as the API shows it.
type collaborationView struct {
	ID      int64  `json:"id"`
	A       string `json:"a"`
	B       string `json:"b"`
	Outcome string `json:"outcome"`
	At      string `json:"at"`
	// State is counted, claim or disputed; only counted events move trust.
	State string `json:"state"`
	// Recorder is who recorded it through the API; absent for the events loaded
	// by the tools or stored before events had recorders.
	Recorder *recorderView `json:"recorder,omitempty"`
	Recorded *time.Time    `json:"recorded,omitempty"`
	// Settled is when the other partner confirmed or disputed the claim.
	Settled *time.Time `json:"settled,omitempty"`
}

// recorderView names the role that recorded an event, and for a partner its
// profile; an admin's or a tender owner's token stays unnamed.
type recorderView struct {
	Role    string `json:"role"`
	Profile string `json:"profile,omitempty"`
}

func collaborationViewOf(r profiles.CollaborationRecord) collaborationView {
	v := collaborationView{ID: r.ID, A: r.A, B: r.B, Outcome: r.Outcome, At: r.At, State: r.State}
	if r.RecorderRole != "" {
		v.Recorder = &recorderView{Role: r.RecorderRole}
		if r.RecorderRole == auth.RolePartner {
			v.Recorder.Profile = r.Recorder
		}
	}
	v.Recorded, v.Settled = instant(r.Recorded), instant(r.Settled)
	return v
}

// instant is t in UTC, or nil for the zero time (unknown, or not yet).
func instant(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	u := t.UTC()
	return &u
}

// recordOf is the event of rec as pr records it: counted for an admin or a tender
// owner, a claim for a partner (SPEC §4).
func recordOf(pr principal, rec profiles.CollaborationRecord) profiles.CollaborationRecord {
	rec.State, rec.RecorderRole, rec.Recorder = profiles.CollaborationCounted, pr.Role, pr.Owner
	if pr.Role == auth.RolePartner {
		rec.State, rec.Recorder = profiles.CollaborationClaim, pr.Profile
	}
	return rec
}

// maySettle: only the other partner of the pair confirms or disputes an event
// (auth.Principal.SettleClaim).
func maySettle(pr principal, r profiles.CollaborationRecord) error {
	return pr.SettleClaim(r.A, r.B, r.RecorderRole, r.Recorder)
}

// confirmCollaboration is POST /v1/collaborations/{id}/confirmation: the other
// partner confirms a claim, which counts from then on.
func (h *handlers) confirmCollaboration(c *gin.Context) {
	h.settleCollaboration(c, h.d.Store.ConfirmCollaboration)
}

// disputeCollaboration is POST /v1/collaborations/{id}/dispute: the other partner
// disputes a claim, which never counts.
func (h *handlers) disputeCollaboration(c *gin.Context) {
	h.settleCollaboration(c, h.d.Store.DisputeCollaboration)
}

// settleCollaboration checks who asks and settles the claim of the path with
// settle: 401 anonymous, 400 an id that is no number, 404 no such event, 403 not
// the other partner, 409 no claim (any more) or a day that has its counted event.
func (h *handlers) settleCollaboration(c *gin.Context, settle func(context.Context, int64, time.Time) (profiles.CollaborationRecord, error)) {
	pr := who(c)
	if pr.Role == "" {
		fail(c, errUnauthorized)
		return
	}
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id < 1 {
		fail(c, badParam("the event id is not one", "id", "must be a whole number from 1"))
		return
	}
	ctx := c.Request.Context()
	rec, err := h.d.Store.GetCollaboration(ctx, id)
	if err == nil {
		err = maySettle(pr, rec)
	}
	if err == nil {
		rec, err = settle(ctx, id, h.d.Now())
	}
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, collaborationViewOf(rec))
}

// myCollaborations is GET /v1/me/collaborations: the events about the partner, as
// either member of the pair and in every state, newest first, so that it sees the
// claims it may confirm or dispute.
func (h *handlers) myCollaborations(c *gin.Context) {
	profile, ok := partner(c)
	if !ok {
		return
	}
	limit, offset, err := page(c)
	if err != nil {
		fail(c, err)
		return
	}
	rs, err := h.d.Store.CollaborationsOf(c.Request.Context(), profile, offset+limit)
	if err != nil {
		fail(c, err)
		return
	}
	rs = window(rs, limit, offset)
	out := make([]collaborationView, len(rs))
	for i, r := range rs {
		out[i] = collaborationViewOf(r)
	}
	c.JSON(http.StatusOK, gin.H{"collaborations": out})
}
