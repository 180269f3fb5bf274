"""Native polls: created with a message, voted on by members, ended early by their author.

Checked against discord.py 2.7 (poll.py, state.py): a message's `poll` has `question{text}`,
`answers[{answer_id, poll_media{text}}]`, `expiry`, `allow_multiselect`, `layout_type` and
`results{is_finalized, answer_counts[{id, count, me_voted}]}`. Votes arrive as
MESSAGE_POLL_VOTE_ADD/REMOVE (user_id, channel_id, message_id, guild_id, answer_id); the
final results as MESSAGE_UPDATE. Discord's rules: a question of at most 300 characters, 1-10
answers of at most 55, a duration of 1-768 hours, and no attachments beside a poll.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from bot import limits
from bot.sandbox.emulator.payloads import JSON
from bot.sandbox.emulator.rest import ApiError, ApiRequest, router
from bot.sandbox.emulator.routes_messages import channel_or_404, message_or_404
from bot.sandbox.emulator.snowflakes import iso

if TYPE_CHECKING:
    from bot.sandbox.emulator.server import Emulator

POLL_EXPIRED = ApiError(400, 520001, "Poll expired")  # Discord's "this poll has already ended"


def _invalid(detail: str) -> ApiError:
    return ApiError(400, 50035, f"Invalid Form Body: poll.{detail}")


def poll_fields(body: JSON, files: list[JSON]) -> JSON | None:
    """The `poll` a new message carries (validated as Discord does), or None without one."""
    request = body.get("poll")
    if not request:
        return None
    if files or body.get("attachments"):
        raise ApiError(400, 50035, "Invalid Form Body: a poll cannot have attachments")
    question, answers, hours = _checked(request)
    return {
        "poll": {
            "question": {"text": question},
            "answers": [
                {"answer_id": index, "poll_media": {"text": a["poll_media"]["text"]}}
                for index, a in enumerate(answers, 1)
            ],
            "expiry": iso(datetime.now(UTC) + timedelta(hours=hours)),
            "allow_multiselect": bool(request.get("allow_multiselect")),
            "layout_type": request.get("layout_type") or 1,
            "results": {"is_finalized": False, "answer_counts": []},
        },
    }


def _checked(request: JSON) -> tuple[str, list[JSON], int]:
    """The poll request's question, answers and duration in hours, within Discord's limits."""
    question = (request.get("question") or {}).get("text") or ""
    if not 1 <= len(question) <= limits.POLL_QUESTION:
        raise _invalid(f"question.text: must be 1-{limits.POLL_QUESTION} characters")
    answers = request.get("answers") or []
    if not 1 <= len(answers) <= limits.POLL_ANSWERS:
        raise _invalid(f"answers: must be 1-{limits.POLL_ANSWERS} answers")
    for answer in answers:
        text = (answer.get("poll_media") or {}).get("text") or ""
        if not 1 <= len(text) <= limits.POLL_ANSWER:
            raise _invalid(f"answers.poll_media.text: must be 1-{limits.POLL_ANSWER} characters")
    hours = int(request.get("duration") or 24)
    if not 1 <= hours <= limits.POLL_MAX_HOURS:
        raise _invalid(f"duration: must be 1-{limits.POLL_MAX_HOURS} hours")
    return question, answers, hours


def _voters(emu: Emulator, message_id: str) -> dict[int, set[str]]:
    """answer id -> user ids who voted for it (kept beside the world, not in the payload)."""
    return emu.poll_voters.setdefault(message_id, {})


async def vote(emu: Emulator, user: str, message: JSON, answer: int, *, add: bool = True) -> None:
    """A member votes for (or takes back their vote for) answer number `answer` (1-based)."""
    stored = emu.world.find_message(message["id"]) or message
    poll = stored.get("poll")
    if poll is None or poll["results"]["is_finalized"]:
        raise ValueError("that message has no open poll")
    user_id = emu.resolve_user(user)
    voters = _voters(emu, stored["id"])
    chosen = voters.setdefault(answer, set())
    if (user_id in chosen) == add:
        return
    if add and not poll["allow_multiselect"] and any(user_id in v for v in voters.values()):
        raise ValueError(f"{user} already voted in that poll")
    chosen.add(user_id) if add else chosen.discard(user_id)
    _count(emu, stored)
    event = {
        "user_id": user_id,
        "channel_id": stored["channel_id"],
        "message_id": stored["id"],
        "guild_id": emu.world.guild["id"],
        "answer_id": answer,
    }
    kind = "MESSAGE_POLL_VOTE_ADD" if add else "MESSAGE_POLL_VOTE_REMOVE"
    await emu.gateway.dispatch(kind, event)
    await emu.recorder.notify()


def _count(emu: Emulator, message: JSON) -> None:
    voters = _voters(emu, message["id"])
    message["poll"]["results"]["answer_counts"] = [
        {"id": answer, "count": len(users), "me_voted": False}
        for answer, users in sorted(voters.items())
        if users
    ]


async def finalise(emu: Emulator, message: JSON) -> JSON:
    """End the poll now: results final, expiry now, MESSAGE_UPDATE sent."""
    poll = message["poll"]
    poll["results"]["is_finalized"] = True
    poll["expiry"] = iso()
    _count(emu, message)
    await emu.gateway.dispatch("MESSAGE_UPDATE", message)
    await emu.recorder.notify()
    return message


@router.route("POST", "/channels/{channel_id}/polls/{message_id}/expire")
async def expire_poll(emu: Emulator, api: ApiRequest, channel_id: str, message_id: str) -> JSON:
    """The poll's author ends it early (discord.py Message.end_poll)."""
    channel_or_404(emu, channel_id)
    message = message_or_404(emu, channel_id, message_id)
    if "poll" not in message:
        raise ApiError(400, 50035, "Invalid Form Body: that message has no poll")
    if message["author"]["id"] != emu.world.bot_user["id"]:
        raise ApiError(403, 50013, "Missing Permissions")
    if message["poll"]["results"]["is_finalized"]:
        raise POLL_EXPIRED
    return await finalise(emu, message)


@router.route("GET", "/channels/{channel_id}/polls/{message_id}/answers/{answer_id}")
async def answer_voters(
    emu: Emulator, api: ApiRequest, channel_id: str, message_id: str, answer_id: str
) -> JSON:
    message_or_404(emu, channel_id, message_id)
    users = sorted(_voters(emu, message_id).get(int(answer_id), set()))
    return {"users": [emu.world.users[u].payload for u in users]}
