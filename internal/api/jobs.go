package api

import (
	"context"
	"math"
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"samenspel/internal/auth"
	"samenspel/internal/jobs"
	"samenspel/internal/profiles"
)

// JobStore is what GET /v1/jobs reads; *store.Store implements it.
type JobStore interface {
	Runs(ctx context.Context, limit int) ([]jobs.Run, error)
	GetRun(ctx context.Context, id int64) (jobs.Run, error)
}

// maxListOffset bounds offset on the lists read newest first (runs,
// notifications): a page is read with everything before it.
const maxListOffset = 10000

// runView is a job run as the API shows it. Report is only in GET /v1/jobs/{id}.
type runView struct {
	ID      int64      `json:"id"`
	Job     string     `json:"job"`
	Replica string     `json:"replica"`
	Started time.Time  `json:"started"`
	Ended   *time.Time `json:"ended,omitempty"`
	// Heartbeat is the run's last sign of life while it ran (its replica renewed
	// the job's lock); absent when there was none.
	Heartbeat *time.Time `json:"heartbeat,omitempty"`
	Status    string     `json:"status"`
	// Done, Skipped and Failed count the run's items (tenders for recompute).
	Done    int `json:"done"`
	Skipped int `json:"skipped"`
	Failed  int `json:"failed"`
	// DurationSeconds is from start to end, to the millisecond; absent while
	// running.
	DurationSeconds *float64     `json:"duration_seconds,omitempty"`
	Report          *jobs.Report `json:"report,omitempty"`
}

func runViewOf(r jobs.Run, withReport bool) runView {
	v := runView{ID: r.ID, Job: r.Job, Replica: r.Replica, Started: r.Started.UTC(), Status: r.Status,
		Done: r.Done, Skipped: r.Skipped, Failed: r.Failed}
	if !r.Heartbeat.IsZero() {
		heartbeat := r.Heartbeat.UTC()
		v.Heartbeat = &heartbeat
	}
	if !r.Ended.IsZero() {
		ended := r.Ended.UTC()
		secs := math.Round(r.Ended.Sub(r.Started).Seconds()*1000) / 1000
		v.Ended, v.DurationSeconds = &ended, &secs
	}
	if withReport {
		v.Report = &r.Report
	}
	return v
}

// mayReadJobs: admins and tender owners see the runs of the nightly jobs (they
// hold no private fields: counts, replicas and the fairness of the suggestions).
func mayReadJobs(pr principal) error {
	switch pr.Role {
	case "":
		return errUnauthorized
	case auth.RoleAdmin, auth.RoleTenderOwner:
		return nil
	default:
		return errForbidden
	}
}

// page reads limit and offset as the other lists do (limit 1 to 100, default
// 20), with offset at most maxListOffset; invalid values are 422.
func page(c *gin.Context) (limit, offset int, err error) {
	var errs []profiles.FieldError
	if limit, err = intParam(c, "limit", profiles.DefaultLimit, 1, profiles.MaxLimit); err != nil {
		errs = append(errs, profiles.FieldError{Field: "limit", Message: err.Error()})
	}
	if offset, err = intParam(c, "offset", 0, 0, maxListOffset); err != nil {
		errs = append(errs, profiles.FieldError{Field: "offset", Message: err.Error()})
	}
	if len(errs) > 0 {
		return 0, 0, &profiles.ValidationError{Errors: errs}
	}
	return limit, offset, nil
}

// window is xs[offset:offset+limit], clamped.
func window[T any](xs []T, limit, offset int) []T {
	if offset >= len(xs) {
		return []T{}
	}
	return xs[offset:min(len(xs), offset+limit)]
}

// listRuns is GET /v1/jobs: the recent runs of every job and replica, newest
// first.
func (h *handlers) listRuns(c *gin.Context) {
	if err := mayReadJobs(who(c)); err != nil {
		fail(c, err)
		return
	}
	limit, offset, err := page(c)
	if err != nil {
		fail(c, err)
		return
	}
	if h.d.Jobs == nil {
		fail(c, errUnavailable)
		return
	}
	runs, err := h.d.Jobs.Runs(c.Request.Context(), offset+limit)
	if err != nil {
		fail(c, err)
		return
	}
	runs = window(runs, limit, offset)
	out := make([]runView, len(runs))
	for i, r := range runs {
		out[i] = runViewOf(r, false)
	}
	c.JSON(http.StatusOK, gin.H{"runs": out})
}

// getRun is GET /v1/jobs/{id}: one run with its report (for a recompute, the share
// of suggested seats that went to small and new providers, overall and per
// tender).
func (h *handlers) getRun(c *gin.Context) {
	if err := mayReadJobs(who(c)); err != nil {
		fail(c, err)
		return
	}
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id < 1 {
		fail(c, badParam("the run id is not one", "id", "must be a whole number from 1"))
		return
	}
	if h.d.Jobs == nil {
		fail(c, errUnavailable)
		return
	}
	r, err := h.d.Jobs.GetRun(c.Request.Context(), id)
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, runViewOf(r, true))
}
