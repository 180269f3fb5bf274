"""How what a member typed becomes a film: autocomplete, search, "did you mean", resolution.

The rules live here; the queries they are built from are storage/films.py's. A title that
names no film raises `FilmNotFound` (a `bot.errors.NotFound`, with the closest titles); one
several films share raises `AmbiguousTitle` (with the candidates). Both carry the message a
member reads.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence

from bot import limits
from bot.errors import InvalidInput, NotFound
from bot.films.model import Film
from bot.films.text import safe_echo
from bot.films.titles import MAX_ID_DIGITS, parse_query, picked_id, without_trailing_year
from bot.text import counted
from storage.films import FilmRepository

DEFAULT_LIMIT = limits.AUTOCOMPLETE_CHOICES
LABEL_CHARS = 100  # of a film's label, echoed in a message
MAX_SUGGESTIONS = 5
MAX_LISTED = 5
FUZZY_POOL = 400
FUZZY_CUTOFF = 0.6
STEM_LENGTH = 3  # "did you mean" looks at titles with a word starting like one typed


def _listing(films: Sequence[Film]) -> str:
    return ", ".join(safe_echo(f.label, LABEL_CHARS) for f in films[:MAX_LISTED])


class FilmNotFound(NotFound):
    """No film has that title; `suggestions` are the closest titles (maybe none)."""

    def __init__(
        self, query: str, suggestions: Sequence[Film] = (), *, catalog_size: int | None = None
    ) -> None:
        self.query = query
        self.suggestions = list(suggestions)
        message = f'No film called "{safe_echo(query)}".'
        if self.suggestions:
            message += f" Did you mean: {_listing(self.suggestions)}?"
        else:
            message += " Try fewer words, or check the spelling."
        if catalog_size is not None:  # a small catalog: the film is probably not imported
            message += (
                f" The catalog holds only {counted(catalog_size, 'film')}: an admin can import "
                "more with `python -m bot catalog import movielens` (see docs/films.md)."
            )
        super().__init__(message)


class AmbiguousTitle(InvalidInput):
    """Several films share the title; `candidates` lists them, most popular first."""

    def __init__(self, query: str, candidates: Sequence[Film]) -> None:
        self.query = query
        self.candidates = list(candidates)
        example = self.candidates[0].label if self.candidates else query
        super().__init__(
            f'Several films are called "{safe_echo(query)}": {_listing(self.candidates)}. '
            f'Pick one from the list, or add the year, e.g. "{safe_echo(example, LABEL_CHARS)}".'
        )


class TitleSearch:
    """Films for what a member typed, over the catalog's title queries."""

    def __init__(self, films: FilmRepository) -> None:
        self._films = films

    async def autocomplete(self, query: str, limit: int = DEFAULT_LIMIT) -> list[Film]:
        """Films for what has been typed so far, best first: exact title, titles starting with
        it, then titles with words starting with it; more popular first within each.

        Films in this list carry id, title, year and original title only (use get_details).
        """
        parsed = parse_query(query)
        if parsed.is_empty:
            return await self._films.most_popular(limit)
        films = await self._films.ranked(parsed, limit)
        if not films and (with_year := without_trailing_year(parsed)):
            films = await self._films.ranked(with_year, limit)
        return films

    async def search(self, query: str, limit: int = DEFAULT_LIMIT) -> list[Film]:
        """Like autocomplete, with genres and ids filled in, falling back to close spellings."""
        ids = [f.id for f in await self.autocomplete(query, limit)]
        if not ids:
            ids = [f.id for f in await self.closest(query, limit)]
        return await self._films.films_by_ids(ids)

    async def closest(self, query: str, limit: int = MAX_SUGGESTIONS) -> list[Film]:
        """Titles spelt like `query` (for "did you mean"), by similarity of their match keys."""
        parsed = parse_query(query)
        stems = sorted({token[:STEM_LENGTH] for token in parsed.tokens if len(token) >= 2})
        if not stems:
            return []
        candidates = await self._films.spelt_alike(stems, FUZZY_POOL)
        scored = [
            (difflib.SequenceMatcher(None, parsed.key, key).ratio(), i, film_id)
            for i, (film_id, key) in enumerate(candidates)
        ]
        best = sorted((s for s in scored if s[0] >= FUZZY_CUTOFF), key=lambda s: (-s[0], s[1]))
        return await self._films.films_by_ids(
            [film_id for _, _, film_id in best[:limit]], full=False
        )

    async def namesakes(self, film: Film) -> list[Film]:
        """Other films with the same title (to say "add the year" on a card), most popular first."""
        return await self._films.namesakes(film, MAX_SUGGESTIONS)

    async def resolve(self, title_or_id: str) -> Film:
        """The one film meant by an autocomplete value ("#" and the film id) or a typed title.

        "#123" is film 123 (a picked choice: the mark keeps film 300 apart from the film called
        "300"). A bare number is read as a title first when exactly one film has it as its title
        ("1917" typed without picking from the list), else as a film id.
        Raises FilmNotFound (with the closest titles) or AmbiguousTitle (with the candidates).
        """
        text = (title_or_id or "").strip()
        if (picked := picked_id(text)) is not None and (film := await self._films.get_film(picked)):
            return film
        parsed = parse_query(text)
        if parsed.is_empty:
            raise InvalidInput("Type the title of a film (or pick one from the list).")
        matches = await self._titled(text)
        if len(matches) != 1 and text.isdigit() and len(text) <= MAX_ID_DIGITS:
            film = await self._films.get_film(int(text))
            if film is not None:
                return film
        if len(matches) == 1:
            return await self._stored(matches[0], text)
        if matches:
            raise AmbiguousTitle(text, await self._films.films_by_ids(matches, full=False))
        typed_so_far = await self.autocomplete(text, MAX_SUGGESTIONS)
        if len(typed_so_far) == 1:
            return await self._stored(typed_so_far[0].id, text)
        raise FilmNotFound(text, typed_so_far or await self.closest(text))

    async def _titled(self, text: str) -> list[int]:
        """Ids of the films with exactly this title (and year, if given, also as a last word:
        "sunshine 2007"); the curated one alone when it is among them (typing "Never Let Me
        Go" gives the 2010 film the community means, not the 1953 one)."""
        parsed = parse_query(text)
        matches = await self._films.titled(parsed)
        if not matches and (with_year := without_trailing_year(parsed)):
            matches = await self._films.titled(with_year)
        if len(matches) > 1:
            curated = await self._films.curated_among(matches)
            if len(curated) == 1:
                return curated
        return matches

    async def _stored(self, film_id: int, text: str) -> Film:
        film = await self._films.get_film(film_id)
        if film is None:  # removed between two reads
            raise FilmNotFound(text)
        return film
