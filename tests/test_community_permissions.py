"""Discord's rule for scheduled events, as the bot applies it to movie-night planners."""

from __future__ import annotations

import pytest

from bot.community.permissions import check_can_change, check_can_plan
from bot.errors import PermissionDenied


@pytest.mark.parametrize(
    "held", [{"create_events"}, {"manage_events"}, {"administrator"}, {"create_events", "x"}]
)
def test_creating_an_event_takes_create_or_manage_events(held):
    check_can_plan(held)


def test_a_member_without_either_is_told_which_permission():
    with pytest.raises(PermissionDenied, match=r"\*\*Create Events\*\* permission"):
        check_can_plan({"send_messages", "moderate_members"})


@pytest.mark.parametrize(
    ("held", "own", "allowed"),
    [
        ({"create_events"}, True, True),
        ({"create_events"}, False, False),
        ({"manage_events"}, False, True),
        ({"administrator"}, False, True),
        (set(), True, False),
    ],
)
def test_changing_a_night_takes_manage_events_unless_it_is_ones_own(held, own, allowed):
    def change():
        check_can_change(held, night_id=4, planned_by_them=own, doing="cancel")

    if allowed:
        change()
        return
    with pytest.raises(PermissionDenied) as refused:
        change()
    assert refused.value.message.startswith("You cannot cancel movie night #4")
    needed = "Create Events" if own else "Manage Events"
    assert f"**{needed}**" in refused.value.message
