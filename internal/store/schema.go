package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"samenspel/internal/profiles"
)

// migrations is the schema, one step per version: migrations[i] takes a database
// from version i to i+1. Steps are appended, never edited once released.
//
// Profiles are stored whole as JSON (doc); the other profile tables are indexes of
// it, rewritten with it in one transaction:
//   - profile_area_parents: every area of a profile and every area containing it
//     (profiles.AreaParents), own = 1 for the areas the profile names itself. Area
//     overlap becomes two exact lookups: the query area among the expanded areas
//     (it contains a profile's area), or one of the query area's parents among the
//     own areas (a profile's area contains it).
//   - profile_instruments, profile_themes: the codes a profile offers and works on.
//   - profile_fts: name, description and the Dutch and English labels of the
//     instruments and themes, for full-text search; its rowid is profiles.pk.
//
// profile_changes is not an index but the change log that every profile write
// appends to in the same transaction (changes.go).
var migrations = []string{
	`CREATE TABLE profiles (
		pk   INTEGER PRIMARY KEY,
		id   TEXT NOT NULL UNIQUE,
		kind TEXT NOT NULL,
		size TEXT NOT NULL,
		doc  TEXT NOT NULL
	);
	CREATE INDEX profiles_kind ON profiles (kind);
	CREATE INDEX profiles_size ON profiles (size);

	CREATE TABLE profile_area_parents (
		area    TEXT NOT NULL,
		own     INTEGER NOT NULL,
		profile INTEGER NOT NULL REFERENCES profiles (pk) ON DELETE CASCADE,
		PRIMARY KEY (area, own, profile)
	) WITHOUT ROWID;
	CREATE INDEX profile_area_parents_profile ON profile_area_parents (profile);

	CREATE TABLE profile_instruments (
		instrument TEXT NOT NULL,
		profile    INTEGER NOT NULL REFERENCES profiles (pk) ON DELETE CASCADE,
		level      REAL NOT NULL,
		PRIMARY KEY (instrument, profile)
	) WITHOUT ROWID;
	CREATE INDEX profile_instruments_profile ON profile_instruments (profile);

	CREATE TABLE profile_themes (
		theme   TEXT NOT NULL,
		profile INTEGER NOT NULL REFERENCES profiles (pk) ON DELETE CASCADE,
		PRIMARY KEY (theme, profile)
	) WITHOUT ROWID;
	CREATE INDEX profile_themes_profile ON profile_themes (profile);

	CREATE VIRTUAL TABLE profile_fts USING fts5 (
		name, description, labels,
		tokenize = 'unicode61 remove_diacritics 2'
	);

	CREATE TABLE tenders (
		id      TEXT PRIMARY KEY,
		owner   TEXT NOT NULL,
		closed  INTEGER NOT NULL DEFAULT 0,
		created TEXT NOT NULL,
		updated TEXT NOT NULL,
		doc     TEXT NOT NULL
	) WITHOUT ROWID;

	CREATE TABLE collaborations (
		seq     INTEGER PRIMARY KEY,
		a       TEXT NOT NULL,
		b       TEXT NOT NULL,
		outcome TEXT NOT NULL,
		at      TEXT NOT NULL
	);

	CREATE TABLE tokens (
		hash    TEXT PRIMARY KEY,
		role    TEXT NOT NULL,
		name    TEXT NOT NULL,
		profile TEXT REFERENCES profiles (id) ON DELETE CASCADE,
		created TEXT NOT NULL
	) WITHOUT ROWID;
	CREATE INDEX tokens_profile ON tokens (profile);

	CREATE TABLE interests (
		tender  TEXT NOT NULL REFERENCES tenders (id) ON DELETE CASCADE,
		profile TEXT NOT NULL REFERENCES profiles (id) ON DELETE CASCADE,
		created TEXT NOT NULL,
		PRIMARY KEY (tender, profile)
	) WITHOUT ROWID;
	CREATE INDEX interests_profile ON interests (profile);

	CREATE TABLE versions (
		kind    TEXT PRIMARY KEY,
		version INTEGER NOT NULL
	) WITHOUT ROWID;
	INSERT INTO versions (kind, version) VALUES ('profiles', 0), ('tenders', 0), ('collaborations', 0);

	CREATE TABLE meta (
		key   TEXT PRIMARY KEY,
		value TEXT NOT NULL
	) WITHOUT ROWID;`,

	// 2: the change log of profiles and the cursors of its consumers (changes.go).
	// The profiles already stored are its first changes, in id order, so that a
	// consumer starting at 0 gets every one of them.
	`CREATE TABLE profile_changes (
		seq     INTEGER PRIMARY KEY AUTOINCREMENT,
		id      TEXT NOT NULL UNIQUE,
		deleted INTEGER NOT NULL
	);
	INSERT INTO profile_changes (id, deleted) SELECT id, 0 FROM profiles ORDER BY id;

	CREATE TABLE cursors (
		name TEXT PRIMARY KEY,
		seq  INTEGER NOT NULL
	) WITHOUT ROWID;`,

	// 3: leases (changes.go): one consumer at a time applies the change log.
	`CREATE TABLE leases (
		name   TEXT PRIMARY KEY,
		holder TEXT NOT NULL,
		until  TEXT NOT NULL
	) WITHOUT ROWID;`,

	// 4: the nightly jobs. When a profile was last written or confirmed, and since
	// when it is stale (empty: not stale); profiles stored before this version count
	// as written at the upgrade. The runs of the jobs; each open tender's stored
	// suggestions with the digest of their inputs and the run that wrote them (a
	// write from an older run never replaces a newer one); the notifications of
	// partners that appeared in a tender's suggestions for the first time, with their
	// webhook delivery; the partners' webhooks.
	`ALTER TABLE profiles ADD COLUMN updated TEXT NOT NULL DEFAULT '';
	ALTER TABLE profiles ADD COLUMN stale_since TEXT NOT NULL DEFAULT '';
	UPDATE profiles SET updated = strftime('%Y-%m-%dT%H:%M:%S', 'now') || '.000000000Z';
	CREATE INDEX profiles_updated ON profiles (updated);

	CREATE TABLE job_runs (
		id      INTEGER PRIMARY KEY AUTOINCREMENT,
		job     TEXT NOT NULL,
		replica TEXT NOT NULL,
		started TEXT NOT NULL,
		ended   TEXT NOT NULL DEFAULT '',
		status  TEXT NOT NULL,
		done    INTEGER NOT NULL DEFAULT 0,
		skipped INTEGER NOT NULL DEFAULT 0,
		failed  INTEGER NOT NULL DEFAULT 0,
		report  TEXT NOT NULL DEFAULT '{}'
	);
	CREATE INDEX job_runs_job ON job_runs (job, id);

	CREATE TABLE stored_suggestions (
		tender   TEXT PRIMARY KEY,
		digest   TEXT NOT NULL,
		run      INTEGER NOT NULL,
		computed TEXT NOT NULL,
		body     BLOB NOT NULL
	) WITHOUT ROWID;

	CREATE TABLE notifications (
		id        INTEGER PRIMARY KEY AUTOINCREMENT,
		profile   TEXT NOT NULL,
		tender    TEXT NOT NULL,
		run       INTEGER NOT NULL,
		created   TEXT NOT NULL,
		rank      INTEGER NOT NULL,
		delivered TEXT NOT NULL DEFAULT '',
		attempts  INTEGER NOT NULL DEFAULT 0,
		UNIQUE (profile, tender)
	);
	CREATE INDEX notifications_undelivered ON notifications (delivered, id);

	CREATE TABLE webhooks (
		profile TEXT PRIMARY KEY,
		url     TEXT NOT NULL,
		secret  TEXT NOT NULL,
		created TEXT NOT NULL
	) WITHOUT ROWID;`,

	// 5: a running run's heartbeat, when its replica last renewed the job's lock
	// (empty: never), so that the next holder of the lock can close a run whose
	// replica died and say until when it was seen alive (AbandonRuns); the running
	// runs of a job are found without reading its finished ones.
	`ALTER TABLE job_runs ADD COLUMN heartbeat TEXT NOT NULL DEFAULT '';
	CREATE INDEX job_runs_running ON job_runs (job, id) WHERE status = 'running';`,

	// 6: undelivered notifications by attempts, so that the webhook sender's pass
	// reads only those it still tries (Undelivered), not those it gave up on, which
	// stay undelivered for ever. It replaces the index on (delivered, id).
	`DROP INDEX notifications_undelivered;
	CREATE INDEX notifications_pending ON notifications (delivered, attempts, id);`,

	// 7: token expiry and revocation (tokens.go): when a token stops being
	// accepted and when it was revoked, "" for never. A token without a row here,
	// as every token stored before this version, never expires and is not revoked;
	// so the tokens table, and whatever writes it, stays as it was. The list of
	// tokens is read newest first. The step can run again over a store that has it.
	`CREATE TABLE IF NOT EXISTS token_lifetimes (
		hash    TEXT PRIMARY KEY REFERENCES tokens (hash) ON DELETE CASCADE,
		expires TEXT NOT NULL DEFAULT '',
		revoked TEXT NOT NULL DEFAULT ''
	) WITHOUT ROWID;
	CREATE INDEX IF NOT EXISTS tokens_created ON tokens (created);`,

	// 8: which collaboration events count (SPEC §4; collaborations.go): each
	// event's state (counted, claim, disputed), the role and the identity of who
	// recorded it through the API ("" for the tools), when, and when the other
	// partner confirmed or disputed it. The events stored before this version were
	// recorded before claims existed: they are marked counted, and keep moving
	// trust. A pair's events of one day, and a partner's events, are found by
	// index. The step can run again over a store that has it.
	`CREATE TABLE IF NOT EXISTS collaboration_states (
		seq      INTEGER PRIMARY KEY REFERENCES collaborations (seq) ON DELETE CASCADE,
		state    TEXT NOT NULL,
		role     TEXT NOT NULL DEFAULT '',
		recorder TEXT NOT NULL DEFAULT '',
		recorded TEXT NOT NULL DEFAULT '',
		settled  TEXT NOT NULL DEFAULT ''
	);
	INSERT OR IGNORE INTO collaboration_states (seq, state) SELECT seq, 'counted' FROM collaborations;
	CREATE INDEX IF NOT EXISTS collaborations_pair_day ON collaborations (a, b, at);
	CREATE INDEX IF NOT EXISTS collaborations_b ON collaborations (b);`,

	// 9: the first answers of registrations made with an Idempotency-Key
	// (idempotency.go), for a retry to get again: under a digest of the key,
	// sealed by the caller, with the profile it registered (its answer goes with
	// it) and when it expires. The step can run again over a store that has it.
	`CREATE TABLE IF NOT EXISTS idempotent_answers (
		key         TEXT PRIMARY KEY,
		fingerprint TEXT NOT NULL,
		sealed      BLOB NOT NULL,
		profile     TEXT NOT NULL REFERENCES profiles (id) ON DELETE CASCADE,
		created     TEXT NOT NULL,
		expires     TEXT NOT NULL
	) WITHOUT ROWID;
	CREATE INDEX IF NOT EXISTS idempotent_answers_expires ON idempotent_answers (expires);
	CREATE INDEX IF NOT EXISTS idempotent_answers_profile ON idempotent_answers (profile);`,

	// 10: the signed-in sessions of the pages (websessions.go), shared by every
	// replica over the store: under a digest of the cookie's secret, with the hash
	// of the token signed in with (a session goes with its token), its CSRF token,
	// when it was made and last seen; and the keys the pages sign with, made once
	// by whichever replica first needs one. The step can run again over a store
	// that has it.
	`CREATE TABLE IF NOT EXISTS web_sessions (
		id      TEXT PRIMARY KEY,
		token   TEXT NOT NULL REFERENCES tokens (hash) ON DELETE CASCADE,
		csrf    TEXT NOT NULL,
		created TEXT NOT NULL,
		seen    TEXT NOT NULL
	) WITHOUT ROWID;
	CREATE INDEX IF NOT EXISTS web_sessions_seen ON web_sessions (seen);
	CREATE INDEX IF NOT EXISTS web_sessions_created ON web_sessions (created);
	CREATE INDEX IF NOT EXISTS web_sessions_token ON web_sessions (token);
	CREATE TABLE IF NOT EXISTS web_keys (
		name TEXT PRIMARY KEY,
		key  BLOB NOT NULL
	) WITHOUT ROWID;`,

	// 11: the awards of tenders (awards.go): the coalition a tender's owner chose,
	// its members in the order given with whether each was small or new when
	// awarded (the fairness report counts awarded seats by it), who awarded it and
	// when, and, once recorded, how the collaboration went: the outcome, the date
	// of its events and how many events it recorded and skipped. A member's id
	// stays when its profile is deleted: the award is a record of the tender. The
	// awards of a partner are found by index. The step can run again over a store
	// that has it.
	`CREATE TABLE IF NOT EXISTS awards (
		tender           TEXT PRIMARY KEY REFERENCES tenders (id) ON DELETE CASCADE,
		role             TEXT NOT NULL,
		recorder         TEXT NOT NULL,
		awarded          TEXT NOT NULL,
		outcome          TEXT NOT NULL DEFAULT '',
		outcome_at       TEXT NOT NULL DEFAULT '',
		outcome_recorded TEXT NOT NULL DEFAULT '',
		outcome_events   INTEGER NOT NULL DEFAULT 0,
		outcome_skipped  INTEGER NOT NULL DEFAULT 0
	) WITHOUT ROWID;
	CREATE TABLE IF NOT EXISTS award_members (
		tender       TEXT NOT NULL REFERENCES awards (tender) ON DELETE CASCADE,
		position     INTEGER NOT NULL,
		profile      TEXT NOT NULL,
		small_or_new INTEGER NOT NULL,
		PRIMARY KEY (tender, position)
	) WITHOUT ROWID;
	CREATE INDEX IF NOT EXISTS award_members_profile ON award_members (profile);`,

	// 12: the partners' ideas (ideas.go), each under its receipt's random id, with
	// the SHA-256 of its exact text, the text, and when it was registered. An idea
	// goes with its partner's profile. A partner's ideas are read newest first by
	// index. The step can run again over a store that has it.
	`CREATE TABLE IF NOT EXISTS ideas (
		id      TEXT PRIMARY KEY,
		profile TEXT NOT NULL REFERENCES profiles (id) ON DELETE CASCADE,
		sha256  TEXT NOT NULL,
		text    TEXT NOT NULL,
		created TEXT NOT NULL
	) WITHOUT ROWID;
	CREATE INDEX IF NOT EXISTS ideas_profile ON ideas (profile, created);`,

	// 13: the shared work of the runs (work.go, internal/jobs' WorkStore): each
	// item of a run in its order, who holds its claim until when ('' when no one
	// ever did), and its result once finished (NULL before). The step can run
	// again over a store that has it.
	`CREATE TABLE IF NOT EXISTS run_work (
		run           INTEGER NOT NULL,
		position      INTEGER NOT NULL,
		key           TEXT NOT NULL,
		claimed_by    TEXT NOT NULL DEFAULT '',
		claimed_until TEXT NOT NULL DEFAULT '',
		result        TEXT,
		PRIMARY KEY (run, position),
		UNIQUE (run, key)
	) WITHOUT ROWID;`,

	// 14: the keys of tender forms (tenders.go, CreateTenderOnce): a form sent
	// twice (a double click, a reload) makes one tender, the one its key names,
	// until the key expires. The step can run again over a store that has it.
	`CREATE TABLE IF NOT EXISTS tender_form_keys (
		key     TEXT PRIMARY KEY,
		tender  TEXT NOT NULL REFERENCES tenders (id) ON DELETE CASCADE,
		expires TEXT NOT NULL
	) WITHOUT ROWID;
	CREATE INDEX IF NOT EXISTS tender_form_keys_expires ON tender_form_keys (expires);`,
}

// migrate brings the schema to the latest version and the indexed labels up to the
// taxonomy, in one transaction: a second process opening the store at the same
// time waits, then finds nothing left to do.
func (s *Store) migrate(ctx context.Context) error {
	return s.write(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)`); err != nil {
			return fmt.Errorf("schema_version: %w", err)
		}
		var version int
		err := tx.QueryRowContext(ctx, `SELECT version FROM schema_version`).Scan(&version)
		if errors.Is(err, sql.ErrNoRows) {
			_, err = tx.ExecContext(ctx, `INSERT INTO schema_version (version) VALUES (0)`)
		}
		if err != nil {
			return fmt.Errorf("schema_version: %w", err)
		}
		if version > len(migrations) {
			return fmt.Errorf("schema version %d is newer than this program knows (%d): upgrade the program", version, len(migrations))
		}
		for i := version; i < len(migrations); i++ {
			if _, err := tx.ExecContext(ctx, migrations[i]); err != nil {
				return fmt.Errorf("migrate to schema version %d: %w", i+1, err)
			}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE schema_version SET version = ?`, len(migrations)); err != nil {
			return fmt.Errorf("schema_version: %w", err)
		}
		return s.relabel(ctx, tx)
	})
}

// relabel indexes the labels of every profile again when the taxonomy's labels
// differ from those the index was built with.
func (s *Store) relabel(ctx context.Context, tx *sql.Tx) error {
	var indexed string
	err := tx.QueryRowContext(ctx, `SELECT value FROM meta WHERE key = 'labels'`).Scan(&indexed)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("labels: %w", err)
	}
	if indexed == s.labels.fingerprint {
		return nil
	}
	rows, err := tx.QueryContext(ctx, `SELECT pk, doc FROM profiles`)
	if err != nil {
		return fmt.Errorf("labels: %w", err)
	}
	type relabelled struct {
		pk     int64
		labels string
	}
	var todo []relabelled
	for rows.Next() {
		var r relabelled
		var doc []byte
		if err := rows.Scan(&r.pk, &doc); err != nil {
			rows.Close()
			return fmt.Errorf("labels: %w", err)
		}
		p, err := decodeProfile(doc)
		if err != nil {
			rows.Close()
			return fmt.Errorf("labels: %w", err)
		}
		r.labels = s.labels.text(p)
		todo = append(todo, r)
	}
	if err := errors.Join(rows.Err(), rows.Close()); err != nil {
		return fmt.Errorf("labels: %w", err)
	}
	for _, r := range todo {
		if _, err := tx.ExecContext(ctx, `UPDATE profile_fts SET labels = ? WHERE rowid = ?`, r.labels, r.pk); err != nil {
			return fmt.Errorf("labels: %w", err)
		}
	}
	if len(todo) > 0 {
		if err := bump(ctx, tx, kindProfiles); err != nil {
			return fmt.Errorf("labels: %w", err)
		}
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO meta (key, value) VALUES ('labels', ?)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value`, s.labels.fingerprint)
	if err != nil {
		return fmt.Errorf("labels: %w", err)
	}
	return nil
}

// labeler turns a profile's instrument and theme codes into the words search finds
// them by: the code and its Dutch and English labels ("debt_counseling
// schuldhulpverlening debt counselling").
type labeler struct {
	instruments, themes map[string]string
	// fingerprint identifies the labels, to tell when the index needs them again.
	fingerprint string
}

// labelsFormat changes when labeler.text changes, so that stores index again.
const labelsFormat = "1"

func newLabeler(tax *profiles.Taxonomy) labeler {
	words := func(terms []profiles.Term) map[string]string {
		m := make(map[string]string, len(terms))
		for _, t := range terms {
			m[t.Code] = t.Code + " " + t.NL + " " + t.EN
		}
		return m
	}
	l := labeler{instruments: words(tax.Instruments), themes: words(tax.Themes)}
	h := sha256.New()
	fmt.Fprintf(h, "format %s\n", labelsFormat)
	for _, m := range []map[string]string{l.instruments, l.themes} {
		for _, code := range slices.Sorted(maps.Keys(m)) {
			fmt.Fprintf(h, "%q\n", m[code])
		}
		h.Write([]byte{0})
	}
	l.fingerprint = hex.EncodeToString(h.Sum(nil))
	return l
}

// text is the labels column of p: the words of its instruments (in code order) and
// themes. A code outside the taxonomy is indexed as itself.
func (l labeler) text(p profiles.Profile) string {
	var b strings.Builder
	add := func(m map[string]string, code string) {
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		if words, ok := m[code]; ok {
			b.WriteString(words)
		} else {
			b.WriteString(code)
		}
	}
	for _, code := range slices.Sorted(maps.Keys(p.Instruments)) {
		add(l.instruments, code)
	}
	for _, code := range p.Themes {
		add(l.themes, code)
	}
	return b.String()
}
