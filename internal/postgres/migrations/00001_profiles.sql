-- +goose Up
-- The profiles, their index rows and their change log (the first schema of the
-- shared store; see internal/postgres/doc.go).

CREATE TABLE profiles (
    pk          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id          text COLLATE "C" NOT NULL UNIQUE,
    kind        text NOT NULL,
    size        text NOT NULL,
    doc         jsonb NOT NULL,
    updated     timestamptz NOT NULL,
    stale_since timestamptz,
    -- the folded words of the name, the labels and the description (fold in Go)
    name_words        text NOT NULL DEFAULT '',
    label_words       text NOT NULL DEFAULT '',
    description_words text NOT NULL DEFAULT '',
    words tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('simple', name_words), 'A') ||
        setweight(to_tsvector('simple', label_words), 'B') ||
        setweight(to_tsvector('simple', description_words), 'C')) STORED
);
CREATE INDEX profiles_words ON profiles USING gin (words);
CREATE INDEX profiles_updated ON profiles (updated) WHERE stale_since IS NULL;

-- Every area of a profile and every area that contains one (own: the profile's
-- own), so that overlap is an equality.
CREATE TABLE profile_area_parents (
    area    text NOT NULL,
    own     boolean NOT NULL,
    profile bigint NOT NULL REFERENCES profiles (pk) ON DELETE CASCADE,
    PRIMARY KEY (area, profile)
);
CREATE INDEX profile_area_parents_profile ON profile_area_parents (profile);

CREATE TABLE profile_instruments (
    instrument text NOT NULL,
    profile    bigint NOT NULL REFERENCES profiles (pk) ON DELETE CASCADE,
    level      double precision NOT NULL,
    PRIMARY KEY (instrument, profile)
);
CREATE INDEX profile_instruments_profile ON profile_instruments (profile);

CREATE TABLE profile_themes (
    theme   text NOT NULL,
    profile bigint NOT NULL REFERENCES profiles (pk) ON DELETE CASCADE,
    PRIMARY KEY (theme, profile)
);
CREATE INDEX profile_themes_profile ON profile_themes (profile);

-- The change log: one row per profile, its number above every number taken
-- before (profile writes are serialised, see doc.go).
CREATE SEQUENCE profile_change_numbers;
CREATE TABLE profile_changes (
    seq     bigint NOT NULL UNIQUE,
    id      text COLLATE "C" PRIMARY KEY,
    deleted boolean NOT NULL
);

-- A change counter per kind of document: every write bumps its kind's.
CREATE TABLE versions (
    kind text PRIMARY KEY,
    n    bigint NOT NULL
);

-- +goose Down
DROP TABLE versions;
DROP TABLE profile_changes;
DROP SEQUENCE profile_change_numbers;
DROP TABLE profile_themes;
DROP TABLE profile_instruments;
DROP TABLE profile_area_parents;
DROP TABLE profiles;
