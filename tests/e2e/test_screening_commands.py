"""/mod screening (status, scope, thresholds, exemptions, channels), /mod queue, /about."""

from __future__ import annotations

from bot.sandbox.emulator.interactions import message_text
from bot.screening.model import IncomingMessage, ReviewReason, ReviewSource
from storage.screening_review import ReviewRepository
from tests.e2e._screening import ephemeral_answer, guild_id, post_screened, ready

# Toxic but aimed at no one here: flagged for toxicity only (swearing at a film, such as
# "that ending was crap", no longer reaches the flag threshold).
CRUDE = "the director is a total moron"
INSULT = "you are a pathetic idiot"


async def test_status_shows_backend_scope_thresholds_and_the_alert_channel(emu, bot):
    await ready(bot)
    text = await ephemeral_answer(emu, "Mona", "mod screening status")
    assert "backend embedded (TOXICITY_BACKEND=embedded; second look on)" in text
    assert "film discussion threads" in text and "none set" in text
    assert "`insult` 0.70 / 0.93" in text and "`obscene` 0.90 / never" in text
    about = await (await emu.slash("Alice", "about")).text()
    assert "backend embedded (TOXICITY_BACKEND=embedded; second look on)" in about


async def test_policy_changes_need_manage_server_and_apply_at_once(emu, bot):
    await ready(bot)
    refused = await ephemeral_answer(emu, "Mona", "mod screening scope", scope="everywhere")
    assert "Manage Server" in refused
    assert "everywhere" in await ephemeral_answer(
        emu, "Olive", "mod screening scope", scope="everywhere"
    )
    _, handled = await post_screened(bot, emu, "Alice", "general", CRUDE)
    assert handled.outcome == "flag"

    text = await ephemeral_answer(
        emu, "Olive", "mod screening threshold", label="toxicity", flag="never", channel="general"
    )
    assert "<#" in text and "toxicity never / never" in text
    _, handled = await post_screened(bot, emu, "Alice", "general", CRUDE + "!")
    assert handled.outcome == "pass"
    _, handled = await post_screened(bot, emu, "Alice", "film-talk", CRUDE)
    assert handled.outcome == "flag"

    bad = await ephemeral_answer(
        emu, "Olive", "mod screening threshold", label="insult", hide="lots"
    )
    assert "is not a number" in bad
    upside_down = await ephemeral_answer(
        emu, "Olive", "mod screening threshold", label="insult", hide="0.5"
    )
    assert "cannot be below the flag threshold" in upside_down
    assert "reset" in await ephemeral_answer(
        emu, "Olive", "mod screening reset-thresholds", channel="general"
    )

    await ephemeral_answer(emu, "Olive", "mod screening exempt-role", role="Moderator")
    _, handled = await post_screened(bot, emu, "Mona", "general", INSULT)
    assert not handled.screened and "exempt role" in handled.reason
    await ephemeral_answer(
        emu, "Olive", "mod screening channel", channel="film-talk", mode="exempt"
    )
    _, handled = await post_screened(bot, emu, "Alice", "film-talk", INSULT)
    assert not handled.screened and "channel is exempt" in handled.reason
    status = await ephemeral_answer(emu, "Mona", "mod screening status")
    assert "film-talk" not in status and ": exempt" in status and "<@&" in status

    assert "off" in await ephemeral_answer(emu, "Olive", "mod screening scope", scope="off")
    _, handled = await post_screened(bot, emu, "Alice", "general", INSULT + "!")
    assert not handled.screened and "off" in handled.reason


async def test_the_queue_is_paginated(emu, bot):
    await ready(bot)
    general = int(emu.world.channel_id("general"))
    for number in range(12):
        message = IncomingMessage(guild_id(emu), general, 1000 + number, 7, f"text {number}")
        await ReviewRepository(bot.services.conn).open_item(
            message, source=ReviewSource.SCREENING, outcome=ReviewReason.FLAG
        )
    first = await (await emu.slash("Mona", "mod queue")).reply()
    text = message_text(first)
    assert "Review queue: 12 open" in text and "**#10**" in text and "**#11**" not in text
    turned = await (await emu.click("Mona", first, label="Next")).reply()
    assert "**#12**" in message_text(turned)
    missing = await ephemeral_answer(emu, "Mona", "mod queue", item=99)
    assert "no review item #99" in missing
