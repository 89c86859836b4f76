package postgres

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"

	"samenspel/internal/jobs"
)

// The shared work of the runs (jobs.WorkStore), as the embedded store keeps it:
// the items a run lists, claimed a few at a time by its replica and by those on
// other hosts that help it. A claim locks the rows it takes and skips those
// another transaction holds (FOR UPDATE SKIP LOCKED), so concurrent claims never
// wait for each other or take the same item.

// AddWork lists keys as the work of the running run and drops the work of runs
// that are not running.
func (s *Store) AddWork(ctx context.Context, run int64, keys []string) error {
	err := s.write(ctx, false, func(tx pgx.Tx) error {
		var status string
		err := tx.QueryRow(ctx, `SELECT status FROM job_runs WHERE id = $1`, run).Scan(&status)
		if err != nil {
			return noRows(err, jobs.ErrNotFound)
		}
		if status != jobs.RunRunning {
			return fmt.Errorf("run %d is %s, not running", run, status)
		}
		if _, err := tx.Exec(ctx, `DELETE FROM run_work WHERE run NOT IN
			(SELECT id FROM job_runs WHERE status = $1)`, jobs.RunRunning); err != nil {
			return err
		}
		var listed bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM run_work WHERE run = $1)`, run).Scan(&listed); err != nil {
			return err
		}
		if listed {
			return fmt.Errorf("run %d has its work listed already", run)
		}
		rows := make([][]any, len(keys))
		for i, k := range keys {
			rows[i] = []any{run, int32(i), k}
		}
		_, err = tx.CopyFrom(ctx, pgx.Identifier{"run_work"}, []string{"run", "position", "key"}, pgx.CopyFromRows(rows))
		return constraint(err)
	})
	if err != nil {
		return fmt.Errorf("postgres: list the work of run %d: %w", run, err)
	}
	return nil
}

// ClaimWork claims up to n unclaimed items of the running run for replica.
func (s *Store) ClaimWork(ctx context.Context, run int64, replica string, n int, now time.Time, ttl time.Duration) ([]string, error) {
	var keys []string
	err := s.write(ctx, false, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, `UPDATE run_work w SET claimed_by = $2, claimed_until = $3
			FROM (SELECT run, position FROM run_work
				WHERE run = $1 AND result IS NULL AND (claimed_until IS NULL OR claimed_until < $4)
				  AND EXISTS (SELECT 1 FROM job_runs WHERE id = $1 AND status = 'running')
				ORDER BY position LIMIT $5
				FOR UPDATE SKIP LOCKED) AS c
			WHERE w.run = c.run AND w.position = c.position
			RETURNING w.position, w.key`,
			run, replica, formatTime(now.Add(ttl)), formatTime(now), n)
		if err != nil {
			return err
		}
		type claimed struct {
			pos int32
			key string
		}
		got, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (claimed, error) {
			var c claimed
			err := r.Scan(&c.pos, &c.key)
			return c, err
		})
		if err != nil {
			return err
		}
		slices.SortFunc(got, func(a, b claimed) int { return cmp.Compare(a.pos, b.pos) })
		keys = make([]string, len(got))
		for i, c := range got {
			keys[i] = c.key
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("postgres: claim the work of run %d: %w", run, err)
	}
	return keys, nil
}

// FinishWork records the results of the items of run that replica holds.
func (s *Store) FinishWork(ctx context.Context, run int64, replica string, items []jobs.Item) (int, error) {
	var left int
	err := s.write(ctx, false, func(tx pgx.Tx) error {
		b := &pgx.Batch{}
		for _, it := range items {
			if !json.Valid(it.Result) {
				return fmt.Errorf("the result of %q is not JSON", it.Key)
			}
			b.Queue(`UPDATE run_work SET result = $1
				WHERE run = $2 AND key = $3 AND claimed_by = $4 AND result IS NULL`,
				string(it.Result), run, it.Key, replica)
		}
		if err := tx.SendBatch(ctx, b).Close(); err != nil {
			return err
		}
		return tx.QueryRow(ctx, `SELECT count(*) FROM run_work WHERE run = $1 AND result IS NULL`, run).Scan(&left)
	})
	if err != nil {
		return 0, fmt.Errorf("postgres: finish the work of run %d: %w", run, err)
	}
	return left, nil
}

// WorkLeft is how many items of run are unfinished.
func (s *Store) WorkLeft(ctx context.Context, run int64) (int, error) {
	var left int
	if err := s.pool.QueryRow(ctx, `SELECT count(*) FROM run_work WHERE run = $1 AND result IS NULL`, run).Scan(&left); err != nil {
		return 0, fmt.Errorf("postgres: the work left of run %d: %w", run, err)
	}
	return left, nil
}

// WorkResults are the finished items of run, in their order.
func (s *Store) WorkResults(ctx context.Context, run int64) ([]jobs.Item, error) {
	rows, err := s.pool.Query(ctx, `SELECT key, claimed_by, result::text FROM run_work
		WHERE run = $1 AND result IS NOT NULL ORDER BY position`, run)
	if err != nil {
		return nil, fmt.Errorf("postgres: the work of run %d: %w", run, err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (jobs.Item, error) {
		var it jobs.Item
		var res string
		err := r.Scan(&it.Key, &it.Replica, &res)
		it.Result = json.RawMessage(res)
		return it, err
	})
	if err != nil {
		return nil, fmt.Errorf("postgres: the work of run %d: %w", run, err)
	}
	return out, nil
}
