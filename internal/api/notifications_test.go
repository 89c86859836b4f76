package api

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"samenspel/internal/auth"
	"samenspel/internal/webhook"
)

func TestMyNotifications(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	day1 := time.Date(2026, 3, 1, 2, 0, 0, 0, time.UTC)
	day2 := day1.Add(24 * time.Hour)
	if _, err := e.st.AddNotifications(ctx, 7, day1, []webhook.Notification{
		{Profile: partnerID, Tender: "t1", Rank: 2},
		{Profile: "someone-else", Tender: "t1", Rank: 1},
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.st.AddNotifications(ctx, 8, day2, []webhook.Notification{{Profile: partnerID, Tender: "t2", Rank: 1}}); err != nil {
		t.Fatal(err)
	}
	mine, _ := e.st.Notifications(ctx, partnerID, 0)
	if err := e.st.MarkDelivered(ctx, mine[1].ID, day1.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}

	for role, want := range map[string]int{"": 401, "bogus": 401, auth.RoleAdmin: 403, auth.RoleTenderOwner: 403, auth.RolePartner: 200} {
		if status, body, _ := e.do("GET", "/v1/me/notifications", role, ""); status != want {
			t.Errorf("GET /v1/me/notifications as %q = %d %.200s, want %d", role, status, body, want)
		}
	}
	status, body, _ := e.do("GET", "/v1/me/notifications", auth.RolePartner, "")
	var out struct {
		Notifications []map[string]any `json:"notifications"`
	}
	if err := json.Unmarshal([]byte(body), &out); status != 200 || err != nil || len(out.Notifications) != 2 {
		t.Fatalf("GET /v1/me/notifications = %d %s, want the partner's 2", status, body)
	}
	newest, oldest := out.Notifications[0], out.Notifications[1]
	for k, want := range map[string]any{"tender": "t2", "run": 8.0, "rank": 1.0, "created": "2026-03-02T02:00:00Z"} {
		if newest[k] != want {
			t.Errorf("newest notification %s = %v, want %v", k, newest[k], want)
		}
	}
	if _, ok := newest["delivered"]; ok {
		t.Errorf("the undelivered notification has delivered: %v", newest)
	}
	if oldest["tender"] != "t1" || oldest["rank"] != 2.0 || oldest["delivered"] != "2026-03-01T02:01:00Z" {
		t.Errorf("oldest notification = %v, want t1, rank 2, delivered at 02:01", oldest)
	}
	if strings.Contains(body, "someone-else") {
		t.Errorf("a partner sees another's notification: %s", body)
	}
	if _, body, _ := e.do("GET", "/v1/me/notifications?limit=1&offset=1", auth.RolePartner, ""); !strings.Contains(body, `"tender":"t1"`) || strings.Contains(body, `"tender":"t2"`) {
		t.Errorf("GET /v1/me/notifications?limit=1&offset=1 = %s, want the oldest only", body)
	}
	if status, body, _ := e.do("GET", "/v1/me/notifications?limit=1000", auth.RolePartner, ""); status != 422 || !strings.Contains(body, `"field":"limit"`) {
		t.Errorf("GET /v1/me/notifications?limit=1000 = %d %s, want 422 naming limit", status, body)
	}
}
