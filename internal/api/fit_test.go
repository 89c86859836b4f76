package api

import (
	"encoding/json"
	"strings"
	"testing"

	"samenspel/internal/auth"
	"samenspel/internal/match"
	"samenspel/internal/synth"
)

// TestFitRoute: GET /v1/tenders/{id}/fit/{profile} answers anyone with why (not)
// the partner, and never with its contact or private fields, not even for its
// owner or an admin; an unknown tender or profile is a 404 naming which, an id
// that cannot be one a 400.
func TestFitRoute(t *testing.T) {
	e := newEnv(t)
	tender := synth.Tenders(1, 1)[0].ID
	path := "/v1/tenders/" + tender + "/fit/" + partnerID
	for _, role := range []string{"", auth.RolePartner, auth.RoleAdmin} {
		status, body, hdr := e.do("GET", path, role, "")
		if status != 200 || hdr.Get("Content-Type") != "application/json; charset=utf-8" {
			t.Fatalf("GET %s as %q = %d %s %s, want 200 JSON", path, role, status, hdr.Get("Content-Type"), body)
		}
		if strings.Contains(body, canary) || strings.Contains(body, canaryMail) {
			t.Fatalf("GET %s as %q carries a private or contact field: %s", path, role, body)
		}
		var res match.FitResult
		if err := json.Unmarshal([]byte(body), &res); err != nil {
			t.Fatal(err)
		}
		if res.Tender != tender || res.Profile.ID != partnerID || res.Reasons == nil || res.Changes == nil || res.Above == nil {
			t.Fatalf("GET %s = %s, want the fit of %s for %s", path, body, partnerID, tender)
		}
		if res.Best == nil && res.None == nil && res.Candidate {
			t.Fatalf("GET %s: a candidate with neither a best coalition nor a reason: %s", path, body)
		}
		for _, field := range []string{`"candidate"`, `"reasons"`, `"rank_at_least"`, `"changes"`, `"exact"`} {
			if !strings.Contains(body, field) {
				t.Fatalf("GET %s: no %s in %s", path, field, body)
			}
		}
	}
	for _, tc := range []struct {
		path   string
		status int
		want   string
	}{
		{"/v1/tenders/no-such-tender/fit/" + partnerID, 404, `"field":"id"`},
		{"/v1/tenders/" + tender + "/fit/no-such-profile", 404, `"field":"profile"`},
		{"/v1/tenders/" + tender + "/fit/Not_An_Id", 400, `"field":"profile"`},
		{"/v1/tenders/Not_An_Id/fit/" + partnerID, 400, `id must be`},
	} {
		status, body, hdr := e.do("GET", tc.path, "", "")
		if status != tc.status || !strings.Contains(body, tc.want) || hdr.Get("Content-Type") != "application/problem+json" {
			t.Errorf("GET %s = %d %s, want %d problem+json with %s", tc.path, status, body, tc.status, tc.want)
		}
	}
	_, body, _ := e.do("GET", "/v1/tenders/"+tender+"/fit/no-such-profile", "", "")
	if !strings.Contains(body, `no profile \"no-such-profile\"`) {
		t.Errorf("404 for an unknown profile = %s, want its detail to name it", body)
	}
}
