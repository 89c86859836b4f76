package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"time"

	"samenspel/internal/profiles"
)

// CreateProfile stores a new profile. It returns ErrConflict when the id is taken.
// Like every profile write, it records the change in the change log (ChangesSince)
// in the same transaction, and stamps the profile as written now and not stale
// (p.Stale is ignored).
func (s *Store) CreateProfile(ctx context.Context, p profiles.Profile) error {
	err := s.write(ctx, func(tx *sql.Tx) error {
		w, err := s.newProfileWriter(ctx, tx, s.now())
		if err != nil {
			return err
		}
		defer w.close()
		if err := w.insert(ctx, p); err != nil {
			return err
		}
		if err := w.flush(ctx); err != nil {
			return err
		}
		return bump(ctx, tx, kindProfiles)
	})
	if err != nil {
		return fmt.Errorf("store: create profile %q: %w", p.ID, err)
	}
	return nil
}

// PutProfile replaces the profile with p's id. It returns ErrNotFound when there is
// none.
func (s *Store) PutProfile(ctx context.Context, p profiles.Profile) error {
	_, err := s.UpdateProfile(ctx, p.ID, nil, func(profiles.Record) (profiles.Profile, error) { return p, nil })
	return err
}

// UpdateProfile replaces the profile id by what change makes of its stored record,
// in one transaction, and returns the record as stored then. When match is not
// nil, the stored record's Version must be one of match (an If-Match), or nothing
// is written and the error is ErrChanged. An error of change is returned (wrapped)
// and nothing is written; the profile change returns must keep the id. It returns
// ErrNotFound when there is no profile id. Like every profile write it records the
// change and stamps the profile as written now and not stale.
func (s *Store) UpdateProfile(ctx context.Context, id string, match []string, change func(profiles.Record) (profiles.Profile, error)) (profiles.Record, error) {
	var out profiles.Record
	err := s.write(ctx, func(tx *sql.Tx) error {
		var pk int64
		var doc []byte
		var updated, staleSince string
		err := tx.QueryRowContext(ctx, `SELECT pk, doc, updated, stale_since FROM profiles WHERE id = ?`, id).
			Scan(&pk, &doc, &updated, &staleSince)
		if errors.Is(err, sql.ErrNoRows) {
			return profiles.ErrNotFound
		}
		if err != nil {
			return err
		}
		rec, err := profileRecord(doc, updated, staleSince)
		if err != nil {
			return err
		}
		if match != nil && !slices.Contains(match, rec.Version) {
			return profiles.ErrChanged
		}
		p, err := change(rec)
		if err != nil {
			return err
		}
		if p.ID != id {
			return fmt.Errorf("the new document has id %q", p.ID)
		}
		w, err := s.newProfileWriter(ctx, tx, s.now())
		if err != nil {
			return err
		}
		defer w.close()
		if err := w.replace(ctx, pk, p); err != nil {
			return err
		}
		if err := w.flush(ctx); err != nil {
			return err
		}
		stored, err := json.Marshal(p)
		if err != nil {
			return err
		}
		if out, err = profileRecord(stored, w.updated, ""); err != nil {
			return err
		}
		return bump(ctx, tx, kindProfiles)
	})
	if err != nil {
		return profiles.Record{}, fmt.Errorf("store: put profile %q: %w", id, err)
	}
	return out, nil
}

// profileVersion identifies the stored state of a profile: a digest of its row as
// GetProfileRecord reads it (the document, when it was written, since when it is
// stale). Every write that changes what GetProfileRecord returns changes it. It
// is no secret from the profile's owner and admins, who see the whole row; others
// are never shown it (the API tags their views by what they are shown).
func profileVersion(doc []byte, updated, staleSince string) string {
	h := sha256.New()
	for _, part := range [][]byte{[]byte("profile"), doc, []byte(updated), []byte(staleSince)} {
		h.Write(part)
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil)[:versionBytes])
}

// versionBytes is how many bytes of its digest a version keeps: 128 bits, more
// than enough to tell the states of one document apart.
const versionBytes = 16

// UpsertProfiles creates or replaces every profile of ps in one transaction: all
// are stored or none. A later profile with the same id as an earlier one replaces
// it (and counts as updated). It is the indexer's import.
func (s *Store) UpsertProfiles(ctx context.Context, ps []profiles.Profile) (created, updated int, err error) {
	created, updated, _, err = s.UpsertProfilesKeeping(ctx, ps, nil)
	return created, updated, err
}

// UpsertProfilesKeeping is UpsertProfiles for documents that cannot carry every
// field of a profile (a CSV file has no private notes): a profile that replaces a
// stored one is first handed, with the stored one, to keep, which returns what to
// store and whether it kept anything of the stored one; kept counts those. The
// stored profile is read in the same transaction, so nothing written in between
// is lost. A nil keep keeps nothing.
func (s *Store) UpsertProfilesKeeping(ctx context.Context, ps []profiles.Profile, keep func(stored, p profiles.Profile) (profiles.Profile, bool)) (created, updated, kept int, err error) {
	if len(ps) == 0 {
		return 0, 0, 0, nil
	}
	err = s.write(ctx, func(tx *sql.Tx) error {
		w, err := s.newProfileWriter(ctx, tx, s.now())
		if err != nil {
			return err
		}
		defer w.close()
		for _, p := range ps {
			pk, err := w.lookup(ctx, p.ID)
			switch {
			case errors.Is(err, profiles.ErrNotFound):
				err = w.insert(ctx, p)
				created++
			case err == nil && keep != nil:
				var stored profiles.Profile
				if stored, err = w.stored(ctx, pk); err != nil {
					break
				}
				var some bool
				if p, some = keep(stored, p); some {
					kept++
				}
				err = w.replace(ctx, pk, p)
				updated++
			case err == nil:
				err = w.replace(ctx, pk, p)
				updated++
			}
			if err != nil {
				return fmt.Errorf("profile %q: %w", p.ID, err)
			}
		}
		if err := w.flush(ctx); err != nil {
			return err
		}
		return bump(ctx, tx, kindProfiles)
	})
	if err != nil {
		return 0, 0, 0, fmt.Errorf("store: upsert %d profiles: %w", len(ps), err)
	}
	return created, updated, kept, nil
}

// GetProfile returns the whole profile, contact and private fields included: the
// caller decides who sees them. It returns ErrNotFound when there is none.
func (s *Store) GetProfile(ctx context.Context, id string) (profiles.Profile, error) {
	var doc []byte
	var staleSince string
	err := s.reader.QueryRowContext(ctx, `SELECT doc, stale_since FROM profiles WHERE id = ?`, id).Scan(&doc, &staleSince)
	if errors.Is(err, sql.ErrNoRows) {
		err = profiles.ErrNotFound
	}
	var p profiles.Profile
	if err == nil {
		p, err = decodeStoredProfile(doc, staleSince)
	}
	if err != nil {
		return profiles.Profile{}, fmt.Errorf("store: get profile %q: %w", id, err)
	}
	return p, nil
}

// DeleteProfile removes a profile with its expressions of interest and the tokens
// that name it (so that whoever registers the id next does not inherit them). It
// returns ErrNotFound when there is none. Collaboration events stay: they are
// history.
func (s *Store) DeleteProfile(ctx context.Context, id string) error {
	err := s.write(ctx, func(tx *sql.Tx) error {
		w, err := s.newProfileWriter(ctx, tx, s.now())
		if err != nil {
			return err
		}
		defer w.close()
		pk, err := w.lookup(ctx, id)
		if err != nil {
			return err
		}
		if err := w.unindex(ctx, pk); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM profiles WHERE pk = ?`, pk); err != nil {
			return err
		}
		// What the partner left behind goes with it: a partner registering the id
		// later must not inherit its webhook (and signing secret) or its
		// first-appearance history.
		for _, q := range []string{`DELETE FROM webhooks WHERE profile = ?`, `DELETE FROM notifications WHERE profile = ?`} {
			if _, err := tx.ExecContext(ctx, q, id); err != nil {
				return err
			}
		}
		if err := w.changed(ctx, id, true); err != nil {
			return err
		}
		if err := w.flush(ctx); err != nil {
			return err
		}
		return bump(ctx, tx, kindProfiles)
	})
	if err != nil {
		return fmt.Errorf("store: delete profile %q: %w", id, err)
	}
	return nil
}

// Profiles returns every profile, whole (Stale set), by id.
func (s *Store) Profiles(ctx context.Context) ([]profiles.Profile, error) {
	out := []profiles.Profile{}
	err := func() error {
		rows, err := s.reader.QueryContext(ctx, `SELECT doc, stale_since FROM profiles ORDER BY id`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var doc []byte
			var staleSince string
			if err := rows.Scan(&doc, &staleSince); err != nil {
				return err
			}
			p, err := decodeStoredProfile(doc, staleSince)
			if err != nil {
				return err
			}
			out = append(out, p)
		}
		return rows.Err()
	}()
	if err != nil {
		return nil, fmt.Errorf("store: profiles: %w", err)
	}
	return out, nil
}

// Candidates returns the candidates of t (SPEC §3), whole, by id: the profiles not
// in t.Exclude with an area that overlaps one of t.Area (one contains or equals the
// other) and at least one of the instruments t needs. A stale profile is no
// candidate until its owner confirms it (MarkStale).
func (s *Store) Candidates(ctx context.Context, t profiles.Tender) ([]profiles.Profile, error) {
	var parents, needs []string
	for _, a := range t.Area {
		parents = append(parents, profiles.AreaParents(a)...)
	}
	for _, n := range t.Needs {
		needs = append(needs, n.Instrument)
	}
	ps, err := queryProfiles(ctx, s.reader, `SELECT p.doc FROM profiles p
		WHERE p.pk IN (
			SELECT profile FROM profile_area_parents WHERE area IN (SELECT value FROM json_each(?))
			UNION
			SELECT profile FROM profile_area_parents WHERE own = 1 AND area IN (SELECT value FROM json_each(?)))
		AND p.pk IN (SELECT profile FROM profile_instruments WHERE instrument IN (SELECT value FROM json_each(?)))
		AND p.id NOT IN (SELECT value FROM json_each(?))
		AND p.stale_since = ''
		ORDER BY p.id`,
		jsonList(t.Area), jsonList(parents), jsonList(needs), jsonList(t.Exclude))
	if err != nil {
		return nil, fmt.Errorf("store: candidates of tender %q: %w", t.ID, err)
	}
	return ps, nil
}

// profileWriter writes profiles and their index rows with statements prepared once
// per transaction, so that an import of many profiles parses each only once.
//
// It holds the full-text rows back until flush. FTS5 writes its pending terms to
// disk at every statement savepoint, and nearly every other statement opens one:
// interleaved, an import of n profiles would write n tiny index segments and then
// merge them, several times slower than writing them together at the end.
type profileWriter struct {
	labels labeler
	stmts  []*sql.Stmt
	// updated is when every profile this writer stores counts as last written.
	updated string

	texts map[int64]textRow // full-text rows to insert at flush, by profile key
	stale []int64           // profile keys whose stored full-text row flush deletes first

	lookupPK, lookupDoc, insertDoc, updateDoc    *sql.Stmt
	recordChange                                 *sql.Stmt
	insertArea, insertInstrument, insertTheme    *sql.Stmt
	insertText                                   *sql.Stmt
	deleteAreas, deleteInstruments, deleteThemes *sql.Stmt
	deleteText                                   *sql.Stmt
}

// newProfileWriter returns a writer in tx whose profiles count as written at now,
// and not stale.
func (s *Store) newProfileWriter(ctx context.Context, tx *sql.Tx, now time.Time) (*profileWriter, error) {
	w := &profileWriter{labels: s.labels, texts: map[int64]textRow{}, updated: formatTime(now)}
	for _, st := range []struct {
		stmt  **sql.Stmt
		query string
	}{
		{&w.lookupPK, `SELECT pk FROM profiles WHERE id = ?`},
		{&w.lookupDoc, `SELECT doc FROM profiles WHERE pk = ?`},
		{&w.insertDoc, `INSERT INTO profiles (id, kind, size, doc, updated, stale_since) VALUES (?, ?, ?, ?, ?, '') RETURNING pk`},
		{&w.updateDoc, `UPDATE profiles SET kind = ?, size = ?, doc = ?, updated = ?, stale_since = '' WHERE pk = ?`},
		{&w.recordChange, recordChangeQuery},
		{&w.insertArea, `INSERT INTO profile_area_parents (area, own, profile) VALUES (?, ?, ?)`},
		{&w.insertInstrument, `INSERT INTO profile_instruments (instrument, profile, level) VALUES (?, ?, ?)`},
		{&w.insertTheme, `INSERT INTO profile_themes (theme, profile) VALUES (?, ?) ON CONFLICT DO NOTHING`},
		{&w.insertText, `INSERT INTO profile_fts (rowid, name, description, labels) VALUES (?, ?, ?, ?)`},
		{&w.deleteAreas, `DELETE FROM profile_area_parents WHERE profile = ?`},
		{&w.deleteInstruments, `DELETE FROM profile_instruments WHERE profile = ?`},
		{&w.deleteThemes, `DELETE FROM profile_themes WHERE profile = ?`},
		{&w.deleteText, `DELETE FROM profile_fts WHERE rowid = ?`},
	} {
		stmt, err := tx.PrepareContext(ctx, st.query)
		if err != nil {
			w.close()
			return nil, err
		}
		*st.stmt = stmt
		w.stmts = append(w.stmts, stmt)
	}
	return w, nil
}

func (w *profileWriter) close() {
	for _, stmt := range w.stmts {
		stmt.Close()
	}
}

// lookup returns the key of the profile with id, or ErrNotFound.
func (w *profileWriter) lookup(ctx context.Context, id string) (int64, error) {
	var pk int64
	err := w.lookupPK.QueryRowContext(ctx, id).Scan(&pk)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, profiles.ErrNotFound
	}
	return pk, err
}

// stored returns the profile stored under pk.
func (w *profileWriter) stored(ctx context.Context, pk int64) (profiles.Profile, error) {
	var doc []byte
	if err := w.lookupDoc.QueryRowContext(ctx, pk).Scan(&doc); err != nil {
		return profiles.Profile{}, err
	}
	return decodeProfile(doc)
}

// insert stores a new profile with its index rows; ErrConflict when the id is taken.
func (w *profileWriter) insert(ctx context.Context, p profiles.Profile) error {
	doc, err := json.Marshal(p)
	if err != nil {
		return err
	}
	var pk int64
	if err := w.insertDoc.QueryRowContext(ctx, p.ID, p.Kind, p.Size, doc, w.updated).Scan(&pk); err != nil {
		return constraint(err)
	}
	if err := w.changed(ctx, p.ID, false); err != nil {
		return err
	}
	return w.index(ctx, pk, p)
}

// replace overwrites the profile stored under pk and rebuilds its index rows. The
// row itself is updated, not deleted, so that nothing referring to it cascades.
func (w *profileWriter) replace(ctx context.Context, pk int64, p profiles.Profile) error {
	doc, err := json.Marshal(p)
	if err != nil {
		return err
	}
	if _, err := w.updateDoc.ExecContext(ctx, p.Kind, p.Size, doc, w.updated, pk); err != nil {
		return err
	}
	if err := w.changed(ctx, p.ID, false); err != nil {
		return err
	}
	if err := w.unindex(ctx, pk); err != nil {
		return err
	}
	return w.index(ctx, pk, p)
}

// recordChangeQuery records the change of a profile (id, deleted) in the change
// log. REPLACE drops the profile's earlier change and AUTOINCREMENT gives the new one
// a number above every number taken: the log keeps one row per profile.
const recordChangeQuery = `INSERT OR REPLACE INTO profile_changes (id, deleted) VALUES (?, ?)`

// changed records in the change log that the profile id was stored or deleted.
func (w *profileWriter) changed(ctx context.Context, id string, deleted bool) error {
	_, err := w.recordChange.ExecContext(ctx, id, deleted)
	return err
}

// index writes the index rows of p, stored under pk.
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
	for area, isOwn := range own {
		if _, err := w.insertArea.ExecContext(ctx, area, isOwn, pk); err != nil {
			return err
		}
	}
	for code, level := range p.Instruments {
		if _, err := w.insertInstrument.ExecContext(ctx, code, pk, level); err != nil {
			return err
		}
	}
	for _, code := range p.Themes {
		if _, err := w.insertTheme.ExecContext(ctx, code, pk); err != nil {
			return err
		}
	}
	w.texts[pk] = textRow{name: p.Name, description: p.Description, labels: w.labels.text(p)}
	return nil
}

// textRow is one row of profile_fts.
type textRow struct{ name, description, labels string }

// unindex removes the index rows of the profile stored under pk (its full-text row
// at flush).
func (w *profileWriter) unindex(ctx context.Context, pk int64) error {
	for _, stmt := range []*sql.Stmt{w.deleteAreas, w.deleteInstruments, w.deleteThemes} {
		if _, err := stmt.ExecContext(ctx, pk); err != nil {
			return err
		}
	}
	delete(w.texts, pk)
	w.stale = append(w.stale, pk)
	return nil
}

// flush writes the full-text rows held back since the writer was made. Every
// successful use of a writer ends with it.
func (w *profileWriter) flush(ctx context.Context) error {
	for _, pk := range w.stale {
		if _, err := w.deleteText.ExecContext(ctx, pk); err != nil {
			return err
		}
	}
	for _, pk := range slices.Sorted(maps.Keys(w.texts)) {
		t := w.texts[pk]
		if _, err := w.insertText.ExecContext(ctx, pk, t.name, t.description, t.labels); err != nil {
			return err
		}
	}
	w.stale, w.texts = nil, map[int64]textRow{}
	return nil
}

// queryer is what both *sql.DB and *sql.Tx offer for reading.
type queryer interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// queryProfiles runs a query whose one column is a profile document and decodes
// each, in order. No rows is an empty, non-nil list.
func queryProfiles(ctx context.Context, q queryer, query string, args ...any) ([]profiles.Profile, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []profiles.Profile{}
	for rows.Next() {
		var doc []byte
		if err := rows.Scan(&doc); err != nil {
			return nil, err
		}
		p, err := decodeProfile(doc)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

func decodeProfile(doc []byte) (profiles.Profile, error) {
	var p profiles.Profile
	if err := json.Unmarshal(doc, &p); err != nil {
		return profiles.Profile{}, fmt.Errorf("decode stored profile: %w", err)
	}
	return p, nil
}

// decodeStoredProfile decodes a profile read whole with its stale_since column:
// Stale is set when the profile is stale.
func decodeStoredProfile(doc []byte, staleSince string) (profiles.Profile, error) {
	p, err := decodeProfile(doc)
	p.Stale = err == nil && staleSince != ""
	return p, err
}

// jsonList encodes xs as a JSON array for json_each: one bound parameter for a list
// of any length.
func jsonList(xs []string) string {
	data, _ := json.Marshal(nonNil(xs)) // a []string always encodes
	return string(data)
}
