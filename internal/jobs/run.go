package jobs

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// The record of a run (job_runs in either store). A run's id doubles as its fencing
// token: ids only grow and are never reused, so a later run always has a larger id,
// and a write that carries its run's id can be refused when a later run has already
// written (stored suggestions keep the run that wrote them).

// Statuses of a run.
const (
	// RunRunning is a run that started and has not finished, or whose process
	// died before it could say: the next holder of the job's lock then closes it
	// as RunFailed (RunStore.AbandonRuns).
	RunRunning = "running"
	// RunDone is a run that finished; some of its items may still have failed.
	RunDone = "done"
	// RunFailed is a run that stopped on an error or a panic.
	RunFailed = "failed"
	// RunSkipped is a slot this replica did not run, since another did.
	RunSkipped = "skipped"
)

// DefaultRunsLimit is how many runs a store's Runs returns when its limit is not
// positive.
const DefaultRunsLimit = 50

// AbandonedError is how the "error" in the report of a run starts when the next
// holder of its job's lock closed it
// (RunStore.AbandonRuns): its replica stopped before the run finished.
const AbandonedError = "abandoned: its replica stopped before the run finished"

// ErrNotFound is returned by a run store when there is no such run (or the job
// never ran).
var ErrNotFound = errors.New("jobs: no such run")

// Run is one run of a job by one replica.
type Run struct {
	// ID orders runs: a later run has a larger ID. It is the run's fencing token.
	ID int64
	// Job names the job (recompute, stale, digest).
	Job string
	// Replica names the process that ran it, or skipped it.
	Replica string
	// Started is when the run started; Ended when it finished (zero while running).
	Started, Ended time.Time
	// Heartbeat is the last sign of life of the run while it ran: when its replica
	// last renewed the job's lock (Beat). It is zero when there was none, and kept
	// once the run has finished.
	Heartbeat time.Time
	// Status is RunRunning, RunDone, RunFailed or RunSkipped.
	Status string
	// Done, Skipped and Failed count the items of the run (tenders, profiles,
	// notifications) that were done, skipped as unchanged, or failed.
	Done, Skipped, Failed int
	// Report is whatever else the run tells.
	Report Report
}

// Report is what a run tells besides its counts: the job's own figures and, beside
// them, why the run failed or its slot was skipped. It travels typed from the job
// through the scheduler to the store, which writes it as one JSON object (its
// MarshalJSON): the fields of Details with "error" and "reason" beside them.
type Report struct {
	// Details are the job's own figures: a value whose JSON is an object (such as
	// recompute.Report), or nil for none. A report read back from a store has them
	// as a json.RawMessage, without "error" and "reason".
	Details any
	// Error is why the run failed, or what went wrong beside it; "" when nothing.
	Error string
	// Reason is why the slot was skipped; "" for a run.
	Reason string
}

// MarshalJSON is the report as one JSON object: {} when it is empty. It fails when
// Details is not an object, or names "error" or "reason" itself.
func (r Report) MarshalJSON() ([]byte, error) {
	details := []byte("{}")
	if r.Details != nil {
		b, err := json.Marshal(r.Details)
		if err != nil {
			return nil, fmt.Errorf("jobs: report: %w", err)
		}
		if !bytes.Equal(b, []byte("null")) {
			details = b
		}
	}
	if details[0] != '{' { // json.Marshal's output: an object starts with {
		return nil, fmt.Errorf("jobs: the report's details are not a JSON object: %.80s", details)
	}
	if r.Error == "" && r.Reason == "" {
		return details, nil // as the job wrote it, its fields in its order
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(details, &obj); err != nil {
		return nil, fmt.Errorf("jobs: report: %w", err)
	}
	for key, v := range map[string]string{"error": r.Error, "reason": r.Reason} {
		if _, taken := obj[key]; taken {
			return nil, fmt.Errorf("jobs: the report's details name %q, which the report keeps itself", key)
		}
		if v != "" {
			obj[key], _ = json.Marshal(v)
		}
	}
	return json.Marshal(obj)
}

// UnmarshalJSON reads a stored report: "error" and "reason" into their fields, the
// other keys into Details (a json.RawMessage; nil when there are none).
func (r *Report) UnmarshalJSON(b []byte) error {
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(b, &obj); err != nil || obj == nil {
		return fmt.Errorf("jobs: a report is a JSON object, not %.80s", b)
	}
	*r = Report{}
	taken := false
	for key, field := range map[string]*string{"error": &r.Error, "reason": &r.Reason} {
		raw, ok := obj[key]
		if !ok {
			continue
		}
		if err := json.Unmarshal(raw, field); err != nil {
			return fmt.Errorf("jobs: a report's %q: %w", key, err)
		}
		delete(obj, key)
		taken = true
	}
	switch {
	case len(obj) == 0:
		return nil
	case !taken: // the stored bytes are the details
		r.Details = json.RawMessage(bytes.Clone(bytes.TrimSpace(b)))
		return nil
	}
	details, err := json.Marshal(obj)
	if err != nil {
		return err
	}
	r.Details = json.RawMessage(details)
	return nil
}
