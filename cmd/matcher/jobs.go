package main

import (
	"context"
	"log/slog"
	"time"

	"samenspel/internal/jobs"
	"samenspel/internal/lease"
	"samenspel/internal/profiles"
	"samenspel/internal/recompute"
	"samenspel/internal/settings"
	suggestions "samenspel/internal/suggest"
)

// StaleJobName is the weekly job that marks profiles not updated for 12 months.
const StaleJobName = "stale-profiles"

// jobLockPrefix names the Redis keys of the job locks; `matcher recompute` uses the
// same, so that it and the replicas' schedules keep each other out.
const jobLockPrefix = "samenspel:lock:job:"

// afterRecompute runs after each recompute (the webhook deliveries) and returns
// what it did, for the run's report.
type afterRecompute func(ctx context.Context) (deliveries, error)

// deliveries is what the webhook deliveries after a recompute did.
type deliveries struct {
	Sent   int    `json:"sent"`
	Failed int    `json:"failed"`
	Error  string `json:"error,omitempty"`
}

// recomputeReport is the report of a recompute run of matcher serve: the
// recompute's, and the webhook deliveries after it.
type recomputeReport struct {
	recompute.Report
	Webhooks deliveries `json:"webhooks"`
}

// recomputeSuggestions is what each recompute run computes with. When the
// candidates are read from the embedded store, each run gets a service of its own
// whose candidates come from a snapshot of the profiles taken when it starts
// (recompute.FromSnapshot: read once, not once per tender), putting its answers in
// answers, the API's cache. With Meilisearch configured the API reads the
// candidates from the search index, so a run keeps to svc, the API's service,
// tender by tender: the digests it stores must be those of the inputs the API
// will read.
func recomputeSuggestions(cfg settings.Settings, st source, svc recompute.Suggestions, answers suggestions.Cache, obs suggestions.Observer) recompute.NewSuggestions {
	if cfg.MeiliURL != "" {
		return func(context.Context) (recompute.Suggestions, error) { return svc, nil }
	}
	return recompute.FromSnapshot(st, answers, obs)
}

// newScheduler builds the scheduler of matcher serve: the recompute of every open
// tender (then after, when set) and the weekly stale marking, on the settings'
// schedules, one replica per slot under lock; a replica that finds the
// recompute's lock held helps the run that holds it with its tenders
// (recompute.Help). The recompute computes with
// recomputeSuggestions(cfg, st, svc, answers, obs), on every core but one
// (recompute.WorkersBesideRequests), and before each tender it gives way to the
// requests being answered (inFlight, the API's count; nil: none).
func newScheduler(cfg settings.Settings, st source, svc recompute.Suggestions, answers suggestions.Cache, obs suggestions.Observer, inFlight func() int64, lock lease.Lock, log *slog.Logger, after afterRecompute) (*jobs.Scheduler, error) {
	loc, err := time.LoadLocation(cfg.Timezone)
	if err != nil {
		return nil, err
	}
	sched, err := jobs.New(jobs.Options{Store: st, Lock: lock, Replica: cfg.Replica, Location: loc, Log: log})
	if err != nil {
		return nil, err
	}
	if cfg.RecomputeCron != settings.CronOff {
		newSvc := recomputeSuggestions(cfg, st, svc, answers, obs)
		opts := recompute.Options{Log: log, Workers: recompute.WorkersBesideRequests(), Yield: giveWay(inFlight), Replica: cfg.Replica}
		run := recompute.JobEach(newSvc, st, opts)
		err := sched.Add(jobs.Job{Name: recompute.JobName, Spec: cfg.RecomputeCron, Help: recompute.Help(newSvc, st, opts), Run: func(ctx context.Context, r jobs.Run) (jobs.Run, error) {
			r, err := run(ctx, r)
			if err != nil || after == nil {
				return r, err
			}
			sent, aerr := after(ctx)
			if aerr != nil {
				log.Warn("after the recompute", "err", aerr.Error())
				sent.Error = aerr.Error()
			}
			rep, _ := r.Report.Details.(recompute.Report)
			r.Report.Details = recomputeReport{Report: rep, Webhooks: sent}
			return r, nil
		}})
		if err != nil {
			return nil, err
		}
	}
	if cfg.StaleCron != settings.CronOff {
		err := sched.Add(jobs.Job{Name: StaleJobName, Spec: cfg.StaleCron, Run: func(ctx context.Context, r jobs.Run) (jobs.Run, error) {
			return markStale(ctx, st, r, time.Now().UTC())
		}})
		if err != nil {
			return nil, err
		}
	}
	return sched, nil
}

// giveWay is the recompute's Yield beside the API whose requests in flight
// inFlight counts; nil when there is none.
func giveWay(inFlight func() int64) func(context.Context) {
	if inFlight == nil {
		return nil
	}
	return recompute.GiveWay(inFlight, recompute.DefaultGiveWay)
}

// markStale is the weekly job: profiles not written or confirmed for 12 months
// leave the candidates until their owner confirms them.
func markStale(ctx context.Context, st source, r jobs.Run, now time.Time) (jobs.Run, error) {
	ids, err := st.MarkStale(ctx, profiles.StaleBefore(now), now)
	if err != nil {
		return r, err
	}
	r.Done = len(ids)
	shown := ids[:min(len(ids), maxStaleReported)] // public ids; the count is whole
	r.Report.Details = staleReport{MarkedStale: len(ids), Profiles: shown, Before: profiles.StaleBefore(now)}
	return r, nil
}

// staleReport is the report of a stale run.
type staleReport struct {
	// MarkedStale counts the profiles marked; Profiles names the first
	// maxStaleReported of them (public ids).
	MarkedStale int      `json:"marked_stale"`
	Profiles    []string `json:"profiles"`
	// Before is the time before which a profile not written or confirmed is stale.
	Before time.Time `json:"before"`
}

// maxStaleReported is how many marked profiles a stale run's report names.
const maxStaleReported = 1000
