"""Posting under a member's name through a webhook, without Discord: the name Discord accepts,
and a multi-part post sent as one unit inside a journal step.

Every webhook re-post (the spoiler guard's, a restored message, an imported thread) goes
through here; cogs/_webhooks.py is the Discord side (finding, creating and re-creating the
channel's webhook). See docs/journal.md for the intents that use `send_parts`.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Sequence
from typing import Protocol

from bot import limits
from bot.journal import StepContext

log = logging.getLogger(__name__)

DEFAULT_NAME = "member"
# Discord refuses webhook names containing these words: one letter becomes a look-alike
# (Cyrillic) so the name still reads the same.
_LOOKALIKES = {"clyde": "clydе", "discord": "discоrd"}
_RESERVED = re.compile("|".join(_LOOKALIKES), re.IGNORECASE)
_WHOLE_RESERVED = ("everyone", "here")
# Mention-like markup in a name ("<@&1>", "@everyone") reads as a ping even though a webhook's
# name never pings: "@" becomes a full-width look-alike, and a code fence loses its backticks.
_INERT = str.maketrans({"@": "\uff20", "`": "\u02cb"})


def _visible(name: str) -> str:
    """Drop format and control characters (zero-width spaces, joiners, direction marks)."""
    return "".join(ch for ch in name if unicodedata.category(ch) not in ("Cf", "Cc", "Co"))


def webhook_name(display_name: str, fallback: str = DEFAULT_NAME, tag: str | None = None) -> str:
    """`display_name` as a webhook may carry it: 1-80 visible characters, no "clyde" or
    "discord" (a look-alike letter instead), no "@" or backtick (look-alikes), never
    "everyone" or "here" alone (`tag`, or `fallback`, is added in brackets); `fallback` when
    nothing usable is left."""
    name = " ".join(_visible(display_name).split()).translate(_INERT)
    name = _RESERVED.sub(lambda m: _lookalike(m.group(0)), name)
    if name.lower() in _WHOLE_RESERVED:
        name = f"{name} ({tag or fallback})"
    name = name[: limits.WEBHOOK_USERNAME].strip()
    return name or fallback


def _lookalike(word: str) -> str:
    """The reserved word with its vowel swapped for a look-alike, keeping the letter case."""
    swapped = _LOOKALIKES[word.lower()]
    return "".join(s.upper() if w.isupper() else s for w, s in zip(word, swapped, strict=True))


class PartSender(Protocol):
    """The Discord side of a multi-part post (cogs/_webhooks.py implements it)."""

    async def send(self, part: str) -> int:
        """Post one part; its message id. Raises Retryable for passing trouble."""
        ...

    async def find(self, part: str, after: int) -> int | None:
        """The id of a message this webhook already posted with this text after `after`."""
        ...

    async def delete(self, message_id: int) -> None:
        """Delete a posted part (already gone counts as done)."""
        ...


async def send_parts(
    sender: PartSender, parts: Sequence[str], ctx: StepContext, *, after: int
) -> list[int]:
    """Post the parts in order as one unit, inside a journal step: each part's id is saved
    before the next goes out, and a part whose send was begun but not confirmed (a crash, a
    lost answer) is looked for after `after` before it is sent again, so a retried step never
    duplicates a part. Returns the ids of all parts."""
    sent: list[int] = list(ctx.state.get("sent", []))
    for index in range(len(sent), len(parts)):
        part_id = None
        if ctx.state.get("sending") == index:
            part_id = await sender.find(parts[index], sent[-1] if sent else after)
        if part_id is None:
            await ctx.save(sending=index)
            part_id = await sender.send(parts[index])
        sent.append(part_id)
        await ctx.save(sent=sent, sending=None)
        ctx.reach(f"part-{index + 1}")
    return sent


async def remove_parts(sender: PartSender, ctx: StepContext) -> int:
    """Undo a half-done post: delete the parts already sent; how many there were."""
    sent: list[int] = list(ctx.state.get("sent", []))
    for message_id in sent:
        await sender.delete(message_id)
    return len(sent)


async def abandon_post(sender: PartSender, ctx: StepContext, error: str, what: str) -> bool:
    """A handler's undo for a multi-part `post` step: once the post is complete it stays
    (False); before that, the parts sent are removed (True: the intent is undone)."""
    if "post" in ctx.intent.results:
        return False
    removed = await remove_parts(sender, ctx)
    log.warning("%s abandoned (%s); %d part(s) removed", what, error, removed)
    return True
