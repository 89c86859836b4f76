package api

import (
	"context"
	"strings"
	"testing"
	"time"

	"samenspel/internal/auth"
	"samenspel/internal/profiles"
)

func TestProfileWrites(t *testing.T) {
	e := newEnv(t)
	p, _ := e.st.GetProfile(context.Background(), partnerID)
	doc := `{"id":"` + partnerID + `","name":"Buurtkamer Canary","kind":"` + p.Kind + `","size":"small","areas":["WK034403"],"instruments":{"meals":1}}`
	for role, want := range map[string]int{"": 401, "bogus": 401, auth.RoleTenderOwner: 403} {
		if status, _, _ := e.do("PUT", "/v1/profiles/"+partnerID, role, doc); status != want {
			t.Errorf("PUT profile as %q = %d, want %d", role, status, want)
		}
		if status, _, _ := e.do("DELETE", "/v1/profiles/"+partnerID, role, ""); status != want {
			t.Errorf("DELETE profile as %q = %d, want %d", role, status, want)
		}
	}
	others, _ := e.st.Profiles(context.Background())
	other := others[0].ID
	if other == partnerID {
		other = others[1].ID
	}
	if status, _, _ := e.do("DELETE", "/v1/profiles/"+other, auth.RolePartner, ""); status != 403 {
		t.Errorf("a partner deleting another's profile = %d, want 403", status)
	}
	if status, body, _ := e.do("PUT", "/v1/profiles/"+partnerID, auth.RolePartner, strings.Replace(doc, partnerID, "other-id", 1)); status != 422 || !strings.Contains(body, `"field":"id"`) {
		t.Errorf("PUT with another id in the body = %d %s, want 422 on id", status, body)
	}
	if status, body, _ := e.do("PUT", "/v1/profiles/"+partnerID, auth.RolePartner, doc); status != 200 || !strings.Contains(body, "Buurtkamer Canary") {
		t.Errorf("PUT own profile = %d %s", status, body)
	}
	if status, _, _ := e.do("DELETE", "/v1/profiles/"+other, auth.RoleAdmin, ""); status != 204 {
		t.Errorf("admin DELETE = %d, want 204", status)
	}
	if status, _, _ := e.do("GET", "/v1/profiles/"+other, "", ""); status != 404 {
		t.Errorf("GET deleted profile = %d, want 404", status)
	}
}

func TestTenderWrites(t *testing.T) {
	e := newEnv(t)
	if status, _, _ := e.do("POST", "/v1/tenders", auth.RoleTenderOwner, newTender); status != 201 {
		t.Fatalf("POST tender = %d", status)
	}
	changed := strings.Replace(newTender, "Nieuwe tender", "Gewijzigde tender", 1)
	// The examples' tender belongs to no token: only admins manage it.
	examples, _ := e.st.Tenders(context.Background())
	for _, r := range examples {
		if r.Owner == "examples" {
			if status, _, _ := e.do("DELETE", "/v1/tenders/"+r.Tender.ID, auth.RoleTenderOwner, ""); status != 403 {
				t.Errorf("a tender owner closing someone else's tender = %d, want 403", status)
			}
		}
	}
	for role, want := range map[string]int{"": 401, auth.RolePartner: 403} {
		if status, _, _ := e.do("PUT", "/v1/tenders/nieuwe-tender", role, changed); status != want {
			t.Errorf("PUT tender as %q = %d, want %d", role, status, want)
		}
	}
	if status, body, _ := e.do("PUT", "/v1/tenders/nieuwe-tender", auth.RoleTenderOwner, changed); status != 200 || !strings.Contains(body, "Gewijzigde tender") {
		t.Errorf("owner PUT tender = %d %s", status, body)
	}
	if status, _, _ := e.do("POST", "/v1/tenders/nieuwe-tender/interest", auth.RolePartner, ""); status != 201 {
		t.Errorf("partner interest = %d, want 201", status)
	}
	for role, want := range map[string]int{"": 401, auth.RoleAdmin: 403, auth.RoleTenderOwner: 403} {
		status, b, hdr := e.do("POST", "/v1/tenders/nieuwe-tender/interest", role, "")
		if status != want || hdr.Get("Content-Type") != "application/problem+json" {
			t.Errorf("expressing interest as %q = %d %.200s, want a %d problem", role, status, b, want)
		}
	}
	if status, body, _ := e.do("GET", "/v1/tenders/nieuwe-tender/interest", auth.RoleTenderOwner, ""); status != 200 || !strings.Contains(body, partnerID) {
		t.Errorf("owner lists interest = %d %s", status, body)
	}
	if status, _, _ := e.do("GET", "/v1/tenders/nieuwe-tender/interest", auth.RolePartner, ""); status != 403 {
		t.Errorf("partner lists interest = %d, want 403", status)
	}
	if status, _, _ := e.do("DELETE", "/v1/tenders/nieuwe-tender", auth.RoleTenderOwner, ""); status != 204 {
		t.Errorf("owner closes tender = %d, want 204", status)
	}
	if status, body, _ := e.do("GET", "/v1/tenders/nieuwe-tender", "", ""); status != 200 || !strings.Contains(body, `"closed":true`) {
		t.Errorf("closed tender = %d %s, want readable and closed", status, body)
	}
	if status, _, _ := e.do("POST", "/v1/tenders/nieuwe-tender/interest", auth.RolePartner, ""); status != 409 {
		t.Errorf("interest in a closed tender = %d, want 409", status)
	}
}

func TestCollaborations(t *testing.T) {
	e := newEnv(t)
	ps, _ := e.st.Profiles(context.Background())
	a, b := ps[1].ID, ps[2].ID
	if a == partnerID || b == partnerID {
		a, b = ps[3].ID, ps[4].ID
	}
	ev := func(x, y string) string { return `{"a":"` + x + `","b":"` + y + `","outcome":"positive"}` }
	tests := []struct {
		name, role, body string
		status           int
		want             string
	}{
		{"anonymous", "", ev(a, b), 401, ""},
		{"partner outside the pair", auth.RolePartner, ev(a, b), 403, ""},
		{"partner in the pair", auth.RolePartner, ev(partnerID, a), 201, `"at":"2026-03-02","state":"claim"`},
		{"tender owner", auth.RoleTenderOwner, ev(a, b), 201, `"state":"counted"`},
		{"unknown profile", auth.RoleAdmin, ev(a, "nobody"), 422, `"field":"b"`},
		{"bad outcome", auth.RoleAdmin, strings.Replace(ev(a, b), "positive", "great", 1), 422, `"field":"outcome"`},
	}
	for _, tc := range tests {
		status, body, _ := e.do("POST", "/v1/collaborations", tc.role, tc.body)
		if status != tc.status || !strings.Contains(body, tc.want) {
			t.Errorf("%s: POST /v1/collaborations = %d %s, want %d with %s", tc.name, status, body, tc.status, tc.want)
		}
	}
	events, _ := e.st.Collaborations(context.Background())
	claims, _ := e.st.CollaborationsOf(context.Background(), partnerID, 0)
	if len(events) != 1 || len(claims) != 1 {
		t.Errorf("%d counted events and %d claims stored, want the tender owner's counted and the partner's claim", len(events), len(claims))
	}
}

func TestScoreRoute(t *testing.T) {
	e := newEnv(t)
	tenders, _ := e.st.Tenders(context.Background())
	id := tenders[0].Tender.ID
	_, sugg, _ := e.do("GET", "/v1/tenders/"+id+"/coalitions?top=1", "", "")
	i := strings.Index(sugg, `"members":[{"id":"`)
	first := sugg[i+len(`"members":[{"id":"`):]
	first = first[:strings.Index(first, `"`)]
	status, body, _ := e.do("POST", "/v1/tenders/"+id+"/coalitions/score", "", `{"members":["`+first+`"]}`)
	if status != 200 || !strings.Contains(body, `"feasible"`) || !strings.Contains(body, `"shapley"`) || strings.Contains(body, canary) {
		t.Errorf("score = %d %.300s", status, body)
	}
	for body, want := range map[string]int{`{"members":[]}`: 422, `{"members":["nobody"]}`: 422, `{"members":["x"],"extra":1}`: 422, `{"members":`: 400, `{"members":["x"]} x`: 400} {
		if status, _, _ := e.do("POST", "/v1/tenders/"+id+"/coalitions/score", "", body); status != want {
			t.Errorf("score %s = %d, want %d", body, status, want)
		}
	}
	if status, _, _ := e.do("POST", "/v1/tenders/nope/coalitions/score", "", `{"members":["x"]}`); status != 404 {
		t.Errorf("score for a missing tender = %d, want 404", status)
	}
}

// TestStaleProfile: a stale profile says so; only its owner or an admin confirms it,
// which brings it back among the candidates; a profile read and sent back whole,
// with its read-only members, is accepted.
func TestStaleProfile(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	tn, _ := e.st.Tenders(ctx)
	candidate := func() bool {
		cs, err := e.st.Candidates(ctx, tn[0].Tender)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range cs {
			if c.ID == partnerID {
				return true
			}
		}
		return false
	}
	if !candidate() {
		t.Fatalf("%s is no candidate to begin with", partnerID)
	}
	status, body, _ := e.do("GET", "/v1/profiles/"+partnerID, "", "")
	if status != 200 || !strings.Contains(body, `"updated":"`) || strings.Contains(body, "stale_since") {
		t.Fatalf("GET a current profile = %d %s; want updated, no stale_since", status, body)
	}
	future := time.Now().AddDate(2, 0, 0)
	if ids, err := e.st.MarkStale(ctx, profiles.StaleBefore(future), future); err != nil || len(ids) == 0 {
		t.Fatalf("MarkStale = %v, %v", ids, err)
	}
	if candidate() {
		t.Errorf("a stale profile is still a candidate")
	}
	status, body, _ = e.do("GET", "/v1/profiles/"+partnerID, auth.RolePartner, "")
	if status != 200 || !strings.Contains(body, `"stale_since":"`) {
		t.Errorf("GET a stale profile = %d %s; want stale_since", status, body)
	}
	// Sent back whole, read-only members included: accepted, and a write clears
	// staleness.
	if status, body, _ := e.do("PUT", "/v1/profiles/"+partnerID, auth.RolePartner, body); status != 200 {
		t.Errorf("PUT of the profile as GET showed it = %d %s; want 200", status, body)
	}
	if !candidate() {
		t.Errorf("a rewritten profile is not a candidate again")
	}
	if _, err := e.st.MarkStale(ctx, profiles.StaleBefore(future), future); err != nil {
		t.Fatal(err)
	}
	for role, want := range map[string]int{"": 401, auth.RoleTenderOwner: 403} {
		if status, _, _ := e.do("POST", "/v1/profiles/"+partnerID+"/confirmation", role, ""); status != want {
			t.Errorf("confirm as %q = %d, want %d", role, status, want)
		}
	}
	if status, _, _ := e.do("POST", "/v1/profiles/geen-profiel/confirmation", auth.RoleAdmin, ""); status != 404 {
		t.Errorf("confirm a missing profile = %d, want 404", status)
	}
	status, body, _ = e.do("POST", "/v1/profiles/"+partnerID+"/confirmation", auth.RolePartner, "")
	if status != 200 || strings.Contains(body, "stale_since") || !strings.Contains(body, canary) {
		t.Errorf("confirm own profile = %d %s; want 200, not stale, private shown to its owner", status, body)
	}
	if !candidate() {
		t.Errorf("a confirmed profile is not a candidate again")
	}
}
