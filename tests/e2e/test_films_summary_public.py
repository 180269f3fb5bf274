"""/film summary public:true for a very long plot: the channel gets the first parts and a
pointer to the rest, never dozens of messages."""

from __future__ import annotations

from bot.films.model import Film, FilmDetails, SpoilerLevel, SummarySection
from bot.sandbox.emulator.interactions import EPHEMERAL
from bot.spoilers.summary import PUBLIC_SUMMARY_PARTS

SENTENCE = "The ferryman rows the lantern across the black lake while the village sleeps. "


async def long_film(bot) -> int:
    sections = [
        SummarySection(
            f"Act {n}", SENTENCE * 40, SpoilerLevel.LATER if n else SpoilerLevel.PREMISE, "test"
        )
        for n in range(12)
    ]
    film = Film(id=0, title="The Long Night Ferry", year=1999, source="test")
    (film_id,) = await bot.services.catalog.store_films(
        [FilmDetails(film, summary=tuple(sections))]
    )
    return film_id


async def test_a_long_public_summary_posts_a_few_parts_and_points_to_the_rest(emu, bot):
    film_id = await long_film(bot)
    private = await emu.slash("Alice", "film summary", title=f"#{film_id}")
    whole = await private.replies(PUBLIC_SUMMARY_PARTS + 2)  # privately: every part, as before
    assert len(whole) > PUBLIC_SUMMARY_PARTS + 1

    public = await emu.slash(
        "Alice", "film summary", where="film-talk", title=f"#{film_id}", public=True
    )
    shown = await public.replies(PUBLIC_SUMMARY_PARTS + 1)
    posted = emu.messages_in("film-talk")
    assert len(posted) == PUBLIC_SUMMARY_PARTS + 1
    assert not any(m["flags"] & EPHEMERAL for m in shown)
    assert [m["content"] for m in posted[:PUBLIC_SUMMARY_PARTS]] == [
        m["content"] for m in whole[:PUBLIC_SUMMARY_PARTS]
    ]
    pointer = posted[-1]["content"]
    assert "more part" in pointer and "/film summary" in pointer
    assert "The Long Night Ferry (1999)" in pointer and "to you only" in pointer
