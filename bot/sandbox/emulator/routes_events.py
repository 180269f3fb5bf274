"""Guild scheduled events: create, fetch, list, edit (start, end, cancel), delete.

Checked against discord.py 2.7 (scheduled_event.py, state.py): a payload has id, guild_id,
name, description, entity_type, scheduled_start_time, scheduled_end_time, privacy_level,
status, entity_metadata{location}, channel_id, creator_id, user_count. Discord's rules: name
1-100, description up to 1,000, an external event (3) needs a location (1-100) and an end time
after its start, a new event starts in the future; statuses go scheduled (1) -> active (2) or
cancelled (4), active -> completed (3). The bot needs Manage Events (or Create Events). Each
change sends GUILD_SCHEDULED_EVENT_CREATE / UPDATE / DELETE.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

from bot import limits
from bot.sandbox.emulator.kinds import EntityType, EventStatus
from bot.sandbox.emulator.payloads import JSON
from bot.sandbox.emulator.rest import ApiError, ApiRequest, missing_permissions, router, unknown
from bot.sandbox.emulator.snowflakes import make_snowflake

if TYPE_CHECKING:
    from bot.sandbox.emulator.server import Emulator

MOVES = {
    EventStatus.SCHEDULED: {EventStatus.ACTIVE, EventStatus.CANCELLED},
    EventStatus.ACTIVE: {EventStatus.COMPLETED},
}
EDITABLE = ("name", "description", "scheduled_start_time", "scheduled_end_time", "entity_metadata")


def scheduled_events(emu: Emulator) -> dict[str, JSON]:
    """The guild's events by id (kept beside the world; GUILD_CREATE lists none)."""
    return emu.scheduled_events


def _invalid(detail: str) -> ApiError:
    return ApiError(400, 50035, f"Invalid Form Body: {detail}")


def _event_or_404(emu: Emulator, event_id: str) -> JSON:
    event = scheduled_events(emu).get(event_id)
    if event is None:
        raise unknown("Guild Scheduled Event", 10070)
    return event


def _require_events(emu: Emulator) -> None:
    perms = emu.world.permissions(emu.world.bot_user["id"])
    if not (perms.manage_events or perms.create_events):
        raise missing_permissions()


def _check(event: JSON, *, new: bool) -> None:
    if not 1 <= len(event.get("name") or "") <= limits.SCHEDULED_EVENT_NAME:
        raise _invalid(f"name: must be 1-{limits.SCHEDULED_EVENT_NAME} characters")
    if len(event.get("description") or "") > limits.SCHEDULED_EVENT_DESCRIPTION:
        raise _invalid(
            f"description: must be {limits.SCHEDULED_EVENT_DESCRIPTION} or fewer characters"
        )
    start = datetime.fromisoformat(event["scheduled_start_time"])
    if new and start <= datetime.now(UTC):
        raise _invalid("scheduled_start_time: cannot be in the past")
    if event["entity_type"] == EntityType.EXTERNAL:
        location = (event.get("entity_metadata") or {}).get("location") or ""
        if not 1 <= len(location) <= limits.SCHEDULED_EVENT_LOCATION:
            raise _invalid(
                "entity_metadata.location: required for external events"
                f" (1-{limits.SCHEDULED_EVENT_LOCATION})"
            )
        end = event.get("scheduled_end_time")
        if not end or datetime.fromisoformat(end) <= start:
            raise _invalid("scheduled_end_time: required after the start for external events")


@router.route("POST", "/guilds/{guild_id}/scheduled-events")
async def create_event(emu: Emulator, api: ApiRequest, guild_id: str) -> JSON:
    _require_events(emu)
    body = api.json()
    event = {
        "id": make_snowflake(),
        "guild_id": emu.world.guild["id"],
        "channel_id": body.get("channel_id"),
        "creator_id": emu.world.bot_user["id"],
        "creator": emu.world.bot_user,
        "name": body.get("name") or "",
        "description": body.get("description"),
        "scheduled_start_time": body.get("scheduled_start_time"),
        "scheduled_end_time": body.get("scheduled_end_time"),
        "privacy_level": body.get("privacy_level", 2),
        "status": EventStatus.SCHEDULED,
        "entity_type": body.get("entity_type"),
        "entity_id": None,
        "entity_metadata": body.get("entity_metadata"),
        "user_count": 0,
        "image": body.get("image"),
        "recurrence_rule": None,
    }
    _check(event, new=True)
    scheduled_events(emu)[event["id"]] = event
    await emu.gateway.dispatch("GUILD_SCHEDULED_EVENT_CREATE", event)
    await emu.recorder.notify()
    return event


@router.route("GET", "/guilds/{guild_id}/scheduled-events")
async def list_events(emu: Emulator, api: ApiRequest, guild_id: str) -> list[JSON]:
    return list(scheduled_events(emu).values())


@router.route("GET", "/guilds/{guild_id}/scheduled-events/{event_id}")
async def get_event(emu: Emulator, api: ApiRequest, guild_id: str, event_id: str) -> JSON:
    return _event_or_404(emu, event_id)


@router.route("PATCH", "/guilds/{guild_id}/scheduled-events/{event_id}")
async def edit_event(emu: Emulator, api: ApiRequest, guild_id: str, event_id: str) -> JSON:
    _require_events(emu)
    event = _event_or_404(emu, event_id)
    body = api.json()
    changed = {**event, **{k: body[k] for k in EDITABLE if k in body}}
    if "status" in body and body["status"] != event["status"]:
        if body["status"] not in MOVES.get(event["status"], set()):
            raise _invalid(f"status: cannot go from {event['status']} to {body['status']}")
        changed["status"] = body["status"]
    _check(changed, new=False)
    event.update(changed)
    await emu.gateway.dispatch("GUILD_SCHEDULED_EVENT_UPDATE", event)
    await emu.recorder.notify()
    return event


@router.route("DELETE", "/guilds/{guild_id}/scheduled-events/{event_id}")
async def delete_event(emu: Emulator, api: ApiRequest, guild_id: str, event_id: str) -> None:
    _require_events(emu)
    await remove_event(emu, event_id)


async def remove_event(emu: Emulator, event_id: str) -> None:
    """Delete an event (the bot through REST, or an admin by hand in a test)."""
    event = scheduled_events(emu).pop(event_id, None)
    if event is None:
        raise unknown("Guild Scheduled Event", 10070)
    await emu.gateway.dispatch("GUILD_SCHEDULED_EVENT_DELETE", event)
    await emu.recorder.notify()
