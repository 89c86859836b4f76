package match

import (
	"samenspel/internal/synth"
)

// synthCase is a realistic instance: the i-th shipped kind of tender (synth.Tenders)
// with max_size k, n eligible Utrecht partners (synth.Pool) and n/2 collaboration
// events among them.
func synthCase(seed uint64, i, n, k int) Input {
	t := synth.Tenders(seed, i+1)[i]
	t.MaxSize = k
	t.MinSmall = min(t.MinSmall, k)
	if len(t.RequireKinds) > k {
		t.RequireKinds = t.RequireKinds[:k]
	}
	ps := synth.Pool(seed, t, n)
	return Input{Tender: t, Profiles: ps, Trust: NewTrust(synth.Collaborations(seed, ps, n/2))}
}
