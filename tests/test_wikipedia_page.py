"""Wikitext of film articles turned into plain facts (bot/films/wikipedia/page.py, plain.py)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.films.model import SpoilerLevel
from bot.films.wikipedia.details import article_of, summary_sections, to_details
from bot.films.wikipedia.page import (
    BrokenWikitext,
    is_film_candidate,
    parse_film_page,
    strip_disambiguation,
)
from bot.films.wikipedia.plain import items, plain_text

ARTICLE = """{{Infobox film
| name = Glass Harbour
| director = {{ubl|[[Ana Ruiz]]|Ben Okafor}}
| writer = Ana Ruiz<ref>credits</ref>
| starring = [[Carla Mendes]]<br />[[Dev Patel (actor)|Dev Patel]]<br/>Lin Zhou
| released = {{Film date|2019|5|2|Cannes}}
| runtime = 104 min
| country = {{hlist|France|Portugal}}
| budget = {{nowrap|€3 million}}
}}
'''''Glass Harbour''''' is a 2019 drama. It follows a lighthouse keeper who finds a message in a bottle.<ref>{{cite news|title=x}}</ref> It premiered at the Cannes Film Festival. The film received positive reviews.

== Plot ==
Marta keeps the light on a rock off Porto.

She traces the sender to a drowned village.

== Cast ==
* [[Carla Mendes]] as Marta, the keeper
* [[Dev Patel (actor)|Dev Patel]] as Dr. Ravi Sen
* Lin Zhou as the voice of the radio
* Young versions:
** Ana Lima as young Marta
* Narrator
{{IMDb title|0123456|Glass Harbour}}
"""


def test_title_year_crew_and_infobox_lists():
    film = parse_film_page("Glass Harbour (2019 film)", ARTICLE, page_id=7, revision_id=99)
    assert (film.title, film.year, film.runtime_minutes) == ("Glass Harbour", 2019, 104)
    assert film.crew["director"] == ["Ana Ruiz", "Ben Okafor"]
    assert film.crew["writer"] == ["Ana Ruiz"]  # the reference is dropped
    assert film.starring == ["Carla Mendes", "Dev Patel", "Lin Zhou"]
    assert film.countries == ["France", "Portugal"]
    assert film.facts["budget"] == ["€3 million"]
    assert film.imdb_id == "tt0123456"


def test_cast_handles_descriptions_titles_voices_and_nested_lists():
    film = parse_film_page("Glass Harbour (2019 film)", ARTICLE)
    cast = {(m.actor, m.character, m.note) for m in film.cast}
    assert cast == {
        ("Carla Mendes", "Marta", None), ("Dev Patel", "Dr. Ravi Sen", None),
        ("Lin Zhou", "the radio", "voice"), ("Ana Lima", "young Marta", None),
    }  # fmt: skip


def test_premise_is_the_story_part_of_the_lead_and_plot_is_split_in_paragraphs():
    film = parse_film_page("Glass Harbour (2019 film)", ARTICLE)
    assert film.premise == (
        "Glass Harbour is a 2019 drama. It follows a lighthouse keeper who finds a message in "
        "a bottle."
    )
    assert film.plot == [
        "Marta keeps the light on a rock off Porto.",
        "She traces the sender to a drowned village.",
    ]
    levels = [(s.heading, s.level) for s in summary_sections(film, "src")]
    assert levels == [
        ("Premise", SpoilerLevel.PREMISE), ("Plot, part 1", SpoilerLevel.LATER),
        ("Plot: the ending", SpoilerLevel.ENDING),
    ]  # fmt: skip


def test_sources_cite_article_and_revision():
    film = parse_film_page("Glass Harbour (2019 film)", ARTICLE, page_id=7, revision_id=99)
    details = to_details(film)
    assert details.film.source == "Wikipedia: Glass Harbour (2019 film) (revision 99)"
    assert article_of(details.film.source) == "Glass Harbour (2019 film)"
    assert details.film.external_ids == {"wikipedia": "7", "imdb": "tt0123456"}
    assert all(s.source == details.film.source for s in details.summary)


@pytest.mark.parametrize(
    ("article", "expected"),
    [
        ("Moon (2009 film)", ("Moon", 2009)),
        ("Her (film)", ("Her", None)),
        ("Dune (1984 American film)", ("Dune", 1984)),
        ("Paris, Texas", ("Paris, Texas", None)),
        ("Heat (1995 film) (restored)", ("Heat (1995 film) (restored)", None)),
    ],
)
def test_disambiguation_is_stripped(article, expected):
    assert strip_disambiguation(article) == expected


def test_non_films_and_broken_pages():
    assert parse_film_page("List of heist films", ARTICLE) is None
    assert parse_film_page("Ana Ruiz", "{{Infobox person|name=Ana Ruiz}} A director.") is None
    assert not is_film_candidate("#REDIRECT [[Moon (2009 film)]]")
    with pytest.raises(BrokenWikitext):
        parse_film_page("Broken (film)", "{{Infobox film\n| name = Broken\n'''Broken''' is")


def test_plain_text_keeps_link_labels_and_text_templates():
    assert plain_text(
        "[[Porto|the city]] at {{nowrap|9 pm}}<ref>x</ref> &amp; [[File:x.jpg|a]]"
    ) == ("the city at 9 pm &")
    assert items("{{plainlist|\n* A\n* [[B (actor)|B]]\n}}") == ["A", "B"]


def test_plot_text_with_mentions_spoiler_bars_and_markdown_is_stored_as_typed_shown_neutral():
    from bot.spoilers.summary import render_summary

    text = ARTICLE.replace(
        "She traces the sender to a drowned village.",
        "@everyone ||Marta|| is **really** <@123> the sender.",
    )
    film = parse_film_page("Glass Harbour (2019 film)", text, page_id=7, revision_id=99)
    assert film.plot[-1] == "@everyone ||Marta|| is **really** <@123> the sender."
    shown = "\n".join(render_summary(to_details(film)))
    assert "@\u200beveryone" in shown and "@\u200b123" in shown
    assert "\\|\\|Marta\\|\\|" in shown and "\\*\\*really\\*\\*" in shown
    assert "@everyone" not in shown


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet="{}[]|=*'<>/\n ab:", max_size=200))
def test_any_wikitext_gives_a_film_none_or_broken_wikitext(noise):
    """Whatever follows an Infobox film, the parser answers or says the page is broken."""
    try:
        film = parse_film_page("Noise (film)", "{{Infobox film\n| name = " + noise)
    except BrokenWikitext:
        return
    assert film is None or film.title == "Noise"
