"""The review queue's buttons: Approve (a hidden message comes back through a webhook),
Remove, Warn and Timeout 1h (moderation cases); only moderators; one decision per item."""

from __future__ import annotations

import asyncio

from bot.sandbox.emulator.interactions import message_text
from tests.e2e._moderation import cases_of
from tests.e2e._screening import (
    alerts,
    discussion_thread,
    is_deleted,
    post_screened,
    ready,
    screen_everywhere,
    use_alert_channel,
)

BORDERLINE = "the director of this ending is a total moron"  # toxic, aimed at no one here
INSULT = "you are a pathetic idiot"


async def click(emu, user: str, alert: dict, label: str) -> tuple[str, dict]:
    """Click a button on an alert; the moderator's private answer and the refreshed alert."""
    record = await emu.click(user, alert, label=label)
    await record.wait(lambda r: r.followups)
    return message_text(record.followups[0]), emu.world.find_message(alert["id"])


async def setup(bot, emu) -> None:
    await ready(bot)
    await use_alert_channel(bot, emu)
    await screen_everywhere(bot, emu)


async def test_a_borderline_comment_is_flagged_and_approved_by_a_moderator(emu, bot):
    await setup(bot, emu)
    posted, handled = await post_screened(bot, emu, "Alice", "film-talk", BORDERLINE)
    assert handled.outcome == "flag" and not is_deleted(emu, posted)
    (alert,) = alerts(emu)
    assert "flagged for review" in message_text(alert) and "jump to the message" in str(alert)

    answer, alert = await click(emu, "Mona", alert, "Approve")
    assert "approved" in answer and "left as it is" in answer
    assert "Approved by Mona" in message_text(alert) and alert["components"] == []
    item = await bot.services.screening.review_item(handled.review_item.id)
    assert item.state == "approved" and item.decided_by == int(emu.world.user_id("Mona"))
    assert not is_deleted(emu, posted)
    assert all(emu.pings(m) == set() for m in alerts(emu))


async def test_approving_a_hidden_message_restores_it_under_the_authors_name(emu, bot):
    await setup(bot, emu)
    thread = await discussion_thread(bot, emu)
    posted, handled = await post_screened(bot, emu, "Dave", thread, INSULT)
    assert is_deleted(emu, posted)
    (alert,) = alerts(emu)
    answer, alert = await click(emu, "Mona", alert, "Approve")
    assert "restored under Dave's name" in answer
    restored = await emu.wait_for_message(thread, predicate=lambda m: INSULT in m["content"])
    assert restored["author"]["username"] == "Dave" and restored.get("webhook_id")
    assert "Restored by the moderators" in restored["content"]
    assert emu.pings(restored) == set()
    item = await bot.services.screening.review_item(handled.review_item.id)
    assert item.state == "approved" and "restored" in item.decision_note


async def test_remove_deletes_a_flagged_message_and_tells_the_author(emu, bot):
    await setup(bot, emu)
    posted, _ = await post_screened(bot, emu, "Bob", "film-talk", BORDERLINE)
    (alert,) = alerts(emu)
    answer, alert = await click(emu, "Mona", alert, "Remove")
    assert "message removed" in answer and is_deleted(emu, posted)
    assert "removed by the moderators" in emu.dms("Bob")[-1]["content"]
    assert "Removed by Mona" in message_text(alert)
    stored = await bot.services.screening.latest_screening(int(posted["id"]))
    assert stored.content == BORDERLINE  # the original is kept


async def test_warn_and_timeout_buttons_create_cases_and_escalate(emu, bot):
    await setup(bot, emu)
    _, handled = await post_screened(bot, emu, "Dave", "film-talk", BORDERLINE)
    (alert,) = alerts(emu)
    answer, alert = await click(emu, "Mona", alert, "Warn")
    assert "Case #1" in answer
    answer, alert = await click(emu, "Mona", alert, "Timeout 1h")
    assert "Case #2" in answer
    warn, timeout = await cases_of(bot, emu, "Dave")
    assert (warn.type, timeout.type) == ("warn", "timeout")
    assert warn.moderator_id == int(emu.world.user_id("Mona"))
    assert emu.world.members[emu.world.user_id("Dave")]["communication_disabled_until"]
    item = await bot.services.screening.review_item(handled.review_item.id)
    assert item.state == "escalated"
    text = message_text(alert)
    assert "Escalated by Mona" in text and "Warning case #1" in text
    assert "Approve" in text  # still open: the message itself awaits a decision


async def test_only_moderators_decide_and_only_once(emu, bot):
    await setup(bot, emu)
    await post_screened(bot, emu, "Bob", "film-talk", BORDERLINE)
    (alert,) = alerts(emu)
    refused = await emu.click("Alice", alert, label="Approve")
    assert "Only moderators" in await refused.text() and await refused.is_ephemeral()
    stale = await (await emu.slash("Olive", "mod queue", item=1)).reply()  # with its buttons
    await click(emu, "Mona", alert, "Approve")
    late = await emu.click("Olive", stale, label="Remove")
    assert "already approved by Mona" in await late.text()
    shown = await (await emu.slash("Olive", "mod queue", item=1)).reply()
    assert "Approved by Mona" in message_text(shown) and shown["components"] == []
    decisions = await bot.services.screening.review_decisions(1)
    assert [d.state for d in decisions] == ["approved"]


async def test_missing_permissions_are_explained_and_nothing_is_lost(emu, bot):
    await setup(bot, emu)
    film_talk = emu.world.channel_id("film-talk")
    emu.world.deny_bot(film_talk, manage_messages=True)
    posted, handled = await post_screened(bot, emu, "Bob", "film-talk", INSULT)
    assert handled.outcome == "hide" and not is_deleted(emu, posted)
    (alert,) = alerts(emu)
    assert "Could not hide it: I need **Manage Messages**" in message_text(alert)
    assert emu.dms("Bob") == [] and await cases_of(bot, emu, "Bob") == []

    general = emu.world.channel_id("general")
    emu.world.deny_bot(general, manage_webhooks=True)
    hidden, handled = await post_screened(bot, emu, "Bob", "general", INSULT + "!")
    assert is_deleted(emu, hidden)
    alert = alerts(emu)[-1]
    refused = await emu.click("Mona", alert, label="Approve")
    await refused.wait(lambda r: r.followups)
    assert "I need **Manage Webhooks**" in message_text(refused.followups[0])
    item = await bot.services.screening.review_item(handled.review_item.id)
    assert item.state == "pending"


async def test_a_double_click_on_warn_warns_once(emu, bot):
    """Both presses of a double-click reach the bot together: one warning, not two."""
    await setup(bot, emu)
    await post_screened(bot, emu, "Dave", "film-talk", BORDERLINE)
    (alert,) = alerts(emu)
    first, second = await asyncio.gather(
        emu.click("Mona", alert, label="Warn"), emu.click("Mona", alert, label="Warn")
    )
    answers = []
    for record in (first, second):
        await record.wait(lambda r: r.followups or r.original)
        answers.append(message_text((record.followups or [record.original])[0]))
    assert sorted(answers)[1] == "Review #1: that is already being done; nothing more was done."
    assert [case.type for case in await cases_of(bot, emu, "Dave")] == ["warn"]
