package postgres

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"

	"samenspel/internal/profiles"
)

// GetProfileRecord returns the whole profile with when it was last written or
// confirmed and since when it is stale, and the version of that state (as the
// embedded store computes it); profiles.ErrNotFound when there is none.
func (s *Store) GetProfileRecord(ctx context.Context, id string) (profiles.Record, error) {
	var doc []byte
	var updated time.Time
	var staleSince *time.Time
	err := s.pool.QueryRow(ctx, `SELECT doc, updated, stale_since FROM profiles WHERE id = $1`, id).
		Scan(&doc, &updated, &staleSince)
	var rec profiles.Record
	if err = noRows(err, profiles.ErrNotFound); err == nil {
		rec, err = profileRecord(doc, updated, staleSince)
	}
	if err != nil {
		return profiles.Record{}, fmt.Errorf("postgres: get profile record %q: %w", id, err)
	}
	return rec, nil
}

// profileRecord is the record of a profile row's doc, updated and stale_since.
// Its version is the embedded store's digest of the same state: the document as
// the store encodes it, and the two instants in the embedded store's layout.
func profileRecord(doc []byte, updated time.Time, staleSince *time.Time) (profiles.Record, error) {
	p, err := decodeProfile(doc)
	if err != nil {
		return profiles.Record{}, err
	}
	encoded, err := encodeProfile(p) // as the store encodes it now (a doc stored as jsonb before migration 4 kept neither order nor spacing)
	if err != nil {
		return profiles.Record{}, err
	}
	rec := profiles.Record{Profile: p, Updated: updated.UTC()}
	stale := ""
	if staleSince != nil {
		rec.StaleSince = staleSince.UTC()
		rec.Profile.Stale = true
		stale = formatTime(rec.StaleSince)
	}
	rec.Version = profileVersion(encoded, formatTime(rec.Updated), stale)
	return rec, nil
}

// profileVersion identifies the stored state of a profile: the embedded store's
// digest (store's profileVersion) of its document, when it was written and since
// when it is stale, so that a version taken from one store names the same state
// in the other.
func profileVersion(doc []byte, updated, staleSince string) string {
	h := sha256.New()
	for _, part := range [][]byte{[]byte("profile"), doc, []byte(updated), []byte(staleSince)} {
		h.Write(part)
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil)[:16])
}

// PutProfile replaces the profile with p's id; profiles.ErrNotFound when there is
// none.
func (s *Store) PutProfile(ctx context.Context, p profiles.Profile) error {
	_, err := s.UpdateProfile(ctx, p.ID, nil, func(profiles.Record) (profiles.Profile, error) { return p, nil })
	return err
}

// UpdateProfile replaces the profile id by what change makes of its stored
// record, in one transaction, and returns the record as stored then. When match
// is not nil, the stored record's Version must be one of match (an If-Match), or
// nothing is written and the error is profiles.ErrChanged. An error of change is
// returned (wrapped) and nothing is written; the profile change returns must
// keep the id. profiles.ErrNotFound when there is no profile id. Like every profile
// write it records the change and stamps the profile as written now and not
// stale.
func (s *Store) UpdateProfile(ctx context.Context, id string, match []string, change func(profiles.Record) (profiles.Profile, error)) (profiles.Record, error) {
	var out profiles.Record
	err := s.write(ctx, true, func(tx pgx.Tx) error {
		var doc []byte
		var updated time.Time
		var staleSince *time.Time
		err := tx.QueryRow(ctx, `SELECT doc, updated, stale_since FROM profiles WHERE id = $1 FOR UPDATE`, id).
			Scan(&doc, &updated, &staleSince)
		if err = noRows(err, profiles.ErrNotFound); err != nil {
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
		w := s.writer(tx)
		if _, _, _, err := w.upsertMany(ctx, []profiles.Profile{p}, nil); err != nil {
			return err
		}
		stored, err := encodeProfile(p)
		if err != nil {
			return err
		}
		if out, err = profileRecord(stored, w.updated, nil); err != nil {
			return err
		}
		return bump(ctx, tx, kindProfiles)
	})
	if err != nil {
		return profiles.Record{}, fmt.Errorf("postgres: put profile %q: %w", id, err)
	}
	return out, nil
}

// UpsertProfilesKeeping is UpsertProfiles for documents that cannot carry every
// field of a profile: a profile that replaces a stored one is first handed, with
// the stored one, to keep, which returns what to store and whether it kept
// anything of the stored one; kept counts those. The stored profile is read in
// the same transaction. A nil keep keeps nothing.
func (s *Store) UpsertProfilesKeeping(ctx context.Context, ps []profiles.Profile, keep func(stored, p profiles.Profile) (profiles.Profile, bool)) (created, updated, kept int, err error) {
	if len(ps) == 0 {
		return 0, 0, 0, nil
	}
	err = s.write(ctx, true, func(tx pgx.Tx) error {
		var err error
		if created, updated, kept, err = s.writer(tx).upsertMany(ctx, ps, keep); err != nil {
			return err
		}
		return bump(ctx, tx, kindProfiles)
	})
	if err != nil {
		return 0, 0, 0, fmt.Errorf("postgres: upsert %d profiles: %w", len(ps), err)
	}
	s.analyzed(ctx, len(ps))
	return created, updated, kept, nil
}

// Profiles returns every profile, whole (Stale set), by id.
func (s *Store) Profiles(ctx context.Context) ([]profiles.Profile, error) {
	rows, err := s.pool.Query(ctx, `SELECT doc, stale_since IS NOT NULL FROM profiles ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("postgres: profiles: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (profiles.Profile, error) {
		var doc []byte
		var stale bool
		if err := r.Scan(&doc, &stale); err != nil {
			return profiles.Profile{}, err
		}
		p, err := decodeProfile(doc)
		p.Stale = stale
		return p, err
	})
	if err != nil {
		return nil, fmt.Errorf("postgres: profiles: %w", err)
	}
	return nonNil(out), nil
}

// Empty reports whether the store holds no profile and no tender: a first
// start, which the server fills with the shipped examples.
func (s *Store) Empty(ctx context.Context) (bool, error) {
	var empty bool
	err := s.pool.QueryRow(ctx,
		`SELECT NOT EXISTS (SELECT 1 FROM profiles) AND NOT EXISTS (SELECT 1 FROM tenders)`).Scan(&empty)
	if err != nil {
		return false, fmt.Errorf("postgres: empty: %w", err)
	}
	return empty, nil
}

// Versions returns the current change counters: those of every write committed
// before the call, by any replica. Index is 0: the store never sets it.
func (s *Store) Versions(ctx context.Context) (profiles.Versions, error) {
	var v profiles.Versions
	err := s.pool.QueryRow(ctx, `SELECT
		coalesce((SELECT n FROM versions WHERE kind = $1), 0),
		coalesce((SELECT n FROM versions WHERE kind = $2), 0),
		coalesce((SELECT n FROM versions WHERE kind = $3), 0)`,
		kindProfiles, kindTenders, kindCollaborations).Scan(&v.Profiles, &v.Tenders, &v.Collaborations)
	if err != nil {
		return profiles.Versions{}, fmt.Errorf("postgres: versions: %w", err)
	}
	return v, nil
}
