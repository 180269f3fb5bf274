"""A full movie night: the poll of watchlist films, votes, a restart, the poll's end, the
scheduled event for the winner, the reminder, the discussion opening, and the end; plus bad
plans and polls or events deleted by hand."""

from __future__ import annotations

import contextlib
from datetime import UTC, datetime, timedelta

import discord

from bot.community.model import NightStatus
from bot.moderation.clock import ManualClock
from bot.sandbox.emulator.routes_events import remove_event, scheduled_events
from bot.sandbox.emulator.routes_polls import vote
from tests.e2e._discussions import NLMG, add_film


def start_clock() -> ManualClock:
    """The bot's clock, starting at the real time (Discord refuses events in the past)."""
    now = datetime.now(UTC).replace(second=0, microsecond=0)
    return ManualClock(now)


async def prepare_club(emu, bot) -> str:
    """Three films on the watchlist, a mod log, an opt-in reminder role; returns its id."""
    lobster = await add_film(bot, "The Lobster", 2015, ("Comedy",))
    moon = await add_film(bot, "Moon", 2009, ("Science Fiction",))
    for user, film in (("Alice", NLMG), ("Bob", f"#{lobster}"), ("Carol", f"#{moon}")):
        record = await emu.slash(user, "watchlist add", film=film)
        assert "to the watchlist" in await record.text()
    role = emu.world.role_id("Movie nights")
    settings = await emu.slash(
        "Olive", "community settings", reminder_role="Movie nights", reminder_minutes=30
    )
    assert "Saved." in await settings.text()
    guild = int(emu.world.guild["id"])
    log_channel = int(emu.world.channel_id("mod-log"))
    await bot.services.moderation.config.set_log_channel(guild, log_channel, 0)
    return role


def night_at(clock: ManualClock, days: int = 3) -> tuple[datetime, str]:
    moment = clock.now() + timedelta(days=days)
    return moment, moment.strftime("%Y-%m-%d %H:%M")


async def plan(emu, when: str) -> None:
    record = await emu.slash("Mona", "movienight plan", when=when, choices=2)
    assert "is planned for" in await record.text()


def poll_message(emu, channel: str = "general") -> dict:
    return next(m for m in emu.messages_in(channel) if m.get("poll"))


async def test_a_full_movie_night_survives_a_restart(emu, start_bot, settings):
    emu.world.add_role("Movie nights", discord.Permissions.none(), position=2)
    clock = start_clock()

    async with start_bot(settings, clock=clock) as bot:
        role = await prepare_club(emu, bot)
        starts_at, when = night_at(clock)
        record = await emu.slash("Mona", "movienight plan", when=when, choices=3)
        assert f"Movie night #1 is planned for <t:{int(starts_at.timestamp())}:F>" in (
            await record.text()
        )
        message = poll_message(emu)
        poll = message["poll"]
        assert poll["question"]["text"].startswith("Movie night on ")
        assert [a["poll_media"]["text"] for a in poll["answers"]] == [
            "Never Let Me Go (2010)",
            "The Lobster (2015)",
            "Moon (2009)",
        ]
        for user, answer in (("Alice", 2), ("Bob", 2), ("Carol", 1)):
            await vote(emu, user, message, answer)

    async with start_bot(settings, clock=clock) as bot:  # restarted before the poll ends
        night = (await bot.services.community.movie_nights.unfinished())[0]
        assert night.status is NightStatus.POLLING
        clock.set(night.poll_ends_at)
        await bot.services.expiry.wait_idle()
        (event,) = scheduled_events(emu).values()
        assert event["name"] == "Movie night: The Lobster (2015)"
        assert event["entity_type"] == 3 and event["entity_metadata"]["location"]
        assert event["scheduled_start_time"].startswith(starts_at.isoformat()[:16])
        assert "Genres: Comedy" in event["description"]
        assert poll_message(emu)["poll"]["results"]["is_finalized"]
        won = await emu.wait_for_message(
            "general", predicate=lambda m: "won the poll" in m["content"]
        )
        assert won["content"].startswith("**The Lobster (2015)** won the poll.")
        assert won["embeds"][0]["title"] == "The Lobster (2015)" and emu.pings(won) == set()

        clock.set(starts_at - timedelta(minutes=30))
        await bot.services.expiry.wait_idle()
        reminder = await emu.wait_for_message(
            "general", predicate=lambda m: m["content"].startswith(f"<@&{role}>")
        )
        assert emu.pings(reminder) == {f"role:{role}"}  # the opt-in role, nobody else

        clock.set(starts_at)
        await bot.services.expiry.wait_idle()
        assert event["status"] == 2
        night = await bot.services.community.movie_nights.get(night.id)
        assert night.status is NightStatus.STARTED and night.thread_id
        discussion = await bot.services.discussions.by_thread(night.thread_id)
        assert (
            discussion.spoiler_policy == "tagged-only"
            and discussion.film_label == "The Lobster (2015)"
        )

        clock.set(night.ends_at)
        await bot.services.expiry.wait_idle()
        assert event["status"] == 3
        assert (
            await bot.services.community.movie_nights.get(night.id)
        ).status is NightStatus.COMPLETED
        assert len(scheduled_events(emu)) == 1


async def test_bad_plans_are_refused_and_nothing_is_created(emu, bot):
    clock_now = datetime.now(UTC)
    record = await emu.slash("Mona", "movienight plan", when="2001-01-01 20:00")
    assert "needs at least 2" in await record.text()  # the watchlist is checked first
    await (await emu.slash("Alice", "watchlist add", film=NLMG)).reply()
    lobster = await add_film(bot, "The Lobster", 2015)
    await (await emu.slash("Bob", "watchlist add", film=f"#{lobster}")).reply()
    cases = [
        ("2001-01-01 20:00", "is in the past"),
        ("next friday", "I can't read `next friday` as a date and time"),
        ((clock_now + timedelta(minutes=30)).strftime("%Y-%m-%d %H:%M"), "at least 2 hours ahead"),
    ]
    for when, expected in cases:
        assert expected in await (await emu.slash("Mona", "movienight plan", when=when)).text()
    refused = await emu.slash("Alice", "movienight plan", when="2099-01-01 20:00")
    assert "takes a moderator or the server's planner role" in await refused.text()
    zone = await emu.slash("Olive", "community settings", timezone="Mars/Olympus")
    assert "Unknown time zone `Mars/Olympus`" in await zone.text()
    again = await emu.slash("Bob", "watchlist add", film=f"#{lobster}")
    assert "already on the watchlist (suggested by <@" in await again.text()
    assert emu.pings(await again.reply()) == set()
    assert await bot.services.community.movie_nights.unfinished() == []
    assert not [m for m in emu.messages_in("general") if m.get("poll")]
    assert scheduled_events(emu) == {}


@contextlib.asynccontextmanager
async def planned_night(emu, start_bot, settings):
    """The bot on a manual clock, the club prepared, and a night planned 3 days ahead."""
    emu.world.add_role("Movie nights", discord.Permissions.none(), position=2)
    clock = start_clock()
    async with start_bot(settings, clock=clock) as bot:
        await prepare_club(emu, bot)
        _, when = night_at(clock)
        await plan(emu, when)
        yield bot, clock


async def test_polls_and_events_deleted_by_hand_are_reported_once(emu, start_bot, settings):
    async with planned_night(emu, start_bot, settings) as (bot, clock):
        await emu.delete(poll_message(emu))  # an admin deletes the poll
        note = await emu.wait_for_message("mod-log", predicate=lambda m: "poll" in m["content"])
        assert (
            note["content"] == "Movie night #1: its poll was deleted by hand, so it is cancelled."
        )
        night = await bot.services.community.movie_nights.get(1)
        assert night.status is NightStatus.CANCELLED
        clock.advance(timedelta(days=4))
        await bot.services.expiry.wait_idle()
        assert scheduled_events(emu) == {}

        starts_at, when = night_at(clock)
        await plan(emu, when)
        second = (await bot.services.community.movie_nights.unfinished())[0]
        clock.set(second.poll_ends_at)
        await bot.services.expiry.wait_idle()
        (event_id,) = scheduled_events(emu)
        await remove_event(emu, event_id)
        gone = await emu.wait_for_message("mod-log", predicate=lambda m: "event" in m["content"])
        assert gone["content"].startswith(f"Movie night #{second.id}: its event was deleted")
        clock.set(starts_at)
        await bot.services.expiry.wait_idle()
        logged = [m for m in emu.messages_in("mod-log") if "deleted by hand" in m["content"]]
        assert len(logged) == 2


async def test_cancel_and_reschedule_keep_the_event_in_step(emu, start_bot, settings):
    async with planned_night(emu, start_bot, settings) as (bot, clock):
        night = (await bot.services.community.movie_nights.unfinished())[0]
        clock.set(night.poll_ends_at)
        await bot.services.expiry.wait_idle()
        later, later_text = night_at(clock, days=5)
        moved = await emu.slash("Mona", "movienight reschedule", when=later_text)
        assert "moved to" in await moved.text()
        (event,) = scheduled_events(emu).values()
        assert event["scheduled_start_time"].startswith(later.isoformat()[:16])
        cancelled = await emu.slash("Mona", "movienight cancel")
        assert "is cancelled" in await cancelled.text()
        assert event["status"] == 4
        clock.set(later)
        await bot.services.expiry.wait_idle()
        assert event["status"] == 4
        assert (
            await bot.services.community.movie_nights.get(night.id)
        ).status is NightStatus.CANCELLED
