-- Per-channel high-water marks (docs/replies.md, "Marks and catch-up"): the newest message of
-- each captured channel that went through the whole message path (guard, screening, capture)
-- and was written. After start-up and every non-resumable reconnect the bot reads each
-- channel's history from its mark to now. Times are UTC text, as elsewhere.

CREATE TABLE channel_marks (
    channel_id  INTEGER PRIMARY KEY,
    guild_id    INTEGER NOT NULL,
    message_id  INTEGER NOT NULL,
    updated_at  TEXT NOT NULL
);
