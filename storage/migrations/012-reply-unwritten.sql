-- Edits and deletions the bot received in a captured channel but has not written yet
-- (docs/replies.md, "Marks and catch-up"). A row is written when the event arrives, before it
-- is queued for the batched writer, and deleted in the writer's marks transaction once what
-- it stands for is stored. Rows left by a killed process are resolved by the next catch-up:
-- a deletion is applied as it is, an edited message is fetched again from Discord.

CREATE TABLE reply_unwritten (
    row_id      INTEGER PRIMARY KEY AUTOINCREMENT,
    channel_id  INTEGER NOT NULL,
    guild_id    INTEGER NOT NULL,
    message_id  INTEGER NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('edit', 'delete', 'bulk')),
    received_at TEXT NOT NULL
);
