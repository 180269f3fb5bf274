"""/mod fed hostile text: every refusal is short, names what was typed without letting it flip,
hide or break the answer, and leaves no case, DM or log line behind; what is accepted is kept
without the characters that would hide or reorder it."""

from __future__ import annotations

import asyncio

import discord
import pytest

from bot import limits
from bot.sandbox.emulator.interactions import message_text
from tests.e2e._moderation import all_cases, cases_of, confirm, dm_texts, use_log_channel
from tests.e2e._moderation import log_entries as mod_log

READ_HINT = "is not a duration I can read: write a number and a unit, such as 10m, 1h30m, "
HIDDEN = ("\u202e", "\u202d", "\u2066", "\u200b", "\u200f", "\u2060")


def nothing_done(emu, name: str = "Bob") -> bool:
    member = emu.world.members[emu.world.user_id(name)]
    return (
        dm_texts(emu, name) == []
        and not member.get("communication_disabled_until")
        and emu.world.bans == {}
    )


@pytest.mark.parametrize("command", ["mod timeout", "mod tempban"])
async def test_a_4000_character_duration_is_quoted_short(emu, bot, command):
    record = await emu.slash("Mona", command, member="Bob", duration="later" * 800, reason="Spam")
    text = await record.text()
    assert text.startswith("`laterlater") and "…` " + READ_HINT in text, text
    assert len(text) < 300 and await record.is_ephemeral()
    assert await all_cases(bot) == [] and nothing_done(emu)


@pytest.mark.parametrize(
    ("duration", "expected"),
    [
        ("\u202egnikcah", "`gnikcah` " + READ_HINT),  # a right-to-left override is dropped
        ("```", "`ˋˋˋ` " + READ_HINT),  # backticks cannot close the quote early
        ("<@&1> @everyone", "`<@\u200b&1> @\u200beveryone` " + READ_HINT),
        ("1" * 30, "`" + "1" * 30 + "` has no unit: write 10m for minutes, 10h for hours or 10d"),
        ("5" + "q" * 500, "`5" + "q" * 78 + "…`: I don't know the unit `" + "q" * 19 + "…`."),
    ],
)
async def test_odd_durations_are_quoted_as_typed_but_inert(emu, bot, duration, expected):
    record = await emu.slash("Mona", "mod timeout", member="Bob", duration=duration, reason="x")
    text = await record.text()
    assert text.startswith(expected), text
    assert not any(ch in text.replace("\u200b", "") for ch in HIDDEN)
    assert emu.pings(await record.reply()) == set()
    assert await all_cases(bot) == [] and nothing_done(emu)


async def test_hidden_characters_around_a_good_duration_are_ignored(emu, bot):
    record = await emu.slash(
        "Mona", "mod timeout", member="Bob", duration="\u200b1\u2060h\u202e", reason="Spam"
    )
    assert "timed out for 1 hour" in await record.text()


@pytest.mark.parametrize("reason", ["\u200b\u200b", "\u202e", " \u2060\u200f ", "\ufeff"])
@pytest.mark.parametrize("command", ["mod warn", "mod kick", "mod ban"])
async def test_a_reason_of_invisible_characters_is_missing(emu, bot, command, reason):
    record = await emu.slash("Mona", command, member="Bob", reason=reason)
    assert await record.text() == (
        "A reason is required: say briefly why, so the case can be understood later."
    )
    assert (await record.reply())["components"] == []  # no confirmation to press
    assert await all_cases(bot) == [] and nothing_done(emu)


async def test_channel_actions_refuse_an_invisible_reason_too(emu, bot):
    for command, options in (("mod purge", {"count": 5}), ("mod lock", {})):
        record = await emu.slash("Mona", command, reason="\u200b\u202e", **options)
        assert (await record.text()).startswith("A reason is required"), command
    assert await all_cases(bot) == []


async def test_a_kept_reason_has_no_direction_override_anywhere(emu, bot):
    await use_log_channel(bot, emu)
    reason = "\u202eSpoiled\u200b the ending \u2066again\u2069"
    record = await emu.slash("Mona", "mod warn", member="Bob", reason=reason)
    assert (await record.text()).startswith("Case #1: **Bob** was warned.")
    (case,) = await cases_of(bot, emu, "Bob")
    assert case.reason == "Spoiled the ending again"
    (dm,) = dm_texts(emu, "Bob")
    assert "**Reason:** Spoiled the ending again" in dm
    (entry,) = mod_log(emu)
    for shown in (dm, entry):
        assert not any(ch in shown for ch in HIDDEN[:3]), shown


async def test_the_ban_prompt_shows_the_reason_the_case_will_keep(emu, bot):
    record = await emu.slash("Mona", "mod ban", member="Bob", reason="\u202eRaid\u200b account")
    assert "**Reason:** Raid account" in await record.text()
    await (await confirm(emu, "Mona", record, "Ban")).reply()
    (case,) = await cases_of(bot, emu, "Bob")
    assert case.reason == "Raid account" and emu.world.bans


async def test_amending_or_pardoning_with_an_invisible_reason_is_refused(emu, bot):
    await (await emu.slash("Mona", "mod warn", member="Bob", reason="Rude")).reply()
    record = await emu.slash("Mona", "mod reason", number=1, text="\u200b")
    assert (await record.text()).startswith("A reason is required")
    record = await emu.slash("Mona", "mod pardon", number=1, reason="\u2060\u202e")
    assert (await record.text()).startswith("A reason for voiding is required")
    (case,) = await cases_of(bot, emu, "Bob")
    assert case.reason == "Rude" and case.amendments == () and case.voided_at is None


async def test_zalgo_in_a_reason_is_capped_and_fits_the_dm(emu, bot):
    reason = "b" + "\u0301" * 900 + "ad"
    record = await emu.slash("Mona", "mod warn", member="Bob", reason=reason)
    await record.reply()
    (case,) = await cases_of(bot, emu, "Bob")
    assert case.reason == "b\u0301\u0301ad"
    (dm,) = dm_texts(emu, "Bob")
    assert len(dm) <= limits.MESSAGE_CONTENT


async def promote(bot, emu, name: str, role_id: str) -> None:
    """Give a member a role on Discord, and wait until the bot's cache knows."""
    member = emu.world.members[emu.world.user_id(name)]
    member["roles"].append(role_id)
    updated = asyncio.ensure_future(bot.wait_for("member_update"))
    await emu.gateway.dispatch("GUILD_MEMBER_UPDATE", {**member, "guild_id": emu.world.guild["id"]})
    await updated


@pytest.mark.parametrize(
    ("asker", "role_position", "expected"),
    [
        ("Mona", 7, "Bob's highest role is not below yours, so you can't ban them."),
        (
            "Olive",
            9,
            "Bob's highest role is not below mine, so I can't ban them: move my role above "
            "theirs in Server Settings > Roles.",
        ),
    ],
)
async def test_a_ban_prompt_is_judged_by_the_roles_at_the_click(
    emu, bot, asker, role_position, expected
):
    record = await emu.slash(asker, "mod ban", member="Bob", reason="Raid account")
    assert (await record.text()).startswith("Ban **Bob**?")
    senior = emu.world.add_role("Senior", discord.Permissions.none(), position=role_position)
    role = {"guild_id": emu.world.guild["id"], "role": emu.world.roles[senior]}
    await emu.gateway.dispatch("GUILD_ROLE_CREATE", role)
    await promote(bot, emu, "Bob", senior)
    click = await confirm(emu, asker, record, "Ban")
    assert message_text(await click.reply()) == expected
    assert await all_cases(bot) == [] and nothing_done(emu)


async def test_an_appeal_text_of_hidden_characters_removes_it_and_overrides_are_dropped(emu, bot):
    record = await emu.slash("Olive", "mod config appeal", text="\u202eWrite to @everyone")
    assert (await record.text()).startswith("Appeal text set.")
    config = await bot.services.moderation.config.get(int(emu.world.guild["id"]))
    assert config.appeal_text == "Write to @everyone"
    await (await emu.slash("Olive", "mod config appeal", text="\u200b\u2060")).reply()
    config = await bot.services.moderation.config.get(int(emu.world.guild["id"]))
    assert config.appeal_text is None
    await (await emu.slash("Mona", "mod warn", member="Bob", reason="Rude")).reply()
    (dm,) = dm_texts(emu, "Bob")
    assert dm.endswith(
        "**How to appeal:** If you think this was a mistake, contact the moderators of Film Club."
    )


async def test_an_administrator_cannot_be_timed_out_and_is_told_why(emu, start_bot, settings):
    co_admin = emu.world.add_role("Co-admin", discord.Permissions(administrator=True), position=3)
    emu.world.members[emu.world.user_id("Dave")]["roles"].append(co_admin)
    async with start_bot(settings) as bot:
        record = await emu.slash("Mona", "mod timeout", member="Dave", duration="1h", reason="x")
        assert await record.text() == (
            "Dave is an administrator, and Discord does not let anyone time out an administrator."
        )
        assert await all_cases(bot) == [] and nothing_done(emu, "Dave")
        assert emu.recorder.find("PATCH", r"/members/\d+$") == []


async def test_a_ladder_step_needs_the_permission_of_its_action(emu, start_bot, settings):
    """A server manager who may time members out but not ban them cannot set a step that bans:
    three warnings of theirs would then have the bot ban for them."""
    manager = discord.Permissions(view_channel=True, manage_guild=True, moderate_members=True)
    emu.world.members[emu.world.user_id("Dave")]["roles"].append(
        emu.world.add_role("Manager", manager, position=6)
    )
    async with start_bot(settings) as bot:
        before = await bot.services.moderation.config.ladder(int(emu.world.guild["id"]))
        for action, needed in (
            ("ban", "Ban Members"),
            ("tempban", "Ban Members"),
            ("kick", "Kick Members"),
        ):
            options = {"duration": "1d"} if action == "tempban" else {}
            record = await emu.slash(
                "Dave", "mod ladder set", warnings=3, within="7d", action=action, **options
            )
            text = await record.text()
            assert text.startswith(f"You need the **{needed}** permission to "), text
        record = await emu.slash("Dave", "mod ladder reset")  # the default tempbans at 5
        assert (await record.text()).startswith("You need the **Ban Members** permission to ")
        assert await bot.services.moderation.config.ladder(int(emu.world.guild["id"])) == before
        record = await emu.slash(
            "Dave", "mod ladder set", warnings=3, within="7d", action="timeout", duration="1h"
        )
        assert (await record.text()).startswith("Ladder changed.")


async def test_a_double_click_on_ban_bans_once(emu, bot):
    """Two clicks of one confirmation arriving together (a laggy double-click) act once."""
    record = await emu.slash("Mona", "mod ban", member="Bob", reason="raid")
    prompt = await record.reply()
    first, second = await asyncio.gather(
        emu.click("Mona", prompt, label="Ban"), emu.click("Mona", prompt, label="Ban")
    )
    texts = sorted([await first.text(), await second.text()])
    assert texts == [
        "Case #1: **Bob** was banned. They were told by DM.",
        "This was already answered; nothing more was done.",
    ]
    assert [case[1] for case in await all_cases(bot)] == ["ban"]
    assert len(dm_texts(emu, "Bob")) == 1
