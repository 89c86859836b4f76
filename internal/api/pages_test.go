package api

import (
	"context"
	"strings"
	"testing"
)

func TestPages(t *testing.T) {
	e := newEnv(t)
	tenders, _ := e.st.Tenders(context.Background())
	tn := tenders[0].Tender
	tests := []struct {
		path   string
		status int
		want   []string
	}{
		{"/", 200, []string{"<html", tn.Title, `href="/tenders/` + tn.ID + `"`}},
		{"/tenders/" + tn.ID, 200, []string{tn.Title, "Voorgestelde coalities", "Meerwaarde (Shapley)", "huisbezoeken"}},
		{"/partners?q=buurt", 200, []string{"gevonden"}},
		{"/tenders/nope", 404, []string{`"status":404`}},
	}
	for _, tc := range tests {
		status, body, hdr := e.do("GET", tc.path, "", "")
		if status != tc.status {
			t.Errorf("GET %s = %d, want %d", tc.path, status, tc.status)
		}
		for _, w := range tc.want {
			if !strings.Contains(body, w) {
				t.Errorf("GET %s lacks %q", tc.path, w)
			}
		}
		if status == 200 && !strings.HasPrefix(hdr.Get("Content-Type"), "text/html") {
			t.Errorf("GET %s: Content-Type %s", tc.path, hdr.Get("Content-Type"))
		}
		if strings.Contains(body, canary) || strings.Contains(body, canaryMail) {
			t.Errorf("GET %s shows a private or contact field", tc.path)
		}
	}
	// Text from users is escaped.
	status, _, _ := e.do("POST", "/v1/profiles", "", strings.Replace(newProfile, "Nieuw Initiatief", "<script>alert(1)</script>", 1))
	if status != 201 {
		t.Fatalf("register = %d", status)
	}
	if _, body, _ := e.do("GET", "/partners?q=script", "", ""); strings.Contains(body, "<script>alert") {
		t.Errorf("/partners renders a name unescaped")
	}
}
