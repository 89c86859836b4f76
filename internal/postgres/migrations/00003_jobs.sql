-- +goose Up
-- The consumers of the change log (their cursors), the leases that make them
-- and the scheduled jobs take turns, the runs of the jobs, the notifications of
-- partners with their webhooks, and the signed-in sessions of the pages with the
-- keys they are signed with (see internal/postgres/doc.go). Instants are the
-- instant domain of 00002: the caller's time to the nanosecond.

-- How far each consumer of the change log (the Meilisearch sync) has applied it.
CREATE TABLE cursors (
    name text COLLATE "C" PRIMARY KEY,
    seq  bigint NOT NULL CHECK (seq >= 0)
);

-- Who holds each lease, until when.
CREATE TABLE leases (
    name   text COLLATE "C" PRIMARY KEY,
    holder text NOT NULL,
    until  instant NOT NULL
);

-- The runs of the scheduled jobs. A run's id is its fencing token: identity
-- values only grow, whichever replica takes them. report is kept as written
-- (json, not jsonb). ended and heartbeat are NULL until they happen.
CREATE TABLE job_runs (
    id        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    job       text NOT NULL,
    replica   text NOT NULL,
    started   instant NOT NULL,
    ended     instant,
    status    text NOT NULL,
    done      integer NOT NULL DEFAULT 0,
    skipped   integer NOT NULL DEFAULT 0,
    failed    integer NOT NULL DEFAULT 0,
    report    json NOT NULL DEFAULT '{}',
    heartbeat instant
);
CREATE INDEX job_runs_job ON job_runs (job, id);
CREATE INDEX job_runs_running ON job_runs (job, id) WHERE status = 'running';

-- A partner's first appearance in a tender's suggestions, once per partner and
-- tender, with its webhook delivery (delivered NULL while it is not). It names
-- a profile without referring to it: DeleteProfile removes a profile's
-- notifications itself.
CREATE TABLE notifications (
    id        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    profile   text COLLATE "C" NOT NULL,
    tender    text COLLATE "C" NOT NULL,
    run       bigint NOT NULL,
    created   instant NOT NULL,
    rank      integer NOT NULL,
    delivered instant,
    attempts  integer NOT NULL DEFAULT 0,
    UNIQUE (profile, tender)
);
-- The webhook sender's pass reads only those it still tries.
CREATE INDEX notifications_pending ON notifications (attempts, id) WHERE delivered IS NULL;

-- A partner's webhook, with the secret that signs it; it goes with its profile.
CREATE TABLE webhooks (
    profile text COLLATE "C" PRIMARY KEY REFERENCES profiles (id) ON DELETE CASCADE,
    url     text NOT NULL,
    secret  text NOT NULL,
    created instant NOT NULL
);

-- The signed-in sessions of the pages, under a digest of the cookie's secret,
-- with the hash of the token signed in with (a session goes with its token).
CREATE TABLE web_sessions (
    id      text COLLATE "C" PRIMARY KEY,
    token   text COLLATE "C" NOT NULL REFERENCES tokens (hash) ON DELETE CASCADE,
    csrf    text NOT NULL,
    created instant NOT NULL,
    seen    instant NOT NULL
);
CREATE INDEX web_sessions_seen ON web_sessions (seen, id);
CREATE INDEX web_sessions_created ON web_sessions (created);
CREATE INDEX web_sessions_token ON web_sessions (token);

-- The keys the pages sign with, made once by whichever replica first needs one.
CREATE TABLE web_keys (
    name text COLLATE "C" PRIMARY KEY,
    key  bytea NOT NULL
);

-- +goose Down
DROP TABLE web_keys;
DROP TABLE web_sessions;
DROP TABLE webhooks;
DROP TABLE notifications;
DROP TABLE job_runs;
DROP TABLE leases;
DROP TABLE cursors;
