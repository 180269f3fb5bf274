-- Key/value facts about this installation (e.g. the hash of the last global command sync).
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL,
    updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

-- Errors shown to users with an id, so a moderator's report can be matched with the log.
CREATE TABLE error_reports (
    error_id   TEXT PRIMARY KEY,
    guild_id   INTEGER,
    user_id    INTEGER,
    command    TEXT,
    summary    TEXT NOT NULL,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
