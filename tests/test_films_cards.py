"""What /film shows: the Never Let Me Go card from the seeds, choices, pages within limits."""

from __future__ import annotations

import io

import pytest
from films_support import ggplot_frame, migrated

from bot import limits
from bot.films import cards
from bot.films.catalog import open_catalog
from bot.films.importers.ggplot2movies import import_ggplot2movies
from bot.films.model import Film, SpoilerLevel
from bot.films.resolve import FilmNotFound
from bot.settings import Settings


@pytest.fixture
async def catalog(tmp_path):
    path = tmp_path / "catalog.sqlite3"
    conn = await migrated(path)
    catalog = await open_catalog(conn, Settings(_env_file=None, tmdb_api_key=None))
    yield path, catalog
    await catalog.close()
    await conn.close()


async def test_info_card_shows_the_seed_facts(catalog):
    _, films = catalog
    card = await films.info("Never Let Me Go")
    embed = card.as_dict()
    assert embed["title"] == "Never Let Me Go (2010)"
    fields = {f["name"]: f["value"] for f in embed["fields"]}
    assert fields["Director"] == "Mark Romanek"
    assert fields["Main cast"].splitlines()[:3] == [
        "Carey Mulligan (Kathy H.)",
        "Andrew Garfield (Tommy D.)",
        "Keira Knightley (Ruth C.)",
    ]
    assert fields["Genres"] == "Sci-Fi, Drama, Romance"
    assert fields["Rating"] == "7.2/10 (IMDb, via seed 002)"
    assert fields["Country"] == "United Kingdom"
    assert "cloning" in embed["description"]
    for spoiler in ("deferral", "completes", "dies"):  # the synopsis gives nothing away
        assert spoiler not in embed["description"]
    assert embed["footer"]["text"].startswith("Sources: seed 001, seed 002, seed 004")
    assert card.total_chars() <= limits.EMBED_TOTAL


async def test_cast_quotes_and_similar_pages(catalog):
    _, films = catalog
    cast = [line.text for page in await films.cast("Never Let Me Go") for line in page]
    assert "**Director**: Mark Romanek" in cast
    assert "**Composer**: Rachel Portman" in cast
    assert "• Ella Purnell (Ruth C., young Ruth)" in cast
    quotes = [line for page in await films.quotes("Never Let Me Go") for line in page]
    assert quotes[0].text.endswith("— Kathy") and quotes[0].spoiler
    revealed = await films.quotes("never let me go", reveal=SpoilerLevel.ENDING)
    assert not any(line.spoiler for page in revealed for line in page)
    similar = await films.similar("Never Let Me Go")
    assert similar.method == "curated"
    pages = cards.similar_lines(similar)
    assert "curated related films" in pages[0][0].text
    assert pages[0][1].text == "• The Fountain (2006): recommended alongside it"


async def test_unknown_title_without_tmdb_suggests(catalog):
    _, films = catalog
    with pytest.raises(FilmNotFound) as caught:
        await films.info("Nevr Let Me Go")
    assert "Did you mean: Never Let Me Go (2010)" in caught.value.message


async def test_autocomplete_choices_are_labelled_and_valued_with_ids(catalog):
    path, films = catalog
    long_title = "A" * 150
    import_ggplot2movies(
        path, ggplot_frame([{"title": long_title, "year": 1999}]), stream=io.StringIO()
    )
    choices = await films.autocomplete("never")
    assert choices[0].name == "Never Let Me Go (2010)"
    assert (await films.find(choices[0].value)).year == 2010
    (long_choice,) = await films.autocomplete("aaaa")
    assert len(long_choice.name) == limits.CHOICE_NAME
    assert long_choice.name.endswith("… (1999)")
    assert len(await films.autocomplete("")) == limits.AUTOCOMPLETE_CHOICES


def test_pages_split_under_the_embed_limit():
    many = [Film(id=i, title=f"Film number {i} " + "x" * 80, year=2000) for i in range(200)]
    pages = cards.search_lines(many)
    assert len(pages) > 1
    for page in pages:
        assert sum(len(line.text) + 1 for line in page) <= limits.EMBED_DESCRIPTION
    assert [line.text for page in pages for line in page][-1].startswith("Film number 199")
    assert cards.search_lines([])[0][0].text == "No films found."
    long = [Film(id=i, title=f"Long {i} " + "y" * 990, year=2000) for i in range(10)]
    long_pages = cards.search_lines(long)  # four ~1,000-character lines fill a page
    assert [len(page) for page in long_pages] == [4, 4, 2]
    short = cards.search_lines([Film(id=i, title=f"F{i}") for i in range(20)])
    assert [len(page) for page in short] == [cards.LINES_PER_PAGE, 20 - cards.LINES_PER_PAGE]


def test_markdown_and_mentions_in_catalog_text_are_neutralised():
    film = Film(id=1, title="@everyone **Bold** <@123>", year=2020)
    (line,) = cards.search_lines([film])[0]
    assert "@everyone" not in line.text and "\\*\\*Bold\\*\\*" in line.text
    assert cards.choice_label(Film(id=2, title="\u202eevil\nname")) == "evil name"


def test_embed_pages_hide_spoiler_lines_and_break_mentions_in_titles():
    pages = [[cards.Line("plain"), cards.Line("the twist", spoiler=True)], [cards.Line("more")]]
    first, second = cards.embed_pages("Quotes for @everyone\n" + "t" * 400, pages, footer="f")
    assert first.description == "plain\n||the twist||" and second.description == "more"
    assert "@everyone" not in first.title and "\n" not in first.title
    assert len(first.title) == limits.EMBED_TITLE and first.footer == "f"
