package postgres

import (
	"context"
	"encoding/json"
	"fmt"
	"samenspel/internal/profiles"
	"time"

	"github.com/jackc/pgx/v5"
)

// SeedIfEmpty stores seed when the database holds no profile and no tender, all in
// one transaction, and reports whether it did. Replicas that start together on one
// database seed it once: the transaction holds the lock of profile writes, so the
// others find it filled. The store does not check the seed (callers validate),
// except that ids must be unique (profiles.ErrConflict).
func (s *Store) SeedIfEmpty(ctx context.Context, seed profiles.Seed, now time.Time) (bool, error) {
	seeded := false
	err := s.write(ctx, true, func(tx pgx.Tx) error {
		var empty bool
		if err := tx.QueryRow(ctx,
			`SELECT NOT EXISTS (SELECT 1 FROM profiles) AND NOT EXISTS (SELECT 1 FROM tenders)`).Scan(&empty); err != nil {
			return err
		}
		if !empty {
			return nil
		}
		w := s.writer(tx)
		w.updated = now.UTC().Truncate(time.Microsecond) // the seed's own time, as the embedded store
		if _, _, _, err := w.upsertMany(ctx, seed.Profiles, nil); err != nil {
			return err
		}
		if err := lockCollaborations(ctx, tx); err != nil {
			return err
		}
		batch := &pgx.Batch{}
		for _, c := range seed.Collaborations {
			batch.Queue(`INSERT INTO collaborations (a, b, outcome, at, state) VALUES ($1, $2, $3, $4, $5)`,
				c.A, c.B, c.Outcome, c.At, profiles.CollaborationCounted)
		}
		for _, t := range seed.Tenders {
			doc, err := json.Marshal(t)
			if err != nil {
				return err
			}
			batch.Queue(`INSERT INTO tenders (id, owner, created, updated, doc) VALUES ($1, $2, $3, $3, $4)`,
				t.ID, seed.Owner, formatTime(now), doc)
		}
		if err := tx.SendBatch(ctx, batch).Close(); err != nil {
			return constraint(err)
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
		return false, fmt.Errorf("postgres: seed: %w", err)
	}
	return seeded, nil
}
