package postgres

import (
	"context"
	"fmt"
	"samenspel/internal/profiles"
	"time"
)

// PutSuggestion stores body as tender's answer, computed from inputs with digest
// by job run run (the run's id is its fencing token), and reports whether it
// wrote. It replaces the stored answer only when that came from the same run or
// an older one: a replica that lost its lock and wakes up late cannot overwrite
// the answer of a run that started after it. One statement, so the old answer is
// replaced whole or not at all, and two replicas writing at once take turns on
// the row.
func (s *Store) PutSuggestion(ctx context.Context, tender, digest string, run int64, body []byte, now time.Time) (bool, error) {
	tag, err := s.pool.Exec(ctx, `INSERT INTO stored_suggestions (tender, digest, run, computed, body)
		VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (tender) DO UPDATE SET digest = EXCLUDED.digest, run = EXCLUDED.run,
			computed = EXCLUDED.computed, body = EXCLUDED.body
		WHERE stored_suggestions.run <= EXCLUDED.run`,
		tender, digest, run, formatTime(now), nonNil(body))
	if err != nil {
		return false, fmt.Errorf("postgres: put suggestion of tender %q: %w", tender, err)
	}
	return tag.RowsAffected() == 1, nil
}

// StoredSuggestion returns the stored answer of an open tender: the digest of the
// inputs it was computed from, the run that computed it, when, and the answer
// itself. profiles.ErrNotFound when none was stored or the tender is closed or gone:
// a closed tender's answer is not served, though its row may stay.
func (s *Store) StoredSuggestion(ctx context.Context, tender string) (digest string, run int64, computed time.Time, body []byte, err error) {
	var at string
	err = s.pool.QueryRow(ctx, `SELECT s.digest, s.run, s.computed, s.body
		FROM stored_suggestions s JOIN tenders t ON t.id = s.tender
		WHERE s.tender = $1 AND NOT t.closed`, tender).Scan(&digest, &run, &at, &body)
	err = noRows(err, profiles.ErrNotFound)
	if err == nil {
		computed, err = parseTime(at)
	}
	if err != nil {
		return "", 0, time.Time{}, nil, fmt.Errorf("postgres: stored suggestion of tender %q: %w", tender, err)
	}
	return digest, run, computed, body, nil
}
