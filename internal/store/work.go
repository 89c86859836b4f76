package store

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"samenspel/internal/jobs"
)

// The shared work of the runs (jobs.WorkStore): the items a run lists, claimed a
// few at a time by its replica and by those that help it. Every claim and finish is
// one write transaction, so two processes on one store never hold the same item
// at once.

// AddWork lists keys as the work of the running run and drops the work of runs
// that are not running.
func (s *Store) AddWork(ctx context.Context, run int64, keys []string) error {
	err := s.write(ctx, func(tx *sql.Tx) error {
		var status string
		if err := tx.QueryRowContext(ctx, `SELECT status FROM job_runs WHERE id = ?`, run).Scan(&status); err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				return jobs.ErrNotFound
			}
			return err
		}
		if status != jobs.RunRunning {
			return fmt.Errorf("run %d is %s, not running", run, status)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM run_work WHERE run NOT IN
			(SELECT id FROM job_runs WHERE status = ?)`, jobs.RunRunning); err != nil {
			return err
		}
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM run_work WHERE run = ?`, run).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return fmt.Errorf("run %d has its work listed already", run)
		}
		stmt, err := tx.PrepareContext(ctx, `INSERT INTO run_work (run, position, key) VALUES (?, ?, ?)`)
		if err != nil {
			return err
		}
		defer stmt.Close()
		for i, k := range keys {
			if _, err := stmt.ExecContext(ctx, run, i, k); err != nil {
				return constraint(err)
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("store: list the work of run %d: %w", run, err)
	}
	return nil
}

// ClaimWork claims up to n unclaimed items of the running run for replica.
func (s *Store) ClaimWork(ctx context.Context, run int64, replica string, n int, now time.Time, ttl time.Duration) ([]string, error) {
	var keys []string
	err := s.write(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `UPDATE run_work SET claimed_by = ?, claimed_until = ?
			WHERE run = ? AND position IN (
				SELECT position FROM run_work
				WHERE run = ? AND result IS NULL AND (claimed_by = '' OR claimed_until < ?)
				  AND EXISTS (SELECT 1 FROM job_runs WHERE id = ? AND status = ?)
				ORDER BY position LIMIT ?)
			RETURNING position, key`,
			replica, formatTime(now.Add(ttl)), run, run, formatTime(now), run, jobs.RunRunning, n)
		if err != nil {
			return err
		}
		keys, err = orderedKeys(rows)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("store: claim the work of run %d: %w", run, err)
	}
	return keys, nil
}

// orderedKeys reads rows of (position, key) and returns the keys in position order
// (RETURNING promises no order).
func orderedKeys(rows *sql.Rows) ([]string, error) {
	defer rows.Close()
	type claimed struct {
		pos int
		key string
	}
	var got []claimed
	for rows.Next() {
		var c claimed
		if err := rows.Scan(&c.pos, &c.key); err != nil {
			return nil, err
		}
		got = append(got, c)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	slices.SortFunc(got, func(a, b claimed) int { return cmp.Compare(a.pos, b.pos) })
	keys := make([]string, len(got))
	for i, c := range got {
		keys[i] = c.key
	}
	return keys, nil
}

// FinishWork records the results of the items of run that replica holds.
func (s *Store) FinishWork(ctx context.Context, run int64, replica string, items []jobs.Item) (int, error) {
	var left int
	err := s.write(ctx, func(tx *sql.Tx) error {
		stmt, err := tx.PrepareContext(ctx, `UPDATE run_work SET result = ?
			WHERE run = ? AND key = ? AND claimed_by = ? AND result IS NULL`)
		if err != nil {
			return err
		}
		defer stmt.Close()
		for _, it := range items {
			if !json.Valid(it.Result) {
				return fmt.Errorf("the result of %q is not JSON", it.Key)
			}
			if _, err := stmt.ExecContext(ctx, string(it.Result), run, it.Key, replica); err != nil {
				return err
			}
		}
		return tx.QueryRowContext(ctx, `SELECT count(*) FROM run_work WHERE run = ? AND result IS NULL`, run).Scan(&left)
	})
	if err != nil {
		return 0, fmt.Errorf("store: finish the work of run %d: %w", run, err)
	}
	return left, nil
}

// WorkLeft is how many items of run are unfinished.
func (s *Store) WorkLeft(ctx context.Context, run int64) (int, error) {
	var left int
	if err := s.reader.QueryRowContext(ctx, `SELECT count(*) FROM run_work WHERE run = ? AND result IS NULL`, run).Scan(&left); err != nil {
		return 0, fmt.Errorf("store: the work left of run %d: %w", run, err)
	}
	return left, nil
}

// WorkResults are the finished items of run, in their order.
func (s *Store) WorkResults(ctx context.Context, run int64) ([]jobs.Item, error) {
	rows, err := s.reader.QueryContext(ctx, `SELECT key, claimed_by, result FROM run_work
		WHERE run = ? AND result IS NOT NULL ORDER BY position`, run)
	if err != nil {
		return nil, fmt.Errorf("store: the work of run %d: %w", run, err)
	}
	defer rows.Close()
	var out []jobs.Item
	for rows.Next() {
		var it jobs.Item
		var res string
		if err := rows.Scan(&it.Key, &it.Replica, &res); err != nil {
			return nil, fmt.Errorf("store: the work of run %d: %w", run, err)
		}
		it.Result = json.RawMessage(res)
		out = append(out, it)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: the work of run %d: %w", run, err)
	}
	return out, nil
}
