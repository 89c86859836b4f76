package api

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"
)

// TestVariantsParam: variants=true on the coalitions route and on POST /v1/match
// asks for the answer with variants (SPEC §6), whose members name their
// alternatives, and which is not the plain answer; any value but true or false is
// a 422 naming the field.
func TestVariantsParam(t *testing.T) {
	e := newEnv(t)
	tenders, _ := e.st.Tenders(context.Background())
	id := tenders[0].Tender.ID
	routes := []struct{ method, path, body string }{
		{"GET", "/v1/tenders/" + id + "/coalitions", ""},
		{"POST", "/v1/match", newTender},
	}
	for _, r := range routes {
		_, plain, _ := e.do(r.method, r.path, "", r.body)
		_, off, _ := e.do(r.method, r.path+"?variants=false", "", r.body)
		status, variants, _ := e.do(r.method, r.path+"?variants=true", "", r.body)
		if status != 200 || !strings.Contains(variants, `"alternatives"`) || strings.Contains(plain, `"alternatives"`) || off != plain {
			t.Errorf("%s %s: variants=true %d with alternatives %v; plain with alternatives %v; variants=false the plain answer %v",
				r.method, r.path, status, strings.Contains(variants, `"alternatives"`), strings.Contains(plain, `"alternatives"`), off == plain)
		}
		if _, again, _ := e.do(r.method, r.path, "", r.body); again != plain {
			t.Errorf("%s %s after a request with variants: not the plain answer", r.method, r.path)
		}
		for _, bad := range []string{"maybe", "", "TRUE", "1"} {
			status, body, _ := e.do(r.method, r.path+"?variants="+bad, "", r.body)
			var p struct {
				Errors []struct{ Field string } `json:"errors"`
			}
			json.Unmarshal([]byte(body), &p)
			if status != 422 || !slices.ContainsFunc(p.Errors, func(f struct{ Field string }) bool { return f.Field == "variants" }) {
				t.Errorf("%s %s?variants=%s = %d %s, want 422 naming variants", r.method, r.path, bad, status, body)
			}
		}
	}
}
