// Package jobs is the scheduler inside `matcher serve`: it runs the periodic work of
// the service (the nightly recompute of every open tender's suggestions, the weekly
// marking of stale profiles, the partners' notification digest) on cron schedules
// in one time zone (Europe/Amsterdam by default; the zone database is compiled in).
//
// It owns when a job runs and who runs it, not what the job does: the jobs are
// functions that the matcher builds from internal/recompute and the store and hands
// in. It owns
//   - the schedule (robfig/cron, seconds optional), with a chain that recovers
//     panics and skips a slot whose previous run still runs instead of queueing it;
//   - one run per slot across replicas: each run takes the job's lock (Redis, SET NX
//     PX with a token, renewed every third of its time to live while the job runs,
//     released only by its holder; without Redis a lease in the store, which also
//     keeps `matcher recompute` apart from the server, or an in-process lock), and a
//     replica that finds the lock taken, or the slot already run, records a skip;
//   - the record of every run and skip in the store (job_runs), whose run id is the
//     fencing token the job writes with, so a replica frozen past its lock's life
//     cannot overwrite a newer run's result; a heartbeat of each running run after
//     every renewal of its lock; and the closing, as failed, of the runs left
//     running by a replica that stopped, by the next holder of the job's lock
//     (before each run, and at Start when the lock is free), ended at their last
//     heartbeat;
//   - the figures of the runs for /metrics (Collectors), which the matcher registers;
//   - a shutdown that waits for the running job (Stop returns a context).
//
// It must never let a job's panic or error stop the process or the next slot; never
// run a job without holding its lock; never release or renew a lock it no longer
// holds; never let a run whose lock was lost go on unaware (its context is
// cancelled); never register metrics globally or start goroutines that Stop does not
// wait for; and never decide anything about tenders, profiles or partners.
package jobs
