package api

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"samenspel/internal/auth"
	"samenspel/internal/webhook"
)

// TestOwnerSeesContact: a partner sees its own contact (SPEC §2), so that what it
// reads it can write back.
func TestOwnerSeesContact(t *testing.T) {
	e := newEnv(t)
	if _, body, _ := e.do("GET", "/v1/profiles/"+partnerID, auth.RolePartner, ""); !strings.Contains(body, canaryMail) {
		t.Errorf("the owner's GET lacks its own contact: %s", body)
	}
	others, _ := e.st.Profiles(context.Background())
	for _, p := range others {
		if p.ID != partnerID {
			if _, body, _ := e.do("GET", "/v1/profiles/"+p.ID, auth.RolePartner, ""); strings.Contains(body, canaryMail) {
				t.Errorf("a partner sees %s's contact", p.ID)
			}
			break
		}
	}
}

// TestGetEditPut: a profile read by its owner, edited and sent back keeps its
// contact and private fields (the silent erasure of issue 11).
func TestGetEditPut(t *testing.T) {
	e := newEnv(t)
	for _, role := range []string{auth.RolePartner, auth.RoleAdmin} {
		status, body, hdr := e.do("GET", "/v1/profiles/"+partnerID, role, "")
		if status != 200 {
			t.Fatalf("GET = %d %s", status, body)
		}
		var doc map[string]any
		if err := json.Unmarshal([]byte(body), &doc); err != nil {
			t.Fatal(err)
		}
		doc["name"] = "Buurtkamer Bewerkt door " + role
		edited, _ := json.Marshal(doc)
		status, body, _ = e.send("PUT", "/v1/profiles/"+partnerID, role, string(edited), "If-Match", hdr.Get("ETag"))
		if status != 200 {
			t.Fatalf("PUT of the edited GET as %s = %d %s", role, status, body)
		}
		p, _ := e.st.GetProfile(context.Background(), partnerID)
		if p.Name != "Buurtkamer Bewerkt door "+role || p.Contact == nil || p.Contact.Email != canaryMail || p.Private["ideas"] != canary {
			t.Errorf("after GET-edit-PUT as %s: name %q contact %+v private %v; want the new name, the contact and the private field kept", role, p.Name, p.Contact, p.Private)
		}
	}
}

// TestPatchProfile: a JSON Merge Patch (RFC 7396) changes what it names and keeps
// the rest; null removes an optional field; the result is validated as a PUT's
// body is.
func TestPatchProfile(t *testing.T) {
	e := newEnv(t)
	path := "/v1/profiles/" + partnerID
	before, _ := e.st.GetProfile(context.Background(), partnerID)
	for _, ct := range []string{"application/merge-patch+json", "application/json"} {
		status, body, hdr := e.send("PATCH", path, auth.RolePartner, `{"name":"Gepatcht","description":"Nieuwe tekst"}`, "Content-Type", ct)
		if status != 200 || !strings.Contains(body, `"name":"Gepatcht"`) || hdr.Get("ETag") == "" {
			t.Fatalf("PATCH (%s) = %d %s, ETag %q", ct, status, body, hdr.Get("ETag"))
		}
	}
	p, _ := e.st.GetProfile(context.Background(), partnerID)
	if p.Name != "Gepatcht" || p.Description != "Nieuwe tekst" || p.Contact == nil || p.Contact.Email != canaryMail ||
		p.Private["ideas"] != canary || p.Kind != before.Kind || len(p.Instruments) != len(before.Instruments) || len(p.Areas) != len(before.Areas) {
		t.Errorf("after PATCH of name and description: %+v; want every other field kept from %+v", p, before)
	}
	// null removes an optional field; a nested null one member.
	if status, body, _ := e.send("PATCH", path, auth.RolePartner, `{"description":null,"contact":{"phone":"030-1234567"},"private":{"ideas":null,"plan":"later"}}`,
		"Content-Type", "application/merge-patch+json"); status != 200 {
		t.Fatalf("PATCH with nulls = %d %s", status, body)
	}
	p, _ = e.st.GetProfile(context.Background(), partnerID)
	if p.Description != "" || p.Contact == nil || p.Contact.Email != canaryMail || p.Contact.Phone != "030-1234567" ||
		p.Private["ideas"] != "" || p.Private["plan"] != "later" {
		t.Errorf("after PATCH with nulls: description %q contact %+v private %v", p.Description, p.Contact, p.Private)
	}
	if status, _, _ := e.send("PATCH", path, auth.RolePartner, `{"contact":null}`, "Content-Type", "application/merge-patch+json"); status != 200 {
		t.Errorf("PATCH contact null = %d", status)
	}
	if p, _ = e.st.GetProfile(context.Background(), partnerID); p.Contact != nil {
		t.Errorf("contact null left %+v", p.Contact)
	}

	stored, _ := e.st.GetProfile(context.Background(), partnerID)
	tests := []struct {
		name, role, patch string
		status            int
		want              string
	}{
		{"anonymous", "", `{"name":"x"}`, 401, ""},
		{"another partner's profile", auth.RoleTenderOwner, `{"name":"x"}`, 403, ""},
		{"invalid result", auth.RolePartner, `{"instruments":{"meals":1.5}}`, 422, `"field":"instruments.meals"`},
		{"required field removed", auth.RolePartner, `{"name":null}`, 422, `"field":"name"`},
		{"unknown field", auth.RolePartner, `{"owner":"me"}`, 422, `"field":"owner"`},
		{"another id", auth.RolePartner, `{"id":"iemand-anders"}`, 422, `"field":"id"`},
		{"not an object", auth.RolePartner, `["name"]`, 400, ""},
		{"malformed", auth.RolePartner, `{"name":`, 400, ""},
		// Which of two repeated keys wins is no one's guess: the patch is refused.
		{"a key given twice", auth.RolePartner, `{"name":"a","name":"b"}`, 422, `"field":"name"`},
		{"a nested key given twice", auth.RolePartner, `{"contact":{"phone":"1","phone":"2"}}`, 422, `"field":"contact.phone"`},
	}
	for _, tc := range tests {
		status, body, hdr := e.send("PATCH", path, tc.role, tc.patch, "Content-Type", "application/merge-patch+json")
		if status != tc.status || !strings.Contains(body, tc.want) || hdr.Get("Content-Type") != "application/problem+json" {
			t.Errorf("PATCH %s = %d %s, want a %d problem with %s", tc.name, status, body, tc.status, tc.want)
		}
	}
	if p, _ := e.st.GetProfile(context.Background(), partnerID); p.Name != stored.Name || len(p.Instruments) != len(stored.Instruments) {
		t.Errorf("a refused PATCH changed the profile: %+v", p)
	}
	// An admin patches any profile.
	if status, _, _ := e.send("PATCH", path, auth.RoleAdmin, `{"can_lead":true}`, "Content-Type", "application/merge-patch+json"); status != 200 {
		t.Errorf("admin PATCH = %d", status)
	}
}

// TestETagAndIfMatch: GETs carry a strong ETag; PUT and PATCH with an If-Match
// that no longer matches are refused with 412 and change nothing, and go through
// with one that matches.
func TestETagAndIfMatch(t *testing.T) {
	e := newEnv(t)
	if status, body, _ := e.do("POST", "/v1/tenders", auth.RoleTenderOwner, newTender); status != 201 {
		t.Fatalf("POST tender = %d %s", status, body)
	}
	type resource struct {
		path, role, put, patch string
		changed                func() string // the field the writes set, as stored
	}
	profilePut := func(name string) string {
		p, _ := e.st.GetProfile(context.Background(), partnerID)
		p.Name = name
		b, _ := json.Marshal(p)
		return string(b)
	}
	for _, r := range []resource{
		{"/v1/profiles/" + partnerID, auth.RolePartner, profilePut("Via PUT"), `{"name":"Via PATCH"}`, func() string {
			p, _ := e.st.GetProfile(context.Background(), partnerID)
			return p.Name
		}},
		{"/v1/tenders/nieuwe-tender", auth.RoleTenderOwner, strings.Replace(newTender, "Nieuwe tender", "Via PUT", 1), `{"title":"Via PATCH"}`, func() string {
			rec, _ := e.st.GetTender(context.Background(), "nieuwe-tender")
			return rec.Tender.Title
		}},
	} {
		_, _, hdr := e.do("GET", r.path, r.role, "")
		tag := hdr.Get("ETag")
		if !strings.HasPrefix(tag, `"`) || !strings.HasSuffix(tag, `"`) || len(tag) < 10 {
			t.Fatalf("GET %s: ETag %q, want a strong entity tag", r.path, tag)
		}
		if _, _, again := e.do("GET", r.path, r.role, ""); again.Get("ETag") != tag {
			t.Errorf("GET %s twice: ETags %s and %s, want the same", r.path, tag, again.Get("ETag"))
		}
		// PUT with the tag: 200 and a new tag.
		status, body, put := e.send("PUT", r.path, r.role, r.put, "If-Match", tag)
		if status != 200 || put.Get("ETag") == "" || put.Get("ETag") == tag || r.changed() != "Via PUT" {
			t.Fatalf("PUT %s with a matching If-Match = %d %s, ETag %q", r.path, status, body, put.Get("ETag"))
		}
		// The old tag is stale now: PUT and PATCH are refused and change nothing.
		for _, w := range []struct{ method, body string }{{"PUT", strings.Replace(r.put, "Via PUT", "Stale", 1)}, {"PATCH", `{"name":"Stale","title":"Stale"}`}} {
			status, body, hdr := e.send(w.method, r.path, r.role, w.body, "If-Match", tag)
			if status != 412 || hdr.Get("Content-Type") != "application/problem+json" {
				t.Errorf("%s %s with a stale If-Match = %d %s, want a 412 problem", w.method, r.path, status, body)
			}
		}
		if got := r.changed(); got != "Via PUT" {
			t.Errorf("a write with a stale If-Match changed %s to %q", r.path, got)
		}
		// PATCH with the current tag, then with a list that holds it, then *.
		status, body, patched := e.send("PATCH", r.path, r.role, r.patch, "If-Match", put.Get("ETag"), "Content-Type", "application/merge-patch+json")
		if status != 200 || r.changed() != "Via PATCH" {
			t.Errorf("PATCH %s with a matching If-Match = %d %s", r.path, status, body)
		}
		if _, _, got := e.do("GET", r.path, r.role, ""); got.Get("ETag") != patched.Get("ETag") {
			t.Errorf("GET %s after PATCH: ETag %s, PATCH answered %s", r.path, got.Get("ETag"), patched.Get("ETag"))
		}
		if status, _, _ := e.send("PATCH", r.path, r.role, r.patch, "If-Match", `"nope", `+patched.Get("ETag")); status != 200 {
			t.Errorf("PATCH %s with the tag in a list = %d, want 200", r.path, status)
		}
		if status, _, _ := e.send("PATCH", r.path, r.role, r.patch, "If-Match", "*"); status != 200 {
			t.Errorf("PATCH %s with If-Match * = %d, want 200", r.path, status)
		}
		_, _, now := e.do("GET", r.path, r.role, "")
		if status, _, _ := e.send("PATCH", r.path, r.role, r.patch, "If-Match", "W/"+now.Get("ETag")); status != 412 {
			t.Errorf("PATCH %s with a weak If-Match = %d, want 412 (If-Match compares strongly)", r.path, status)
		}
		if status, body, _ := e.send("PATCH", r.path, r.role, r.patch, "If-Match", "not-a-tag"); status != 400 || !strings.Contains(body, `"field":"If-Match"`) {
			t.Errorf("PATCH %s with a malformed If-Match = %d %s, want 400 naming If-Match", r.path, status, body)
		}
	}
	// The tag of a view that does not show the whole profile never matches: a
	// write needs the version its writer has seen whole.
	_, _, anon := e.do("GET", "/v1/profiles/"+partnerID, "", "")
	_, _, owner := e.do("GET", "/v1/profiles/"+partnerID, auth.RolePartner, "")
	if anon.Get("ETag") == "" || anon.Get("ETag") == owner.Get("ETag") {
		t.Errorf("ETags of the public and the owner's view: %q and %q, want two different ones", anon.Get("ETag"), owner.Get("ETag"))
	}
	if status, _, _ := e.send("PATCH", "/v1/profiles/"+partnerID, auth.RolePartner, `{"name":"x"}`, "If-Match", anon.Get("ETag")); status != 412 {
		t.Errorf("PATCH with the public view's ETag = %d, want 412", status)
	}
	if _, _, admin := e.do("GET", "/v1/profiles/"+partnerID, auth.RoleAdmin, ""); admin.Get("ETag") != owner.Get("ETag") {
		t.Errorf("the admin's and the owner's views are the same, their ETags differ: %s, %s", admin.Get("ETag"), owner.Get("ETag"))
	}
}

// TestPatchTender: a merge patch of a tender keeps what it does not name; null
// removes the budget.
func TestPatchTender(t *testing.T) {
	e := newEnv(t)
	withBudget := strings.Replace(newTender, `"themes"`, `"budget":1000,"themes"`, 1)
	if status, body, _ := e.do("POST", "/v1/tenders", auth.RoleTenderOwner, withBudget); status != 201 {
		t.Fatalf("POST tender = %d %s", status, body)
	}
	status, body, _ := e.send("PATCH", "/v1/tenders/nieuwe-tender", auth.RoleTenderOwner, `{"title":"Anders","budget":null}`, "Content-Type", "application/merge-patch+json")
	if status != 200 {
		t.Fatalf("PATCH tender = %d %s", status, body)
	}
	rec, _ := e.st.GetTender(context.Background(), "nieuwe-tender")
	if rec.Tender.Title != "Anders" || rec.Tender.Budget != nil || len(rec.Tender.Needs) != 2 || rec.Tender.Needs[0].Instrument != "home_visits" {
		t.Errorf("after PATCH: %+v; want the title changed, the budget gone, the needs kept", rec.Tender)
	}
	for role, want := range map[string]int{"": 401, auth.RolePartner: 403} {
		if status, _, _ := e.send("PATCH", "/v1/tenders/nieuwe-tender", role, `{"title":"x"}`); status != want {
			t.Errorf("PATCH tender as %q = %d, want %d", role, status, want)
		}
	}
	if status, body, _ := e.send("PATCH", "/v1/tenders/nieuwe-tender", auth.RoleTenderOwner, `{"needs":[{"instrument":"meals","weight":11}]}`); status != 422 || !strings.Contains(body, `"field":"needs[0].weight"`) {
		t.Errorf("PATCH to an invalid tender = %d %s, want 422 naming needs[0].weight", status, body)
	}
	if status, _, _ := e.send("PATCH", "/v1/tenders/nope", auth.RoleAdmin, `{"title":"x"}`); status != 404 {
		t.Errorf("PATCH missing tender = %d, want 404", status)
	}
}

// TestNoStore: answers that carry a token, a secret, contact or private fields
// tell caches not to keep them; public reads do not.
func TestNoStore(t *testing.T) {
	e := newHookEnv(t, webhook.Policy{Lookup: lookup})
	tests := []struct {
		name, method, path, role, body string
		noStore                        bool
	}{
		{"registration (a token)", "POST", "/v1/profiles", "", newProfile, true},
		{"own profile (contact, private)", "GET", "/v1/profiles/" + partnerID, auth.RolePartner, "", true},
		{"profile as admin", "GET", "/v1/profiles/" + partnerID, auth.RoleAdmin, "", true},
		{"profile as tender owner (contact)", "GET", "/v1/profiles/" + partnerID, auth.RoleTenderOwner, "", true},
		{"public profile", "GET", "/v1/profiles/" + partnerID, "", "", false},
		{"patch answer", "PATCH", "/v1/profiles/" + partnerID, auth.RolePartner, `{"name":"Nieuwe naam"}`, true},
		{"confirmation answer", "POST", "/v1/profiles/" + partnerID + "/confirmation", auth.RolePartner, "", true},
		{"token list", "GET", "/v1/tokens", auth.RoleAdmin, "", true},
		{"webhook secret", "PUT", "/v1/me/webhook", auth.RolePartner, `{"url":"https://hooks.example.org/samenspel"}`, true},
		{"search", "GET", "/v1/profiles?limit=2", auth.RoleAdmin, "", false},
	}
	for _, tc := range tests {
		status, body, hdr := e.do(tc.method, tc.path, tc.role, tc.body)
		if status >= 300 {
			t.Errorf("%s: %s %s = %d %.200s", tc.name, tc.method, tc.path, status, body)
			continue
		}
		if got := hdr.Get("Cache-Control") == "no-store"; got != tc.noStore {
			t.Errorf("%s: Cache-Control %q, want no-store %v", tc.name, hdr.Get("Cache-Control"), tc.noStore)
		}
	}
	// The PUT answer shows the owner's whole profile too.
	p, _ := e.st.GetProfile(context.Background(), partnerID)
	b, _ := json.Marshal(p)
	if _, _, hdr := e.do("PUT", "/v1/profiles/"+partnerID, auth.RolePartner, string(b)); hdr.Get("Cache-Control") != "no-store" {
		t.Errorf("PUT answer: Cache-Control %q, want no-store", hdr.Get("Cache-Control"))
	}
}
