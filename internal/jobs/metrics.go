package jobs

import (
	"github.com/prometheus/client_golang/prometheus"
)

// metrics are the scheduler's figures for /metrics: the same as GET /v1/jobs shows
// per run, summed up for alerts (no successful recompute for a day, runs failing).
type metrics struct {
	runs        *prometheus.CounterVec
	duration    *prometheus.HistogramVec
	lastSuccess *prometheus.GaugeVec
	items       *prometheus.GaugeVec
}

func newMetrics() *metrics {
	return &metrics{
		runs: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "samenspel_job_runs_total",
			Help: "Runs of the scheduled jobs by this replica, by job and status (done, failed, or skipped: another replica ran the slot, or the previous run still ran).",
		}, []string{"job", "status"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "samenspel_job_duration_seconds",
			Help:    "Time taken by the runs of the scheduled jobs that this replica ran (done or failed), by job.",
			Buckets: prometheus.ExponentialBuckets(0.1, 4, 9), // 0.1 s to about 2 h
		}, []string{"job"}),
		lastSuccess: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "samenspel_job_last_success_timestamp_seconds",
			Help: "When this replica last finished a run of the job with status done (Unix time).",
		}, []string{"job"}),
		items: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "samenspel_job_tenders",
			Help: "Items of this replica's last run of the job (tenders for the recompute, profiles or notifications for the others), by result: done, skipped (unchanged) or failed.",
		}, []string{"job", "result"}),
	}
}

// known shows job's figures at 0 from the start, so that rates and alerts work
// before its first run.
func (m *metrics) known(job string) {
	for _, status := range []string{RunDone, RunFailed, RunSkipped} {
		m.runs.WithLabelValues(job, status)
	}
	for _, result := range []string{"done", "skipped", "failed"} {
		m.items.WithLabelValues(job, result)
	}
}

// observe counts a finished run or a skip.
func (m *metrics) observe(r Run) {
	m.runs.WithLabelValues(r.Job, r.Status).Inc()
	if r.Status == RunSkipped {
		return
	}
	m.duration.WithLabelValues(r.Job).Observe(r.Ended.Sub(r.Started).Seconds())
	m.items.WithLabelValues(r.Job, "done").Set(float64(r.Done))
	m.items.WithLabelValues(r.Job, "skipped").Set(float64(r.Skipped))
	m.items.WithLabelValues(r.Job, "failed").Set(float64(r.Failed))
	if r.Status == RunDone {
		m.lastSuccess.WithLabelValues(r.Job).Set(float64(r.Ended.UnixNano()) / 1e9)
	}
}

func (m *metrics) collectors() []prometheus.Collector {
	return []prometheus.Collector{m.runs, m.duration, m.lastSuccess, m.items}
}
