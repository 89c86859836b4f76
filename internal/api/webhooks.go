package api

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"samenspel/internal/webhook"
)

// WebhookStore keeps partners' webhooks; *store.Store implements it.
type WebhookStore interface {
	PutWebhook(ctx context.Context, profile, url, secret string, now time.Time) error
	Webhook(ctx context.Context, profile string) (webhook.Webhook, error)
	DeleteWebhook(ctx context.Context, profile string) error
}

// webhookView is a webhook as its partner sees it: the secret only in the answer
// to the PUT that made it.
type webhookView struct {
	URL     string    `json:"url"`
	Created time.Time `json:"created"`
	Secret  string    `json:"secret,omitempty"`
}

// myWebhook is the calling partner's profile and the store of webhooks, for the
// /v1/me/webhook routes: a partner token is required (401, 403), and a server that
// keeps no webhooks answers 503. On failure the response is written and ok is
// false.
func (h *handlers) myWebhook(c *gin.Context) (profile string, ws WebhookStore, ok bool) {
	profile, ok = partner(c)
	if !ok {
		return "", nil, false
	}
	if h.d.Webhooks == nil {
		fail(c, errUnavailable)
		return "", nil, false
	}
	return profile, h.d.Webhooks, true
}

// getWebhook is GET /v1/me/webhook: the partner's webhook, never its secret.
func (h *handlers) getWebhook(c *gin.Context) {
	profile, ws, ok := h.myWebhook(c)
	if !ok {
		return
	}
	w, err := ws.Webhook(c.Request.Context(), profile)
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, webhookView{URL: w.URL, Created: w.Created.UTC()})
}

// putWebhook is PUT /v1/me/webhook {"url": "https://..."}: sets the partner's
// webhook with a new signing secret, shown once in the answer. A URL that is not
// https or whose host is or resolves to a non-public address is refused (400
// naming url); the sender checks the address again when it dials.
func (h *handlers) putWebhook(c *gin.Context) {
	profile, ws, ok := h.myWebhook(c)
	if !ok {
		return
	}
	var req struct {
		URL string `json:"url"`
	}
	if !decodeBody(c, &req) {
		return
	}
	ctx := c.Request.Context()
	if _, err := webhook.CheckURL(ctx, req.URL, h.d.Webhook); err != nil {
		var uerr *webhook.URLError
		if errors.As(err, &uerr) {
			err = badParam("the webhook url is refused", "url", uerr.Reason)
		}
		fail(c, err)
		return
	}
	secret, err := webhook.NewSecret()
	if err != nil {
		fail(c, err)
		return
	}
	now := h.d.Now().UTC()
	if err := ws.PutWebhook(ctx, profile, req.URL, secret, now); err != nil {
		fail(c, err)
		return
	}
	c.Header("Cache-Control", "no-store")
	c.JSON(http.StatusOK, webhookView{URL: req.URL, Created: now, Secret: secret})
}

// deleteWebhook is DELETE /v1/me/webhook: notifications are no longer delivered.
func (h *handlers) deleteWebhook(c *gin.Context) {
	profile, ws, ok := h.myWebhook(c)
	if !ok {
		return
	}
	if err := ws.DeleteWebhook(c.Request.Context(), profile); err != nil {
		fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}
