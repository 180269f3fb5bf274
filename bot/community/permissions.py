"""Who may have the bot schedule, move or call off a movie night's Discord event.

The bot creates the event, but for the member who asked: it must never do for them what
Discord would refuse them by hand. Discord's rule for scheduled events: Create Events lets a
member create events and change the ones they created; Manage Events lets them change anyone's.
A night's planner counts as its event's creator. Permission names are spelled as discord.py
spells them (`create_events`, `manage_events`).
"""

from __future__ import annotations

from collections.abc import Collection

from bot.errors import PermissionDenied

CREATE_EVENTS = "create_events"
MANAGE_EVENTS = "manage_events"


def _holds(permissions: Collection[str], *names: str) -> bool:
    return "administrator" in permissions or any(name in permissions for name in names)


def check_can_plan(permissions: Collection[str]) -> None:
    """PermissionDenied unless the member may create a scheduled event themselves."""
    if not _holds(permissions, CREATE_EVENTS, MANAGE_EVENTS):
        raise PermissionDenied(
            "Planning a movie night has me create a Discord event for you, so it takes the "
            "**Create Events** permission (or Manage Events). Nothing was planned."
        )


def check_can_change(
    permissions: Collection[str], *, night_id: int, planned_by_them: bool, doing: str
) -> None:
    """PermissionDenied unless the member may change the night's event: their own night with
    Create Events (or Manage Events), anyone else's with Manage Events. `doing` is "move" or
    "cancel"."""
    if planned_by_them and _holds(permissions, CREATE_EVENTS, MANAGE_EVENTS):
        return
    if _holds(permissions, MANAGE_EVENTS):
        return
    if planned_by_them:
        needed = "the **Create Events** permission (or Manage Events)"
        whose = "you planned it, and changing its Discord event"
    else:
        needed = "the **Manage Events** permission"
        whose = "someone else planned it, and changing their Discord event"
    raise PermissionDenied(
        f"You cannot {doing} movie night #{night_id}: {whose} takes {needed}. Nothing was changed."
    )
