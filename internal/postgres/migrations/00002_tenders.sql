-- +goose Up
-- The tenders and what hangs on them (expressions of interest, stored
-- suggestions, awards), the tokens, the first answers of registrations made
-- with an Idempotency-Key, the partners' ideas, and the collaboration events
-- an award's outcome records (see internal/postgres/doc.go).

-- An instant a caller passed, kept to the nanosecond as Go gives it (timestamptz
-- keeps microseconds): fixed-width UTC text, the embedded store's layout, that
-- sorts in time order and reads back as the instant written. A cast to
-- timestamptz reads it in psql.
CREATE DOMAIN instant AS text COLLATE "C"
    CHECK (VALUE ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{9}Z$');

-- doc is the document as the store encoded it, byte for byte (json, not jsonb):
-- a tender's version is a digest of it.
CREATE TABLE tenders (
    id      text COLLATE "C" PRIMARY KEY,
    owner   text NOT NULL,
    closed  boolean NOT NULL DEFAULT false,
    created instant NOT NULL,
    updated instant NOT NULL,
    doc     json NOT NULL
);
-- RotateToken moves a token's tenders to its successor.
CREATE INDEX tenders_owner ON tenders (owner);

CREATE TABLE interests (
    tender  text COLLATE "C" NOT NULL REFERENCES tenders (id) ON DELETE CASCADE,
    profile text COLLATE "C" NOT NULL REFERENCES profiles (id) ON DELETE CASCADE,
    created instant NOT NULL,
    PRIMARY KEY (tender, profile)
);
CREATE INDEX interests_profile ON interests (profile);

-- Tokens by the SHA-256 of their secret (never the secret). A token id is a
-- prefix of the hash: a range of the primary key ("C" order). expires and
-- revoked are NULL for never.
CREATE TABLE tokens (
    hash    text COLLATE "C" PRIMARY KEY CHECK (hash ~ '^[0-9a-f]{64}$'),
    role    text NOT NULL,
    name    text NOT NULL,
    profile text COLLATE "C" REFERENCES profiles (id) ON DELETE CASCADE,
    created instant NOT NULL,
    expires instant,
    revoked instant
);
CREATE INDEX tokens_profile ON tokens (profile);
CREATE INDEX tokens_created ON tokens (created DESC, hash);

-- The first answer of a registration made with an Idempotency-Key, under a
-- digest of the key, sealed by the caller; it goes with its profile.
CREATE TABLE idempotent_answers (
    key         text COLLATE "C" PRIMARY KEY,
    fingerprint text NOT NULL,
    sealed      bytea NOT NULL,
    profile     text COLLATE "C" NOT NULL REFERENCES profiles (id) ON DELETE CASCADE,
    created     instant NOT NULL,
    expires     instant NOT NULL
);
CREATE INDEX idempotent_answers_expires ON idempotent_answers (expires);
CREATE INDEX idempotent_answers_profile ON idempotent_answers (profile);

-- Each tender's stored suggestions with the digest of their inputs and the run
-- that wrote them (its fencing token). A closed or deleted tender's row may stay;
-- it is not served.
CREATE TABLE stored_suggestions (
    tender   text COLLATE "C" PRIMARY KEY,
    digest   text NOT NULL,
    run      bigint NOT NULL,
    computed instant NOT NULL,
    body     bytea NOT NULL
);

-- The collaboration events (SPEC §4) in the order they were added (seq), with
-- their state (counted, claim, disputed), who recorded them ('' for the tools),
-- when (NULL: unknown) and when the other partner settled a claim.
CREATE TABLE collaborations (
    seq      bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    a        text COLLATE "C" NOT NULL,
    b        text COLLATE "C" NOT NULL,
    outcome  text NOT NULL,
    at       text NOT NULL,
    state    text NOT NULL DEFAULT 'counted',
    role     text NOT NULL DEFAULT '',
    recorder text NOT NULL DEFAULT '',
    recorded instant,
    settled  instant
);
CREATE INDEX collaborations_pair_day ON collaborations (a, b, at);
CREATE INDEX collaborations_b ON collaborations (b);

-- The award of a tender: who awarded it and when, and once recorded its outcome
-- (final from then on); its members in the order given, with whether each was
-- small or new when awarded. A member's id stays when its profile goes: the award
-- is a record of the tender.
CREATE TABLE awards (
    tender           text COLLATE "C" PRIMARY KEY REFERENCES tenders (id) ON DELETE CASCADE,
    role             text NOT NULL,
    recorder         text NOT NULL,
    awarded          instant NOT NULL,
    outcome          text NOT NULL DEFAULT '',
    outcome_at       text NOT NULL DEFAULT '',
    outcome_recorded instant,
    outcome_events   integer NOT NULL DEFAULT 0,
    outcome_skipped  integer NOT NULL DEFAULT 0
);
CREATE TABLE award_members (
    tender       text COLLATE "C" NOT NULL REFERENCES awards (tender) ON DELETE CASCADE,
    position     integer NOT NULL,
    profile      text COLLATE "C" NOT NULL,
    small_or_new boolean NOT NULL,
    PRIMARY KEY (tender, position)
);
CREATE INDEX award_members_profile ON award_members (profile);

-- The partners' ideas under their receipts' random ids, with the SHA-256 of the
-- exact text; an idea goes with its partner's profile.
CREATE TABLE ideas (
    id      text COLLATE "C" PRIMARY KEY,
    profile text COLLATE "C" NOT NULL REFERENCES profiles (id) ON DELETE CASCADE,
    sha256  text NOT NULL,
    text    text NOT NULL,
    created instant NOT NULL
);
CREATE INDEX ideas_profile ON ideas (profile, created DESC, id);

-- +goose Down
DROP TABLE ideas;
DROP TABLE award_members;
DROP TABLE awards;
DROP TABLE collaborations;
DROP TABLE stored_suggestions;
DROP TABLE idempotent_answers;
DROP TABLE tokens;
DROP TABLE interests;
DROP TABLE tenders;
DROP DOMAIN instant;
