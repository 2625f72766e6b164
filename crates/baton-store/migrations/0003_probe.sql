-- Probes: a collection's probe target, and the history of its probe runs. A run is kept whole as
-- JSON (baton_core::probe::ProbeReport) beside the columns a history list shows; it belongs to
-- its collection and goes with it.

-- JSON: baton_core::scenario::ProbeTarget; NULL when the collection has no [probe].
ALTER TABLE collections ADD COLUMN probe TEXT;

CREATE TABLE probe_runs (
    id            INTEGER PRIMARY KEY,
    collection_id INTEGER NOT NULL REFERENCES collections (id) ON DELETE CASCADE,
    server        TEXT NOT NULL,    -- the probed server's id in the collection
    started_at    INTEGER NOT NULL, -- epoch seconds
    grade         TEXT NOT NULL,
    passed        INTEGER NOT NULL,
    failed        INTEGER NOT NULL,
    skipped       INTEGER NOT NULL,
    cancelled     INTEGER NOT NULL CHECK (cancelled IN (0, 1)),
    body          TEXT NOT NULL
);

-- A collection's probe history, newest first, straight from the index.
CREATE INDEX probe_runs_by_collection ON probe_runs (collection_id, started_at, id);
