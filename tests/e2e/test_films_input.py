"""Autocomplete, unknown and ambiguous titles, odd input and paging, through the emulator."""

from __future__ import annotations

import re

import pytest

from bot import limits
from bot.sandbox.emulator.interactions import EPHEMERAL, message_text
from tests.e2e._films import ask, embed, film_count, import_ggplot

MENTION = re.compile(r"@(everyone|here)|<@[!&]?\d+>")
ODD_INPUT = [
    "", "   ", "x" * 500, "🎬🍿🎞️", "שלום עולם", "مرحبا بالعالم", "\u202egnihton",
    "**bold** __under__ `code` ||spoiler||", "@everyone", "@here look", "<@&1> and <@2>",
    "'; DROP TABLE films; --", 'a" OR "b', "NEAR(a b)", "title:lobster *",
]  # fmt: skip


async def test_autocomplete_offers_titles_with_years_valued_by_id(emu, bot):
    choices = await emu.autocomplete("Alice", "film cast", focused="title", title="the l")
    names = [c["name"] for c in choices]
    # The article is ignored: titles starting with "l" first, then titles with a word that does.
    assert set(names[:2]) == {"The Lobster (2015)", "The Lake House (2006)"}
    assert "Never Let Me Go (2010)" in names[2:]
    assert all(c["value"].startswith("#") for c in choices)
    nothing_typed = await emu.autocomplete("Alice", "film info", focused="title", title="")
    assert len(nothing_typed) == limits.AUTOCOMPLETE_CHOICES
    for command in ("info", "cast", "quotes", "summary", "similar"):
        offered = await emu.autocomplete("Bob", f"film {command}", focused="title", title="nev")
        assert offered == [{"name": "Never Let Me Go (2010)", "value": offered[0]["value"]}]


async def test_autocomplete_answers_odd_input_within_discords_rules(emu, bot):
    for typed in ODD_INPUT:
        choices = await emu.autocomplete("Alice", "film info", focused="title", title=typed)
        assert len(choices) <= limits.AUTOCOMPLETE_CHOICES  # the emulator checks name/value size


async def test_unknown_title_suggests_the_closest(emu, bot):
    reply, text = await ask(emu, "info", title="Nevr Let Me Goe")
    assert reply["flags"] & EPHEMERAL
    assert text.startswith('No film called "Nevr Let Me Goe".')
    assert "Did you mean: Never Let Me Go (2010)" in text


async def test_ambiguous_title_lists_the_candidates(emu, bot):
    await import_ggplot(
        bot, [{"title": "Solaris", "year": 1972}, {"title": "Solaris", "year": 2002}]
    )
    reply, text = await ask(emu, "cast", title="solaris")
    assert reply["flags"] & EPHEMERAL
    assert "Several films are called" in text
    assert "Solaris (1972)" in text and "Solaris (2002)" in text and "add the year" in text
    _, picked = await ask(emu, "info", title="Solaris (1972)")
    assert picked.startswith("Solaris (1972)")


@pytest.mark.parametrize("command", ["info", "search"])
async def test_odd_input_is_answered_safely(emu, bot, command):
    films_before = await film_count(bot)
    option = "title" if command == "info" else "query"
    for typed in ODD_INPUT:
        reply, text = await ask(emu, command, **{option: typed})
        assert reply["flags"] & EPHEMERAL, typed
        assert emu.pings(reply) == set(), typed
        assert not MENTION.search(text), typed
        assert len(text) < limits.EMBED_TOTAL
        assert "error id" not in text, typed
    assert await film_count(bot) == films_before


async def test_long_lists_page_with_buttons_for_the_asker(emu, bot):
    await import_ggplot(bot, [{"title": f"Sunset Story {n}", "year": 1980 + n} for n in range(20)])
    record = await emu.slash("Dave", "film search", query="sunset story")
    first = await record.reply()
    assert "1/2" in message_text(first) and "20 found" in embed(first)["footer"]["text"]
    assert len(embed(first)["description"].split("\n")) == 15
    second = await (await emu.click("Dave", first, label="Next")).reply()
    assert "2/2" in message_text(second)
    assert len(embed(second)["description"].split("\n")) == 5
    back = await (await emu.click("Dave", second, label="Previous")).reply()
    assert embed(back)["description"] == embed(first)["description"]
    stranger = await emu.click("Alice", first, label="Next")
    assert "belong to someone else" in await stranger.text()


async def test_autocomplete_says_when_the_catalog_cannot_answer(emu, bot, error_log):
    conn = bot.services.conn
    await conn.execute("ALTER TABLE films RENAME TO films_away")  # the catalog breaks
    try:
        offered = await emu.autocomplete("Alice", "film info", focused="title", title="nev")
        nothing = await emu.autocomplete("Alice", "film info", focused="title", title="  ")
    finally:
        await conn.execute("ALTER TABLE films_away RENAME TO films")
    assert offered == [
        {"name": "Film search failed; pick this to look up “nev” as typed", "value": "nev"}
    ]
    assert nothing == []
    error_log.expect("film autocomplete failed for 'nev'")
    error_log.expect("film autocomplete failed for '  '")
