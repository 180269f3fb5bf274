"""A new review's post, and an edit of a posted review, stopped at every step (an injected crash
point) and finished by the next start: one thread, every part once (also when the process
died between Discord's send and saving the message id), registered as a discussion, the row
pointing at it; an edit stores the new version once, edits the messages, adds the new parts and
one line saying it was edited. The review's rating counts only once it is posted."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.errors import InvalidInput
from bot.journal import CrashPoints, SimulatedCrash
from cogs.community import review_post
from cogs.community.posting import edit_review, post_review
from cogs.community.review_edit import ReviewEdit
from cogs.community.review_post import ReviewPost
from tests.e2e._discussions import add_film
from tests.e2e._moderation import manual_clock

LONG = " ".join(f"Sentence {i} about the film's quiet craft and its cast." for i in range(65))
POINTS = [
    *(f"review-post:{s.name}:{w}" for s in ReviewPost.steps for w in ("before", "after")),
    "review-post:thread:opened",
    "review-post:post:sent-1",  # part 1 posted, its id not yet saved
    "review-post:post:part-1",
    "review-post:post:sent-2",
]
EDIT_POINTS = [
    *(f"review-edit:{s.name}:{w}" for s in ReviewEdit.steps for w in ("before", "after")),
    "review-edit:post:sent-1",  # the new second part posted, its id not yet saved
    "review-edit:post:part-1",
    "review-edit:post:sent-2",  # the "edited" line posted, its id not yet saved
]


class Alices:
    """Alice reviewing Moon in a channel: what post_review and edit_review are given."""

    def __init__(self, bot, emu, channel: str = "film-talk") -> None:
        self.bot, self.emu, self.svc = bot, emu, bot.services
        self.guild = bot.get_guild(int(emu.world.guild["id"]))
        self.alice = self.guild.get_member(int(emu.world.user_id("Alice")))
        self.parent = self.guild.get_channel(int(emu.world.channel_id(channel)))
        self.film = None

    async def prepare(self, rating: float, text: str):
        if self.film is None:
            details = await self.svc.catalog.get_details(await add_film(self.bot, "Moon", 2009))
            self.film = details.film
        return await self.svc.community.reviews.prepare(self.guild.id, self.film, rating, text)

    async def post(self, prepared):
        alice = self.alice
        return await post_review(
            self.svc, self.parent, alice.id, prepared, self.film, alice.display_name
        )

    async def edit(self, review, prepared):
        return await edit_review(self.svc, review, prepared, self.film, self.alice.display_name)


async def review_until(bot, emu, point: str, channel: str, text: str) -> tuple[int, int, int]:
    """What /review does for Alice's first review of a film, stopped at crash point `point`;
    the guild, film and author whose review it is (stopped before `store`, it has no id)."""
    svc, alices = bot.services, Alices(bot, emu, channel)
    guild, alice = alices.guild, alices.alice
    prepared = await alices.prepare(4, text)
    film = alices.film
    svc.journal.crash.arm(point)  # the crash points this bot was started with
    with pytest.raises(SimulatedCrash):
        await alices.post(prepared)
    stored = await svc.community.reviews.existing(guild.id, film.id, alice.id)
    assert (stored is None) == (point == "review-post:store:before")  # no row, yet an intent
    return guild.id, film.id, alice.id


async def review_of(bot, whose: tuple[int, int, int]):
    return await bot.services.community.reviews.existing(*whose)


def threads_named(emu, fragment: str) -> list[str]:
    return [i for i, c in emu.world.channels.items() if fragment in c.get("name", "")]


@pytest.mark.parametrize("point", POINTS)
async def test_a_review_stopped_at_any_step_is_posted_once_at_the_next_start(
    emu, start_bot, settings, point
):
    async with start_bot(settings, crash=CrashPoints()) as bot:
        whose = await review_until(bot, emu, point, "film-talk", LONG)
    async with start_bot(settings) as bot:
        await bot.services.journal.resume_unfinished()
        assert await bot.services.journal.unfinished() == []
        [thread] = threads_named(emu, "Moon (2009)")
        messages = emu.messages_in(thread)
        assert len(messages) == 2 and messages[0]["content"].startswith("## Review of Moon")
        assert "Sentence 64" in messages[1]["content"]  # the second part, once
        review = await review_of(bot, whose)
        assert review.active and review.thread_id == int(thread)
        assert review.message_ids == tuple(int(m["id"]) for m in messages)
        discussion = await bot.services.discussions.by_thread(int(thread))
        assert discussion.opener_message_id == int(messages[0]["id"])


async def test_a_forum_review_whose_post_id_was_lost_is_not_opened_twice(emu, start_bot, settings):
    async with start_bot(settings, crash=CrashPoints()) as bot:
        await emu.slash("Olive", "community settings", reviews_channel="film-forum")
        whose = await review_until(bot, emu, "review-post:thread:opened", "film-forum", "Ok.")
    async with start_bot(settings) as bot:
        await bot.services.journal.resume_unfinished()
        [thread] = threads_named(emu, "Moon (2009)")
        assert emu.world.channels[thread]["parent_id"] == emu.world.channel_id("film-forum")
        review = await review_of(bot, whose)
        assert review.thread_id == int(thread) and len(emu.messages_in(thread)) == 1


async def test_a_review_discord_refuses_to_post_leaves_no_thread_and_no_rating(emu, bot):
    await add_film(bot, "Moon", 2009)
    emu.inject_error("POST", r"/channels/\d+/messages$", 403, times=1)
    record = await emu.slash(
        "Alice", "review", where="film-talk", film="Moon", rating=4, text="Ok."
    )
    assert await record.text() == (
        "Discord refused to post your review (403: Missing Permissions). Nothing was posted "
        "and your rating does not count; try again in a moment."
    )
    assert threads_named(emu, "Moon (2009)") == []
    [intent] = [i async for i in _intents(bot)]
    assert intent.status == "undone"
    reviews = await bot.services.community.reviews.for_film(int(emu.world.guild["id"]), 1)
    assert all(not r.active for r in reviews)


async def test_a_forum_review_refused_after_its_opener_leaves_no_post(emu, bot):
    await emu.slash("Olive", "community settings", reviews_channel="film-forum")
    await add_film(bot, "Moon", 2009)
    emu.inject_error("POST", r"/channels/\d+/messages$", 403, times=1)  # the second part
    record = await emu.slash("Alice", "review", where="general", film="Moon", rating=4, text=LONG)
    assert (await record.text()).startswith("Discord refused to post your review (403")
    assert threads_named(emu, "Moon (2009)") == []  # the post and its opener are deleted
    assert await bot.services.community.reviews.ratings(int(emu.world.guild["id"])) == []
    guild = int(emu.world.guild["id"])
    assert all(d.archived for d in await bot.services.discussions.for_film(guild, 1))


async def test_a_second_post_of_a_posted_review_is_refused_and_removes_nothing(emu, bot):
    alices = Alices(bot, emu)
    prepared = await alices.prepare(4, "Quiet.")
    posted = await alices.post(prepared)
    # a second /review that passed its check while the first was still being posted
    with pytest.raises(InvalidInput, match="You already reviewed Moon"):
        await alices.post(prepared)
    whose = alices.guild.id, alices.film.id, alices.alice.id
    assert await review_of(bot, whose) == posted
    [thread] = threads_named(emu, "Moon (2009)")
    assert len(emu.messages_in(thread)) == 1
    statuses = sorted(i.status for i in [i async for i in _intents(bot)])
    assert statuses == ["done", "undone"]


async def _intents(bot):
    async with bot.services.conn.execute("SELECT id FROM journal_intents") as cursor:
        for (intent_id,) in await cursor.fetchall():
            yield await bot.services.journal.get(intent_id)


async def edit_until(bot, emu, point: str) -> int:
    """Alice's short review of Moon, posted, then replaced by a long one, stopped at `point`."""
    alices = Alices(bot, emu)
    posted = await alices.post(await alices.prepare(3, "Quiet."))
    longer = await alices.prepare(4.5, LONG)
    bot.services.journal.crash.arm(point)  # the crash points this bot was started with
    with pytest.raises(SimulatedCrash):
        await alices.edit(posted, longer)
    return posted.id


@pytest.mark.parametrize("point", EDIT_POINTS)
async def test_an_edit_stopped_at_any_step_is_finished_once_at_the_next_start(
    emu, start_bot, settings, point
):
    async with start_bot(settings, crash=CrashPoints()) as bot:
        review_id = await edit_until(bot, emu, point)
    async with start_bot(settings) as bot:
        await bot.services.journal.resume_unfinished()
        assert await bot.services.journal.unfinished() == []
        [thread] = threads_named(emu, "Moon (2009)")
        opener, second, note = emu.messages_in(thread)  # no part and no line twice
        assert "★★★★½ 4.5/5" in opener["content"] and "Sentence 0" in opener["content"]
        assert "Sentence 64" in second["content"]
        assert note["content"] == (
            "*Alice edited this review (version 2); the previous version is kept.*"
        )
        reviews = bot.services.community.reviews
        review = await reviews.get(review_id)
        assert review.version == 2 and review.text == LONG
        assert review.message_ids == (int(opener["id"]), int(second["id"]))
        [previous] = await reviews.versions(review_id)
        assert previous.text == "Quiet." and previous.rating.value == 3


async def test_of_two_edits_from_one_version_the_second_is_refused(emu, bot):
    """Two Replace prompts answered one after the other: the thread and the row agree."""
    alices = Alices(bot, emu)
    posted = await alices.post(await alices.prepare(3, "Quiet."))
    warmer = await alices.prepare(4, "Warmer on a second look.")
    colder = await alices.prepare(2, "Colder on a third.")
    await alices.edit(posted, warmer)
    with pytest.raises(InvalidInput, match="changed meanwhile"):
        await alices.edit(posted, colder)  # from version 1 too
    review = await bot.services.community.reviews.get(posted.id)
    assert review.version == 2 and review.text == "Warmer on a second look."
    [thread] = threads_named(emu, "Moon (2009)")
    shown = " ".join(m["content"] for m in emu.messages_in(thread))
    assert "Warmer on a second look." in shown and "Colder" not in shown


async def test_an_edit_discord_refuses_is_undone_in_the_thread_and_the_row(emu, bot):
    film_id = await add_film(bot, "Moon", 2009)
    first = await emu.slash("Alice", "review", where="film-talk", film="Moon", rating=3, text=LONG)
    assert "Your review of Moon (2009)" in await first.text()
    [thread] = threads_named(emu, "Moon (2009)")
    shown = [m["content"] for m in emu.messages_in(thread)]
    second = emu.messages_in(thread)[1]["id"]
    again = await emu.slash("Alice", "review", film="Moon", rating=4.5, text="Short now.")
    offer = await again.reply()
    # the opener is edited, then Discord refuses to edit the second part
    emu.inject_error("PATCH", rf"/channels/{thread}/messages/{second}$", 403, code=50001)
    done = await emu.click("Alice", offer, label="Replace")
    assert await done.text() == (
        "Discord refused to edit your review (403: Missing Permissions). It is unchanged; try "
        "again in a moment."
    )
    assert [m["content"] for m in emu.messages_in(thread)] == shown  # as before, no note
    reviews = bot.services.community.reviews
    alice = int(emu.world.user_id("Alice"))
    review = await reviews.existing(int(emu.world.guild["id"]), film_id, alice)
    assert review.version == 1 and review.text == LONG and review.rating.value == 3
    assert await reviews.versions(review.id) == []


async def test_a_post_left_pending_by_the_earlier_version_is_finished(emu, bot):
    """Written before this version (the row stored first, its id in the payload)."""
    alices = Alices(bot, emu)
    prepared = await alices.prepare(4, "Quiet.")
    reviews = bot.services.community.reviews
    stored = await reviews.add(alices.guild.id, alices.alice.id, prepared.draft, "Moon (2009)")
    payload = review_post.payload_for(
        alices.parent,
        alices.alice.id,
        prepared.draft,
        "Moon (2009)",
        ["## Review of Moon"],
        "★★★★ Moon (2009)",
        await bot.services.discussions.settings(alices.guild.id),
    )
    payload["review_id"] = stored.id
    await bot.services.journal.begin(review_post.KIND, payload, key=f"review:{stored.id}")
    await bot.services.journal.resume_unfinished()
    [thread] = threads_named(emu, "Moon (2009)")
    assert (await reviews.get(stored.id)).thread_id == int(thread)
    assert await reviews.for_film(alices.guild.id, alices.film.id) == [await reviews.get(stored.id)]


async def test_a_review_discord_is_too_busy_to_post_is_posted_when_it_answers(
    emu, start_bot, settings
):
    clock = manual_clock()
    async with start_bot(settings, clock=clock) as bot:
        await add_film(bot, "Moon", 2009)
        talk = emu.world.channel_id("film-talk")
        emu.inject_error("POST", rf"/channels/{talk}/threads$", 503)  # a passing outage
        first = await emu.slash(
            "Alice", "review", where="film-talk", film="Moon", rating=4, text="Ok."
        )
        assert await first.text() == (
            "Discord is not answering (Discord answered 503: error 503). Your review is saved "
            "and will be posted as soon as it answers."
        )
        again = await emu.slash("Alice", "review", film="Moon", rating=2, text="Worse.")
        done = await emu.click("Alice", await again.reply(), label="Replace")
        assert "is not posted yet; edit it once it is up" in await done.text()
        clock.advance(timedelta(seconds=3))
        await bot.services.journal.resume_unfinished()
        assert await bot.services.journal.unfinished() == []
        [thread] = threads_named(emu, "Moon (2009)")
        (opener,) = emu.messages_in(thread)
        assert "Ok." in opener["content"] and "★★★★☆ 4/5" in opener["content"]
