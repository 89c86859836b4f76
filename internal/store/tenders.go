package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"

	"samenspel/internal/idempotency"
	"samenspel/internal/profiles"
)

// CreateTender stores a new, open tender of owner. It returns ErrConflict when the
// id is taken.
func (s *Store) CreateTender(ctx context.Context, t profiles.Tender, owner string, now time.Time) error {
	err := s.write(ctx, func(tx *sql.Tx) error {
		doc, err := json.Marshal(t)
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO tenders (id, owner, created, updated, doc) VALUES (?, ?, ?, ?, ?)`,
			t.ID, owner, formatTime(now), formatTime(now), doc)
		if err != nil {
			return constraint(err)
		}
		return bump(ctx, tx, kindTenders)
	})
	if err != nil {
		return fmt.Errorf("store: create tender %q: %w", t.ID, err)
	}
	return nil
}

// CreateTenderOnce is CreateTender for a form sent with key (the tender form's
// idempotency key): the tender and the key, kept until expires, are stored in one
// transaction, after every key expired at now is removed. When the key is kept
// already (the same form sent again), nothing is stored: it returns the id of the
// tender made under the key, and idempotency.ErrKeyUsed. The key is looked up
// before the id, so that a second sending learns of its key, not of its taken id.
func (s *Store) CreateTenderOnce(ctx context.Context, t profiles.Tender, owner string, now time.Time, key string, expires time.Time) (string, error) {
	kept := ""
	err := s.write(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM tender_form_keys WHERE expires <= ?`, formatTime(now)); err != nil {
			return err
		}
		switch err := tx.QueryRowContext(ctx, `SELECT tender FROM tender_form_keys WHERE key = ?`, key).Scan(&kept); {
		case err == nil:
			return idempotency.ErrKeyUsed
		case !errors.Is(err, sql.ErrNoRows):
			return err
		}
		doc, err := json.Marshal(t)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO tenders (id, owner, created, updated, doc) VALUES (?, ?, ?, ?, ?)`,
			t.ID, owner, formatTime(now), formatTime(now), doc); err != nil {
			return constraint(err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO tender_form_keys (key, tender, expires) VALUES (?, ?, ?)`,
			key, t.ID, formatTime(expires)); err != nil {
			return constraint(err)
		}
		return bump(ctx, tx, kindTenders)
	})
	if errors.Is(err, idempotency.ErrKeyUsed) {
		return kept, err
	}
	if err != nil {
		return "", fmt.Errorf("store: create tender %q: %w", t.ID, err)
	}
	return t.ID, nil
}

// GetTender returns a tender, open or closed. It returns ErrNotFound when there is
// none.
func (s *Store) GetTender(ctx context.Context, id string) (profiles.TenderRecord, error) {
	recs, err := queryTenders(ctx, s.reader, `SELECT owner, closed, created, updated, doc FROM tenders WHERE id = ?`, id)
	if err == nil && len(recs) == 0 {
		err = profiles.ErrNotFound
	}
	if err != nil {
		return profiles.TenderRecord{}, fmt.Errorf("store: get tender %q: %w", id, err)
	}
	return recs[0], nil
}

// Tenders returns every tender, open and closed, by id.
func (s *Store) Tenders(ctx context.Context) ([]profiles.TenderRecord, error) {
	recs, err := queryTenders(ctx, s.reader, `SELECT owner, closed, created, updated, doc FROM tenders ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("store: tenders: %w", err)
	}
	return recs, nil
}

// PutTender replaces the tender with t's id, keeping its owner, state and creation
// time. It returns ErrNotFound when there is none.
func (s *Store) PutTender(ctx context.Context, t profiles.Tender, now time.Time) error {
	_, err := s.UpdateTender(ctx, t.ID, nil, now, func(profiles.TenderRecord) (profiles.Tender, error) { return t, nil })
	return err
}

// UpdateTender replaces the tender id by what change makes of its stored record,
// at now, in one transaction, keeping its owner, state and creation time, and
// returns the record as stored then. When match is not nil, the stored record's
// Version must be one of match (an If-Match), or nothing is written and the error
// is ErrChanged. An error of change is returned (wrapped) and nothing is written;
// the tender change returns must keep the id. It returns ErrNotFound when there
// is no tender id.
func (s *Store) UpdateTender(ctx context.Context, id string, match []string, now time.Time, change func(profiles.TenderRecord) (profiles.Tender, error)) (profiles.TenderRecord, error) {
	var out profiles.TenderRecord
	err := s.write(ctx, func(tx *sql.Tx) error {
		recs, err := queryTenders(ctx, tx, `SELECT owner, closed, created, updated, doc FROM tenders WHERE id = ?`, id)
		if err != nil {
			return err
		}
		if len(recs) == 0 {
			return profiles.ErrNotFound
		}
		if match != nil && !slices.Contains(match, recs[0].Version) {
			return profiles.ErrChanged
		}
		t, err := change(recs[0])
		if err != nil {
			return err
		}
		if t.ID != id {
			return fmt.Errorf("the new document has id %q", t.ID)
		}
		doc, err := json.Marshal(t)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE tenders SET doc = ?, updated = ? WHERE id = ?`, doc, formatTime(now), id); err != nil {
			return err
		}
		stored, err := queryTenders(ctx, tx, `SELECT owner, closed, created, updated, doc FROM tenders WHERE id = ?`, id)
		if err != nil {
			return err
		}
		out = stored[0]
		return bump(ctx, tx, kindTenders)
	})
	if err != nil {
		return profiles.TenderRecord{}, fmt.Errorf("store: put tender %q: %w", id, err)
	}
	return out, nil
}

// CloseTender closes a tender at now. Closing a closed tender changes nothing. It
// returns ErrNotFound when there is none.
func (s *Store) CloseTender(ctx context.Context, id string, now time.Time) error {
	err := s.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE tenders SET closed = 1, updated = ? WHERE id = ? AND closed = 0`, formatTime(now), id)
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		if err != nil {
			return err
		}
		if n == 0 {
			return exists(ctx, tx, `SELECT 1 FROM tenders WHERE id = ?`, id)
		}
		return bump(ctx, tx, kindTenders)
	})
	if err != nil {
		return fmt.Errorf("store: close tender %q: %w", id, err)
	}
	return nil
}

// AddInterest records that profile is interested in tender. Adding it again
// changes nothing. It returns ErrNotFound when the tender or the profile does not
// exist, and ErrClosed when the tender is closed.
func (s *Store) AddInterest(ctx context.Context, tender, profile string, now time.Time) error {
	err := s.write(ctx, func(tx *sql.Tx) error {
		var closed bool
		err := tx.QueryRowContext(ctx, `SELECT closed FROM tenders WHERE id = ?`, tender).Scan(&closed)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			return fmt.Errorf("tender: %w", profiles.ErrNotFound)
		case err != nil:
			return err
		case closed:
			return profiles.ErrClosed // in the write's transaction: a tender closing meanwhile takes none
		}
		if err := exists(ctx, tx, `SELECT 1 FROM profiles WHERE id = ?`, profile); err != nil {
			return fmt.Errorf("profile: %w", err)
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO interests (tender, profile, created) VALUES (?, ?, ?)
			ON CONFLICT DO NOTHING`, tender, profile, formatTime(now))
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		if err != nil || n == 0 { // n == 0: already interested
			return err
		}
		return bump(ctx, tx, kindTenders)
	})
	if err != nil {
		return fmt.Errorf("store: add interest of %q in tender %q: %w", profile, tender, err)
	}
	return nil
}

// Interests returns the ids of the profiles interested in tender, by id. It
// returns ErrNotFound when the tender does not exist.
func (s *Store) Interests(ctx context.Context, tender string) ([]string, error) {
	out := []string{}
	err := s.read(ctx, func(tx *sql.Tx) error {
		if err := exists(ctx, tx, `SELECT 1 FROM tenders WHERE id = ?`, tender); err != nil {
			return err
		}
		rows, err := tx.QueryContext(ctx, `SELECT profile FROM interests WHERE tender = ? ORDER BY profile`, tender)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var id string
			if err := rows.Scan(&id); err != nil {
				return err
			}
			out = append(out, id)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("store: interests in tender %q: %w", tender, err)
	}
	return out, nil
}

// tenderVersion identifies the stored state of a tender: a digest of its row
// (owner, state, times, document). Every write that changes what GetTender returns
// changes it.
func tenderVersion(owner string, closed bool, created, updated string, doc []byte) string {
	h := sha256.New()
	for _, part := range [][]byte{[]byte("tender"), []byte(owner), []byte(strconv.FormatBool(closed)), []byte(created), []byte(updated), doc} {
		h.Write(part)
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil)[:versionBytes])
}

// exists returns nil when query (SELECT 1 ...) finds a row, else ErrNotFound.
func exists(ctx context.Context, tx *sql.Tx, query string, args ...any) error {
	var one int
	err := tx.QueryRowContext(ctx, query, args...).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return profiles.ErrNotFound
	}
	return err
}

// queryTenders runs a query of (owner, closed, created, updated, doc) rows.
func queryTenders(ctx context.Context, q queryer, query string, args ...any) ([]profiles.TenderRecord, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []profiles.TenderRecord{}
	for rows.Next() {
		var owner, created, updated string
		var closed bool
		var doc []byte
		if err := rows.Scan(&owner, &closed, &created, &updated, &doc); err != nil {
			return nil, err
		}
		rec, err := tenderRecord(owner, closed, created, updated, doc)
		if err != nil {
			return nil, err
		}
		out = append(out, rec)
	}
	return out, rows.Err()
}

// tenderRecord is the record of a tender row's owner, state, times and document.
func tenderRecord(owner string, closed bool, created, updated string, doc []byte) (profiles.TenderRecord, error) {
	rec := profiles.TenderRecord{Owner: owner, Closed: closed, Version: tenderVersion(owner, closed, created, updated, doc)}
	if err := json.Unmarshal(doc, &rec.Tender); err != nil {
		return profiles.TenderRecord{}, fmt.Errorf("decode stored tender: %w", err)
	}
	var err error
	if rec.Created, err = parseTime(created); err != nil {
		return profiles.TenderRecord{}, err
	}
	if rec.Updated, err = parseTime(updated); err != nil {
		return profiles.TenderRecord{}, err
	}
	return rec, nil
}
