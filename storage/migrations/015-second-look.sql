-- The embedded backend's second look (a sentence encoder) runs after the first verdict, in
-- the background. A message waiting for it is marked 'pending' in the same write as its first
-- verdict, so a crash or a restart loses none: the catch-up looks at pending rows again.
-- 'done': looked at (its scores and outcome then include the second look's); 'superseded':
-- an edit's newer revision took its place; 'deleted': the message was deleted first.
-- NULL: no second look was due (another backend, a hidden or flagged first verdict).
ALTER TABLE screened_messages ADD COLUMN second_look TEXT
    CHECK (second_look IS NULL OR second_look IN ('pending', 'done', 'superseded', 'deleted'));
CREATE INDEX screened_messages_second_look ON screened_messages (id)
    WHERE second_look = 'pending';
