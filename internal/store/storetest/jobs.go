package storetest

import (
	"context"
	"encoding/json"
	"errors"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"samenspel/internal/jobs"
)

// JobStore is what the job-run suite uses of a store: the runs of the scheduled
// jobs (store.Run).
type JobStore interface {
	StartRun(ctx context.Context, job, replica string, now time.Time) (jobs.Run, error)
	Beat(ctx context.Context, id int64, now time.Time) error
	AbandonRuns(ctx context.Context, job string, now time.Time) ([]int64, error)
	FinishRun(ctx context.Context, r jobs.Run) error
	RecordSkip(ctx context.Context, job, replica string, now time.Time, why string) (jobs.Run, error)
	RecordFailure(ctx context.Context, job, replica string, now, ended time.Time, msg string) (jobs.Run, error)
	Runs(ctx context.Context, limit int) ([]jobs.Run, error)
	GetRun(ctx context.Context, id int64) (jobs.Run, error)
	LastRun(ctx context.Context, job string) (jobs.Run, error)
	jobs.WorkStore
}

// JobSubject is one empty store under the job-run suite: Store, Other a second
// store over the same data (another replica), and SetReport, which writes the
// stored report of run id behind the store's back (no method changes the report
// of a running run; a run left running by an older program may have one).
type JobSubject struct {
	Store     JobStore
	Other     JobStore
	SetReport func(ctx context.Context, id int64, report string) error
}

// Jobs is the shared suite of the job runs: a run is started, beats, finishes
// once; skips and failures are recorded whole; ids grow across replicas (a run's
// id fences its writes); the runs a dead replica left running are abandoned; a
// run's shared work (jobs.WorkStore) is claimed by one replica at a time, taken
// up again when a claim runs out, and closed when the run ends.
// open is called once per subtest and must return an empty store.
func Jobs(t *testing.T, open func(t *testing.T) JobSubject) {
	t.Run("Runs", func(t *testing.T) { runs(t, open(t).Store) })
	t.Run("RecordFailure", func(t *testing.T) { recordFailure(t, open(t).Store) })
	t.Run("FinishRunRefuses", func(t *testing.T) { finishRunRefuses(t, open(t).Store) })
	t.Run("RunIDsGrowAcrossReplicas", func(t *testing.T) { s := open(t); runIDsGrowAcrossReplicas(t, s.Store, s.Other) })
	t.Run("Beat", func(t *testing.T) { beat(t, open(t).Store) })
	t.Run("AbandonRuns", func(t *testing.T) { abandonRuns(t, open(t)) })
	t.Run("Work", func(t *testing.T) { work(t, open(t).Store) })
	t.Run("WorkClaimsRunOut", func(t *testing.T) { workClaimsRunOut(t, open(t).Store) })
	t.Run("WorkOfEndedRuns", func(t *testing.T) { workOfEndedRuns(t, open(t).Store) })
	t.Run("WorkAcrossReplicas", func(t *testing.T) { s := open(t); workAcrossReplicas(t, s.Store, s.Other) })
}

func runs(t *testing.T, s JobStore) {
	ctx := context.Background()
	t0 := time.Date(2026, 11, 26, 2, 30, 0, 0, time.UTC)

	if _, err := s.LastRun(ctx, "recompute"); !errors.Is(err, jobs.ErrNotFound) {
		t.Errorf("LastRun(recompute) before any run = %v, want ErrNotFound", err)
	}
	started, err := s.StartRun(ctx, "recompute", "matcher-1", t0)
	if err != nil {
		t.Fatal(err)
	}
	want := jobs.Run{ID: started.ID, Job: "recompute", Replica: "matcher-1", Started: t0, Status: jobs.RunRunning}
	if diff := cmp.Diff(want, started); diff != "" {
		t.Errorf("StartRun() mismatch (-want +got):\n%s", diff)
	}
	if got, err := s.GetRun(ctx, started.ID); err != nil || !cmp.Equal(got, want) {
		t.Errorf("GetRun(%d) = %+v, %v; want %+v", started.ID, got, err, want)
	}

	skip, err := s.RecordSkip(ctx, "recompute", "matcher-2", t0.Add(time.Millisecond), "another replica runs this slot")
	if err != nil {
		t.Fatal(err)
	}
	if skip.ID <= started.ID || skip.Status != jobs.RunSkipped || !skip.Ended.Equal(skip.Started) {
		t.Errorf("RecordSkip() = %+v; want a later id, status skipped, ended when started", skip)
	}
	if skip.Report.Reason != "another replica runs this slot" || skip.Report.Details != nil {
		t.Errorf("RecordSkip() report = %s, want the reason", reportJSON(skip))
	}

	finished := started
	finished.Ended = t0.Add(90 * time.Second)
	finished.Status = jobs.RunDone
	finished.Done, finished.Skipped, finished.Failed = 5, 2, 1
	finished.Report = jobs.Report{Details: json.RawMessage(`{"tenders":["a","b"]}`)}
	if err := s.FinishRun(ctx, finished); err != nil {
		t.Fatal(err)
	}
	if got, err := s.GetRun(ctx, started.ID); err != nil || !cmp.Equal(got, finished) {
		t.Errorf("GetRun(%d) after FinishRun = %+v, %v; want %+v", started.ID, got, err, finished)
	}
	// A skip is not a run of the slot: LastRun passes over it.
	if got, err := s.LastRun(ctx, "recompute"); err != nil || got.ID != started.ID {
		t.Errorf("LastRun(recompute) = %+v, %v; want run %d", got, err, started.ID)
	}

	runs, err := s.Runs(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]jobs.Run{skip, finished}, runs); diff != "" {
		t.Errorf("Runs(0) mismatch, want newest first (-want +got):\n%s", diff)
	}
	if runs, err := s.Runs(ctx, 1); err != nil || len(runs) != 1 || runs[0].ID != skip.ID {
		t.Errorf("Runs(1) = %+v, %v; want the skip only", runs, err)
	}
	if _, err := s.GetRun(ctx, 999); !errors.Is(err, jobs.ErrNotFound) {
		t.Errorf("GetRun(999) = %v, want ErrNotFound", err)
	}
}

// A slot that could not run is recorded failed in one write, with its reason.
func recordFailure(t *testing.T, s JobStore) {
	ctx := context.Background()
	t0 := time.Date(2026, 11, 26, 2, 30, 0, 0, time.UTC)
	r, err := s.RecordFailure(ctx, "recompute", "matcher-2", t0, t0.Add(time.Second), "redis: connection refused")
	if err != nil {
		t.Fatal(err)
	}
	got, err := s.GetRun(ctx, r.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != jobs.RunFailed || got.Job != "recompute" || got.Replica != "matcher-2" ||
		!got.Started.Equal(t0) || !got.Ended.Equal(t0.Add(time.Second)) || got.Report.Error != "redis: connection refused" || got.Report.Details != nil {
		t.Errorf("GetRun(%d) = %+v (report %s); want failed, matcher-2, started t0, ended a second later, the reason", r.ID, got, reportJSON(got))
	}
	// Never running, so the next holder of the lock has nothing to abandon.
	if ids, err := s.AbandonRuns(ctx, "recompute", t0.Add(time.Hour)); err != nil || len(ids) != 0 {
		t.Errorf("AbandonRuns after a recorded failure = %v, %v; want none", ids, err)
	}
	if _, err := s.RecordFailure(ctx, "", "matcher-2", t0, t0, "x"); err == nil {
		t.Error("RecordFailure with no job = nil, want an error")
	}
}

func finishRunRefuses(t *testing.T, s JobStore) {
	ctx := context.Background()
	t0 := time.Date(2026, 11, 26, 2, 30, 0, 0, time.UTC)
	r, err := s.StartRun(ctx, "stale", "matcher-1", t0)
	if err != nil {
		t.Fatal(err)
	}
	done := r
	done.Status, done.Ended = jobs.RunDone, t0.Add(time.Second)
	skip, err := s.RecordSkip(ctx, "stale", "matcher-2", t0, "another replica runs this slot")
	if err != nil {
		t.Fatal(err)
	}
	skipDone := skip
	skipDone.Status, skipDone.Ended = jobs.RunDone, t0.Add(time.Second)

	tests := []struct {
		name     string
		run      jobs.Run
		notFound bool
	}{
		{name: "still running", run: withStatus(done, jobs.RunRunning)},
		{name: "finished as skipped", run: withStatus(done, jobs.RunSkipped)},
		{name: "no end time", run: jobs.Run{ID: r.ID, Status: jobs.RunDone}},
		{name: "report not an object", run: withReport(done, `[1]`)},
		{name: "report not JSON", run: withReport(done, `{"a":`)},
		{name: "a skip", run: skipDone},
		{name: "no such run", run: withID(done, 999), notFound: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := s.FinishRun(ctx, tt.run)
			if err == nil || errors.Is(err, jobs.ErrNotFound) != tt.notFound {
				t.Errorf("FinishRun(%+v) = %v; want an error (not found: %t)", tt.run, err, tt.notFound)
			}
		})
	}
	if err := s.FinishRun(ctx, done); err != nil {
		t.Fatalf("FinishRun(done) = %v", err)
	}
	again := withStatus(done, jobs.RunFailed)
	if err := s.FinishRun(ctx, again); err == nil {
		t.Error("FinishRun of a finished run succeeded; a run's result is written once")
	}
	if got, err := s.GetRun(ctx, r.ID); err != nil || got.Status != jobs.RunDone {
		t.Errorf("GetRun(%d) = %+v, %v; want it done", r.ID, got, err)
	}
	if _, err := s.StartRun(ctx, "", "matcher-1", t0); err == nil {
		t.Error("StartRun without a job succeeded")
	}
}

// beat: a running run's heartbeat is set and moves on; a run that is not
// running, or does not exist, is refused.
func beat(t *testing.T, s JobStore) {
	ctx := context.Background()
	t0 := time.Date(2026, 11, 26, 2, 30, 0, 0, time.UTC)
	r, err := s.StartRun(ctx, "recompute", "matcher-1", t0)
	if err != nil {
		t.Fatal(err)
	}
	for _, at := range []time.Time{t0.Add(20 * time.Second), t0.Add(40 * time.Second)} {
		if err := s.Beat(ctx, r.ID, at); err != nil {
			t.Fatalf("Beat(%d, %v) = %v", r.ID, at, err)
		}
		if got, err := s.GetRun(ctx, r.ID); err != nil || !got.Heartbeat.Equal(at) || got.Status != jobs.RunRunning {
			t.Errorf("GetRun(%d) after Beat(%v) = %+v, %v; want that heartbeat, still running", r.ID, at, got, err)
		}
	}
	if err := s.Beat(ctx, 999, t0); !errors.Is(err, jobs.ErrNotFound) {
		t.Errorf("Beat(999) = %v, want ErrNotFound", err)
	}
	skip, err := s.RecordSkip(ctx, "recompute", "matcher-2", t0, "another replica runs this slot")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Beat(ctx, skip.ID, t0.Add(time.Minute)); err == nil || errors.Is(err, jobs.ErrNotFound) {
		t.Errorf("Beat of a skip = %v, want an error that it is not running", err)
	}
	done := r
	done.Status, done.Ended = jobs.RunDone, t0.Add(time.Minute)
	if err := s.FinishRun(ctx, done); err != nil {
		t.Fatal(err)
	}
	err = s.Beat(ctx, r.ID, t0.Add(2*time.Minute))
	if err == nil || errors.Is(err, jobs.ErrNotFound) || !strings.Contains(err.Error(), "done") {
		t.Errorf("Beat of a finished run = %v, want an error saying it is done", err)
	}
	if got, _ := s.GetRun(ctx, r.ID); !got.Heartbeat.Equal(t0.Add(40*time.Second)) || got.Status != jobs.RunDone {
		t.Errorf("GetRun(%d) after it finished = %+v; want done, its last heartbeat kept", r.ID, got)
	}
}

// runIDsGrowAcrossReplicas: two stores over the same data take run ids from one
// sequence: a later run has a larger id whichever store started it, so the id can
// fence writes.
func runIDsGrowAcrossReplicas(t *testing.T, a, b JobStore) {
	ctx := context.Background()
	t0 := time.Date(2026, 11, 26, 2, 30, 0, 0, time.UTC)
	var last int64
	for i := range 6 {
		s, replica := a, "matcher-1"
		if i%2 == 1 {
			s, replica = b, "matcher-2"
		}
		r, err := s.StartRun(ctx, "recompute", replica, t0.Add(time.Duration(i)*time.Second))
		if err != nil {
			t.Fatal(err)
		}
		if r.ID <= last {
			t.Fatalf("run %d by %s has id %d, not above the previous %d", i, replica, r.ID, last)
		}
		last = r.ID
	}
}

// abandonRuns: the runs of a job left running are closed as failed, ended at
// their last heartbeat or else their start, their report kept with the error
// added; the job's finished runs and skips and the other jobs' runs are left as
// they were.
func abandonRuns(t *testing.T, subject JobSubject) {
	ctx := context.Background()
	s := subject.Store
	t0 := time.Date(2026, 11, 26, 2, 30, 0, 0, time.UTC)
	start := func(job string, at time.Time) jobs.Run {
		t.Helper()
		r, err := s.StartRun(ctx, job, "matcher-1", at)
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	finish := func(r jobs.Run, status string) jobs.Run {
		t.Helper()
		r.Status, r.Ended, r.Done, r.Report = status, r.Started.Add(time.Minute), 4, jobs.Report{Details: json.RawMessage(`{"tenders":4}`)}
		if err := s.FinishRun(ctx, r); err != nil {
			t.Fatal(err)
		}
		return r
	}
	silent := start("recompute", t0) // died before its first heartbeat
	beating := start("recompute", t0.Add(time.Hour))
	if err := s.Beat(ctx, beating.ID, t0.Add(time.Hour+20*time.Second)); err != nil {
		t.Fatal(err)
	}
	// A running run's report is {} as StartRun writes it; give this one a key, to
	// see that it is kept.
	if err := subject.SetReport(ctx, beating.ID, `{"tenders":12}`); err != nil {
		t.Fatal(err)
	}
	done := finish(start("recompute", t0.Add(2*time.Hour)), jobs.RunDone)
	failed := finish(start("recompute", t0.Add(3*time.Hour)), jobs.RunFailed)
	skip, err := s.RecordSkip(ctx, "recompute", "matcher-2", t0.Add(3*time.Hour), "another replica runs this slot")
	if err != nil {
		t.Fatal(err)
	}
	other := start("stale", t0)
	untouched := []int64{done.ID, failed.ID, skip.ID, other.ID}
	before := map[int64]jobs.Run{}
	for _, id := range untouched {
		before[id], _ = s.GetRun(ctx, id)
	}

	now := time.Date(2026, 11, 27, 2, 30, 5, 0, time.UTC)
	ids, err := s.AbandonRuns(ctx, "recompute", now)
	if err != nil {
		t.Fatalf("AbandonRuns(recompute) = %v", err)
	}
	if diff := cmp.Diff([]int64{silent.ID, beating.ID}, ids); diff != "" {
		t.Errorf("AbandonRuns(recompute) ids (-want +got):\n%s", diff)
	}
	for _, tt := range []struct {
		run        jobs.Run
		ended      time.Time
		reportKeys []string
	}{
		{silent, t0, []string{"error"}},
		{beating, t0.Add(time.Hour + 20*time.Second), []string{"error", "tenders"}},
	} {
		got, err := s.GetRun(ctx, tt.run.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Status != jobs.RunFailed || !got.Ended.Equal(tt.ended) {
			t.Errorf("abandoned run %d = %s ended %v; want failed, ended %v", got.ID, got.Status, got.Ended, tt.ended)
		}
		var report map[string]any
		if err := json.Unmarshal(reportJSON(got), &report); err != nil {
			t.Fatalf("report of run %d = %s: %v", got.ID, reportJSON(got), err)
		}
		keys := slices.Sorted(maps.Keys(report))
		msg, _ := report["error"].(string)
		if !slices.Equal(keys, tt.reportKeys) || !strings.HasPrefix(msg, jobs.AbandonedError) || !strings.Contains(msg, "2026-11-27T02:30:05Z") {
			t.Errorf("report of abandoned run %d = %s; want keys %v, the error saying it was abandoned, found at now", got.ID, reportJSON(got), tt.reportKeys)
		}
		if tt.run.ID == beating.ID && report["tenders"] != 12.0 {
			t.Errorf("report of abandoned run %d = %s; want its tenders kept", got.ID, reportJSON(got))
		}
	}
	for _, id := range untouched {
		if got, err := s.GetRun(ctx, id); err != nil || !cmp.Equal(got, before[id]) {
			t.Errorf("run %d after AbandonRuns(recompute) = %+v, %v; want it unchanged, %+v", id, got, err, before[id])
		}
	}
	// The abandoned runs' replica, if only frozen, cannot write them any more.
	if err := s.FinishRun(ctx, withStatus(withID(done, silent.ID), jobs.RunDone)); err == nil || !strings.Contains(err.Error(), "failed") {
		t.Errorf("FinishRun of an abandoned run = %v, want an error saying it failed", err)
	}
	if err := s.Beat(ctx, beating.ID, now); err == nil {
		t.Error("Beat of an abandoned run succeeded")
	}
	if ids, err := s.AbandonRuns(ctx, "recompute", now.Add(time.Minute)); err != nil || len(ids) != 0 {
		t.Errorf("AbandonRuns(recompute) again = %v, %v; want none", ids, err)
	}
	if got, _ := s.GetRun(ctx, silent.ID); !strings.Contains(got.Report.Error, "02:30:05Z") {
		t.Errorf("report after a second AbandonRuns = %s; want the first one's", reportJSON(got))
	}
}

func withStatus(r jobs.Run, status string) jobs.Run { r.Status = status; return r }
func withReport(r jobs.Run, report string) jobs.Run {
	r.Report = jobs.Report{Details: json.RawMessage(report)}
	return r
}

// reportJSON is the run's report as a store writes it.
func reportJSON(r jobs.Run) []byte {
	b, err := json.Marshal(r.Report)
	if err != nil {
		return []byte(err.Error())
	}
	return b
}
func withID(r jobs.Run, id int64) jobs.Run { r.ID = id; return r }
