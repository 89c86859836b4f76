package api

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"

	"samenspel/internal/auth"
	"samenspel/internal/profiles"
)

// ownTender copies the env's tender under id as the tender owner's (POST
// /v1/tenders), so that the owner's token manages it; its candidates are the env
// tender's.
func (e *trustEnv) ownTender(id string) string {
	e.t.Helper()
	rec, err := e.st.GetTender(context.Background(), e.tender)
	if err != nil {
		e.t.Fatal(err)
	}
	tn := rec.Tender
	tn.ID = id
	b, _ := json.Marshal(tn)
	if status, body, _ := e.do("POST", "/v1/tenders", auth.RoleTenderOwner, string(b)); status != 201 {
		e.t.Fatalf("POST /v1/tenders = %d %s", status, body)
	}
	return id
}

// awardAnswer is what these tests read of an award.
type awardAnswer struct {
	Tender    string   `json:"tender"`
	Members   []string `json:"members"`
	Awarded   string   `json:"awarded"`
	Coalition *struct {
		Score     float64 `json:"score"`
		Feasible  bool    `json:"feasible"`
		Broken    []string
		Breakdown struct {
			Trust float64 `json:"trust"`
		} `json:"breakdown"`
		Members []struct {
			ID      string   `json:"id"`
			Name    string   `json:"name"`
			Shapley *float64 `json:"shapley"`
		} `json:"members"`
	} `json:"coalition"`
	Outcome *struct {
		Outcome string `json:"outcome"`
		At      string `json:"at"`
		Events  int    `json:"events"`
		Skipped int    `json:"skipped"`
	} `json:"outcome"`
}

func decodeAward(t *testing.T, body string) awardAnswer {
	t.Helper()
	var a awardAnswer
	if err := json.Unmarshal([]byte(body), &a); err != nil {
		t.Fatalf("award answer %s: %v", body, err)
	}
	return a
}

// members is the body of an award of ids.
func members(ids ...string) string {
	b, _ := json.Marshal(map[string][]string{"members": ids})
	return string(b)
}

// TestAwardWhoAndWhat: only the tender's owner and admins award; the members are
// profile ids, a repeat dropped, 1 to 8 of them; the answer is the award scored,
// and an award is replaced until its outcome, which is recorded once.
func TestAwardWhoAndWhat(t *testing.T) {
	e := newTrustEnv(t)
	id := e.ownTender("gekozen-coalitie")
	path := "/v1/tenders/" + id + "/award"
	e.addToken(t, "other-owner", auth.RoleTenderOwner, "")
	for role, want := range map[string]int{"": 401, "bogus": 401, auth.RolePartner: 403, "other-owner": 403} {
		if status, body, _ := e.do("POST", path, role, members(e.x, e.y)); status != want {
			t.Errorf("POST award as %q = %d %s, want %d", role, status, body, want)
		}
	}
	if status, _, _ := e.do("POST", "/v1/tenders/nope/award", auth.RoleAdmin, members(e.x)); status != 404 {
		t.Errorf("POST award of a missing tender = %d, want 404", status)
	}
	if status, _, _ := e.do("POST", "/v1/tenders/Bad_Id/award", auth.RoleAdmin, members(e.x)); status != 400 {
		t.Errorf("POST award of a malformed id = %d, want 400", status)
	}
	if status, _, _ := e.send("POST", path, auth.RoleTenderOwner, members(e.x), "Content-Type", "text/plain"); status != 415 {
		t.Errorf("POST award as text/plain = %d, want 415", status)
	}
	if status, body, _ := e.do("GET", path, "", ""); status != 404 {
		t.Errorf("GET award before any = %d %s, want 404", status, body)
	}
	nine := make([]string, 9)
	for i := range nine {
		nine[i] = fmt.Sprintf("p-%d", i)
	}
	for name, tc := range map[string]struct {
		body, field string
		status      int
	}{
		"nothing":             {`{}`, "members", 422},
		"no members":          {`{"members":[]}`, "members", 422},
		"not an id":           {members(e.x, "Bad_Id"), "members[1]", 422},
		"nine":                {members(nine...), "members", 422},
		"no profile":          {members(e.x, e.x, "nobody"), "members[2]", 422},
		"members and outcome": {`{"members":["` + e.x + `"],"outcome":"positive"}`, "outcome", 422},
		"members and at":      {`{"members":["` + e.x + `"],"at":"2026-03-01"}`, "at", 422},
		"at alone":            {`{"at":"2026-03-01"}`, "outcome", 422},
		"unknown field":       {`{"coalition":["` + e.x + `"]}`, "coalition", 422},
		"wrong type":          {`{"members":"` + e.x + `"}`, "members", 422},
		"bad outcome":         {`{"outcome":"great"}`, "outcome", 422},
		"outcome in future":   {`{"outcome":"positive","at":"2026-03-03"}`, "at", 422},
		"outcome before 2000": {`{"outcome":"positive","at":"1999-12-31"}`, "at", 422},
		"outcome no date":     {`{"outcome":"positive","at":"2026-02-30"}`, "at", 422},
	} {
		status, body, hdr := e.do("POST", path, auth.RoleTenderOwner, tc.body)
		if status != tc.status || !strings.Contains(body, `"field":"`+tc.field+`"`) || hdr.Get("Content-Type") != "application/problem+json" {
			t.Errorf("POST award (%s) = %d %s; want %d naming %s", name, status, body, tc.status, tc.field)
		}
	}
	if status, body, _ := e.do("POST", path, auth.RoleTenderOwner, `{"outcome":"positive"}`); status != 409 {
		t.Errorf("an outcome without an award = %d %s, want 409", status, body)
	}

	// The award, a repeat dropped, is scored as the score route scores it.
	status, body, hdr := e.do("POST", path, auth.RoleTenderOwner, members(e.x, e.y, e.x))
	if status != 201 || hdr.Get("Location") != path {
		t.Fatalf("POST award = %d %s (Location %q), want 201 at %s", status, body, hdr.Get("Location"), path)
	}
	a := decodeAward(t, body)
	want := e.score(auth.RoleTenderOwner, e.x, e.y)
	if a.Tender != id || !slices.Equal(a.Members, []string{e.x, e.y}) || a.Coalition == nil || a.Coalition.Broken == nil ||
		a.Coalition.Breakdown.Trust != want.Breakdown.Trust || len(a.Coalition.Members) != 2 || a.Coalition.Members[0].Shapley == nil || a.Outcome != nil {
		t.Errorf("POST award(x, y, x) = %s; want x and y scored as the score route does (%+v), no outcome", body, want)
	}
	if strings.Contains(body, canary) || strings.Contains(body, canaryMail) {
		t.Errorf("the award's answer holds private or contact fields: %s", body)
	}
	// Replaced before its outcome: 200.
	status, body, _ = e.do("POST", path, auth.RoleAdmin, members(e.x, e.y, e.z))
	if a := decodeAward(t, body); status != 200 || !slices.Equal(a.Members, []string{e.x, e.y, e.z}) {
		t.Errorf("POST award again = %d %s, want 200 with x, y, z", status, body)
	}
	if status, body, _ := e.do("GET", path, "", ""); status != 200 || !slices.Equal(decodeAward(t, body).Members, []string{e.x, e.y, e.z}) {
		t.Errorf("GET award = %d %s, want x, y, z", status, body)
	}

	// The outcome: one counted event per pair, by the owner; x–y has one that day
	// already and is skipped.
	e.record(auth.RoleAdmin, event(e.y, e.x, "negative", day(1)))
	status, body, _ = e.do("POST", path, auth.RoleTenderOwner, `{"outcome":"positive","at":"`+day(1)+`"}`)
	var out struct {
		Outcome struct {
			Outcome string `json:"outcome"`
			At      string `json:"at"`
			Events  int    `json:"events"`
			Skipped int    `json:"skipped"`
		} `json:"outcome"`
		Events  []collaborationView `json:"events"`
		Skipped []skippedPairView   `json:"skipped"`
	}
	json.Unmarshal([]byte(body), &out)
	if status != 201 || out.Outcome.Outcome != "positive" || out.Outcome.At != day(1) || out.Outcome.Events != 2 || out.Outcome.Skipped != 1 {
		t.Fatalf("POST outcome = %d %s; want 201, 2 events and 1 skipped", status, body)
	}
	if len(out.Skipped) != 1 || out.Skipped[0] != (skippedPairView{A: e.x, B: e.y, Reason: "day_taken"}) {
		t.Errorf("skipped pairs = %+v, want x–y, day_taken", out.Skipped)
	}
	var pairs [][2]string
	for _, ev := range out.Events {
		if ev.State != "counted" || ev.Recorder == nil || ev.Recorder.Role != auth.RoleTenderOwner || ev.Outcome != "positive" || ev.At != day(1) {
			t.Errorf("outcome event %+v; want counted, positive, on %s, recorded by a tender owner", ev, day(1))
		}
		pairs = append(pairs, [2]string{ev.A, ev.B})
	}
	if !slices.Equal(pairs, [][2]string{{e.x, e.z}, {e.y, e.z}}) {
		t.Errorf("outcome events' pairs = %v, want x–z and y–z", pairs)
	}
	// The outcome's events are about the partners, who see them as counted.
	if _, body, _ := e.do("GET", "/v1/me/collaborations", "partner:"+e.x, ""); !strings.Contains(body, `"b":"`+e.z+`"`) {
		t.Errorf("x's collaborations lack the outcome's event with z: %s", body)
	}

	// Final: no new award, no second outcome.
	if status, _, _ := e.do("POST", path, auth.RoleTenderOwner, members(e.x)); status != 409 {
		t.Errorf("POST award after its outcome = %d, want 409", status)
	}
	if status, _, _ := e.do("POST", path, auth.RoleAdmin, `{"outcome":"negative"}`); status != 409 {
		t.Errorf("a second outcome = %d, want 409", status)
	}
	status, body, _ = e.do("GET", path, "", "")
	if a := decodeAward(t, body); status != 200 || a.Outcome == nil || a.Outcome.Outcome != "positive" || a.Outcome.Events != 2 || a.Outcome.Skipped != 1 {
		t.Errorf("GET award after its outcome = %d %s", status, body)
	}
}

// TestAwardShowsPublicFieldsOnly: anyone reads an award, with the members' public
// fields only, and an anonymous reader no pair's own trust (the coalition's mean,
// 0.5 for two), as on the score route; a token sees the pair's trust.
func TestAwardShowsPublicFieldsOnly(t *testing.T) {
	e := newTrustEnv(t)
	id := e.ownTender("openbare-gunning")
	path := "/v1/tenders/" + id + "/award"
	e.record(auth.RoleAdmin, event(e.x, partnerID, "negative", day(3)))
	if status, body, _ := e.do("POST", path, auth.RoleTenderOwner, members(partnerID, e.x)); status != 201 {
		t.Fatalf("POST award = %d %s", status, body)
	}
	for _, role := range []string{"", auth.RolePartner, "partner:" + e.x, auth.RoleTenderOwner, auth.RoleAdmin} {
		status, body, _ := e.do("GET", path, role, "")
		if status != 200 || strings.Contains(body, canary) || strings.Contains(body, canaryMail) {
			t.Errorf("GET award as %q = %d %s; want 200 without contact or private fields", role, status, body)
			continue
		}
		a := decodeAward(t, body)
		wantTrust := 0.35 // 0.5 − 0.3·0.5: the pair's one negative event
		if role == "" {
			wantTrust = 0.5
		}
		if a.Coalition == nil || math.Abs(a.Coalition.Breakdown.Trust-wantTrust) > 1e-9 {
			t.Errorf("GET award as %q: trust %+v, want %v", role, a.Coalition, wantTrust)
		}
	}
	// A member deleted since: the award stays, unscored.
	if status, _, _ := e.do("DELETE", "/v1/profiles/"+e.x, auth.RoleAdmin, ""); status != 204 {
		t.Fatal("DELETE profile failed")
	}
	status, body, _ := e.do("GET", path, "", "")
	if a := decodeAward(t, body); status != 200 || a.Coalition != nil || !slices.Equal(a.Members, []string{partnerID, e.x}) {
		t.Errorf("GET award with a member deleted = %d %s; want the members and no coalition", status, body)
	}
	status, body, _ = e.do("POST", path, auth.RoleTenderOwner, `{"outcome":"positive"}`)
	if status != 201 || !strings.Contains(body, `"reason":"no_profile"`) || !strings.Contains(body, `"events":[]`) {
		t.Errorf("outcome with a member deleted = %d %s; want 201, its pair skipped", status, body)
	}
}

// TestAwardOutcomeMovesTrust: an outcome's events move trust through the one path
// trust has, and the next suggestions show it at once (the cached answer is
// keyed by the events' version), while the award alone changes no suggestion.
func TestAwardOutcomeMovesTrust(t *testing.T) {
	e := newTrustEnv(t)
	id := e.ownTender("vertrouwen-groeit")
	coalitions := "/v1/tenders/" + id + "/coalitions?top=50"
	type suggestions struct {
		Coalitions []struct {
			Breakdown struct {
				Trust float64 `json:"trust"`
			} `json:"breakdown"`
			Members []struct {
				ID string `json:"id"`
			} `json:"members"`
		} `json:"coalitions"`
	}
	read := func() (string, suggestions) {
		t.Helper()
		status, body, _ := e.do("GET", coalitions, "", "")
		if status != 200 {
			t.Fatalf("GET coalitions = %d %s", status, body)
		}
		var s suggestions
		json.Unmarshal([]byte(body), &s)
		return body, s
	}
	before, s := read()
	var chosen []string
	var trustBefore float64
	for _, c := range s.Coalitions {
		if len(c.Members) >= 2 {
			for _, m := range c.Members {
				chosen = append(chosen, m.ID)
			}
			trustBefore = c.Breakdown.Trust
			break
		}
	}
	if len(chosen) < 2 {
		t.Fatalf("no suggested coalition of two or more: %.300s", before)
	}
	trustOf := func(s suggestions) (float64, bool) {
		for _, c := range s.Coalitions {
			var ids []string
			for _, m := range c.Members {
				ids = append(ids, m.ID)
			}
			if slices.Equal(ids, chosen) {
				return c.Breakdown.Trust, true
			}
		}
		return 0, false
	}
	pairBefore := e.pairTrust(chosen[0], chosen[1])
	if status, body, _ := e.do("POST", "/v1/tenders/"+id+"/award", auth.RoleTenderOwner, members(chosen...)); status != 201 {
		t.Fatalf("POST award = %d %s", status, body)
	}
	if again, _ := read(); again != before {
		t.Errorf("an award without outcome changed the suggestions:\n%.300s\nwas\n%.300s", again, before)
	}
	if status, body, _ := e.do("POST", "/v1/tenders/"+id+"/award", auth.RoleTenderOwner, `{"outcome":"positive"}`); status != 201 {
		t.Fatalf("POST outcome = %d %s", status, body)
	}
	_, s = read()
	trustAfter, ok := trustOf(s)
	if !ok || !(trustAfter > trustBefore) {
		t.Errorf("the awarded coalition's trust in the next suggestions = %v (listed %v), want above %v", trustAfter, ok, trustBefore)
	}
	want := pairBefore + 0.1*(1-pairBefore)
	if got := e.pairTrust(chosen[0], chosen[1]); got < want-1e-9 || got > want+1e-9 {
		t.Errorf("trust of %s–%s after a positive outcome = %v, want %v (from %v)", chosen[0], chosen[1], got, want, pairBefore)
	}
}

// TestAwardClosedTender: a closed tender is awarded, and its outcome recorded, as
// an open one is.
func TestAwardClosedTender(t *testing.T) {
	e := newTrustEnv(t)
	id := e.ownTender("gesloten-oproep")
	if status, _, _ := e.do("DELETE", "/v1/tenders/"+id, auth.RoleTenderOwner, ""); status != 204 {
		t.Fatal("closing the tender failed")
	}
	if status, body, _ := e.do("POST", "/v1/tenders/"+id+"/award", auth.RoleTenderOwner, members(e.x, e.y)); status != 201 {
		t.Errorf("POST award of a closed tender = %d %s, want 201", status, body)
	}
	if status, body, _ := e.do("POST", "/v1/tenders/"+id+"/award", auth.RoleTenderOwner, `{"outcome":"negative","at":"`+day(2)+`"}`); status != 201 || !strings.Contains(body, `"events":1`) {
		t.Errorf("outcome of a closed tender's award = %d %s, want 201 with 1 event", status, body)
	}
}

// TestAwardMembersRepeats: awardMembers drops repeats where they repeat and
// names each bad element at its index.
func TestAwardMembersRepeats(t *testing.T) {
	ids, first, err := awardMembers([]string{"b", "a", "b", "c", "a"})
	if err != nil || !slices.Equal(ids, []string{"b", "a", "c"}) || first["c"] != 3 || first["a"] != 1 {
		t.Errorf("awardMembers(b, a, b, c, a) = %v, %v, %v; want b, a, c at 0, 1, 3", ids, first, err)
	}
	_, _, err = awardMembers([]string{"a", "B", "", "b"})
	verr, ok := err.(*profiles.ValidationError)
	if !ok || len(verr.Errors) != 2 || verr.Errors[0].Field != "members[1]" || verr.Errors[1].Field != "members[2]" {
		t.Errorf("awardMembers(a, B, \"\", b) = %v; want members[1] and members[2]", err)
	}
}
