"""Small text helpers shared by every feature."""

from __future__ import annotations

from discord_oracle import reveal

from bot.text import (
    ZERO_WIDTH_SPACE,
    counted,
    escape_markdown,
    neutral_label,
    neutral_name,
    neutralise_mentions,
)

MENTIONS = ["<@123>", "<@!123>", "<@&42>", "<#9>", "</ban member:7>", "<id:browse>", "@everyone"]


def test_counted_nouns_agree_with_their_number():
    assert counted(1, "message") == "1 message"
    assert counted(0, "message") == "0 messages"
    assert counted(1200, "reply", "replies") == "1,200 replies"


def test_every_mention_kind_is_made_inert_and_stays_readable():
    for mention in MENTIONS:
        inert = neutralise_mentions(f"hi {mention}!")
        assert mention not in inert and ZERO_WIDTH_SPACE in inert
        assert inert.replace(ZERO_WIDTH_SPACE, "") == f"hi {mention}!"
        assert neutralise_mentions(inert) == inert  # applying it twice changes nothing
    assert neutralise_mentions("@everyone__") == f"@{ZERO_WIDTH_SPACE}everyone__"
    assert neutralise_mentions("<:wave:12> mail@hereford.uk") == "<:wave:12> mail@hereford.uk"


def test_names_and_labels_show_literally():
    name = "<@&42> **Bob** @here"
    shown, _ = reveal(neutral_name(name))
    assert shown.replace(ZERO_WIDTH_SPACE, "") == name  # no bold, the markup shown as typed
    assert "<@&42>" not in neutral_name(name) and "@here" not in neutral_name(name)
    assert neutral_name("a\nb\u202e " + "x" * 40) == "a b " + "x" * 27 + "…"
    assert neutral_name("   ") == "unknown"
    label = neutral_label("<#9>\n @everyone  (2001)")
    assert label == f"<#{ZERO_WIDTH_SPACE}9> @{ZERO_WIDTH_SPACE}everyone (2001)"
    assert escape_markdown("*a* <@1>") == f"\\*a\\* <@{ZERO_WIDTH_SPACE}1>"


def test_embed_title_escapes_markdown_and_never_ends_on_a_lone_backslash():
    from bot.text import embed_title

    assert (
        embed_title("||Twist||\n`code` @everyone") == "\\|\\|Twist\\|\\| \\`code\\` @\u200beveryone"
    )
    cut = embed_title("a" * 9 + "*" * 10, limit=11)
    assert len(cut) <= 11 and cut.endswith("…") and not cut[:-1].endswith("\\")
    assert cut[:-1].count("\\") == cut[:-1].count("*")  # every kept star keeps its escape
