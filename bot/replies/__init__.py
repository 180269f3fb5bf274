"""Reply chains: capture, trees, outlines, exports and imports of nested discussions.

`service.Replies` is what the cogs see: the capture scope (`/thread track`), the batched writer
(`.capture`: `record`, `mark_deleted`, `await mark_removed(id, by)` before a moderation delete),
the outlines and originals the `/thread` commands show, exports, backfill and the marks the
catch-up reads from. Its data classes live in `model.py`; the repositories stay private to it.
"""
