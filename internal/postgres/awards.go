package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"samenspel/internal/profiles"
)

// collaborationWrites is the key of the advisory lock that serialises the writes
// of collaboration events that check a pair's day first (a pair has at most one
// counted event a day, SPEC §4): without it two transactions could each find the
// day free and both record one. An arbitrary number no other lock uses.
const collaborationWrites = 0x53616d656e02 // "Samen" 2

// lockCollaborations takes the lock of collaboration writes for tx.
func lockCollaborations(ctx context.Context, tx pgx.Tx) error {
	_, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, int64(collaborationWrites))
	return err
}

// AwardTender records the coalition of members as tender's award, made by role
// and recorder at now, and returns it with whether it replaced an earlier award.
// A member named twice is kept once, where it was first named. Each member must be
// a profile (a *profiles.MissingProfilesError names those that are not); whether it
// was small or new is read from its profile now. profiles.ErrNotFound when there is
// no tender, profiles.ErrAwardFinal when the tender's award has its outcome. It
// checks nothing else: the caller decides who may award and how many members an
// award may have. The tender's row is locked until the award is written, so that
// the awards of one tender take turns.
func (s *Store) AwardTender(ctx context.Context, tender string, members []string, role, recorder string, now time.Time) (profiles.Award, bool, error) {
	members = distinct(members)
	if len(members) == 0 {
		return profiles.Award{}, false, fmt.Errorf("postgres: award tender %q: no members", tender)
	}
	var a profiles.Award
	var replaced bool
	err := s.write(ctx, false, func(tx pgx.Tx) error {
		if err := exists(ctx, tx, `SELECT 1 FROM tenders WHERE id = $1 FOR UPDATE`, tender); err != nil {
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
		inclusive, err := inclusiveOf(ctx, tx, members)
		if err != nil {
			return err
		}
		a = profiles.Award{Tender: tender, RecorderRole: role, Recorder: recorder, Awarded: now.UTC()}
		var missing []string
		for _, id := range members {
			small, ok := inclusive[id]
			if !ok {
				missing = append(missing, id)
				continue
			}
			a.Members = append(a.Members, profiles.AwardMember{Profile: id, SmallOrNew: small})
		}
		if len(missing) > 0 {
			return &profiles.MissingProfilesError{IDs: missing}
		}
		if _, err := tx.Exec(ctx, `DELETE FROM awards WHERE tender = $1`, tender); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO awards (tender, role, recorder, awarded) VALUES ($1, $2, $3, $4)`,
			tender, role, recorder, formatTime(now)); err != nil {
			return err
		}
		smalls := make([]bool, len(a.Members))
		for i, m := range a.Members {
			smalls[i] = m.SmallOrNew
		}
		_, err = tx.Exec(ctx, `INSERT INTO award_members (tender, position, profile, small_or_new)
			SELECT $1, x.n - 1, x.profile, x.small FROM unnest($2::text[], $3::bool[]) WITH ORDINALITY AS x(profile, small, n)`,
			tender, members, smalls)
		return err
	})
	if err != nil {
		return profiles.Award{}, false, fmt.Errorf("postgres: award tender %q: %w", tender, err)
	}
	return a, replaced, nil
}

// inclusiveOf reads, of the profiles ids that exist, whether each counts for
// inclusion (small or a new provider, SPEC §5).
func inclusiveOf(ctx context.Context, tx pgx.Tx, ids []string) (map[string]bool, error) {
	rows, err := tx.Query(ctx, `SELECT id, doc FROM profiles WHERE id = ANY($1)`, ids)
	if err != nil {
		return nil, err
	}
	out := make(map[string]bool, len(ids))
	var id string
	var doc []byte
	_, err = pgx.ForEachRow(rows, []any{&id, &doc}, func() error {
		p, err := decodeProfile(doc)
		if err != nil {
			return err
		}
		out[id] = p.Inclusive()
		return nil
	})
	return out, err
}

// Award returns tender's award; profiles.ErrNotFound when it has none (or there is
// no tender).
func (s *Store) Award(ctx context.Context, tender string) (profiles.Award, error) {
	var a profiles.Award
	err := s.snapshot(ctx, func(tx pgx.Tx) error {
		var err error
		a, err = queryAward(ctx, tx, tender)
		return err
	})
	if err != nil {
		return profiles.Award{}, fmt.Errorf("postgres: award of tender %q: %w", tender, err)
	}
	return a, nil
}

// Awards returns every award, by tender id.
func (s *Store) Awards(ctx context.Context) ([]profiles.Award, error) {
	var out []profiles.Award
	err := s.snapshot(ctx, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, `SELECT tender FROM awards ORDER BY tender`)
		if err != nil {
			return err
		}
		tenders, err := pgx.CollectRows(rows, pgx.RowTo[string])
		if err != nil {
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
		return nil, fmt.Errorf("postgres: awards: %w", err)
	}
	return nonNil(out), nil
}

// RecordAwardOutcome records how the collaboration of tender's award went, in one
// transaction: a counted event of outcome on date at (YYYY-MM-DD) for every pair
// of its members, recorded by role and recorder at now, and the outcome on the
// award, which is final from then on. A pair that has a counted event on that date
// already (a pair has at most one a day, SPEC §4), or one of whose profiles was
// deleted since the award, is skipped and reported, not an error.
// profiles.ErrNotFound when there is no tender, profiles.ErrNoAward when it has no
// award and profiles.ErrAwardFinal when the outcome was recorded before. The caller
// checks outcome and at (the API's date rules) and who may record. It bumps the
// collaborations counter when it recorded an event.
func (s *Store) RecordAwardOutcome(ctx context.Context, tender, outcome, at, role, recorder string, now time.Time) (profiles.AwardOutcome, error) {
	if outcome != profiles.OutcomePositive && outcome != profiles.OutcomeNegative {
		return profiles.AwardOutcome{}, fmt.Errorf("postgres: outcome of tender %q: outcome %q is neither positive nor negative", tender, outcome)
	}
	out := profiles.AwardOutcome{Events: []profiles.CollaborationRecord{}, Skipped: []profiles.SkippedPair{}}
	err := s.write(ctx, false, func(tx pgx.Tx) error {
		if err := exists(ctx, tx, `SELECT 1 FROM tenders WHERE id = $1 FOR UPDATE`, tender); err != nil {
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
		if err := lockCollaborations(ctx, tx); err != nil {
			return err
		}
		present, err := inclusiveOf(ctx, tx, a.IDs())
		if err != nil {
			return err
		}
		recorded := now.UTC()
		for i, x := range a.Members {
			for _, y := range a.Members[i+1:] {
				c := profiles.Collaboration{A: x.Profile, B: y.Profile, Outcome: outcome, At: at}
				_, hasA := present[c.A]
				_, hasB := present[c.B]
				if !hasA || !hasB {
					out.Skipped = append(out.Skipped, profiles.SkippedPair{A: c.A, B: c.B, Reason: profiles.SkipNoProfile})
					continue
				}
				var taken bool
				if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM collaborations
					WHERE ((a = $1 AND b = $2) OR (a = $2 AND b = $1)) AND at = $3 AND state = $4)`,
					c.A, c.B, c.At, profiles.CollaborationCounted).Scan(&taken); err != nil {
					return err
				}
				if taken {
					out.Skipped = append(out.Skipped, profiles.SkippedPair{A: c.A, B: c.B, Reason: profiles.SkipDayTaken})
					continue
				}
				r := profiles.CollaborationRecord{Collaboration: c, State: profiles.CollaborationCounted, RecorderRole: role, Recorder: recorder, Recorded: recorded}
				if err := tx.QueryRow(ctx, `INSERT INTO collaborations (a, b, outcome, at, state, role, recorder, recorded)
					VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING seq`,
					c.A, c.B, c.Outcome, c.At, r.State, role, recorder, formatTime(recorded)).Scan(&r.ID); err != nil {
					return err
				}
				out.Events = append(out.Events, r)
			}
		}
		a.Outcome, a.OutcomeAt, a.OutcomeRecorded = outcome, at, recorded
		a.OutcomeEvents, a.OutcomeSkipped = len(out.Events), len(out.Skipped)
		if _, err := tx.Exec(ctx, `UPDATE awards SET outcome = $1, outcome_at = $2, outcome_recorded = $3, outcome_events = $4, outcome_skipped = $5
			WHERE tender = $6`, outcome, at, formatTime(recorded), a.OutcomeEvents, a.OutcomeSkipped, tender); err != nil {
			return err
		}
		out.Award = a
		if len(out.Events) == 0 {
			return nil // no trust moved: nothing cached depends on it
		}
		return bump(ctx, tx, kindCollaborations)
	})
	if err != nil {
		return profiles.AwardOutcome{}, fmt.Errorf("postgres: outcome of tender %q: %w", tender, err)
	}
	return out, nil
}

// queryAward reads tender's award in tx, or profiles.ErrNotFound.
func queryAward(ctx context.Context, tx pgx.Tx, tender string) (profiles.Award, error) {
	a := profiles.Award{Tender: tender}
	var awarded string
	var outcomeRecorded *string
	err := tx.QueryRow(ctx, `SELECT role, recorder, awarded, outcome, outcome_at, outcome_recorded, outcome_events, outcome_skipped
		FROM awards WHERE tender = $1`, tender).Scan(&a.RecorderRole, &a.Recorder, &awarded, &a.Outcome, &a.OutcomeAt,
		&outcomeRecorded, &a.OutcomeEvents, &a.OutcomeSkipped)
	if err != nil {
		return profiles.Award{}, noRows(err, profiles.ErrNotFound)
	}
	if a.Awarded, err = parseTime(awarded); err != nil {
		return profiles.Award{}, err
	}
	if a.OutcomeRecorded, err = parseOptionalTime(outcomeRecorded); err != nil {
		return profiles.Award{}, err
	}
	rows, err := tx.Query(ctx, `SELECT profile, small_or_new FROM award_members WHERE tender = $1 ORDER BY position`, tender)
	if err != nil {
		return profiles.Award{}, err
	}
	a.Members, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (profiles.AwardMember, error) {
		var m profiles.AwardMember
		err := r.Scan(&m.Profile, &m.SmallOrNew)
		return m, err
	})
	a.Members = nonNil(a.Members)
	return a, err
}

// snapshot runs fn in a read-only transaction: the statements in fn see one
// snapshot.
func (s *Store) snapshot(ctx context.Context, fn func(tx pgx.Tx) error) error {
	return pgx.BeginTxFunc(ctx, s.pool, pgx.TxOptions{AccessMode: pgx.ReadOnly, IsoLevel: pgx.RepeatableRead}, fn)
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
