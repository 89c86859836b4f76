package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"samenspel/internal/jobs"
	"time"
)

// The runs of the scheduled jobs (internal/jobs): the nightly recompute, the weekly
// stale marking, the notification digest. Every replica records what it did with
// each slot of each job, a run or a skip, so that GET /v1/jobs shows the recent
// runs of the whole service and an operator sees which replica did the work.
//
// A run's id doubles as its fencing token: ids only grow and are never reused
// (SQLite AUTOINCREMENT, in whatever process the run started), so a later run always
// has a larger id, and a write that carries its run's id can be refused when a later
// run has already written (stored suggestions keep the run that wrote them).

// StartRun records that replica starts a run of job at now and returns it, with its
// ID and Status jobs.RunRunning.
func (s *Store) StartRun(ctx context.Context, job, replica string, now time.Time) (jobs.Run, error) {
	r := jobs.Run{Job: job, Replica: replica, Started: now, Status: jobs.RunRunning}
	r, err := s.insertRun(ctx, r)
	if err != nil {
		return jobs.Run{}, fmt.Errorf("store: start run of %q: %w", job, err)
	}
	return r, nil
}

// Beat records that the running run id was alive at now: its replica has just
// renewed the job's lock. It returns jobs.ErrNotFound when there is no such run, and an
// error when the run is not running (it finished, or the next holder of the lock
// abandoned it).
func (s *Store) Beat(ctx context.Context, id int64, now time.Time) error {
	err := s.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE job_runs SET heartbeat = ? WHERE id = ? AND status = ?`,
			formatTime(now), id, jobs.RunRunning)
		if err != nil {
			return err
		}
		return oneRunning(ctx, tx, res, id)
	})
	if err != nil {
		return fmt.Errorf("store: heartbeat of run %d: %w", id, err)
	}
	return nil
}

// AbandonRuns closes the runs of job left running by a replica that stopped (it
// died, or froze past its lock's time to live): each becomes jobs.RunFailed, ended at
// its Heartbeat (or when it started, when it has none), its report keeping what it
// held with "error" set to jobs.AbandonedError and the time now at which it was found.
// It returns their ids, oldest first, and changes nothing when one cannot be
// changed (one transaction).
//
// Call it only while holding the job's lock (internal/jobs), before starting a
// run. No live run of the job can exist then: a live run keeps the lock renewed,
// so the lock would not be free; a run whose replica froze has lost the lock, its
// late writes are fenced by its run id, and its own FinishRun then fails, since
// its run is no longer running.
func (s *Store) AbandonRuns(ctx context.Context, job string, now time.Time) ([]int64, error) {
	var ids []int64
	msg := fmt.Sprintf("%s (found by the next holder of the job's lock at %s)", jobs.AbandonedError, now.UTC().Format(time.RFC3339))
	err := s.write(ctx, func(tx *sql.Tx) error {
		// The literal status lets SQLite use the partial index job_runs_running.
		rows, err := tx.QueryContext(ctx, `SELECT id, started, heartbeat, report FROM job_runs
			WHERE job = ? AND status = 'running' ORDER BY id`, job)
		if err != nil {
			return err
		}
		type abandoned struct {
			id            int64
			ended, report string
		}
		var todo []abandoned
		for rows.Next() {
			var a abandoned
			var started, heartbeat, report string
			if err := rows.Scan(&a.id, &started, &heartbeat, &report); err != nil {
				rows.Close()
				return err
			}
			a.ended = started
			if heartbeat != "" {
				a.ended = heartbeat
			}
			if a.report, err = withReportError(report, msg); err != nil {
				rows.Close()
				return fmt.Errorf("run %d: %w", a.id, err)
			}
			todo = append(todo, a)
		}
		if err := errors.Join(rows.Err(), rows.Close()); err != nil {
			return err
		}
		for _, a := range todo {
			if _, err := tx.ExecContext(ctx, `UPDATE job_runs SET status = ?, ended = ?, report = ? WHERE id = ?`,
				jobs.RunFailed, a.ended, a.report, a.id); err != nil {
				return fmt.Errorf("run %d: %w", a.id, err)
			}
			ids = append(ids, a.id)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: abandon the runs of %q left running: %w", job, err)
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

// FinishRun records the end of the run r.ID: r's Ended, Status (jobs.RunDone or
// jobs.RunFailed), counts and Report (nil or empty for {}). It returns jobs.ErrNotFound when
// there is no such run, and an error when the run is not running any more: a
// run's result is written once.
func (s *Store) FinishRun(ctx context.Context, r jobs.Run) error {
	err := s.write(ctx, func(tx *sql.Tx) error {
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
		res, err := tx.ExecContext(ctx, `UPDATE job_runs SET ended = ?, status = ?, done = ?, skipped = ?, failed = ?, report = ?
			WHERE id = ? AND status = ?`,
			formatTime(r.Ended), r.Status, r.Done, r.Skipped, r.Failed, report, r.ID, jobs.RunRunning)
		if err != nil {
			return err
		}
		return oneRunning(ctx, tx, res, r.ID)
	})
	if err != nil {
		return fmt.Errorf("store: finish run %d: %w", r.ID, err)
	}
	return nil
}

// oneRunning explains an UPDATE of the run id that required it to be running: nil
// when it changed the run, jobs.ErrNotFound when there is no such run, and an error
// naming the run's status otherwise.
func oneRunning(ctx context.Context, tx *sql.Tx, res sql.Result, id int64) error {
	if n, err := res.RowsAffected(); err != nil || n == 1 {
		return err
	}
	var status string
	err := tx.QueryRowContext(ctx, `SELECT status FROM job_runs WHERE id = ?`, id).Scan(&status)
	if errors.Is(err, sql.ErrNoRows) {
		return jobs.ErrNotFound
	}
	if err != nil {
		return err
	}
	return fmt.Errorf("the run is %s, not %s", status, jobs.RunRunning)
}

// RecordSkip records that replica skipped a slot of job at now, and why (another
// replica runs it), as a run with Status jobs.RunSkipped that started and ended at now and
// whose Report is {"reason": why}.
func (s *Store) RecordSkip(ctx context.Context, job, replica string, now time.Time, why string) (jobs.Run, error) {
	return s.insertEnded(ctx, "skip", jobs.Run{Job: job, Replica: replica, Started: now, Ended: now, Status: jobs.RunSkipped, Report: jobs.Report{Reason: why}})
}

// RecordFailure records, in one write, a slot that replica could not run at all (it
// could not take the job's lock): a run with Status jobs.RunFailed that started at now
// and ended at ended, whose Report is {"error": msg}. Being written whole, it is
// never seen running, so a holder of the job's lock never takes it for a run left
// running (AbandonRuns).
func (s *Store) RecordFailure(ctx context.Context, job, replica string, now, ended time.Time, msg string) (jobs.Run, error) {
	return s.insertEnded(ctx, "failure", jobs.Run{Job: job, Replica: replica, Started: now, Ended: ended, Status: jobs.RunFailed, Report: jobs.Report{Error: msg}})
}

// insertEnded inserts r, a run that ended as it was recorded (a skip, a failure);
// what names it in an error.
func (s *Store) insertEnded(ctx context.Context, what string, r jobs.Run) (jobs.Run, error) {
	out, err := s.insertRun(ctx, r)
	if err != nil {
		return jobs.Run{}, fmt.Errorf("store: record %s of %q: %w", what, r.Job, err)
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
	ended := ""
	if !r.Ended.IsZero() {
		r.Ended = r.Ended.UTC()
		ended = formatTime(r.Ended)
	}
	err = s.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO job_runs (job, replica, started, ended, status, report) VALUES (?, ?, ?, ?, ?, ?)`,
			r.Job, r.Replica, formatTime(r.Started), ended, r.Status, report)
		if err != nil {
			return err
		}
		r.ID, err = res.LastInsertId()
		return err
	})
	return r, err
}

// Runs returns the most recent runs of every job and replica, newest first, at most
// limit of them (jobs.DefaultRunsLimit when limit is not positive).
func (s *Store) Runs(ctx context.Context, limit int) ([]jobs.Run, error) {
	if limit <= 0 {
		limit = jobs.DefaultRunsLimit
	}
	rows, err := s.reader.QueryContext(ctx, `SELECT `+runColumns+` FROM job_runs ORDER BY id DESC LIMIT ?`, limit)
	if err != nil {
		return nil, fmt.Errorf("store: runs: %w", err)
	}
	defer rows.Close()
	out := []jobs.Run{}
	for rows.Next() {
		r, err := scanRun(rows)
		if err != nil {
			return nil, fmt.Errorf("store: runs: %w", err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: runs: %w", err)
	}
	return out, nil
}

// GetRun returns the run id. It returns jobs.ErrNotFound when there is none.
func (s *Store) GetRun(ctx context.Context, id int64) (jobs.Run, error) {
	r, err := scanRun(s.reader.QueryRowContext(ctx, `SELECT `+runColumns+` FROM job_runs WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		err = jobs.ErrNotFound
	}
	if err != nil {
		return jobs.Run{}, fmt.Errorf("store: run %d: %w", id, err)
	}
	return r, nil
}

// LastRun returns the newest run of job by any replica that was not a skip: the
// scheduler asks it, holding the job's lock, whether a slot already ran. It
// returns jobs.ErrNotFound when job never ran.
func (s *Store) LastRun(ctx context.Context, job string) (jobs.Run, error) {
	r, err := scanRun(s.reader.QueryRowContext(ctx, `SELECT `+runColumns+` FROM job_runs
		WHERE job = ? AND status != ? ORDER BY id DESC LIMIT 1`, job, jobs.RunSkipped))
	if errors.Is(err, sql.ErrNoRows) {
		err = jobs.ErrNotFound
	}
	if err != nil {
		return jobs.Run{}, fmt.Errorf("store: last run of %q: %w", job, err)
	}
	return r, nil
}

const runColumns = `id, job, replica, started, ended, status, done, skipped, failed, report, heartbeat`

// scanRun reads a row of runColumns.
func scanRun(row interface{ Scan(...any) error }) (jobs.Run, error) {
	var r jobs.Run
	var started, ended, report, heartbeat string
	if err := row.Scan(&r.ID, &r.Job, &r.Replica, &started, &ended, &r.Status, &r.Done, &r.Skipped, &r.Failed, &report, &heartbeat); err != nil {
		return jobs.Run{}, err
	}
	var err error
	if r.Started, err = parseTime(started); err != nil {
		return jobs.Run{}, err
	}
	if ended != "" {
		if r.Ended, err = parseTime(ended); err != nil {
			return jobs.Run{}, err
		}
	}
	if heartbeat != "" {
		if r.Heartbeat, err = parseTime(heartbeat); err != nil {
			return jobs.Run{}, err
		}
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
