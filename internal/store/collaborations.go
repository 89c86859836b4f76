package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"samenspel/internal/profiles"
)

// AddCollaboration appends one counted collaboration event, as the tools load them
// (files hold counted events only, SPEC §4). Events are kept in the order they were
// added, which breaks ties between events of the same date. The API records events
// with RecordCollaboration.
func (s *Store) AddCollaboration(ctx context.Context, c profiles.Collaboration) error {
	if err := s.addCollaborations(ctx, []profiles.Collaboration{c}); err != nil {
		return fmt.Errorf("store: add collaboration %s–%s: %w", c.A, c.B, err)
	}
	return nil
}

// AddCollaborations appends counted events in their order, in one transaction: all
// are added or none. Like AddCollaboration it applies none of the API's rules
// (dates, one counted event per pair and day): the caller loads what it trusts.
func (s *Store) AddCollaborations(ctx context.Context, cs []profiles.Collaboration) error {
	if err := s.addCollaborations(ctx, cs); err != nil {
		return fmt.Errorf("store: add %d collaborations: %w", len(cs), err)
	}
	return nil
}

func (s *Store) addCollaborations(ctx context.Context, cs []profiles.Collaboration) error {
	if len(cs) == 0 {
		return nil
	}
	return s.write(ctx, func(tx *sql.Tx) error {
		if err := insertCounted(ctx, tx, cs); err != nil {
			return err
		}
		return bump(ctx, tx, kindCollaborations)
	})
}

// insertCounted inserts counted events without a recorder, in their order.
func insertCounted(ctx context.Context, tx *sql.Tx, cs []profiles.Collaboration) error {
	event, err := tx.PrepareContext(ctx, `INSERT INTO collaborations (a, b, outcome, at) VALUES (?, ?, ?, ?)`)
	if err != nil {
		return err
	}
	defer event.Close()
	state, err := tx.PrepareContext(ctx, `INSERT INTO collaboration_states (seq, state) VALUES (?, 'counted')`)
	if err != nil {
		return err
	}
	defer state.Close()
	for _, c := range cs {
		res, err := event.ExecContext(ctx, c.A, c.B, c.Outcome, c.At)
		if err != nil {
			return err
		}
		seq, err := res.LastInsertId()
		if err != nil {
			return err
		}
		if _, err := state.ExecContext(ctx, seq); err != nil {
			return err
		}
	}
	return nil
}

// RecordCollaboration stores an event recorded through the API: r's event, State
// (counted or claim), RecorderRole, Recorder and Recorded are kept, and the record
// is returned with its id. A pair has at most one counted event a day (SPEC §4):
// a counted event for a day on which the pair has one is ErrDayTaken, and so is a
// claim for a day on which the pair has a counted event or an open claim (it could
// never count, and one open claim a day is all a partner may put to the other).
// Events that differ in nothing but A and B's order are of the same pair.
func (s *Store) RecordCollaboration(ctx context.Context, r profiles.CollaborationRecord) (profiles.CollaborationRecord, error) {
	if r.State != profiles.CollaborationCounted && r.State != profiles.CollaborationClaim {
		return profiles.CollaborationRecord{}, fmt.Errorf("store: record collaboration: state %q: only counted events and claims are recorded", r.State)
	}
	r.Settled = time.Time{}
	err := s.write(ctx, func(tx *sql.Tx) error {
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
		res, err := tx.ExecContext(ctx, `INSERT INTO collaborations (a, b, outcome, at) VALUES (?, ?, ?, ?)`, r.A, r.B, r.Outcome, r.At)
		if err != nil {
			return err
		}
		if r.ID, err = res.LastInsertId(); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO collaboration_states (seq, state, role, recorder, recorded) VALUES (?, ?, ?, ?, ?)`,
			r.ID, r.State, r.RecorderRole, r.Recorder, optionalTime(r.Recorded)); err != nil {
			return err
		}
		if r.State != profiles.CollaborationCounted {
			return nil // a claim moves no trust: nothing cached depends on it
		}
		return bump(ctx, tx, kindCollaborations)
	})
	if err != nil {
		return profiles.CollaborationRecord{}, fmt.Errorf("store: record collaboration %s–%s: %w", r.A, r.B, err)
	}
	return r, nil
}

// dayTaken reports whether the pair of c has an event other than except on c.At
// in one of the states.
func dayTaken(ctx context.Context, tx *sql.Tx, c profiles.Collaboration, except int64, states ...string) (bool, error) {
	rows, err := tx.QueryContext(ctx, `SELECT COALESCE(s.state, 'counted') FROM collaborations c
		LEFT JOIN collaboration_states s ON s.seq = c.seq
		WHERE ((c.a = ? AND c.b = ?) OR (c.a = ? AND c.b = ?)) AND c.at = ? AND c.seq != ?`,
		c.A, c.B, c.B, c.A, c.At, except)
	if err != nil {
		return false, err
	}
	defer rows.Close()
	for rows.Next() {
		var state string
		if err := rows.Scan(&state); err != nil {
			return false, err
		}
		for _, s := range states {
			if state == s {
				return true, nil
			}
		}
	}
	return false, rows.Err()
}

// GetCollaboration returns event id, or ErrNotFound.
func (s *Store) GetCollaboration(ctx context.Context, id int64) (profiles.CollaborationRecord, error) {
	rs, err := queryCollaborations(ctx, s.reader, `WHERE c.seq = ?`, id)
	if err == nil && len(rs) == 0 {
		err = profiles.ErrNotFound
	}
	if err != nil {
		return profiles.CollaborationRecord{}, fmt.Errorf("store: collaboration %d: %w", id, err)
	}
	return rs[0], nil
}

// ConfirmCollaboration makes claim id count, at now, and returns it. It returns
// ErrNotFound when there is no event id, ErrNotClaim when it is no claim, and
// ErrDayTaken when its pair has a counted event on its day already. It does not
// check who confirms: the caller does (the other partner of the pair).
func (s *Store) ConfirmCollaboration(ctx context.Context, id int64, now time.Time) (profiles.CollaborationRecord, error) {
	r, err := s.settle(ctx, id, profiles.CollaborationCounted, now)
	if err != nil {
		return profiles.CollaborationRecord{}, fmt.Errorf("store: confirm collaboration %d: %w", id, err)
	}
	return r, nil
}

// DisputeCollaboration marks claim id disputed, at now, and returns it: it never
// counts. Errors as ConfirmCollaboration's, but for ErrDayTaken.
func (s *Store) DisputeCollaboration(ctx context.Context, id int64, now time.Time) (profiles.CollaborationRecord, error) {
	r, err := s.settle(ctx, id, profiles.CollaborationDisputed, now)
	if err != nil {
		return profiles.CollaborationRecord{}, fmt.Errorf("store: dispute collaboration %d: %w", id, err)
	}
	return r, nil
}

// settle moves claim id to state, in one transaction with the checks.
func (s *Store) settle(ctx context.Context, id int64, state string, now time.Time) (profiles.CollaborationRecord, error) {
	var r profiles.CollaborationRecord
	err := s.write(ctx, func(tx *sql.Tx) error {
		rs, err := queryCollaborations(ctx, tx, `WHERE c.seq = ?`, id)
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
		if _, err := tx.ExecContext(ctx, `UPDATE collaboration_states SET state = ?, settled = ? WHERE seq = ?`,
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

// CollaborationsOf returns the events about profile, as A or as B, in every state,
// newest (last added) first, at most limit (all when limit ≤ 0): a partner sees the
// claims it may confirm or dispute, and those made about it.
func (s *Store) CollaborationsOf(ctx context.Context, profile string, limit int) ([]profiles.CollaborationRecord, error) {
	if limit <= 0 {
		limit = -1
	}
	rs, err := queryCollaborations(ctx, s.reader, `WHERE c.a = ? OR c.b = ? ORDER BY c.seq DESC LIMIT ?`, profile, profile, limit)
	if err != nil {
		return nil, fmt.Errorf("store: collaborations of %q: %w", profile, err)
	}
	return rs, nil
}

// queryCollaborations reads the records that the clause (WHERE ..., ORDER BY ...)
// selects. An event without a state row counts: events are stored with one, so
// only a store written by other means lacks it.
func queryCollaborations(ctx context.Context, q queryer, clause string, args ...any) ([]profiles.CollaborationRecord, error) {
	rows, err := q.QueryContext(ctx, `SELECT c.seq, c.a, c.b, c.outcome, c.at, COALESCE(s.state, 'counted'),
		COALESCE(s.role, ''), COALESCE(s.recorder, ''), COALESCE(s.recorded, ''), COALESCE(s.settled, '')
		FROM collaborations c LEFT JOIN collaboration_states s ON s.seq = c.seq `+clause, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []profiles.CollaborationRecord{}
	for rows.Next() {
		var r profiles.CollaborationRecord
		var recorded, settled string
		if err := rows.Scan(&r.ID, &r.A, &r.B, &r.Outcome, &r.At, &r.State, &r.RecorderRole, &r.Recorder, &recorded, &settled); err != nil {
			return nil, err
		}
		if r.Recorded, err = parseOptionalTime(recorded); err != nil {
			return nil, err
		}
		if r.Settled, err = parseOptionalTime(settled); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// Collaborations returns the counted events, the only ones that move trust (SPEC
// §4), in the order they were added. Claims and disputed events are left out.
func (s *Store) Collaborations(ctx context.Context) ([]profiles.Collaboration, error) {
	rows, err := s.reader.QueryContext(ctx, `SELECT c.a, c.b, c.outcome, c.at FROM collaborations c
		LEFT JOIN collaboration_states s ON s.seq = c.seq
		WHERE COALESCE(s.state, 'counted') = 'counted' ORDER BY c.seq`)
	if err != nil {
		return nil, fmt.Errorf("store: collaborations: %w", err)
	}
	defer rows.Close()
	out := []profiles.Collaboration{}
	for rows.Next() {
		var c profiles.Collaboration
		if err := rows.Scan(&c.A, &c.B, &c.Outcome, &c.At); err != nil {
			return nil, fmt.Errorf("store: collaborations: %w", err)
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: collaborations: %w", err)
	}
	return out, nil
}
