"""Writing messages to the reply store with their tree kept right (the batched writer,
backfill, imports and posting all save through here)."""

from __future__ import annotations

from collections.abc import Sequence

from bot.replies.model import MessageRecord, UpsertOutcome
from bot.replies.tree import build_tree, structure_updates
from storage.replies import ReplyRepository


async def refresh_structure(repo: ReplyRepository, thread_id: int) -> int:
    """Recompute root and depth of a thread's messages from the tree; returns rows changed."""
    tree = build_tree(await repo.thread_messages(thread_id))
    updates = structure_updates(tree)
    await repo.update_structure(updates)
    return len(updates)


async def save_messages(
    repo: ReplyRepository, records: Sequence[MessageRecord], *, refresh: bool = True
) -> UpsertOutcome:
    """Upsert messages; when a parent arrives after its replies, fix the replies' chain."""
    outcome = await repo.upsert_messages(records)
    if refresh and outcome.inserted:
        for thread_id in await repo.threads_with_stale_structure(outcome.inserted):
            await refresh_structure(repo, thread_id)
    return outcome
