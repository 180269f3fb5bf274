"""Menace frames of the pattern layer: veiled threats that name no harm, and their look-alikes.

Each frame (harm_patterns.json, rules named "menace frame: ...") is one structure of menace:
knowledge of the reader's life, a conditional consequence, mock pity, harm to others like the
reader, no witnesses, violence as an image from a film. Each gives a flag-level threat score
(0.70: a moderator decides, never hidden by the defaults), and film talk shaped the same passes.
"""

from __future__ import annotations

import pytest
from screening_support import embedded

from bot.screening.harm_patterns import load_patterns
from bot.screening.pipeline import ScreeningPipeline
from bot.screening.policy import ScreeningPolicy, decide

PATTERNS = load_patterns()
POLICY = ScreeningPolicy(guild_id=1)
FRAME = "menace frame: "

CAUGHT = [
    ("your routine, known", "You park behind the library at eight every morning, don't you"),
    ("your routine, known", "Your brother's five-a-side finishes at nine on Tuesdays, I hear"),
    ("your family's school, known", "Your kids go to St Anne's Primary, don't they"),
    ("one more and you will", "One more comment about my edit and you'll regret it"),
    ("one more and you will", "Another spoiler like that and you will find out"),
    ("keep it up and you will", "Keep mocking my script and you'll be sorry"),
    ("keep it up and you will", "Keep running your mouth and sooner or later you'll get a knock"),
    ("think before you post again", "Think very hard before you reply to me again"),
    ("remember this before you go", "Remember what I said when you leave work tonight"),
    ("see where it gets you", "Spoil the finale and see where it gets you"),
    ("enjoy your body while you can", "Say goodbye to those front teeth"),
    ("enjoy your body while you can", "Enjoy your kneecaps"),
    ("enjoy it while you still can", "Enjoy your weekends while you still have them"),
    ("pray we never meet", "Better hope we never meet in person"),
    ("sleep lightly", "Sleep lightly, critic"),
    ("check under your car", "Might want to check your brakes, mate"),
    ("hope you are insured", "Hope your house is fully insured"),
    ("the last one who", "The last bloke who spoiled Dune for me needed stitches"),
    (
        "people who do that get hurt",
        "People who leak screeners have a habit of falling down the stairs",
    ),
    ("nobody would hear", "Nobody would notice if anything happened to you on that walk"),
    ("accidents happen, especially to you", "Accidents happen on the towpath, especially to you"),
    ("no cameras where you are", "Your street has no cameras, I noticed"),
    (
        "you will look like the film",
        "Your nose will look like Jack Nicholson's in Chinatown when I'm done",
    ),
    ("you are about to live it", "Loved Misery? Good, because you're about to live it"),
    ("remember what happened to", "Remember what happened to the guy in the trunk? Keep talking."),
    # an unsaid consequence: a body part or an ability to lose, a hospital to follow
    ("you will lose a body part", "Reply again and let's see how many teeth you have left"),
    ("you will lose a body part", "Good luck holding a pen with your fingers in splints"),
    ("you will lose a body part", "We'll see if you can still drive after that by Friday"),
    ("your next post from a hospital bed", "Your next video will be filmed from a hospital bed"),
    ("your next post from a hospital bed", "You'll be spending New Year in intensive care"),
    # an ultimatum: a deadline, then the speaker comes
    ("a deadline, then I come", "Remove my name from that post by tonight or I come knocking"),
    ("a deadline, then I come", "48 hours to say sorry. Then we come looking for you."),
    # menace by the situation
    ("a lonely place, isn't it", "That footpath behind the Odeon is pitch black at night, eh?"),
    ("a lonely place, isn't it", "Deserted car park you use after work. Anything could happen."),
    ("the mods won't always protect you", "Your precious mods can't protect you forever"),
    ("the mods won't always protect you", "Admins log off eventually, and then it's just us"),
    # mock pity about an accident
    ("a pity if you had an accident", "Be a tragedy if your mum took a nasty tumble, wouldn't it"),
    ("a pity if you had an accident", "Hope you never have a little accident on those stairs"),
    ("you will lose a body part", "I wonder how well you'd post with your arms broken"),
    ("you will lose a body part", "Bet you'd look good with a limp"),
    ("a deadline, then I come", "You've got an hour to delete it. Then we find you."),
    ("a deadline, then I come", "Take it down by 6pm or the lads pay you a visit"),
    ("a lonely place, isn't it", "Nice quiet street you live on. Nobody around at 2am, is there"),
    ("the mods won't always protect you", "Won't always have the mods to hide behind, will you"),
    ("the mods won't always protect you", "Your moderator friends can't protect you offline"),
    ("a pity if you had an accident", "Would be horrible if your car's brakes failed on the M6"),
    ("a pity if you had an accident", "Shame if someone pushed you in front of a train"),
    (
        "a pity if you had an accident",
        "Terrible things happen to people who walk alone by the canal",
    ),
    # round 3: the target's route known, an injury place or its visitors, another's fate
    ("I know your route", "We know which tram you catch after your shift"),
    ("I know your route", "I found out what time your daughter leaves school"),
    ("you will leave in a coffin", "Your mates will be seeing you in intensive care soon"),
    ("you will leave in a coffin", "Someone will have to identify your remains"),
    ("you will leave in a coffin", "Keep posting and you'll go home on a stretcher"),
    (
        "think about what happened to him",
        "The last admin who banned me woke up in a ditch. Think about it.",
    ),
    (
        "think about what happened to him",
        "That reviewer who laughed at us went missing last spring. Remember that.",
    ),
    (
        "watched, and alone",
        "Clocked you leaving the Regal on Thursday. Nobody else around at that time of night.",
    ),
    (
        "watched, and alone",
        "I watched you cross the retail park after the late film, all by yourself",
    ),
]
# Film talk shaped like a frame: advice, plans, plots, quoted lines, praise.
LOOK_ALIKES = [
    "You leave the cinema at ten, don't you? The late showing finishes after that",
    "Your daughter goes to drama school, doesn't she? She'd love Fame",
    "One more episode and you'll find out who the killer is",
    "One more Marvel sequel and I'll stop going to the cinema",
    "Keep watching, you'll see why everyone loves it by episode three",
    "Keep it up with the reviews and you'll find out I have no spare evenings left",
    "Think twice before you start Twin Peaks, it's a commitment",
    "Remember to bring your ID before you go to the 18 showing",
    "Enjoy your popcorn while you still can, the second act is gruesome",
    "Enjoy Aftersun while it's still in cinemas",
    "Say goodbye to your free weekend, the Godfather trilogy is on",
    "Pray we never get another Fast and Furious",
    "Sleep with the lights on after Sinister",
    "Check under your bed after Barbarian",
    "The last guy who hosted quiz night picked only Marvel questions",
    "People who love Paddington tend to be kind",
    "Nobody would hear a thing in that screen, the Dolby is so loud",
    "No one can hear them scream in that cabin in Evil Dead",
    "There are no cameras allowed at the preview, phones go in a pouch",
    "You'll look like you've seen a ghost after The Others",
    "Remember what happened to the last Fantastic Four? Let's not get hyped",
    "Watch your back for spoilers in the Dune thread",
    "Don't watch Hereditary alone, you'll regret it",
    "I'll find you in the foyer before the film, I'm in a green coat",
    "In No Country for Old Men, anyone who crosses Chigurh ends up needing stitches",
    "In Goodfellas the last guy who talks to the cops ends up in hospital",
    'His line "keep talking and you\'ll regret it" in the trailer is great',
    # shaped like the frames of unsaid consequences, deadlines, places, mods and mock pity
    "Let's see if you can still walk after the Dune marathon, all three parts back to back",
    "You'll leave with all your fingers crossed for a sequel",
    "Your fingers will ache from gripping the seat during Uncut Gems",
    "My nan watched Casablanca from her hospital bed and loved it",
    "You'll need a hospital bed after the three-hour director's cut",
    "You have until Friday to send your picks, then I'll come round with the popcorn",
    "Vote by midnight or I pick the film myself",
    "It's a dark walk home from the Rio, isn't it? We should share a taxi",
    "The path to the Lexi is pitch black after the late show, bring a phone torch",
    "The woods in The Blair Witch Project are so quiet, aren't they",
    "That underpass scene in Irreversible is so dark, isn't it?",
    "The mods won't always be online, so use the report button if you see spoilers",
    "It'd be a shame if you fell asleep during Satantango, it's seven hours",
    "It'd be a shame if you missed the 35mm print, it goes back on Monday",
    "Careful on the stairs at the Prince Charles, they are steep",
    "In Final Destination 2 people have accidents all the time, don't they",
    "You'll be pushing up daisies before the next Avatar comes out",
    "I'll put you in a box seat at the opera, my treat",
    "I'll get you sorted out with a ticket",
    "I'll do you in a minute, just finishing the dishes",
    "You'd look great with an eyepatch like Snake Plissken for the costume party",
    "With your arms broken from clapping, you'll still want more",
    "You have an hour to get to the cinema, then the doors close",
    "Tickets by 6pm or we go to the later showing",
    "Nice quiet street the cinema is on, is there parking nearby?",
    "You won't always have the mods to remind you, so read the pinned rules",
    "Shame if someone hit you with a spoiler before you saw it",
    "Would be a pity if your car broke down on the way to the drive-in",
    "It would be tragic if you broke down crying at the end of Coco",
    "Terrible things happen to people who go into the woods in horror films",
    "I'll see you in the ground floor bar before the film",
    "You'll spend the whole night in A&E if you binge all the Saw films",
    "You'll be spending Christmas in hospital anyway with that leg, so bring the DVDs",
    "The walk home from the Castle is dark, isn't it? I always get the bus",
    "Mods can't always be online to protect you from spoilers, so mute the channel",
    "Hope you never have an accident like the one in Crash",
    "Such a shame if you had an accident in your pants during the Nope jump scare lol",
    # round 3: a menace phrase named as a tagline or title, advice about a scene, a friendly
    # plan at a door or on a route, injury places and vanishings inside a story
    "You're next would be the perfect tagline for a Wes Craven tribute",
    "We know where you live is the best title card of any home-invasion film",
    "Watch your back in the car park sequence of The Batman, so tense",
    "Watch your back through the whole finale of Aliens",
    "I'll be waiting outside your house at five so we can cycle to the drive-in together",
    "I know which bus you get, we could ride to the Ritzy on it together",
    "Your family will love visiting the set of Harry Potter in Leavesden",
    "Next stop for you should be the Ghibli museum",
    "In Memento the girl who crossed Leonard disappeared. Think about that twist.",
    "It might be your last chance to see Apocalypse Now in 70mm",
    "The ICU nurse in Contagion is the real hero",
    "I know when you finish work, so I'll book the 8pm showing",
    "My cousin went missing for a day at Glastonbury, remember that?",
    "Your friends will be visiting you in hospital, get well soon",
]
# Look-alikes the patterns leave alone but the second look's head still flags (0.5-0.75):
# documented in docs/screening.md, so they are checked at the pattern layer only.
HEAD_FLAGS = {
    "Keep it up with the reviews and you'll find out I have no spare evenings left",
    "You'll look like you've seen a ghost after The Others",
    "With your arms broken from clapping, you'll still want more",
    "I'll see you in the ground floor bar before the film",
    "Hope you never have an accident like the one in Crash",
    # and one that alt-profanity-check reads as an insult (0.73, "accident in your pants")
    "Such a shame if you had an accident in your pants during the Nope jump scare lol",
    # a get-well wish naming a hospital visit (head 0.5-0.75; the patterns leave it alone)
    "Your friends will be visiting you in hospital, get well soon",
}


@pytest.mark.parametrize(("frame", "text"), CAUGHT)
def test_each_frame_catches_its_class_of_menace(frame: str, text: str) -> None:
    fired = [match.rule for match in PATTERNS.matches(text) if match.label == "threat"]
    assert FRAME + frame in fired
    assert 0.70 <= PATTERNS.score(text)["threat"] < 0.85  # flagged, under the hide threshold


@pytest.mark.parametrize("text", LOOK_ALIKES)
def test_film_talk_shaped_like_a_frame_scores_no_threat(text: str) -> None:
    assert PATTERNS.score(text)["threat"] == 0.0


@pytest.mark.parametrize(
    "text",
    [
        "Say that again and I'll send you to an early grave",
        "Keep talking and I'll put you in the ground",
        "You'll be pushing up daisies by the weekend",
        "You're going in the ground, pal",
        "I'll see you in your grave",
        "I'll do you in, I swear",
        "One word to the mods and I'll have you taken out",
    ],
)
def test_idioms_of_killing_the_reader_are_explicit_threats(text: str) -> None:
    assert PATTERNS.score(text)["threat"] >= 0.85  # hidden by the defaults


@pytest.mark.parametrize(
    ("text", "hate"),
    [
        ("Gypsies aren't even human", True),
        ("Trans people are freaks who should not be allowed to exist", True),
        ("Refugees aren't numbers, they're people", False),
        ("Muslims aren't a monolith, the film gets that right", False),
    ],
)
def test_denying_a_group_its_humanity_is_hate(text: str, hate: bool) -> None:
    assert (PATTERNS.score(text)["identity_attack"] >= 0.85) is hate


@pytest.mark.parametrize(
    "text",
    [
        "I'll choke you until you turn blue",
        "We're going to smother you in your sleep",
        "Someone should decapitate you",
        "I'm going to beat the living daylights out of you",
        "I'll trample you into the carpet",
        "I will disembowel you",
    ],
)
def test_harm_verbs_beyond_the_common_ones_are_explicit_threats(text: str) -> None:
    assert PATTERNS.score(text)["threat"] >= 0.85


@pytest.mark.parametrize(
    "text",
    [
        "Enjoy the gala tonight, it might be your last one",
        "Savour that festival pass, it may well be your last",
    ],
)
def test_this_might_be_your_last_is_a_veiled_warning(text: str) -> None:
    assert 0.70 <= PATTERNS.score(text)["threat"] < 0.85


def test_a_shared_plan_keeps_the_text_from_the_second_look() -> None:
    plan = "I'll be at your front gate at five so we can cycle to the drive-in together"
    assert PATTERNS.quiets_second_look(plan)
    assert not PATTERNS.quiets_second_look("I'll be at your front gate at five, alone")


def test_a_threat_naming_a_screening_is_still_hidden() -> None:
    text = "I'll find you after the screening and smash your face in"
    assert PATTERNS.score(text)["threat"] >= 0.85
    assert PATTERNS.score("I'll pick you up after the screening and stab you")["threat"] >= 0.85


def test_hospital_food_is_a_veiled_warning() -> None:
    assert 0.70 <= PATTERNS.score("Better get used to hospital food, mate")["threat"] < 0.85


def test_the_same_threat_unquoted_is_still_one() -> None:
    assert PATTERNS.score("I'm going to kill you")["threat"] >= 0.85
    assert PATTERNS.score('That is no bit: I will end you, "friend"')["threat"] >= 0.85


def test_every_frame_is_a_flag_level_threat_tagged_for_the_story_guards() -> None:
    frames = [rule for rule in PATTERNS.rules if rule.name.startswith(FRAME)]
    assert {rule.name for rule in frames} == {FRAME + frame for frame, _ in CAUGHT}
    for rule in frames:
        assert (rule.label, rule.score) == ("threat", 0.7)
        assert "menace" in rule.tags


@pytest.mark.parametrize(
    "text",
    [
        # a quoted line with a speech cue, reported speech, a sentence opening on a title
        "The villain's line 'keep talking and you'll regret it' is chilling",
        "when he says one more word and you'll be sorry, the whole cinema went quiet",
        "In Cape Fear, the last lawyer who crossed Cady needed stitches",
        # a quoted threat named as a bit, a gag or an exchange, or cried out, is a film's line
        'the "I will end you" gag in Shaun of the Dead gets me every time',
        'Dewey cries "I\'m going to kill you!" and the whole cinema laughed',
        'the "I\'m gonna kill you" exchange between the brothers is brilliant',
    ],
)
def test_a_frame_in_a_quoted_line_or_a_story_sentence_scores_nothing(text: str) -> None:
    assert PATTERNS.score(text)["threat"] == 0.0


def test_through_the_whole_path_frames_are_flagged_and_look_alikes_pass() -> None:
    threats = [text for _, text in CAUGHT]
    film_talk = [text for text in LOOK_ALIKES if text not in HEAD_FLAGS]
    screener = ScreeningPipeline(embedded())
    try:
        screened = screener.screen_blocking(threats + film_talk, None)
    finally:
        screener.batcher.close_sync()
    verdicts = [decide(s.scores, POLICY) for s in screened]
    outcomes = {
        text: v.outcome.value for text, v in zip(threats + film_talk, verdicts, strict=True)
    }
    assert {outcomes[text] for text in threats} == {"flag"}  # flagged, never hidden
    assert [text for text in film_talk if outcomes[text] != "pass"] == []


def test_a_curse_at_a_character_or_a_guess_at_taste_is_not_abuse() -> None:
    """Swearing that describes one character, and a guess that the reader would hate a film,
    pass; the same words at a member are still abuse."""
    film_talk = [
        "Tom Hardy plays a mad bastard in Bronson",
        "Travis Bickle is one lonely motherfucker",
        "Renton's mate Begbie is a proper psycho",
        "You'd hate Eraserhead, it's a nightmare in black and white",
        "I think you would really hate it, it's so slow",
    ]
    abuse = ["you bastard, you ruined the thread", "you motherfucker", "I hate you"]
    screener = ScreeningPipeline(embedded())
    try:
        screened = screener.screen_blocking(film_talk + abuse, None)
    finally:
        screener.batcher.close_sync()
    outcomes = [decide(s.scores, POLICY).outcome.value for s in screened]
    assert outcomes[: len(film_talk)] == ["pass"] * len(film_talk)
    assert outcomes[len(film_talk) :] == ["hide", "hide", "flag"]
