"""Community spoiler knowledge: moderators' terms per discussion, terms learned from members' tags.

- `/discuss spoiler-terms add` makes a term always count as a reveal in one discussion (score 3,
  any sensitivity); `remove` takes a moderator's term off again, or, for a learned term, stops
  it counting in that discussion; `list` shows both kinds.
- Every comment in a film's discussion (any policy) that puts text in ||tags|| records its
  tagged terms for the film, once per member (bot/spoilers/terms.py says which terms). A term
  that `LEARNED_MIN_MEMBERS` (3) different members tagged counts like a plot term (score 2).
Terms are stored as typed and always shown neutral (markdown escaped, mentions inert).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from bot import limits
from bot.discussions.model import Discussion
from bot.errors import InvalidInput, NotFound
from bot.spoilers.format import spoiler
from bot.spoilers.model import (
    LEARNED_MIN_MEMBERS,
    TERM_MAX_CHARS,
    TERMS_PER_DISCUSSION,
    SpoilerTerm,
    TermChange,
    TermKind,
)
from bot.spoilers.terms import ExtraTerms, tagged_terms, term_key, validate_term
from bot.text import counted, escape_markdown, neutralise_mentions
from storage.spoiler_terms import SpoilerTermRepository

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class TermList:
    """What `/discuss spoiler-terms list` shows for one discussion."""

    film_label: str
    always: tuple[SpoilerTerm, ...]
    learned: tuple[SpoilerTerm, ...]
    ignored: tuple[SpoilerTerm, ...]


def shown(text: str) -> str:
    """A term as Discord shows it: literally, never as markdown, never pinging."""
    return neutralise_mentions(escape_markdown(text))


class CommunityTerms:
    """The spoiler terms of discussions and films (see the module docstring)."""

    def __init__(self, repository: SpoilerTermRepository) -> None:
        self._repository = repository

    async def extra_for(self, discussion: Discussion) -> ExtraTerms:
        """The terms the detector reads in this discussion besides the film's plot points."""
        terms = await self.list(discussion)
        return ExtraTerms(terms.always, terms.learned)

    async def learn(
        self,
        discussion: Discussion,
        text: str,
        *,
        member_id: int,
        message_id: int,
        known_names: frozenset[str] = frozenset(),
    ) -> list[SpoilerTerm]:
        """Record the terms a member's comment puts in spoiler tags (returns them)."""
        if "||" not in text:
            return []
        terms = tagged_terms(text, known_names)
        await self._repository.record_tags(
            discussion.film_id,
            terms,
            member_id=member_id,
            thread_id=discussion.thread_id,
            message_id=message_id,
        )
        if terms:
            log.debug(
                "member %s tagged %d terms in thread %s",
                member_id,
                len(terms),
                discussion.thread_id,
            )
        return terms

    async def add(self, discussion: Discussion, text: str, *, by: int) -> str:
        """Make a term always count as a reveal here; the reply to show the moderator."""
        term = validate_term(text)
        change = await self._repository.add(discussion.thread_id, term, TermKind.ALWAYS, by)
        _check_room(change)
        if change is TermChange.UNCHANGED:
            return f"“{shown(term.text)}” already counts as a reveal in this discussion."
        return (
            f"“{shown(term.text)}” now always counts as a reveal in this discussion: "
            "untagged comments using it are re-posted with spoiler tags."
        )

    async def remove(self, discussion: Discussion, text: str, *, by: int) -> str:
        """Take a term off; a learned term stops counting in this discussion only."""
        key = term_key(text)
        if not key:
            raise InvalidInput(
                "Type the term to remove, as `/discuss spoiler-terms list` shows it."
            )
        always = {t.key: t for t in await self._repository.discussion_terms(discussion.thread_id)}
        if key in always:
            term = await self._repository.remove(discussion.thread_id, key, by)
            if term is None:
                raise NotFound("This discussion has no such spoiler term.")
            return f"“{shown(term.text)}” no longer counts as a reveal in this discussion."
        learned = {t.key: t for t in await self._repository.learned(discussion.film_id)}
        if key in learned:
            _check_room(
                await self._repository.add(discussion.thread_id, learned[key], TermKind.NEVER, by)
            )
            return (
                f"“{shown(learned[key].text)}” was learned from members' spoiler tags; it no "
                "longer counts in this discussion."
            )
        raise InvalidInput(
            f"“{shown(text.strip()[:TERM_MAX_CHARS])}” is not a spoiler term of this discussion; "
            "`/discuss spoiler-terms list` shows them."
        )

    async def list(self, discussion: Discussion) -> TermList:
        """The discussion's terms: moderators', learned ones that count here, switched-off."""
        thread_id = discussion.thread_id
        always = await self._repository.discussion_terms(thread_id, TermKind.ALWAYS)
        ignored = await self._repository.discussion_terms(thread_id, TermKind.NEVER)
        skip = {t.key for t in ignored} | {t.key for t in always}
        learned = [
            t for t in await self._repository.learned(discussion.film_id) if t.key not in skip
        ]
        return TermList(discussion.film_label, tuple(always), tuple(learned), tuple(ignored))


def _check_room(change: TermChange) -> None:
    if change is TermChange.NO_ROOM:
        raise InvalidInput(
            f"This discussion already has {TERMS_PER_DISCUSSION} spoiler terms; remove some first."
        )


def term_list_pages(terms: TermList) -> list[str]:
    """`/discuss spoiler-terms list`: pages under Discord's limit, each term behind spoiler
    tags (a term is a spoiler) and shown literally."""
    heading = f"**Spoiler terms: {shown(terms.film_label)}**"
    lines = ["Always a reveal here (set by moderators):"]
    lines += [f"• {spoiler(shown(t.text))}" for t in terms.always] or ["• none"]
    lines.append(
        f"Learned from members' spoiler tags (tagged by at least {LEARNED_MIN_MEMBERS} members):"
    )
    lines += [
        f"• {spoiler(shown(t.text))} ({counted(t.members, 'member')})" for t in terms.learned
    ] or ["• none yet"]
    if terms.ignored:
        lines.append("Learned, but switched off here:")
        lines += [f"• {spoiler(shown(t.text))}" for t in terms.ignored]
    pages, page = [], [heading]
    for line in lines:
        if len("\n".join([*page, line])) > limits.MESSAGE_CONTENT:
            pages.append("\n".join(page))
            page = [heading]
        page.append(line)
    pages.append("\n".join(page))
    return pages
