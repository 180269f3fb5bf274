-- Community (issue 16): member reviews with their earlier versions, per-comment reactions,
-- the watchlist, movie nights and the community settings of each server.
-- film_id is deliberately not a foreign key (as in discussions): a review keeps its film_label.

CREATE TABLE reviews (
    id                INTEGER PRIMARY KEY,
    guild_id          INTEGER NOT NULL,
    film_id           INTEGER NOT NULL,
    film_label        TEXT NOT NULL,
    author_id         INTEGER NOT NULL,
    rating_halves     INTEGER NOT NULL CHECK (rating_halves BETWEEN 1 AND 10),
    title             TEXT NOT NULL DEFAULT '',
    text              TEXT NOT NULL DEFAULT '',
    status            TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'removed')),
    version           INTEGER NOT NULL DEFAULT 1,
    thread_id         INTEGER,
    opener_message_id INTEGER,
    more_message_ids  TEXT NOT NULL DEFAULT '[]',  -- JSON: the post's later parts, if split
    removed_by        INTEGER,
    created_at        TEXT NOT NULL,
    updated_at        TEXT NOT NULL
);
-- One review per member per film; a removed one stays (a tombstone) and may be written again.
CREATE UNIQUE INDEX reviews_one_per_member ON reviews (guild_id, film_id, author_id);
CREATE INDEX reviews_by_film ON reviews (guild_id, film_id, status);
CREATE INDEX reviews_by_author ON reviews (guild_id, author_id);

CREATE TABLE review_versions (
    review_id     INTEGER NOT NULL REFERENCES reviews (id),
    version       INTEGER NOT NULL,
    rating_halves INTEGER NOT NULL,
    title         TEXT NOT NULL,
    text          TEXT NOT NULL,
    written_at    TEXT NOT NULL,
    PRIMARY KEY (review_id, version)
);

CREATE TABLE message_reactions (
    message_id INTEGER NOT NULL,
    emoji      TEXT NOT NULL,
    count      INTEGER NOT NULL CHECK (count >= 0),
    PRIMARY KEY (message_id, emoji)
);

CREATE TABLE watchlist (
    guild_id     INTEGER NOT NULL,
    film_id      INTEGER NOT NULL,
    film_label   TEXT NOT NULL,
    suggested_by INTEGER NOT NULL,
    added_at     TEXT NOT NULL,
    PRIMARY KEY (guild_id, film_id)
);

CREATE TABLE movie_nights (
    id              INTEGER PRIMARY KEY,
    guild_id        INTEGER NOT NULL,
    channel_id      INTEGER NOT NULL,
    starts_at       TEXT NOT NULL,
    status          TEXT NOT NULL
        CHECK (status IN ('polling', 'scheduled', 'started', 'completed', 'cancelled')),
    choices         TEXT NOT NULL,                 -- JSON list of film ids, in poll order
    created_by      INTEGER NOT NULL,
    poll_message_id INTEGER,
    poll_ends_at    TEXT,
    winner_film_id  INTEGER,
    event_id        INTEGER,
    reminder_at     TEXT,
    reminded        INTEGER NOT NULL DEFAULT 0 CHECK (reminded IN (0, 1)),
    thread_id       INTEGER,
    updated_at      TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX movie_nights_pending ON movie_nights (status);

CREATE TABLE community_settings (
    guild_id            INTEGER PRIMARY KEY,
    timezone            TEXT NOT NULL DEFAULT 'UTC',
    region              TEXT NOT NULL DEFAULT 'US',
    reviews_channel_id  INTEGER,
    planner_role_id     INTEGER,
    reminder_role_id    INTEGER,
    reminder_minutes    INTEGER NOT NULL DEFAULT 60 CHECK (reminder_minutes BETWEEN 0 AND 10080),
    announce_channel_id INTEGER,
    updated_at          TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
