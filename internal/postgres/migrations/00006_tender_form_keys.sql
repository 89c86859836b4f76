-- +goose Up
-- The keys of tender forms (CreateTenderOnce): a form sent twice (a double
-- click, a reload) makes one tender, the one its key names, until the key
-- expires.
CREATE TABLE tender_form_keys (
    key     text COLLATE "C" PRIMARY KEY,
    tender  text COLLATE "C" NOT NULL REFERENCES tenders (id) ON DELETE CASCADE,
    expires instant NOT NULL
);
CREATE INDEX tender_form_keys_expires ON tender_form_keys (expires);

-- +goose Down
DROP TABLE tender_form_keys;
