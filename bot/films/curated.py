"""Curated film data shipped with the bot (bot/films/data/*.json), read without a database.

Each file holds hand-checked facts, every one citing where it came from ("seed:<file>").
`load_curated()` turns them into plain FilmDetails; storage/films.py stores them in the catalog.
Curated films are not stored yet, so their `Film.id` is 0; `Film.external_ids["curated"]`
is the stable key that identifies them across loads.
"""

from __future__ import annotations

import json
import logging
from importlib import resources
from pathlib import Path
from typing import Any

from bot.films.model import (
    Credit,
    Fact,
    Film,
    FilmDetails,
    Quote,
    RelatedFilm,
    SpoilerLevel,
    SummarySection,
)

log = logging.getLogger(__name__)

FORMAT = 1
CREDIT_ROLES = ("director", "writer", "cast", "composer", "cinematographer", "producer")
RELATIONS = ("keep_exploring", "compared", "mentioned", "similar")
FILM_KEYS = {
    "key",
    "title",
    "year",
    "source",
    "original_title",
    "runtime_minutes",
    "countries",
    "countries_source",
    "genres",
    "genres_source",
    "rating",
    "rating_source",
    "synopsis",
    "synopsis_source",
    "credits",
    "summary",
    "quotes",
    "facts",
    "related",
}
FIELD_SOURCES = ("countries", "genres", "synopsis", "rating")


class CuratedDataError(ValueError):
    """A curated data file that does not follow the format; the message says where."""


def load_curated(folder: Path | None = None) -> list[FilmDetails]:
    """Every curated film, in file order (files sorted by name)."""
    films: list[FilmDetails] = []
    for name, text in _data_files(folder):
        films += parse_document(name, text)
    log.debug("loaded %d curated films", len(films))
    return films


def load_file(path: Path) -> list[FilmDetails]:
    """The films of one JSON file in this format (`python -m bot catalog load FILE`)."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise CuratedDataError(f"{path}: cannot be read ({exc})") from None
    films = parse_document(path.name, text)
    if not films:
        raise CuratedDataError(f'{path.name}: no films (put them in a "films" list)')
    return films


def parse_document(name: str, text: str) -> list[FilmDetails]:
    """The films of one document; CuratedDataError naming the file and entry that is wrong."""
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise CuratedDataError(f"{name}: not valid JSON ({exc})") from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise CuratedDataError(f'{name}: expected an object with "format": {FORMAT}')
    if not isinstance(document.get("films", []), list):
        raise CuratedDataError(f'{name}: "films" must be a list')
    films = []
    for index, entry in enumerate(document.get("films", [])):
        try:
            if not isinstance(entry, dict):
                raise TypeError("each film must be an object")
            films.append(_film_details(entry))
        except (KeyError, TypeError, ValueError) as exc:
            raise CuratedDataError(f"{name}: films[{index}]: {exc}") from None
    return films


def _data_files(folder: Path | None) -> list[tuple[str, str]]:
    if folder is None:
        base = resources.files("bot.films").joinpath("data")
        entries = [e for e in base.iterdir() if e.name.endswith(".json")]
        return sorted((e.name, e.read_text(encoding="utf-8")) for e in entries)
    return sorted((p.name, p.read_text(encoding="utf-8")) for p in folder.glob("*.json"))


def _film_details(entry: dict[str, Any]) -> FilmDetails:
    unknown = set(entry) - FILM_KEYS
    if unknown:
        raise ValueError(f"unknown keys {sorted(unknown)}")
    film = Film(
        id=0,
        title=_text(entry, "title"),
        year=entry.get("year"),
        original_title=entry.get("original_title"),
        runtime_minutes=entry.get("runtime_minutes"),
        countries=tuple(entry.get("countries", ())),
        genres=tuple(entry.get("genres", ())),
        synopsis=entry.get("synopsis"),
        rating=entry.get("rating"),
        rating_source=entry.get("rating_source"),
        external_ids={"curated": _text(entry, "key")},
        source=_text(entry, "source"),
    )
    field_sources = {"title": _text(entry, "source")}
    for name in FIELD_SOURCES:
        if entry.get(f"{name}_source"):
            field_sources[name] = entry[f"{name}_source"]
    return FilmDetails(
        film=film,
        credits=tuple(_credits(entry.get("credits", []))),
        summary=tuple(_summary(entry.get("summary", []))),
        quotes=tuple(_quotes(entry.get("quotes", []))),
        facts=tuple(_facts(entry.get("facts", []))),
        related=tuple(link.film for link in _related(entry.get("related", []))),
        related_links=tuple(_related(entry.get("related", []))),
        field_sources=field_sources,
    )


def _credits(items: list[dict[str, Any]]) -> list[Credit]:
    credits = []
    order_by_role: dict[str, int] = {}
    for item in items:
        role = _text(item, "role")
        if role not in CREDIT_ROLES:
            raise ValueError(f"credit role {role!r} is not one of {CREDIT_ROLES}")
        order_by_role[role] = order_by_role.get(role, 0) + 1
        credits.append(
            Credit(
                name=_text(item, "name"),
                role=role,
                character=item.get("character"),
                note=item.get("note"),
                order=order_by_role[role],
                source=_text(item, "source"),
                aliases=tuple(item.get("aliases", ())),
            )
        )
    return credits


def _summary(items: list[dict[str, Any]]) -> list[SummarySection]:
    return [
        SummarySection(
            heading=_text(item, "heading"),
            text=_text(item, "text"),
            level=SpoilerLevel.parse(_text(item, "level")),
            source=_text(item, "source"),
        )
        for item in items
    ]


def _quotes(items: list[dict[str, Any]]) -> list[Quote]:
    return [
        Quote(
            text=_text(item, "text"),
            speaker=item.get("speaker"),
            source=_text(item, "source"),
            level=SpoilerLevel.parse(item.get("level", "premise")),
        )
        for item in items
    ]


def _facts(items: list[dict[str, Any]]) -> list[Fact]:
    return [
        Fact(
            kind=_text(item, "kind"),
            value=_text(item, "value"),
            source=_text(item, "source"),
            level=SpoilerLevel.parse(item.get("level", "premise")),
            note=item.get("note"),
        )
        for item in items
    ]


def _related(items: list[dict[str, Any]]) -> list[RelatedFilm]:
    links = []
    for item in items:
        relation = _text(item, "relation")
        if relation not in RELATIONS:
            raise ValueError(f"relation {relation!r} is not one of {RELATIONS}")
        source = _text(item, "source")
        film = Film(id=0, title=_text(item, "title"), year=item.get("year"), source=source)
        link = RelatedFilm(film, relation, source, item.get("note"), item.get("year_source"))
        links.append(link)
    return links


def _text(item: dict[str, Any], key: str) -> str:
    value = item.get(key)
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{key!r} must be a non-empty string (in {_describe(item)})")
    return value


def _describe(item: dict[str, Any]) -> str:
    for key in ("title", "name", "heading", "kind", "text"):
        if isinstance(item.get(key), str):
            return f"{key}={item[key][:40]!r}"
    return "an entry"
