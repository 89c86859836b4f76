package web

import (
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"samenspel/internal/auth"
	"samenspel/internal/profiles"
	"samenspel/internal/webhook"
)

// What a partner's own profile page shows it besides its profile: the tenders
// that suggested it (its notifications), the collaborations recorded about it,
// with the claims of other partners to confirm or dispute, and its webhook, which
// it sets or removes here.

// How much of its history the owner's page shows.
const (
	shownNotifications  = 20
	shownCollaborations = 50
)

type inboxView struct {
	Notifications  []notificationRow
	Collaborations []collaborationRow
	Webhook        string // its URL; "" when none
	WebhookSince   string
}

type notificationRow struct {
	TenderID, Title, Date string
	Rank                  int
}

type collaborationRow struct {
	ID                   int64
	Other, OtherID       string
	Outcome, Date, State string
	// Settle says that the partner may confirm or dispute it: a claim the other
	// partner recorded.
	Settle bool
}

// inbox is the owner's part of its profile page.
func (s *Site) inbox(c *gin.Context, l Lang, id string) (inboxView, error) {
	ctx := c.Request.Context()
	var iv inboxView
	ns, err := s.d.Forms.Notifications(ctx, id, shownNotifications)
	if err != nil {
		return iv, err
	}
	for _, n := range ns {
		row := notificationRow{TenderID: n.Tender, Title: n.Tender, Date: date(l, n.Created), Rank: n.Rank}
		if rec, err := s.d.Store.GetTender(ctx, n.Tender); err == nil {
			row.Title = rec.Tender.Title
		} else if !errors.Is(err, profiles.ErrNotFound) {
			return iv, err
		}
		iv.Notifications = append(iv.Notifications, row)
	}
	cs, err := s.d.Forms.CollaborationsOf(ctx, id, shownCollaborations)
	if err != nil {
		return iv, err
	}
	names := map[string]string{}
	for _, r := range cs {
		other := r.A
		if other == id {
			other = r.B
		}
		name, ok := names[other]
		if !ok {
			name = other
			if p, err := s.d.Store.GetProfileRecord(ctx, other); err == nil {
				name = publicRecord(p).Name
			}
			names[other] = name
		}
		at, _ := time.Parse("2006-01-02", r.At)
		iv.Collaborations = append(iv.Collaborations, collaborationRow{ID: r.ID, Other: name, OtherID: other,
			Outcome: t(l, "collab.outcome."+r.Outcome), Date: date(l, at), State: t(l, "collab.state."+r.State),
			Settle: r.State == profiles.CollaborationClaim && !(r.RecorderRole == auth.RolePartner && r.Recorder == id)})
	}
	w, err := s.d.Forms.Webhook(ctx, id)
	switch {
	case err == nil:
		iv.Webhook, iv.WebhookSince = w.URL, date(l, w.Created)
	case !errors.Is(err, webhook.ErrNotFound):
		return iv, err
	}
	return iv, nil
}

// settle is POST /collaborations/{id}/confirm and .../dispute: the other partner
// of a claim confirms it (it counts from then on) or disputes it (it never
// counts); only that partner may (SPEC §4).
func (s *Site) settle(confirm bool) gin.HandlerFunc {
	return func(c *gin.Context) {
		if !s.checkCSRF(c) {
			return
		}
		v := s.visitor(c)
		if !v.signedIn() {
			s.refused(c, auth.ErrUnauthorized, "")
			return
		}
		id, err := strconv.ParseInt(c.Param("id"), 10, 64)
		if err != nil || id < 1 {
			s.errorPage(c, http.StatusNotFound)
			return
		}
		ctx := c.Request.Context()
		rec, err := s.d.Forms.GetCollaboration(ctx, id)
		if err != nil {
			s.fail(c, err)
			return
		}
		if err := v.SettleClaim(rec.A, rec.B, rec.RecorderRole, rec.Recorder); err != nil {
			s.refused(c, err, "")
			return
		}
		settle := s.d.Forms.DisputeCollaboration
		if confirm {
			settle = s.d.Forms.ConfirmCollaboration
		}
		if _, err := settle(ctx, id, s.d.Now()); err != nil {
			if errors.Is(err, profiles.ErrNotClaim) || errors.Is(err, profiles.ErrDayTaken) {
				s.errorPage(c, http.StatusConflict)
				return
			}
			s.fail(c, err)
			return
		}
		c.Redirect(http.StatusSeeOther, "/profiles/"+v.Profile+"#collaborations")
	}
}

type webhookData struct {
	ID, URL, Secret string
	// Refused says that the address was refused, and Error why, in words; the
	// page then shows the form again with the address as typed.
	Refused bool
	Error   string
}

// setWebhook is POST /profiles/{id}/webhook: the partner's notifications go to
// the https address it gives, signed with a new secret that the answer shows
// once; an address that is not https or not public is refused, in words.
func (s *Site) setWebhook(c *gin.Context) {
	if !s.checkCSRF(c) {
		return
	}
	id := c.Param("id")
	if !profiles.ValidID(id) {
		s.errorPage(c, http.StatusNotFound)
		return
	}
	if !s.ownProfile(c, id) {
		return
	}
	l := s.lang(c)
	ctx := c.Request.Context()
	raw := trimmed(c.PostForm("url"))
	c.Header("Cache-Control", "no-store")
	if _, err := webhook.CheckURL(ctx, raw, s.d.Webhook); err != nil {
		var uerr *webhook.URLError
		if !errors.As(err, &uerr) {
			s.fail(c, err)
			return
		}
		msg := t(l, "webhook.err.refused")
		if raw == "" {
			msg = t(l, "webhook.err.empty")
		}
		s.render(c, http.StatusUnprocessableEntity, "webhook", t(l, "webhook.title"), "", webhookData{ID: id, URL: raw, Refused: true, Error: msg})
		return
	}
	secret, err := webhook.NewSecret()
	if err == nil {
		err = s.d.Forms.PutWebhook(ctx, id, raw, secret, s.d.Now().UTC())
	}
	if err != nil {
		s.fail(c, err)
		return
	}
	s.render(c, http.StatusOK, "webhook", t(l, "webhook.title"), "", webhookData{ID: id, URL: raw, Secret: secret})
}

// deleteWebhook is POST /profiles/{id}/webhook/delete.
func (s *Site) deleteWebhook(c *gin.Context) {
	if !s.checkCSRF(c) {
		return
	}
	id := c.Param("id")
	if !profiles.ValidID(id) {
		s.errorPage(c, http.StatusNotFound)
		return
	}
	if !s.ownProfile(c, id) {
		return
	}
	if err := s.d.Forms.DeleteWebhook(c.Request.Context(), id); err != nil && !errors.Is(err, webhook.ErrNotFound) {
		s.fail(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, "/profiles/"+id+"#webhook")
}

// ownProfile reports whether the visitor is profile id's own partner (a webhook
// is its own, not an admin's), and writes the answer when not.
func (s *Site) ownProfile(c *gin.Context, id string) bool {
	v := s.visitor(c)
	err := v.ActAsPartner()
	if err == nil && v.Profile != id {
		err = auth.ErrForbidden
	}
	if err != nil {
		s.refused(c, err, "")
		return false
	}
	return true
}
