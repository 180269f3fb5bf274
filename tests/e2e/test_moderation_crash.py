"""Journaled member actions stopped at every step (an injected crash point) and completed by the
next start: one case, the right expiry, one DM, one log line, the action applied on Discord
(issue 12, D6 and "What must be true" 2). tests/e2e/test_moderation_kill.py kills a real
process at the worst points."""

from __future__ import annotations

import contextlib
from datetime import timedelta

import pytest

from bot.journal import CrashPoints, SimulatedCrash, Status
from bot.moderation.journaled import ApplyLadderStep, ChannelAction, DiscordFirst, RecordFirst
from bot.moderation.model import CaseType, DmStatus
from bot.moderation.requests import ActionRequest
from cogs._checks import guild_facts_for, person
from tests.e2e._moderation import (
    all_cases,
    cases_of,
    guild_id,
    log_entries,
    make_thread,
    manual_clock,
    use_log_channel,
    wait_for_log,
)


def points(kind: str, handler) -> list[str]:
    return [f"{kind}:{step.name}:{when}" for step in handler.steps for when in ("before", "after")]


DISCORD_FIRST_POINTS = points("mod-discord-first", DiscordFirst)
RECORD_FIRST_POINTS = points("mod-record-first", RecordFirst)
LADDER_POINTS = points("mod-ladder", ApplyLadderStep)


async def act(bot, emu, action: str, target: str, **details):
    """What /mod does after its checks, as Mona: the core's act() with the real Discord side."""
    guild = bot.get_guild(guild_id(emu))
    member = guild.get_member(int(emu.world.user_id(target)))
    mona = guild.get_member(int(emu.world.user_id("Mona")))
    request = ActionRequest(
        action=action, target=person(member), reason="Raid", moderator=person(mona), **details
    )
    return await bot.services.moderation.act(guild_facts_for(guild), request)


@contextlib.asynccontextmanager
async def crash_then_restart(
    emu, start_bot, settings, clock, point, action, target, warned_before=0, **details
):
    """Run `action` until crash point `point`, stop the bot, start it again, resume; yields
    the restarted bot. `warned_before` warnings are given first (not stopped)."""
    crash = CrashPoints()
    async with start_bot(settings, clock=clock, crash=crash) as bot:
        await use_log_channel(bot, emu)
        for _ in range(warned_before):
            await act(bot, emu, "warn", target)
        crash.arm(point)
        with pytest.raises(SimulatedCrash):
            await act(bot, emu, action, target, **details)
    async with start_bot(settings, clock=clock) as bot:
        await bot.services.journal.resume_unfinished()  # on_ready runs it too; one run at a time
        yield bot


@pytest.mark.parametrize("point", DISCORD_FIRST_POINTS)
async def test_a_tempban_stopped_at_any_step_gets_its_case_and_still_ends(
    emu, start_bot, settings, point
):
    clock = manual_clock()
    async with crash_then_restart(
        emu, start_bot, settings, clock, point, "tempban", "Bob", duration=timedelta(days=1)
    ) as bot:
        bob = emu.world.user_id("Bob")
        [case] = await cases_of(bot, emu, "Bob")
        assert case.type == CaseType.TEMPBAN and case.active
        assert case.expires_at == case.created_at + timedelta(days=1)  # timed from the intent
        assert bob in emu.world.bans and len(emu.dms("Bob")) == 1
        assert [e for e in log_entries(emu) if "Case #1" in e][0].startswith(
            "**Case #1 · Temporary ban** for 1 day"
        )
        assert len([e for e in log_entries(emu) if "Case #1" in e]) == 1
        [intent] = await _intents(bot)
        assert intent.status == Status.DONE
        assert bot.services.expiry.next_expiry == case.expires_at
        clock.advance(timedelta(days=1))  # D6: the ban is not permanent
        await bot.services.expiry.wait_idle()
        assert bob not in emu.world.bans


@pytest.mark.parametrize("point", RECORD_FIRST_POINTS)
async def test_a_warn_stopped_at_any_step_is_recorded_once_and_sent_at_most_once(
    emu, start_bot, settings, point
):
    clock = manual_clock()
    async with crash_then_restart(emu, start_bot, settings, clock, point, "warn", "Bob") as bot:
        [case] = await cases_of(bot, emu, "Bob")
        assert case.type == CaseType.WARN
        assert len(emu.dms("Bob")) == 1
        interrupted = point == "mod-record-first:dm:after"  # sent, then killed: not repeated
        expected = DmStatus.UNKNOWN if interrupted else DmStatus.SENT
        assert case.dm_status == expected
        assert len([e for e in log_entries(emu) if "Case #1 · Warning" in e]) == 1
        intents = await _intents(bot)
        assert [i.kind for i in intents] == ["mod-record-first", "mod-ladder"]
        assert all(i.status == Status.DONE for i in intents)
        assert intents[1].results == {"case": None}  # one warning fires no ladder step


@pytest.mark.parametrize("point", LADDER_POINTS)
async def test_a_ladder_timeout_stopped_at_any_step_is_applied_once(
    emu, start_bot, settings, point
):
    clock = manual_clock()
    async with crash_then_restart(
        emu, start_bot, settings, clock, point, "warn", "Bob", warned_before=2
    ) as bot:
        cases = await cases_of(bot, emu, "Bob")
        assert [case.type for case in cases] == [CaseType.WARN] * 3 + [CaseType.AUTO_TIMEOUT]
        assert cases[3].cites == (1, 2, 3) and not cases[3].voided
        bob = emu.world.user_id("Bob")
        assert emu.world.members[bob]["communication_disabled_until"]
        timeout_dms = [d for d in emu.dms("Bob") if "timed out" in d["content"]]
        assert len(emu.dms("Bob")) == 4 and len(timeout_dms) == 1
        assert all(i.status == Status.DONE for i in await _intents(bot))
        assert bot.services.expiry.next_expiry == cases[3].expires_at


@pytest.mark.parametrize(
    ("action", "details", "check"),
    [
        ("kick", {}, lambda emu, bob: bob not in emu.world.members),
        (
            "timeout",
            {"duration": timedelta(hours=1)},
            lambda emu, bob: emu.world.members[bob]["communication_disabled_until"],
        ),
    ],
)
async def test_a_kick_or_timeout_done_on_discord_before_the_crash_is_not_an_error(
    emu, start_bot, settings, action, details, check
):
    clock = manual_clock()
    point = "mod-discord-first:discord:after"  # Discord did it; the mark was never written
    async with crash_then_restart(
        emu, start_bot, settings, clock, point, action, "Bob", **details
    ) as bot:
        [case] = await cases_of(bot, emu, "Bob")
        assert case.type == CaseType(action)
        assert check(emu, emu.world.user_id("Bob"))
        [intent] = await _intents(bot)
        assert intent.status == Status.DONE


async def _intents(bot):
    journal = bot.services.journal
    async with bot.services.conn.execute(
        "SELECT id FROM journal_intents WHERE kind LIKE 'mod-%' ORDER BY id"
    ) as cursor:
        ids = [row[0] for row in await cursor.fetchall()]
    return [await journal.get(intent_id) for intent_id in ids]


async def test_a_ban_discord_does_not_answer_is_retried_then_done(emu, start_bot, settings):
    clock = manual_clock()
    async with start_bot(settings, clock=clock) as bot:
        await use_log_channel(bot, emu)
        emu.inject_error("PUT", r"/guilds/\d+/bans/\d+$", 503, times=2)
        record = await emu.slash("Mona", "mod ban", member="Bob", reason="Raid")
        prompt = await record.reply()
        await emu.click("Mona", prompt, label="Ban")
        answer = await _answer_replacing(emu, prompt)
        assert answer.startswith("Discord is not answering (Discord answered 503")
        assert "The ban is recorded and will be retried" in answer
        [intent] = await _intents(bot)
        assert intent.status == Status.PENDING and intent.attempts == 1
        clock.advance(timedelta(seconds=2))
        [again] = await bot.services.journal.resume_unfinished()
        assert again.attempts == 2 and again.next_attempt_at > clock.now()
        clock.advance(timedelta(seconds=4))
        await bot.services.journal.resume_unfinished()
        [case] = await cases_of(bot, emu, "Bob")
        assert case.type == CaseType.BAN and emu.world.user_id("Bob") in emu.world.bans
        assert len(emu.dms("Bob")) == 1  # the DM before the ban went once
        assert len([e for e in log_entries(emu) if "Case #1 · Ban" in e]) == 1


async def test_a_ban_that_keeps_failing_is_reported_in_the_mod_log(emu, start_bot, settings):
    clock = manual_clock()
    async with start_bot(settings, clock=clock) as bot:
        await use_log_channel(bot, emu)
        emu.inject_error("PUT", r"/guilds/\d+/bans/\d+$", 503, times=50)
        request_done = act(bot, emu, "ban", "Bob")
        with pytest.raises(Exception, match="Discord is not answering"):
            await request_done
        for _ in range(10):
            [intent] = await _intents(bot)
            if intent.finished:
                break
            clock.set(intent.next_attempt_at)
            await bot.services.journal.resume_unfinished()
        assert intent.status == Status.FAILED
        assert len(emu.recorder.find("PUT", r"/guilds/\d+/bans/\d+$")) == 6  # RetryPolicy's 6 tries
        entry = await wait_for_log(emu, "**Not carried out**")
        bob = emu.world.user_id("Bob")
        assert f"The ban of Bob (`{bob}`) failed: Discord answered 503" in entry
        assert emu.world.bans == {} and await cases_of(bot, emu, "Bob") == []


async def _answer_replacing(emu, prompt) -> str:
    """The text that replaced a confirmation prompt once it was answered."""
    await emu.recorder.wait_until(lambda: emu.world.find_message(prompt["id"])["components"] == [])
    return emu.world.find_message(prompt["id"])["content"]


@pytest.mark.parametrize("point", points("mod-channel", ChannelAction))
async def test_a_lock_stopped_at_any_step_is_locked_and_recorded_once(
    emu, start_bot, settings, point
):
    crash = CrashPoints()
    async with start_bot(settings, crash=crash) as bot:
        await use_log_channel(bot, emu)
        thread = await make_thread(bot, emu, discussion=False)
        crash.arm(point)
        with pytest.raises(SimulatedCrash):
            await lock(bot, emu, int(thread))
    async with start_bot(settings) as bot:
        await bot.services.journal.resume_unfinished()
        assert emu.world.channels[thread]["thread_metadata"]["locked"] is True
        [(number, kind, _)] = await all_cases(bot)
        assert (number, kind) == (1, "lock")
        assert len([e for e in log_entries(emu) if "Case #1 · Thread locked" in e]) == 1
        assert all(i.status == Status.DONE for i in await _intents(bot))


async def lock(bot, emu, thread_id: int):
    guild = bot.get_guild(guild_id(emu))
    mona = guild.get_member(int(emu.world.user_id("Mona")))
    return await bot.services.moderation.set_thread_locked(
        guild_facts_for(guild), thread_id=thread_id, locked=True, moderator=person(mona),
        reason="Heated",
    )  # fmt: skip


async def test_an_action_left_unfinished_is_completed_after_a_new_gateway_session(
    emu, start_bot, settings
):
    crash = CrashPoints()
    async with start_bot(settings, crash=crash) as bot:
        await use_log_channel(bot, emu)
        crash.arm("mod-discord-first:case:before")
        with pytest.raises(SimulatedCrash):
            await act(bot, emu, "tempban", "Bob", duration=timedelta(days=1))
        crash.arm()
        assert emu.world.user_id("Bob") in emu.world.bans and log_entries(emu) == []
        emu.gateway.session_id = "expired"  # the RESUME is refused: a new session, a new READY
        await emu.drop_gateway()
        entry = await wait_for_log(emu, "Case #1 · Temporary ban")
        assert "for 1 day" in entry and emu.gateway.identifies == 2
        [case] = await cases_of(bot, emu, "Bob")
        assert case.active and case.expires_at == case.created_at + timedelta(days=1)
