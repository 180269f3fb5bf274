"""`python -m bot threads`: list stored discussions, export one to a file, import a blog's comments."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path

from bot.cli._common import Subparsers
from bot.cli._poster import post_imported_thread
from bot.errors import UserFacingError
from bot.progress import Progress
from bot.replies.export import ExportFormat, export_thread
from bot.replies.wxr import import_wxr
from bot.settings import Settings, SettingsError, load_settings
from storage.db import DatabaseError, connect
from storage.migrate import migrate
from storage.replies import ReplyRepository


def register(subparsers: Subparsers) -> None:
    parser = subparsers.add_parser(
        "threads", help="list, export and import stored discussion threads (reply chains)"
    )
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--db", type=Path, help="database file (default: DATABASE_PATH)")
    actions = parser.add_subparsers(dest="threads_action", metavar="ACTION", required=True)

    listing = actions.add_parser("list", parents=[common], help="stored threads with their ids")
    listing.set_defaults(handler=_list)

    export = actions.add_parser("export", parents=[common], help="write a whole thread to a file")
    export.add_argument("thread_id", type=int, metavar="ID", help="thread id (see `threads list`)")
    export.add_argument("--format", required=True, choices=[f.value for f in ExportFormat])
    export.add_argument("--out", required=True, type=Path, metavar="FILE")
    export.set_defaults(handler=_export)

    imp = actions.add_parser(
        "import", parents=[common], help="store a blog's comments from a WordPress export"
    )
    imp.add_argument("file", type=Path, metavar="FILE", help="a WXR file (WordPress export)")
    imp.add_argument(
        "--post",
        type=int,
        metavar="CHANNEL_ID",
        help="also post the comments into a new thread of this channel (needs DISCORD_TOKEN)",
    )
    imp.set_defaults(handler=_import)


def _run(args: argparse.Namespace, work: Callable[[ReplyRepository], Awaitable[int]]) -> int:
    """Open the database, apply migrations, run `work`; user-facing errors become one line."""
    try:
        path = args.db or load_settings().database_path
        return asyncio.run(_with_repository(Path(path), work))
    except (UserFacingError, DatabaseError, SettingsError) as exc:
        print(f"error: {getattr(exc, 'message', exc)}", file=sys.stderr)
        return 1


async def _with_repository(path: Path, work: Callable[[ReplyRepository], Awaitable[int]]) -> int:
    path.expanduser().resolve().parent.mkdir(parents=True, exist_ok=True)
    conn = await connect(path)
    try:
        await migrate(conn)
        return await work(ReplyRepository(conn))
    finally:
        await conn.close()


def _list(args: argparse.Namespace) -> int:
    async def work(repo: ReplyRepository) -> int:
        threads = await repo.list_threads()
        if not threads:
            print("No threads stored yet.")
            return 0
        print(f"{'ID':>20}  {'SOURCE':7}  {'MESSAGES':>8}  {'LAST MESSAGE':16}  TITLE")
        for t in threads:
            last = t.last_at.strftime("%Y-%m-%d %H:%M") if t.last_at else "-"
            title = t.title or "(untitled)"
            print(f"{t.thread_id:>20}  {t.source:7}  {t.message_count:>8,}  {last:16}  {title}")
        return 0

    return _run(args, work)


def _export(args: argparse.Namespace) -> int:
    async def work(repo: ReplyRepository) -> int:
        summary = await repo.get_thread(args.thread_id)
        total = summary.message_count if summary else None
        progress = Progress("Exporting", total, unit="comments")
        fmt = ExportFormat(args.format)
        result = await export_thread(repo, args.thread_id, fmt, args.out, progress=progress)
        print(
            f"Wrote {result.comments:,} comments to {result.path} ({result.bytes_written:,} bytes)."
        )
        return 0

    return _run(args, work)


def _import(args: argparse.Namespace) -> int:
    settings = None
    if args.post is not None:
        try:  # refuse before importing anything
            settings = load_settings()
            settings.require_token()
        except SettingsError as exc:
            print(f"error: {exc} Nothing was imported.", file=sys.stderr)
            return 2

    async def work(repo: ReplyRepository) -> int:
        progress = Progress("Reading", unit="comments")
        for thread in await import_wxr(repo, args.file, progress):
            print(
                f"Imported “{thread.title}” as thread {thread.thread_id}: {thread.comments:,} "
                f"comments ({thread.top_level:,} top-level)"
                + (f", {thread.skipped:,} pingbacks skipped" if thread.skipped else "")
                + "."
            )
            if settings is not None:
                await _post(repo, thread.thread_id, thread.comments, args.post, settings)
        return 0

    return _run(args, work)


async def _post(
    repo: ReplyRepository, thread_id: int, comments: int, channel_id: int, settings: Settings
) -> None:
    progress = Progress("Posting", comments, unit="comments")
    posted = await post_imported_thread(repo, thread_id, channel_id, settings, progress)
    print(f"Posted {posted.posted:,} comments in the thread “{posted.name}”: {posted.jump_url}")
