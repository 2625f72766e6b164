-- Run history: every run of a scenario, kept whole as JSON (baton_core::scenario::RunRecord).
-- A run belongs to its collection and goes with it; it outlives its scenario, so that history
-- survives editing.

CREATE TABLE runs (
    id            INTEGER PRIMARY KEY,
    collection_id INTEGER NOT NULL REFERENCES collections (id) ON DELETE CASCADE,
    scenario_id   TEXT NOT NULL,
    started_at    INTEGER NOT NULL, -- epoch seconds
    outcome       TEXT NOT NULL CHECK (outcome IN ('passed', 'failed')),
    elapsed_ms    INTEGER NOT NULL,
    record        TEXT NOT NULL
);

-- A scenario's history, newest first, straight from the index.
CREATE INDEX runs_by_scenario ON runs (collection_id, scenario_id, started_at, id);
