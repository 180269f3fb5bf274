"""Webhook names Discord accepts, and multi-part posts sent as one unit inside a journal step."""

from __future__ import annotations

import pytest

from bot import limits
from bot.journal import CrashPoints, Handler, Journal, SimulatedCrash, Status, Step
from bot.moderation.clock import ManualClock
from bot.webhooks import remove_parts, send_parts, webhook_name
from storage.journal import JournalRepository

INVISIBLE = "\u200b\u200d\u2060\ufeff\u202e"


@pytest.mark.parametrize(
    ("given", "forbidden"),
    [
        ("Clyde", "clyde"),
        ("my discord name", "discord"),
        ("DISCORD", "discord"),
        ("xclydex", "clyde"),
    ],
)
def test_reserved_words_become_look_alikes(given, forbidden):
    name = webhook_name(given)
    assert forbidden not in name.lower()
    assert len(name) == len(given)  # one letter swapped, nothing added
    assert not any(ch in name for ch in INVISIBLE)


def test_names_are_visible_bounded_and_never_empty_or_broadcast():
    assert webhook_name(f"Al{INVISIBLE}ice") == "Alice"
    assert webhook_name(INVISIBLE) == "member"
    assert webhook_name("   ", fallback="Anonymous") == "Anonymous"
    assert webhook_name("everyone") == "everyone (member)"
    assert webhook_name("HERE") == "HERE (member)"
    assert len(webhook_name("x" * 200)) == limits.WEBHOOK_USERNAME
    assert 1 <= len(webhook_name("clyde" * 30)) <= limits.WEBHOOK_USERNAME
    assert "clyde" not in webhook_name("clyde" * 30).lower()


class FakeChannel:
    """A channel that numbers what is posted (and can lose the answer to one send)."""

    def __init__(self) -> None:
        self.messages: dict[int, str] = {}
        self.refuse_at: int | None = None

    async def send(self, part: str) -> int:
        if self.refuse_at == len(self.messages) + 1:
            raise PermissionError("403 Forbidden")
        message_id = 1000 + len(self.messages) + 1
        self.messages[message_id] = part
        return message_id

    async def find(self, part: str, after: int) -> int | None:
        return next((i for i, text in self.messages.items() if i > after and text == part), None)

    async def delete(self, message_id: int) -> None:
        self.messages.pop(message_id, None)


class Post(Handler):
    steps = (Step("post"),)

    def __init__(self, channel: FakeChannel) -> None:
        self.channel = channel

    async def step_post(self, ctx):
        return {"sent": await send_parts(self.channel, ctx.payload["parts"], ctx, after=0)}

    async def undo(self, ctx, error):
        await remove_parts(self.channel, ctx)
        return True


async def journal_for(conn, channel, crash=()):
    journal = Journal(JournalRepository(conn), ManualClock(), crash=CrashPoints(crash))
    journal.register("post", Post(channel))
    return journal


@pytest.mark.parametrize("point", ["post:post:part-1", "post:post:part-2", "post:post:after"])
async def test_a_post_resumed_after_a_crash_never_duplicates_a_part(db, point):
    channel = FakeChannel()
    crashing = await journal_for(db, channel, [point])
    with pytest.raises(SimulatedCrash):
        await crashing.perform("post", {"parts": ["one", "two", "three"]})
    intent = (await journal_for(db, channel)).resume_unfinished()
    (done,) = await intent
    assert done.status is Status.DONE
    assert sorted(channel.messages.values()) == ["one", "three", "two"]


async def test_a_send_whose_answer_was_lost_is_found_not_sent_again(db):
    channel = FakeChannel()
    journal = await journal_for(db, channel)
    intent = await journal.begin("post", {"parts": ["one", "two"]})
    channel.messages[1001] = "one"  # sent, but the process died before its id was saved
    await JournalRepository(db).save_state(intent.id, {"sending": 0}, ManualClock().now())
    done = await journal.run(intent.id)
    assert done.status is Status.DONE and done.result("post") == {"sent": [1001, 1002]}
    assert list(channel.messages.values()) == ["one", "two"]


async def test_a_refused_part_removes_the_parts_already_posted(db):
    channel = FakeChannel()
    channel.refuse_at = 2
    journal = await journal_for(db, channel)
    with pytest.raises(PermissionError):
        await journal.perform("post", {"parts": ["one", "two"]})
    assert channel.messages == {}
    (intent,) = [i for i in await JournalRepository(db).unfinished()] or [None]
    assert intent is None
