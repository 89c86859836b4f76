package main

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"samenspel/internal/web/session"
)

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// TestPagesSignIn: the served pages sign a partner in with the token its
// registration printed (a session cookie that does not hold the token; its flags
// are internal/web/session's tests), show it its own contact, and refuse a form
// without its CSRF token; an anonymous visitor sees no contact.
func TestPagesSignIn(t *testing.T) {
	base := serveExamples(t)
	const mail = "inlog-canary@example.org"
	resp, err := http.Post(base+"/v1/profiles", "application/json", strings.NewReader(
		`{"id":"inlog-test","name":"Inlog Test","kind":"residents_group","size":"small","areas":["WK034402"],"instruments":{"meals":1},"contact":{"email":"`+mail+`"}}`))
	if err != nil {
		t.Fatal(err)
	}
	var reg struct{ Token string }
	json.NewDecoder(resp.Body).Decode(&reg)
	resp.Body.Close()
	if resp.StatusCode != 201 || reg.Token == "" {
		t.Fatalf("register = %d", resp.StatusCode)
	}

	jar, _ := cookiejar.New(nil)
	browser := &http.Client{Jar: jar}
	page := func(path string) string {
		resp, err := browser.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != 200 {
			t.Fatalf("GET %s = %d", path, resp.StatusCode)
		}
		return string(b)
	}
	post := func(path string, form url.Values) (*http.Response, string) {
		req, _ := http.NewRequest("POST", base+path, strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Origin", base)
		resp, err := browser.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		return resp, string(b)
	}
	m := csrfField.FindStringSubmatch(page("/signin"))
	if m == nil {
		t.Fatal("the sign-in form carries no CSRF token")
	}
	// A form without its CSRF token is refused with a page that says, in words,
	// that nothing was saved and how to try again.
	if resp, body := post("/signin", url.Values{"token": {reg.Token}}); resp.StatusCode != http.StatusForbidden ||
		!strings.Contains(body, "Dit formulier is verlopen") || !strings.Contains(body, "Er is niets opgeslagen") {
		t.Errorf("sign-in without its CSRF token = %d, want 403 with the expired-form page:\n%s", resp.StatusCode, body)
	}
	resp, _ = post("/signin", url.Values{"csrf": {m[1]}, "token": {reg.Token}})
	if resp.StatusCode != 200 || resp.Request.URL.Path != "/profiles/inlog-test" {
		t.Fatalf("sign-in = %d at %s, want the partner's own page", resp.StatusCode, resp.Request.URL.Path)
	}
	u, _ := url.Parse(base)
	var cookie *http.Cookie
	for _, c := range jar.Cookies(u) {
		if c.Name == session.CookieName {
			cookie = c
		}
	}
	if cookie == nil || strings.Contains(cookie.Value, reg.Token) {
		t.Fatalf("session cookie %v: want one, without the token", cookie)
	}
	if !strings.Contains(page("/profiles/inlog-test"), mail) {
		t.Error("the signed-in partner does not see its own contact")
	}
	anon, err := http.Get(base + "/profiles/inlog-test")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(anon.Body)
	anon.Body.Close()
	if strings.Contains(string(b), mail) {
		t.Error("an anonymous visitor sees the partner's contact")
	}
}
