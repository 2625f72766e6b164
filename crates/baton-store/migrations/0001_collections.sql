-- What a user saves: collections with their scenarios and environments, and secrets.
-- Scenarios and environments are kept as JSON (the model's serde form); the columns beside the
-- JSON are the ones that are listed, ordered or looked up.

CREATE TABLE collections (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    description TEXT,
    -- JSON arrays of baton_core::scenario::{Server, Client}.
    servers     TEXT NOT NULL DEFAULT '[]',
    clients     TEXT NOT NULL DEFAULT '[]',
    created_at  INTEGER NOT NULL, -- epoch seconds
    updated_at  INTEGER NOT NULL  -- epoch seconds
);

CREATE TABLE scenarios (
    collection_id INTEGER NOT NULL REFERENCES collections (id) ON DELETE CASCADE,
    id            TEXT NOT NULL,    -- the scenario's own id, unique in its collection
    name          TEXT NOT NULL,
    position      INTEGER NOT NULL, -- order in the collection; gaps are allowed
    step_count    INTEGER NOT NULL,
    body          TEXT NOT NULL,    -- JSON: baton_core::scenario::Scenario
    updated_at    INTEGER NOT NULL,
    PRIMARY KEY (collection_id, id)
);

-- Listing a collection's scenarios in order reads this index, never the whole table.
CREATE UNIQUE INDEX scenarios_in_order ON scenarios (collection_id, position);

CREATE TABLE environments (
    collection_id INTEGER NOT NULL REFERENCES collections (id) ON DELETE CASCADE,
    position      INTEGER NOT NULL,
    name          TEXT NOT NULL,
    body          TEXT NOT NULL, -- JSON: baton_core::scenario::Environment
    PRIMARY KEY (collection_id, position)
);

-- Values for {{secret.NAME}}. Never part of a collection, never exported.
CREATE TABLE secrets (
    name       TEXT PRIMARY KEY,
    value      TEXT NOT NULL,
    updated_at INTEGER NOT NULL
);
