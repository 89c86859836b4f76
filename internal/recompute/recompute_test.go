package recompute

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"samenspel/config"
	"samenspel/internal/cache"
	"samenspel/internal/jobs"
	"samenspel/internal/match"
	"samenspel/internal/profiles"
	"samenspel/internal/store"
	"samenspel/internal/suggest"
	"samenspel/internal/synth"
	"samenspel/internal/webhook"
)

// fixture is a store with the six example problems of Utrecht as open tenders, one
// closed tender, and partners all over the city.
type fixture struct {
	st      *store.Store
	svc     *suggest.Service
	tenders []profiles.Tender // the open ones
	dir     string            // the store's, for another process's store over it
	tax     *profiles.Taxonomy
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	ctx := context.Background()
	tax, err := profiles.ParseTaxonomy(config.Taxonomy)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	st, err := store.Open(ctx, dir, tax)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if _, _, err := st.UpsertProfiles(ctx, synth.Profiles(1, 400)); err != nil {
		t.Fatal(err)
	}
	tenders := synth.Tenders(1, 7)
	for _, tn := range tenders {
		if err := st.CreateTender(ctx, tn, "gemeente-utrecht", time.Unix(0, 0)); err != nil {
			t.Fatal(err)
		}
	}
	closed := tenders[6]
	if err := st.CloseTender(ctx, closed.ID, time.Unix(1, 0)); err != nil {
		t.Fatal(err)
	}
	return &fixture{st: st, svc: suggest.New(st, cache.NewMemory(100, time.Hour), nil), tenders: tenders[:6], dir: dir, tax: tax}
}

// recompute runs a recompute as run id.
func (f *fixture) recompute(t *testing.T, id int64, opts Options) jobs.Run {
	t.Helper()
	run, err := Run(context.Background(), f.svc, f.st, f.start(t, id), opts)
	if err != nil {
		t.Fatalf("Run(run %d) = %v", id, err)
	}
	f.finish(t, run)
	return run
}

// start records the start of run id, as the scheduler does before a run: the
// store's next run must be id.
func (f *fixture) start(t *testing.T, id int64) jobs.Run {
	t.Helper()
	run, err := f.st.StartRun(context.Background(), JobName, "matcher-1", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if run.ID != id {
		t.Fatalf("StartRun() = run %d, want run %d", run.ID, id)
	}
	return run
}

// finish records the end of run, as the scheduler does after it.
func (f *fixture) finish(t *testing.T, run jobs.Run) {
	t.Helper()
	run.Status, run.Ended = jobs.RunDone, time.Now()
	if err := f.st.FinishRun(context.Background(), run); err != nil {
		t.Fatal(err)
	}
}

// stored returns every open tender's stored answer and the run that wrote it.
func (f *fixture) stored(t *testing.T) (bodies map[string]string, runs map[string]int64) {
	t.Helper()
	bodies, runs = map[string]string{}, map[string]int64{}
	for _, tn := range f.tenders {
		_, run, _, body, err := f.st.StoredSuggestion(context.Background(), tn.ID)
		if err != nil {
			t.Fatalf("StoredSuggestion(%s) = %v", tn.ID, err)
		}
		bodies[tn.ID], runs[tn.ID] = string(body), run
	}
	return bodies, runs
}

// answer is tender's answer computed now, from scratch, as JSON.
func (f *fixture) answer(t *testing.T, tn profiles.Tender) string {
	t.Helper()
	rec, err := f.st.GetTender(context.Background(), tn.ID)
	if err != nil {
		t.Fatal(err)
	}
	res, err := f.svc.Match(context.Background(), rec.Tender, match.DefaultTop, false)
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(res)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func counts(r jobs.Run) [3]int { return [3]int{r.Done, r.Skipped, r.Failed} }

func TestIncremental(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	n := len(f.tenders)
	if got := counts(f.recompute(t, 1, Options{})); got != [3]int{n, 0, 0} {
		t.Fatalf("first run: done, skipped, failed = %v, want %v", got, [3]int{n, 0, 0})
	}
	if got := counts(f.recompute(t, 2, Options{})); got != [3]int{0, n, 0} {
		t.Errorf("second run, nothing changed: done, skipped, failed = %v, want %v", got, [3]int{0, n, 0})
	}

	// A write to one partner recomputes exactly the tenders it is a candidate of.
	cands, err := f.st.Candidates(ctx, f.tenders[0])
	if err != nil {
		t.Fatal(err)
	}
	p, affected := cands[0], 0
	for _, tn := range f.tenders {
		cs, err := f.st.Candidates(ctx, tn)
		if err != nil {
			t.Fatal(err)
		}
		if slices.ContainsFunc(cs, func(c profiles.Profile) bool { return c.ID == p.ID }) {
			affected++
		}
	}
	if affected == n {
		t.Fatalf("%s is a candidate of every tender: pick a partner with a narrower reach", p.ID)
	}
	p.Description += " Ook op zaterdag open."
	if err := f.st.PutProfile(ctx, p); err != nil {
		t.Fatal(err)
	}
	if got, want := counts(f.recompute(t, 3, Options{})), [3]int{affected, n - affected, 0}; got != want {
		t.Errorf("after a write to %s (a candidate of %d tenders): done, skipped, failed = %v, want %v", p.ID, affected, got, want)
	}
	bodies, runs := f.stored(t)
	for _, tn := range f.tenders {
		if want := f.answer(t, tn); bodies[tn.ID] != want {
			t.Errorf("stored answer of %s (run %d) differs from the answer computed now", tn.ID, runs[tn.ID])
		}
	}
}

func TestFullRecomputesAll(t *testing.T) {
	f := newFixture(t)
	n := len(f.tenders)
	f.recompute(t, 1, Options{})
	if got := counts(f.recompute(t, 2, Options{Full: true, Workers: 3})); got != [3]int{n, 0, 0} {
		t.Errorf("full run: done, skipped, failed = %v, want %v", got, [3]int{n, 0, 0})
	}
	if _, runs := f.stored(t); slices.ContainsFunc(f.tenders, func(tn profiles.Tender) bool { return runs[tn.ID] != 2 }) {
		t.Errorf("after a full run 2, stored runs = %v, want 2 everywhere", runs)
	}
}

// pausing is the store as a replica sees it that freezes (a long GC pause, a
// suspended VM) just before it stores an answer of run frozen, until thaw closes.
type pausing struct {
	*store.Store
	frozen int64
	paused chan struct{} // receives once per answer held back
	thaw   chan struct{}
}

func (p *pausing) PutSuggestion(ctx context.Context, tender, digest string, run int64, body []byte, now time.Time) (bool, error) {
	if run == p.frozen {
		p.paused <- struct{}{}
		<-p.thaw
	}
	return p.Store.PutSuggestion(ctx, tender, digest, run, body, now)
}

// TestFrozenReplicaCannotOverwrite: replica A starts run 1, computes, and freezes
// past its lock's lifetime before storing; replica B takes over as run 2 and
// finishes. When A wakes, its answers are refused: every tender keeps run 2's.
func TestFrozenReplicaCannotOverwrite(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	n := len(f.tenders)
	p := &pausing{Store: f.st, frozen: 1, paused: make(chan struct{}, n), thaw: make(chan struct{})}
	replicaA := suggest.New(p, cache.NewMemory(100, time.Hour), nil)
	startA := f.start(t, 1)
	var runA jobs.Run
	var errA error
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		runA, errA = Run(ctx, replicaA, f.st, startA, Options{Workers: 2})
	}()
	<-p.paused // A has computed an answer and is frozen before storing it
	<-p.paused

	runB := f.recompute(t, 2, Options{})
	if got := counts(runB); got != [3]int{n, 0, 0} {
		t.Fatalf("run 2: done, skipped, failed = %v, want %v", got, [3]int{n, 0, 0})
	}
	bodiesB, _ := f.stored(t)
	close(p.thaw)
	wg.Wait()
	if errA != nil {
		t.Fatalf("run 1 = %v", errA)
	}
	rep, ok := runA.Report.Details.(Report)
	if !ok {
		t.Fatalf("run 1's report details = %T, want a recompute.Report", runA.Report.Details)
	}
	if rep.Fenced < 2 || runA.Done != 0 {
		t.Errorf("run 1 woken late: %d fenced, %d done; want at least the 2 frozen answers fenced and none stored", rep.Fenced, runA.Done)
	}
	bodies, runs := f.stored(t)
	for _, tn := range f.tenders {
		if runs[tn.ID] != 2 || bodies[tn.ID] != bodiesB[tn.ID] {
			t.Errorf("tender %s after run 1 woke: stored by run %d, want run 2's answer", tn.ID, runs[tn.ID])
		}
	}
}

// TestStoppedMidRun: a run stopped part-way (its lock lost, the process stopping)
// leaves every tender with its old answer or its new one, each whole.
func TestStoppedMidRun(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	f.recompute(t, 1, Options{})
	old, _ := f.stored(t)
	// Every tender changes: trust now weighs more.
	for _, tn := range f.tenders {
		tn.Weights = profiles.Weights{Coverage: 0.4, Diversity: 0.2, Trust: 0.3, Inclusion: 0.1}
		if err := f.st.PutTender(ctx, tn, time.Unix(2, 0)); err != nil {
			t.Fatal(err)
		}
	}
	fresh := map[string]string{}
	for _, tn := range f.tenders {
		fresh[tn.ID] = f.answer(t, tn)
		if fresh[tn.ID] == old[tn.ID] {
			t.Fatalf("tender %s: the new weights change nothing", tn.ID)
		}
	}
	stop, cancel := context.WithCancel(ctx)
	defer cancel()
	run, err := Run(stop, f.svc, f.st, f.start(t, 2), Options{Workers: 1, Progress: func(done, total int) {
		cancel() // after the first claim's tenders
	}})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Run() stopped part-way = %v, want context.Canceled", err)
	}
	f.finish(t, run)
	if run.Done < 1 || run.Done >= len(f.tenders) {
		t.Errorf("stopped run did %d tenders, want at least 1 and fewer than %d", run.Done, len(f.tenders))
	}
	bodies, runs := f.stored(t)
	newer := 0
	for _, tn := range f.tenders {
		var res match.Result
		if err := json.Unmarshal([]byte(bodies[tn.ID]), &res); err != nil {
			t.Errorf("tender %s: stored answer is no JSON: %v", tn.ID, err)
		}
		switch bodies[tn.ID] {
		case fresh[tn.ID]:
			newer++
			if runs[tn.ID] != 2 {
				t.Errorf("tender %s: new answer stored by run %d, want 2", tn.ID, runs[tn.ID])
			}
		case old[tn.ID]:
			if runs[tn.ID] != 1 {
				t.Errorf("tender %s: old answer stored by run %d, want 1", tn.ID, runs[tn.ID])
			}
		default:
			t.Errorf("tender %s: stored answer is neither the old nor the new one", tn.ID)
		}
	}
	if newer != run.Done {
		t.Errorf("%d tenders hold the new answer, the run says it did %d", newer, run.Done)
	}
	// The next run finishes the job.
	if got := counts(f.recompute(t, 3, Options{})); got[0] != len(f.tenders)-newer {
		t.Errorf("the run after the stopped one did %d tenders, want the %d left", got[0], len(f.tenders)-newer)
	}
}

func TestNotificationsOnFirstAppearance(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	run := f.recompute(t, 1, Options{})
	rep, ok := run.Report.Details.(Report)
	if !ok {
		t.Fatalf("report details = %T, want a recompute.Report", run.Report.Details)
	}
	pairs := 0
	bodies, _ := f.stored(t)
	for _, tn := range f.tenders {
		var res match.Result
		if err := json.Unmarshal([]byte(bodies[tn.ID]), &res); err != nil {
			t.Fatal(err)
		}
		pairs += len(firstAppearances(tn.ID, suggest.Outcome{Result: res}))
	}
	if pairs == 0 || rep.Notifications != pairs {
		t.Fatalf("first run notified %d partners, want %d (every member of every answer)", rep.Notifications, pairs)
	}
	rep = reportOf(t, f.recompute(t, 2, Options{Full: true}))
	if rep.Notifications != 0 {
		t.Errorf("a second run with the same answers notified %d partners, want 0", rep.Notifications)
	}

	// A newcomer just like the first member of the best coalition of the first
	// tender, whose id sorts first, takes a place in its answer; it is notified
	// once, by the run that first suggested it.
	var res match.Result
	if err := json.Unmarshal([]byte(bodies[f.tenders[0].ID]), &res); err != nil {
		t.Fatal(err)
	}
	star, err := f.st.GetProfile(ctx, res.Coalitions[0].Members[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	star.ID, star.Name = "aaa-nieuwkomer", "Aaa Nieuwkomer"
	if err := f.st.CreateProfile(ctx, star); err != nil {
		t.Fatal(err)
	}
	rep = reportOf(t, f.recompute(t, 3, Options{}))
	got, err := f.st.Notifications(ctx, star.ID, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) == 0 || got[0].Run != 3 || rep.Notifications != len(got) {
		t.Errorf("newcomer's notifications = %+v, run 3 notified %d; want the newcomer's, by run 3", got, rep.Notifications)
	}
	rep = reportOf(t, f.recompute(t, 4, Options{Full: true}))
	if rep.Notifications != 0 {
		t.Errorf("run 4 notified %d partners again, want 0", rep.Notifications)
	}
}

// TestFairnessOfRealAnswers: the report's seats agree with the members' profiles.
func TestFairnessOfRealAnswers(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	rep := reportOf(t, f.recompute(t, 1, Options{}))
	bodies, _ := f.stored(t)
	var want Fairness
	want.PerTender = map[string]TenderShare{}
	for _, tn := range f.tenders {
		var res match.Result
		if err := json.Unmarshal([]byte(bodies[tn.ID]), &res); err != nil {
			t.Fatal(err)
		}
		inclusive := map[string]bool{}
		for _, c := range res.Coalitions {
			for _, m := range c.Members {
				p, err := f.st.GetProfile(ctx, m.ID)
				if err != nil {
					t.Fatal(err)
				}
				inclusive[m.ID] = p.Size == profiles.SizeSmall || p.NewProvider
			}
		}
		want.add(tn.ID, shareOf(suggest.Outcome{Result: res, Inclusive: inclusive}))
	}
	want.Share = ratio(want.SmallOrNew, want.Seats)
	want.Awarded = AwardedSeats{PerTender: map[string]TenderShare{}} // nothing awarded
	if diff := cmp.Diff(want, rep.Fairness); diff != "" || want.Seats == 0 {
		t.Errorf("fairness report (-want +got):\n%s", diff)
	}
}

// canned answers tenders with fixed outcomes, or fails them.
type canned map[string]suggest.Outcome

func (c canned) Recompute(ctx context.Context, tender string, run int64, full bool) (suggest.Outcome, error) {
	out, ok := c[tender]
	if !ok {
		return suggest.Outcome{}, errors.New("engine exploded")
	}
	return out, nil
}

// tenderList lists tenders and their awards and keeps the notifications it is
// given.
type tenderList struct {
	memWork
	recs   []profiles.TenderRecord
	awards []profiles.Award
	mu     sync.Mutex
	got    []webhook.Notification
}

// WarmPage of canned answers warms nothing.
func (c canned) WarmPage(ctx context.Context, tender string) (bool, error) { return false, nil }

func (l *tenderList) Tenders(ctx context.Context) ([]profiles.TenderRecord, error) {
	return l.recs, nil
}

func (l *tenderList) Awards(ctx context.Context) ([]profiles.Award, error) { return l.awards, nil }

func (l *tenderList) AddNotifications(ctx context.Context, run int64, now time.Time, ns []webhook.Notification) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.got = append(l.got, ns...)
	return len(ns), nil
}

func coalition(rank int, ids ...string) match.Coalition {
	c := match.Coalition{Rank: rank}
	for _, id := range ids {
		c.Members = append(c.Members, match.Member{ID: id})
	}
	return c
}

// TestFairnessByHand: seats and shares of a hand-made case; a failed tender and a
// closed one count for nothing among the suggested seats, and each partner is
// notified with its best rank. The awarded seats count every award, a closed
// tender's too, by whether each member was small or new when awarded.
func TestFairnessByHand(t *testing.T) {
	svc := canned{
		// 4 seats, buurtkamer (small) holds 2.
		"eenzaamheid": {Result: match.Result{Coalitions: []match.Coalition{
			coalition(1, "buurtkamer", "wijkteam"), coalition(2, "buurtkamer", "zorggroep")}},
			Inclusive: map[string]bool{"buurtkamer": true}},
		// 3 seats, none small or new; unchanged since the last run.
		"schulden": {Skipped: true, Result: match.Result{Coalitions: []match.Coalition{
			coalition(1, "wijkteam", "bank"), coalition(2, "bank")}}},
		// Already answered by a newer run: not counted.
		"energie": {Fenced: true, Result: match.Result{Coalitions: []match.Coalition{coalition(1, "nieuwkomer")}},
			Inclusive: map[string]bool{"nieuwkomer": true}},
		// No coalition at all.
		"leeg":   {Result: match.Result{Coalitions: []match.Coalition{}}},
		"closed": {Result: match.Result{Coalitions: []match.Coalition{coalition(1, "x")}}},
	}
	l := &tenderList{}
	for _, id := range []string{"eenzaamheid", "schulden", "energie", "leeg", "kapot", "closed"} {
		l.recs = append(l.recs, profiles.TenderRecord{Tender: profiles.Tender{ID: id}, Closed: id == "closed"})
	}
	l.awards = []profiles.Award{
		{Tender: "closed", Members: []profiles.AwardMember{{Profile: "x", SmallOrNew: true}, {Profile: "bank"}, {Profile: "nieuwkomer", SmallOrNew: true}}},
		{Tender: "eenzaamheid", Members: []profiles.AwardMember{{Profile: "wijkteam"}, {Profile: "zorggroep"}}},
	}
	run, err := Run(context.Background(), svc, l, jobs.Run{ID: 7, Replica: "matcher-1"}, Options{Workers: 2})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := counts(run), [3]int{2, 2, 1}; got != want {
		t.Errorf("done, skipped, failed = %v, want %v", got, want)
	}
	rep, ok := run.Report.Details.(Report)
	if !ok {
		t.Fatalf("report details = %T, want a recompute.Report", run.Report.Details)
	}
	want := Report{Fenced: 1, Notifications: 5, Replicas: map[string]int{"matcher-1": 5}, Fairness: Fairness{Seats: 7, SmallOrNew: 2, Share: 2.0 / 7,
		PerTender: map[string]TenderShare{
			"eenzaamheid": {Seats: 4, SmallOrNew: 2, Share: 0.5},
			"schulden":    {Seats: 3, SmallOrNew: 0, Share: 0},
			"leeg":        {Seats: 0, SmallOrNew: 0, Share: 0},
		},
		Awarded: AwardedSeats{Seats: 5, SmallOrNew: 2, Share: 2.0 / 5, PerTender: map[string]TenderShare{
			"closed":      {Seats: 3, SmallOrNew: 2, Share: 2.0 / 3},
			"eenzaamheid": {Seats: 2, SmallOrNew: 0, Share: 0},
		}}}}
	if diff := cmp.Diff(want, rep); diff != "" {
		t.Errorf("report (-want +got):\n%s", diff)
	}
	slices.SortFunc(l.got, func(a, b webhook.Notification) int {
		if a.Tender != b.Tender {
			return strings.Compare(a.Tender, b.Tender)
		}
		return strings.Compare(a.Profile, b.Profile)
	})
	wantN := []webhook.Notification{
		{Profile: "buurtkamer", Tender: "eenzaamheid", Rank: 1},
		{Profile: "wijkteam", Tender: "eenzaamheid", Rank: 1},
		{Profile: "zorggroep", Tender: "eenzaamheid", Rank: 2},
		{Profile: "bank", Tender: "schulden", Rank: 1},
		{Profile: "wijkteam", Tender: "schulden", Rank: 1},
	}
	if diff := cmp.Diff(wantN, l.got); diff != "" {
		t.Errorf("notifications (-want +got):\n%s", diff)
	}
}

// TestFairnessOfAwards: the report counts the seats of the coalitions tender
// owners awarded through the store, open tenders and closed, each member by
// whether it was small or new when awarded (a partner that grew since still
// counts as it was), and suggested seats beside them as before.
func TestFairnessOfAwards(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	closed := synth.Tenders(1, 7)[6].ID
	var smallOrNew, other []string
	cands, err := f.st.Candidates(ctx, f.tenders[0])
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range cands {
		if p.Inclusive() && len(smallOrNew) < 2 {
			smallOrNew = append(smallOrNew, p.ID)
		} else if !p.Inclusive() && len(other) < 2 {
			other = append(other, p.ID)
		}
	}
	if len(smallOrNew) < 2 || len(other) < 2 {
		t.Fatalf("the fixture's candidates lack two small or new (%v) and two other (%v) partners", smallOrNew, other)
	}
	at := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	for tender, members := range map[string][]string{
		f.tenders[0].ID: {smallOrNew[0], other[0], smallOrNew[1]},
		closed:          {other[1], smallOrNew[0]},
	} {
		if _, _, err := f.st.AwardTender(ctx, tender, members, "tender_owner", "tok_owner", at); err != nil {
			t.Fatal(err)
		}
	}
	// The first small partner grows after the awards: its seats stay counted.
	p, err := f.st.GetProfile(ctx, smallOrNew[0])
	if err != nil {
		t.Fatal(err)
	}
	p.Size, p.NewProvider = profiles.SizeLarge, false
	if _, err := f.st.UpdateProfile(ctx, p.ID, nil, func(profiles.Record) (profiles.Profile, error) { return p, nil }); err != nil {
		t.Fatal(err)
	}
	rep := reportOf(t, f.recompute(t, 1, Options{}))
	want := AwardedSeats{Seats: 5, SmallOrNew: 3, Share: 3.0 / 5, PerTender: map[string]TenderShare{
		f.tenders[0].ID: {Seats: 3, SmallOrNew: 2, Share: 2.0 / 3},
		closed:          {Seats: 2, SmallOrNew: 1, Share: 0.5},
	}}
	if diff := cmp.Diff(want, rep.Fairness.Awarded); diff != "" {
		t.Errorf("awarded seats (-want +got):\n%s", diff)
	}
	if rep.Fairness.Seats == 0 || len(rep.Fairness.PerTender) != len(f.tenders) {
		t.Errorf("suggested seats = %d over %d tenders; want them counted beside the awarded ones", rep.Fairness.Seats, len(rep.Fairness.PerTender))
	}
}

// reportOf is the recompute's report of run, as the run returned it.
func reportOf(t *testing.T, run jobs.Run) Report {
	t.Helper()
	rep, ok := run.Report.Details.(Report)
	if !ok {
		t.Fatalf("run %d's report details = %T, want a recompute.Report", run.ID, run.Report.Details)
	}
	return rep
}
