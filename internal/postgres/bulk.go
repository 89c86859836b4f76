package postgres

import (
	"context"
	"fmt"
	"maps"
	"slices"

	"github.com/jackc/pgx/v5"

	"samenspel/internal/profiles"
)

// bulkChunk is how many profiles one round of upsertMany writes: a few statements
// a chunk, whatever its size, instead of a few a profile (round trips, not rows,
// are what a write of 50,000 profiles costs).
const bulkChunk = 1000

// upsertMany creates or replaces ps, in order, in chunks of bulkChunk profiles, each
// chunk in a fixed few statements, whatever its size: find the stored ones, insert
// the new, update the others, record the changes, rebuild the index rows. A profile whose id comes
// again later in ps starts a new chunk, so that the later one wins as it would
// written one by one.
//
// With keep, a profile that replaces a stored one is first handed, with the stored
// one, to keep, which returns what to store and whether it kept anything of the
// stored one; kept counts those.
func (w *profileWriter) upsertMany(ctx context.Context, ps []profiles.Profile, keep func(stored, p profiles.Profile) (profiles.Profile, bool)) (created, updated, kept int, err error) {
	for len(ps) > 0 {
		n, seen := 0, make(map[string]bool, min(len(ps), bulkChunk))
		for n < len(ps) && n < bulkChunk && !seen[ps[n].ID] {
			seen[ps[n].ID] = true
			n++
		}
		c, u, k, err := w.upsertChunk(ctx, ps[:n], keep)
		created, updated, kept = created+c, updated+u, kept+k
		if err != nil {
			return created, updated, kept, err
		}
		ps = ps[n:]
	}
	return created, updated, kept, nil
}

// upsertChunk is upsertMany of profiles with distinct ids.
func (w *profileWriter) upsertChunk(ctx context.Context, ps []profiles.Profile, keep func(stored, p profiles.Profile) (profiles.Profile, bool)) (created, updated, kept int, err error) {
	ids := make([]string, len(ps))
	for i, p := range ps {
		ids[i] = p.ID
	}
	pks := make(map[string]int64, len(ps))
	docs := map[string][]byte{}
	query := `SELECT id, pk, NULL::json FROM profiles WHERE id = ANY($1::text[])`
	if keep != nil {
		query = `SELECT id, pk, doc FROM profiles WHERE id = ANY($1::text[])`
	}
	rows, err := w.tx.Query(ctx, query, ids)
	if err != nil {
		return 0, 0, 0, err
	}
	for rows.Next() {
		var id string
		var pk int64
		var doc []byte
		if err := rows.Scan(&id, &pk, &doc); err != nil {
			rows.Close()
			return 0, 0, 0, err
		}
		pks[id] = pk
		if keep != nil {
			docs[id] = doc
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, 0, 0, err
	}
	if keep != nil {
		ps = slices.Clone(ps)
		for i, p := range ps {
			doc, ok := docs[p.ID]
			if !ok {
				continue
			}
			stored, err := decodeProfile(doc)
			if err != nil {
				return 0, 0, 0, fmt.Errorf("profile %q: %w", p.ID, err)
			}
			var some bool
			if ps[i], some = keep(stored, p); some {
				kept++
			}
		}
	}

	type columns struct {
		ids, kinds, sizes, names, labels, descriptions []string
		docs                                           [][]byte
		pks                                            []int64
	}
	var fresh, stored columns
	for _, p := range ps {
		doc, err := encodeProfile(p)
		if err != nil {
			return 0, 0, 0, fmt.Errorf("profile %q: %w", p.ID, err)
		}
		name, labels, description := w.words(p)
		c := &fresh
		if pk, ok := pks[p.ID]; ok {
			c = &stored
			c.pks = append(c.pks, pk)
		}
		c.ids, c.kinds, c.sizes = append(c.ids, p.ID), append(c.kinds, p.Kind), append(c.sizes, p.Size)
		c.docs, c.names = append(c.docs, doc), append(c.names, name)
		c.labels, c.descriptions = append(c.labels, labels), append(c.descriptions, description)
	}
	if len(fresh.ids) > 0 {
		rows, err := w.tx.Query(ctx, `INSERT INTO profiles (id, kind, size, doc, updated, name_words, label_words, description_words)
			SELECT id, kind, size, doc, $5, n, l, d
			FROM unnest($1::text[], $2::text[], $3::text[], $4::json[], $6::text[], $7::text[], $8::text[]) AS x(id, kind, size, doc, n, l, d)
			RETURNING id, pk`,
			fresh.ids, fresh.kinds, fresh.sizes, fresh.docs, w.updated, fresh.names, fresh.labels, fresh.descriptions)
		if err != nil {
			return 0, 0, 0, constraint(err)
		}
		for rows.Next() {
			var id string
			var pk int64
			if err := rows.Scan(&id, &pk); err != nil {
				rows.Close()
				return 0, 0, 0, err
			}
			pks[id] = pk
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return 0, 0, 0, constraint(err)
		}
	}
	batch := &pgx.Batch{}
	if len(stored.ids) > 0 {
		batch.Queue(`UPDATE profiles SET kind = x.kind, size = x.size, doc = x.doc, updated = $5, stale_since = NULL,
				name_words = x.n, label_words = x.l, description_words = x.d
			FROM unnest($1::bigint[], $2::text[], $3::text[], $4::json[], $6::text[], $7::text[], $8::text[]) AS x(pk, kind, size, doc, n, l, d)
			WHERE profiles.pk = x.pk`,
			stored.pks, stored.kinds, stored.sizes, stored.docs, w.updated, stored.names, stored.labels, stored.descriptions)
		for _, table := range []string{"profile_area_parents", "profile_instruments", "profile_themes"} {
			batch.Queue(`DELETE FROM `+table+` WHERE profile = ANY($1::bigint[])`, stored.pks)
		}
	}
	// The change log, numbered in the order of ps.
	batch.Queue(`INSERT INTO profile_changes (seq, id, deleted)
		SELECT nextval('profile_change_numbers'), id, false FROM unnest($1::text[]) WITH ORDINALITY AS x(id, n) ORDER BY n
		ON CONFLICT (id) DO UPDATE SET seq = EXCLUDED.seq, deleted = EXCLUDED.deleted`, ids)
	var areaPKs, instrumentPKs, themePKs []int64
	var areas, codes, themes []string
	var owns []bool
	var levels []float64
	for _, p := range ps {
		pk := pks[p.ID]
		own := make(map[string]bool, 4*len(p.Areas))
		for _, a := range p.Areas {
			own[a] = true
		}
		for _, a := range p.Areas {
			for _, parent := range profiles.AreaParents(a)[1:] {
				if _, seen := own[parent]; !seen {
					own[parent] = false
				}
			}
		}
		for _, a := range slices.Sorted(maps.Keys(own)) {
			areaPKs, areas, owns = append(areaPKs, pk), append(areas, a), append(owns, own[a])
		}
		for _, c := range slices.Sorted(maps.Keys(p.Instruments)) {
			instrumentPKs, codes, levels = append(instrumentPKs, pk), append(codes, c), append(levels, p.Instruments[c])
		}
		done := make(map[string]bool, len(p.Themes))
		for _, t := range p.Themes {
			if !done[t] {
				done[t] = true
				themePKs, themes = append(themePKs, pk), append(themes, t)
			}
		}
	}
	batch.Queue(`INSERT INTO profile_area_parents (area, own, profile) SELECT * FROM unnest($1::text[], $2::bool[], $3::bigint[])`, nonNil(areas), nonNil(owns), nonNil(areaPKs))
	batch.Queue(`INSERT INTO profile_instruments (instrument, level, profile) SELECT * FROM unnest($1::text[], $2::float8[], $3::bigint[])`, nonNil(codes), nonNil(levels), nonNil(instrumentPKs))
	batch.Queue(`INSERT INTO profile_themes (theme, profile) SELECT * FROM unnest($1::text[], $2::bigint[])`, nonNil(themes), nonNil(themePKs))
	if err := w.tx.SendBatch(ctx, batch).Close(); err != nil {
		return 0, 0, 0, err
	}
	return len(fresh.ids), len(stored.ids), kept, nil
}

// analyzeAfter is how many profiles one write must hold for the store to refresh
// the planner's statistics of the profile tables after it: a first import of a
// city's profiles is searched at once, before autovacuum would look, and without
// statistics the candidates of a tender took twice as long.
const analyzeAfter = 5000

// analyzed refreshes the statistics of the profile tables after a write of n
// profiles, when n is at least analyzeAfter. It is an optimisation: a failure is
// no failure of the write, which has committed.
func (s *Store) analyzed(ctx context.Context, n int) {
	if n < analyzeAfter {
		return
	}
	_, _ = s.pool.Exec(ctx, `ANALYZE profiles, profile_area_parents, profile_instruments, profile_themes`)
}

// Analyze refreshes the planner's statistics of every table of the store, as
// autovacuum does in its own time: after a bulk copy into an empty database
// (matcher migrate, a benchmark's data), so that its first queries plan well.
func (s *Store) Analyze(ctx context.Context) error {
	if _, err := s.pool.Exec(ctx, `ANALYZE`); err != nil {
		return fmt.Errorf("postgres: analyze: %w", err)
	}
	return nil
}
