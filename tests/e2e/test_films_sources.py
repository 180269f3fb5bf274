"""/film with more than the curated data: MovieLens ratings behind `similar`, and TMDB for
titles the catalog lacks (against a local fake TMDB server)."""

from __future__ import annotations

from pydantic import SecretStr

from bot.sandbox.emulator.interactions import EPHEMERAL, message_text
from tests.e2e._films import ask, embed, film_count, import_ratings
from tests.films_support import TINY_MOVIELENS, FakeTmdb, serve, tiny_ratings

PRIMER = {
    "id": 14337, "imdb_id": "tt0390384", "title": "Primer", "original_title": "Primer",
    "release_date": "2004-10-08", "runtime": 77, "overview": "Two engineers build a box.",
    "genres": [{"id": 878, "name": "Science Fiction"}], "production_countries": [],
    "vote_average": 6.9, "vote_count": 3000,
    "credits": {"cast": [{"name": "Shane Carruth", "character": "Aaron"}],
                "crew": [{"name": "Shane Carruth", "job": "Director"}]},
}  # fmt: skip


async def test_similar_uses_movielens_ratings_once_imported(emu, bot):
    _, before = await ask(emu, "similar", title="Moon")
    assert "MovieLens" not in before.split("\n")[1]
    await import_ratings(bot, TINY_MOVIELENS, tiny_ratings())
    reply, text = await ask(emu, "similar", title="Moon")
    first_line = embed(reply)["description"].split("\n")[0]
    assert first_line.startswith("*Based on MovieLens ratings")
    assert "at least 5 users in common" in first_line
    assert "• Sunshine (2007): 6 users rated both" in text
    assert "High School Musical" not in text  # rated, but not alike


async def test_unknown_title_is_fetched_from_tmdb_when_enabled(emu, start_bot, settings):
    fake = FakeTmdb(movie=PRIMER)
    runner, base = await serve(fake)
    online = settings.model_copy(update={"tmdb_api_key": SecretStr("k3y"), "tmdb_base_url": base})
    try:
        async with start_bot(online) as bot:
            before = await film_count(bot)
            record = await emu.slash("Alice", "film info", title="primer")
            note, card = await record.replies(2)
            assert note["flags"] & EPHEMERAL and "found on TMDB and added" in note["content"]
            assert not card["flags"] & EPHEMERAL
            assert embed(card)["title"] == "Primer (2004)"
            assert "Shane Carruth" in message_text(card)
            assert await film_count(bot) == before + 1
            offered = await emu.autocomplete("Bob", "film cast", focused="title", title="prim")
            assert offered[0]["name"] == "Primer (2004)"  # now local: no second lookup
            missing = await emu.slash("Bob", "film info", title="no such film anywhere")
            text = message_text(await missing.reply())
            assert text.startswith('No film called "no such film anywhere"')
            assert (await missing.reply())["flags"] & EPHEMERAL
            # search + movie for Primer, its card extras (poster, providers), a search for the miss
            assert len(fake.requests) == 4
    finally:
        await runner.cleanup()
