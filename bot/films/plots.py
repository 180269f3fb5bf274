"""Moderators' plot sections (`/film plot`): validation, the modal's limits, and the messages.

A section has a heading, a spoiler level (premise, later or ending) and text. Text is stored
exactly as typed; everything that shows it (summaries, the guard's plot points) treats it as
plain text, so markdown, spoiler bars and mentions in it are shown literally and never ping.
After a change the film's spoiler detectors are rebuilt (`on_change`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from bot import limits
from bot.errors import InvalidInput, NotFound
from bot.films.model import SpoilerLevel, SummarySection
from bot.text import clean_typed, neutral_name, one_line
from storage.plot_sections import PlotSectionRepository

log = logging.getLogger(__name__)

HEADING_MAX = 100
LEVEL_NAMES = "premise, later or ending"


def parse_level(value: str) -> SpoilerLevel:
    """premise / later / ending (also "later acts"); InvalidInput naming the choices."""
    word = value.strip().lower().split(" ")[0] if value.strip() else ""
    try:
        return SpoilerLevel.parse(word)
    except ValueError:
        raise InvalidInput(
            f"Spoiler level {value.strip()[:40]!r} is not one of {LEVEL_NAMES}: premise is "
            "spoiler-free, later is the middle of the film, ending is how it ends."
        ) from None


def validate_section(heading: str, level: str, text: str) -> SummarySection:
    """A section from the modal's three fields; InvalidInput saying exactly what is wrong.

    Hidden characters (direction overrides, zero-width spaces) are dropped first, so a title of
    only those is missing."""
    heading, text = one_line(clean_typed(heading)), clean_typed(text)
    if not heading:
        raise InvalidInput("Give the section a title, e.g. “The ending”.")
    if len(heading) > HEADING_MAX:
        raise InvalidInput(
            f"The section title is {len(heading):,} characters; it can have at most "
            f"{HEADING_MAX}. Shorten it by {len(heading) - HEADING_MAX:,}."
        )
    if not text:
        raise InvalidInput("The section has no text: write what happens in this part.")
    check_fits_modal(text, "The section text")
    return SummarySection(heading, text, parse_level(level), "community")


def check_fits_modal(text: str, what: str) -> None:
    """Discord's text boxes hold at most 4,000 characters: say by how much `text` is over."""
    over = len(text) - limits.MODAL_TEXT_INPUT
    if over > 0:
        raise InvalidInput(
            f"{what} is {len(text):,} characters; Discord allows at most "
            f"{limits.MODAL_TEXT_INPUT:,} in a modal field. Shorten it by {over:,} characters, "
            "or split it into two sections."
        )


class PlotEditor:
    """Adds, edits and removes a film's summary sections on a moderator's behalf."""

    def __init__(self, repository: PlotSectionRepository, on_change: Callable[[int], None]):
        self._repository = repository
        self._on_change = on_change

    async def find(self, film_id: int, heading: str) -> SummarySection:
        """The film's live section with this heading (case-insensitive); NotFound listing
        the headings it has."""
        sections = await self._repository.sections(film_id)
        for section in sections:
            if section.heading.strip().lower() == heading.strip().lower():
                return section
        have = ", ".join(f"“{neutral_name(s.heading, 60)}”" for s in sections[:10]) or "none yet"
        raise NotFound(
            f"This film has no section called “{neutral_name(heading, 100, '')}” (it has: {have})."
        )

    async def editable(self, film_id: int, heading: str) -> SummarySection:
        """A section to open in the modal: it must fit Discord's 4,000-character text box."""
        section = await self.find(film_id, heading)
        check_fits_modal(section.text, f"The section “{neutral_name(section.heading, 60)}”")
        return section

    async def save(
        self, film_id: int, section: SummarySection, *, replaces: str | None, by: int
    ) -> None:
        await self._repository.save(film_id, section, replaces=replaces)
        log.info("moderator %s saved plot section %r of film %s", by, section.heading, film_id)
        self._on_change(film_id)

    async def remove(self, film_id: int, heading: str, *, by: int) -> SummarySection:
        section = await self.find(film_id, heading)
        await self._repository.retire(film_id, section.heading)
        log.info("moderator %s removed plot section %r of film %s", by, section.heading, film_id)
        self._on_change(film_id)
        return section
