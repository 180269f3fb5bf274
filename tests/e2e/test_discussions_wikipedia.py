"""/discuss start and /film for a film imported from the Wikipedia fixture dump."""

from __future__ import annotations

import asyncio

from wikipedia_support import FakeMediaWiki, fixture_bz2, serve_mediawiki

from bot.films.importers.wikipedia import import_wikipedia
from bot.sandbox.emulator.interactions import message_text
from bot.sandbox.harness import sandbox_settings
from bot.spoilers.format import hidden_text, unhidden_text
from tests.e2e._discussions import open_discussion, thread_id_in

DEFERRED = 5  # DEFERRED_CHANNEL_MESSAGE_WITH_SOURCE

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


async def test_film_without_plot_is_looked_up_live_when_a_discussion_opens(
    emu, start_bot, tmp_path
):
    fake = FakeMediaWiki()
    runner, url = await serve_mediawiki(fake)
    try:
        settings = sandbox_settings(
            emu, tmp_path / "filmbot.sqlite3", wikipedia_lookup="on", wikipedia_api_url=url
        )
        async with start_bot(settings):
            # Her (2013) is in the catalog only as a film the curated data relates to: no plot.
            record = await emu.slash("Mona", "discuss start", film="Her", channel="film-talk")
            text = await record.text()
            assert record.callback_type == DEFERRED  # deferred before asking Wikipedia
            thread_id = thread_id_in(text)
            _, *summary = emu.messages_in(thread_id)
            whole = "".join(m["content"] for m in summary)
            assert "Samantha admits" in hidden_text(whole)
            assert "Samantha admits" not in unhidden_text(whole)
            assert "Text from Wikipedia: Her (film), licensed CC BY-SA 4.0." in unhidden_text(whole)
        assert len(fake.requests) == 2
    finally:
        await runner.cleanup()


async def test_lookup_failure_is_explained_and_the_summary_still_answers(emu, start_bot, tmp_path):
    fake = FakeMediaWiki(throttle=100, retry_after=0)
    runner, url = await serve_mediawiki(fake)
    try:
        settings = sandbox_settings(
            emu, tmp_path / "filmbot.sqlite3", wikipedia_lookup="on", wikipedia_api_url=url
        )
        async with start_bot(settings):
            record = await emu.slash("Alice", "film summary", title="Moon")
            first, second = await record.replies(2)
            assert first["content"] == (
                "The plot could not be fetched from Wikipedia: Wikipedia is busy (it kept asking "
                "the bot to wait)."
            )
            assert second["content"].startswith(
                "**Summary: Moon (2009)**\nNo plot for this film yet"
            )
    finally:
        await runner.cleanup()
