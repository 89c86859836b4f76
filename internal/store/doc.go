// Package store is Samenspel's embedded durable store: the default for one process and
// one municipality, with its data on local disk and no other service to run (SPEC §8,
// `--data DIR`). It is a single SQLite file, dir/samenspel.db, reached through
// database/sql and the pure-Go modernc.org/sqlite driver.
//
// It owns the durable storage of partner profiles (whole, contact and private fields
// included), tenders with their owner and state, collaboration events in the order
// they were added with their state (counted, or a partner's claim until the other
// partner confirms or disputes it) and recorder, tokens (only the SHA-256 hash of a
// secret, never the secret; a registration stores a profile and its token in one
// transaction), the sealed first answers of registrations made with an
// Idempotency-Key (which the store cannot read),
// expressions of interest, the awards of tenders (the coalition an owner chose
// and how it went, awards.go), the partners' registered ideas with their
// receipts (ideas.go), the signed-in sessions of the pages (only digests of
// their secrets and tokens) with the key their anonymous forms are signed with,
// so that every replica over the store shares them, a change counter per kind of document that every write
// bumps in its own transaction, so that caches can tell when they are stale, and the
// change log of profiles with its consumers' cursors: every profile write records its
// change in the same transaction, one row per profile, so that a copy kept elsewhere
// (the Meilisearch index of the scaled set-up, which the embedded store is the source
// of truth for) can catch up on every acknowledged write. It answers the two questions
// that must not scan every profile: the candidates of a tender (SPEC §3) and the
// full-text and filtered profile search of GET /v1/profiles, both from index tables
// kept in the same transaction as the documents.
//
// It implements contracts declared elsewhere and defines none of the records it
// keeps: documents and what is kept about them, awards, ideas and collaboration
// records, and the not-found and conflict errors are internal/profiles'; tokens and
// web sessions internal/auth's; job runs and their reports internal/jobs';
// notifications and webhooks internal/webhook's; stored idempotent answers
// internal/idempotency's. Each user declares the small interface it needs, and
// internal/postgres implements the same ones: no package but the commands (which
// choose a store) and migrate's reader imports this one, so nothing else links
// SQLite (arch_test.go checks). It stores the records without judging them
// (callers validate); the commands hold a concrete *Store. Two processes may use the same directory at once, the server and
// the indexer: writes wait for each other instead of failing, and a write that has
// returned survives a crash or kill -9.
//
// It never decides who may see a field: GetProfile returns everything and the caller
// decides; only SearchProfiles, whose contract is public fields, strips contact and
// private. It never logs, never builds SQL from user values (every value is a bound
// parameter) and keeps no context in a struct. It reads a clock for one thing only:
// every profile write stamps when the profile was last written (the clock of
// WithClock, time.Now by default), because those writes have many callers and no
// time of their own. Every other method that needs the time takes it from its
// caller (now).
//
// A profile not written or confirmed by its owner for 12 months is stale (stale.go):
// the weekly job marks it (MarkStale), it is no candidate for any tender until its
// owner confirms it (ConfirmProfile) or writes it again, and GetProfileRecord says
// since when.
//
// It hands over what another store needs to take its place (export.go, `matcher
// migrate`): every stored field of its records, in one read transaction.
package store
