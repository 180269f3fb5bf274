-- Moderation: the per-guild case ledger, reason amendments, guild settings and the
-- escalation ladder. Cases are never deleted: voiding marks them and keeps them.
-- Times are UTC text 'YYYY-MM-DDTHH:MM:SS.ffffffZ' (fixed width, so they compare as text).

CREATE TABLE mod_cases (
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
                CHECK (dm_status IN ('sent', 'closed', 'not_applicable')),
    ladder_step_warnings INTEGER,  -- set on cases the escalation ladder created
    UNIQUE (guild_id, number)
);

CREATE INDEX mod_cases_member ON mod_cases (guild_id, member_id, number);
CREATE INDEX mod_cases_expiring ON mod_cases (expires_at) WHERE active = 1 AND expires_at IS NOT NULL;

-- Which earlier cases an automatic case was triggered by (e.g. the warnings behind a timeout).
CREATE TABLE mod_case_citations (
    case_id       INTEGER NOT NULL REFERENCES mod_cases (id),
    cited_case_id INTEGER NOT NULL REFERENCES mod_cases (id),
    PRIMARY KEY (case_id, cited_case_id)
);

CREATE INDEX mod_case_citations_cited ON mod_case_citations (cited_case_id);

-- Every change of a case's reason, oldest first.
CREATE TABLE mod_case_amendments (
    id          INTEGER PRIMARY KEY,
    case_id     INTEGER NOT NULL REFERENCES mod_cases (id),
    amended_by  INTEGER NOT NULL,
    amended_at  TEXT NOT NULL,
    old_reason  TEXT NOT NULL,
    new_reason  TEXT NOT NULL CHECK (length(new_reason) <= 1000)
);

CREATE INDEX mod_case_amendments_case ON mod_case_amendments (case_id, id);

-- One row per guild that changed anything; a guild without a row uses the defaults.
CREATE TABLE mod_config (
    guild_id          INTEGER PRIMARY KEY,
    log_channel_id    INTEGER,
    alert_channel_id  INTEGER,
    appeal_text       TEXT CHECK (appeal_text IS NULL OR length(appeal_text) <= 1000),
    discussion_starter_role_id INTEGER,
    ladder_customised INTEGER NOT NULL DEFAULT 0 CHECK (ladder_customised IN (0, 1)),
    updated_at        TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_by        INTEGER
);

CREATE TABLE mod_roles (
    guild_id INTEGER NOT NULL,
    role_id  INTEGER NOT NULL,
    PRIMARY KEY (guild_id, role_id)
);

-- The guild's ladder once customised (mod_config.ladder_customised = 1; none = ladder off).
CREATE TABLE mod_ladder_steps (
    guild_id         INTEGER NOT NULL,
    warnings         INTEGER NOT NULL CHECK (warnings > 0),
    window_seconds   INTEGER NOT NULL CHECK (window_seconds > 0),
    action           TEXT NOT NULL CHECK (action IN ('timeout', 'tempban', 'kick', 'ban')),
    duration_seconds INTEGER CHECK (duration_seconds IS NULL OR duration_seconds > 0),
    PRIMARY KEY (guild_id, warnings)
);
