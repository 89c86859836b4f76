// Package postgres is Samenspel's shared source of truth for the scaled set-up:
// the store that matcher replicas and the indexer on several hosts use at once
// (SPEC §8, `--database postgres://…`), beside the embedded store of one process
// (internal/store, SQLite). It is reached through pgx v5 and a connection pool.
//
// It owns, in PostgreSQL, what the embedded store owns on local disk: the
// partner profiles (whole, contact and private fields included) with the index
// rows that answer the two questions that must not scan every profile, the
// candidates of a tender (SPEC §3) and the full-text and filtered profile search
// of GET /v1/profiles; their staleness (not written or confirmed for 12 months);
// the change counters that caches compare; the change log of profiles that a
// copy kept elsewhere (the Meilisearch index) follows. Beside the profiles it
// owns the tenders with their expressions of interest, awards and stored
// suggestions (fenced by run), the tokens with their lifetimes, the first answers
// of registrations made with an Idempotency-Key, the partners' ideas, and the
// collaboration events with their states (claims, confirmations, disputes, and
// those an award's outcome records). It also owns the consumers' cursors and
// leases, the runs of the scheduled jobs (a run's id, an identity value, is its
// fencing token), the partners' notifications and webhooks, the pages' sessions
// and signing keys, and the profile records whose version is the embedded
// store's digest of the same state. It passes the shared suites
// of internal/store/storetest as the embedded store does, and gives the same
// answers. It takes over an embedded store's records as they are (import.go,
// `matcher migrate`): ids, owners, recorders, times and tender versions kept,
// idempotently, a transaction a batch.
//
// Instants a caller passes are kept to the nanosecond as fixed-width UTC text
// (the instant domain, the embedded store's layout), and documents as the bytes
// the store encoded (json), so that a record reads back as written and a
// tender's version is the embedded store's. Writes that two replicas could race
// on lock what they check: the tender's row for conditional updates and awards,
// the profile's row for ideas, one advisory lock for the collaboration events
// that check a pair's day.
//
// The schema is versioned: numbered SQL migrations embedded in the binary
// (migrations/), applied with goose at Open in one transaction each, so that
// every replica that starts brings the database to the schema it knows, and two
// that start at once wait for each other (goose's session lock).
//
// Full-text search is PostgreSQL's own (tsvector, a GIN index), over the name,
// the description and the Dutch and English labels of the profile's instruments
// and themes, every word of the query a prefix ("schuldhulp" finds
// schuldhulpverlening), accents and case ignored. The text is folded in Go
// (fold: lower case, accents off, every run of letters and digits one word)
// before it reaches the 'simple' configuration, for documents and queries alike,
// so that no dictionary's stop words or stems make its answers differ from the
// embedded store's, and nothing a user types is tsquery syntax.
//
// Every profile write sends a NOTIFY on samenspel_profile_changes in its own
// transaction. Listen (a connection of its own, outside the pool, made again
// when lost) and WaitChange wake a follower of the change log, such as the
// indexer's sync, the moment a write commits on any replica; polling stays as the
// safety net.
//
// Profile writes are serialised by one transaction-scoped advisory lock: the
// numbers of the change log are then taken in the order the writes commit, so
// that a reader of the log that has seen number n never later finds a smaller
// one committed (what a sequence alone does not promise).
//
// It never decides who may see a field: GetProfile returns everything and the
// caller decides; only SearchProfiles, whose contract is public fields, strips
// contact and private. It never logs, never builds SQL from user values (every
// value is a bound parameter) and keeps no context in a struct. Like the
// embedded store it reads a clock for one thing only, the time a profile is
// written (WithClock); every other method takes its time from its caller.
package postgres
