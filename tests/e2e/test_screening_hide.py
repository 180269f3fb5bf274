"""An insult is hidden at once: deleted, the author told which rule and how to appeal, the
original kept, a case recorded, an alert raised; film quotes pass; nobody is pinged."""

from __future__ import annotations

from bot.sandbox.emulator.interactions import message_text
from tests.e2e._moderation import cases_of
from tests.e2e._screening import (
    INSULT,
    alerts,
    discussion_thread,
    is_deleted,
    post_screened,
    ready,
    use_alert_channel,
)

RUTH = "We were modeled on trash. Junkies, prostitutes, drunks."


async def test_an_insult_is_hidden_the_author_told_and_the_original_kept(emu, bot):
    await ready(bot)
    await use_alert_channel(bot, emu)
    thread = await discussion_thread(bot, emu)
    posted, handled = await post_screened(bot, emu, "Dave", thread, INSULT)

    assert handled.outcome == "hide"
    assert is_deleted(emu, posted)
    (dm,) = emu.dms("Dave")
    assert "hidden automatically" in dm["content"] and "insult" in dm["content"]
    assert "How to appeal" in dm["content"]
    stored = await bot.services.screening.latest_screening(int(posted["id"]))
    assert stored.content == INSULT and stored.outcome == "hide"
    (alert,) = alerts(emu)
    text = message_text(alert)
    assert "Review #1: hidden automatically" in text and INSULT in text
    assert all(label in text for label in ("Approve", "Remove", "Warn", "Timeout 1h"))
    assert "author told by DM" in text
    (case,) = await cases_of(bot, emu, "Dave")
    assert case.type == "auto-delete" and case.dm_status == "sent"
    assert all(emu.pings(m) == set() for m in [alert, dm])


async def test_closed_dms_are_recorded_not_errors(emu, bot):
    await ready(bot)
    await use_alert_channel(bot, emu)
    thread = await discussion_thread(bot, emu)
    posted, handled = await post_screened(bot, emu, "Carol", thread, INSULT)
    assert handled.outcome == "hide" and is_deleted(emu, posted)
    assert emu.dms("Carol") == []
    assert "not told: their DMs are closed" in message_text(alerts(emu)[0])
    (case,) = await cases_of(bot, emu, "Carol")
    assert case.dm_status == "closed"


async def test_quoting_the_film_passes_but_quoting_an_insult_does_not(emu, bot):
    await ready(bot)
    await use_alert_channel(bot, emu)
    thread = await discussion_thread(bot, emu)
    quoted, handled = await post_screened(bot, emu, "Alice", thread, f'Ruth: "{RUTH}"')
    assert handled.outcome == "pass" and not is_deleted(emu, quoted)
    stored = await bot.services.screening.latest_screening(int(quoted["id"]))
    assert "film dialogue set aside" in stored.note
    plain, handled = await post_screened(bot, emu, "Bob", thread, RUTH)
    assert handled.outcome == "pass" and not is_deleted(emu, plain)
    assert alerts(emu) == []

    disguised, handled = await post_screened(bot, emu, "Bob", thread, '"you are a pathetic idiot"')
    assert handled.outcome == "hide" and is_deleted(emu, disguised)
    assert len(alerts(emu)) == 1


async def test_without_an_alert_channel_the_item_waits_in_the_queue(emu, bot):
    await ready(bot)
    thread = await discussion_thread(bot, emu)
    posted, handled = await post_screened(bot, emu, "Dave", thread, INSULT)
    assert handled.outcome == "hide" and is_deleted(emu, posted)
    assert "hidden automatically" in emu.dms("Dave")[0]["content"]
    assert alerts(emu) == []
    status = await (await emu.slash("Mona", "mod screening status")).text()
    assert "none set" in status and "/mod config alert-channel" in status
    queue = await (await emu.slash("Mona", "mod queue")).reply()
    assert "**#1** hidden automatically" in message_text(queue)
    assert emu.pings(queue) == set()


async def test_a_case_that_cannot_be_recorded_is_said_in_the_alert(emu, bot, error_log):
    await ready(bot)
    await use_alert_channel(bot, emu)
    thread = await discussion_thread(bot, emu)
    conn = bot.services.conn
    await conn.execute("ALTER TABLE mod_cases RENAME TO mod_cases_away")  # the ledger breaks
    try:
        posted, handled = await post_screened(bot, emu, "Dave", thread, INSULT)
    finally:
        await conn.execute("ALTER TABLE mod_cases_away RENAME TO mod_cases")
    assert handled.outcome == "hide" and is_deleted(emu, posted)
    text = message_text(alerts(emu)[0])
    logged = error_log.expect("no case recorded for review item 1")
    error_id = logged.getMessage().split()[1].rstrip(":")
    assert f"No case recorded (error `{error_id}`, in the bot's log); author told by DM." in text
    assert await cases_of(bot, emu, "Dave") == []
