package postgres

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"

	"samenspel/internal/auth"
	"samenspel/internal/profiles"
	"samenspel/internal/webhook"
)

// The import: records another store exported (`matcher migrate`, from the
// embedded store's Export) written as they are, every field kept: ids, owners,
// recorders and times are the exported ones, not new ones. Each Import method
// writes its records in one transaction, so that a run cut short leaves whole
// batches, and is idempotent: a record already stored as given is left as it is
// (Unchanged), one stored otherwise is replaced by the one given (Replaced), and
// rows the import is not given are left alone. A write that changes something
// bumps its kind's change counter and, for profiles, records the change in the
// change log, as every write does.

// Imported is what an import did with the records it was given.
type Imported struct {
	// Added were not stored; Replaced were stored otherwise; Unchanged were
	// stored as given.
	Added, Replaced, Unchanged int
}

// Add is i and j together.
func (i Imported) Add(j Imported) Imported {
	return Imported{Added: i.Added + j.Added, Replaced: i.Replaced + j.Replaced, Unchanged: i.Unchanged + j.Unchanged}
}

// changed reports whether the import wrote anything.
func (i Imported) changed() bool { return i.Added+i.Replaced > 0 }

// ImportProfiles stores the profile records whole (contact and private fields
// included) with when each was last written and since when it is stale, as
// given. PostgreSQL keeps microseconds: the two times are cut to them.
func (s *Store) ImportProfiles(ctx context.Context, recs []profiles.Record) (Imported, error) {
	var out Imported
	if len(recs) == 0 {
		return out, nil
	}
	err := s.write(ctx, true, func(tx pgx.Tx) error {
		out = Imported{}
		ids := make([]string, len(recs))
		docs := make([]string, len(recs))
		updated := make([]time.Time, len(recs))
		stale := make([]*time.Time, len(recs))
		for i, r := range recs {
			doc, err := encodeProfile(r.Profile)
			if err != nil {
				return fmt.Errorf("profile %q: %w", r.Profile.ID, err)
			}
			ids[i], docs[i], updated[i] = r.Profile.ID, string(doc), r.Updated.UTC().Truncate(time.Microsecond)
			if !r.StaleSince.IsZero() {
				t := r.StaleSince.UTC().Truncate(time.Microsecond)
				stale[i] = &t
			}
		}
		rows, err := tx.Query(ctx, `SELECT p.id FROM profiles p
			JOIN unnest($1::text[], $2::text[], $3::timestamptz[], $4::timestamptz[]) AS x(id, doc, updated, stale) ON p.id = x.id
			WHERE p.doc::text = x.doc AND p.updated = x.updated AND p.stale_since IS NOT DISTINCT FROM x.stale`,
			ids, docs, updated, stale)
		if err != nil {
			return err
		}
		unchanged, err := pgx.CollectRows(rows, pgx.RowTo[string])
		if err != nil {
			return err
		}
		same := make(map[string]bool, len(unchanged))
		for _, id := range unchanged {
			same[id] = true
		}
		var ps []profiles.Profile
		var todoIDs []string
		var todoUpdated []time.Time
		var todoStale []*time.Time
		for i, r := range recs {
			if same[r.Profile.ID] {
				out.Unchanged++
				continue
			}
			ps = append(ps, r.Profile)
			todoIDs, todoUpdated, todoStale = append(todoIDs, ids[i]), append(todoUpdated, updated[i]), append(todoStale, stale[i])
		}
		if len(ps) == 0 {
			return nil
		}
		created, replaced, _, err := s.writer(tx).upsertMany(ctx, ps, nil)
		if err != nil {
			return err
		}
		out.Added, out.Replaced = created, replaced
		if _, err := tx.Exec(ctx, `UPDATE profiles SET updated = x.updated, stale_since = x.stale
			FROM unnest($1::text[], $2::timestamptz[], $3::timestamptz[]) AS x(id, updated, stale) WHERE profiles.id = x.id`,
			todoIDs, todoUpdated, todoStale); err != nil {
			return err
		}
		return bump(ctx, tx, kindProfiles)
	})
	if err != nil {
		return Imported{}, fmt.Errorf("postgres: import %d profiles: %w", len(recs), err)
	}
	return out, nil
}

// ImportTenders stores the tenders as given: owner, state, times and the
// document's exact bytes, so that each keeps its version. A tender whose
// version would not be the one given (its times not in the stored layout) is an
// error.
func (s *Store) ImportTenders(ctx context.Context, ts []profiles.StoredTender) (Imported, error) {
	rows := make([][]any, len(ts))
	for i, t := range ts {
		created, updated := formatTime(t.Created), formatTime(t.Updated)
		if t.Version != "" && tenderVersion(t.Owner, t.Closed, created, updated, t.Doc) != t.Version {
			return Imported{}, fmt.Errorf("postgres: import tender %q: its version would change", t.Tender.ID)
		}
		rows[i] = []any{t.Tender.ID, t.Owner, t.Closed, created, updated, t.Doc}
	}
	return s.upsert(ctx, "tenders", kindTenders, `INSERT INTO tenders (id, owner, closed, created, updated, doc) VALUES ($1, $2, $3, $4, $5, $6)
		ON CONFLICT (id) DO UPDATE SET owner = EXCLUDED.owner, closed = EXCLUDED.closed, created = EXCLUDED.created,
			updated = EXCLUDED.updated, doc = EXCLUDED.doc
		WHERE (tenders.owner, tenders.closed, tenders.created, tenders.updated, tenders.doc::text)
			IS DISTINCT FROM (EXCLUDED.owner, EXCLUDED.closed, EXCLUDED.created, EXCLUDED.updated, EXCLUDED.doc::text)
		RETURNING xmax = 0`, rows, nil, nil)
}

// ImportInterests stores the expressions of interest with their times. Their
// tenders and profiles must be stored (profiles.ErrNotFound).
func (s *Store) ImportInterests(ctx context.Context, is []profiles.Interest) (Imported, error) {
	rows := make([][]any, len(is))
	for i, in := range is {
		rows[i] = []any{in.Tender, in.Profile, formatTime(in.Created)}
	}
	return s.upsert(ctx, "interests", kindTenders, `INSERT INTO interests (tender, profile, created) VALUES ($1, $2, $3)
		ON CONFLICT (tender, profile) DO UPDATE SET created = EXCLUDED.created
		WHERE interests.created IS DISTINCT FROM EXCLUDED.created
		RETURNING xmax = 0`, rows, nil, nil)
}

// ImportTokens stores the tokens (hashes, never secrets) with their roles,
// names, profiles and lifetimes, revocation included. A partner token's profile
// must be stored (profiles.ErrNotFound).
func (s *Store) ImportTokens(ctx context.Context, ts []auth.Token) (Imported, error) {
	rows := make([][]any, len(ts))
	for i, t := range ts {
		if !isSHA256Hex(t.Hash) {
			return Imported{}, fmt.Errorf("postgres: import token %q: hash is not a lower-case hex SHA-256", t.Name)
		}
		var profile *string
		if t.Profile != "" {
			profile = &t.Profile
		}
		rows[i] = []any{t.Hash, t.Role, t.Name, profile, formatTime(t.Created), optionalTime(t.Expires), optionalTime(t.Revoked)}
	}
	return s.upsert(ctx, "tokens", "", `INSERT INTO tokens (hash, role, name, profile, created, expires, revoked)
		VALUES ($1, $2, $3, $4, $5, $6, $7)
		ON CONFLICT (hash) DO UPDATE SET role = EXCLUDED.role, name = EXCLUDED.name, profile = EXCLUDED.profile,
			created = EXCLUDED.created, expires = EXCLUDED.expires, revoked = EXCLUDED.revoked
		WHERE (tokens.role, tokens.name, tokens.profile, tokens.created, tokens.expires, tokens.revoked)
			IS DISTINCT FROM (EXCLUDED.role, EXCLUDED.name, EXCLUDED.profile, EXCLUDED.created, EXCLUDED.expires, EXCLUDED.revoked)
		RETURNING xmax = 0`, rows, nil, nil)
}

// ImportCollaborations stores the collaboration events under their ids, with
// their states, recorders and times; the events recorded afterwards get ids
// above them.
func (s *Store) ImportCollaborations(ctx context.Context, rs []profiles.CollaborationRecord) (Imported, error) {
	rows := make([][]any, len(rs))
	for i, r := range rs {
		if r.ID < 1 {
			return Imported{}, fmt.Errorf("postgres: import collaboration %s–%s: no id", r.A, r.B)
		}
		rows[i] = []any{r.ID, r.A, r.B, r.Outcome, r.At, r.State, r.RecorderRole, r.Recorder, optionalTime(r.Recorded), optionalTime(r.Settled)}
	}
	return s.upsert(ctx, "collaborations", kindCollaborations, `INSERT INTO collaborations (seq, a, b, outcome, at, state, role, recorder, recorded, settled)
		OVERRIDING SYSTEM VALUE VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
		ON CONFLICT (seq) DO UPDATE SET a = EXCLUDED.a, b = EXCLUDED.b, outcome = EXCLUDED.outcome, at = EXCLUDED.at,
			state = EXCLUDED.state, role = EXCLUDED.role, recorder = EXCLUDED.recorder,
			recorded = EXCLUDED.recorded, settled = EXCLUDED.settled
		WHERE (collaborations.a, collaborations.b, collaborations.outcome, collaborations.at, collaborations.state,
				collaborations.role, collaborations.recorder, collaborations.recorded, collaborations.settled)
			IS DISTINCT FROM (EXCLUDED.a, EXCLUDED.b, EXCLUDED.outcome, EXCLUDED.at, EXCLUDED.state,
				EXCLUDED.role, EXCLUDED.recorder, EXCLUDED.recorded, EXCLUDED.settled)
		RETURNING xmax = 0`, rows, lockCollaborations, func(ctx context.Context, tx pgx.Tx) error {
		// The ids were given: the identity goes on after the highest.
		_, err := tx.Exec(ctx, `SELECT setval(pg_get_serial_sequence('collaborations', 'seq'), max(seq)) FROM collaborations HAVING max(seq) IS NOT NULL`)
		return err
	})
}

// ImportIdeas stores the ideas under their receipts' ids, with their digests and
// times as given, so that a receipt verifies as before. Their profiles must be
// stored (profiles.ErrNotFound). It does not count them against profiles.MaxIdeas.
func (s *Store) ImportIdeas(ctx context.Context, is []profiles.Idea) (Imported, error) {
	rows := make([][]any, len(is))
	for i, idea := range is {
		rows[i] = []any{idea.ID, idea.Profile, idea.SHA256, idea.Text, formatTime(idea.Created)}
	}
	return s.upsert(ctx, "ideas", "", `INSERT INTO ideas (id, profile, sha256, text, created) VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (id) DO UPDATE SET profile = EXCLUDED.profile, sha256 = EXCLUDED.sha256, text = EXCLUDED.text, created = EXCLUDED.created
		WHERE (ideas.profile, ideas.sha256, ideas.text, ideas.created)
			IS DISTINCT FROM (EXCLUDED.profile, EXCLUDED.sha256, EXCLUDED.text, EXCLUDED.created)
		RETURNING xmax = 0`, rows, nil, nil)
}

// ImportWebhooks stores the partners' webhooks, secrets included. Their profiles
// must be stored (profiles.ErrNotFound).
func (s *Store) ImportWebhooks(ctx context.Context, ws []webhook.Webhook) (Imported, error) {
	rows := make([][]any, len(ws))
	for i, w := range ws {
		rows[i] = []any{w.Profile, w.URL, w.Secret, formatTime(w.Created)}
	}
	return s.upsert(ctx, "webhooks", "", `INSERT INTO webhooks (profile, url, secret, created) VALUES ($1, $2, $3, $4)
		ON CONFLICT (profile) DO UPDATE SET url = EXCLUDED.url, secret = EXCLUDED.secret, created = EXCLUDED.created
		WHERE (webhooks.url, webhooks.secret, webhooks.created) IS DISTINCT FROM (EXCLUDED.url, EXCLUDED.secret, EXCLUDED.created)
		RETURNING xmax = 0`, rows, nil, nil)
}

// ImportAwards stores the awards with their members (in order, each with whether
// it was small or new when awarded), who awarded them and when, and their
// outcomes. An award stored otherwise is replaced whole. Their tenders must be
// stored (profiles.ErrNotFound).
func (s *Store) ImportAwards(ctx context.Context, as []profiles.Award) (Imported, error) {
	var out Imported
	if len(as) == 0 {
		return out, nil
	}
	err := s.write(ctx, false, func(tx pgx.Tx) error {
		out = Imported{}
		for _, a := range as {
			old, err := queryAward(ctx, tx, a.Tender)
			switch {
			case err == nil && sameAward(old, a):
				out.Unchanged++
				continue
			case err == nil:
				out.Replaced++
			case errors.Is(err, profiles.ErrNotFound):
				out.Added++
			default:
				return err
			}
			if _, err := tx.Exec(ctx, `DELETE FROM awards WHERE tender = $1`, a.Tender); err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, `INSERT INTO awards (tender, role, recorder, awarded, outcome, outcome_at, outcome_recorded, outcome_events, outcome_skipped)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, a.Tender, a.RecorderRole, a.Recorder, formatTime(a.Awarded),
				a.Outcome, a.OutcomeAt, optionalTime(a.OutcomeRecorded), a.OutcomeEvents, a.OutcomeSkipped); err != nil {
				return fmt.Errorf("award of tender %q: %w", a.Tender, constraint(err))
			}
			members := make([]string, len(a.Members))
			smalls := make([]bool, len(a.Members))
			for i, m := range a.Members {
				members[i], smalls[i] = m.Profile, m.SmallOrNew
			}
			if _, err := tx.Exec(ctx, `INSERT INTO award_members (tender, position, profile, small_or_new)
				SELECT $1, x.n - 1, x.profile, x.small FROM unnest($2::text[], $3::bool[]) WITH ORDINALITY AS x(profile, small, n)`,
				a.Tender, members, smalls); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return Imported{}, fmt.Errorf("postgres: import %d awards: %w", len(as), err)
	}
	return out, nil
}

// sameAward reports whether two awards are the same record.
func sameAward(a, b profiles.Award) bool {
	return a.Tender == b.Tender && a.RecorderRole == b.RecorderRole && a.Recorder == b.Recorder &&
		a.Awarded.Equal(b.Awarded) && a.Outcome == b.Outcome && a.OutcomeAt == b.OutcomeAt &&
		a.OutcomeRecorded.Equal(b.OutcomeRecorded) && a.OutcomeEvents == b.OutcomeEvents &&
		a.OutcomeSkipped == b.OutcomeSkipped && slices.Equal(a.Members, b.Members)
}

// upsert runs query (an INSERT ... ON CONFLICT DO UPDATE ... WHERE the row
// differs, RETURNING whether it inserted) for each of rows in one transaction,
// pipelined, between before and after (each when not nil), and bumps the
// counter of kind (when not "") when a row was written. A missing referenced row
// is profiles.ErrNotFound.
func (s *Store) upsert(ctx context.Context, what, kind, query string, rows [][]any, before, after func(context.Context, pgx.Tx) error) (Imported, error) {
	var out Imported
	if len(rows) == 0 {
		return out, nil
	}
	err := s.write(ctx, false, func(tx pgx.Tx) error {
		out = Imported{}
		if before != nil {
			if err := before(ctx, tx); err != nil {
				return err
			}
		}
		batch := &pgx.Batch{}
		for _, args := range rows {
			batch.Queue(query, args...)
		}
		br := tx.SendBatch(ctx, batch)
		for range rows {
			var inserted bool
			err := br.QueryRow().Scan(&inserted)
			switch {
			case errors.Is(err, pgx.ErrNoRows):
				out.Unchanged++
			case err != nil:
				br.Close()
				return constraint(err)
			case inserted:
				out.Added++
			default:
				out.Replaced++
			}
		}
		if err := br.Close(); err != nil {
			return constraint(err)
		}
		if after != nil {
			if err := after(ctx, tx); err != nil {
				return err
			}
		}
		if kind == "" || !out.changed() {
			return nil
		}
		return bump(ctx, tx, kind)
	})
	if err != nil {
		return Imported{}, fmt.Errorf("postgres: import %d %s: %w", len(rows), what, err)
	}
	return out, nil
}

// ImportNotifications stores the notifications under their ids, with their runs,
// ranks, times and deliveries, so that a partner is not told again of a tender
// it was told of; the notifications added afterwards get ids above them. A
// partner has one notification a tender: one stored for the same partner and
// tender is replaced (keeping its id).
func (s *Store) ImportNotifications(ctx context.Context, ns []webhook.Notification) (Imported, error) {
	rows := make([][]any, len(ns))
	for i, n := range ns {
		if n.ID < 1 {
			return Imported{}, fmt.Errorf("postgres: import notification of %q in tender %q: no id", n.Profile, n.Tender)
		}
		rows[i] = []any{n.ID, n.Profile, n.Tender, n.Run, formatTime(n.Created), n.Rank, optionalTime(n.Delivered), n.Attempts}
	}
	return s.upsert(ctx, "notifications", "", `INSERT INTO notifications (id, profile, tender, run, created, rank, delivered, attempts)
		OVERRIDING SYSTEM VALUE VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
		ON CONFLICT (profile, tender) DO UPDATE SET run = EXCLUDED.run, created = EXCLUDED.created, rank = EXCLUDED.rank,
			delivered = EXCLUDED.delivered, attempts = EXCLUDED.attempts
		WHERE (notifications.run, notifications.created, notifications.rank, notifications.delivered, notifications.attempts)
			IS DISTINCT FROM (EXCLUDED.run, EXCLUDED.created, EXCLUDED.rank, EXCLUDED.delivered, EXCLUDED.attempts)
		RETURNING xmax = 0`, rows, nil, func(ctx context.Context, tx pgx.Tx) error {
		// The ids were given: the identity goes on after the highest.
		_, err := tx.Exec(ctx, `SELECT setval(pg_get_serial_sequence('notifications', 'id'), max(id)) FROM notifications HAVING max(id) IS NOT NULL`)
		return err
	})
}
