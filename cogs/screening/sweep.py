"""At start-up: open review items the process died on before their intent was written.

Screening stores a verdict and its review item, and a report its item, before the desk writes
the `screening-hide` or `screening-alert` intent; killed in between, the item would wait
unseen (a message to hide left up, no alert). The sweep finds open items with no alert stored
and no intent still pending for them, and raises what is missing: the hide (once: keyed
`hide:<id>`) or the alert. Alerts are posted one at a time per item (the desk's lock), so one
raised meanwhile by a live message is refreshed, not posted twice.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from bot.screening.model import ReviewItem, ReviewReason, ReviewSource
from bot.text import counted
from cogs.screening.journaled import ALERT, HIDE

if TYPE_CHECKING:
    from cogs.screening.desk import ReviewDesk

log = logging.getLogger(__name__)

SWEEP_LIMIT = 500  # open items read per server (oldest first)


async def raise_missing(desk: ReviewDesk, guild_ids: list[int]) -> int:
    """Hide or alert every open item left without its intent; how many were raised."""
    services = desk.services
    pending = {
        intent.payload.get("item_id")
        for intent in await services.journal.unfinished()
        if intent.kind in (HIDE, ALERT)
    }  # read before the items: an intent written after this finds the item's alert stored
    raised = 0
    for guild_id in guild_ids:
        alerting = (await services.moderation.config.get(guild_id)).alert_channel_id is not None
        for item in await services.screening.pending_reviews(guild_id, SWEEP_LIMIT):
            if item.id in pending:
                continue
            if item.screened_id is not None and await _never_hidden(desk, item):
                await desk.hide(item, await services.screening.screened_message(item.screened_id))
            elif item.alert_message_id is None and alerting:  # else it waits in /mod queue
                await desk.raise_alert(item, [])
            else:
                continue
            raised += 1
    if raised:
        log.info("screening: raised %s left unfinished", counted(raised, "review item"))
    return raised


async def _never_hidden(desk: ReviewDesk, item: ReviewItem) -> bool:
    """Whether screening said hide but no hide was ever written for the item."""
    if item.source is not ReviewSource.SCREENING or item.outcome is not ReviewReason.HIDE:
        return False
    return await desk.services.journal.by_key(f"hide:{item.id}") is None
