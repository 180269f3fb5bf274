"""One path per message and the one webhook helper: a guard re-post is screened as
its author's; the guard retries after a 403 or a 429 storm and never leaves half a re-post;
restores survive names Discord refuses, a deleted webhook and a failed part."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.journal import CrashPoints, Status
from bot.sandbox.emulator import Emulator
from bot.sandbox.emulator.world import World
from tests.e2e._discussions import SPOILER, GuardWatch, open_discussion
from tests.e2e._moderation import manual_clock
from tests.e2e._screening import (
    alerts,
    discussion_thread,
    is_deleted,
    post_screened,
    ready,
    use_alert_channel,
)
from tests.e2e.test_screening_review import click

INSULT = "You are a pathetic idiot."
ODD_NAME = "Clyde the Discord fan"


@pytest.fixture
async def emu():
    world = World.default()
    world.add_user(ODD_NAME, ["Member"])
    async with Emulator(world) as emulator:
        yield emulator


@pytest.fixture
def clock():
    return manual_clock()


class Tripwire(CrashPoints):
    """Not a crash: runs an action when the journal passes a point (once), once `set`."""

    def __init__(self) -> None:
        super().__init__()
        self.name, self.action = None, None

    def set(self, name: str, action) -> None:
        self.name, self.action = name, action

    def reach(self, name: str) -> None:
        super().reach(name)
        if name == self.name:
            self.name = None
            self.action()


@pytest.fixture
def tripwire():
    return Tripwire()


@pytest.fixture
async def bot(start_bot, settings, clock, tripwire):
    async with start_bot(settings, clock=clock, crash=tripwire) as running:
        yield running


def visible(emu, thread_id: str) -> list[str]:
    return [m["content"] for m in emu.messages_in(thread_id)]


async def guard_intent(bot, message: dict):
    return await bot.services.journal.by_key(f"guard:{message['id']}")


async def retry_due(bot, clock) -> None:
    clock.advance(timedelta(minutes=20))
    await bot.services.journal.resume_unfinished()


async def test_an_insult_that_also_spoils_is_hidden_not_reposted_in_public(emu, bot):
    await ready(bot)
    await use_alert_channel(bot, emu)
    watch = GuardWatch(bot)
    thread = await open_discussion(emu, "film-talk")
    posted = await emu.post("Dave", thread, f"{INSULT} {SPOILER}")
    record = await watch.result(posted, acted=True)
    assert is_deleted(emu, posted) and len(record.repost_message_ids) == 1
    assert not any("idiot" in text for text in visible(emu, thread))  # the re-post is hidden
    (dm,) = [m for m in emu.dms("Dave") if "hidden automatically" in m["content"]]
    stored = await bot.services.screening.latest_screening(record.repost_message_ids[0])
    assert stored.outcome == "hide" and stored.author_id == int(emu.world.user_id("Dave"))
    (alert,) = alerts(emu)
    assert "Dave" in str(alert)


async def test_a_403_on_the_take_down_is_retried_without_an_unhandled_error(emu, bot, clock):
    watch = GuardWatch(bot)
    thread = await open_discussion(emu, "film-talk")
    emu.inject_error("DELETE", rf"/channels/{thread}/messages/\d+$", 403, code=50013)
    posted = await emu.post("Alice", thread, SPOILER)
    await watch.result(posted)
    intent = await guard_intent(bot, posted)
    assert intent.status is Status.PENDING and "Manage Messages" in intent.last_error
    await retry_due(bot, clock)
    assert is_deleted(emu, posted)
    assert (await guard_intent(bot, posted)).status is Status.DONE
    assert len([m for m in emu.messages_in(thread) if m.get("webhook_id")]) == 1


async def test_a_429_storm_while_reposting_is_retried_until_it_is_posted(emu, bot, clock):
    watch = GuardWatch(bot)
    thread = await open_discussion(emu, "film-talk")
    emu.inject_error("POST", r"/webhooks/\d+/[^/]+$", 429, times=10, retry_after=0.01)
    posted = await emu.post("Alice", thread, SPOILER)
    await watch.result(posted)
    assert (await guard_intent(bot, posted)).status is Status.PENDING
    while (await guard_intent(bot, posted)).status is Status.PENDING:
        await retry_due(bot, clock)
    assert is_deleted(emu, posted)
    (repost,) = [m for m in emu.messages_in(thread) if m.get("webhook_id")]
    assert "||Tommy dies at the end" in repost["content"]


async def test_a_refused_second_part_leaves_the_original_and_no_half_repost(emu, bot, tripwire):
    watch = GuardWatch(bot)
    thread = await open_discussion(emu, "film-talk")
    refuse = lambda: emu.inject_error("POST", r"/webhooks/\d+/[^/]+$", 403, code=50013)  # noqa: E731
    tripwire.set("guard-repost:post:part-1", refuse)
    long_text = " ".join([SPOILER] * 30)
    posted = await emu.post("Alice", thread, long_text)
    await watch.result(posted)
    assert not is_deleted(emu, posted)
    assert [m for m in emu.messages_in(thread) if m.get("webhook_id")] == []
    assert (await guard_intent(bot, posted)).status is Status.UNDONE


async def hidden_then_approved(bot, emu, author: str, text: str):
    await ready(bot)
    await use_alert_channel(bot, emu)
    thread = await discussion_thread(bot, emu)
    posted, handled = await post_screened(bot, emu, author, thread, text)
    assert handled.outcome == "hide" and is_deleted(emu, posted)
    (alert,) = alerts(emu)
    return thread, alert


async def test_a_member_whose_name_discord_refuses_is_restored(emu, bot):
    thread, alert = await hidden_then_approved(bot, emu, ODD_NAME, INSULT)
    answer, alert = await click(emu, "Mona", alert, "Approve")
    assert "restored under" in answer
    (restored,) = [m for m in emu.messages_in(thread) if m.get("webhook_id")]
    name = restored["author"]["username"]
    assert "clyde" not in name.lower() and "discord" not in name.lower()
    assert len(name) == len(ODD_NAME)  # a look-alike letter, the name still reads the same


async def test_a_webhook_deleted_by_an_admin_is_created_again(emu, bot):
    thread, first = await hidden_then_approved(bot, emu, "Dave", INSULT)
    await post_screened(bot, emu, "Bob", thread, "Dave you are a pathetic idiot")
    answer, _ = await click(emu, "Mona", first, "Approve")
    emu.world.webhooks.clear()  # an admin deleted the bot's webhook
    second = alerts(emu)[1]
    answer, _ = await click(emu, "Mona", second, "Approve")
    assert "restored under Bob's name" in answer
    restored = [m for m in emu.messages_in(thread) if m.get("webhook_id")]
    assert [m["author"]["username"] for m in restored] == ["Dave", "Bob"]
    assert restored[1]["webhook_id"] in emu.world.webhooks


async def test_a_restore_whose_second_part_failed_never_posts_the_first_twice(emu, bot, tripwire):
    long_insult = " ".join([INSULT] * 90)  # two parts
    thread, alert = await hidden_then_approved(bot, emu, "Dave", long_insult)
    refuse = lambda: emu.inject_error("POST", r"/webhooks/\d+/[^/]+$", 403, code=50013)  # noqa: E731
    tripwire.set("screening-restore:post:part-1", refuse)
    answer, alert = await click(emu, "Mona", alert, "Approve")
    assert "Manage Webhooks" in answer
    assert [m for m in emu.messages_in(thread) if m.get("webhook_id")] == []
    answer, alert = await click(emu, "Mona", alert, "Approve")
    assert "restored under Dave's name" in answer
    parts = [m["content"] for m in emu.messages_in(thread) if m.get("webhook_id")]
    assert len(parts) == 2 and len(set(parts)) == 2
