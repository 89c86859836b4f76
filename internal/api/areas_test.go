package api

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"samenspel/internal/auth"
	"samenspel/internal/profiles"
)

// TestUnknownAreas pins SPEC §2 in the API: with a gazetteer of Utrecht loaded
// (newEnv loads the shipped one), a profile or tender naming an area code inside
// Utrecht that the gazetteer does not know is a 422 naming the field, beside the
// document's other errors; codes of other municipalities pass.
func TestUnknownAreas(t *testing.T) {
	e := newEnv(t)
	const unknown = `"BU03440299": unknown area in Utrecht (GM0344)`
	profile := strings.Replace(newProfile, `"areas":["WK034403"]`, `"areas":["WK034402","BU03440299"]`, 1)
	tender := strings.Replace(newTender, `"area":["WK034403"]`, `"area":["BU03440299"]`, 1)
	tests := []struct {
		name, method, path, role, body string
		headers                        []string
		want                           []profiles.FieldError
	}{
		{"register", "POST", "/v1/profiles", "", profile, nil, []profiles.FieldError{{Field: "areas[1]", Message: unknown}}},
		{"register with another error", "POST", "/v1/profiles", "", strings.Replace(profile, `"size":"small"`, `"size":"tiny"`, 1), nil,
			[]profiles.FieldError{{Field: "size", Message: `must be small, medium or large, got "tiny"`}, {Field: "areas[1]", Message: unknown}}},
		{"put profile", "PUT", "/v1/profiles/" + partnerID, auth.RolePartner,
			strings.Replace(strings.Replace(profile, "nieuw-initiatief", partnerID, 1), `"private":{"ideas":"`+canary+`"}`, `"private":{}`, 1), nil,
			[]profiles.FieldError{{Field: "areas[1]", Message: unknown}}},
		{"patch profile", "PATCH", "/v1/profiles/" + partnerID, auth.RolePartner, `{"areas":["BU03440299"]}`,
			[]string{"Content-Type", "application/merge-patch+json"}, []profiles.FieldError{{Field: "areas[0]", Message: unknown}}},
		{"create tender", "POST", "/v1/tenders", auth.RoleTenderOwner, tender, nil, []profiles.FieldError{{Field: "area[0]", Message: unknown}}},
		{"match", "POST", "/v1/match", "", tender, nil, []profiles.FieldError{{Field: "area[0]", Message: unknown}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, body, _ := e.send(tt.method, tt.path, tt.role, tt.body, tt.headers...)
			if status != 422 {
				t.Fatalf("%s %s with an unknown area of Utrecht = %d %s, want 422", tt.method, tt.path, status, body)
			}
			var problem struct{ Errors []profiles.FieldError }
			if err := json.Unmarshal([]byte(body), &problem); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, problem.Errors); diff != "" {
				t.Errorf("%s %s errors (-want +got):\n%s", tt.method, tt.path, diff)
			}
		})
	}

	// The owner's tender, then a patch and a replace of it with an unknown area.
	if status, body, _ := e.do("POST", "/v1/tenders", auth.RoleTenderOwner, newTender); status != 201 {
		t.Fatalf("POST tender = %d %s", status, body)
	}
	if status, body, _ := e.send("PATCH", "/v1/tenders/nieuwe-tender", auth.RoleTenderOwner, `{"area":["WK034402","WK034411"]}`,
		"Content-Type", "application/merge-patch+json"); status != 422 || !strings.Contains(body, `"field":"area[1]"`) {
		t.Errorf("PATCH tender to WK034411 = %d %s, want 422 on area[1]", status, body)
	}
	if status, body, _ := e.do("PUT", "/v1/tenders/nieuwe-tender", auth.RoleTenderOwner, tender); status != 422 || !strings.Contains(body, `"field":"area[0]"`) {
		t.Errorf("PUT tender with BU03440299 = %d %s, want 422 on area[0]", status, body)
	}

	// Known areas, the country and areas of a municipality the gazetteer does not
	// hold are written.
	other := strings.Replace(newProfile, `"areas":["WK034403"]`, `"areas":["BU03440201","NL","BU03630101"]`, 1)
	if status, body, _ := e.do("POST", "/v1/profiles", "", other); status != 201 {
		t.Errorf("register in Zuilen, NL and Amsterdam = %d %s, want 201", status, body)
	}
}
