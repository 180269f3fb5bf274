"""Reloading an extension keeps the message path whole: its steps find each other by type
(cogs/_steps.py), so the reloaded cog is found again."""

from __future__ import annotations

import pytest

from tests.e2e._replies import open_discussion, stored


@pytest.mark.parametrize("extension", ["cogs.replies", "cogs.messages"])
async def test_messages_are_still_captured_after_an_extension_is_reloaded(emu, bot, extension):
    thread = await open_discussion(bot, emu)
    await emu.post("Alice", thread, "Before the reload")
    assert [m.content for m in await stored(bot, emu, thread)] == ["Before the reload"]
    await bot.reload_extension(extension)
    await emu.post("Bob", thread, "After the reload")
    contents = [m.content for m in await stored(bot, emu, thread)]
    assert contents == ["Before the reload", "After the reload"]
