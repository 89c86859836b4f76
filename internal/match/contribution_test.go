package match

import (
	"math"
	"testing"

	"samenspel/internal/profiles"
)

// TestContributionsHandCase: {p1, p3} of the hand-worked case, split by hand.
// C({p1}) = 3/4, C({p3}) = (3·0.5 + 1)/4 = 5/8, C(both) = 1, so p1's coverage
// Shapley value is ½(3/4 + 3/8) = 9/16 and p3's 7/16; each brings a kind of its
// own (1/3 each); p1 is small (I = 1, 0, ½: ¾ and −¼); with no recorded trust T is
// 0.5 for every set, so each member's trust value is 0.25.
func TestContributionsHandCase(t *testing.T) {
	in := handCase()
	var c Coalition
	for _, s := range Suggest(in, Options{}).Coalitions {
		if len(s.Members) == 2 && s.Members[0].ID == "p1" && s.Members[1].ID == "p3" {
			c = s
		}
	}
	if c.Members == nil {
		t.Fatal("the hand case suggests no {p1, p3}")
	}
	w := profiles.NormalizeWeights(in.Tender.Weights)
	want := []Contribution{
		{Coverage: w.Coverage * 9 / 16, Diversity: w.Diversity / 3, Trust: w.Trust * 0.25, Inclusion: w.Inclusion * 0.75},
		{Coverage: w.Coverage * 7 / 16, Diversity: w.Diversity / 3, Trust: w.Trust * 0.25, Inclusion: w.Inclusion * -0.25},
	}
	got, err := Contributions(in.Tender, in.Profiles, c)
	if err != nil {
		t.Fatal(err)
	}
	for i := range want {
		if !nearContribution(got[i], want[i]) {
			t.Errorf("Contributions(p1, p3)[%d] = %+v, want %+v", i, got[i], want[i])
		}
	}
}

// TestContributionsOracle: on random pools with recorded trust, every part of every
// suggested coalition is its term's Shapley value over the members' subsets, each
// subset scored by Score (which sees the pairs' trust), times the term's weight.
func TestContributionsOracle(t *testing.T) {
	for seed := range uint64(40) {
		tender, ps, events := randomCase(seed+7000, 12)
		in := Input{Tender: tender, Profiles: ps, Trust: NewTrust(events)}
		w := profiles.NormalizeWeights(tender.Weights)
		for _, c := range Suggest(in, Options{Top: 3}).Coalitions {
			got, err := Contributions(tender, ps, c)
			if err != nil {
				t.Fatalf("seed %d: %v", seed, err)
			}
			want := oracleContributions(t, in, c, w)
			for i := range want {
				if !nearContribution(got[i], want[i]) {
					t.Fatalf("seed %d: Contributions(%v)[%d] = %+v, want %+v", seed, ids(c), i, got[i], want[i])
				}
				sum := got[i].Coverage + got[i].Diversity + got[i].Trust + got[i].Inclusion
				if math.Abs(sum-c.Members[i].Shapley) > 1e-9 {
					t.Fatalf("seed %d: parts of %s sum to %v, its Shapley value is %v", seed, c.Members[i].ID, sum, c.Members[i].Shapley)
				}
			}
		}
	}
}

func TestContributionsMissingProfile(t *testing.T) {
	in := handCase()
	c := Suggest(in, Options{}).Coalitions[0]
	if _, err := Contributions(in.Tender, in.Profiles[:1], c); err == nil {
		t.Errorf("Contributions without a member's profile = nil error, want one")
	}
}

// oracleContributions computes the parts of c by brute force from Score.
func oracleContributions(t *testing.T, in Input, c Coalition, w profiles.Weights) []Contribution {
	t.Helper()
	n := len(c.Members)
	terms := make([]Breakdown, 1<<n)
	for mask := 1; mask < 1<<n; mask++ {
		var sub []string
		for i, m := range c.Members {
			if mask&(1<<i) != 0 {
				sub = append(sub, m.ID)
			}
		}
		s, err := Score(in, sub)
		if err != nil {
			t.Fatal(err)
		}
		terms[mask] = s.Breakdown
	}
	out := make([]Contribution, n)
	for i := range c.Members {
		for mask := range terms {
			if mask&(1<<i) != 0 {
				continue
			}
			size := 0
			for j := range n {
				if mask&(1<<j) != 0 {
					size++
				}
			}
			f := 1 / (float64(n) * binomial(n-1, size))
			a, b := terms[mask], terms[mask|1<<i]
			out[i].Coverage += f * w.Coverage * (b.Coverage - a.Coverage)
			out[i].Diversity += f * w.Diversity * (b.Diversity - a.Diversity)
			out[i].Trust += f * w.Trust * (b.Trust - a.Trust)
			out[i].Inclusion += f * w.Inclusion * (b.Inclusion - a.Inclusion)
		}
	}
	return out
}

func nearContribution(a, b Contribution) bool {
	return near(a.Coverage, b.Coverage) && near(a.Diversity, b.Diversity) && near(a.Trust, b.Trust) && near(a.Inclusion, b.Inclusion)
}
