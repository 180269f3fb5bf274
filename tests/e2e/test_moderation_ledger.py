"""/mod case, history, reason and pardon; cases from another server; two moderators at once."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from bot.moderation.model import CaseType, NewCase
from bot.sandbox.emulator.interactions import message_text
from tests.e2e._moderation import (
    all_cases,
    cases_of,
    confirm,
    guild_id,
    use_log_channel,
    user_id,
    wait_for_log,
)


async def test_case_shows_every_fact(emu, bot):
    timeout = await emu.slash("Mona", "mod timeout", member="Bob", duration="1h", reason="Heated")
    await timeout.reply()
    await (await emu.slash("Mona", "mod note", member="Bob", reason="see #1")).reply()
    record = await emu.slash("Mona", "mod case", number=1)
    text = await record.text()
    assert await record.is_ephemeral()
    assert "Case #1 · Timeout" in text and "Heated" in text
    assert f"Bob (`{user_id(emu, 'Bob')}`)" in text and f"<@{user_id(emu, 'Mona')}>" in text
    assert "Duration\n1 hour" in text and "Active, ends <t:" in text and "DM\nSent" in text
    record = await emu.slash("Mona", "mod case", number=99)
    assert await record.text() == "There is no case #99 in this server."


async def test_history_pages_and_strikes_voided_cases(emu, bot):
    await bot.services.moderation.config.set_ladder(guild_id(emu), [], by=1)
    for i in range(11):
        await (await emu.slash("Mona", "mod warn", member="Bob", reason=f"warning {i}")).reply()
    await (await emu.slash("Mona", "mod pardon", number=2, reason="Mistaken identity")).reply()
    record = await emu.slash("Mona", "mod history", member="Bob")
    first = await record.reply()
    text = message_text(first)
    assert "History of Bob (11 cases)" in text and "Page 1 of 2" in text
    assert "`#11` Warning" in text and "`#1` " not in text  # newest first
    assert "~~`#2` Warning" in text and "warning 1~~ (voided)" in text
    assert [c["label"] for c in first["components"][0]["components"]] == ["Previous", "1/2", "Next"]
    clicked = await emu.click("Mona", first, label="Next")
    second = message_text(await clicked.reply())
    assert "Page 2 of 2" in second and "`#1` Warning" in second
    assert "warning 0" in second and "~~" not in second
    other = await emu.click("Olive", first, label="Previous")
    assert await other.text() == "These buttons belong to someone else."


async def test_empty_history(emu, bot):
    record = await emu.slash("Mona", "mod history", member="Alice")
    assert "No cases recorded for Alice." in await record.text()
    assert (await record.reply())["components"] == []


async def test_reason_is_amended_with_its_history_kept(emu, bot):
    await use_log_channel(bot, emu)
    await (await emu.slash("Mona", "mod warn", member="Bob", reason="spolers")).reply()
    record = await emu.slash("Olive", "mod reason", number=1, text="Spoilers in #general")
    assert await record.text() == (
        "Case #1: reason amended (the case keeps the earlier reason in its history)."
    )
    [case] = await cases_of(bot, emu, "Bob")
    assert case.reason == "Spoilers in #general"
    [amendment] = case.amendments
    assert (amendment.old_reason, amendment.amended_by) == ("spolers", user_id(emu, "Olive"))
    entry = await wait_for_log(emu, "Case #1 · reason amended")
    assert "Before: spolers" in entry and "Now: Spoilers in #general" in entry
    shown = await (await emu.slash("Mona", "mod case", number=1)).text()
    assert "Reason history" in shown and "was: spolers" in shown
    record = await emu.slash("Mona", "mod reason", number=1, text="x" * 1001)
    assert (await record.text()).startswith("The reason is 1,001 characters long")


async def test_cases_of_another_server_cannot_be_touched(emu, bot):
    """The emulator has one server, so the other server's cases are written straight in."""
    other, now = 999, datetime.now(UTC)
    for reason in ("theirs one", "theirs two"):
        new = NewCase(
            guild_id=other, type=CaseType.WARN, moderator_id=1, member_id=2, reason=reason
        )
        await bot.services.moderation.record_case(new, now)
    await (await emu.slash("Mona", "mod warn", member="Bob", reason="ours")).reply()
    for command, options in (
        ("mod reason", {"text": "hijacked"}),
        ("mod pardon", {"reason": "hijacked"}),
        ("mod case", {}),
    ):
        record = await emu.slash("Mona", command, number=2, **options)
        assert await record.text() == "There is no case #2 in this server."
    theirs = await bot.services.moderation.case(other, 2)
    assert theirs.reason == "theirs two" and not theirs.voided and theirs.amendments == ()


async def test_pardon_lifts_a_timeout_and_keeps_the_case(emu, bot):
    await use_log_channel(bot, emu)
    bob = emu.world.user_id("Bob")
    await (await emu.slash("Mona", "mod timeout", member="Bob", duration="1d", reason="x")).reply()
    assert emu.world.members[bob]["communication_disabled_until"]
    record = await emu.slash("Olive", "mod pardon", number=1, reason="Wrong member")
    assert await record.text() == (
        "Case #1 (Timeout of Bob) is voided; it stays in history. The timeout was lifted."
    )
    assert emu.world.members[bob]["communication_disabled_until"] is None
    [case] = await cases_of(bot, emu, "Bob")
    assert case.voided and not case.active and case.void_reason == "Wrong member"
    assert case.voided_by == user_id(emu, "Olive")
    entry = await wait_for_log(emu, "Case #1 · Timeout voided")
    assert "The timeout was lifted." in entry and "Why: Wrong member" in entry
    record = await emu.slash("Olive", "mod pardon", number=1, reason="again")
    assert (await record.text()).startswith("Case #1 was already voided on ")


async def test_pardon_lifts_a_tempban(emu, bot):
    banned = await emu.slash("Mona", "mod tempban", member="Bob", duration="7d", reason="x")
    await (await confirm(emu, "Mona", banned, "Ban")).reply()
    assert emu.world.user_id("Bob") in emu.world.bans
    record = await emu.slash("Mona", "mod pardon", number=1, reason="Appeal accepted")
    assert (await record.text()).endswith("The ban was lifted.")
    assert emu.world.bans == {}
    assert bot.services.expiry.next_expiry is None


async def test_two_moderators_warning_at_once_both_count(emu, bot):
    await bot.services.moderation.config.set_ladder(guild_id(emu), [], by=1)
    first, second = await asyncio.gather(
        emu.slash("Mona", "mod warn", member="Bob", reason="from Mona"),
        emu.slash("Olive", "mod warn", member="Bob", reason="from Olive"),
    )
    texts = {await first.text(), await second.text()}
    assert {text.split(":")[0] for text in texts} == {"Case #1", "Case #2"}
    cases = await cases_of(bot, emu, "Bob")
    assert sorted(c.reason for c in cases) == ["from Mona", "from Olive"]
    assert len(emu.dms("Bob")) == 2
    assert [row[0] for row in await all_cases(bot)] == [1, 2]
