"""Every /mod action on members, through the emulator: what the moderator reads, what the member
is told, what Discord shows (timeouts, kicks, bans), the mod log, and the ledger."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.moderation.model import CaseType, DmStatus
from tests.e2e._moderation import (
    all_cases,
    cases_of,
    confirm,
    dm_texts,
    use_log_channel,
    user_id,
    wait_for_log,
)


async def test_warn_tells_the_member_and_logs_the_case(emu, bot):
    await use_log_channel(bot, emu)
    record = await emu.slash("Mona", "mod warn", member="Bob", reason="Spoiled the ending")
    assert await record.text() == "Case #1: **Bob** was warned. They were told by DM."
    assert await record.is_ephemeral()
    [dm] = emu.dms("Bob")
    assert "You have received a warning in **Film Club**." in dm["content"]
    assert "**Reason:** Spoiled the ending" in dm["content"]
    assert "How to appeal" in dm["content"] and emu.pings(dm) == set()
    entry = await wait_for_log(emu, "Case #1 · Warning")
    assert f"Bob (`{user_id(emu, 'Bob')}`)" in entry and "Moderator: Mona" in entry
    assert "Member told by DM." in entry
    [case] = await cases_of(bot, emu, "Bob")
    assert (case.type, case.reason, case.active) == (CaseType.WARN, "Spoiled the ending", True)
    assert case.moderator_id == user_id(emu, "Mona") and case.dm_status == DmStatus.SENT


async def test_closed_dms_are_recorded_not_an_error(emu, bot):
    record = await emu.slash("Mona", "mod warn", member="Carol", reason="Off-topic flood")
    text = await record.text()
    assert text.startswith("Case #1: **Carol** was warned.")
    assert "Their DMs are closed, so they were not told; the case records this." in text
    assert emu.dms("Carol") == []
    [case] = await cases_of(bot, emu, "Carol")
    assert case.dm_status == DmStatus.CLOSED


async def test_note_is_not_told_and_needs_no_reason(emu, bot):
    await use_log_channel(bot, emu)
    record = await emu.slash("Mona", "mod note", member="Alice")
    assert await record.text() == "Case #1: note added about **Alice** (they are not told)."
    assert emu.dms("Alice") == []
    await wait_for_log(emu, "Case #1 · Note")
    [case] = await cases_of(bot, emu, "Alice")
    assert (case.type, case.reason, case.dm_status) == (CaseType.NOTE, "", DmStatus.NOT_APPLICABLE)


async def test_timeout_then_untimeout(emu, bot):
    await use_log_channel(bot, emu)
    bob = emu.world.user_id("Bob")
    record = await emu.slash(
        "Mona", "mod timeout", member="Bob", duration="1h30m", reason="Heated argument"
    )
    assert await record.text() == (
        "Case #1: **Bob** was timed out for 1 hour 30 minutes. They were told by DM."
    )
    until = datetime.fromisoformat(emu.world.members[bob]["communication_disabled_until"])
    assert 89 * 60 < (until - datetime.now(UTC)).total_seconds() <= 90 * 60
    assert (
        "You have been timed out in **Film Club** for 1 hour 30 minutes." in dm_texts(emu, "Bob")[0]
    )
    record = await emu.slash("Mona", "mod untimeout", member="Bob", reason="Calmed down")
    assert await record.text() == "Case #2: **Bob** was released from timeout."
    assert emu.world.members[bob]["communication_disabled_until"] is None
    assert len(emu.dms("Bob")) == 1  # lifting a timeout sends no DM
    timeout, lifted = await cases_of(bot, emu, "Bob")
    assert (timeout.active, timeout.end_reason) == (False, "lifted by case #2")
    assert lifted.type == CaseType.UNTIMEOUT
    await wait_for_log(emu, "Case #2 · Timeout removed")


async def test_kick_asks_first_and_dms_before_the_member_leaves(emu, bot):
    await use_log_channel(bot, emu)
    record = await emu.slash("Mona", "mod kick", member="Dave", reason="Advertising")
    prompt = await record.reply()
    assert prompt["content"] == "Kick **Dave**?\n**Reason:** Advertising"
    assert await all_cases(bot) == []  # nothing happens before the confirmation
    assert emu.world.user_id("Dave") in emu.world.members
    clicked = await confirm(emu, "Mona", record, "Kick")
    dave = emu.world.user_id("Dave")
    assert await clicked.text() == "Case #1: **Dave** was kicked. They were told by DM."
    assert (await clicked.reply())["components"] == []
    assert dave not in emu.world.members
    assert "You have been kicked from **Film Club**." in dm_texts(emu, "Dave")[0]
    dm_channel = emu.world.dm_channels[emu.world.user_id("Dave")]["id"]
    order = [
        r.method
        for r in emu.recorder.requests
        if r.path == f"/channels/{dm_channel}/messages" or r.path.endswith("/members/" + dave)
    ]
    assert order == ["POST", "DELETE"]  # told while they still share the server
    await wait_for_log(emu, "Case #1 · Kick")


async def test_cancel_does_nothing(emu, bot):
    record = await emu.slash("Mona", "mod kick", member="Dave", reason="Advertising")
    clicked = await confirm(emu, "Mona", record, "Cancel")
    assert await clicked.text() == "Cancelled: nothing was done."
    assert emu.world.user_id("Dave") in emu.world.members
    assert await all_cases(bot) == [] and emu.dms("Dave") == []


async def test_only_the_moderator_who_asked_can_confirm(emu, bot):
    record = await emu.slash("Mona", "mod kick", member="Dave", reason="Advertising")
    clicked = await confirm(emu, "Olive", record, "Kick")
    assert await clicked.text() == "These buttons belong to someone else."
    assert emu.world.user_id("Dave") in emu.world.members


async def test_ban_deletes_days_of_messages(emu, bot):
    await use_log_channel(bot, emu)
    spam = await emu.post("Dave", "general", "buy cheap tickets")
    kept = await emu.post("Alice", "general", "has anyone seen Gattaca?")
    record = await emu.slash("Mona", "mod ban", member="Dave", reason="Spam bot", delete_days=1)
    assert (await record.reply())["content"] == (
        "Ban **Dave** and delete 1 day of their messages?\n**Reason:** Spam bot"
    )
    clicked = await confirm(emu, "Mona", record, "Ban")
    assert await clicked.text() == "Case #1: **Dave** was banned. They were told by DM."
    dave = emu.world.user_id("Dave")
    assert dave in emu.world.bans and dave not in emu.world.members
    assert "Mona: Spam bot" in emu.world.bans[dave]["reason"]
    assert spam["id"] in emu.store.deleted and kept["id"] not in emu.store.deleted
    assert "You have been banned from **Film Club**." in dm_texts(emu, "Dave")[0]
    await wait_for_log(emu, "Case #1 · Ban")


async def test_a_member_who_left_can_be_banned_by_id_then_unbanned(emu, bot):
    kicked = await emu.slash("Mona", "mod kick", member="Dave", reason="Advertising")
    await (await confirm(emu, "Mona", kicked, "Kick")).reply()
    record = await emu.slash("Mona", "mod ban", member="Dave", reason="Came back to advertise")
    clicked = await confirm(emu, "Mona", record, "Ban")
    assert (await clicked.text()).startswith("Case #2: **Dave** was banned.")
    assert emu.world.user_id("Dave") in emu.world.bans
    record = await emu.slash("Mona", "mod unban", member="Dave", reason="Appeal accepted")
    assert await record.text() == "Case #3: **Dave** was unbanned."
    assert emu.world.user_id("Dave") not in emu.world.bans
    kick, ban, unban = await cases_of(bot, emu, "Dave")
    assert (ban.active, ban.end_reason) == (False, "lifted by case #3")
    record = await emu.slash("Mona", "mod unban", member="Dave", reason="again")
    assert await record.text() == "Dave is not banned."
    assert len(await cases_of(bot, emu, "Dave")) == 3


async def test_tempban_records_its_end(emu, bot):
    await use_log_channel(bot, emu)
    record = await emu.slash(
        "Mona", "mod tempban", member="Bob", duration="2 days", reason="Harassment"
    )
    assert (await record.reply())["content"] == "Ban **Bob** for 2 days?\n**Reason:** Harassment"
    clicked = await confirm(emu, "Mona", record, "Ban")
    assert await clicked.text() == (
        "Case #1: **Bob** was temporarily banned for 2 days. They were told by DM."
    )
    assert emu.world.user_id("Bob") in emu.world.bans
    assert (
        "banned from **Film Club** for 2 days; you can rejoin after that" in dm_texts(emu, "Bob")[0]
    )
    [case] = await cases_of(bot, emu, "Bob")
    assert case.active and case.duration.days == 2
    assert bot.services.expiry.next_expiry == case.expires_at
    await wait_for_log(emu, "Case #1 · Temporary ban** for 2 days")


async def test_an_unanswered_confirmation_says_so_and_does_nothing(emu, bot, monkeypatch):
    from cogs.moderation import views  # the module the loaded extension uses

    monkeypatch.setattr(views, "CONFIRM_SECONDS", 0.2)
    record = await emu.slash("Mona", "mod kick", member="Dave", reason="Advertising")
    assert (await record.reply())["components"]  # Kick / Cancel, until the time is up
    closed = await record.wait(
        lambda r: r.original["content"] == "Not confirmed in time: nothing was done." and r.original
    )
    assert closed["components"] == []
    assert emu.world.user_id("Dave") in emu.world.members
    assert await all_cases(bot) == [] and emu.dms("Dave") == []
