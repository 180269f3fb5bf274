-- A DM whose sending was interrupted (the process died inside the step that sends it, so it
-- is never sent twice and whether it arrived cannot be checked) is recorded as 'unknown',
-- no longer as 'closed' or 'not_applicable': the case or the guard's record says that the
-- bot does not know. Both tables are rebuilt as in 013 (SQLite cannot change a CHECK in
-- place; ids are copied as they are, foreign keys are checked before the commit).

CREATE TABLE mod_cases_new (
    id          INTEGER PRIMARY KEY,
    guild_id    INTEGER NOT NULL,
    number      INTEGER NOT NULL CHECK (number > 0),
    type        TEXT NOT NULL CHECK (type IN (
                    'warn', 'note', 'timeout', 'untimeout', 'kick', 'ban', 'tempban',
                    'unban', 'purge', 'lock', 'unlock', 'auto-warn', 'auto-timeout',
                    'auto-tempban', 'auto-kick', 'auto-ban', 'auto-delete', 'auto-hold')),
    member_id   INTEGER,
    member_name TEXT,              -- the name when the case was recorded
    channel_id  INTEGER,           -- the channel or thread, for purge/lock/unlock
    moderator_id INTEGER NOT NULL, -- the bot's own id for automatic cases
    rule        TEXT,              -- the rule that fired, for automatic cases
    reason      TEXT NOT NULL CHECK (length(reason) <= 1000),
    created_at  TEXT NOT NULL,
    expires_at  TEXT,
    active      INTEGER NOT NULL DEFAULT 0 CHECK (active IN (0, 1)),
    ended_at    TEXT,
    end_reason  TEXT,
    voided_at   TEXT,
    voided_by   INTEGER,
    void_reason TEXT CHECK (void_reason IS NULL OR length(void_reason) <= 1000),
    jump_url    TEXT,
    dm_status   TEXT NOT NULL DEFAULT 'not_applicable'
                CHECK (dm_status IN ('sent', 'closed', 'failed', 'unknown', 'not_applicable')),
    ladder_step_warnings INTEGER,  -- set on cases the escalation ladder created
    intent_id   INTEGER REFERENCES journal_intents (id),
    UNIQUE (guild_id, number)
);

INSERT INTO mod_cases_new (
    id, guild_id, number, type, member_id, member_name, channel_id, moderator_id, rule, reason,
    created_at, expires_at, active, ended_at, end_reason, voided_at, voided_by, void_reason,
    jump_url, dm_status, ladder_step_warnings, intent_id
)
SELECT
    id, guild_id, number, type, member_id, member_name, channel_id, moderator_id, rule, reason,
    created_at, expires_at, active, ended_at, end_reason, voided_at, voided_by, void_reason,
    jump_url, dm_status, ladder_step_warnings, intent_id
FROM mod_cases;

DROP TABLE mod_cases;
ALTER TABLE mod_cases_new RENAME TO mod_cases;

CREATE INDEX mod_cases_member ON mod_cases (guild_id, member_id, number);
CREATE INDEX mod_cases_expiring ON mod_cases (expires_at) WHERE active = 1 AND expires_at IS NOT NULL;
CREATE UNIQUE INDEX mod_cases_intent ON mod_cases (intent_id) WHERE intent_id IS NOT NULL;

CREATE TABLE spoiler_guard_records_new (
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
    -- The private note to the author: sent, closed (their DMs refused it: nothing public is
    -- posted instead), failed (Discord did not deliver it), not_applicable (the author asked
    -- for the tags), unknown (the bot stopped while sending it), pending (not tried yet).
    note_status         TEXT NOT NULL DEFAULT 'pending'
        CHECK (note_status IN (
            'pending', 'sent', 'closed', 'failed', 'unknown', 'not_applicable')),
    created_at          TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

INSERT INTO spoiler_guard_records_new (
    id, discussion_id, original_message_id, author_id, original_text, rewritten_text, reasons,
    trigger, sensitivity, original_deleted_at, note_status, created_at
)
SELECT
    id, discussion_id, original_message_id, author_id, original_text, rewritten_text, reasons,
    trigger, sensitivity, original_deleted_at, note_status, created_at
FROM spoiler_guard_records;

DROP TABLE spoiler_guard_records;
ALTER TABLE spoiler_guard_records_new RENAME TO spoiler_guard_records;

CREATE INDEX spoiler_guard_by_discussion ON spoiler_guard_records (discussion_id, created_at);
CREATE INDEX spoiler_guard_by_author ON spoiler_guard_records (author_id, created_at);
