-- Film discussions (issue 4): a thread per film, per-guild options for opening them, and the
-- spoiler guard's record of every comment it re-posted with spoiler tags.
-- discussions.film_id is deliberately not a foreign key: a thread keeps working, under its
-- film_label snapshot, after its film leaves the catalog.

CREATE TABLE discussions (
    id                   INTEGER PRIMARY KEY,
    guild_id             INTEGER NOT NULL,
    channel_id           INTEGER NOT NULL,          -- the text or forum channel it lives under
    thread_id            INTEGER NOT NULL UNIQUE,
    film_id              INTEGER NOT NULL,
    film_label           TEXT NOT NULL,             -- "Title (Year)" when the thread was opened
    spoiler_policy       TEXT NOT NULL CHECK (spoiler_policy IN ('allowed', 'tagged-only')),
    opener_message_id    INTEGER,                   -- the summary message that opens the thread
    created_by           INTEGER NOT NULL,
    created_at           TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    archived             INTEGER NOT NULL DEFAULT 0 CHECK (archived IN (0, 1)),
    archived_at          TEXT,
    reopened_at          TEXT,
    reopened_by          INTEGER,
    auto_archive_minutes INTEGER NOT NULL
        CHECK (auto_archive_minutes IN (60, 1440, 4320, 10080)),
    slowmode_seconds     INTEGER NOT NULL DEFAULT 0 CHECK (slowmode_seconds BETWEEN 0 AND 21600),
    updated_at           TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX discussions_open_for_film ON discussions (channel_id, film_id) WHERE archived = 0;
CREATE INDEX discussions_by_guild ON discussions (guild_id, archived, created_at);

CREATE TABLE discussion_settings (
    guild_id                     INTEGER PRIMARY KEY,
    starter_role_id              INTEGER,           -- besides moderators, who may open threads
    default_auto_archive_minutes INTEGER NOT NULL DEFAULT 10080
        CHECK (default_auto_archive_minutes IN (60, 1440, 4320, 10080)),
    default_spoiler_policy       TEXT NOT NULL DEFAULT 'tagged-only'
        CHECK (default_spoiler_policy IN ('allowed', 'tagged-only')),
    guard_sensitivity            TEXT NOT NULL DEFAULT 'medium'
        CHECK (guard_sensitivity IN ('low', 'medium', 'high')),
    updated_at                   TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

-- One row per comment re-posted with spoiler tags; the original text is kept here for
-- moderators. Written before the original message is taken down.
CREATE TABLE spoiler_guard_records (
    id                  INTEGER PRIMARY KEY,
    discussion_id       INTEGER NOT NULL REFERENCES discussions (id),
    original_message_id INTEGER NOT NULL UNIQUE,
    author_id           INTEGER NOT NULL,
    original_text       TEXT NOT NULL,
    rewritten_text      TEXT NOT NULL,
    reasons             TEXT NOT NULL DEFAULT '[]',  -- JSON list: why sentences were tagged
    trigger             TEXT NOT NULL CHECK (trigger IN ('guard', 'member')),
    sensitivity         TEXT CHECK (sensitivity IN ('low', 'medium', 'high')),
    original_deleted_at TEXT,
    -- The private note to the author: sent, closed (DMs refused: nothing public is posted
    -- instead), not_applicable (the author asked for the tags), pending (not tried yet).
    note_status         TEXT NOT NULL DEFAULT 'pending'
        CHECK (note_status IN ('pending', 'sent', 'closed', 'not_applicable')),
    created_at          TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX spoiler_guard_by_discussion ON spoiler_guard_records (discussion_id, created_at);
CREATE INDEX spoiler_guard_by_author ON spoiler_guard_records (author_id, created_at);

-- The re-posted messages (a long comment may take more than one).
CREATE TABLE spoiler_guard_reposts (
    message_id INTEGER PRIMARY KEY,
    record_id  INTEGER NOT NULL REFERENCES spoiler_guard_records (id),
    position   INTEGER NOT NULL
);
CREATE INDEX spoiler_guard_reposts_by_record ON spoiler_guard_reposts (record_id, position);
