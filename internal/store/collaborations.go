package store

import (
	"context"
	"database/sql"
	"fmt"

	"samenspel/internal/profiles"
)

// AddCollaboration appends one collaboration event. Events are kept in the order
// they were added, which breaks ties between events of the same date (SPEC §4).
func (s *Store) AddCollaboration(ctx context.Context, c profiles.Collaboration) error {
	if err := s.addCollaborations(ctx, []profiles.Collaboration{c}); err != nil {
		return fmt.Errorf("store: add collaboration %s–%s: %w", c.A, c.B, err)
	}
	return nil
}

// AddCollaborations appends events in their order, in one transaction: all are
// added or none.
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
		stmt, err := tx.PrepareContext(ctx, `INSERT INTO collaborations (a, b, outcome, at) VALUES (?, ?, ?, ?)`)
		if err != nil {
			return err
		}
		defer stmt.Close()
		for _, c := range cs {
			if _, err := stmt.ExecContext(ctx, c.A, c.B, c.Outcome, c.At); err != nil {
				return err
			}
		}
		return bump(ctx, tx, kindCollaborations)
	})
}

// Collaborations returns every event in the order it was added.
func (s *Store) Collaborations(ctx context.Context) ([]profiles.Collaboration, error) {
	rows, err := s.reader.QueryContext(ctx, `SELECT a, b, outcome, at FROM collaborations ORDER BY seq`)
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
