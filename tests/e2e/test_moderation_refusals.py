"""Everything /mod refuses, each with its own message, and nothing changed afterwards: no case,
no DM, no timeout, no ban."""

from __future__ import annotations

import discord
import pytest

from bot.errors import NotFound
from bot.moderation.requests import ActionRequest, GuildFacts
from bot.moderation.rules import Person
from tests.e2e._moderation import all_cases, guild_id, user_id


def nothing_happened(emu, name: str = "Bob") -> bool:
    member = emu.world.members.get(emu.world.user_id(name), {})
    return (
        emu.dms(name) == []
        and not member.get("communication_disabled_until")
        and emu.world.bans == {}
    )


async def test_members_without_the_permission_cannot_use_mod(emu, bot):
    [mod] = [c for c in emu.world.commands[emu.world.guild["id"]] if c["name"] == "mod"]
    moderate_members = discord.Permissions(moderate_members=True).value
    assert int(mod["default_member_permissions"]) == moderate_members  # hidden from Alice
    record = await emu.slash("Alice", "mod warn", member="Bob", reason="I don't like him")
    assert await record.text() == (
        "Only moderators can do this: you need the **Timeout Members** permission."
    )
    assert await record.is_ephemeral()
    record = await emu.slash("Alice", "mod history", member="Bob")
    assert (await record.text()).startswith("Only moderators can do this")
    assert await all_cases(bot) == [] and nothing_happened(emu)


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("Olive", "Olive owns this server, so nobody can time them out."),
        ("Mona", "You can't time yourself out."),
        ("FilmBot", "I can't time myself out."),
    ],
)
async def test_owner_self_and_bot_are_refused(emu, bot, target, expected):
    record = await emu.slash(
        "Mona", "mod timeout", member=target, duration="1h", reason="testing the rules"
    )
    assert await record.text() == expected
    assert await all_cases(bot) == [] and nothing_happened(emu, target)


async def test_hierarchy_of_the_moderator_and_of_the_bot(emu, start_bot, settings):
    dave, carol = emu.world.user_id("Dave"), emu.world.user_id("Carol")
    emu.world.members[dave]["roles"].append(emu.world.role_id("Moderator"))
    veteran = emu.world.add_role("Veteran", discord.Permissions.none(), position=9)
    emu.world.members[carol]["roles"].append(veteran)
    async with start_bot(settings) as bot:
        record = await emu.slash("Mona", "mod kick", member="Dave", reason="Rude")
        assert (
            await record.text() == "Dave's highest role is not below yours, so you can't kick them."
        )
        record = await emu.slash(
            "Olive", "mod timeout", member="Carol", duration="1h", reason="Rude"
        )
        assert await record.text() == (
            "Carol's highest role is not below mine, so I can't time them out: move my role "
            "above theirs in Server Settings > Roles."
        )
        record = await emu.slash("Mona", "mod warn", member="Dave", reason="Rude")
        assert (await record.text()).startswith("Dave's highest role is not below yours")
        assert await all_cases(bot) == []
        assert dave in emu.world.members and not emu.world.members[carol].get(
            "communication_disabled_until"
        )


async def test_a_missing_bot_permission_is_named(emu, bot):
    emu.world.deny_bot(emu.world.channel_id("general"), ban_members=True)
    record = await emu.slash("Mona", "mod ban", member="Bob", reason="Spam")
    assert await record.text() == (
        "I can't ban members here: I need the **Ban Members** permission. "
        "Ask an admin to give it to my role (Server Settings > Roles)."
    )
    assert (await record.reply())["components"] == []  # refused before asking to confirm
    assert await all_cases(bot) == [] and nothing_happened(emu)


@pytest.mark.parametrize(
    ("duration", "expected"),
    [
        ("-5m", "`-5m` is negative: a duration must be positive, such as 10m."),
        ("0", "`0` is zero: a duration must be longer than that, such as 10m."),
        ("999y", "`999y` is too long: a timeout lasts at most 28 days (Discord's limit)."),
        ("soon", "`soon` is not a duration I can read: write a number and a unit, such as "
                 "10m, 1h30m, 90 minutes, 2 days or 1w."),
    ],
)  # fmt: skip
async def test_bad_durations_are_refused_with_no_partial_case(emu, bot, duration, expected):
    record = await emu.slash("Mona", "mod timeout", member="Bob", duration=duration, reason="x")
    assert await record.text() == expected
    assert await all_cases(bot) == [] and nothing_happened(emu)


async def test_a_tempban_longer_than_a_year_is_refused(emu, bot):
    record = await emu.slash("Mona", "mod tempban", member="Bob", duration="2y", reason="x")
    assert await record.text() == (
        "`2y` is too long: a temporary ban lasts at most 1 year; use a permanent ban "
        "(/mod ban) for longer."
    )
    assert await all_cases(bot) == [] and nothing_happened(emu)


async def test_a_spelled_out_duration_is_accepted(emu, bot):
    record = await emu.slash("Mona", "mod timeout", member="Bob", duration="90 minutes", reason="x")
    assert "timed out for 1 hour 30 minutes" in await record.text()


async def test_a_reason_over_1000_characters(emu, bot):
    record = await emu.slash("Mona", "mod warn", member="Bob", reason="x" * 1234)
    assert await record.text() == (
        "The reason is 1,234 characters long; the limit is 1,000. Shorten it by 234 characters."
    )
    assert await all_cases(bot) == [] and nothing_happened(emu)


async def test_lifting_what_is_not_there(emu, bot):
    record = await emu.slash("Mona", "mod untimeout", member="Bob", reason="x")
    assert await record.text() == "Bob is not timed out."
    record = await emu.slash("Mona", "mod unban", member="Bob", reason="x")
    assert await record.text() == "Bob is not banned."
    assert await all_cases(bot) == []


async def test_a_member_who_left_cannot_be_kicked_or_timed_out(emu, bot):
    del emu.world.members[emu.world.user_id("Dave")]  # left without the bot noticing
    record = await emu.slash("Mona", "mod kick", member="Dave", reason="x")
    assert await record.text() == (
        "Dave is not in this server (they may have left). Someone who is not a member can "
        "still be banned by id, warned or noted."
    )
    assert await all_cases(bot) == []


async def test_a_user_id_that_does_not_exist(emu, bot):
    """Discord's user option only offers real users, so this goes through the core directly."""
    me = emu.world.bot_user["id"]
    facts = GuildFacts(
        guild_id=guild_id(emu),
        guild_name="Film Club",
        owner_id=user_id(emu, "Olive"),
        bot=Person(int(me), "FilmBot", 8),
        bot_permissions=frozenset({"ban_members"}),
    )
    request = ActionRequest(
        action="ban",
        target=Person(4242424242, "ghost", None),
        reason="raid account",
        moderator=Person(user_id(emu, "Mona"), "Mona", 5),
    )
    with pytest.raises(NotFound, match="There is no Discord user with the id 4242424242."):
        await bot.services.moderation.act(facts, request)
    assert await all_cases(bot) == [] and emu.world.bans == {}
