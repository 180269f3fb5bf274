-- Wikipedia as a film source: where a dump import got to (so an interrupted run continues
-- and a re-run adds nothing), and which article a live lookup found for a film (the
-- revision it read), so a film is looked up once. The films' facts themselves live in the
-- catalog tables, each citing "Wikipedia: <article> (revision N)".

CREATE TABLE wikipedia_imports (
    file_name     TEXT PRIMARY KEY,       -- the dump's file name (dumps are named by date)
    last_page_id  INTEGER NOT NULL DEFAULT 0,  -- every page up to this id is committed
    next_offset   INTEGER,                -- multistream: the compressed offset to resume at
    pages_read    INTEGER NOT NULL DEFAULT 0,
    films         INTEGER NOT NULL DEFAULT 0,
    skipped       INTEGER NOT NULL DEFAULT 0,
    failed        INTEGER NOT NULL DEFAULT 0,
    finished_at   TEXT,
    updated_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

CREATE TABLE wikipedia_lookups (
    film_id      INTEGER PRIMARY KEY REFERENCES films (id),
    status       TEXT NOT NULL CHECK (status IN ('found', 'not_found')),
    article      TEXT,
    page_id      INTEGER,
    revision_id  INTEGER,
    looked_up_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
