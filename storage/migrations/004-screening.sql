-- Screening (issue 5): per-guild policy, every screened message, the review queue, reports.
-- Nothing here is ever deleted by the bot: hidden messages keep their original text, and
-- decisions are appended to review_decisions.

CREATE TABLE screening_policies (
    guild_id   INTEGER PRIMARY KEY,
    enabled    INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
    scope      TEXT NOT NULL DEFAULT 'threads'
               CHECK (scope IN ('threads', 'channels', 'everywhere')),
    updated_by INTEGER,
    updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

-- A channel's own mode: 'screen' (always screened) or 'exempt' (never); threads follow
-- their parent channel unless they have a row of their own.
CREATE TABLE screening_channels (
    guild_id   INTEGER NOT NULL,
    channel_id INTEGER NOT NULL,
    mode       TEXT NOT NULL CHECK (mode IN ('screen', 'exempt')),
    updated_by INTEGER,
    updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    PRIMARY KEY (guild_id, channel_id)
);

CREATE TABLE screening_exempt_roles (
    guild_id INTEGER NOT NULL,
    role_id  INTEGER NOT NULL,
    added_by INTEGER,
    added_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    PRIMARY KEY (guild_id, role_id)
);

-- Per-label thresholds; channel_id 0 is the whole server. NULL flag/hide: never on this label.
CREATE TABLE screening_thresholds (
    guild_id   INTEGER NOT NULL,
    channel_id INTEGER NOT NULL DEFAULT 0,
    label      TEXT NOT NULL,
    flag       REAL CHECK (flag IS NULL OR (flag > 0 AND flag <= 1)),
    hide       REAL CHECK (hide IS NULL OR (hide > 0 AND hide <= 1)),
    updated_by INTEGER,
    updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    PRIMARY KEY (guild_id, channel_id, label)
);

-- One row per message revision (0 as posted, 1.. after each edit), screened or waiting.
CREATE TABLE screened_messages (
    id          INTEGER PRIMARY KEY,
    guild_id    INTEGER NOT NULL,
    channel_id  INTEGER NOT NULL,
    parent_id   INTEGER,                  -- the parent channel when posted in a thread
    message_id  INTEGER NOT NULL,
    author_id   INTEGER NOT NULL,
    revision    INTEGER NOT NULL DEFAULT 0,
    content     TEXT NOT NULL,            -- exactly what the member wrote
    film_id     INTEGER,                  -- the discussion thread's film (film-aware scoring)
    status      TEXT NOT NULL CHECK (status IN ('unscreened', 'screened', 'skipped')),
    normalised  TEXT,                     -- the text that was scored, when it differs
    scores      TEXT,                     -- JSON: label -> probability
    backend     TEXT,
    outcome     TEXT CHECK (outcome IN ('pass', 'flag', 'hide')),
    label       TEXT,
    rule        TEXT,
    note        TEXT,                     -- evasions undone, film quotes set aside, skip reason
    attempts    INTEGER NOT NULL DEFAULT 0,
    last_error  TEXT,
    retry_after TEXT,
    received_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    screened_at TEXT,
    UNIQUE (message_id, revision)
);
CREATE INDEX screened_messages_waiting ON screened_messages (retry_after, id)
    WHERE status = 'unscreened';
CREATE INDEX screened_messages_author ON screened_messages (guild_id, author_id, received_at);

-- The moderators' queue: raised by screening (flag/hide) or by member reports.
CREATE TABLE review_items (
    id               INTEGER PRIMARY KEY,
    guild_id         INTEGER NOT NULL,
    channel_id       INTEGER NOT NULL,
    message_id       INTEGER NOT NULL,
    author_id        INTEGER NOT NULL,
    screened_id      INTEGER REFERENCES screened_messages (id),
    source           TEXT NOT NULL CHECK (source IN ('screening', 'report')),
    outcome          TEXT NOT NULL CHECK (outcome IN ('flag', 'hide', 'report')),
    content          TEXT NOT NULL,       -- a copy of the message as it was
    rule             TEXT,
    state            TEXT NOT NULL DEFAULT 'pending'
                     CHECK (state IN ('pending', 'approved', 'removed', 'escalated')),
    decided_by       INTEGER,
    decided_at       TEXT,
    decision_note    TEXT,
    alert_channel_id INTEGER,
    alert_message_id INTEGER,
    created_at       TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE UNIQUE INDEX review_items_one_open ON review_items (message_id)
    WHERE state IN ('pending', 'escalated');
CREATE INDEX review_items_queue ON review_items (guild_id, state, created_at);
CREATE UNIQUE INDEX review_items_alert ON review_items (alert_message_id)
    WHERE alert_message_id IS NOT NULL;

-- Every decision, in order (an escalated item later removed keeps both rows).
CREATE TABLE review_decisions (
    id         INTEGER PRIMARY KEY,
    item_id    INTEGER NOT NULL REFERENCES review_items (id),
    state      TEXT NOT NULL CHECK (state IN ('approved', 'removed', 'escalated')),
    decided_by INTEGER NOT NULL,
    note       TEXT,
    decided_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX review_decisions_item ON review_decisions (item_id, id);

CREATE TABLE member_reports (
    id             INTEGER PRIMARY KEY,
    guild_id       INTEGER NOT NULL,
    channel_id     INTEGER NOT NULL,
    message_id     INTEGER NOT NULL,
    author_id      INTEGER NOT NULL,
    reporter_id    INTEGER NOT NULL,
    reason         TEXT NOT NULL,
    review_item_id INTEGER NOT NULL REFERENCES review_items (id),
    created_at     TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    UNIQUE (message_id, reporter_id)
);
CREATE INDEX member_reports_reporter ON member_reports (guild_id, reporter_id, created_at);
