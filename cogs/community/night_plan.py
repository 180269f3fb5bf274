"""Planning a movie night as a journal intent (`movie-night-plan`, docs/journal.md): the
intent is written first, with the plan and its poll in the payload, then its steps: `store`
(the night's row) and `poll` (the native poll posted, its message id stored on the night). A
crash part-way is finished at the next start.

Idempotent: `store` finds the same plan stored before with no poll yet instead of writing a
second night; `poll` saves `posting` in the state before the send, and a step run again
after it looks among the channel's newest messages for the bot's poll with the night's
question (one no night has stored yet) and adopts it instead of posting a second poll. A poll
Discord refuses for good cancels the night (`undone`).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

import discord

from bot.app import FilmBot
from bot.community.model import CommunitySettings, MovieNight, NightStatus, WatchlistEntry
from bot.community.movienight import StoredPlan, poll_spec
from bot.errors import UserFacingError
from bot.journal import Finished, Handler, Intent, Step, StepContext
from bot.services import Services
from cogs._own_messages import by_user, find_own
from cogs.community.thread_parts import retry_passing

KIND = "movie-night-plan"


async def plan_night(
    svc: Services,
    settings: CommunitySettings,
    channel_id: int,
    starts_at: datetime,
    hours: int,
    films: Sequence[WatchlistEntry],
    by: int,
) -> Intent:
    """Write the intent and carry it out; a poll Discord refuses for good is told as a
    UserFacingError (the night cancelled), passing trouble leaves the intent pending (no
    `poll` result yet: the journal's retry loop posts it)."""
    closes, reminder = svc.community.movie_nights.plan_times(settings, starts_at, hours)
    spec = poll_spec(
        starts_at.astimezone(settings.zone), settings.timezone, [f.film_label for f in films], hours
    )
    payload: dict[str, Any] = {
        "guild_id": settings.guild_id,
        "channel_id": channel_id,
        "starts_at": starts_at.isoformat(),
        "choices": [f.film_id for f in films],
        "by": by,
        "poll_ends_at": closes.isoformat(),
        "reminder_at": reminder.isoformat() if reminder else None,
        "question": spec.question,
        "answers": list(spec.answers),
        "hours": spec.hours,
    }
    try:
        return await svc.journal.perform(KIND, payload)
    except discord.HTTPException as error:  # undone: the night is cancelled
        raise UserFacingError(
            f"Discord refused to post the movie night poll ({error.status}: {error.text}). "
            "The night is not planned; try again in a moment."
        ) from None


def planned(intent: Intent) -> tuple[int, int | None]:
    """The night an intent stored, and its poll's message id (None while still to post)."""
    poll = intent.results.get("poll") or {}
    return intent.results["store"]["night_id"], poll.get("message_id")


class NightPlan(Handler):
    """Store the night, then post its poll and store the poll's id."""

    steps = (Step("store"), Step("poll"))

    def __init__(self, bot: FilmBot) -> None:
        self.bot = bot
        self.nights = bot.services.community.movie_nights

    def describe(self, intent: Intent) -> str:
        return f"The movie night poll for {intent.payload['starts_at']}"

    async def step_store(self, ctx: StepContext) -> dict[str, int]:
        p = ctx.payload
        plan = StoredPlan(
            p["guild_id"],
            p["channel_id"],
            datetime.fromisoformat(p["starts_at"]),
            tuple(p["choices"]),
            p["by"],
        )
        reminder = datetime.fromisoformat(p["reminder_at"]) if p["reminder_at"] else None
        night = await self.nights.store_plan(
            plan, datetime.fromisoformat(p["poll_ends_at"]), reminder
        )
        return {"night_id": night.id}

    @retry_passing
    async def step_poll(self, ctx: StepContext) -> dict[str, int]:
        night = await self.nights.get(ctx.intent.results["store"]["night_id"])
        if night.poll_message_id is not None:  # stored before a crash
            return {"message_id": night.poll_message_id}
        if night.status is not NightStatus.POLLING:  # cancelled meanwhile
            raise Finished({"message_id": None})
        found = await self._find(night, ctx.payload["question"]) if ctx.state else None
        if found is None:
            await ctx.save(posting=True)  # on disk before the send
            found = await self._send(night, ctx)
        await self.nights.poll_posted(night, found)
        return {"message_id": found}

    async def _send(self, night: MovieNight, ctx: StepContext) -> int:
        p = ctx.payload
        poll = discord.Poll(question=p["question"], duration=timedelta(hours=p["hours"]))
        for answer in p["answers"]:
            poll.add_answer(text=answer)
        channel = self.bot.get_partial_messageable(night.channel_id, guild_id=night.guild_id)
        message = await channel.send(poll=poll)
        ctx.reach("sent")  # posted, its id not yet stored
        return message.id

    async def _find(self, night: MovieNight, question: str) -> int | None:
        """The bot's poll with this question among the channel's newest messages, if no night
        has it yet; None when there is none or the channel cannot be read (posted again).
        Passing trouble is Retryable (cogs/_own_messages.py)."""

        async def ours(message: discord.Message) -> bool:
            poll = message.poll
            same = poll is not None and poll.question == question
            return same and await self.nights.by_poll(message.id) is None

        channel = self.bot.get_partial_messageable(night.channel_id, guild_id=night.guild_id)
        return await find_own(channel, by_user(self.bot), ours)

    async def undo(self, ctx: StepContext, error: str) -> bool:
        """Discord refused the poll for good: the night stored for it is cancelled."""
        stored = ctx.intent.results.get("store")
        if stored is None:
            return False
        await self.nights.poll_refused(await self.nights.get(stored["night_id"]))
        return True
