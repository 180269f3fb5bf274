"""/movienight plan is a journal intent (`movie-night-plan`): stopped at every step (an
injected crash point) and finished by the next start, the channel has exactly one poll, the
night has its id, and the night goes on to one scheduled event when the poll closes."""

from __future__ import annotations

from datetime import timedelta

import discord
import pytest

from bot.community.model import NightStatus
from bot.journal import CrashPoints, SimulatedCrash
from bot.moderation.clock import ManualClock
from bot.sandbox.emulator.recorder import Fault
from bot.sandbox.emulator.routes_events import scheduled_events
from bot.sandbox.emulator.server import DROPPED
from cogs.community.night_actions import NightWinner
from cogs.community.night_plan import NightPlan, plan_night
from tests.e2e.test_community_movienight import night_at, prepare_club, start_clock

POINTS = [
    *(f"movie-night-plan:{s.name}:{w}" for s in NightPlan.steps for w in ("before", "after")),
    "movie-night-plan:poll:sent",  # the poll posted, its id not yet stored
]


async def plan_until(bot, emu, clock: ManualClock, point: str) -> None:
    """Mona plans a night of two watchlist films in #general, stopped at `point` ("none":
    not stopped)."""
    svc = bot.services
    await prepare_club(emu, bot)
    guild = int(emu.world.guild["id"])
    settings = await svc.community.settings.get(guild)
    watchlist = await svc.community.watchlist.entries(guild)
    starts_at, hours, films = svc.community.movie_nights.choose(
        settings, night_at(clock)[1], watchlist, 2
    )
    channel, mona = int(emu.world.channel_id("general")), int(emu.world.user_id("Mona"))
    if point == "none":
        await plan_night(svc, settings, channel, starts_at, hours, films, mona)
        return
    svc.journal.crash.arm(point)  # the crash points this bot was started with
    with pytest.raises(SimulatedCrash):
        await plan_night(svc, settings, channel, starts_at, hours, films, mona)


def club_clock(emu) -> ManualClock:
    """The club's reminder role added, and the bot's clock."""
    emu.world.add_role("Movie nights", discord.Permissions.none(), position=2)
    return start_clock()


async def resume_all(bot) -> None:
    """What the bot does at start-up, awaited: nothing is left unfinished."""
    await bot.services.journal.resume_unfinished()
    assert await bot.services.journal.unfinished() == []


def polls_in(emu, channel: str = "general") -> list[dict]:
    return [m for m in emu.messages_in(channel) if m.get("poll")]


@pytest.mark.parametrize("point", POINTS)
async def test_a_plan_stopped_at_any_step_ends_with_one_poll_stored(
    emu, start_bot, settings, point
):
    clock = club_clock(emu)
    async with start_bot(settings, clock=clock, crash=CrashPoints()) as bot:
        await plan_until(bot, emu, clock, point)
    async with start_bot(settings, clock=clock) as bot:
        nights = bot.services.community.movie_nights
        await resume_all(bot)
        (night,) = await nights.unfinished()
        (poll,) = polls_in(emu)
        assert night.status is NightStatus.POLLING and night.poll_message_id == int(poll["id"])
        assert poll["poll"]["question"]["text"].startswith("Movie night on ")
        clock.set(night.poll_ends_at)
        await bot.services.expiry.wait_idle()
        assert len(scheduled_events(emu)) == 1
        assert (await nights.get(night.id)).status is NightStatus.SCHEDULED


async def poll_lost(emu, start_bot, settings, history_status: int) -> tuple[ManualClock, Fault]:
    """A plan stopped after its poll was posted, before its id was stored; the next read of
    #general's history is answered with `history_status` (DROPPED: its connection closed,
    twice, as aiohttp tries a GET again once on its own)."""
    clock = club_clock(emu)
    async with start_bot(settings, clock=clock, crash=CrashPoints()) as bot:
        await plan_until(bot, emu, clock, "movie-night-plan:poll:sent")
    channel = emu.world.channel_id("general")
    times = 2 if history_status == DROPPED else 1
    path = rf"/channels/{channel}/messages$"
    return clock, emu.inject_error("GET", path, history_status, times=times)


async def test_an_unreadable_channel_gets_the_poll_posted_once_more(emu, start_bot, settings):
    clock, unreadable = await poll_lost(emu, start_bot, settings, 403)
    async with start_bot(settings, clock=clock) as bot:
        await bot.services.journal.resume_unfinished()
        assert unreadable.remaining == 0  # the bot looked, and was refused
        assert await bot.services.journal.unfinished() == []
        _, posted = polls_in(emu)  # the first poll, lost, and this one
        (night,) = await bot.services.community.movie_nights.unfinished()
        assert night.poll_message_id == int(posted["id"])


async def plan_meeting(emu, bot, clock: ManualClock, status: int, **options) -> tuple[str, Fault]:
    """Mona plans a night of two films while the sends to #general are answered with
    `status`: what she is told, and the fault."""
    await prepare_club(emu, bot)
    channel = emu.world.channel_id("general")
    fault = emu.inject_error("POST", rf"/channels/{channel}/messages$", status, **options)
    record = await emu.slash("Mona", "movienight plan", when=night_at(clock)[1], choices=2)
    return await record.text(), fault


async def test_a_poll_refused_for_good_cancels_the_night(emu, start_bot, settings):
    clock = club_clock(emu)
    async with start_bot(settings, clock=clock) as bot:
        text, refused = await plan_meeting(emu, bot, clock, 403, code=50013)
        assert refused.remaining == 0
        assert text.startswith("Discord refused to post the movie night poll (403: Missing")
        assert polls_in(emu) == [] and await bot.services.community.movie_nights.unfinished() == []
        assert (await bot.services.community.movie_nights.get(1)).status is NightStatus.CANCELLED


async def test_a_busy_discord_posts_the_poll_on_the_retry(emu, start_bot, settings):
    clock = club_clock(emu)
    async with start_bot(settings, clock=clock) as bot:
        text, busy = await plan_meeting(emu, bot, clock, 503, times=8)
        assert "is planned for" in text and "once Discord answers" in text
        assert polls_in(emu) == []
        busy.remaining = 0
        clock.advance(timedelta(minutes=1))
        await bot.services.journal.resume_unfinished()
        (poll,) = polls_in(emu)
        (night,) = await bot.services.community.movie_nights.unfinished()
        assert night.poll_message_id == int(poll["id"])


WINNER_POINTS = [
    *(f"movie-night-winner:{s.name}:{w}" for s in NightWinner.steps for w in ("before", "after")),
    "movie-night-winner:event:created",  # the event created, its id not yet stored
    "movie-night-winner:announce:sent",  # the announcement posted, its id not yet saved
]


@pytest.mark.parametrize("point", WINNER_POINTS)
async def test_a_winner_stopped_at_any_step_ends_with_one_event_and_one_announcement(
    emu, start_bot, settings, point
):
    clock = club_clock(emu)
    async with start_bot(settings, clock=clock, crash=CrashPoints()) as bot:
        await plan_until(bot, emu, clock, "none")
        nights = bot.services.community.movie_nights
        (night,) = await nights.unfinished()
        bot.services.journal.crash.arm(point)
        emu.gateway.hold_events()  # as for a dead process: the poll's end never reaches it
        with pytest.raises(SimulatedCrash):
            await nights.poll_ended(night)  # as when Discord ends the poll
    async with start_bot(settings, clock=clock) as bot:
        nights = bot.services.community.movie_nights
        await resume_all(bot)
        clock.set(night.poll_ends_at)
        await bot.services.expiry.wait_idle()
        (event_id,) = scheduled_events(emu)
        night = await nights.get(night.id)
        assert night.status is NightStatus.SCHEDULED and night.event_id == int(event_id)
        (won,) = [m for m in emu.messages_in("general") if "won the poll" in m["content"]]
        assert won["content"].endswith(f"/{event_id}")


@pytest.mark.parametrize(
    ("history_status", "said"), [(503, "503"), (DROPPED, "could not reach Discord")]
)
async def test_a_busy_history_read_is_retried_and_the_lost_poll_adopted(
    emu, start_bot, settings, history_status, said
):
    clock, busy = await poll_lost(emu, start_bot, settings, history_status)
    async with start_bot(settings, clock=clock) as bot:
        await bot.services.journal.resume_unfinished()
        assert busy.remaining == 0  # the bot looked, and Discord was busy or not there
        (waiting,) = await bot.services.journal.unfinished()
        assert waiting.kind == "movie-night-plan"
        assert said in (waiting.last_error or "")
        clock.advance(timedelta(minutes=1))
        await resume_all(bot)
        (poll,) = polls_in(emu)  # the lost poll adopted, none posted again
        (night,) = await bot.services.community.movie_nights.unfinished()
        assert night.poll_message_id == int(poll["id"])
