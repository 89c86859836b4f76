package api

import (
	"context"
	"net/http"
	"samenspel/internal/webhook"
	"time"

	"github.com/gin-gonic/gin"
)

// NotificationStore is what GET /v1/me/notifications reads; *store.Store
// implements it.
type NotificationStore interface {
	Notifications(ctx context.Context, profile string, limit int) ([]webhook.Notification, error)
}

// notificationView is a notification as its partner sees it.
type notificationView struct {
	ID     int64  `json:"id"`
	Tender string `json:"tender"`
	// Run is the job run that first suggested the partner for the tender.
	Run     int64     `json:"run"`
	Created time.Time `json:"created"`
	// Rank is the best rank of a coalition the partner is in (1 is the best).
	Rank int `json:"rank"`
	// Delivered is when its webhook received it; absent until then.
	Delivered *time.Time `json:"delivered,omitempty"`
}

// myNotifications is GET /v1/me/notifications: the tenders whose suggestions the
// partner appears in, newest first.
func (h *handlers) myNotifications(c *gin.Context) {
	profile, ok := partner(c)
	if !ok {
		return
	}
	limit, offset, err := page(c)
	if err != nil {
		fail(c, err)
		return
	}
	if h.d.Notifications == nil {
		fail(c, errUnavailable)
		return
	}
	ns, err := h.d.Notifications.Notifications(c.Request.Context(), profile, offset+limit)
	if err != nil {
		fail(c, err)
		return
	}
	ns = window(ns, limit, offset)
	out := make([]notificationView, len(ns))
	for i, n := range ns {
		out[i] = notificationView{ID: n.ID, Tender: n.Tender, Run: n.Run, Created: n.Created.UTC(), Rank: n.Rank}
		if !n.Delivered.IsZero() {
			d := n.Delivered.UTC()
			out[i].Delivered = &d
		}
	}
	c.JSON(http.StatusOK, gin.H{"notifications": out})
}
