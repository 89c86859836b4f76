package jobs_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"samenspel/internal/jobs"
)

// A report travels typed and is stored as one JSON object: the job's fields, with
// "error" and "reason" beside them; read back, those two are fields again and the
// rest is the details as stored.
func TestReportJSON(t *testing.T) {
	type figures struct {
		Tenders int `json:"tenders"`
		Zeta    int `json:"zeta"`
		Alpha   int `json:"alpha"`
	}
	tests := []struct {
		name     string
		report   jobs.Report
		want     string
		readBack jobs.Report
	}{
		{"empty", jobs.Report{}, `{}`, jobs.Report{}},
		{"details in the job's field order", jobs.Report{Details: figures{6, 2, 1}}, `{"tenders":6,"zeta":2,"alpha":1}`,
			jobs.Report{Details: json.RawMessage(`{"tenders":6,"zeta":2,"alpha":1}`)}},
		{"an error beside the details", jobs.Report{Details: figures{Tenders: 6}, Error: "boom"}, `{"alpha":0,"error":"boom","tenders":6,"zeta":0}`,
			jobs.Report{Details: json.RawMessage(`{"alpha":0,"tenders":6,"zeta":0}`), Error: "boom"}},
		{"a skip's reason alone", jobs.Report{Reason: "another replica runs this slot"}, `{"reason":"another replica runs this slot"}`,
			jobs.Report{Reason: "another replica runs this slot"}},
		{"nil details", jobs.Report{Details: (*figures)(nil), Error: "x"}, `{"error":"x"}`, jobs.Report{Error: "x"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := json.Marshal(tt.report)
			if err != nil || string(b) != tt.want {
				t.Fatalf("json.Marshal(%+v) = %s, %v; want %s", tt.report, b, err, tt.want)
			}
			var got jobs.Report
			if err := json.Unmarshal(b, &got); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.readBack, got); diff != "" {
				t.Errorf("read back (-want +got):\n%s", diff)
			}
		})
	}
}

func TestReportRefused(t *testing.T) {
	for _, tt := range []struct {
		name   string
		report jobs.Report
		want   string
	}{
		{"not an object", jobs.Report{Details: []int{1, 2}}, "not a JSON object"},
		{"details naming error", jobs.Report{Details: map[string]string{"error": "mine"}, Reason: "r"}, `name "error"`},
		{"not JSON", jobs.Report{Details: json.RawMessage(`{"a":`)}, "report"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if b, err := json.Marshal(tt.report); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("json.Marshal(%+v) = %s, %v; want an error saying %q", tt.report, b, err, tt.want)
			}
		})
	}
	var r jobs.Report
	if err := json.Unmarshal([]byte(`[1]`), &r); err == nil {
		t.Error("json.Unmarshal of an array into a report succeeded")
	}
}
