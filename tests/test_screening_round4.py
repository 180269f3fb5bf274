"""Round 4 of the pattern layer (harm_patterns.json version 6): menace told by the situation
alone, and three kinds of film talk that looked like menace.

- `menace frame: watched, and alone`: the speaker saw, followed or knows the reader's
  movements and says they were alone, unseen or somewhere dark (a flag, never a hide);
  guarded by `a friendly sighting` and `friendly plan`, and by a question mark.
- `after a film`: a warning about what a film leaves behind ("don't sleep alone after ...").
- `called a title in the next sentence`: a menace phrase as a sentence, named a title next.
- `going to a screening together`: a door or street in a plan that takes both to a film.
The sentences here are written for these tests; the labelled sets are in bench/data.
"""

from __future__ import annotations

import pytest
from screening_support import embedded

from bot.screening.harm_patterns import _sentence_window, load_patterns
from bot.screening.pipeline import ScreeningPipeline
from bot.screening.policy import ScreeningPolicy, decide

PATTERNS = load_patterns()
POLICY = ScreeningPolicy(guild_id=1)
SITUATION = "menace frame: watched, and alone"

WATCHED_ALONE = [
    "I clocked you coming out of the Showcase on Monday. Not a soul around you.",
    "Spotted you at the tram stop after the horror double bill. All by yourself, at midnight.",
    "You left the Cameo by the fire exit on Sunday and took the unlit lane home",
    "We saw you leave your shift at the multiplex. Empty car park, wasn't it?",
    "You always queue by yourself for the late Tuesday showing. I've noticed.",  # sighting after
]
SIGHTINGS_THAT_ARE_NOT_MENACE = [
    "Did I see you alone at the Kubrick retrospective?",  # a question
    "Saw you on your own at the Akira showing, come and sit with us next time",
    "I spotted you by yourself at the Ghibli matinee, sorry I didn't say hello",
    "Saw you alone in the trailer for your short film, lovely work",  # "in the trailer"
    "I've been following you on Letterboxd, you always watch slashers by yourself",
    "In Rear Window Jeff watches his neighbour, who is always alone",  # no "you"
    "Watched Possession alone at midnight and regretted it",  # the speaker alone
    # not a whereabouts, not a person watching, or "nobody else" / "just you" as praise
    "I saw you reviewed Pulse, nobody else here has even heard of it",
    "That film watches you back, alone in the dark of the cinema",
    "I've seen you stick up for Cats for years, just you against the world",
    "You left Oppenheimer before the end, just you and two others walked out",
    # a kind word after it
    "Noticed you sat alone at the last meetup, you're always welcome at our table",
    "You walked out of Megalopolis alone, I respect that",
]
AFTER_EFFECTS = [
    "Good luck taking the bins out alone after The Ritual",
    "Sleep with one eye open after Barbarian, seriously",
    "Don't go camping on your own once you've seen Backcountry",
    "Watch your back in every car park after watching a film like Hush",
    "Lock your doors tonight, that film will have you checking every window",
]
TITLES_NAMED_NEXT = [
    "You're next. Honestly the perfect title for a slasher",
    "We know where you live. That would make a great name for a home invasion thriller",
    "Sleep With One Eye Open. Best tagline nobody has used yet.",
]
LIFTS_TO_A_SCREENING = [
    "Be outside your flat at six, I'm driving us to the Kurosawa double bill",
    "I'll wait by your gate at 7, the Solaris showing starts at half past",
    "I'll be at the end of your street at five, then it's the Totoro matinee",
    "I'll swing by your house at eight and take you over to the drive-in",
    "Outside your place at 7 with the car for the Paris, Texas restoration",  # its purpose
]
STILL_THREATS = [
    "I'll find you after the Sunday matinee",  # a venue named as a time
    "I'll find you after Arrival",  # the speaker's own plan after a title
    "I know where you live. See you at the screening.",  # no plan to go together
    "We know which flat is yours now. The one with the Jaws poster in the window.",
    "Be careful walking home after the Thursday premiere",
    "You won't see it coming. Best tagline for what happens to you next",  # about the reader
    "I'll be outside your house at 8, tickets or not, and we'll settle this",  # no plan
]


@pytest.mark.parametrize("text", WATCHED_ALONE)
def test_watched_and_alone_is_a_flag_level_threat(text: str) -> None:
    fired = [match.rule for match in PATTERNS.matches(text)]
    assert SITUATION in fired
    assert 0.70 <= PATTERNS.score(text)["threat"] < 0.85


@pytest.mark.parametrize("text", SIGHTINGS_THAT_ARE_NOT_MENACE)
def test_kind_or_questioning_sightings_are_not_the_situation_frame(text: str) -> None:
    assert SITUATION not in [match.rule for match in PATTERNS.matches(text)]


@pytest.mark.parametrize("text", AFTER_EFFECTS + TITLES_NAMED_NEXT + LIFTS_TO_A_SCREENING)
def test_film_talk_of_the_three_kinds_scores_no_threat(text: str) -> None:
    assert PATTERNS.score(text)["threat"] == 0.0


@pytest.mark.parametrize("text", STILL_THREATS)
def test_threats_naming_a_film_or_venue_are_still_flagged(text: str) -> None:
    assert PATTERNS.score(text)["threat"] >= 0.70


def test_explicit_threats_with_a_lift_or_a_title_still_hide() -> None:
    lift = "I'll be at your door at seven to drive us to the screening, then I'll break your legs"
    assert PATTERNS.score(lift)["threat"] >= 0.85
    assert PATTERNS.score("After The Ring I'll slit your throat")["threat"] >= 0.85


def test_after_effects_and_lifts_keep_the_text_from_the_second_look() -> None:
    assert PATTERNS.quiets_second_look("Don't shower alone after Psycho")
    assert PATTERNS.quiets_second_look("I'll be at your door at 7, our tickets are booked")
    # a sighting, the speaker's plan, a venue named only as a time: the head still reads it
    assert not PATTERNS.quiets_second_look("I saw you walk home alone after Psycho")
    assert not PATTERNS.quiets_second_look("I'll find you after Psycho")
    assert not PATTERNS.quiets_second_look("I'll be outside your door after the screening")


def test_a_guard_window_can_run_on_into_the_next_sentence() -> None:
    text = "Watch your back. Great title. Third sentence."
    end = len("Watch your back")
    assert _sentence_window(text, 0, end, 0, 80) == " \u2022 "
    assert _sentence_window(text, 0, end, 0, 80, next_sentence=True) == (
        " \u2022  \u00b6  Great title"
    )


def test_through_the_whole_path_the_situation_is_flagged_and_film_talk_passes() -> None:
    film_talk = [*AFTER_EFFECTS, *TITLES_NAMED_NEXT, *LIFTS_TO_A_SCREENING]
    film_talk.append('Best line in Sicario: "you will not survive here, you are not a wolf"')
    texts = WATCHED_ALONE + film_talk
    screener = ScreeningPipeline(embedded())
    try:
        screened = screener.screen_blocking(texts, None)
    finally:
        screener.batcher.close_sync()
    outcomes = {
        text: decide(s.scores, POLICY).outcome.value
        for text, s in zip(texts, screened, strict=True)
    }
    assert {outcomes[text] for text in WATCHED_ALONE} == {"flag"}  # a moderator decides
    assert [text for text in film_talk if outcomes[text] != "pass"] == []
