package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"samenspel/internal/profiles"
)

// The collaboration events (SPEC §4) and their states, in the table of 00002
// that the award outcomes also write (awards.go): each event with its state,
// who recorded it and when, and when the other partner settled a claim. The
// writes that check a pair's day take the lock of collaboration writes
// (lockCollaborations); the tools' appends take it too, so that events keep
// the order in which they were committed.

// AddCollaboration appends one counted collaboration event, as the tools load
// them, without the API's rules.
func (s *Store) AddCollaboration(ctx context.Context, c profiles.Collaboration) error {
	if err := s.addCollaborations(ctx, []profiles.Collaboration{c}); err != nil {
		return fmt.Errorf("postgres: add collaboration %s–%s: %w", c.A, c.B, err)
	}
	return nil
}

// AddCollaborations appends counted events in their order, in one transaction:
// all are added or none, without the API's rules.
func (s *Store) AddCollaborations(ctx context.Context, cs []profiles.Collaboration) error {
	if err := s.addCollaborations(ctx, cs); err != nil {
		return fmt.Errorf("postgres: add %d collaborations: %w", len(cs), err)
	}
	return nil
}

func (s *Store) addCollaborations(ctx context.Context, cs []profiles.Collaboration) error {
	if len(cs) == 0 {
		return nil
	}
	return s.write(ctx, false, func(tx pgx.Tx) error {
		if err := lockCollaborations(ctx, tx); err != nil {
			return err
		}
		batch := &pgx.Batch{}
		for _, c := range cs {
			batch.Queue(`INSERT INTO collaborations (a, b, outcome, at, state) VALUES ($1, $2, $3, $4, $5)`,
				c.A, c.B, c.Outcome, c.At, profiles.CollaborationCounted)
		}
		if err := tx.SendBatch(ctx, batch).Close(); err != nil {
			return err
		}
		return bump(ctx, tx, kindCollaborations)
	})
}

// RecordCollaboration stores an event recorded through the API: r's event,
// State (counted or claim), RecorderRole, Recorder and Recorded are kept, and
// the record is returned with its id. A counted event for a day on which the
// pair has one is profiles.ErrDayTaken, and so is a claim for a day on which the
// pair has a counted event or an open claim. A and B in either order are one
// pair.
func (s *Store) RecordCollaboration(ctx context.Context, r profiles.CollaborationRecord) (profiles.CollaborationRecord, error) {
	if r.State != profiles.CollaborationCounted && r.State != profiles.CollaborationClaim {
		return profiles.CollaborationRecord{}, fmt.Errorf("postgres: record collaboration: state %q: only counted events and claims are recorded", r.State)
	}
	r.Settled = time.Time{}
	err := s.write(ctx, false, func(tx pgx.Tx) error {
		if err := lockCollaborations(ctx, tx); err != nil {
			return err
		}
		blocking := []string{profiles.CollaborationCounted}
		if r.State == profiles.CollaborationClaim {
			blocking = append(blocking, profiles.CollaborationClaim)
		}
		taken, err := dayTaken(ctx, tx, r.Collaboration, 0, blocking...)
		if err != nil {
			return err
		}
		if taken {
			return profiles.ErrDayTaken
		}
		if err := tx.QueryRow(ctx, `INSERT INTO collaborations (a, b, outcome, at, state, role, recorder, recorded)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING seq`,
			r.A, r.B, r.Outcome, r.At, r.State, r.RecorderRole, r.Recorder, optionalTime(r.Recorded)).Scan(&r.ID); err != nil {
			return err
		}
		if r.State != profiles.CollaborationCounted {
			return nil // a claim moves no trust: nothing cached depends on it
		}
		return bump(ctx, tx, kindCollaborations)
	})
	if err != nil {
		return profiles.CollaborationRecord{}, fmt.Errorf("postgres: record collaboration %s–%s: %w", r.A, r.B, err)
	}
	return r, nil
}

// dayTaken reports whether the pair of c has an event other than except on c.At
// in one of the states.
func dayTaken(ctx context.Context, tx pgx.Tx, c profiles.Collaboration, except int64, states ...string) (bool, error) {
	var taken bool
	err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM collaborations
		WHERE ((a = $1 AND b = $2) OR (a = $2 AND b = $1)) AND at = $3 AND seq != $4 AND state = ANY($5))`,
		c.A, c.B, c.At, except, states).Scan(&taken)
	return taken, err
}

// GetCollaboration returns event id, or profiles.ErrNotFound.
func (s *Store) GetCollaboration(ctx context.Context, id int64) (profiles.CollaborationRecord, error) {
	rs, err := queryCollaborations(ctx, s.pool, `WHERE seq = $1`, id)
	if err == nil && len(rs) == 0 {
		err = profiles.ErrNotFound
	}
	if err != nil {
		return profiles.CollaborationRecord{}, fmt.Errorf("postgres: collaboration %d: %w", id, err)
	}
	return rs[0], nil
}

// ConfirmCollaboration makes claim id count, at now, and returns it.
// profiles.ErrNotFound when there is no event id, profiles.ErrNotClaim when it is no
// claim, profiles.ErrDayTaken when its pair has a counted event on its day already.
// The caller checks who confirms.
func (s *Store) ConfirmCollaboration(ctx context.Context, id int64, now time.Time) (profiles.CollaborationRecord, error) {
	r, err := s.settle(ctx, id, profiles.CollaborationCounted, now)
	if err != nil {
		return profiles.CollaborationRecord{}, fmt.Errorf("postgres: confirm collaboration %d: %w", id, err)
	}
	return r, nil
}

// DisputeCollaboration marks claim id disputed, at now, and returns it: it never
// counts. Errors as ConfirmCollaboration's, but for profiles.ErrDayTaken.
func (s *Store) DisputeCollaboration(ctx context.Context, id int64, now time.Time) (profiles.CollaborationRecord, error) {
	r, err := s.settle(ctx, id, profiles.CollaborationDisputed, now)
	if err != nil {
		return profiles.CollaborationRecord{}, fmt.Errorf("postgres: dispute collaboration %d: %w", id, err)
	}
	return r, nil
}

// settle moves claim id to state, in one transaction with the checks.
func (s *Store) settle(ctx context.Context, id int64, state string, now time.Time) (profiles.CollaborationRecord, error) {
	var r profiles.CollaborationRecord
	err := s.write(ctx, false, func(tx pgx.Tx) error {
		if err := lockCollaborations(ctx, tx); err != nil {
			return err
		}
		rs, err := queryCollaborations(ctx, tx, `WHERE seq = $1`, id)
		if err != nil {
			return err
		}
		if len(rs) == 0 {
			return profiles.ErrNotFound
		}
		r = rs[0]
		if r.State != profiles.CollaborationClaim {
			return profiles.ErrNotClaim
		}
		if state == profiles.CollaborationCounted {
			taken, err := dayTaken(ctx, tx, r.Collaboration, id, profiles.CollaborationCounted)
			if err != nil {
				return err
			}
			if taken {
				return profiles.ErrDayTaken
			}
		}
		r.State, r.Settled = state, now.UTC()
		if _, err := tx.Exec(ctx, `UPDATE collaborations SET state = $1, settled = $2 WHERE seq = $3`,
			state, formatTime(now), id); err != nil {
			return err
		}
		if state != profiles.CollaborationCounted {
			return nil
		}
		return bump(ctx, tx, kindCollaborations)
	})
	if err != nil {
		return profiles.CollaborationRecord{}, err
	}
	return r, nil
}

// CollaborationsOf returns the events about profile, as A or as B, in every
// state, newest (last added) first, at most limit (all when limit ≤ 0).
func (s *Store) CollaborationsOf(ctx context.Context, profile string, limit int) ([]profiles.CollaborationRecord, error) {
	rs, err := queryCollaborations(ctx, s.pool, `WHERE a = $1 OR b = $1 ORDER BY seq DESC LIMIT $2`, profile, sqlLimit(limit))
	if err != nil {
		return nil, fmt.Errorf("postgres: collaborations of %q: %w", profile, err)
	}
	return rs, nil
}

// queryCollaborations reads the records that the clause (WHERE ..., ORDER BY
// ...) selects; none is an empty list.
func queryCollaborations(ctx context.Context, q queryer, clause string, args ...any) ([]profiles.CollaborationRecord, error) {
	rows, err := q.Query(ctx, `SELECT seq, a, b, outcome, at, state, role, recorder, recorded, settled
		FROM collaborations `+clause, args...)
	if err != nil {
		return nil, err
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (profiles.CollaborationRecord, error) {
		var r profiles.CollaborationRecord
		var recorded, settled *string
		if err := row.Scan(&r.ID, &r.A, &r.B, &r.Outcome, &r.At, &r.State, &r.RecorderRole, &r.Recorder, &recorded, &settled); err != nil {
			return r, err
		}
		var err error
		if r.Recorded, err = parseOptionalTime(recorded); err != nil {
			return r, err
		}
		r.Settled, err = parseOptionalTime(settled)
		return r, err
	})
	return nonNil(out), err
}

// Collaborations returns the counted events, the only ones that move trust
// (SPEC §4), in the order they were added.
func (s *Store) Collaborations(ctx context.Context) ([]profiles.Collaboration, error) {
	rows, err := s.pool.Query(ctx, `SELECT a, b, outcome, at FROM collaborations WHERE state = $1 ORDER BY seq`,
		profiles.CollaborationCounted)
	if err != nil {
		return nil, fmt.Errorf("postgres: collaborations: %w", err)
	}
	out, err := pgx.CollectRows(rows, pgx.RowToStructByPos[profiles.Collaboration])
	if err != nil {
		return nil, fmt.Errorf("postgres: collaborations: %w", err)
	}
	return nonNil(out), nil
}
