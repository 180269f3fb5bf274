"""The bot process: a commands.Bot that receives its services and wires the cogs in setup_hook."""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import pkgutil
import secrets
import time
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

import cogs
from bot import limits
from bot.errors import UserFacingError
from bot.films.text import truncate
from bot.services import Services
from bot.settings import Settings
from bot.tasks import settle

log = logging.getLogger(__name__)

COMMANDS_HASH_KEY = "global_commands_hash"


def bot_intents() -> discord.Intents:
    """Guild messages with content (screening, reply chains) and members (moderation)."""
    intents = discord.Intents.default()
    intents.message_content = True
    intents.members = True
    intents.presences = False
    return intents


def extension_names() -> list[str]:
    """Every cog module or package under cogs/ (names starting with _ are helpers)."""
    return sorted(
        f"cogs.{m.name}" for m in pkgutil.iter_modules(cogs.__path__) if not m.name.startswith("_")
    )


HANDLERS_SECONDS = 10.0
# How discord.py names the tasks it runs a listener, an app command or a view's callback in.
_HANDLER_TASKS = ("discord.py: ", "CommandTree-invoker", "discord-ui-view-dispatch-")


def _running_handlers() -> set[asyncio.Task[Any]]:
    this = asyncio.current_task()
    return {
        task
        for task in asyncio.all_tasks()
        if task is not this and task.get_name().startswith(_HANDLER_TASKS)
    }


class FilmBot(commands.Bot):
    """The Discord client. Cogs reach the core through `bot.services`."""

    def __init__(self, *, settings: Settings, services: Services, **options: Any) -> None:
        # The bot never joins voice: don't warn at every start that voice libraries are missing.
        discord.VoiceClient.warn_nacl = discord.VoiceClient.warn_dave = False
        super().__init__(
            command_prefix=commands.when_mentioned,
            intents=bot_intents(),
            allowed_mentions=discord.AllowedMentions.none(),
            help_command=None,
            **options,
        )
        self.settings = settings
        self.services = services
        self.started_monotonic = time.monotonic()
        self.last_sync: str = "not synced yet"
        self.tree.error(self.on_app_command_error)

    async def close(self) -> None:
        """Close the connection, then let the event handlers and commands already running
        finish (at most HANDLERS_SECONDS, then they are cancelled), so that none of them meets a closed database when
        the caller closes the services next."""
        await super().close()
        handlers = _running_handlers()
        if not await settle(handlers, timeout=HANDLERS_SECONDS):
            for task in handlers:  # what a crash would leave: the journal resumes it
                task.cancel()
            await settle(handlers, timeout=1.0)

    async def setup_hook(self) -> None:
        """Load every extension and sync the commands; the services are already complete."""
        for name in extension_names():
            await self.load_extension(name)
        await self.sync_commands()

    async def sync_commands(self) -> None:
        """To DEV_GUILD_ID when set (instant); otherwise globally, only if the commands changed."""
        if self.settings.dev_guild_id:
            guild = discord.Object(self.settings.dev_guild_id)
            self.tree.copy_global_to(guild=guild)
            synced = await self.tree.sync(guild=guild)
            self.last_sync = f"{len(synced)} commands to guild {self.settings.dev_guild_id}"
        else:
            digest = self.commands_digest()
            if await self.services.database.fact(COMMANDS_HASH_KEY) == digest:
                self.last_sync = "global commands unchanged; sync skipped"
            else:
                synced = await self.tree.sync()
                await self.services.database.set_fact(COMMANDS_HASH_KEY, digest)
                self.last_sync = f"{len(synced)} global commands"
        log.info("command sync: %s", self.last_sync)

    def commands_digest(self) -> str:
        payload = sorted(
            (c.to_dict(self.tree) for c in self.tree.get_commands()),
            key=lambda c: (c.get("type", 1), c["name"]),
        )
        return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()

    @property
    def uptime_seconds(self) -> float:
        return time.monotonic() - self.started_monotonic

    async def on_app_command_error(
        self, interaction: discord.Interaction[FilmBot], error: app_commands.AppCommandError
    ) -> None:
        await self.report_error(interaction, error)

    async def report_error(
        self, interaction: discord.Interaction[FilmBot], error: Exception
    ) -> None:
        """The one error path for commands, buttons and modals.

        A UserFacingError or a failed check is shown as it is; anything else is logged with its
        traceback under a short id, and the user sees that id so a moderator can match the log.
        """
        original = getattr(error, "original", error)
        if isinstance(original, UserFacingError):
            text = original.message
        elif isinstance(original, app_commands.CheckFailure):
            text = str(original) or "You cannot use this command here."
        else:
            error_id = secrets.token_hex(4)
            command = interaction.command.qualified_name if interaction.command else None
            log.error("error %s in %s", error_id, command or "an interaction", exc_info=original)
            text = (
                f"Something went wrong on our side. Tell a moderator this error id: `{error_id}`."
            )
            try:
                await self.services.database.record_error(
                    error_id,
                    f"{type(original).__name__}: {original}",
                    guild_id=interaction.guild_id,
                    user_id=interaction.user.id,
                    command=command,
                )
            except Exception as failed:  # the answer matters more than the record of it
                why = failed.message if isinstance(failed, UserFacingError) else str(failed)
                log.error("error %s could not be recorded: %s", error_id, why)
                text += f"\n{why.split('. ')[0]}, so only the bot's log has this error."
        await send_ephemeral(interaction, text)


async def send_ephemeral(interaction: discord.Interaction, text: str) -> None:
    """Answer privately whether or not the interaction was already answered or deferred; a
    refusal that quotes a long input is cut to Discord's limit rather than left unsent."""
    text = truncate(text, limits.MESSAGE_CONTENT)
    if interaction.response.is_done():
        await interaction.followup.send(text, ephemeral=True)
    else:
        await interaction.response.send_message(text, ephemeral=True)
