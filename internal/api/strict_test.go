package api

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"

	"samenspel/internal/auth"
	"samenspel/internal/webhook"
)

// problemFields returns the fields of a problem body's errors.
func problemFields(t *testing.T, body string) []string {
	t.Helper()
	var p Problem
	if err := json.Unmarshal([]byte(body), &p); err != nil {
		t.Fatalf("not a problem: %v: %.300s", err, body)
	}
	var fields []string
	for _, fe := range p.Errors {
		fields = append(fields, fe.Field)
	}
	return fields
}

// goWords are what a message written for Go programmers says.
var goWords = regexp.MustCompile(`json: |Go struct|of type|unmarshal`)

// TestStrictBodies: every body the API takes is read strictly: repeated and
// case-variant keys, wrong types and broken text are 422s naming the field, in
// words; a value echoed back is cut.
func TestStrictBodies(t *testing.T) {
	e := newHookEnv(t, webhook.Policy{Lookup: lookup})
	tenders, _ := e.st.Tenders(context.Background())
	score := "/v1/tenders/" + tenders[0].Tender.ID + "/coalitions/score"
	_, current, _ := e.do("GET", "/v1/profiles/"+partnerID, auth.RolePartner, "")
	long := strings.Repeat("x", 100_000)
	tests := []struct {
		name, method, path, role, body string
		field                          string
	}{
		{"a number for a member", "POST", score, "", `{"members":[1]}`, "members[0]"},
		{"members given twice", "POST", score, "", `{"members":["` + partnerID + `"],"members":["b"]}`, "members"},
		{"Members", "POST", score, "", `{"Members":["` + partnerID + `"]}`, "Members"},
		{"a member that is no id", "POST", score, "", `{"members":["Not An Id"]}`, "members[0]"},
		{"a 100 KB member", "POST", score, "", `{"members":["` + long + `"]}`, "members[0]"},
		{"URL for url", "PUT", "/v1/me/webhook", auth.RolePartner, `{"URL":"https://hooks.example.org/h"}`, "URL"},
		{"url given twice", "PUT", "/v1/me/webhook", auth.RolePartner, `{"url":"https://hooks.example.org/h","url":"https://rebind.example.org/h"}`, "url"},
		{"a lone surrogate in a url", "PUT", "/v1/me/webhook", auth.RolePartner, `{"url":"https://hooks.example.org/\ud800"}`, "url"},
		{"name given twice beside updated", "PUT", "/v1/profiles/" + partnerID, auth.RolePartner,
			strings.Replace(current, `{"id":"`+partnerID+`"`, `{"id":"`+partnerID+`","name":"Andere Naam"`, 1), "name"},
		{"a repeated key deep beside updated", "PUT", "/v1/profiles/" + partnerID, auth.RolePartner,
			strings.Replace(current, `"instruments":{`, `"instruments":{"meals":1,"meals":0.5,`, 1), "instruments.meals"},
		{"invalid UTF-8 in a name", "POST", "/v1/profiles", "", strings.Replace(newProfile, "Nieuw Initiatief", "Nieuw \xff", 1), "name"},
		{"a lone surrogate in a description", "POST", "/v1/profiles", "", strings.Replace(newProfile, `"themes"`, `"description":"a\udc00","themes"`, 1), "description"},
		{"NUL in a name", "POST", "/v1/profiles", "", strings.Replace(newProfile, "Nieuw Initiatief", `Nieuw\u0000`, 1), "name"},
		{"a javascript: website", "POST", "/v1/profiles", "", strings.Replace(newProfile, `"themes"`, `"contact":{"website":"javascript:alert(1)"},"themes"`, 1), "contact.website"},
		{"NUL in a tender title", "POST", "/v1/match", "", strings.Replace(newTender, "Nieuwe tender", `Nieuw\u0000`, 1), "title"},
		{"a repeated need weight", "POST", "/v1/match", "", strings.Replace(newTender, `"weight":2`, `"weight":2,"weight":9`, 1), "needs[0].weight"},
		{"a lone surrogate in an event", "POST", "/v1/collaborations", auth.RoleAdmin, `{"a":"` + partnerID + `","b":"x\ud800","outcome":"positive"}`, "b"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			status, body, hdr := e.do(tc.method, tc.path, tc.role, tc.body)
			if status != 422 || hdr.Get("Content-Type") != "application/problem+json" {
				t.Fatalf("%s %s %.100s = %d %.300s; want a 422 problem", tc.method, tc.path, tc.body, status, body)
			}
			if fields := problemFields(t, body); len(fields) == 0 || fields[0] != tc.field {
				t.Errorf("%s %s %.100s = %.300s; want the first error on %s", tc.method, tc.path, tc.body, body, tc.field)
			}
			if goWords.MatchString(body) {
				t.Errorf("%s %s = %.300s, which speaks of Go", tc.method, tc.path, body)
			}
			if len(body) > 2000 {
				t.Errorf("%s %s: the problem is %d bytes long, want a value it echoes cut", tc.method, tc.path, len(body))
			}
		})
	}
	// A search echoes the code it does not know, cut.
	status, body, _ := e.do("GET", "/v1/profiles?kind="+long, "", "")
	if status != 422 || len(body) > 2000 || !strings.Contains(body, "…") {
		t.Errorf("GET /v1/profiles?kind=<100 KB> = %d, %d bytes %.200s; want a 422 with the kind cut", status, len(body), body)
	}
}

// TestWebhookErrorNamesNoAddress: a webhook host that resolves to an internal
// address is refused without saying which address, and one that does not resolve
// is refused alike, so that the answer maps no internal names.
func TestWebhookErrorNamesNoAddress(t *testing.T) {
	e := newHookEnv(t, webhook.Policy{Lookup: lookup})
	var messages []string
	for _, u := range []string{"https://rebind.example.org/hook", "https://nowhere.example.org/hook"} {
		status, body, _ := e.do("PUT", "/v1/me/webhook", auth.RolePartner, `{"url":"`+u+`"}`)
		if status != 400 || !strings.Contains(body, "must resolve to a public address") || strings.Contains(body, "127.0.0.1") || strings.Contains(body, "loopback") {
			t.Errorf("PUT webhook %s = %d %s; want it refused as not resolving to a public address, naming no address", u, status, body)
		}
		var p Problem
		_ = json.Unmarshal([]byte(body), &p)
		if len(p.Errors) == 1 {
			messages = append(messages, p.Errors[0].Message)
		}
	}
	if len(messages) == 2 && messages[0] != messages[1] {
		t.Errorf("a name resolving to loopback is refused with %q, one that does not resolve with %q; want the same", messages[0], messages[1])
	}
}

// TestContentType: a route that takes a JSON body takes application/json only
// (415 otherwise), so that no other web site can make a browser post one with a
// form or a text/plain fetch; a request without a body is not asked for one.
func TestContentType(t *testing.T) {
	e := newEnv(t)
	send := func(method, path, role, ctype, body string, chunked bool) (int, string, http.Header) {
		t.Helper()
		var r io.Reader = strings.NewReader(body)
		if chunked {
			r = io.MultiReader(strings.NewReader(body)) // no length: sent chunked
		}
		req, _ := http.NewRequest(method, e.url+path, r)
		if body == "" && !chunked {
			req.Body = nil
		}
		if ctype != "" {
			req.Header.Set("Content-Type", ctype)
		}
		if role != "" {
			req.Header.Set("Authorization", "Bearer "+e.tokens[role])
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b), resp.Header
	}
	tests := []struct {
		name, method, path, role, ctype, body string
		chunked                               bool
		status                                int
	}{
		{"text/plain registration", "POST", "/v1/profiles", "", "text/plain", newProfile, false, 415},
		{"text/plain match", "POST", "/v1/match", "", "text/plain;charset=UTF-8", newTender, false, 415},
		{"a form", "POST", "/v1/match", "", "application/x-www-form-urlencoded", newTender, false, 415},
		{"multipart", "POST", "/v1/profiles", "", "multipart/form-data; boundary=x", newProfile, false, 415},
		{"no Content-Type", "POST", "/v1/match", "", "", newTender, false, 415},
		{"no Content-Type, chunked", "POST", "/v1/match", "", "", newTender, true, 415},
		{"a broken Content-Type", "POST", "/v1/match", "", "application/json; =", newTender, false, 415},
		{"json+something else", "POST", "/v1/match", "", "application/jsonx", newTender, false, 415},
		{"merge patch on a POST", "POST", "/v1/match", "", "application/merge-patch+json", newTender, false, 415},
		{"text/plain PUT", "PUT", "/v1/profiles/" + partnerID, auth.RolePartner, "text/plain", newProfile, false, 415},
		{"application/json", "POST", "/v1/match", "", "application/json", newTender, false, 200},
		{"with a charset", "POST", "/v1/match", "", "application/json; charset=utf-8", newTender, false, 200},
		{"in capitals", "POST", "/v1/match", "", "Application/JSON", newTender, false, 200},
		{"chunked", "POST", "/v1/match", "", "application/json", newTender, true, 200},
		{"no body, no Content-Type", "POST", "/v1/profiles/" + partnerID + "/confirmation", auth.RolePartner, "", "", false, 200},
		{"no body, text/plain", "POST", "/v1/profiles/" + partnerID + "/confirmation", auth.RolePartner, "text/plain", "", false, 200},
		{"an empty chunked body", "POST", "/v1/profiles/" + partnerID + "/confirmation", auth.RolePartner, "", "", true, 200},
		{"a GET", "GET", "/v1/profiles/" + partnerID, "", "text/plain", "", false, 200},
		{"a DELETE", "DELETE", "/v1/me/webhook", auth.RolePartner, "text/plain", "", false, 404},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			status, body, hdr := send(tc.method, tc.path, tc.role, tc.ctype, tc.body, tc.chunked)
			if status != tc.status {
				t.Fatalf("%s %s with Content-Type %q = %d %.300s, want %d", tc.method, tc.path, tc.ctype, status, body, tc.status)
			}
			if status == 415 && (hdr.Get("Content-Type") != "application/problem+json" || !strings.Contains(body, "application/json")) {
				t.Errorf("415 = %s %s, want a problem naming application/json", hdr.Get("Content-Type"), body)
			}
		})
	}
	if p, _ := e.st.GetProfile(context.Background(), "nieuw-initiatief"); p.ID != "" {
		t.Errorf("a text/plain registration was stored")
	}
}

// TestContentTypeMethods: the rule knows PATCH, which also takes JSON Merge Patch,
// before any route of it is served.
func TestContentTypeMethods(t *testing.T) {
	r := gin.New()
	ok := func(c *gin.Context) { c.Status(http.StatusNoContent) }
	r.Use(requireJSON())
	r.PATCH("/x", ok)
	r.POST("/x", ok)
	r.PUT("/x", ok)
	r.DELETE("/x", ok)
	for _, tc := range []struct {
		method, ctype string
		status        int
	}{
		{"PATCH", "application/merge-patch+json", 204},
		{"PATCH", "application/merge-patch+json; charset=utf-8", 204},
		{"PATCH", "application/json", 204},
		{"PATCH", "text/plain", 415},
		{"PATCH", "application/json-patch+json", 415},
		{"PUT", "application/merge-patch+json", 415},
		{"PUT", "application/json", 204},
		{"POST", "text/plain", 415},
		{"DELETE", "text/plain", 204},
	} {
		w := httptest.NewRecorder()
		req := httptest.NewRequest(tc.method, "/x", strings.NewReader(`{}`))
		req.Header.Set("Content-Type", tc.ctype)
		r.ServeHTTP(w, req)
		if w.Code != tc.status {
			t.Errorf("%s with %s = %d %s, want %d", tc.method, tc.ctype, w.Code, w.Body, tc.status)
		}
		if w.Code == 415 && tc.method == "PATCH" && !strings.Contains(w.Header().Get("Accept-Patch"), "application/merge-patch+json") {
			t.Errorf("PATCH 415 Accept-Patch = %q, want it to name application/merge-patch+json", w.Header().Get("Accept-Patch"))
		}
	}
}
