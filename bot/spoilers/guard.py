"""The spoiler guard's decisions, without Discord: which comments to take down, the re-post text,
the author's note, and the records that keep every original.

The cog carries a `Takedown` out as a journaled intent (cogs/discussions/repost.py): `keep`
(the original text is stored) -> re-post `takedown.parts` through the channel's webhook ->
take the original down (recorded as removed first) -> DM `takedown.note` -> screen the
re-post as the author's. If the re-post is refused, the parts posted are removed and the
original stays up.

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
from bot.discussions.model import Discussion
from bot.discussions.service import Discussions
from bot.errors import InvalidInput, NotFound, PermissionDenied
from bot.films.model import FilmDetails
from bot.spoilers.community import CommunityTerms
from bot.spoilers.detect import SpoilerDetector, guard_note
from bot.spoilers.encoder import SentenceEncoder, load_encoder
from bot.spoilers.format import Document
from bot.spoilers.model import GuardRecord, GuardTrigger, NoteStatus, Sensitivity
from bot.text import neutralise_mentions
from storage.discussions import SpoilerGuardRepository

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
    trigger: GuardTrigger
    sensitivity: Sensitivity | None


def repost_parts(rewritten: str, footer: str) -> tuple[str, ...]:
    """`rewritten` split into messages that each fit, the footer line closing the last one."""
    room = limits.MESSAGE_CONTENT - len(footer) - 1
    parts = Document.parse(rewritten).split(room) or [""]
    return (*parts[:-1], f"{parts[-1]}\n{footer}".lstrip("\n"))


def check_can_tag(*, is_author: bool, is_moderator: bool) -> None:
    """Members may spoiler-tag their own comments; moderators anyone's."""
    if not (is_author or is_moderator):
        raise PermissionDenied(
            "You can only spoiler-tag your own messages. Ask a moderator, or reply asking the "
            "author to tag it."
        )


class NoGuardRecord(NotFound):
    """The guard kept no original under this id."""

    def __init__(self) -> None:
        super().__init__("No spoiler guard record matches.")


class DetectorCache:
    """One SpoilerDetector per (film, sensitivity), built off the event loop, most recent kept."""

    def __init__(
        self, load_details: DetailsLoader, *, size: int = DETECTORS_KEPT, encoder: bool = False
    ) -> None:
        self._load = load_details
        self._size = size
        self._encoder = encoder
        self._built: OrderedDict[tuple[int, Sensitivity], asyncio.Future[SpoilerDetector]] = (
            OrderedDict()
        )

    async def get(self, film_id: int, sensitivity: Sensitivity) -> SpoilerDetector | None:
        """The film's detector; None when the film is no longer in the catalog."""
        key = (film_id, Sensitivity(sensitivity))
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

    @property
    def uses_encoder(self) -> bool:
        return self._encoder

    def forget(self, film_id: int) -> None:
        """Drop the film's detectors (its plot changed): the next comment builds them anew."""
        for key in [k for k in self._built if k[0] == film_id]:
            del self._built[key]

    async def _build(self, film_id: int, sensitivity: Sensitivity) -> SpoilerDetector:
        details = await self._load(film_id)
        detector = await asyncio.to_thread(self._detector, details, sensitivity)
        log.info("spoiler detector for film %s (%s) built", film_id, sensitivity)
        return detector

    def _detector(self, details: FilmDetails, sensitivity: Sensitivity) -> SpoilerDetector:
        """In a worker thread: the encoder (if on) loads once, then embeds the plot."""
        encoder = None
        if self._encoder:
            encoder = load_encoder()
        return SpoilerDetector(details, sensitivity, encoder=encoder)


class SpoilerGuard:
    """Decides what the guard (and "Spoiler-tag this") does; keeps the records."""

    def __init__(
        self,
        discussions: Discussions,
        records: SpoilerGuardRepository,
        load_details: DetailsLoader,
        *,
        terms: CommunityTerms,
        encoder: bool = False,
    ) -> None:
        self._discussions = discussions
        self._records = records
        self.terms = terms
        self.detectors = DetectorCache(load_details, encoder=encoder)
        self._preload: asyncio.Future[SentenceEncoder | None] | None = None

    async def review(
        self,
        thread_id: int,
        text: str,
        *,
        author_id: int | None = None,
        message_id: int | None = None,
    ) -> Takedown | None:
        """A takedown when `text`, posted in a tagged-only discussion, reveals the plot.

        With the author's id, the terms the comment puts in ||tags|| are recorded for the
        film first (in any discussion), so members teach the guard its reveal vocabulary."""
        discussion = await self._discussions.by_thread(thread_id)
        if discussion is None:
            return None
        return await self.review_in(discussion, text, author_id=author_id, message_id=message_id)

    async def review_in(
        self,
        discussion: Discussion,
        text: str,
        *,
        author_id: int | None = None,
        message_id: int | None = None,
    ) -> Takedown | None:
        """As `review`, for a discussion the caller already looked up (the message path)."""
        thread_id = discussion.thread_id
        if not text.strip():
            return None
        sensitivity = (await self._discussions.settings(discussion.guild_id)).guard_sensitivity
        detector = await self.detectors.get(discussion.film_id, sensitivity)
        if detector is None:
            log.debug(
                "film %s left the catalog: thread %s unguarded", discussion.film_id, thread_id
            )
            return None
        if author_id is not None:
            names = frozenset(w for name in detector.points.names for w in name)
            await self.terms.learn(
                discussion,
                text,
                member_id=author_id,
                message_id=message_id or 0,
                known_names=names,
            )
        if not discussion.tagged_only:
            return None
        extra = await self.terms.extra_for(discussion)
        result = await asyncio.to_thread(detector.guard, text, extra)
        if result.rewritten is None:
            return None
        reasons = tuple(dict.fromkeys(r for reveal in result.reveals for r in reveal.reasons))
        return Takedown(
            discussion,
            result.rewritten,
            repost_parts(result.rewritten, GUARD_FOOTER),
            reasons,
            guard_note(discussion.film_label, result),
            GuardTrigger.GUARD,
            sensitivity,
        )

    async def on_request(self, thread_id: int, text: str, *, by_author: bool) -> Takedown:
        """ "Spoiler-tag this": the whole comment hidden (text already tagged stays tagged)."""
        discussion = await self._discussions.by_thread(thread_id)
        if discussion is None:
            raise InvalidInput("Spoiler-tag this works on comments in film discussion threads.")
        if not Document.parse(text).text.strip():
            raise InvalidInput("That message has no text to hide.")
        rewritten = neutralise_mentions(Document.parse(text).hide_all().render())
        footer = MEMBER_FOOTER if by_author else MODERATOR_FOOTER
        reasons = ("asked by the author",) if by_author else ("asked by a moderator",)
        return Takedown(
            discussion,
            rewritten,
            repost_parts(rewritten, footer),
            reasons,
            None,
            GuardTrigger.MEMBER,
            None,
        )

    def preload_encoder(self) -> asyncio.Future[SentenceEncoder | None] | None:
        """Start loading the sentence encoder in a worker thread (at start-up), so the first
        discussion does not wait for it; None when the encoder is off."""
        if not self.detectors.uses_encoder:
            return None
        self._preload = asyncio.ensure_future(asyncio.to_thread(load_encoder))
        return self._preload

    async def warm(self, film_id: int, guild_id: int) -> None:
        """Build the film's detector ahead of the first comment (after opening a thread)."""
        sensitivity = (await self._discussions.settings(guild_id)).guard_sensitivity
        await self.detectors.get(film_id, sensitivity)

    async def keep(
        self, takedown: Takedown, *, message_id: int, author_id: int, text: str
    ) -> GuardRecord:
        """Store the original before anything is taken down (idempotent per message)."""
        record = await self._records.record(
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
            record = _kept(
                await self._records.set_note_status(record.id, NoteStatus.NOT_APPLICABLE)
            )
        return record

    async def record_for(self, message_id: int) -> GuardRecord | None:
        """What the guard kept of this message; None when it never took it down."""
        return await self._records.by_original(message_id)

    async def records_in(self, thread_id: int) -> list[GuardRecord]:
        """The newest records of a discussion thread."""
        return await self._records.for_thread(thread_id)

    async def already_handled(self, message_id: int) -> bool:
        """Whether this message was already kept (and re-posted) by the guard or on request."""
        return await self._records.by_original(message_id) is not None

    async def reposted(self, record_id: int, message_ids: list[int]) -> GuardRecord:
        """The webhook messages that replaced the original, in order (ids already recorded
        are skipped, so a step that runs again adds nothing twice)."""
        record = _kept(await self._records.by_id(record_id))
        new = [i for i in message_ids if i not in record.repost_message_ids]
        if not new:
            return record
        return _kept(await self._records.add_reposts(record_id, new))

    async def taken_down(self, record_id: int) -> GuardRecord:
        return _kept(await self._records.mark_original_deleted(record_id))

    async def noted(self, record_id: int, status: NoteStatus) -> GuardRecord:
        """What became of the author's note: sent, closed (their DMs), failed (Discord) or
        unknown (the bot stopped while sending it)."""
        return _kept(await self._records.set_note_status(record_id, status))


def _kept(record: GuardRecord | None) -> GuardRecord:
    if record is None:
        raise NoGuardRecord()
    return record
