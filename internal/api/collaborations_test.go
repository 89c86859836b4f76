package api

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"math"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"samenspel/config"
	"samenspel/internal/auth"
	"samenspel/internal/cache"
	"samenspel/internal/profiles"
	"samenspel/internal/suggest"
)

// trustEnv is newEnv without rate limits (these tests send many requests from one
// address), with the tender to score coalitions for and two other partners, each
// with a token of its own (roles "partner:" + id).
type trustEnv struct {
	*env
	tender string
	x, y   string // partners other than partnerID, with tokens
	z      string // a partner without a token
}

func newTrustEnv(t *testing.T) *trustEnv {
	t.Helper()
	e := newEnv(t)
	tax, _ := profiles.ParseTaxonomy(config.Taxonomy)
	h, err := New(withStores(Deps{Taxonomy: tax, Log: slog.New(slog.NewJSONHandler(e.logs, nil)), Store: e.st,
		Suggest: suggest.New(e.st, cache.NewMemory(100, time.Hour), nil), Now: func() time.Time { return envNow }, Limits: &Limits{}}))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	e.url = srv.URL
	ctx := context.Background()
	tenders, _ := e.st.Tenders(ctx)
	te := &trustEnv{env: e, tender: tenders[0].Tender.ID}
	ps, _ := e.st.Profiles(ctx)
	var others []string
	for _, p := range ps {
		if p.ID != partnerID {
			others = append(others, p.ID)
		}
	}
	te.x, te.y, te.z = others[0], others[1], others[2]
	for _, id := range []string{te.x, te.y} {
		secret, _ := auth.NewSecret()
		if err := e.st.CreateToken(ctx, auth.Token{Hash: auth.Hash(secret), Role: auth.RolePartner, Name: id, Profile: id, Created: envNow}); err != nil {
			t.Fatal(err)
		}
		e.tokens["partner:"+id] = secret
	}
	return te
}

// event is a POST /v1/collaborations body.
func event(a, b, outcome, at string) string {
	return fmt.Sprintf(`{"a":%q,"b":%q,"outcome":%q,"at":%q}`, a, b, outcome, at)
}

// day is the date n days before envNow.
func day(n int) string { return envNow.AddDate(0, 0, -n).Format("2006-01-02") }

// record posts an event as role and returns the answer's event; it fails the test
// unless the answer is 201.
func (e *trustEnv) record(role, body string) collaborationView {
	e.t.Helper()
	status, b, _ := e.do("POST", "/v1/collaborations", role, body)
	if status != 201 {
		e.t.Fatalf("POST /v1/collaborations %s as %s = %d %s, want 201", body, role, status, b)
	}
	var v collaborationView
	if err := json.Unmarshal([]byte(b), &v); err != nil {
		e.t.Fatal(err)
	}
	return v
}

// scored is what these tests read of a score answer.
type scored struct {
	Breakdown struct {
		Trust float64 `json:"trust"`
	} `json:"breakdown"`
	Members []struct {
		ID      string  `json:"id"`
		Shapley float64 `json:"shapley"`
	} `json:"members"`
}

// score scores the coalition of ids for the env's tender as role.
func (e *trustEnv) score(role string, ids ...string) scored {
	e.t.Helper()
	b, _ := json.Marshal(map[string][]string{"members": ids})
	status, body, _ := e.do("POST", "/v1/tenders/"+e.tender+"/coalitions/score", role, string(b))
	if status != 200 {
		e.t.Fatalf("score %v as %q = %d %s", ids, role, status, body)
	}
	var s scored
	if err := json.Unmarshal([]byte(body), &s); err != nil {
		e.t.Fatal(err)
	}
	return s
}

// pairTrust is the trust of the pair a, b as a tender owner sees it: the trust
// term of their coalition of two.
func (e *trustEnv) pairTrust(a, b string) float64 {
	e.t.Helper()
	return e.score(auth.RoleTenderOwner, a, b).Breakdown.Trust
}

// TestClaimMovesNoTrustUntilConfirmed is finding 3 of issue 11: a partner posted
// 40 positive events for a pair it is in and took its trust from 0.45 to 0.99.
// Now each is a claim, which moves no trust, until the other partner confirms it.
func TestClaimMovesNoTrustUntilConfirmed(t *testing.T) {
	e := newTrustEnv(t)
	var claims []collaborationView
	for n := range 40 {
		v := e.record(auth.RolePartner, event(partnerID, e.x, "positive", day(n+1)))
		if v.ID == 0 || v.State != profiles.CollaborationClaim || v.Recorder == nil || v.Recorder.Role != auth.RolePartner || v.Recorder.Profile != partnerID {
			t.Fatalf("a partner's event = %+v; want an id, state claim, recorded by partner %s", v, partnerID)
		}
		claims = append(claims, v)
	}
	if got := e.pairTrust(partnerID, e.x); got != 0.5 {
		t.Fatalf("trust after 40 unconfirmed claims = %v, want 0.5", got)
	}
	status, body, _ := e.do("POST", fmt.Sprintf("/v1/collaborations/%d/confirmation", claims[0].ID), "partner:"+e.x, "")
	if status != 200 || !strings.Contains(body, `"state":"counted"`) || !strings.Contains(body, `"settled":"2026-03-02T12:00:00Z"`) {
		t.Fatalf("the other partner confirms = %d %s, want 200, counted, settled now", status, body)
	}
	if got := e.pairTrust(partnerID, e.x); math.Abs(got-0.55) > 1e-9 {
		t.Errorf("trust after one confirmed claim = %v, want 0.55", got)
	}
	status, body, hdr := e.do("POST", fmt.Sprintf("/v1/collaborations/%d/confirmation", claims[0].ID), "partner:"+e.x, "")
	if status != 409 || hdr.Get("Content-Type") != "application/problem+json" {
		t.Errorf("confirming a counted event again = %d %s, want a 409 problem", status, body)
	}
}

// TestDisputedClaimNeverCounts: the other partner disputes a claim; it moves no
// trust and can be neither confirmed nor disputed again.
func TestDisputedClaimNeverCounts(t *testing.T) {
	e := newTrustEnv(t)
	v := e.record("partner:"+e.x, event(e.x, partnerID, "negative", day(1)))
	path := fmt.Sprintf("/v1/collaborations/%d/", v.ID)
	status, body, _ := e.do("POST", path+"dispute", auth.RolePartner, "")
	if status != 200 || !strings.Contains(body, `"state":"disputed"`) {
		t.Fatalf("the other partner disputes = %d %s, want 200 disputed", status, body)
	}
	if got := e.pairTrust(partnerID, e.x); got != 0.5 {
		t.Errorf("trust after a disputed negative claim = %v, want 0.5", got)
	}
	for _, action := range []string{"confirmation", "dispute"} {
		if status, body, _ := e.do("POST", path+action, auth.RolePartner, ""); status != 409 {
			t.Errorf("POST %s of a disputed event = %d %s, want 409", action, status, body)
		}
	}
	// A partner cannot sink a small provider on its own: its negatives are claims.
	for n := range 5 {
		e.record("partner:"+e.x, event(e.x, partnerID, "negative", day(n+10)))
	}
	if got := e.pairTrust(partnerID, e.x); got != 0.5 {
		t.Errorf("trust after 5 negative claims = %v, want 0.5", got)
	}
}

// TestWhoSettlesAClaim: only the other partner of the pair confirms or disputes;
// the recorder itself, a partner outside the pair, tender owners and admins get
// 403, anonymous callers 401; an unknown event is 404, an id that is none 400.
func TestWhoSettlesAClaim(t *testing.T) {
	e := newTrustEnv(t)
	v := e.record(auth.RolePartner, event(partnerID, e.x, "positive", day(1)))
	for _, action := range []string{"confirmation", "dispute"} {
		path := fmt.Sprintf("/v1/collaborations/%d/%s", v.ID, action)
		for role, want := range map[string]int{
			auth.RolePartner: 403, "partner:" + e.y: 403, auth.RoleTenderOwner: 403, auth.RoleAdmin: 403, "": 401, "bogus": 401,
		} {
			status, body, hdr := e.do("POST", path, role, "")
			if status != want || hdr.Get("Content-Type") != "application/problem+json" {
				t.Errorf("POST %s as %q = %d %s, want a %d problem", path, role, status, body, want)
			}
		}
		for p, want := range map[string]int{"/v1/collaborations/9999/" + action: 404, "/v1/collaborations/abc/" + action: 400, "/v1/collaborations/0/" + action: 400} {
			if status, body, _ := e.do("POST", p, "partner:"+e.x, ""); status != want {
				t.Errorf("POST %s = %d %s, want %d", p, status, body, want)
			}
		}
	}
	if _, body, _ := e.do("POST", fmt.Sprintf("/v1/collaborations/%d/confirmation", v.ID), auth.RolePartner, ""); !strings.Contains(body, "other partner") {
		t.Errorf("the recorder confirming its own claim: %s; want a detail that says the other partner confirms", body)
	}
	if got := e.pairTrust(partnerID, e.x); got != 0.5 {
		t.Errorf("trust after refused confirmations = %v, want 0.5", got)
	}
}

// TestEventDates: through the API at lies from 2000-01-01 to today; outside it is
// 422 naming at.
func TestEventDates(t *testing.T) {
	e := newTrustEnv(t)
	for _, at := range []string{"2099-01-01", "1900-01-01", "1999-12-31", "2026-03-03"} {
		status, body, _ := e.do("POST", "/v1/collaborations", auth.RoleAdmin, event(e.x, e.y, "positive", at))
		if status != 422 || !strings.Contains(body, `"field":"at"`) {
			t.Errorf("an event at %s = %d %s, want 422 on at", at, status, body)
		}
	}
	for _, at := range []string{"2000-01-01", "2026-03-02"} {
		e.record(auth.RoleAdmin, event(e.x, e.y, "positive", at))
	}
}

// TestOneCountedEventPerPairAndDay: a second counted event of a pair on one day is
// 409, in either order of the pair; a claim for that day too.
func TestOneCountedEventPerPairAndDay(t *testing.T) {
	e := newTrustEnv(t)
	e.record(auth.RoleTenderOwner, event(e.x, e.y, "positive", day(3)))
	for role, body := range map[string]string{
		auth.RoleAdmin:       event(e.y, e.x, "negative", day(3)),
		auth.RoleTenderOwner: event(e.x, e.y, "positive", day(3)),
		"partner:" + e.x:     event(e.x, e.y, "positive", day(3)),
	} {
		status, b, hdr := e.do("POST", "/v1/collaborations", role, body)
		if status != 409 || hdr.Get("Content-Type") != "application/problem+json" || !strings.Contains(b, `"field":"at"`) {
			t.Errorf("a second event %s as %s = %d %s, want a 409 problem naming at", body, role, status, b)
		}
	}
	e.record(auth.RoleAdmin, event(e.y, e.x, "positive", day(4)))
	if got, want := e.pairTrust(e.x, e.y), 0.5+0.1*0.5; math.Abs(got-(want+0.1*(1-want))) > 1e-9 {
		t.Errorf("trust after two counted events on two days = %v, want %v", got, want+0.1*(1-want))
	}
}

// TestOwnersAndAdminsCountAtOnce: an event recorded by a tender owner or an admin
// counts at once, for any pair.
func TestOwnersAndAdminsCountAtOnce(t *testing.T) {
	e := newTrustEnv(t)
	for i, role := range []string{auth.RoleTenderOwner, auth.RoleAdmin} {
		v := e.record(role, event(e.x, e.z, "negative", day(i+1)))
		if v.State != profiles.CollaborationCounted || v.Recorder == nil || v.Recorder.Role != role || v.Recorder.Profile != "" {
			t.Errorf("an event recorded by a %s = %+v; want counted, recorder role %s and no profile", role, v, role)
		}
	}
	if got := e.pairTrust(e.x, e.z); math.Abs(got-0.5*0.7*0.7) > 1e-9 {
		t.Errorf("trust after two counted negatives = %v, want %v", got, 0.5*0.7*0.7)
	}
	// A partner's confirmation is for claims only.
	events, _ := e.st.CollaborationsOf(context.Background(), e.x, 1)
	if status, body, _ := e.do("POST", fmt.Sprintf("/v1/collaborations/%d/confirmation", events[0].ID), "partner:"+e.x, ""); status != 409 {
		t.Errorf("confirming an admin's event = %d %s, want 409", status, body)
	}
}

// TestMyCollaborations: a partner lists the events about it, recorded by itself
// or by others, as either member of the pair, with their state, newest first.
func TestMyCollaborations(t *testing.T) {
	e := newTrustEnv(t)
	mine := e.record(auth.RolePartner, event(partnerID, e.x, "positive", day(1)))
	theirs := e.record("partner:"+e.y, event(e.y, partnerID, "negative", day(1)))
	e.record(auth.RoleAdmin, event(e.x, e.y, "positive", day(1))) // not about partnerID
	owners := e.record(auth.RoleTenderOwner, event(e.x, partnerID, "positive", day(2)))
	status, body, _ := e.do("GET", "/v1/me/collaborations", auth.RolePartner, "")
	var got struct {
		Collaborations []collaborationView `json:"collaborations"`
	}
	if status != 200 || json.Unmarshal([]byte(body), &got) != nil {
		t.Fatalf("GET /v1/me/collaborations = %d %s", status, body)
	}
	var ids, states []string
	for _, v := range got.Collaborations {
		ids = append(ids, fmt.Sprint(v.ID))
		states = append(states, v.State)
	}
	want := []string{fmt.Sprint(owners.ID), fmt.Sprint(theirs.ID), fmt.Sprint(mine.ID)}
	if strings.Join(ids, ",") != strings.Join(want, ",") || strings.Join(states, ",") != "counted,claim,claim" {
		t.Errorf("GET /v1/me/collaborations = ids %v states %v; want %v, counted,claim,claim", ids, states, want)
	}
	if status, body, _ := e.do("GET", "/v1/me/collaborations?limit=1&offset=1", auth.RolePartner, ""); status != 200 || !strings.Contains(body, fmt.Sprintf(`"id":%d,`, theirs.ID)) || strings.Contains(body, fmt.Sprintf(`"id":%d,`, owners.ID)) {
		t.Errorf("GET /v1/me/collaborations?limit=1&offset=1 = %d %s; want the second only", status, body)
	}
	for role, want := range map[string]int{"": 401, auth.RoleTenderOwner: 403, auth.RoleAdmin: 403} {
		if status, _, _ := e.do("GET", "/v1/me/collaborations", role, ""); status != want {
			t.Errorf("GET /v1/me/collaborations as %q = %d, want %d", role, status, want)
		}
	}
}

// TestAnonymousScoreHidesPairTrust: the score route tells an anonymous caller no
// single pair's trust: a coalition of two shows the neutral 0.5, a larger one the
// mean of its pairs on every pair, so that its trust term and score stay as they
// are and the Shapley values tell no pair apart. A caller with a token sees it.
func TestAnonymousScoreHidesPairTrust(t *testing.T) {
	e := newTrustEnv(t)
	for n := range 3 {
		e.record(auth.RoleAdmin, event(e.x, e.y, "positive", day(n+1)))
	}
	e.record(auth.RoleAdmin, event(e.x, e.z, "negative", day(1)))
	if got := e.pairTrust(e.x, e.y); got <= 0.6 {
		t.Fatalf("a tender owner sees trust %v for the pair, want its own (0.6355)", got)
	}
	if got := e.score("", e.x, e.y).Breakdown.Trust; got != 0.5 {
		t.Errorf("anonymous score of the pair: trust %v, want 0.5", got)
	}
	open, anon := e.score(auth.RoleTenderOwner, e.x, e.y, e.z), e.score("", e.x, e.y, e.z)
	if math.Abs(open.Breakdown.Trust-anon.Breakdown.Trust) > 1e-9 {
		t.Errorf("anonymous score of three: trust %v, want the coalition's mean %v", anon.Breakdown.Trust, open.Breakdown.Trust)
	}
	// With every pair at the mean, the trust term shares out evenly: the members'
	// Shapley values differ by what they cover, diversity and inclusion only, as
	// they do with no events at all.
	bare := newTrustEnv(t)
	bare.tender = e.tender
	base := bare.score("", e.x, e.y, e.z)
	for i, m := range anon.Members {
		shift := m.Shapley - base.Members[i].Shapley
		if first := anon.Members[0].Shapley - base.Members[0].Shapley; math.Abs(shift-first) > 1e-9 {
			t.Errorf("anonymous Shapley of %s moves %v from the no-trust value, %s's %v: a pair's trust shows", m.ID, shift, anon.Members[0].ID, first)
		}
	}
}
