"""Richer /film info cards when TMDB_API_KEY is set (against the local fake TMDB): poster,
where to watch in the server's region with JustWatch credited, trailer, TMDB attribution;
without a key nothing calls out."""

from __future__ import annotations

import contextlib

from pydantic import SecretStr

from tests.e2e._films import embed
from tests.e2e.test_films_sources import PRIMER
from tests.films_support import FakeTmdb, serve

WITH_EXTRAS = {
    **PRIMER,
    "poster_path": "/primer.jpg",
    "videos": {"results": [
        {"site": "Vimeo", "type": "Trailer", "key": "nope"},
        {"site": "YouTube", "type": "Teaser", "key": "teaser1"},
        {"site": "YouTube", "type": "Trailer", "key": "abc123"},
    ]},
    "watch/providers": {"results": {
        "GB": {"link": "https://www.themoviedb.org/movie/14337/watch?locale=GB",
               "flatrate": [{"provider_name": "MUBI"}],
               "rent": [{"provider_name": "Apple TV"}, {"provider_name": "MUBI"}]},
        "US": {"link": "https://www.themoviedb.org/movie/14337/watch?locale=US",
               "buy": [{"provider_name": "Vudu"}]},
    }},
}  # fmt: skip


@contextlib.asynccontextmanager
async def online_bot(start_bot, settings, movie: dict):
    """The bot with a TMDB key, talking to a local fake TMDB that knows `movie`."""
    fake = FakeTmdb(movie=movie)
    runner, base = await serve(fake)
    online = settings.model_copy(update={"tmdb_api_key": SecretStr("k3y"), "tmdb_base_url": base})
    try:
        async with start_bot(online):
            yield fake
    finally:
        await runner.cleanup()


def field(card: dict, name: str) -> str:
    return next(f["value"] for f in card["fields"] if f["name"] == name)


async def test_cards_gain_poster_providers_trailer_and_attribution(emu, start_bot, settings):
    async with online_bot(start_bot, settings, WITH_EXTRAS) as fake:
        saved = await emu.slash("Olive", "community settings", region="gb")
        assert "region: GB" in await saved.text()
        record = await emu.slash("Alice", "film info", title="primer")
        _, reply = await record.replies(2)
        card = embed(reply)
        assert card["thumbnail"]["url"] == "https://image.tmdb.org/t/p/w342/primer.jpg"
        where = field(card, "Where to watch (GB)")
        assert where.startswith("MUBI (stream), Apple TV (rent) · [data by JustWatch](")
        assert "locale=GB" in where
        assert (
            field(card, "Trailer") == "[Watch on YouTube](https://www.youtube.com/watch?v=abc123)"
        )
        assert card["footer"]["text"].endswith(
            "This product uses the TMDB API but is not endorsed or certified by TMDB."
        )
        asked = len(fake.requests)
        again = await emu.slash("Bob", "film info", title="primer")
        assert embed(await again.reply())["thumbnail"]["url"].endswith("/primer.jpg")
        assert len(fake.requests) == asked  # answers are cached in the database


async def test_a_film_without_a_tmdb_id_is_found_by_title_and_year(emu, start_bot, settings):
    nlmg = {**WITH_EXTRAS, "id": 42, "title": "Never Let Me Go", "release_date": "2010-09-15"}
    async with online_bot(start_bot, settings, nlmg) as fake:
        record = await emu.slash("Alice", "film info", title="#1")
        card = embed(await record.reply())
        assert card["title"] == "Never Let Me Go (2010)"
        assert field(card, "Where to watch (US)").startswith("Vudu (buy) · [data by JustWatch]")
        paths = [r.path for r in fake.requests]
        assert paths == ["/3/search/movie", "/3/movie/42", "/3/movie/42"]
        assert fake.requests[0].query["year"] == "2010"


async def test_without_a_key_cards_stay_as_they_were(emu, bot):
    card = embed(await (await emu.slash("Alice", "film info", title="#1")).reply())
    assert "thumbnail" not in card
    assert not any(f["name"].startswith(("Where to watch", "Trailer")) for f in card["fields"])
    assert "TMDB" not in card["footer"]["text"]
