"""The spoiler guard's decisions, without Discord: which comments to take down, the re-post text,
the author's note, and the records that keep every original.

The cog (cogs/discussions/guard.py) carries a `Takedown` out in this order, so nothing is lost
if a step fails: `keep` (the original text is stored) -> re-post `takedown.parts` through a
webhook -> `reposted` -> tell the reply chains -> delete the original -> `taken_down` -> DM
`takedown.note` -> `noted`. If the re-post fails, the original stays up.

Detectors are built once per (film, sensitivity) in a worker thread and cached: building one
reads the film's whole catalog entry (about 0.2-0.5 s the first time); checking a comment then
takes milliseconds.
"""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from bot import limits
from bot.discord_names import webhook_name
from bot.errors import InvalidInput, NotFound, PermissionDenied
from bot.films.model import FilmDetails
from bot.spoilers.detect import SpoilerDetector, guard_note, parse_sensitivity
from bot.spoilers.format import Document
from bot.text import neutralise_mentions
from storage.discussions import (
    Discussion,
    DiscussionRepository,
    DiscussionSettingsRepository,
    GuardRecord,
    SpoilerGuardRepository,
)

log = logging.getLogger(__name__)

GUARD_FOOTER = "-# Spoiler tags added by the spoiler guard (this thread keeps reveals hidden)."
MEMBER_FOOTER = "-# Spoiler tags added at the author's request."
MODERATOR_FOOTER = "-# Spoiler tags added by a moderator."
DETECTORS_KEPT = 32

DetailsLoader = Callable[[int], Awaitable[FilmDetails]]


@dataclass(frozen=True)
class Takedown:
    """A comment to replace with a spoiler-tagged re-post."""

    discussion: Discussion
    rewritten: str  # the whole comment, reveals tagged, mentions inert
    parts: tuple[str, ...]  # message contents for the re-post, footer in the last
    reasons: tuple[str, ...]
    note: str | None  # the private note for the author; None when they asked for it
    trigger: str  # "guard" or "member"
    sensitivity: str | None


def repost_parts(rewritten: str, footer: str) -> tuple[str, ...]:
    """`rewritten` split into messages that each fit, the footer line closing the last one."""
    room = limits.MESSAGE_CONTENT - len(footer) - 1
    parts = Document.parse(rewritten).split(room) or [""]
    return (*parts[:-1], f"{parts[-1]}\n{footer}".lstrip("\n"))


def webhook_username(display_name: str) -> str:
    """The author's display name as a webhook may carry it (1-80 characters, no reserved word)."""
    return webhook_name(display_name)


def check_can_tag(*, is_author: bool, is_moderator: bool) -> None:
    """Members may spoiler-tag their own comments; moderators anyone's."""
    if not (is_author or is_moderator):
        raise PermissionDenied(
            "You can only spoiler-tag your own messages. Ask a moderator, or reply asking the "
            "author to tag it."
        )


class DetectorCache:
    """One SpoilerDetector per (film, sensitivity), built off the event loop, most recent kept."""

    def __init__(self, load_details: DetailsLoader, *, size: int = DETECTORS_KEPT) -> None:
        self._load = load_details
        self._size = size
        self._built: OrderedDict[tuple[int, str], asyncio.Future[SpoilerDetector]] = OrderedDict()

    async def get(self, film_id: int, sensitivity: str) -> SpoilerDetector | None:
        """The film's detector; None when the film is no longer in the catalog."""
        key = (film_id, parse_sensitivity(sensitivity).value)
        future = self._built.get(key)
        if future is None:
            future = asyncio.ensure_future(self._build(*key))
            self._built[key] = future
            while len(self._built) > self._size:
                self._built.popitem(last=False)
        self._built.move_to_end(key)
        try:
            return await asyncio.shield(future)
        except NotFound:
            self._built.pop(key, None)  # the film may come back: try again next time
            return None

    async def _build(self, film_id: int, sensitivity: str) -> SpoilerDetector:
        details = await self._load(film_id)
        detector = await asyncio.to_thread(SpoilerDetector, details, sensitivity)
        log.info("spoiler detector for film %s (%s) built", film_id, sensitivity)
        return detector


class SpoilerGuard:
    """Decides what the guard (and "Spoiler-tag this") does; keeps the records."""

    def __init__(
        self,
        discussions: DiscussionRepository,
        settings: DiscussionSettingsRepository,
        records: SpoilerGuardRepository,
        load_details: DetailsLoader,
    ) -> None:
        self.discussions = discussions
        self.settings = settings
        self.records = records
        self.detectors = DetectorCache(load_details)

    async def review(self, thread_id: int, text: str) -> Takedown | None:
        """A takedown when `text`, posted in a tagged-only discussion, reveals the plot."""
        discussion = await self.discussions.by_thread(thread_id)
        if discussion is None or not discussion.tagged_only or not text.strip():
            return None
        sensitivity = (await self.settings.get(discussion.guild_id)).guard_sensitivity
        detector = await self.detectors.get(discussion.film_id, sensitivity)
        if detector is None:
            log.debug(
                "film %s left the catalog: thread %s unguarded", discussion.film_id, thread_id
            )
            return None
        result = await asyncio.to_thread(detector.guard, text)
        if result.rewritten is None:
            return None
        reasons = tuple(dict.fromkeys(r for reveal in result.reveals for r in reveal.reasons))
        return Takedown(
            discussion,
            result.rewritten,
            repost_parts(result.rewritten, GUARD_FOOTER),
            reasons,
            guard_note(discussion.film_label, result),
            "guard",
            sensitivity,
        )

    async def on_request(self, thread_id: int, text: str, *, by_author: bool) -> Takedown:
        """ "Spoiler-tag this": the whole comment hidden (text already tagged stays tagged)."""
        discussion = await self.discussions.by_thread(thread_id)
        if discussion is None:
            raise InvalidInput("Spoiler-tag this works on comments in film discussion threads.")
        if not Document.parse(text).text.strip():
            raise InvalidInput("That message has no text to hide.")
        rewritten = neutralise_mentions(Document.parse(text).hide_all().render())
        footer = MEMBER_FOOTER if by_author else MODERATOR_FOOTER
        reasons = ("asked by the author",) if by_author else ("asked by a moderator",)
        return Takedown(
            discussion, rewritten, repost_parts(rewritten, footer), reasons, None, "member", None
        )

    async def warm(self, film_id: int, guild_id: int) -> None:
        """Build the film's detector ahead of the first comment (after opening a thread)."""
        sensitivity = (await self.settings.get(guild_id)).guard_sensitivity
        await self.detectors.get(film_id, sensitivity)

    async def keep(
        self, takedown: Takedown, *, message_id: int, author_id: int, text: str
    ) -> GuardRecord:
        """Store the original before anything is taken down (idempotent per message)."""
        record = await self.records.record(
            takedown.discussion,
            original_message_id=message_id,
            author_id=author_id,
            original_text=text,
            rewritten_text=takedown.rewritten,
            reasons=takedown.reasons,
            trigger=takedown.trigger,
            sensitivity=takedown.sensitivity,
        )
        if takedown.note is None:
            record = await self.records.set_note_status(record.id, "not_applicable")
        return record

    async def already_handled(self, message_id: int) -> bool:
        """Whether this message was already kept (and re-posted) by the guard or on request."""
        return await self.records.by_original(message_id) is not None

    async def reposted(self, record: GuardRecord, message_ids: list[int]) -> GuardRecord:
        return await self.records.add_reposts(record.id, message_ids)

    async def taken_down(self, record: GuardRecord) -> GuardRecord:
        return await self.records.mark_original_deleted(record.id)

    async def noted(self, record: GuardRecord, *, delivered: bool) -> GuardRecord:
        return await self.records.set_note_status(record.id, "sent" if delivered else "closed")
