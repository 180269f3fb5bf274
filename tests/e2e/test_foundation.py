"""The real discord.py client against the emulator: login, sync, /about, errors, reconnects."""

from __future__ import annotations

import discord
from discord import app_commands

from bot import __version__
from bot.errors import InvalidInput
from bot.sandbox.emulator.interactions import message_text


async def test_login_syncs_commands_to_the_dev_guild(emu, bot):
    guild_id = emu.world.guild["id"]
    sync = emu.recorder.find("PUT", rf"/applications/\d+/guilds/{guild_id}/commands$")
    assert len(sync) == 1
    assert "about" in {c["name"] for c in sync[0].json}
    assert emu.recorder.find("PUT", r"/applications/\d+/commands$") == []
    assert bot.user.id == int(emu.world.bot_user["id"])
    assert [g.name for g in bot.guilds] == ["Film Club"]


async def test_about_shows_version_database_and_screening(emu, bot):
    await bot.services.screening_startup.wait_loaded()  # the backend loads in the background
    record = await emu.slash("Alice", "about")
    reply = await record.reply()
    text = message_text(reply)
    assert f"FilmBot {__version__}" in text
    assert "schema v" in text and "KiB" in text
    assert "Screening" in text and bot.services.screening_backend in text
    assert await record.is_ephemeral()
    assert emu.pings(reply) == set()


async def test_global_sync_happens_only_when_commands_change(emu, start_bot, settings):
    settings = settings.model_copy(update={"dev_guild_id": None})
    async with start_bot(settings) as first:
        assert first.last_sync.endswith("global commands")
    assert len(emu.recorder.find("PUT", r"/applications/\d+/commands$")) == 1
    async with start_bot(settings) as second:
        assert "unchanged" in second.last_sync
    assert len(emu.recorder.find("PUT", r"/applications/\d+/commands$")) == 1


async def _add_command(bot, command) -> None:
    bot.tree.add_command(command, guild=discord.Object(bot.settings.dev_guild_id))
    await bot.sync_commands()


async def test_unexpected_error_shows_an_id_that_matches_the_log(emu, bot, error_log):
    @app_commands.command(name="explode", description="fails on purpose")
    async def explode(interaction: discord.Interaction) -> None:
        raise RuntimeError("the projector caught fire")

    await _add_command(bot, explode)
    record = await emu.slash("Bob", "explode")
    text = await record.text()
    assert await record.is_ephemeral()
    error_id = text.split("`")[1]
    logged = error_log.expect(f"error {error_id}")
    assert "projector caught fire" in str(logged.exc_info[1])
    report = await bot.services.database.error_report(error_id)
    assert report is not None and "projector caught fire" in report.summary
    assert "projector" not in text  # internals stay in the log


async def test_user_facing_errors_are_shown_as_written(emu, bot):
    @app_commands.command(name="strict", description="refuses")
    async def strict(interaction: discord.Interaction) -> None:
        raise InvalidInput("That duration is not valid: use something like 10m or 2h.")

    await _add_command(bot, strict)
    record = await emu.slash("Bob", "strict")
    assert await record.text() == "That duration is not valid: use something like 10m or 2h."
    assert await record.is_ephemeral()


async def test_dropped_gateway_resumes_and_delivers_missed_events(emu, bot):
    await emu.drop_gateway()
    received = bot.loop.create_future()

    async def on_message(message: discord.Message) -> None:
        if not received.done():
            received.set_result(message.content)

    bot.add_listener(on_message, "on_message")
    await emu.post("Alice", "general", "sent while the bot was away")  # buffered for RESUME
    await emu.wait_connected()
    assert await received == "sent while the bot was away"
    assert emu.gateway.resumes == 1 and emu.gateway.identifies == 1
    record = await emu.slash("Alice", "about")
    assert "FilmBot" in await record.text()


async def test_rate_limited_request_is_retried(emu, bot):
    emu.inject_error("POST", r"/interactions/\d+/.+/callback", 429, retry_after=0.05)
    record = await emu.slash("Alice", "about")
    assert "FilmBot" in await record.text()
    callbacks = emu.recorder.find("POST", r"/interactions/\d+/.+/callback")
    assert [r.status for r in callbacks] == [429, 200]


async def test_nothing_the_bot_sends_pings_anyone_by_default(emu, bot):
    channel = bot.get_channel(int(emu.world.channel_id("general")))
    await channel.send(f"@everyone <@&1> <@{emu.world.user_id('Alice')}> look")
    sent = await emu.wait_for_message("general", predicate=lambda m: "look" in m["content"])
    assert emu.pings(sent) == set()
