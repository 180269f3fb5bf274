"""The embedded backend's second look, through the real client: a veiled threat that no pattern
word covers is flagged for the moderators (and stays visible), film talk built from the same
words is left alone, and a broken head file is reported by /about and /mod screening status."""

from __future__ import annotations

import asyncio
import contextlib
import threading

from bot import limits
from bot.sandbox.emulator.interactions import message_text
from tests.e2e._screening import (
    alerts,
    edit_screened,
    film_thread,
    is_deleted,
    looked_at,
    post_looked,
    post_screened,
    ready,
)

VEILED = "One of these nights you just won't wake up"
FILM_TALK = [
    "In the film the stalker tells her one of these nights you just won't wake up",
    "Tommy says one of these nights you just won't wake up, and Kathy cries",
    "Watch your back in the first scene, the jump scare is brutal",
    "You'll end up crying at the end, everyone does",
]


async def test_a_veiled_threat_without_pattern_words_is_flagged_after_its_second_look(emu, bot):
    thread = await film_thread(bot, emu)
    posted, first, looked = await post_looked(bot, emu, "Dave", thread, VEILED)
    assert first.outcome == "pass"  # the first verdict does not wait for the encoder
    assert first.stored.second_look == "pending"
    assert looked.outcome == "flag" and looked.verdict.label == "threat"
    assert not is_deleted(emu, posted)  # the encoder alone never hides
    (alert,) = alerts(emu)
    assert "threat" in message_text(alert) and "flag threshold 0.40" in message_text(alert)
    assert "flagged for review" in message_text(alert)
    assert emu.dms("Dave") == []
    stored = await bot.services.screening.latest_screening(int(posted["id"]))
    assert stored.content == VEILED and 0.40 <= stored.scores["threat"] < 0.85
    assert stored.outcome == "flag" and stored.second_look == "done"
    assert (
        await bot.services.screening.review_item(looked.review_item.id)
    ).screened_id == stored.id


async def test_film_talk_with_the_same_words_is_left_alone_after_its_second_look(emu, bot):
    thread = await film_thread(bot, emu)
    states = []
    for text in FILM_TALK:
        looked = looked_at(bot, text)
        posted, first = await post_screened(bot, emu, "Alice", thread, text)
        assert first.outcome == "pass" and not is_deleted(emu, posted), text
        stored = await bot.services.screening.latest_screening(int(posted["id"]))
        if first.stored.second_look is None:  # the gate takes nothing: no look is due
            looked.cancel()
        else:
            assert (await looked).review_item is None, text
            stored = await bot.services.screening.latest_screening(int(posted["id"]))
            assert stored.second_look == "done"
        assert stored.outcome == "pass" and stored.content == text
        states.append(first.stored.second_look)
    assert None in states and "pending" in states  # both kinds were met
    assert alerts(emu) == []
    status = await (await emu.slash("Mona", "mod screening status")).text()
    assert "second look after the verdict, 0 waiting" in status


async def test_a_broken_head_file_is_reported_and_the_patterns_still_run(
    emu, start_bot, settings, error_log, tmp_path
):
    broken = tmp_path / "head.npz"
    broken.write_bytes(b"not a zip file")
    async with start_bot(settings.model_copy(update={"toxicity_harm_head": broken})) as bot:
        await ready(bot)
        error_log.expect("screening second look not loaded")
        about = await (await emu.slash("Alice", "about")).text()
        assert (
            f"(TOXICITY_BACKEND=embedded; second look unavailable: the harm head file {broken} "
            "cannot be read"
        ) in about
        assert "the patterns run alone" in about
        status = await (await emu.slash("Mona", "mod screening status")).text()
        assert "second look unavailable: the harm head file" in status
        thread = await film_thread(bot, emu)
        _, handled = await post_screened(bot, emu, "Dave", thread, "I know where you live, mate")
        assert handled.outcome == "flag" and handled.verdict.label == "threat"


def _field(reply: dict, name: str) -> str:
    (embed,) = reply["embeds"]
    return next(field["value"] for field in embed["fields"] if field["name"] == name)


def _embed_chars(reply: dict) -> int:
    (embed,) = reply["embeds"]
    parts = [embed.get("title") or "", embed.get("description") or ""]
    parts += [embed.get("footer", {}).get("text") or ""]
    parts += [field["name"] + field["value"] for field in embed.get("fields", [])]
    return sum(len(part) for part in parts)


async def test_a_second_look_turned_off_is_said_by_about_and_status(emu, start_bot, settings):
    async with start_bot(settings.model_copy(update={"toxicity_second_look": "off"})) as bot:
        await ready(bot)
        said = "backend embedded (TOXICITY_BACKEND=embedded; second look off (TOXICITY_SECOND_LOOK=off))"
        about = await (await emu.slash("Alice", "about")).reply()
        assert _field(about, "Screening").startswith(said)
        status = await (await emu.slash("Mona", "mod screening status")).reply()
        assert _field(status, "Backend").startswith(said)
        thread = await film_thread(bot, emu)
        _, handled = await post_screened(bot, emu, "Dave", thread, VEILED)
        assert handled.outcome == "pass"  # no pattern word: only the second look reads it


async def test_a_long_head_path_keeps_the_state_and_the_replies_within_limits(
    emu, start_bot, settings, error_log, tmp_path
):
    deep = tmp_path.joinpath(*["a-very-long-folder-name-" * 8] * 6)
    deep.mkdir(parents=True)
    broken = deep / "head.npz"
    broken.write_bytes(b"not a zip file")
    assert len(str(broken)) > limits.EMBED_FIELD_VALUE
    async with start_bot(settings.model_copy(update={"toxicity_harm_head": broken})) as bot:
        await ready(bot)
        error_log.expect("screening second look not loaded")
        about = await (await emu.slash("Alice", "about")).reply()
        status = await (await emu.slash("Mona", "mod screening status")).reply()
        for reply, name in ((about, "Screening"), (status, "Backend")):
            value = _field(reply, name)
            assert len(value) <= limits.EMBED_FIELD_VALUE
            assert value.startswith(
                "backend embedded (TOXICITY_BACKEND=embedded; second look unavailable: "
                "the harm head file /"
            )
            assert _embed_chars(reply) <= limits.EMBED_TOTAL


@contextlib.contextmanager
def looks_held(bot, monkeypatch):
    """The second look's worker waits (in its own thread) until the event is set."""
    looks = bot.services.screening.pipeline.looks
    release, look = threading.Event(), looks._look

    def held(jobs):
        release.wait(30)
        return look(jobs)

    monkeypatch.setattr(looks, "_look", held)
    try:
        yield release
    finally:
        release.set()


async def test_a_message_deleted_before_its_second_look_is_not_flagged(emu, bot, monkeypatch):
    thread = await film_thread(bot, emu)
    with looks_held(bot, monkeypatch) as release:
        looked = looked_at(bot, VEILED)
        posted, first = await post_screened(bot, emu, "Dave", thread, VEILED)
        assert first.outcome == "pass" and first.stored.second_look == "pending"
        forgotten = asyncio.ensure_future(bot.wait_for("second_look_forgotten", timeout=10))
        await emu.delete(posted)
        assert await forgotten == [int(posted["id"])]
        release.set()
        handled = await looked
    assert handled.review_item is None and "deleted" in handled.reason
    assert alerts(emu) == []
    stored = await bot.services.screening.latest_screening(int(posted["id"]))
    assert stored.outcome == "pass" and stored.second_look == "deleted"
    assert stored.content == VEILED  # the original is kept


async def test_an_edit_replaces_the_pending_second_look_of_the_older_revision(
    emu, bot, monkeypatch
):
    thread = await film_thread(bot, emu)
    calm = FILM_TALK[3]  # addressed ("you"): the gate takes it, so it waits for its look
    with looks_held(bot, monkeypatch) as release:
        old, new = looked_at(bot, VEILED), looked_at(bot, calm)
        posted, _ = await post_screened(bot, emu, "Dave", thread, VEILED)
        edited = await edit_screened(bot, emu, posted, calm)
        assert edited.outcome == "pass" and edited.stored.revision == 1
        release.set()
        superseded, looked = await old, await new
    assert superseded.review_item is None and "superseded" in superseded.reason
    assert looked.review_item is None
    assert alerts(emu) == []
    first = await bot.services.screening.screened_message(superseded.stored.id)
    assert first.revision == 0 and first.second_look == "superseded"
    second = await bot.services.screening.screened_message(looked.stored.id)
    assert second.revision == 1 and second.second_look == "done"


async def test_a_look_flags_when_discord_will_not_say_whether_the_message_is_gone(emu, bot):
    thread = await film_thread(bot, emu)
    # the check before the flag is refused (no right to read history): taken as still there
    refused = emu.inject_error("GET", rf"/channels/{thread}/messages/\d+$", 403, code=50001)
    posted, first, looked = await post_looked(bot, emu, "Dave", thread, VEILED)
    assert first.outcome == "pass" and looked.outcome == "flag"
    assert refused.remaining == 0  # the check was made, and refused
    (alert,) = alerts(emu)
    assert "flagged for review" in message_text(alert)
    stored = await bot.services.screening.latest_screening(int(posted["id"]))
    assert stored.outcome == "flag" and stored.second_look == "done"
