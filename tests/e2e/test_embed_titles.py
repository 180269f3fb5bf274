"""Embed titles built from catalog or member text show that text as typed: spoiler bars,
backticks and emphasis in a film's title neither hide nor format anything (read back with the
independent markdown oracle, tests/discord_oracle.py)."""

from __future__ import annotations

from tests.discord_oracle import reveal
from tests.e2e._discussions import add_film
from tests.e2e._replies import settled

TITLE = "||Rosebud|| is a `sled` *really*"


def title_of(message: dict) -> str:
    (embed,) = message["embeds"]
    return embed["title"]


async def test_markdown_in_a_catalog_title_shows_literally_in_embed_titles(emu, bot):
    film_id = await add_film(bot, TITLE, 1941)
    film = f"#{film_id}"
    answers = [
        await emu.slash("Alice", "film info", title=film),
        await emu.slash("Alice", "film cast", title=film),
        await emu.slash("Alice", "film reviews", film=film),
        await emu.slash("Alice", "film search", query=TITLE),  # the query is echoed
    ]
    for record in answers:
        title = title_of(await record.reply())
        shown, hidden = reveal(title)
        assert hidden == "", title  # nothing behind a spoiler bar
        assert "||Rosebud||" in shown and "`sled`" in shown and "*really*" in shown, title


async def test_markdown_in_a_nickname_shows_literally_in_a_list_title(emu, bot):
    bob = emu.world.user_id("Bob")
    member = emu.world.members[bob]
    member["nick"] = "||Bob|| `the` *critic*"
    await emu.gateway.dispatch("GUILD_MEMBER_UPDATE", {**member, "guild_id": emu.world.guild["id"]})
    await settled(bot, emu)
    title = title_of(await (await emu.slash("Alice", "member reviews", member="Bob")).reply())
    shown, hidden = reveal(title)
    assert hidden == "" and "||Bob|| `the` *critic*" in shown, title
