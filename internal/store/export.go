package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"samenspel/internal/auth"
	"samenspel/internal/profiles"
	"samenspel/internal/webhook"
)

// The export: what another store needs to take over from this one (`matcher
// migrate`), every stored field of each record, read in one read transaction so
// that the records agree with each other (an interest's tender and profile, a
// token's profile, an award's tender are all in it). The notifications go too,
// so that a partner is not told again of a tender it was told of. It leaves out
// what is made again or lives briefly: the index rows and the change log (the
// importer builds its own), the job runs, leases and cursors, the stored
// suggestions (the next recompute makes them, fenced by the new store's runs),
// the first answers of registrations, and the pages' sessions and keys.

// Exists reports whether dir holds an embedded store (its database file), without
// creating anything: Open would create an empty one.
func Exists(dir string) (bool, error) {
	_, err := os.Stat(filepath.Join(dir, fileName))
	switch {
	case err == nil:
		return true, nil
	case errors.Is(err, os.ErrNotExist):
		return false, nil
	default:
		return false, fmt.Errorf("store: %w", err)
	}
}

// ExportCounts are how many records of each kind an export holds.
type ExportCounts struct {
	Profiles, Tenders, Interests, Tokens, Awards, Collaborations, Ideas, Webhooks, Notifications int
}

// Export is one read transaction over the store (Store.Export): every method
// reads the same state.
type Export struct{ tx *sql.Tx }

// Export runs fn with an Export: the reads in fn see one snapshot of the store,
// whatever other processes write meanwhile.
func (s *Store) Export(ctx context.Context, fn func(x *Export) error) error {
	if err := s.read(ctx, func(tx *sql.Tx) error { return fn(&Export{tx: tx}) }); err != nil {
		return fmt.Errorf("store: export: %w", err)
	}
	return nil
}

// Counts returns how many records of each kind the export holds.
func (x *Export) Counts(ctx context.Context) (ExportCounts, error) {
	var c ExportCounts
	err := x.tx.QueryRowContext(ctx, `SELECT
		(SELECT count(*) FROM profiles), (SELECT count(*) FROM tenders), (SELECT count(*) FROM interests),
		(SELECT count(*) FROM tokens), (SELECT count(*) FROM awards), (SELECT count(*) FROM collaborations),
		(SELECT count(*) FROM ideas), (SELECT count(*) FROM webhooks), (SELECT count(*) FROM notifications)`).
		Scan(&c.Profiles, &c.Tenders, &c.Interests, &c.Tokens, &c.Awards, &c.Collaborations, &c.Ideas, &c.Webhooks, &c.Notifications)
	return c, err
}

// each runs query and hands every row to scan, in order; an error of scan stops
// it.
func (x *Export) each(ctx context.Context, query string, scan func(rows *sql.Rows) error) error {
	rows, err := x.tx.QueryContext(ctx, query)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := scan(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

// Profiles hands fn every profile record, whole (contact and private included),
// with when it was last written and since when it is stale, by id.
func (x *Export) Profiles(ctx context.Context, fn func(profiles.Record) error) error {
	return x.each(ctx, `SELECT doc, updated, stale_since FROM profiles ORDER BY id`, func(rows *sql.Rows) error {
		var doc []byte
		var updated, staleSince string
		if err := rows.Scan(&doc, &updated, &staleSince); err != nil {
			return err
		}
		rec, err := profileRecord(doc, updated, staleSince)
		if err != nil {
			return err
		}
		return fn(rec)
	})
}

// Tenders hands fn every tender as stored, open and closed, by id.
func (x *Export) Tenders(ctx context.Context, fn func(profiles.StoredTender) error) error {
	return x.each(ctx, `SELECT owner, closed, created, updated, doc FROM tenders ORDER BY id`, func(rows *sql.Rows) error {
		var owner, created, updated string
		var closed bool
		var doc []byte
		if err := rows.Scan(&owner, &closed, &created, &updated, &doc); err != nil {
			return err
		}
		rec, err := tenderRecord(owner, closed, created, updated, doc)
		if err != nil {
			return err
		}
		return fn(profiles.StoredTender{TenderRecord: rec, Doc: doc})
	})
}

// Interests hands fn every expression of interest, by tender and profile.
func (x *Export) Interests(ctx context.Context, fn func(profiles.Interest) error) error {
	return x.each(ctx, `SELECT tender, profile, created FROM interests ORDER BY tender, profile`, func(rows *sql.Rows) error {
		var i profiles.Interest
		var created string
		if err := rows.Scan(&i.Tender, &i.Profile, &created); err != nil {
			return err
		}
		var err error
		if i.Created, err = parseTime(created); err != nil {
			return err
		}
		return fn(i)
	})
}

// Tokens hands fn every token (its hash, never a secret) with its lifetime, by
// hash.
func (x *Export) Tokens(ctx context.Context, fn func(auth.Token) error) error {
	return x.each(ctx, `SELECT `+tokenColumns+` FROM `+tokenTable+` ORDER BY t.hash`, func(rows *sql.Rows) error {
		t, err := scanToken(rows)
		if err != nil {
			return err
		}
		return fn(t)
	})
}

// Awards hands fn every award with its members and outcome, by tender.
func (x *Export) Awards(ctx context.Context, fn func(profiles.Award) error) error {
	var tenders []string
	err := x.each(ctx, `SELECT tender FROM awards ORDER BY tender`, func(rows *sql.Rows) error {
		var t string
		err := rows.Scan(&t)
		tenders = append(tenders, t)
		return err
	})
	if err != nil {
		return err
	}
	for _, t := range tenders {
		a, err := queryAward(ctx, x.tx, t)
		if err != nil {
			return err
		}
		if err := fn(a); err != nil {
			return err
		}
	}
	return nil
}

// Collaborations hands fn every collaboration event in every state, with its id,
// recorder and times, in the order they were added.
func (x *Export) Collaborations(ctx context.Context, fn func(profiles.CollaborationRecord) error) error {
	rs, err := queryCollaborations(ctx, x.tx, `ORDER BY c.seq`)
	if err != nil {
		return err
	}
	for _, r := range rs {
		if err := fn(r); err != nil {
			return err
		}
	}
	return nil
}

// Ideas hands fn every idea with its receipt (id, digest, time), by id.
func (x *Export) Ideas(ctx context.Context, fn func(profiles.Idea) error) error {
	return x.each(ctx, `SELECT id, profile, sha256, text, created FROM ideas ORDER BY id`, func(rows *sql.Rows) error {
		i, err := scanIdea(rows)
		if err != nil {
			return err
		}
		return fn(i)
	})
}

// Webhooks hands fn every partner's webhook, secret included, by profile.
func (x *Export) Webhooks(ctx context.Context, fn func(webhook.Webhook) error) error {
	return x.each(ctx, `SELECT profile, url, secret, created FROM webhooks ORDER BY profile`, func(rows *sql.Rows) error {
		var w webhook.Webhook
		var created string
		if err := rows.Scan(&w.Profile, &w.URL, &w.Secret, &created); err != nil {
			return err
		}
		var err error
		if w.Created, err = parseTime(created); err != nil {
			return err
		}
		return fn(w)
	})
}

// Notifications hands fn every notification with its run, rank and delivery, by
// id.
func (x *Export) Notifications(ctx context.Context, fn func(webhook.Notification) error) error {
	ns, err := queryNotifications(ctx, x.tx, `SELECT `+notificationColumns+` FROM notifications ORDER BY id`)
	if err != nil {
		return err
	}
	for _, n := range ns {
		if err := fn(n); err != nil {
			return err
		}
	}
	return nil
}
