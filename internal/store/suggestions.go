package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"samenspel/internal/profiles"
	"time"
)

// PutSuggestion stores body as tender's answer, computed from inputs with digest by
// job run run (the run's id is its fencing token), and reports whether it wrote.
// It replaces the stored answer only when that came from the same run or an older
// one: a replica that lost its lock and wakes up late cannot overwrite the answer
// of a run that started after it. One statement, so the old answer is replaced
// whole or not at all.
func (s *Store) PutSuggestion(ctx context.Context, tender, digest string, run int64, body []byte, now time.Time) (bool, error) {
	res, err := s.writer.ExecContext(ctx, `INSERT INTO stored_suggestions (tender, digest, run, computed, body)
		VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (tender) DO UPDATE SET digest = excluded.digest, run = excluded.run,
			computed = excluded.computed, body = excluded.body
		WHERE stored_suggestions.run <= excluded.run`,
		tender, digest, run, formatTime(now), body)
	if err != nil {
		return false, fmt.Errorf("store: put suggestion of tender %q: %w", tender, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("store: put suggestion of tender %q: %w", tender, err)
	}
	return n == 1, nil
}

// StoredSuggestion returns the stored answer of an open tender: the digest of the
// inputs it was computed from, the run that computed it, when, and the answer
// itself. It returns ErrNotFound when none was stored or the tender is closed or
// gone: a closed tender's answer is not served, though its row may stay.
func (s *Store) StoredSuggestion(ctx context.Context, tender string) (digest string, run int64, computed time.Time, body []byte, err error) {
	var at string
	err = s.reader.QueryRowContext(ctx, `SELECT s.digest, s.run, s.computed, s.body
		FROM stored_suggestions s JOIN tenders t ON t.id = s.tender
		WHERE s.tender = ? AND t.closed = 0`, tender).Scan(&digest, &run, &at, &body)
	if errors.Is(err, sql.ErrNoRows) {
		err = profiles.ErrNotFound
	}
	if err == nil {
		computed, err = parseTime(at)
	}
	if err != nil {
		return "", 0, time.Time{}, nil, fmt.Errorf("store: stored suggestion of tender %q: %w", tender, err)
	}
	return digest, run, computed, body, nil
}
