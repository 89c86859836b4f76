package synth

import (
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestWide: the instance has the profiles and events asked for, the same for the
// same seed, and a tender whose area holds about as many candidates as asked: the
// count closest to it of those its widening passes through.
func TestWide(t *testing.T) {
	in := Wide(2026, 3000, 12000, 600, 6)
	if len(in.Profiles) != 3000 || len(in.Collaborations) != 12000 || in.Tender.MaxSize != 6 {
		t.Fatalf("Wide = %d profiles, %d events, max_size %d; want 3000, 12000, 6", len(in.Profiles), len(in.Collaborations), in.Tender.MaxSize)
	}
	if diff := cmp.Diff(in, Wide(2026, 3000, 12000, 600, 6)); diff != "" {
		t.Errorf("Wide differs between two calls:\n%s", diff)
	}
	needed := map[string]bool{}
	for _, n := range in.Tender.Needs {
		needed[n.Instrument] = true
	}
	count := func(area []string) int {
		n := 0
		for _, p := range in.Profiles {
			if !slices.Contains(in.Tender.Exclude, p.ID) && overlap(p.Areas, area) && offersOne(p.Instruments, needed) {
				n++
			}
		}
		return n
	}
	got := count(in.Tender.Area)
	if got < 500 || got > 700 {
		t.Errorf("Wide: %d candidates in %v, want about 600", got, in.Tender.Area)
	}
	// One area fewer is further from 600 (the widening stopped at the closest).
	if fewer := count(in.Tender.Area[:len(in.Tender.Area)-1]); 600-fewer < got-600 {
		t.Errorf("Wide: %d candidates without the last area %s, closer to 600 than %d", fewer, in.Tender.Area[len(in.Tender.Area)-1], got)
	}
	if in.Tender.Area[0] != Tenders(2026, 1)[0].Area[0] {
		t.Errorf("Wide: area %v does not start with the tender's own %v", in.Tender.Area, Tenders(2026, 1)[0].Area)
	}
	if small := Wide(1, 300, 100, 10_000, 4); len(small.Tender.Area) < 2 {
		t.Errorf("Wide with more candidates than profiles: area %v, want widened", small.Tender.Area)
	}
}
