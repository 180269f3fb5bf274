"""/mod purge stopped at every step (an injected crash point) and finished by the next start:
every planned message deleted, one case naming the member, one log line (issue 12)."""

from __future__ import annotations

import pytest

from bot.journal import CrashPoints, SimulatedCrash, Status
from bot.moderation.journaled import PurgeAction
from bot.moderation.model import CaseType
from bot.moderation.purge import plan_purge
from cogs._checks import guild_facts_for, person
from tests.e2e._moderation import all_cases, guild_id, log_entries, use_log_channel, user_id

STEP_POINTS = [f"mod-purge:{s.name}:{w}" for s in PurgeAction.steps for w in ("before", "after")]


async def purge(bot, emu, messages: list[dict]):
    """What /mod purge does once Mona confirms: plan the ids, then the journaled purge of Bob's."""
    guild = bot.get_guild(guild_id(emu))
    mona = guild.get_member(user_id(emu, "Mona"))
    bob = guild.get_member(user_id(emu, "Bob"))
    plan = plan_purge([int(m["id"]) for m in messages], bot.services.clock.now())
    return await bot.services.moderation.purge(
        guild_facts_for(guild), plan, channel_id=int(emu.world.channel_id("general")),
        moderator=person(mona), reason="Spoilers", member=person(bob),
    )  # fmt: skip


async def crash_then_resume(emu, start_bot, settings, point: str, count: int):
    """Bob posts `count` messages, Alice one; the purge of Bob's stops at `point`; a new start
    resumes it. Returns the restarted bot's cases, Bob's message ids and Alice's message id."""
    crash = CrashPoints()
    async with start_bot(settings, crash=crash) as bot:
        await use_log_channel(bot, emu)
        bobs = [await emu.post("Bob", "general", f"spoiler {i}") for i in range(count)]
        alice = await emu.post("Alice", "general", "please stop")
        crash.arm(point)
        with pytest.raises(SimulatedCrash):
            await purge(bot, emu, bobs)
    async with start_bot(settings) as bot:
        await bot.services.journal.resume_unfinished()
        intents = await bot.services.journal.unfinished()
        assert intents == []
        case = await bot.services.moderation.case(guild_id(emu), 1)
        return await all_cases(bot), case, {m["id"] for m in bobs}, alice["id"]


@pytest.mark.parametrize("point", STEP_POINTS)
async def test_a_purge_stopped_at_any_step_is_finished_with_one_case(
    emu, start_bot, settings, point
):
    cases, case, bobs, alice = await crash_then_resume(emu, start_bot, settings, point, 3)
    assert set(emu.store.deleted) == bobs
    assert alice in {m["id"] for m in emu.messages_in("general")}
    assert [(n, kind) for n, kind, _ in cases] == [(1, "purge")]
    assert case.type == CaseType.PURGE and case.member_id == user_id(emu, "Bob")
    assert len([e for e in log_entries(emu) if "Case #1 · Purge" in e]) == 1


async def test_a_purge_stopped_between_batches_deletes_the_rest_once(emu, start_bot, settings):
    cases, _, bobs, alice = await crash_then_resume(
        emu, start_bot, settings, "mod-purge:delete:batch-1", 102
    )
    assert set(emu.store.deleted) == bobs and len(bobs) == 102
    assert [m["id"] for m in emu.messages_in("general")] == [alice]
    bulk = emu.recorder.find("POST", r"/channels/\d+/messages/bulk-delete$")
    assert len(bulk) == 2  # the first batch of 100 is not sent again after the restart
    assert [(n, kind) for n, kind, _ in cases] == [(1, "purge")]
    assert len([e for e in log_entries(emu) if "Case #1 · Purge" in e]) == 1


async def test_a_purge_is_one_finished_intent_with_what_it_deleted(emu, bot):
    await use_log_channel(bot, emu)
    bobs = [await emu.post("Bob", "general", f"spoiler {i}") for i in range(2)]
    case = await purge(bot, emu, bobs)
    found = await bot.services.moderation.case_for_intent(1)
    assert found is not None and found.number == case.number == 1
    intent = await bot.services.journal.get(1)
    assert intent.kind == "mod-purge" and intent.status == Status.DONE
    assert intent.result("delete") == {"deleted": 2, "skipped": 0}
