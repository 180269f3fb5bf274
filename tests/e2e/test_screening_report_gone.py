"""A message deleted while the reporter fills in the "Report message" form: the submit says it
is gone and opens no review item (and raises no alert)."""

from __future__ import annotations

from tests.e2e._screening import alerts, guild_id, report_form_open


async def test_a_message_deleted_before_the_report_is_sent_opens_nothing(emu, bot):
    target, shown = await report_form_open(bot, emu)
    await emu.delete(target)
    answer = await emu.submit_modal("Alice", shown, {"reason": "spam"})
    assert await answer.text() == (
        "That message was deleted before your report was sent, so there is nothing left for "
        "the moderators to review. Nothing was reported."
    )
    assert await answer.is_ephemeral()
    assert await bot.services.screening.pending_reviews(guild_id(emu)) == []
    assert alerts(emu) == []

    # a message still there is reported as before
    kept = await emu.post("Bob", "general", "buy cheap films at shady.example, again")
    shown = await emu.context_menu("Alice", "Report message", kept)
    await shown.modal_shown()
    answer = await emu.submit_modal("Alice", shown, {"reason": "spam"})
    assert "review #1" in await answer.text()
    (item,) = await bot.services.screening.pending_reviews(guild_id(emu))
    assert item.source == "report"
