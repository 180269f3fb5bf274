-- The journal (docs/journal.md): every action that touches both Discord and the database is
-- written here as an intent before Discord is called, then carried out step by step.
-- Times are UTC text 'YYYY-MM-DDTHH:MM:SS.ffffffZ' (fixed width, so they compare as text).

CREATE TABLE journal_intents (
    id              INTEGER PRIMARY KEY,
    kind            TEXT NOT NULL,
    key             TEXT,                      -- optional: one intent per key (a message id)
    payload         TEXT NOT NULL,             -- JSON, as written
    steps           TEXT NOT NULL,             -- JSON list of step names, in order
    results         TEXT NOT NULL DEFAULT '{}',-- JSON: step -> its result, once done
    state           TEXT NOT NULL DEFAULT '{}',-- JSON: progress saved inside a step
    started         TEXT NOT NULL DEFAULT '[]',-- JSON: at-most-once steps begun
    status          TEXT NOT NULL DEFAULT 'pending'
                    CHECK (status IN ('pending', 'done', 'failed', 'undone')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT,                      -- NULL: run now (or interrupted by a crash)
    last_error      TEXT,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
);

CREATE UNIQUE INDEX journal_intents_key ON journal_intents (key) WHERE key IS NOT NULL;
CREATE INDEX journal_intents_pending ON journal_intents (next_attempt_at) WHERE status = 'pending';

-- A case written by a journaled action names its intent, so a step re-run after a crash
-- finds the case instead of recording it twice.
ALTER TABLE mod_cases ADD COLUMN intent_id INTEGER REFERENCES journal_intents (id);
CREATE UNIQUE INDEX mod_cases_intent ON mod_cases (intent_id) WHERE intent_id IS NOT NULL;
