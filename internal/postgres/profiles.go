package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"samenspel/internal/profiles"
)

// CreateProfile stores a new profile; profiles.ErrConflict when the id is taken.
// Like every profile write it records the change in the change log in the same
// transaction and stamps the profile as written now and not stale (p.Stale is
// ignored).
func (s *Store) CreateProfile(ctx context.Context, p profiles.Profile) error {
	err := s.write(ctx, true, func(tx pgx.Tx) error {
		w := s.writer(tx)
		if err := w.insert(ctx, p); err != nil {
			return err
		}
		return bump(ctx, tx, kindProfiles)
	})
	if err != nil {
		return fmt.Errorf("postgres: create profile %q: %w", p.ID, err)
	}
	return nil
}

// UpsertProfiles creates or replaces every profile of ps in one transaction: all
// are stored or none. A later profile with the same id as an earlier one replaces
// it (and counts as updated). It is the indexer's import.
func (s *Store) UpsertProfiles(ctx context.Context, ps []profiles.Profile) (created, updated int, err error) {
	if len(ps) == 0 {
		return 0, 0, nil
	}
	err = s.write(ctx, true, func(tx pgx.Tx) error {
		var err error
		if created, updated, _, err = s.writer(tx).upsertMany(ctx, ps, nil); err != nil {
			return err
		}
		return bump(ctx, tx, kindProfiles)
	})
	if err != nil {
		return 0, 0, fmt.Errorf("postgres: upsert %d profiles: %w", len(ps), err)
	}
	s.analyzed(ctx, len(ps))
	return created, updated, nil
}

// GetProfile returns the whole profile, contact and private fields included (the
// caller decides who sees them), Stale set; profiles.ErrNotFound when there is none.
func (s *Store) GetProfile(ctx context.Context, id string) (profiles.Profile, error) {
	var doc []byte
	var stale *time.Time
	err := s.pool.QueryRow(ctx, `SELECT doc, stale_since FROM profiles WHERE id = $1`, id).Scan(&doc, &stale)
	var p profiles.Profile
	if err = noRows(err, profiles.ErrNotFound); err == nil {
		p, err = decodeProfile(doc)
		p.Stale = stale != nil
	}
	if err != nil {
		return profiles.Profile{}, fmt.Errorf("postgres: get profile %q: %w", id, err)
	}
	return p, nil
}

// DeleteProfile removes a profile with its index rows; profiles.ErrNotFound when
// there is none. Its change is recorded as a deletion.
func (s *Store) DeleteProfile(ctx context.Context, id string) error {
	err := s.write(ctx, true, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `DELETE FROM profiles WHERE id = $1`, id)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return profiles.ErrNotFound
		}
		// Its webhook goes by reference; its notifications name it only, and a
		// partner registering the id later must not inherit them.
		if _, err := tx.Exec(ctx, `DELETE FROM notifications WHERE profile = $1`, id); err != nil {
			return err
		}
		if err := s.writer(tx).changed(ctx, id, true); err != nil {
			return err
		}
		return bump(ctx, tx, kindProfiles)
	})
	if err != nil {
		return fmt.Errorf("postgres: delete profile %q: %w", id, err)
	}
	return nil
}

// Candidates returns the candidates of t (SPEC §3), whole, by id: the profiles
// not in t.Exclude with an area that overlaps one of t.Area (one contains or
// equals the other) and at least one of the instruments t needs. A stale profile
// is no candidate until its owner confirms it.
func (s *Store) Candidates(ctx context.Context, t profiles.Tender) ([]profiles.Profile, error) {
	var parents, needs []string
	for _, a := range t.Area {
		parents = append(parents, profiles.AreaParents(a)...)
	}
	for _, n := range t.Needs {
		needs = append(needs, n.Instrument)
	}
	ps, err := s.queryProfiles(ctx, `SELECT p.doc FROM profiles p
		WHERE p.pk IN (
			SELECT profile FROM profile_area_parents WHERE area = ANY($1)
			UNION
			SELECT profile FROM profile_area_parents WHERE own AND area = ANY($2))
		AND p.pk IN (SELECT profile FROM profile_instruments WHERE instrument = ANY($3))
		AND NOT (p.id = ANY($4))
		AND p.stale_since IS NULL
		ORDER BY p.id`,
		nonNil(t.Area), nonNil(parents), nonNil(needs), nonNil(t.Exclude))
	if err != nil {
		return nil, fmt.Errorf("postgres: candidates of tender %q: %w", t.ID, err)
	}
	return ps, nil
}

// MarkStale marks every profile last written or confirmed before before, and not
// stale yet, as stale since now, and returns their ids, sorted (none: an empty
// list), recording each change and bumping the profiles counter when it marked
// any, in one transaction.
func (s *Store) MarkStale(ctx context.Context, before, now time.Time) ([]string, error) {
	ids := []string{}
	err := s.write(ctx, true, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, `UPDATE profiles SET stale_since = $1
			WHERE updated < $2 AND stale_since IS NULL RETURNING id`, now.UTC(), before.UTC())
		if err != nil {
			return err
		}
		if ids, err = pgx.CollectRows(rows, pgx.RowTo[string]); err != nil {
			return err
		}
		if len(ids) == 0 {
			return nil
		}
		slices.Sort(ids)
		w := s.writer(tx)
		for _, id := range ids {
			if err := w.changed(ctx, id, false); err != nil {
				return err
			}
		}
		return bump(ctx, tx, kindProfiles)
	})
	if err != nil {
		return nil, fmt.Errorf("postgres: mark profiles written before %s stale: %w", before.UTC().Format(time.RFC3339), err)
	}
	return ids, nil
}

// ConfirmProfile records that the profile's owner confirmed at now that it is
// current: it counts as written at now and is stale no longer; when it was stale
// its change is recorded and the profiles counter bumped. profiles.ErrNotFound when
// there is no such profile.
func (s *Store) ConfirmProfile(ctx context.Context, id string, now time.Time) error {
	err := s.write(ctx, true, func(tx pgx.Tx) error {
		var wasStale bool
		err := tx.QueryRow(ctx, `UPDATE profiles p SET updated = $2, stale_since = NULL
			FROM (SELECT pk, stale_since IS NOT NULL AS stale FROM profiles WHERE id = $1 FOR UPDATE) old
			WHERE p.pk = old.pk RETURNING old.stale`, id, now.UTC()).Scan(&wasStale)
		if err = noRows(err, profiles.ErrNotFound); err != nil || !wasStale {
			return err
		}
		if err := s.writer(tx).changed(ctx, id, false); err != nil {
			return err
		}
		return bump(ctx, tx, kindProfiles)
	})
	if err != nil {
		return fmt.Errorf("postgres: confirm profile %q: %w", id, err)
	}
	return nil
}

// profileWriter writes profiles and their index rows in one transaction.
type profileWriter struct {
	tx      pgx.Tx
	labels  labeler
	updated time.Time // when every profile this writer stores counts as written
}

func (s *Store) writer(tx pgx.Tx) *profileWriter {
	// PostgreSQL keeps microseconds: the stamp is cut to what it keeps, so that
	// what a write returns is what a read finds.
	return &profileWriter{tx: tx, labels: s.labels, updated: s.now().UTC().Truncate(time.Microsecond)}
}

// insert stores a new profile with its index rows; profiles.ErrConflict when the id
// is taken.
func (w *profileWriter) insert(ctx context.Context, p profiles.Profile) error {
	doc, err := encodeProfile(p)
	if err != nil {
		return err
	}
	name, labels, description := w.words(p)
	var pk int64
	err = w.tx.QueryRow(ctx, `INSERT INTO profiles (id, kind, size, doc, updated, name_words, label_words, description_words)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING pk`,
		p.ID, p.Kind, p.Size, doc, w.updated, name, labels, description).Scan(&pk)
	if err != nil {
		return constraint(err)
	}
	if err := w.changed(ctx, p.ID, false); err != nil {
		return err
	}
	return w.index(ctx, pk, p)
}

// words is what the full-text search finds a profile by: its name, the labels of
// its instruments and themes, and its description, each folded.
func (w *profileWriter) words(p profiles.Profile) (name, labels, description string) {
	return fold(p.Name), fold(w.labels.text(p)), fold(p.Description)
}

// changed records in the change log that the profile id was stored or deleted,
// with a number above every number taken before.
func (w *profileWriter) changed(ctx context.Context, id string, deleted bool) error {
	_, err := w.tx.Exec(ctx, `INSERT INTO profile_changes (seq, id, deleted)
		VALUES (nextval('profile_change_numbers'), $1, $2)
		ON CONFLICT (id) DO UPDATE SET seq = EXCLUDED.seq, deleted = EXCLUDED.deleted`, id, deleted)
	return err
}

// index writes the index rows of p, stored under pk: its areas with every area
// that contains one, its instruments and its themes, each in one statement.
func (w *profileWriter) index(ctx context.Context, pk int64, p profiles.Profile) error {
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
	areas := slices.Sorted(maps.Keys(own))
	owns := make([]bool, len(areas))
	for i, a := range areas {
		owns[i] = own[a]
	}
	codes := slices.Sorted(maps.Keys(p.Instruments))
	levels := make([]float64, len(codes))
	for i, c := range codes {
		levels[i] = p.Instruments[c]
	}
	batch := &pgx.Batch{}
	batch.Queue(`INSERT INTO profile_area_parents (area, own, profile) SELECT a, o, $3 FROM unnest($1::text[], $2::bool[]) AS x(a, o)`, areas, owns, pk)
	batch.Queue(`INSERT INTO profile_instruments (instrument, level, profile) SELECT c, l, $3 FROM unnest($1::text[], $2::float8[]) AS x(c, l)`, codes, levels, pk)
	batch.Queue(`INSERT INTO profile_themes (theme, profile) SELECT DISTINCT t, $2::bigint FROM unnest($1::text[]) AS t ON CONFLICT DO NOTHING`, nonNil(p.Themes), pk)
	return w.tx.SendBatch(ctx, batch).Close()
}

// queryProfiles runs a query whose one column is a profile document and decodes
// each, in order. No rows is an empty, non-nil list.
func (s *Store) queryProfiles(ctx context.Context, query string, args ...any) ([]profiles.Profile, error) {
	rows, err := s.pool.Query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (profiles.Profile, error) {
		var doc []byte
		if err := r.Scan(&doc); err != nil {
			return profiles.Profile{}, err
		}
		return decodeProfile(doc)
	})
	if out == nil && err == nil {
		out = []profiles.Profile{}
	}
	return out, err
}

// encodeProfile is the stored document of p: Stale is the store's to say, not
// the document's.
func encodeProfile(p profiles.Profile) ([]byte, error) {
	p.Stale = false
	return json.Marshal(p)
}

func decodeProfile(doc []byte) (profiles.Profile, error) {
	var p profiles.Profile
	if err := json.Unmarshal(doc, &p); err != nil {
		return profiles.Profile{}, fmt.Errorf("decode stored profile: %w", err)
	}
	return p, nil
}

// constraint maps a unique violation to profiles.ErrConflict and a missing
// referenced row to profiles.ErrNotFound. Other errors pass.
func constraint(err error) error {
	var pe *pgconn.PgError
	if !errors.As(err, &pe) {
		return err
	}
	switch pe.Code {
	case "23505": // unique_violation
		return profiles.ErrConflict
	case "23503": // foreign_key_violation
		return profiles.ErrNotFound
	}
	return err
}

// nonNil is xs, or an empty list for nil: pgx sends nil as NULL, and
// "x = ANY(NULL)" is never true but neither is its NOT.
func nonNil[T any](xs []T) []T {
	if xs == nil {
		return []T{}
	}
	return xs
}

// labeler gives the words of a profile's instruments and themes: each code with
// its Dutch and English label.
type labeler struct{ instruments, themes map[string]string }

func newLabeler(tax *profiles.Taxonomy) labeler {
	words := func(terms []profiles.Term) map[string]string {
		m := make(map[string]string, len(terms))
		for _, t := range terms {
			m[t.Code] = t.Code + " " + t.NL + " " + t.EN
		}
		return m
	}
	if tax == nil {
		return labeler{}
	}
	return labeler{instruments: words(tax.Instruments), themes: words(tax.Themes)}
}

// text is the words of p's instruments (in code order) and themes; a code outside
// the taxonomy is itself.
func (l labeler) text(p profiles.Profile) string {
	var parts []string
	add := func(m map[string]string, code string) {
		if words, ok := m[code]; ok {
			parts = append(parts, words)
		} else {
			parts = append(parts, code)
		}
	}
	for _, code := range slices.Sorted(maps.Keys(p.Instruments)) {
		add(l.instruments, code)
	}
	for _, code := range p.Themes {
		add(l.themes, code)
	}
	return strings.Join(parts, " ")
}
