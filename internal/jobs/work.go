package jobs

import (
	"context"
	"encoding/json"
	"time"
)

// The shared work of a run. A run whose items several replicas may share (the
// recompute's tenders) lists them in its store (WorkStore.AddWork) when it starts.
// Its own workers, and any replica that helps it (Job.Help), then claim a few items
// at a time (ClaimWork), each claim for a while (its time to live), and finish them
// with their results (FinishWork). An item whose claim ran out before it was
// finished (its replica stopped, or froze) is claimed again by whoever asks next,
// and only the replica holding an item's claim can finish it. No item of a run is
// claimed once the run has ended. The run's replica, once every item is finished,
// reads their results (WorkResults) and writes its report from them; the items of
// a run are dropped when a later run lists its own.
//
// The list is in the store, not in the job's lock, so that it works wherever the
// runs are recorded: on PostgreSQL across hosts, on the embedded store between
// `matcher serve` and a `matcher recompute` beside it.

// Item is a finished item of a run's shared work: its key, the replica that
// finished it, and its result as the job wrote it (a JSON value).
type Item struct {
	Key     string
	Replica string
	Result  json.RawMessage
}

// WorkStore keeps the shared work of runs (both stores implement it).
type WorkStore interface {
	// AddWork lists keys (distinct, in the order they are to be claimed) as the
	// work of run, which must be running, and drops the work of every run that is
	// not. Listing a run's work twice is an error.
	AddWork(ctx context.Context, run int64, keys []string) error
	// ClaimWork claims for replica up to n unfinished items of run that no one
	// holds a claim on at now (never claimed, or claimed until before now), in their
	// order, until now+ttl, and returns their keys; none when the run is not running
	// or nothing is left to claim.
	ClaimWork(ctx context.Context, run int64, replica string, n int, now time.Time, ttl time.Duration) ([]string, error)
	// FinishWork records the results of items of run that replica holds the claim
	// of (Item.Replica is ignored); an item whose claim another replica has since
	// taken, or that is finished, is left as it is. It returns how many items of
	// run are left unfinished.
	FinishWork(ctx context.Context, run int64, replica string, items []Item) (left int, err error)
	// WorkLeft is how many items of run are unfinished.
	WorkLeft(ctx context.Context, run int64) (int, error)
	// WorkResults are the finished items of run, in their order.
	WorkResults(ctx context.Context, run int64) ([]Item, error)
}

// DefaultClaimTTL is how long a claim on shared work lasts: longer than a few
// items take (each is bounded work), short enough that the items of a replica
// that stopped are taken up again within the run.
const DefaultClaimTTL = 2 * time.Minute
