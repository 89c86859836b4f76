package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"samenspel/internal/profiles"
)

// The awards of tenders: the coalition a tender's owner chose (it need not be a
// suggested one), and later how the collaboration went. The outcome is recorded
// as counted collaboration events for every pair of the awarded members, recorded
// by the owner, so that trust (SPEC §4) grows from what really happened rather than
// from what was suggested. An award can be replaced until its outcome is
// recorded; from then on it is final.

// AwardTender records the coalition of members as tender's award, made by
// role and recorder at now, and returns it with whether it replaced an earlier
// award. A member named twice is kept once, where it was first named. Each member
// must be a profile (a *MissingProfilesError names those that are not); whether
// it was small or new is read from its profile now. It returns ErrNotFound when
// there is no tender, and ErrAwardFinal when the tender's award has its outcome.
// It checks nothing else: the caller decides who may award and how many members
// an award may have.
func (s *Store) AwardTender(ctx context.Context, tender string, members []string, role, recorder string, now time.Time) (profiles.Award, bool, error) {
	members = distinct(members)
	if len(members) == 0 {
		return profiles.Award{}, false, fmt.Errorf("store: award tender %q: no members", tender)
	}
	var a profiles.Award
	var replaced bool
	err := s.write(ctx, func(tx *sql.Tx) error {
		if err := exists(ctx, tx, `SELECT 1 FROM tenders WHERE id = ?`, tender); err != nil {
			return err
		}
		old, err := queryAward(ctx, tx, tender)
		switch {
		case err == nil && old.Outcome != "":
			return profiles.ErrAwardFinal
		case err == nil:
			replaced = true
		case !errors.Is(err, profiles.ErrNotFound):
			return err
		}
		a = profiles.Award{Tender: tender, RecorderRole: role, Recorder: recorder, Awarded: now.UTC()}
		var missing []string
		for _, id := range members {
			var doc []byte
			err := tx.QueryRowContext(ctx, `SELECT doc FROM profiles WHERE id = ?`, id).Scan(&doc)
			if errors.Is(err, sql.ErrNoRows) {
				missing = append(missing, id)
				continue
			}
			if err != nil {
				return err
			}
			p, err := decodeProfile(doc)
			if err != nil {
				return err
			}
			a.Members = append(a.Members, profiles.AwardMember{Profile: id, SmallOrNew: p.Inclusive()})
		}
		if len(missing) > 0 {
			return &profiles.MissingProfilesError{IDs: missing}
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM awards WHERE tender = ?`, tender); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO awards (tender, role, recorder, awarded) VALUES (?, ?, ?, ?)`,
			tender, role, recorder, formatTime(now)); err != nil {
			return err
		}
		for i, m := range a.Members {
			if _, err := tx.ExecContext(ctx, `INSERT INTO award_members (tender, position, profile, small_or_new) VALUES (?, ?, ?, ?)`,
				tender, i, m.Profile, m.SmallOrNew); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return profiles.Award{}, false, fmt.Errorf("store: award tender %q: %w", tender, err)
	}
	return a, replaced, nil
}

// Award returns tender's award, or ErrNotFound when it has none (or there is no
// tender).
func (s *Store) Award(ctx context.Context, tender string) (profiles.Award, error) {
	var a profiles.Award
	err := s.read(ctx, func(tx *sql.Tx) error {
		var err error
		a, err = queryAward(ctx, tx, tender)
		return err
	})
	if err != nil {
		return profiles.Award{}, fmt.Errorf("store: award of tender %q: %w", tender, err)
	}
	return a, nil
}

// Awards returns every award, by tender id.
func (s *Store) Awards(ctx context.Context) ([]profiles.Award, error) {
	out := []profiles.Award{}
	err := s.read(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT tender FROM awards ORDER BY tender`)
		if err != nil {
			return err
		}
		var tenders []string
		for rows.Next() {
			var t string
			if err := rows.Scan(&t); err != nil {
				rows.Close()
				return err
			}
			tenders = append(tenders, t)
		}
		if err := errors.Join(rows.Err(), rows.Close()); err != nil {
			return err
		}
		for _, t := range tenders {
			a, err := queryAward(ctx, tx, t)
			if err != nil {
				return err
			}
			out = append(out, a)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: awards: %w", err)
	}
	return out, nil
}

// RecordAwardOutcome records how the collaboration of tender's award went, in one
// transaction: a counted event of outcome on date at (YYYY-MM-DD) for every pair of
// its members, recorded by role and recorder at now, and the outcome on the award,
// which is final from then on. A pair that has a counted event on that date
// already (a pair has at most one a day, SPEC §4), or one of whose profiles was
// deleted since the award, is skipped and reported, not an error. It returns
// ErrNotFound when there is no tender, ErrNoAward when it has no award and
// ErrAwardFinal when the outcome was recorded before. The caller checks outcome
// and at (the API's date rules) and who may record.
func (s *Store) RecordAwardOutcome(ctx context.Context, tender, outcome, at, role, recorder string, now time.Time) (profiles.AwardOutcome, error) {
	if outcome != profiles.OutcomePositive && outcome != profiles.OutcomeNegative {
		return profiles.AwardOutcome{}, fmt.Errorf("store: outcome of tender %q: outcome %q is neither positive nor negative", tender, outcome)
	}
	out := profiles.AwardOutcome{Events: []profiles.CollaborationRecord{}, Skipped: []profiles.SkippedPair{}}
	err := s.write(ctx, func(tx *sql.Tx) error {
		if err := exists(ctx, tx, `SELECT 1 FROM tenders WHERE id = ?`, tender); err != nil {
			return err
		}
		a, err := queryAward(ctx, tx, tender)
		if errors.Is(err, profiles.ErrNotFound) {
			return profiles.ErrNoAward
		}
		if err != nil {
			return err
		}
		if a.Outcome != "" {
			return profiles.ErrAwardFinal
		}
		gone := map[string]bool{}
		for _, m := range a.Members {
			if err := exists(ctx, tx, `SELECT 1 FROM profiles WHERE id = ?`, m.Profile); errors.Is(err, profiles.ErrNotFound) {
				gone[m.Profile] = true
			} else if err != nil {
				return err
			}
		}
		recorded := now.UTC()
		for i, x := range a.Members {
			for _, y := range a.Members[i+1:] {
				c := profiles.Collaboration{A: x.Profile, B: y.Profile, Outcome: outcome, At: at}
				if gone[c.A] || gone[c.B] {
					out.Skipped = append(out.Skipped, profiles.SkippedPair{A: c.A, B: c.B, Reason: profiles.SkipNoProfile})
					continue
				}
				taken, err := dayTaken(ctx, tx, c, 0, profiles.CollaborationCounted)
				if err != nil {
					return err
				}
				if taken {
					out.Skipped = append(out.Skipped, profiles.SkippedPair{A: c.A, B: c.B, Reason: profiles.SkipDayTaken})
					continue
				}
				r := profiles.CollaborationRecord{Collaboration: c, State: profiles.CollaborationCounted, RecorderRole: role, Recorder: recorder, Recorded: recorded}
				res, err := tx.ExecContext(ctx, `INSERT INTO collaborations (a, b, outcome, at) VALUES (?, ?, ?, ?)`, c.A, c.B, c.Outcome, c.At)
				if err != nil {
					return err
				}
				if r.ID, err = res.LastInsertId(); err != nil {
					return err
				}
				if _, err := tx.ExecContext(ctx, `INSERT INTO collaboration_states (seq, state, role, recorder, recorded) VALUES (?, ?, ?, ?, ?)`,
					r.ID, r.State, role, recorder, formatTime(recorded)); err != nil {
					return err
				}
				out.Events = append(out.Events, r)
			}
		}
		a.Outcome, a.OutcomeAt, a.OutcomeRecorded = outcome, at, recorded
		a.OutcomeEvents, a.OutcomeSkipped = len(out.Events), len(out.Skipped)
		if _, err := tx.ExecContext(ctx, `UPDATE awards SET outcome = ?, outcome_at = ?, outcome_recorded = ?, outcome_events = ?, outcome_skipped = ? WHERE tender = ?`,
			outcome, at, formatTime(recorded), a.OutcomeEvents, a.OutcomeSkipped, tender); err != nil {
			return err
		}
		out.Award = a
		if len(out.Events) == 0 {
			return nil // no trust moved: nothing cached depends on it
		}
		return bump(ctx, tx, kindCollaborations)
	})
	if err != nil {
		return profiles.AwardOutcome{}, fmt.Errorf("store: outcome of tender %q: %w", tender, err)
	}
	return out, nil
}

// queryAward reads tender's award, or ErrNotFound.
func queryAward(ctx context.Context, q *sql.Tx, tender string) (profiles.Award, error) {
	a := profiles.Award{Tender: tender}
	var awarded, outcomeRecorded string
	err := q.QueryRowContext(ctx, `SELECT role, recorder, awarded, outcome, outcome_at, outcome_recorded, outcome_events, outcome_skipped
		FROM awards WHERE tender = ?`, tender).Scan(&a.RecorderRole, &a.Recorder, &awarded, &a.Outcome, &a.OutcomeAt, &outcomeRecorded, &a.OutcomeEvents, &a.OutcomeSkipped)
	if errors.Is(err, sql.ErrNoRows) {
		return profiles.Award{}, profiles.ErrNotFound
	}
	if err != nil {
		return profiles.Award{}, err
	}
	if a.Awarded, err = parseTime(awarded); err != nil {
		return profiles.Award{}, err
	}
	if a.OutcomeRecorded, err = parseOptionalTime(outcomeRecorded); err != nil {
		return profiles.Award{}, err
	}
	rows, err := q.QueryContext(ctx, `SELECT profile, small_or_new FROM award_members WHERE tender = ? ORDER BY position`, tender)
	if err != nil {
		return profiles.Award{}, err
	}
	defer rows.Close()
	a.Members = []profiles.AwardMember{}
	for rows.Next() {
		var m profiles.AwardMember
		if err := rows.Scan(&m.Profile, &m.SmallOrNew); err != nil {
			return profiles.Award{}, err
		}
		a.Members = append(a.Members, m)
	}
	return a, rows.Err()
}

// distinct is ids without repeats, the first of each kept in its place (SPEC §2:
// a repeat in a set is dropped).
func distinct(ids []string) []string {
	seen := make(map[string]bool, len(ids))
	out := make([]string, 0, len(ids))
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}
