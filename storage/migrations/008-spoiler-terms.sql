-- Spoiler terms: what moderators say always (or never) counts as a reveal in one discussion,
-- and the terms members wrap in ||tags|| in a film's discussions (one row per member and term,
-- so a term counts once several different members have tagged it).
-- Rows are never deleted: a removed term keeps its row with removed_at set.

CREATE TABLE discussion_spoiler_terms (
    id          INTEGER PRIMARY KEY,
    thread_id   INTEGER NOT NULL,
    term_key    TEXT NOT NULL,               -- stems joined by spaces (bot/spoilers/model.py)
    term        TEXT NOT NULL,               -- as the moderator typed it
    kind        TEXT NOT NULL CHECK (kind IN ('always', 'never')),
    added_by    INTEGER NOT NULL,
    added_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    removed_by  INTEGER,
    removed_at  TEXT
);
-- One live entry per term and thread.
CREATE UNIQUE INDEX discussion_spoiler_terms_live
    ON discussion_spoiler_terms (thread_id, term_key) WHERE removed_at IS NULL;

CREATE TABLE learned_spoiler_terms (
    film_id     INTEGER NOT NULL,
    term_key    TEXT NOT NULL,
    term        TEXT NOT NULL,               -- as the member first wrote it
    member_id   INTEGER NOT NULL,
    thread_id   INTEGER NOT NULL,
    message_id  INTEGER NOT NULL,
    tagged_at   TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    PRIMARY KEY (film_id, term_key, member_id)
);
