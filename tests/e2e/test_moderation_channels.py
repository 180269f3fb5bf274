"""Purge, thread lock/unlock, and the mod log of edits and deletions in discussion threads."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.moderation.model import CaseType
from tests.e2e._moderation import (
    all_cases,
    confirm,
    guild_id,
    log_entries,
    make_thread,
    use_log_channel,
    user_id,
    wait_for_log,
)


async def test_purge_skips_messages_too_old_to_bulk_delete(emu, bot):
    await use_log_channel(bot, emu)
    old = await emu.post(
        "Bob", "general", "ancient spoiler", at=datetime.now(UTC) - timedelta(days=20)
    )
    bobs = [await emu.post("Bob", "general", f"spoiler {i}") for i in range(3)]
    alices = [await emu.post("Alice", "general", f"please stop {i}") for i in range(2)]
    record = await emu.slash("Mona", "mod purge", count=10, member="Bob", reason="Spoilers")
    assert (await record.reply())["content"] == (
        "Delete the last 10 messages from Bob in this channel?\n**Reason:** Spoilers"
    )
    assert emu.store.deleted == {}
    clicked = await confirm(emu, "Mona", record, "Delete")
    assert await clicked.text() == (
        "Case #1: Deleted 3 messages. Skipped 1 older than 14 days: Discord only bulk-deletes "
        "younger messages."
    )
    assert set(emu.store.deleted) == {m["id"] for m in bobs}
    remaining = {m["id"] for m in emu.messages_in("general")}
    assert old["id"] in remaining and {m["id"] for m in alices} <= remaining
    case = await bot.services.moderation.case(guild_id(emu), 1)
    assert case.type == CaseType.PURGE and case.member_id == user_id(emu, "Bob")
    assert case.channel_id == int(emu.world.channel_id("general"))
    await wait_for_log(emu, "Case #1 · Purge")


async def test_purge_of_the_whole_channel_and_of_one_message(emu, bot):
    for i in range(3):
        await emu.post("Alice", "general", f"message {i}")
    record = await emu.slash("Mona", "mod purge", count=1, reason="Tidy up")
    clicked = await confirm(emu, "Mona", record, "Delete")
    assert await clicked.text() == "Case #1: Deleted 1 message."
    record = await emu.slash("Mona", "mod purge", count=5, reason="Tidy up")
    clicked = await confirm(emu, "Mona", record, "Delete")
    assert await clicked.text() == "Case #2: Deleted 2 messages."
    assert emu.messages_in("general") == []


async def test_purge_names_the_missing_permission(emu, bot):
    emu.world.deny_bot(emu.world.channel_id("general"), manage_messages=True)
    record = await emu.slash("Mona", "mod purge", count=5, reason="Tidy up")
    assert await record.text() == (
        "I can't delete messages here: I need the **Manage Messages** permission. "
        "Ask an admin to give it to my role (Server Settings > Roles)."
    )
    assert await all_cases(bot) == []


async def test_lock_and_unlock_a_thread(emu, bot):
    await use_log_channel(bot, emu)
    thread = await make_thread(bot, emu)
    record = await emu.slash("Mona", "mod lock", where=thread, reason="Spoiler fight")
    assert await record.text() == "Case #1: **Gattaca (1997)** is locked."
    assert emu.world.channels[thread]["thread_metadata"]["locked"] is True
    record = await emu.slash("Mona", "mod lock", where=thread, reason="again")
    assert await record.text() == "This thread is already locked."
    record = await emu.slash("Mona", "mod unlock", where=thread, reason="Cooled off")
    assert await record.text() == "Case #2: **Gattaca (1997)** is unlocked."
    assert emu.world.channels[thread]["thread_metadata"]["locked"] is False
    record = await emu.slash("Mona", "mod lock", where="general", reason="Spoilers")
    assert await record.text() == "Use /mod lock inside the thread you want to lock."
    lock, unlock = [await bot.services.moderation.case(guild_id(emu), n) for n in (1, 2)]
    assert (lock.type, unlock.type) == (CaseType.LOCK, CaseType.UNLOCK)
    assert lock.channel_id == int(thread) and lock.member_id is None
    await wait_for_log(emu, "Case #2 · Thread unlocked")


async def test_edits_and_deletions_in_threads_are_logged_without_pings(emu, bot):
    await use_log_channel(bot, emu)
    thread = await make_thread(bot, emu)
    await emu.edit(await emu.post("Alice", "general", "not a thread"), "edited outside")
    message = await emu.post("Alice", thread, "Vincent was never caught")
    await emu.edit(message, f"<@{emu.world.user_id('Bob')}> @everyone it's a great ending")
    edited = await wait_for_log(emu, "**Message edited** in #Gattaca (1997) by Alice")
    assert "Before: Vincent was never caught" in edited
    assert "After: <@\u200b" in edited and "@\u200beveryone" in edited
    assert message["id"] in edited  # the jump link
    await emu.delete(message)
    deleted = await wait_for_log(emu, "**Message deleted**")
    assert "by Alice" in deleted and "it's a great ending" in deleted
    assert not any("not a thread" in entry or "outside" in entry for entry in log_entries(emu))


async def test_threads_that_are_not_film_discussions_are_not_logged(emu, bot):
    await use_log_channel(bot, emu)
    plain = await make_thread(bot, emu, "Movie night planning", discussion=False)
    watched = await make_thread(bot, emu)
    await emu.edit(await emu.post("Alice", plain, "Friday?"), "Saturday?")
    await emu.edit(await emu.post("Alice", watched, "Vincent"), "Vincent was never caught")
    await wait_for_log(emu, "**Message edited** in #Gattaca (1997)")
    assert not any("Friday" in entry or "planning" in entry for entry in log_entries(emu))


async def test_long_text_in_the_mod_log_is_trimmed_with_a_link(emu, bot):
    await use_log_channel(bot, emu)
    thread = await make_thread(bot, emu)
    message = await emu.post("Alice", thread, "short")
    await emu.edit(message, "a very long review " * 100)
    entry = await wait_for_log(emu, "**Message edited**")
    assert len(entry) <= 2000
    assert "… [full text](https://discord.com/channels/" in entry and message["id"] in entry
