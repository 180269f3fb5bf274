"""Every interaction shape the features rely on, exercised with commands defined in the test."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import discord
import pytest
from discord import app_commands

from bot.sandbox.emulator.interactions import message_text


async def add(bot, *commands) -> None:
    guild = discord.Object(bot.settings.dev_guild_id)
    for command in commands:
        bot.tree.add_command(command, guild=guild)
    await bot.sync_commands()


async def test_options_are_typed_and_resolved(emu, bot):
    @app_commands.command(name="probe", description="echo options")
    async def probe(
        interaction: discord.Interaction,
        text: str,
        count: int,
        member: discord.Member,
        channel: discord.TextChannel,
    ) -> None:
        await interaction.response.send_message(
            f"{text}|{count}|{member.display_name}|{channel.name}"
        )

    await add(bot, probe)
    record = await emu.slash(
        "Alice", "probe", text="hi", count=3, member="Bob", channel="film-talk"
    )
    assert await record.text() == "hi|3|Bob|film-talk"
    assert not await record.is_ephemeral()
    assert record.original["id"] in emu.world.messages[emu.world.channel_id("general")]


async def test_misspelt_option_is_refused_like_discord_would():
    from bot.sandbox.emulator import Emulator
    from bot.sandbox.emulator.actions import CommandNotFound

    emu = Emulator()
    with pytest.raises(CommandNotFound):
        emu._command_data("Alice", "nothing", {}, None)


async def test_autocomplete_choices(emu, bot):
    films = ["Never Let Me Go", "Network", "Nomadland", "Notorious"]

    async def suggest(interaction: discord.Interaction, current: str):
        return [
            app_commands.Choice(name=f, value=f) for f in films if f.lower().startswith(current)
        ]

    @app_commands.command(name="pick", description="pick a film")
    @app_commands.autocomplete(film=suggest)
    async def pick(interaction: discord.Interaction, film: str) -> None:
        await interaction.response.send_message(film)

    await add(bot, pick)
    choices = await emu.autocomplete("Alice", "pick", focused="film", film="ne")
    assert [c["name"] for c in choices] == ["Never Let Me Go", "Network"]


class Poll(discord.ui.View):
    @discord.ui.button(label="Yes", custom_id="poll:yes")
    async def yes(self, interaction: discord.Interaction, button: discord.ui.Button) -> None:
        await interaction.response.edit_message(content="voted yes", view=None)

    @discord.ui.select(
        custom_id="poll:film",
        options=[
            discord.SelectOption(label="Never Let Me Go", value="nlmg"),
            discord.SelectOption(label="Gattaca", value="gattaca"),
        ],
    )
    async def film(self, interaction: discord.Interaction, select: discord.ui.Select) -> None:
        await interaction.response.send_message(f"picked {select.values[0]}", ephemeral=True)


async def test_buttons_and_selects(emu, bot):
    @app_commands.command(name="poll", description="a poll")
    async def poll(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("Seen it?", view=Poll())

    await add(bot, poll)
    message = await (await emu.slash("Alice", "poll")).reply()
    chosen = await emu.choose("Bob", message, "poll:film", ["gattaca"])
    assert await chosen.text() == "picked gattaca" and await chosen.is_ephemeral()
    clicked = await emu.click("Bob", message, label="Yes")
    updated = await clicked.reply()
    assert updated["content"] == "voted yes" and updated["components"] == []


class Reason(discord.ui.Modal, title="Why?"):
    reason = discord.ui.TextInput(label="Reason", custom_id="reason")

    async def on_submit(self, interaction: discord.Interaction) -> None:
        await interaction.response.send_message(f"reason: {self.reason.value}", ephemeral=True)


async def test_modals_and_context_menus(emu, bot):
    @app_commands.context_menu(name="Flag this")
    async def flag(interaction: discord.Interaction, message: discord.Message) -> None:
        await interaction.response.send_modal(Reason())

    @app_commands.context_menu(name="Who is this")
    async def who(interaction: discord.Interaction, member: discord.Member) -> None:
        await interaction.response.send_message(f"that is {member.display_name}", ephemeral=True)

    await add(bot, flag, who)
    target = await emu.post("Bob", "general", "something rude")
    shown = await emu.context_menu("Alice", "Flag this", target)
    assert (await shown.modal_shown())["title"] == "Why?"
    submitted = await emu.submit_modal("Alice", shown, {"reason": "spoilers"})
    assert await submitted.text() == "reason: spoilers"
    menu = await emu.context_menu("Mona", "Who is this", "Carol", where="general")
    assert await menu.text() == "that is Carol"


class Prefilled(discord.ui.Modal, title="Edit"):
    def __init__(self, default: str, *, min_length: int | None = None, max_length: int = 10):
        super().__init__()
        self.add_item(
            discord.ui.TextInput(
                label="Text", default=default, min_length=min_length, max_length=max_length
            )
        )


async def test_a_modal_whose_lengths_do_not_fit_is_refused(emu, bot):
    refusals: list[tuple[int, int]] = []

    @app_commands.command(name="edit", description="opens a pre-filled modal")
    async def edit(interaction: discord.Interaction, text: str, low: int = 0) -> None:
        try:
            await interaction.response.send_modal(Prefilled(text, min_length=low or None))
        except discord.HTTPException as error:
            refusals.append((error.status, error.code))
            await interaction.response.send_message("refused", ephemeral=True)

    await add(bot, edit)
    too_long = await emu.slash("Alice", "edit", text="x" * 11)  # max_length is 10
    assert await too_long.text() == "refused"
    crossed = await emu.slash("Alice", "edit", text="fits", low=11)  # min_length above max
    assert await crossed.text() == "refused"
    assert refusals == [(400, 50035), (400, 50035)]
    emu.expect_violation(50035)
    emu.expect_violation(50035)
    fits = await emu.slash("Alice", "edit", text="x" * 10, low=10)
    modal = await fits.modal_shown()
    (text_input,) = [c for row in modal["components"] for c in _inputs(row)]
    assert text_input["value"] == "x" * 10


def _inputs(row: dict) -> list[dict]:
    return [row["component"]] if "component" in row else row.get("components") or []


async def test_deferral_followups_and_original_edits(emu, bot):
    @app_commands.command(name="slow", description="defers")
    async def slow(interaction: discord.Interaction) -> None:
        await interaction.response.defer(thinking=True, ephemeral=True)
        await interaction.edit_original_response(content="done thinking")
        await interaction.followup.send("and one more thing", ephemeral=True)

    await add(bot, slow)
    record = await emu.slash("Alice", "slow")
    first, second = await record.replies(2)
    assert (first["content"], second["content"]) == ("done thinking", "and one more thing")
    assert all(m["flags"] & 64 for m in (first, second))


async def test_history_and_bulk_delete_skip_old_messages(emu, bot):
    old = await emu.post("Alice", "general", "ancient", at=datetime.now(UTC) - timedelta(days=20))
    recent = [await emu.post("Bob", "general", f"recent {i}") for i in range(3)]
    channel = bot.get_channel(int(emu.world.channel_id("general")))
    history = [m async for m in channel.history(limit=10)]
    assert [m.content for m in history][-1] == "ancient"
    with pytest.raises(discord.HTTPException) as refused:
        await channel.delete_messages([discord.Object(int(m["id"])) for m in [old, *recent]])
    assert refused.value.code == 50034
    emu.expect_violation(50034)
    await channel.delete_messages([discord.Object(int(m["id"])) for m in recent])
    assert [m["content"] for m in emu.messages_in("general")] == ["ancient"]


async def test_embeds_over_the_limit_are_refused(emu, bot):
    channel = bot.get_channel(int(emu.world.channel_id("general")))
    with pytest.raises(discord.HTTPException) as refused:
        await channel.send(embed=discord.Embed(description="x" * 4097))
    assert refused.value.status == 400
    emu.expect_violation(50035)
    await channel.send(embed=discord.Embed(title="ok", description="fits"))
    sent = await emu.wait_for_message("general")
    assert "fits" in message_text(sent)


async def test_shared_paginator_and_confirm(emu, bot):
    from bot.render import EmbedData
    from cogs._ui import Confirm, Paginator

    @app_commands.command(name="pages", description="three pages")
    async def pages(interaction: discord.Interaction) -> None:
        await Paginator.send(interaction, ["one", EmbedData(title="two"), "three"])

    @app_commands.command(name="drastic", description="asks first")
    async def drastic(interaction: discord.Interaction) -> None:
        async def go(button_interaction: discord.Interaction) -> None:
            await button_interaction.response.edit_message(content="done", view=None)

        view = Confirm(owner_id=interaction.user.id, on_confirm=go)
        await interaction.response.send_message("Sure?", view=view, ephemeral=True)

    await add(bot, pages, drastic)
    first = await (await emu.slash("Alice", "pages")).reply()
    assert first["content"] == "one"
    stranger = await emu.click("Bob", first, label="Next")
    assert "belong to someone else" in await stranger.text()
    second = await (await emu.click("Alice", first, label="Next")).reply()
    assert message_text(second).startswith("two") and "2/3" in message_text(second)
    asked = await (await emu.slash("Mona", "drastic")).reply()
    cancelled = await (await emu.click("Mona", asked, label="Cancel")).reply()
    assert cancelled["content"].startswith("Cancelled")
    asked = await (await emu.slash("Mona", "drastic")).reply()
    assert (await (await emu.click("Mona", asked, label="Confirm")).reply())["content"] == "done"


async def test_page_buttons_go_away_when_they_expire(emu, bot, monkeypatch):
    from cogs._ui import Paginator

    monkeypatch.setattr(Paginator, "timeout_seconds", 0.2)

    @app_commands.command(name="pages", description="two pages")
    async def pages(interaction: discord.Interaction) -> None:
        await Paginator.send(interaction, ["one", "two"])

    @app_commands.command(name="later", description="two pages after a deferral")
    async def later(interaction: discord.Interaction) -> None:
        await interaction.response.defer(ephemeral=True)
        await Paginator.send(interaction, ["three", "four"])

    await add(bot, pages, later)
    for name, first_page in (("pages", "one"), ("later", "three")):
        record = await emu.slash("Alice", name)
        shown = await record.reply()
        assert shown["content"] == first_page and shown["components"]
        await emu.recorder.wait_until(lambda m=shown: not m["components"], 5)
        assert shown["content"] == first_page  # the page itself stays
