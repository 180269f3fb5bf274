"""`emu.slash` refuses option values Discord's client would never submit (400/50035); a
resolved channel carries the invoking member's permissions in it, and a resolved member their
own permissions in the channel the command was run in, as Discord sends them."""

from __future__ import annotations

import discord
import pytest
from discord import app_commands

from bot.sandbox.emulator.rules import Violation


async def add(bot, command) -> None:
    bot.tree.add_command(command, guild=discord.Object(bot.settings.dev_guild_id))
    await bot.sync_commands()


async def refused(emu, command: str, **options) -> str:
    """The refusal's message; the bot received nothing."""
    before = len(emu.interactions)
    with pytest.raises(Violation) as refusal:
        await emu.slash("Alice", command, **options)
    assert (refusal.value.status, refusal.value.code) == (400, 50035)
    assert len(emu.interactions) == before
    return refusal.value.message


async def test_a_value_outside_the_choices_is_refused(emu, bot):
    @app_commands.command(name="policy", description="pick a policy")
    @app_commands.choices(
        value=[
            app_commands.Choice(name="Strict", value="strict"),
            app_commands.Choice(name="Lax", value="lax"),
        ]
    )
    async def policy(interaction: discord.Interaction, value: app_commands.Choice[str]) -> None:
        await interaction.response.send_message(f"policy {value.value}")

    await add(bot, policy)
    assert "options.value" in await refused(emu, "policy", value="bogus")
    assert "options.value" in await refused(emu, "policy", value="Strict")  # a name, not a value
    assert await (await emu.slash("Alice", "policy", value="lax")).text() == "policy lax"


async def test_numbers_and_text_outside_their_bounds_are_refused(emu, bot):
    @app_commands.command(name="pace", description="set a pace")
    async def pace(
        interaction: discord.Interaction,
        seconds: app_commands.Range[int, 0, 60],
        ratio: app_commands.Range[float, 0.5, 2.0] = 1.0,
        label: app_commands.Range[str, 2, 5] = "ok",
    ) -> None:
        await interaction.response.send_message(f"{seconds} {ratio} {label}")

    await add(bot, pace)
    assert "greater than or equal to 0" in await refused(emu, "pace", seconds=-5)
    assert "less than or equal to 60" in await refused(emu, "pace", seconds=61)
    assert "less than or equal to 2.0" in await refused(emu, "pace", seconds=1, ratio=2.5)
    assert "2 or more in length" in await refused(emu, "pace", seconds=1, label="a")
    assert "5 or fewer in length" in await refused(emu, "pace", seconds=1, label="abcdef")
    record = await emu.slash("Alice", "pace", seconds=60, ratio=0.5, label="abcde")
    assert await record.text() == "60 0.5 abcde"


async def test_a_channel_of_a_type_the_option_does_not_take_is_refused(emu, bot):
    @app_commands.command(name="where", description="pick a text channel")
    async def where(interaction: discord.Interaction, channel: discord.TextChannel) -> None:
        await interaction.response.send_message(f"#{channel.name}")

    await add(bot, where)
    assert "Channel type 15" in await refused(emu, "where", channel="film-forum")
    assert await (await emu.slash("Alice", "where", channel="film-talk")).text() == "#film-talk"


async def test_a_resolved_channel_has_the_invoking_members_permissions(emu, bot):
    @app_commands.command(name="perms", description="your permissions there")
    async def perms(
        interaction: discord.Interaction, channel: app_commands.AppCommandChannel
    ) -> None:
        await interaction.response.send_message(str(channel.permissions.value))

    await add(bot, perms)
    channel_id = emu.world.channel_id("film-talk")
    alice = emu.world.permissions(emu.world.user_id("Alice"), channel_id)
    bot_perms = emu.world.permissions(emu.world.bot_user["id"], channel_id)
    assert alice != bot_perms  # otherwise the test could not tell them apart
    record = await emu.slash("Alice", "perms", channel="film-talk")
    assert await record.text() == str(alice.value)


async def test_a_resolved_member_has_their_permissions_in_the_channel_run_in(emu, bot):
    @app_commands.command(name="theirs", description="their permissions here")
    async def theirs(interaction: discord.Interaction, member: discord.Member) -> None:
        assert member.resolved_permissions is not None
        await interaction.response.send_message(str(member.resolved_permissions.value))

    await add(bot, theirs)
    bob, film_talk = emu.world.user_id("Bob"), emu.world.channel_id("film-talk")
    muted = discord.Permissions(send_messages=True, add_reactions=True)
    emu.world.channels[film_talk]["permission_overwrites"].append(
        {"id": bob, "type": 1, "allow": "0", "deny": str(muted.value)}
    )
    there = emu.world.permissions(bob, film_talk)
    assert there != emu.world.permissions(bob, emu.world.channel_id("general"))
    assert not there.send_messages
    record = await emu.slash("Alice", "theirs", where="film-talk", member="Bob")
    assert await record.text() == str(there.value)
