-- Reply chains (issue 6): every captured message of discussion threads and tracked channels,
-- kept with its parent so the bot can show the tree Discord forgets. Nothing here is ever
-- deleted: a deleted or removed message only changes `state`, its text stays for moderators.

-- A discussion: a Discord thread or channel, or a comment section imported from a blog.
CREATE TABLE reply_threads (
    thread_id  INTEGER PRIMARY KEY,    -- Discord channel/thread id; negative for imported threads
    guild_id   INTEGER,                -- NULL for imported threads
    title      TEXT NOT NULL DEFAULT '',
    source     TEXT NOT NULL DEFAULT 'discord' CHECK (source IN ('discord', 'wxr')),
    source_key TEXT,                   -- imports: what was imported, so a second import is refused
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE UNIQUE INDEX reply_threads_source_key
    ON reply_threads (source, source_key) WHERE source_key IS NOT NULL;

CREATE TABLE reply_messages (
    message_id   INTEGER PRIMARY KEY,  -- Discord message id; negative for imported comments
    thread_id    INTEGER NOT NULL REFERENCES reply_threads (thread_id),
    guild_id     INTEGER,
    author_id    INTEGER,
    author_name  TEXT NOT NULL,        -- display name when first captured
    content      TEXT NOT NULL,        -- latest text; kept when the message is deleted/removed
    attachments  TEXT NOT NULL DEFAULT '[]',  -- JSON list of file names
    created_at   TEXT NOT NULL,        -- ISO 8601 UTC, same format everywhere so it sorts
    edited_at    TEXT,
    -- From message_reference. No foreign key on purpose: the parent may be deleted on Discord
    -- or may never have been seen by the bot, and the link must survive either way.
    parent_id    INTEGER,
    root_id      INTEGER NOT NULL,     -- top of the chain as far as the bot knows
    depth        INTEGER NOT NULL DEFAULT 0,  -- 0 for a top-level comment
    state        TEXT NOT NULL DEFAULT 'visible'
        CHECK (state IN ('visible', 'deleted_by_author', 'removed_by_moderator')),
    state_changed_at TEXT,
    removed_by   TEXT,                 -- moderator's user id, or 'screener'
    source_id    TEXT,                 -- imported comment's id in its source (wp:comment_id)
    posted_message_id INTEGER,         -- imported comment's Discord message, once posted
    captured_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX reply_messages_thread ON reply_messages (thread_id, created_at, message_id);
CREATE INDEX reply_messages_parent ON reply_messages (parent_id);

-- Earlier texts of edited messages; version 1 is the first text the bot saw.
CREATE TABLE reply_message_versions (
    message_id  INTEGER NOT NULL REFERENCES reply_messages (message_id),
    version     INTEGER NOT NULL,
    content     TEXT NOT NULL,
    attachments TEXT NOT NULL DEFAULT '[]',
    written_at  TEXT,                  -- when this text was posted or last edited
    replaced_at TEXT,                  -- the edit that replaced it
    PRIMARY KEY (message_id, version)
);

-- Channels a guild asked to capture with `/thread track` (discussion threads are always captured).
CREATE TABLE reply_tracked_channels (
    guild_id   INTEGER NOT NULL,
    channel_id INTEGER NOT NULL,
    added_by   INTEGER,
    added_at   TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    PRIMARY KEY (guild_id, channel_id)
);
