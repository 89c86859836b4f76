package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"samenspel/internal/jobs"
)

// The runs of the scheduled jobs (store.Run), as the embedded store keeps them:
// every replica records what it did with each slot of each job, a run or a skip.
// A run's id is its fencing token: identity values only grow and are never
// reused, whichever replica takes them.

// StartRun records that replica starts a run of job at now and returns it, with
// its ID and Status jobs.RunRunning.
func (s *Store) StartRun(ctx context.Context, job, replica string, now time.Time) (jobs.Run, error) {
	r := jobs.Run{Job: job, Replica: replica, Started: now, Status: jobs.RunRunning}
	r, err := s.insertRun(ctx, r)
	if err != nil {
		return jobs.Run{}, fmt.Errorf("postgres: start run of %q: %w", job, err)
	}
	return r, nil
}

// Beat records that the running run id was alive at now. jobs.ErrNotFound when
// there is no such run; an error naming its status when it is not running.
func (s *Store) Beat(ctx context.Context, id int64, now time.Time) error {
	err := s.write(ctx, false, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE job_runs SET heartbeat = $1 WHERE id = $2 AND status = $3`,
			formatTime(now), id, jobs.RunRunning)
		if err != nil {
			return err
		}
		return oneRunning(ctx, tx, tag, id)
	})
	if err != nil {
		return fmt.Errorf("postgres: heartbeat of run %d: %w", id, err)
	}
	return nil
}

// AbandonRuns closes the runs of job left running, as the embedded store does
// (store.Store.AbandonRuns): each becomes failed, ended at its heartbeat or else
// its start, its report keeping what it held with "error" set to
// jobs.AbandonedError and the time now; it returns their ids, oldest first, in
// one transaction. Call it only while holding the job's lock.
func (s *Store) AbandonRuns(ctx context.Context, job string, now time.Time) ([]int64, error) {
	var ids []int64
	msg := fmt.Sprintf("%s (found by the next holder of the job's lock at %s)", jobs.AbandonedError, now.UTC().Format(time.RFC3339))
	err := s.write(ctx, false, func(tx pgx.Tx) error {
		ids = nil
		rows, err := tx.Query(ctx, `SELECT id, coalesce(heartbeat, started), report::text FROM job_runs
			WHERE job = $1 AND status = 'running' ORDER BY id FOR UPDATE`, job)
		if err != nil {
			return err
		}
		type abandoned struct {
			id            int64
			ended, report string
		}
		todo, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (abandoned, error) {
			var a abandoned
			err := r.Scan(&a.id, &a.ended, &a.report)
			return a, err
		})
		if err != nil {
			return err
		}
		for _, a := range todo {
			report, err := withReportError(a.report, msg)
			if err != nil {
				return fmt.Errorf("run %d: %w", a.id, err)
			}
			if _, err := tx.Exec(ctx, `UPDATE job_runs SET status = $1, ended = $2, report = $3 WHERE id = $4`,
				jobs.RunFailed, a.ended, report, a.id); err != nil {
				return fmt.Errorf("run %d: %w", a.id, err)
			}
			ids = append(ids, a.id)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("postgres: abandon the runs of %q left running: %w", job, err)
	}
	return ids, nil
}

// withReportError is the stored report with its error set to msg.
func withReportError(report, msg string) (string, error) {
	var r jobs.Report
	if err := json.Unmarshal([]byte(report), &r); err != nil {
		return "", err
	}
	r.Error = msg
	return reportText(r)
}

// FinishRun records the end of the run r.ID: r's Ended, Status (done or failed),
// counts and Report (nil or empty for {}). jobs.ErrNotFound when there is no
// such run; an error when it is not running any more: a result is written once.
func (s *Store) FinishRun(ctx context.Context, r jobs.Run) error {
	err := s.write(ctx, false, func(tx pgx.Tx) error {
		if r.Status != jobs.RunDone && r.Status != jobs.RunFailed {
			return fmt.Errorf("status %q: a run finishes %s or %s", r.Status, jobs.RunDone, jobs.RunFailed)
		}
		if r.Ended.IsZero() {
			return errors.New("no end time")
		}
		report, err := reportText(r.Report)
		if err != nil {
			return err
		}
		tag, err := tx.Exec(ctx, `UPDATE job_runs SET ended = $1, status = $2, done = $3, skipped = $4, failed = $5, report = $6
			WHERE id = $7 AND status = $8`,
			formatTime(r.Ended), r.Status, r.Done, r.Skipped, r.Failed, report, r.ID, jobs.RunRunning)
		if err != nil {
			return err
		}
		return oneRunning(ctx, tx, tag, r.ID)
	})
	if err != nil {
		return fmt.Errorf("postgres: finish run %d: %w", r.ID, err)
	}
	return nil
}

// oneRunning explains an UPDATE of the run id that required it to be running:
// nil when it changed the run, jobs.ErrNotFound when there is no such run, an
// error naming the run's status otherwise.
func oneRunning(ctx context.Context, tx pgx.Tx, tag pgconn.CommandTag, id int64) error {
	if tag.RowsAffected() == 1 {
		return nil
	}
	var status string
	err := tx.QueryRow(ctx, `SELECT status FROM job_runs WHERE id = $1`, id).Scan(&status)
	if err = noRows(err, jobs.ErrNotFound); err != nil {
		return err
	}
	return fmt.Errorf("the run is %s, not %s", status, jobs.RunRunning)
}

// RecordSkip records that replica skipped a slot of job at now, and why, as a
// run with Status jobs.RunSkipped, started and ended at now, whose Report is
// {"reason": why}.
func (s *Store) RecordSkip(ctx context.Context, job, replica string, now time.Time, why string) (jobs.Run, error) {
	return s.insertEnded(ctx, "skip", jobs.Run{Job: job, Replica: replica, Started: now, Ended: now, Status: jobs.RunSkipped, Report: jobs.Report{Reason: why}})
}

// RecordFailure records, in one write, a slot that replica could not run at
// all: a run with Status jobs.RunFailed from now to ended whose Report is
// {"error": msg}; never seen running.
func (s *Store) RecordFailure(ctx context.Context, job, replica string, now, ended time.Time, msg string) (jobs.Run, error) {
	return s.insertEnded(ctx, "failure", jobs.Run{Job: job, Replica: replica, Started: now, Ended: ended, Status: jobs.RunFailed, Report: jobs.Report{Error: msg}})
}

// insertEnded inserts r, a run that ended as it was recorded; what names it in
// an error.
func (s *Store) insertEnded(ctx context.Context, what string, r jobs.Run) (jobs.Run, error) {
	out, err := s.insertRun(ctx, r)
	if err != nil {
		return jobs.Run{}, fmt.Errorf("postgres: record %s of %q: %w", what, r.Job, err)
	}
	return out, nil
}

// insertRun inserts r as a new run and returns it with its id.
func (s *Store) insertRun(ctx context.Context, r jobs.Run) (jobs.Run, error) {
	if r.Job == "" || r.Replica == "" {
		return jobs.Run{}, errors.New("a job and a replica are required")
	}
	report, err := reportText(r.Report)
	if err != nil {
		return jobs.Run{}, err
	}
	r.Started = r.Started.UTC()
	if !r.Ended.IsZero() {
		r.Ended = r.Ended.UTC()
	}
	err = s.pool.QueryRow(ctx, `INSERT INTO job_runs (job, replica, started, ended, status, report)
		VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
		r.Job, r.Replica, formatTime(r.Started), optionalTime(r.Ended), r.Status, report).Scan(&r.ID)
	return r, err
}

// Runs returns the most recent runs of every job and replica, newest first, at
// most limit (jobs.DefaultRunsLimit when limit is not positive).
func (s *Store) Runs(ctx context.Context, limit int) ([]jobs.Run, error) {
	if limit <= 0 {
		limit = jobs.DefaultRunsLimit
	}
	rows, err := s.pool.Query(ctx, `SELECT `+runColumns+` FROM job_runs ORDER BY id DESC LIMIT $1`, limit)
	if err != nil {
		return nil, fmt.Errorf("postgres: runs: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (jobs.Run, error) { return scanRun(r) })
	if err != nil {
		return nil, fmt.Errorf("postgres: runs: %w", err)
	}
	return nonNil(out), nil
}

// GetRun returns the run id; jobs.ErrNotFound when there is none.
func (s *Store) GetRun(ctx context.Context, id int64) (jobs.Run, error) {
	r, err := scanRun(s.pool.QueryRow(ctx, `SELECT `+runColumns+` FROM job_runs WHERE id = $1`, id))
	if err = noRows(err, jobs.ErrNotFound); err != nil {
		return jobs.Run{}, fmt.Errorf("postgres: run %d: %w", id, err)
	}
	return r, nil
}

// LastRun returns the newest run of job by any replica that was not a skip;
// jobs.ErrNotFound when job never ran.
func (s *Store) LastRun(ctx context.Context, job string) (jobs.Run, error) {
	r, err := scanRun(s.pool.QueryRow(ctx, `SELECT `+runColumns+` FROM job_runs
		WHERE job = $1 AND status != $2 ORDER BY id DESC LIMIT 1`, job, jobs.RunSkipped))
	if err = noRows(err, jobs.ErrNotFound); err != nil {
		return jobs.Run{}, fmt.Errorf("postgres: last run of %q: %w", job, err)
	}
	return r, nil
}

const runColumns = `id, job, replica, started, ended, status, done, skipped, failed, report::text, heartbeat`

// scanRun reads a row of runColumns.
func scanRun(row pgx.Row) (jobs.Run, error) {
	var r jobs.Run
	var started, report string
	var ended, heartbeat *string
	if err := row.Scan(&r.ID, &r.Job, &r.Replica, &started, &ended, &r.Status, &r.Done, &r.Skipped, &r.Failed, &report, &heartbeat); err != nil {
		return jobs.Run{}, err
	}
	var err error
	if r.Started, err = parseTime(started); err != nil {
		return jobs.Run{}, err
	}
	if r.Ended, err = parseOptionalTime(ended); err != nil {
		return jobs.Run{}, err
	}
	if r.Heartbeat, err = parseOptionalTime(heartbeat); err != nil {
		return jobs.Run{}, err
	}
	if err := json.Unmarshal([]byte(report), &r.Report); err != nil {
		return jobs.Run{}, err
	}
	return r, nil
}

// reportText is the stored form of a report: a JSON object, {} when empty.
func reportText(r jobs.Report) (string, error) {
	b, err := json.Marshal(r)
	return string(b), err
}
