"""Permissions follow Discord's (issue 12, P1-P3): each /mod action needs the Discord permission
it uses as well as the moderator role; @everyone is never a moderator role; buttons pressed
later re-check the presser at the click."""

from __future__ import annotations

import discord
import pytest

from bot.sandbox.emulator.interactions import message_text
from bot.sandbox.emulator.world import MEMBER_PERMISSIONS
from tests.e2e._moderation import all_cases, confirm, guild_id, make_thread, user_id
from tests.e2e._screening import alerts, post_screened, ready, screen_everywhere, use_alert_channel


@pytest.fixture
async def helper(emu, start_bot, settings):
    """A role that may only time members out (Timeout Members), given to Dave before the bot
    starts (so the bot knows the role); yields (bot, role id)."""
    role = emu.world.add_role(
        "Helper", MEMBER_PERMISSIONS | discord.Permissions(moderate_members=True), position=4
    )
    emu.world.members[emu.world.user_id("Dave")]["roles"].append(role)
    async with start_bot(settings) as bot:
        yield bot, role


REFUSED = [
    ("mod ban", {"member": "Bob", "reason": "raid"}, "**Ban Members** permission to ban"),
    ("mod tempban", {"member": "Bob", "duration": "1d", "reason": "raid"}, "**Ban Members**"),
    ("mod unban", {"member": "Bob", "reason": "appeal"}, "**Ban Members** permission to unban"),
    ("mod kick", {"member": "Bob", "reason": "rude"}, "**Kick Members** permission to kick"),
    ("mod purge", {"count": 5, "reason": "spam"}, "**Manage Messages** permission to delete"),
    ("mod lock", {"reason": "heated"}, "**Manage Threads** permission to lock threads"),
]


@pytest.mark.parametrize(("command", "options", "needed"), REFUSED)
async def test_a_timeout_only_role_cannot_ban_kick_purge_or_lock(
    emu, helper, command, options, needed
):
    bot, _ = helper
    record = await emu.slash("Dave", command, **options)
    text = await record.text()
    assert needed in text and text.endswith("as well as a moderator role.")
    assert await record.is_ephemeral()
    assert emu.world.bans == {} and await all_cases(bot) == []
    assert not emu.recorder.find("POST", r"/messages/bulk-delete$")


async def test_a_configured_moderator_role_still_needs_the_permission(emu, helper):
    bot, role = helper
    await bot.services.moderation.config.set_moderator_roles(
        guild_id(emu), [int(role)], user_id(emu, "Olive")
    )
    record = await emu.slash("Dave", "mod ban", member="Bob", reason="raid")
    assert "**Ban Members** permission to ban" in await record.text()
    record = await emu.slash("Dave", "mod timeout", member="Bob", duration="1h", reason="heated")
    assert (await record.text()).startswith("Case #1: **Bob** was timed out for 1 hour.")
    assert [case[1] for case in await all_cases(bot)] == ["timeout"]


async def test_everyone_cannot_be_made_a_moderator_role(emu, bot):
    record = await emu.slash("Olive", "mod config add-role", role="@everyone")
    assert (await record.text()).startswith("@everyone cannot be a moderator role")
    config = await bot.services.moderation.config.get(guild_id(emu))
    assert config.moderator_role_ids == ()


async def test_everyone_stored_as_a_moderator_role_by_an_old_version_gives_nothing(emu, bot):
    await bot.services.moderation.config.set_moderator_roles(
        guild_id(emu), [guild_id(emu)], user_id(emu, "Olive")
    )
    record = await emu.slash("Alice", "mod warn", member="Bob", reason="I don't like him")
    assert (await record.text()).startswith("Only moderators can do this")
    assert await all_cases(bot) == [] and emu.dms("Bob") == []


async def test_a_ban_prompt_is_refused_once_the_moderator_lost_the_role(emu, bot):
    record = await emu.slash("Mona", "mod ban", member="Bob", reason="raid")
    prompt = await record.reply()
    mona = emu.world.members[emu.world.user_id("Mona")]
    mona["roles"].remove(emu.world.role_id("Moderator"))  # demoted while the prompt is open
    click = await emu.click("Mona", prompt, label="Ban")
    await click.wait(lambda r: emu.world.find_message(prompt["id"])["components"] == [])
    answer = message_text(emu.world.find_message(prompt["id"]))
    assert answer.startswith("Only moderators can do this")
    assert emu.world.bans == {} and await all_cases(bot) == [] and emu.dms("Bob") == []


async def test_a_ban_prompt_is_refused_once_the_role_lost_ban_members(emu, bot):
    record = await emu.slash("Mona", "mod kick", member="Bob", reason="rude")
    role = emu.world.roles[emu.world.role_id("Moderator")]
    role["permissions"] = str(
        int(role["permissions"]) & ~discord.Permissions(kick_members=True).value
    )
    click = await confirm(emu, "Mona", record, "Kick")
    prompt = await record.reply()
    await click.wait(lambda r: emu.world.find_message(prompt["id"])["components"] == [])
    answer = message_text(emu.world.find_message(prompt["id"]))
    assert "**Kick Members** permission to kick" in answer
    assert emu.world.user_id("Bob") in emu.world.members and await all_cases(bot) == []


async def test_review_buttons_need_the_permission_of_their_action(emu, helper):
    bot, role = helper  # a moderator role that may time out but not delete messages
    await ready(bot)
    await use_alert_channel(bot, emu)
    await screen_everywhere(bot, emu)
    await bot.services.moderation.config.set_moderator_roles(
        guild_id(emu), [int(emu.world.role_id("Moderator")), int(role)], user_id(emu, "Olive")
    )
    await post_screened(bot, emu, "Alice", "film-talk", "the director is a total moron")
    (alert,) = alerts(emu)
    record = await emu.click("Dave", alert, label="Remove")
    assert "**Manage Messages** permission to remove messages" in await record.text()
    assert await record.is_ephemeral()
    [item] = await bot.services.screening.pending_reviews(guild_id(emu))
    assert item.decided_by is None


async def test_pardoning_a_ban_needs_ban_members_because_it_unbans(emu, helper):
    bot, _ = helper
    record = await emu.slash("Mona", "mod ban", member="Bob", reason="raid")
    await (await confirm(emu, "Mona", record, "Ban")).reply()
    record = await emu.slash("Dave", "mod pardon", number=1, reason="I like Bob")
    assert "**Ban Members** permission to unban" in await record.text()
    case = await bot.services.moderation.case(guild_id(emu), 1)
    assert case.active and not case.voided and emu.world.user_id("Bob") in emu.world.bans


@pytest.mark.parametrize("extra", ["manage_channels", "manage_roles"])
async def test_locking_a_thread_needs_manage_threads_not_channels_or_roles(
    emu, start_bot, settings, extra
):
    """Discord locks a thread only for Manage Threads; Manage Channels or Manage Roles (a
    channel's overwrites) do not let a moderator lock or unlock it."""
    role = emu.world.add_role(
        "Channel keeper",
        MEMBER_PERMISSIONS | discord.Permissions(moderate_members=True, **{extra: True}),
        position=4,
    )
    emu.world.members[emu.world.user_id("Dave")]["roles"].append(role)
    async with start_bot(settings) as bot:
        thread = await make_thread(bot, emu)
        for command in ("mod lock", "mod unlock"):
            record = await emu.slash("Dave", command, where=thread, reason="heated")
            verb = command.split()[1]
            assert await record.text() == (
                f"You need the **Manage Threads** permission to {verb} threads, as well as a "
                "moderator role."
            )
            assert await record.is_ephemeral()
        assert emu.world.channels[thread]["thread_metadata"]["locked"] is False
        assert await all_cases(bot) == []
        done = await emu.slash("Mona", "mod lock", where=thread, reason="heated")
        assert (await done.text()).startswith("Case #1:")
