"""`python -m bot run`: connect to Discord with DISCORD_TOKEN and serve until SIGINT/SIGTERM."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import functools
import logging
import signal

import discord
import yarl

from bot.app import FilmBot
from bot.cli._common import CommandFailed, Subparsers, run_command, settings_or_fail
from bot.services import open_services
from bot.settings import Settings, SettingsError, configure_logging

log = logging.getLogger(__name__)

INTENTS_HELP = (
    "Discord refused the privileged intents: in the developer portal, open your application > "
    "Bot and enable 'Message Content Intent' and 'Server Members Intent'."
)


def register(subparsers: Subparsers) -> None:
    parser = subparsers.add_parser("run", help="connect to Discord and run the bot")
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    def work() -> int:
        settings = settings_or_fail()
        try:
            token = settings.require_token()
            settings.prepare_database_folder()
        except SettingsError as exc:
            raise CommandFailed(str(exc), 2) from None
        configure_logging(settings.log_level)
        asyncio.run(serve(settings, token))
        return 0

    return run_command(work)


async def serve(settings: Settings, token: str) -> None:
    """Run until Discord closes us or a signal asks us to stop; services are always closed."""
    _use_endpoints(settings)
    services = await open_services(settings)
    try:
        async with FilmBot(settings=settings, services=services) as bot:
            _stop_on_signals(bot)
            try:
                await bot.start(token)
            except discord.LoginFailure:
                raise CommandFailed(
                    "Discord refused DISCORD_TOKEN (401 Unauthorized): reset the token in the "
                    "developer portal and update DISCORD_TOKEN.",
                    2,
                ) from None
            except discord.PrivilegedIntentsRequired:
                raise CommandFailed(INTENTS_HELP, 2) from None
    finally:
        await services.aclose()
        log.info("stopped; database closed")


def _use_endpoints(settings: Settings) -> None:
    """DISCORD_API_BASE / DISCORD_GATEWAY_URL: talk to a Discord-compatible server instead."""
    if settings.discord_api_base:
        discord.http.Route.BASE = settings.discord_api_base.rstrip("/")
    if settings.discord_gateway_url:
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(settings.discord_gateway_url)


def _stop_on_signals(bot: FilmBot) -> None:
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, functools.partial(_begin_shutdown, bot, sig))


def _begin_shutdown(bot: FilmBot, sig: signal.Signals) -> None:
    log.info("received %s: shutting down", sig.name)
    asyncio.get_running_loop().create_task(bot.close())
