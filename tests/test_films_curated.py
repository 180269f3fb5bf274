"""The curated data file: every fact the seeds give, each citing its seed, loaded without a DB."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.films.curated import CuratedDataError, load_curated
from bot.films.model import SpoilerLevel

SEEDS = Path(__file__).resolve().parents[1] / "bot" / "films" / "data"
SEED_FILES = {
    "000_3539d6ba00ad81e7.txt",
    "001_49669e3f3a6d1dbd.txt",
    "002_83ede2a8ecd8d10e.txt",
    "003_8b700c430ba5d875.txt",
    "004_6974e321bc0fccf8.txt",
}


@pytest.fixture(scope="module")
def nlmg():
    films = {d.film.title: d for d in load_curated()}
    return films["Never Let Me Go"]


def test_film_identity_and_card_fields(nlmg):
    assert nlmg.film.year == 2010
    assert nlmg.film.external_ids == {"curated": "never-let-me-go-2010"}
    assert nlmg.film.rating == 7.2
    assert "United Kingdom" in nlmg.film.countries
    assert "cloning" in nlmg.film.synopsis


def test_crew_and_cast_with_characters(nlmg):
    assert [c.name for c in nlmg.people("director")] == ["Mark Romanek"]
    assert {c.name for c in nlmg.people("writer")} == {"Alex Garland", "Kazuo Ishiguro"}
    assert [c.name for c in nlmg.people("composer")] == ["Rachel Portman"]
    assert [c.name for c in nlmg.people("cinematographer")] == ["Adam Kimmel"]
    cast = {c.name: c for c in nlmg.people("cast")}
    assert cast["Carey Mulligan"].character == "Kathy H."
    assert cast["Charlotte Rampling"].character == "Miss Emily"
    assert {"Izzy Meikle-Small", "Ella Purnell", "Charlie Rowe"} <= set(cast)
    assert nlmg.characters[:3] == ("Kathy H.", "Tommy D.", "Ruth C.")
    assert {"Kathy", "Cathy", "Tommy", "Ruth", "Miss Lucy"} <= set(nlmg.character_names)


def test_summary_is_tiered_from_premise_to_ending(nlmg):
    levels = [s.level for s in nlmg.summary]
    assert levels == sorted(levels)
    assert set(levels) == set(SpoilerLevel)
    premise = " ".join(s.text for s in nlmg.spoiler_free_summary())
    assert "deferral" not in premise and "completes" not in premise
    assert nlmg.summary[-2].heading == "Movie Ending"


def test_quotes_have_speakers_and_levels(nlmg):
    speakers = {q.speaker for q in nlmg.quotes}
    assert speakers == {"Kathy", "Ruth", "Miss Emily"}
    assert all(q.level > SpoilerLevel.PREMISE for q in nlmg.quotes)


def test_box_office_disagreement_kept_with_both_sources(nlmg):
    sources = {f.source for f in nlmg.facts_of("box_office")}
    assert {"seed:001_49669e3f3a6d1dbd.txt", "seed:003_8b700c430ba5d875.txt"} <= sources
    assert [f.value for f in nlmg.facts_of("budget")][0] == "$15 million"
    assert len(nlmg.facts_of("award")) == 3
    assert any("Norfolk" in f.value for f in nlmg.facts_of("location"))
    assert any("Ishiguro" in f.value for f in nlmg.facts_of("novel"))


def test_every_fact_cites_a_seed(nlmg):
    cited = [c.source for c in nlmg.credits] + [s.source for s in nlmg.summary]
    cited += [q.source for q in nlmg.quotes] + [f.source for f in nlmg.facts]
    cited += [link.source for link in nlmg.related_links]
    cited += list(nlmg.field_sources.values())
    for source in cited:
        assert any(seed in source for seed in SEED_FILES), source


def test_related_films_have_titles_and_years(nlmg):
    keep = [link for link in nlmg.related_links if link.relation == "keep_exploring"]
    assert len(keep) == 20
    compared = {link.film.title for link in nlmg.related_links if link.relation == "compared"}
    assert {"Inception", "The Lobster", "The Island"} <= compared
    for link in nlmg.related_links:
        if link.relation != "mentioned":
            assert link.film.year, link.film.title


def test_malformed_file_names_the_entry(tmp_path):
    bad = {"format": 1, "films": [{"key": "x", "title": "X", "source": "seed:a", "oops": 1}]}
    (tmp_path / "bad.json").write_text(json.dumps(bad), encoding="utf-8")
    with pytest.raises(CuratedDataError, match=r"bad.json: films\[0\]: unknown keys \['oops'\]"):
        load_curated(tmp_path)
    (tmp_path / "bad.json").write_text("{", encoding="utf-8")
    with pytest.raises(CuratedDataError, match="not valid JSON"):
        load_curated(tmp_path)
