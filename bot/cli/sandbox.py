"""`python -m bot sandbox [--script FILE]`: the bot and a local fake Discord in one process.

No token and no network: a newcomer can try every command before creating a Discord application.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from bot.cli._common import CommandFailed, Subparsers, run_command
from bot.sandbox.emulator import Emulator
from bot.sandbox.harness import running_bot, sandbox_settings
from bot.sandbox.session import SandboxSession, ScriptError
from bot.sandbox.transcript import Transcript

PROMPT_HELP = "Type `help` for the actions, `quit` to leave. You are Alice in #general."


def register(subparsers: Subparsers) -> None:
    parser = subparsers.add_parser("sandbox", help="try the bot locally against a fake Discord")
    parser.add_argument("--script", type=Path, help="replay a scripted session and print it")
    parser.add_argument("--db", type=Path, help="database file (default: a fresh temporary one)")
    parser.add_argument("--log-level", default="WARNING", help="log level for the bot (stderr)")
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    logging.basicConfig(
        level=args.log_level.upper(),
        stream=sys.stderr,
        format="%(levelname)s %(name)s: %(message)s",
    )
    if args.script is not None and not args.script.is_file():
        return run_command(_fail(f"no script at {args.script}"))
    return run_command(lambda: asyncio.run(_sandbox(args.script, args.db)))


def _fail(message: str) -> Callable[[], int]:
    def work() -> int:
        raise CommandFailed(message, 2)

    return work


async def _sandbox(script: Path | None, db: Path | None) -> int:
    with tempfile.TemporaryDirectory(prefix="filmbot-sandbox-") as folder:
        database = db or Path(folder) / "sandbox.sqlite3"
        async with Emulator() as emu:
            settings = sandbox_settings(emu, database)
            transcript = Transcript(emu)
            async with running_bot(emu, settings):
                files = script.parent if script is not None else Path.cwd()
                session = SandboxSession(emu, transcript, database=database, files=files)
                if script is not None:
                    await _replay(session, script)
                    _check_violations(emu)
                    return 0
                return await _interactive(session)
    return 0


def _check_violations(emu: Emulator) -> None:
    """A script fails when the bot sent a request real Discord would refuse (docs/emulator.md)."""
    refused = emu.unexpected_violations()
    if refused:
        listed = "; ".join(map(str, refused))
        raise CommandFailed(f"the bot sent requests Discord would refuse: {listed}")


async def _replay(session: SandboxSession, script: Path) -> int:
    for number, line in enumerate(script.read_text(encoding="utf-8").splitlines(), 1):
        if line.strip() and not line.lstrip().startswith("#"):
            session.transcript.write(f"\n> {line.strip()}")
        try:
            if not await session.run_line(line):
                break
        except (ScriptError, LookupError, PermissionError, TimeoutError) as exc:
            raise CommandFailed(f"{script}:{number}: {exc or type(exc).__name__}") from None
    return 0


async def _interactive(session: SandboxSession) -> int:
    print(PROMPT_HELP)
    while True:
        try:
            line = await asyncio.to_thread(input, f"{session.user} in #{session.channel}> ")
        except EOFError:
            return 0
        try:
            if not await session.run_line(line):
                return 0
        except (ScriptError, LookupError, PermissionError, TimeoutError) as exc:
            print(f"! {exc or type(exc).__name__}")
