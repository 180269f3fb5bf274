"""/discuss start and /film for a film imported from the Wikipedia fixture dump."""

from __future__ import annotations

import asyncio

from wikipedia_support import fixture_bz2

from bot.films.importers.wikipedia import import_wikipedia
from bot.sandbox.emulator.interactions import message_text
from bot.spoilers.format import hidden_text, unhidden_text
from tests.e2e._discussions import open_discussion

LICENCE = "[CC BY-SA 4.0](<https://creativecommons.org/licenses/by-sa/4.0/>)"
ARTICLE = "[Shutter Island (film)](<https://en.wikipedia.org/wiki/Shutter_Island_%28film%29>)"


async def import_fixture(bot, tmp_path) -> None:
    dump = fixture_bz2(tmp_path / "dumps")
    await asyncio.to_thread(import_wikipedia, bot.settings.database_path, dump)


async def test_imported_film_opens_with_card_and_spoiler_tagged_plot_crediting_wikipedia(
    emu, bot, tmp_path
):
    await import_fixture(bot, tmp_path)
    thread_id = await open_discussion(emu, "film-talk", film="Shutter Island")
    opener, *summary = emu.messages_in(thread_id)
    card = message_text(opener)
    assert opener["embeds"][0]["title"] == "Shutter Island (2010)"
    assert "Martin Scorsese" in card and "Leonardo DiCaprio" in card
    assert "follows a U.S. Marshal" in card  # the lead's premise, never the plot
    assert f"Text from Wikipedia: {ARTICLE}, licensed {LICENCE}." in card
    assert "Sources: Wikipedia" in opener["embeds"][0]["footer"]["text"]
    text = "".join(m["content"] for m in summary)
    shown, hidden = unhidden_text(text), hidden_text(text)
    assert "follows a U.S. Marshal" in shown
    assert "Rachel Solando" in hidden and "lobotomy" in hidden  # plot paragraphs and ending
    assert "Rachel Solando" not in shown and "lobotomy" not in shown
    assert "Text from Wikipedia: Shutter Island (film), licensed CC BY-SA 4.0." in shown
    assert summary[-1]["content"].endswith(f"Text from Wikipedia: {ARTICLE}, licensed {LICENCE}.")
