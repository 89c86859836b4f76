package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"time"

	"samenspel/internal/profiles"
)

// Stale profiles. A profile that its owner has not written or confirmed for 12
// months may describe a partner that no longer offers what it says: the weekly job
// marks it stale (MarkStale), and a stale profile is no candidate for any tender
// until its owner confirms it (ConfirmProfile) or writes it again. It stays
// findable in the public search: partners look each other up by name, and a stale
// profile is still the partner's own. Every profile write stamps the profile as
// written at the store's clock and not stale (profiles.go); the profiles stored
// before the store knew this count as written at the upgrade.
//
// Marking and confirming change whether a profile is a candidate, so each records
// the profile's change in the change log (the search index learns it through
// ChangesSince, which sets profiles.Profile.Stale) and bumps the profiles counter
// (cached answers move on), in one transaction.

// GetProfileRecord returns the whole profile with when it was last written or
// confirmed and since when it is stale, for the profile's page and its owner. It
// returns ErrNotFound when there is none.
func (s *Store) GetProfileRecord(ctx context.Context, id string) (profiles.Record, error) {
	var doc []byte
	var updated, staleSince string
	err := s.reader.QueryRowContext(ctx, `SELECT doc, updated, stale_since FROM profiles WHERE id = ?`, id).
		Scan(&doc, &updated, &staleSince)
	if errors.Is(err, sql.ErrNoRows) {
		err = profiles.ErrNotFound
	}
	var rec profiles.Record
	if err == nil {
		rec, err = profileRecord(doc, updated, staleSince)
	}
	if err != nil {
		return profiles.Record{}, fmt.Errorf("store: get profile record %q: %w", id, err)
	}
	return rec, nil
}

// profileRecord is the record of a profile row's doc, updated and stale_since.
func profileRecord(doc []byte, updated, staleSince string) (profiles.Record, error) {
	rec := profiles.Record{Version: profileVersion(doc, updated, staleSince)}
	var err error
	if rec.Profile, err = decodeStoredProfile(doc, staleSince); err != nil {
		return profiles.Record{}, err
	}
	if rec.Updated, err = parseOptionalTime(updated); err != nil {
		return profiles.Record{}, err
	}
	if rec.StaleSince, err = parseOptionalTime(staleSince); err != nil {
		return profiles.Record{}, err
	}
	return rec, nil
}

// MarkStale marks every profile last written or confirmed before before, and not
// stale yet, as stale since now, and returns their ids, sorted (none: an empty
// list). It records each one's change in the change log and, when it marked any,
// bumps the profiles counter, all in one transaction. A profile already stale keeps
// the time it became so. The weekly job calls it with StaleBefore(now).
func (s *Store) MarkStale(ctx context.Context, before, now time.Time) ([]string, error) {
	ids := []string{}
	err := s.write(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `UPDATE profiles SET stale_since = ?
			WHERE updated < ? AND stale_since = '' RETURNING id`, formatTime(now), formatTime(before))
		if err != nil {
			return err
		}
		for rows.Next() {
			var id string
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return err
			}
			ids = append(ids, id)
		}
		if err := errors.Join(rows.Err(), rows.Close()); err != nil {
			return err
		}
		if len(ids) == 0 {
			return nil
		}
		slices.Sort(ids)
		// In id order, as migration 2 recorded the profiles it found: a consumer
		// applies them in a predictable order.
		record, err := tx.PrepareContext(ctx, recordChangeQuery)
		if err != nil {
			return err
		}
		defer record.Close()
		for _, id := range ids {
			if _, err := record.ExecContext(ctx, id, false); err != nil {
				return err
			}
		}
		return bump(ctx, tx, kindProfiles)
	})
	if err != nil {
		return nil, fmt.Errorf("store: mark profiles written before %s stale: %w", formatTime(before), err)
	}
	return ids, nil
}

// ConfirmProfile records that the profile's owner confirmed at now that it is
// current: it counts as written at now and is stale no longer. When it was stale,
// its change is recorded in the change log and the profiles counter bumped (it is a
// candidate again); confirming a profile that was not stale changes nothing anyone
// else reads, so it records nothing more. It returns ErrNotFound when there is no
// such profile.
func (s *Store) ConfirmProfile(ctx context.Context, id string, now time.Time) error {
	err := s.write(ctx, func(tx *sql.Tx) error {
		var staleSince string
		err := tx.QueryRowContext(ctx, `SELECT stale_since FROM profiles WHERE id = ?`, id).Scan(&staleSince)
		if errors.Is(err, sql.ErrNoRows) {
			return profiles.ErrNotFound
		}
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE profiles SET updated = ?, stale_since = '' WHERE id = ?`,
			formatTime(now), id); err != nil {
			return err
		}
		if staleSince == "" {
			return nil
		}
		if _, err := tx.ExecContext(ctx, recordChangeQuery, id, false); err != nil {
			return err
		}
		return bump(ctx, tx, kindProfiles)
	})
	if err != nil {
		return fmt.Errorf("store: confirm profile %q: %w", id, err)
	}
	return nil
}

// parseOptionalTime parses a stored instant; "" is the zero time.
func parseOptionalTime(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	return parseTime(s)
}
