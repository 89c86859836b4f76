package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"samenspel/internal/profiles"
)

// SeedIfEmpty stores seed when the store holds no profile and no tender, all in one
// transaction, and reports whether it did. Processes that start together on one
// data directory (replicas sharing a volume) seed it once: the others find it
// filled. The store does not check the seed (callers validate), except that ids
// must be unique.
func (s *Store) SeedIfEmpty(ctx context.Context, seed profiles.Seed, now time.Time) (bool, error) {
	seeded := false
	err := s.write(ctx, func(tx *sql.Tx) error {
		var empty bool
		if err := tx.QueryRowContext(ctx,
			`SELECT NOT EXISTS (SELECT 1 FROM profiles) AND NOT EXISTS (SELECT 1 FROM tenders)`).Scan(&empty); err != nil {
			return err
		}
		if !empty {
			return nil
		}
		w, err := s.newProfileWriter(ctx, tx, now)
		if err != nil {
			return err
		}
		defer w.close()
		for _, p := range seed.Profiles {
			if err := w.insert(ctx, p); err != nil {
				return fmt.Errorf("profile %q: %w", p.ID, err)
			}
		}
		if err := w.flush(ctx); err != nil {
			return err
		}
		if err := insertCounted(ctx, tx, seed.Collaborations); err != nil {
			return err
		}
		for _, t := range seed.Tenders {
			doc, err := json.Marshal(t)
			if err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO tenders (id, owner, created, updated, doc) VALUES (?, ?, ?, ?, ?)`,
				t.ID, seed.Owner, formatTime(now), formatTime(now), doc); err != nil {
				return fmt.Errorf("tender %q: %w", t.ID, constraint(err))
			}
		}
		for _, kind := range []string{kindProfiles, kindCollaborations, kindTenders} {
			if err := bump(ctx, tx, kind); err != nil {
				return err
			}
		}
		seeded = true
		return nil
	})
	if err != nil {
		return false, fmt.Errorf("store: seed: %w", err)
	}
	return seeded, nil
}
