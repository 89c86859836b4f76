package postgres

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"

	"samenspel/internal/idempotency"
	"samenspel/internal/profiles"
)

// The kinds of document the change counters count, beside kindProfiles.
const (
	kindTenders        = "tenders"
	kindCollaborations = "collaborations"
)

// CreateTender stores a new, open tender of owner; profiles.ErrConflict when the id
// is taken.
func (s *Store) CreateTender(ctx context.Context, t profiles.Tender, owner string, now time.Time) error {
	err := s.write(ctx, false, func(tx pgx.Tx) error {
		doc, err := json.Marshal(t)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO tenders (id, owner, created, updated, doc) VALUES ($1, $2, $3, $3, $4)`,
			t.ID, owner, formatTime(now), doc); err != nil {
			return constraint(err)
		}
		return bump(ctx, tx, kindTenders)
	})
	if err != nil {
		return fmt.Errorf("postgres: create tender %q: %w", t.ID, err)
	}
	return nil
}

// CreateTenderOnce is CreateTender for a form sent with key (the tender form's
// idempotency key): the tender and the key, kept until expires, are stored in one
// transaction, after every key expired at now is removed. When the key is kept
// already (the same form sent again), nothing is stored: it returns the id of the
// tender made under the key, and idempotency.ErrKeyUsed. The key is looked up
// before the id, so that a second sending learns of its key, not of its taken id;
// two sendings at once meet at the tender's id, and the later one, refused with
// profiles.ErrConflict, finds the key when it tries the next id.
func (s *Store) CreateTenderOnce(ctx context.Context, t profiles.Tender, owner string, now time.Time, key string, expires time.Time) (string, error) {
	kept := ""
	err := s.write(ctx, false, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `DELETE FROM tender_form_keys WHERE expires <= $1`, formatTime(now)); err != nil {
			return err
		}
		switch err := tx.QueryRow(ctx, `SELECT tender FROM tender_form_keys WHERE key = $1`, key).Scan(&kept); {
		case err == nil:
			return idempotency.ErrKeyUsed
		case !errors.Is(err, pgx.ErrNoRows):
			return err
		}
		doc, err := json.Marshal(t)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO tenders (id, owner, created, updated, doc) VALUES ($1, $2, $3, $3, $4)`,
			t.ID, owner, formatTime(now), doc); err != nil {
			return constraint(err)
		}
		if _, err := tx.Exec(ctx, `INSERT INTO tender_form_keys (key, tender, expires) VALUES ($1, $2, $3)`,
			key, t.ID, formatTime(expires)); err != nil {
			return constraint(err)
		}
		return bump(ctx, tx, kindTenders)
	})
	if errors.Is(err, idempotency.ErrKeyUsed) {
		return kept, err
	}
	if err != nil {
		return "", fmt.Errorf("postgres: create tender %q: %w", t.ID, err)
	}
	return t.ID, nil
}

// GetTender returns a tender, open or closed; profiles.ErrNotFound when there is
// none.
func (s *Store) GetTender(ctx context.Context, id string) (profiles.TenderRecord, error) {
	recs, err := queryTenders(ctx, s.pool, `SELECT `+tenderColumns+` FROM tenders WHERE id = $1`, id)
	if err == nil && len(recs) == 0 {
		err = profiles.ErrNotFound
	}
	if err != nil {
		return profiles.TenderRecord{}, fmt.Errorf("postgres: get tender %q: %w", id, err)
	}
	return recs[0], nil
}

// Tenders returns every tender, open and closed, by id.
func (s *Store) Tenders(ctx context.Context) ([]profiles.TenderRecord, error) {
	recs, err := queryTenders(ctx, s.pool, `SELECT `+tenderColumns+` FROM tenders ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("postgres: tenders: %w", err)
	}
	return recs, nil
}

// PutTender replaces the tender with t's id, keeping its owner, state and
// creation time; profiles.ErrNotFound when there is none.
func (s *Store) PutTender(ctx context.Context, t profiles.Tender, now time.Time) error {
	_, err := s.UpdateTender(ctx, t.ID, nil, now, func(profiles.TenderRecord) (profiles.Tender, error) { return t, nil })
	return err
}

// UpdateTender replaces the tender id by what change makes of its stored record,
// at now, in one transaction, keeping its owner, state and creation time, and
// returns the record as stored then. When match is not nil, the stored record's
// Version must be one of match (an If-Match), or nothing is written and the error
// is profiles.ErrChanged. An error of change is returned (wrapped) and nothing is
// written; the tender change returns must keep the id. profiles.ErrNotFound when
// there is no tender id. The stored row is locked from the read to the write, so
// that two conditional writes with the same version cannot both succeed.
func (s *Store) UpdateTender(ctx context.Context, id string, match []string, now time.Time, change func(profiles.TenderRecord) (profiles.Tender, error)) (profiles.TenderRecord, error) {
	var out profiles.TenderRecord
	err := s.write(ctx, false, func(tx pgx.Tx) error {
		recs, err := queryTenders(ctx, tx, `SELECT `+tenderColumns+` FROM tenders WHERE id = $1 FOR UPDATE`, id)
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
		stored, err := queryTenders(ctx, tx, `UPDATE tenders SET doc = $1, updated = $2 WHERE id = $3 RETURNING `+tenderColumns,
			doc, formatTime(now), id)
		if err != nil {
			return err
		}
		out = stored[0]
		return bump(ctx, tx, kindTenders)
	})
	if err != nil {
		return profiles.TenderRecord{}, fmt.Errorf("postgres: put tender %q: %w", id, err)
	}
	return out, nil
}

// CloseTender closes a tender at now. Closing a closed tender changes nothing.
// profiles.ErrNotFound when there is none.
func (s *Store) CloseTender(ctx context.Context, id string, now time.Time) error {
	err := s.write(ctx, false, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE tenders SET closed = true, updated = $1 WHERE id = $2 AND NOT closed`, formatTime(now), id)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return exists(ctx, tx, `SELECT 1 FROM tenders WHERE id = $1`, id)
		}
		return bump(ctx, tx, kindTenders)
	})
	if err != nil {
		return fmt.Errorf("postgres: close tender %q: %w", id, err)
	}
	return nil
}

// AddInterest records that profile is interested in tender. Adding it again
// changes nothing. profiles.ErrNotFound when the tender or the profile does not
// exist, profiles.ErrClosed when the tender is closed. The tender's row is locked
// (FOR SHARE) until the interest is written, so that a tender closing meanwhile
// takes none.
func (s *Store) AddInterest(ctx context.Context, tender, profile string, now time.Time) error {
	err := s.write(ctx, false, func(tx pgx.Tx) error {
		var closed bool
		err := tx.QueryRow(ctx, `SELECT closed FROM tenders WHERE id = $1 FOR SHARE`, tender).Scan(&closed)
		switch {
		case err != nil:
			return fmt.Errorf("tender: %w", noRows(err, profiles.ErrNotFound))
		case closed:
			return profiles.ErrClosed
		}
		tag, err := tx.Exec(ctx, `INSERT INTO interests (tender, profile, created) VALUES ($1, $2, $3)
			ON CONFLICT DO NOTHING`, tender, profile, formatTime(now))
		if err != nil {
			if err = constraint(err); errors.Is(err, profiles.ErrNotFound) { // the profile's foreign key
				return fmt.Errorf("profile: %w", err)
			}
			return err
		}
		if tag.RowsAffected() == 0 { // already interested
			return nil
		}
		return bump(ctx, tx, kindTenders)
	})
	if err != nil {
		return fmt.Errorf("postgres: add interest of %q in tender %q: %w", profile, tender, err)
	}
	return nil
}

// Interests returns the ids of the profiles interested in tender, by id;
// profiles.ErrNotFound when the tender does not exist.
func (s *Store) Interests(ctx context.Context, tender string) ([]string, error) {
	var out []string
	err := s.snapshot(ctx, func(tx pgx.Tx) error {
		if err := exists(ctx, tx, `SELECT 1 FROM tenders WHERE id = $1`, tender); err != nil {
			return err
		}
		rows, err := tx.Query(ctx, `SELECT profile FROM interests WHERE tender = $1 ORDER BY profile`, tender)
		if err != nil {
			return err
		}
		out, err = pgx.CollectRows(rows, pgx.RowTo[string])
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("postgres: interests in tender %q: %w", tender, err)
	}
	return nonNil(out), nil
}

// tenderColumns are the columns queryTenders reads, in its order.
const tenderColumns = `owner, closed, created, updated, doc`

// queryer is what runs a query: the pool or a transaction.
type queryer interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
}

// queryTenders runs a query of tenderColumns rows.
func queryTenders(ctx context.Context, q queryer, query string, args ...any) ([]profiles.TenderRecord, error) {
	rows, err := q.Query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (profiles.TenderRecord, error) {
		var rec profiles.TenderRecord
		var created, updated string
		var doc []byte
		if err := r.Scan(&rec.Owner, &rec.Closed, &created, &updated, &doc); err != nil {
			return rec, err
		}
		if err := json.Unmarshal(doc, &rec.Tender); err != nil {
			return rec, fmt.Errorf("decode stored tender: %w", err)
		}
		rec.Version = tenderVersion(rec.Owner, rec.Closed, created, updated, doc)
		var err error
		if rec.Created, err = parseTime(created); err != nil {
			return rec, err
		}
		rec.Updated, err = parseTime(updated)
		return rec, err
	})
	return nonNil(out), err
}

// tenderVersion identifies the stored state of a tender: a digest of its row
// (owner, state, times as stored, document as stored), 128 bits in hex. It is the
// embedded store's digest of the same row, so that a tender copied from one to
// the other keeps its version (TestTenderVersionAsEmbedded).
func tenderVersion(owner string, closed bool, created, updated string, doc []byte) string {
	h := sha256.New()
	for _, part := range [][]byte{[]byte("tender"), []byte(owner), []byte(strconv.FormatBool(closed)), []byte(created), []byte(updated), doc} {
		h.Write(part)
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil)[:16])
}

// exists returns nil when query (SELECT 1 ...) finds a row, else
// profiles.ErrNotFound.
func exists(ctx context.Context, tx pgx.Tx, query string, args ...any) error {
	var one int
	return noRows(tx.QueryRow(ctx, query, args...).Scan(&one), profiles.ErrNotFound)
}

// timeLayout keeps an instant as the instant domain of the schema does:
// fixed-width UTC text, to the nanosecond, sorted as text in time order (the
// embedded store's layout).
const timeLayout = "2006-01-02T15:04:05.000000000Z"

func formatTime(t time.Time) string { return t.UTC().Format(timeLayout) }

func parseTime(s string) (time.Time, error) { return time.Parse(timeLayout, s) }

// optionalTime is t as stored, or NULL for the zero time (never).
func optionalTime(t time.Time) *string {
	if t.IsZero() {
		return nil
	}
	s := formatTime(t)
	return &s
}

// parseOptionalTime reads what optionalTime stored.
func parseOptionalTime(s *string) (time.Time, error) {
	if s == nil {
		return time.Time{}, nil
	}
	return parseTime(*s)
}
