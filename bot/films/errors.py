"""Catalog errors a member reads: unknown film (with suggestions), ambiguous title."""

from __future__ import annotations

from collections.abc import Sequence

from bot.errors import InvalidInput, NotFound
from bot.films.model import Film
from bot.films.text import safe_echo
from bot.text import counted

MAX_LISTED = 5


def _listing(films: Sequence[Film]) -> str:
    return ", ".join(safe_echo(f.label, 100) for f in films[:MAX_LISTED])


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
            f'Pick one from the list, or add the year, e.g. "{safe_echo(example, 100)}".'
        )
