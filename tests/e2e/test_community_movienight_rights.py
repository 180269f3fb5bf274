"""A movie night has the bot create, move and cancel a Discord event for the planner: each
takes the event permission Discord would ask of the planner by hand (Create Events for their
own night, Manage Events for anyone's), and the bot's own. A refusal changes nothing."""

from __future__ import annotations

import asyncio

import discord
import pytest

from bot.community.model import NightStatus
from bot.errors import NotFound
from bot.sandbox.emulator.routes_events import scheduled_events
from tests.e2e.test_community_movienight import night_at, prepare_club, start_clock

PLANNERS = "Planners"


def club_with_planners(emu, events: discord.Permissions) -> None:
    """A planner role holding `events`, given to Alice and Bob (ordinary members)."""
    emu.world.add_role("Movie nights", discord.Permissions.none(), position=2)
    emu.world.add_role(PLANNERS, events, position=3)
    for name in ("Alice", "Bob"):
        emu.world.members[emu.world.user_id(name)]["roles"].append(emu.world.role_id(PLANNERS))


async def ready_club(emu, bot) -> None:
    await prepare_club(emu, bot)
    record = await emu.slash("Olive", "community settings", planner_role=PLANNERS)
    assert "Saved." in await record.text()


async def assert_plan_refused(start_bot, settings, emu, prepare, user: str, said: str) -> None:
    """A bot on a manual clock, the club made ready by `prepare(emu, bot)`: `user` planning
    a night is refused with `said`, and nothing exists (no night row, no poll, no event)."""
    clock = start_clock()
    async with start_bot(settings, clock=clock) as bot:
        await prepare(emu, bot)
        record = await emu.slash(user, "movienight plan", when=night_at(clock)[1], choices=2)
        assert await record.text() == said
        with pytest.raises(NotFound):
            await bot.services.community.movie_nights.get(1)
    assert not [m for m in emu.messages_in("general") if m.get("poll")]
    assert scheduled_events(emu) == {}


async def plan_until_its_event(emu, bot, clock, planner: str):
    """Plan night #1 and run the clock to its poll's end: (the night, its event, its start)."""
    record = await emu.slash(planner, "movienight plan", when=night_at(clock)[1], choices=2)
    assert "Movie night #1 is planned for" in await record.text()
    night = await bot.services.community.movie_nights.get(1)
    clock.set(night.poll_ends_at)
    await bot.services.expiry.wait_idle()
    (event,) = scheduled_events(emu).values()
    return night, event, event["scheduled_start_time"]


async def test_a_planner_without_create_events_is_refused_and_nothing_exists(
    emu, start_bot, settings
):
    club_with_planners(emu, discord.Permissions.none())
    await assert_plan_refused(
        start_bot,
        settings,
        emu,
        ready_club,
        "Alice",
        "Planning a movie night has me create a Discord event for you, so it takes the "
        "**Create Events** permission (or Manage Events). Nothing was planned.",
    )


async def test_create_events_plans_and_changes_ones_own_night_not_anothers(
    emu, start_bot, settings
):
    club_with_planners(emu, discord.Permissions(create_events=True))
    clock = start_clock()
    async with start_bot(settings, clock=clock) as bot:
        await ready_club(emu, bot)
        night, event, start = await plan_until_its_event(emu, bot, clock, "Alice")

        later, later_text = night_at(clock, days=5)
        refused = await emu.slash("Bob", "movienight reschedule", when=later_text)
        assert await refused.text() == (
            "You cannot move movie night #1: someone else planned it, and changing their "
            "Discord event takes the **Manage Events** permission. Nothing was changed."
        )
        refused = await emu.slash("Bob", "movienight cancel")
        assert "You cannot cancel movie night #1" in await refused.text()
        assert event["scheduled_start_time"] == start and event["status"] == 1
        assert (await bot.services.community.movie_nights.get(1)).starts_at == night.starts_at

        moved = await emu.slash("Alice", "movienight reschedule", when=later_text)
        assert "moved to" in await moved.text()
        assert event["scheduled_start_time"].startswith(later.isoformat()[:16])
        cancelled = await emu.slash("Mona", "movienight cancel")  # a moderator: Manage Events
        assert "is cancelled" in await cancelled.text()
        assert event["status"] == 4
        assert (await bot.services.community.movie_nights.get(1)).status is NightStatus.CANCELLED


def take_event_permissions_from_the_bot(emu) -> dict:
    """The bot's role without Manage Events or Create Events (on Discord's side); its payload."""
    role = emu.world.roles[emu.world.role_id("FilmBot")]
    kept = discord.Permissions(int(role["permissions"]))
    kept.update(manage_events=False, create_events=False)
    role["permissions"] = str(kept.value)
    return role


async def test_a_bot_without_event_permissions_refuses_to_plan(emu, start_bot, settings):
    emu.world.add_role("Movie nights", discord.Permissions.none(), position=2)
    take_event_permissions_from_the_bot(emu)
    await assert_plan_refused(
        start_bot,
        settings,
        emu,
        prepare_club,
        "Mona",
        "I need the **Manage Events** (or Create Events) permission to schedule movie "
        "nights. Nothing was changed.",
    )


async def test_a_bot_that_lost_event_permissions_refuses_to_move_the_event(
    emu, start_bot, settings
):
    emu.world.add_role("Movie nights", discord.Permissions.none(), position=2)
    clock = start_clock()
    async with start_bot(settings, clock=clock) as bot:
        await prepare_club(emu, bot)
        night, event, start = await plan_until_its_event(emu, bot, clock, "Mona")

        role = take_event_permissions_from_the_bot(emu)
        updated = asyncio.ensure_future(bot.wait_for("guild_role_update"))
        await emu.gateway.dispatch(
            "GUILD_ROLE_UPDATE", {"guild_id": emu.world.guild["id"], "role": role}
        )
        await updated
        for command, options in (("reschedule", {"when": night_at(clock, 5)[1]}), ("cancel", {})):
            refused = await emu.slash("Mona", f"movienight {command}", **options)
            assert await refused.text() == (
                "I need the **Manage Events** (or Create Events) permission to schedule movie "
                "nights. Nothing was changed."
            )
        assert event["scheduled_start_time"] == start and event["status"] == 1
        stored = await bot.services.community.movie_nights.get(1)
        assert stored.starts_at == night.starts_at and stored.status is NightStatus.SCHEDULED
