package profiles

import (
	"slices"
	"strings"
	"testing"
)

// TestRepeatsAreDropped: a repeated entry of a set-valued list (SPEC §2) is dropped,
// the first staying where it was, and is never an error: in a profile, in a tender,
// in an NDJSON file and in a CSV file, whose readers count what they dropped.
func TestRepeatsAreDropped(t *testing.T) {
	tax := testTaxonomy(t)
	p, n, err := tax.DecodeProfileRepeats([]byte(`{"id":"p","name":"P","kind":"care","size":"small",
		"areas":["BU03440501","WK034403","BU03440501","WK034403"],"instruments":{"meals":1},"themes":["health","poverty","health"]}`))
	if err != nil {
		t.Fatalf("a profile with repeats: %v, want it taken", err)
	}
	if !slices.Equal(p.Areas, []string{"BU03440501", "WK034403"}) || !slices.Equal(p.Themes, []string{"health", "poverty"}) || n != 3 {
		t.Errorf("areas %v themes %v, %d dropped; want the first of each in order, 3 dropped", p.Areas, p.Themes, n)
	}

	tn, err := tax.DecodeTender([]byte(`{"id":"t","title":"T","area":["GM0344","GM0344"],"themes":["youth","youth"],
		"needs":[{"instrument":"meals","weight":1}],"require_kinds":["school","care","school"],"exclude":["a","b","a"]}`))
	if err != nil {
		t.Fatalf("a tender with repeats: %v, want it taken", err)
	}
	if !slices.Equal(tn.Area, []string{"GM0344"}) || !slices.Equal(tn.Themes, []string{"youth"}) ||
		!slices.Equal(tn.RequireKinds, []string{"school", "care"}) || !slices.Equal(tn.Exclude, []string{"a", "b"}) {
		t.Errorf("tender sets %v %v %v %v, want each without its repeats", tn.Area, tn.Themes, tn.RequireKinds, tn.Exclude)
	}

	csvFile := "id,name,kind,size,new_provider,can_lead,areas,instruments,themes,description,contact_email\n" +
		"rep,Rep,care,small,false,false,WK034403;WK034403;BU03440501,meals:1,health;health,,\n"
	ps, bad, n, err := tax.ReadProfilesCSVRepeats(strings.NewReader(csvFile), "in.csv")
	if err != nil || len(bad) != 0 || len(ps) != 1 {
		t.Fatalf("a CSV row with repeats: %v %v %d profiles", err, bad, len(ps))
	}
	if !slices.Equal(ps[0].Areas, []string{"WK034403", "BU03440501"}) || n != 2 {
		t.Errorf("CSV areas %v, %d dropped; want 2 dropped", ps[0].Areas, n)
	}
}

// TestDropRepeatsLongLists: lists long enough to be indexed by a map keep the same
// rule as short ones.
func TestDropRepeatsLongLists(t *testing.T) {
	var list, want []string
	for i := range 40 {
		s := string(rune('a' + i%20))
		list = append(list, s)
		if i < 20 {
			want = append(want, s)
		}
	}
	got, n := dropRepeats(list)
	if !slices.Equal(got, want) || n != 20 {
		t.Errorf("dropRepeats(40 with 20 repeats) = %v, %d", got, n)
	}
}
