-- +goose Up
-- The shared work of the runs (internal/jobs' WorkStore): each item of a run in
-- its order, who holds its claim until when (NULL when no one ever did), and its
-- result once finished (NULL before). Replicas on several hosts claim items with
-- FOR UPDATE SKIP LOCKED, so two never hold the same one.
CREATE TABLE run_work (
    run           bigint NOT NULL,
    position      integer NOT NULL,
    key           text COLLATE "C" NOT NULL,
    claimed_by    text,
    claimed_until instant,
    result        json,
    PRIMARY KEY (run, position),
    UNIQUE (run, key)
);
-- The items still to finish, in their order.
CREATE INDEX run_work_open ON run_work (run, position) WHERE result IS NULL;

-- +goose Down
DROP TABLE run_work;
