package api

import (
	"strings"
	"testing"

	"samenspel/internal/auth"
)

// TestInterestedOnlyIsTheOwners: who expressed interest is the tender owner's to
// see (SPEC §8), so interested_only=true on the public coalitions route asks for
// the tender's owner or an admin, as GET /v1/tenders/{id}/interest does; without
// it the route stays public.
func TestInterestedOnlyIsTheOwners(t *testing.T) {
	e := newEnv(t)
	if status, body, _ := e.do("POST", "/v1/tenders", auth.RoleTenderOwner, newTender); status != 201 {
		t.Fatalf("POST tender = %d %s", status, body)
	}
	if status, body, _ := e.do("POST", "/v1/tenders/nieuwe-tender/interest", auth.RolePartner, ""); status != 201 {
		t.Fatalf("partner interest = %d %s", status, body)
	}
	// A second tender owner, who does not own the tender.
	e.addToken(t, "other-owner", auth.RoleTenderOwner, "")
	tests := []struct {
		role  string
		query string
		want  int
	}{
		{"", "interested_only=true", 401},
		{"", "interestedOnly=true", 401},
		{"bogus", "interested_only=true", 401},
		{auth.RolePartner, "interested_only=true", 403},
		{"other-owner", "interested_only=true", 403},
		{auth.RoleTenderOwner, "interested_only=true", 200},
		{auth.RoleTenderOwner, "interestedOnly=true", 200},
		{auth.RoleAdmin, "interested_only=true", 200},
		{"", "interested_only=false", 200},
		{"", "", 200},
	}
	for _, tc := range tests {
		status, body, hdr := e.do("GET", "/v1/tenders/nieuwe-tender/coalitions?"+tc.query, tc.role, "")
		if status != tc.want {
			t.Errorf("GET coalitions?%s as %q = %d %.200s, want %d", tc.query, tc.role, status, body, tc.want)
		}
		if status >= 400 && hdr.Get("Content-Type") != "application/problem+json" {
			t.Errorf("GET coalitions?%s as %q: Content-Type %q, want a problem", tc.query, tc.role, hdr.Get("Content-Type"))
		}
		if status == 401 || status == 403 {
			if strings.Contains(body, partnerID) {
				t.Errorf("GET coalitions?%s as %q names the interested partner: %s", tc.query, tc.role, body)
			}
		}
	}
	if status, _, _ := e.do("GET", "/v1/tenders/nope/coalitions?interested_only=true", auth.RoleAdmin, ""); status != 404 {
		t.Errorf("interested_only of a missing tender as admin = %d, want 404", status)
	}
}
