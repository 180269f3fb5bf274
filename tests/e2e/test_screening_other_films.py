"""The embedded backend on talk about films it was not written for, through the real client.

A discussion thread for Heat (imported into the catalog, not the curated film): a threat
phrased with a phrasal verb of harm is hidden, a veiled threat about where a member works is
flagged for review, a call to round up a group is hidden, and plot descriptions of
persecution, quoted threats from other films and exclamations are left alone.
"""

from __future__ import annotations

from bot.sandbox.emulator.interactions import message_text
from tests.e2e import _screening as screening
from tests.e2e._films import import_ggplot
from tests.e2e._screening import alerts, is_deleted, post_screened, ready

PHRASAL_THREAT = "Call Heat overrated again and I'll run you over in the car park"
VEILED = "I know which multiplex you work at. See you at the late showing."
ROUND_UP = "Round up the Gypsies and put them on a boat, then maybe I'll watch it"
FILM_TALK = [
    "In Schindler's List the SS treat the Jews as vermin and Goeth shoots prisoners for sport",
    'Liam Neeson\'s "I will look for you, I will find you, and I will kill you" speech rules',
    "In Goodfellas, people who rat end up in the river",
    "Holy shit you need to watch the bank heist on a big screen",
    "I'll find you a link to the director's commentary",
    "I'd kill for a 4K release of this, the shootout still beats everything since",
]


async def heat_thread(bot, emu) -> str:
    """A discussion thread for Heat, once the backend is ready and alerts have a channel."""
    await import_ggplot(bot, [{"title": "Heat", "year": 1995, "genres": ("Action", "Drama")}])
    await ready(bot)
    await screening.use_alert_channel(bot, emu)
    return await screening.discussion_thread(bot, emu, "Heat")


async def test_new_kinds_of_threat_and_hate_are_hidden_or_flagged(emu, bot):
    thread = await heat_thread(bot, emu)
    threat, hidden = await post_screened(bot, emu, "Dave", thread, PHRASAL_THREAT)
    assert (hidden.outcome, hidden.verdict.label) == ("hide", "threat")
    assert is_deleted(emu, threat)
    assert "threat 0.95 >= hide threshold 0.85 (default)" in emu.dms("Dave")[0]["content"]
    veiled, flagged = await post_screened(bot, emu, "Dave", thread, VEILED)
    assert flagged.outcome == "flag" and not is_deleted(emu, veiled)
    hate, removed = await post_screened(bot, emu, "Carol", thread, ROUND_UP)
    assert (removed.outcome, removed.verdict.label) == ("hide", "identity_attack")
    assert is_deleted(emu, hate)
    texts = [message_text(alert) for alert in alerts(emu)]
    assert len(texts) == 3
    assert "threat 0.75 >= flag threshold 0.40 (default)" in texts[1]
    stored = await bot.services.screening.latest_screening(int(hate["id"]))
    assert stored.content == ROUND_UP and stored.scores["identity_attack"] >= 0.85


async def test_plot_quotes_and_exclamations_about_other_films_are_left_alone(emu, bot):
    thread = await heat_thread(bot, emu)
    results = [await post_screened(bot, emu, "Alice", thread, text) for text in FILM_TALK]
    outcomes = {
        text: handled.outcome for text, (_, handled) in zip(FILM_TALK, results, strict=True)
    }
    assert outcomes == dict.fromkeys(FILM_TALK, "pass")
    assert not any(is_deleted(emu, posted) for posted, _ in results)
    assert alerts(emu) == []
    assert emu.dms("Alice") == []
