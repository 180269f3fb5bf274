"""What members do: edit a message (re-screened), report one (with a rate limit)."""

from __future__ import annotations

from bot.sandbox.emulator.interactions import message_text
from bot.screening.service import REPORTS_PER_WINDOW
from tests.e2e._screening import (
    alerts,
    edit_screened,
    is_deleted,
    post_screened,
    ready,
    report,
    screen_everywhere,
    use_alert_channel,
)


async def test_an_edited_message_is_screened_again(emu, bot):
    await ready(bot)
    await use_alert_channel(bot, emu)
    await screen_everywhere(bot, emu)
    posted, handled = await post_screened(bot, emu, "Bob", "film-talk", "Loved the ending")
    assert handled.outcome == "pass"
    handled = await edit_screened(bot, emu, posted, "you are a pathetic idiot")
    assert handled.outcome == "hide" and is_deleted(emu, posted)
    assert handled.stored.revision == 1
    first = await bot.services.screening.screened_message(handled.stored.id - 1)
    assert (first.revision, first.content) == (0, "Loved the ending")
    assert "you are a pathetic idiot" in message_text(alerts(emu)[0])


async def test_members_report_messages_with_a_rate_limit(emu, bot):
    await ready(bot)
    await use_alert_channel(bot, emu)
    targets = [await emu.post("Bob", "general", f"buy cheap films at shady.example {i}")
               for i in range(REPORTS_PER_WINDOW + 1)]  # fmt: skip
    answer = await report(emu, "Alice", targets[0], "Spam @everyone")
    assert "review #1" in await answer.text() and await answer.is_ephemeral()
    alert = await emu.wait_for_message("mod-alerts")
    text = message_text(alert)
    assert "reported by a member" in text and "Spam @\u200beveryone" in text
    assert emu.pings(alert) == set()

    again = await emu.context_menu("Alice", "Report message", targets[0])
    assert "already reported" in await again.text()
    own = await emu.context_menu("Bob", "Report message", targets[0])
    assert "your own message" in await own.text()
    for target in targets[1:REPORTS_PER_WINDOW]:
        await (await report(emu, "Alice", target, "spam")).reply()
    limited = await emu.context_menu("Alice", "Report message", targets[-1])
    assert f"at most {REPORTS_PER_WINDOW} messages an hour" in await limited.text()
    second = await report(emu, "Dave", targets[0], "also spam")
    assert "review #1" in await second.text()
    item = await bot.services.screening.review_item(1)
    assert item.reports == 2 and item.source == "report"
    assert len(alerts(emu)) == REPORTS_PER_WINDOW
