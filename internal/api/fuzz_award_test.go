package api

import (
	"strings"
	"testing"

	"samenspel/internal/auth"
)

// FuzzAwardBody: any body to the award route, as an admin: an award (201, or 200
// when it replaces one), an outcome (201), or a problem it documents; once an
// outcome is recorded every later award or outcome is 409.
func FuzzAwardBody(f *testing.F) {
	s := newFuzzServer(f)
	f.Add([]byte(`{"members":["` + partnerID + `"]}`))
	f.Add([]byte(`{"members":["` + partnerID + `","` + partnerID + `","nobody"]}`))
	f.Add([]byte(`{"members":[],"outcome":"positive"}`))
	f.Add([]byte(`{"outcome":"negative","at":"2000-01-01"}`))
	f.Add([]byte(`{"outcome":"positive","at":"1970-01-01T00:00:00Z"}`))
	f.Add([]byte(`{"at":"2026-02-30","Members":null}`))
	f.Add([]byte(`{"members":["a","b","c","d","e","f","g","h","i"],"members":["x"]}`))
	f.Add([]byte(`{"outcome":"\ud800"}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		s.check(t, "POST", "/v1/tenders/"+s.tender+"/award", auth.RoleAdmin, body, sOK, sCreated, sMalformed, sConflict, sTooLarge, sInvalid)
	})
}

// FuzzIdeaBody: any body to the idea routes: a partner's registration (201, or
// 409 beyond its ideas) and anyone's verification (200), or a problem they
// document.
func FuzzIdeaBody(f *testing.F) {
	s := newFuzzServer(f)
	f.Add([]byte(`{"text":"Kookavonden met de moskee"}`))
	f.Add([]byte(`{"text":"een\r\nidee\tmet tabs"}`))
	f.Add([]byte(`{"text":"een\ridee"}`))
	f.Add([]byte(`{"text":" \n "}`))
	f.Add([]byte(`{"text":"` + strings.Repeat("é", maxIdeaText+1) + `"}`))
	f.Add([]byte(`{"receipt":"idea_0123456789abcdef0123456789abcdef","text":"x"}`))
	f.Add([]byte(`{"receipt":"idea_0123456789ABCDEF0123456789abcdef","text":"\u0000"}`))
	f.Add([]byte(`{"text":"a","text":"b","receipt":5}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		s.check(t, "POST", "/v1/me/ideas", auth.RolePartner, body, sCreated, sMalformed, sConflict, sTooLarge, sInvalid)
		s.check(t, "POST", "/v1/ideas/verify", "", body, sOK, sMalformed, sTooLarge, sInvalid)
	})
}
