"""/film info, cast, quotes, summary, similar and search through the emulator."""

from __future__ import annotations

from bot import limits
from bot.sandbox.emulator.interactions import EPHEMERAL, message_text
from tests.e2e._films import ask, embed


async def test_info_shows_the_seed_facts_to_the_channel(emu, bot):
    reply, text = await ask(emu, "info", title="Never Let Me Go")
    card = embed(reply)
    assert card["title"] == "Never Let Me Go (2010)"
    fields = {f["name"]: f["value"] for f in card["fields"]}
    assert fields["Director"] == "Mark Romanek"
    assert "Carey Mulligan (Kathy H.)" in fields["Main cast"]
    assert "Andrew Garfield (Tommy D.)" in fields["Main cast"]
    assert "Keira Knightley (Ruth C.)" in fields["Main cast"]
    assert "Drama" in fields["Genres"] and "United Kingdom" in fields["Country"]
    assert "Kazuo Ishiguro" in card["description"]  # the spoiler-free premise
    assert "||" not in text and "deferral" not in card["description"].lower()
    assert card["footer"]["text"].startswith("Sources: seed 0")
    assert not reply["flags"] & EPHEMERAL and reply["components"] == []
    assert emu.pings(reply) == set()


async def test_a_picked_choice_and_a_typed_title_give_the_same_card(emu, bot):
    choices = await emu.autocomplete("Bob", "film info", focused="title", title="never let")
    assert choices[0]["name"] == "Never Let Me Go (2010)"
    picked, _ = await ask(emu, "info", "Bob", title=choices[0]["value"])
    typed, _ = await ask(emu, "info", "Bob", title="never let me go")
    assert embed(picked) == embed(typed)


async def test_cast_lists_crew_then_cast_with_characters(emu, bot):
    reply, text = await ask(emu, "cast", title="Never Let Me Go")
    assert embed(reply)["title"] == "Cast and crew: Never Let Me Go (2010)"
    assert "**Director**: Mark Romanek" in text
    assert "**Composer**: Rachel Portman" in text
    assert "• Charlotte Rampling (Miss Emily)" in text
    assert "Ella Purnell (Ruth C., young Ruth)" in text


async def test_quotes_that_give_the_plot_away_are_behind_spoiler_tags(emu, bot):
    reply, _ = await ask(emu, "quotes", title="Never Let Me Go")
    lines = embed(reply)["description"].split("\n")
    assert any("We all complete" in line for line in lines)
    assert all(line.startswith("||") and line.endswith("||") for line in lines)


async def test_summary_premise_is_private_and_spoiler_free(emu, bot):
    record = await emu.slash("Alice", "film summary", title="Never Let Me Go", depth="premise")
    reply = await record.reply()
    assert await record.is_ephemeral()
    assert "Childhood at Hailsham" in reply["content"] and "||" not in reply["content"]
    assert "give the plot away" in reply["content"]
    assert len(record.messages()) == 1


async def test_full_summary_hides_later_acts_and_ending(emu, bot):
    record = await emu.slash("Alice", "film summary", title="Never Let Me Go")
    messages = await record.replies(2)
    assert all(m["flags"] & EPHEMERAL for m in messages)
    assert all(len(m["content"]) <= limits.MESSAGE_CONTENT for m in messages)
    whole = "\n".join(m["content"] for m in messages)
    assert whole.startswith("**Summary: Never Let Me Go (2010)**")
    assert "Spoilers below" in whole
    ending = whole.index("**The Search for Deferral**")
    assert whole.rfind("||", 0, ending) > whole.rfind("\n\n", 0, ending)  # opened just before
    assert "||**Ruth's Redemption**" in whole


async def test_public_summary_is_posted_to_the_channel(emu, bot):
    record = await emu.slash(
        "Mona", "film summary", where="film-talk", title="Never Let Me Go", public=True
    )
    messages = await record.replies(2)
    assert not any(m["flags"] & EPHEMERAL for m in messages)
    posted = [m["id"] for m in emu.messages_in("film-talk")]
    assert [m["id"] for m in messages] == posted
    assert all(emu.pings(m) == set() for m in messages)


async def test_similar_says_which_method_it_used(emu, bot):
    reply, text = await ask(emu, "similar", title="Never Let Me Go")
    assert embed(reply)["title"] == "Films like Never Let Me Go (2010)"
    first_line = embed(reply)["description"].split("\n")[0]
    assert "curated related films" in first_line
    assert "• The Fountain (2006)" in text


async def test_search_lists_titles_privately(emu, bot):
    record = await emu.slash("Carol", "film search", query="the lob")
    text = await record.text()
    assert await record.is_ephemeral()
    assert "The Lobster (2015)" in text and "1 found" in text
    empty = await emu.slash("Carol", "film search", query="zzzqqq")
    assert "No films found." in message_text(await empty.reply())


async def test_a_film_known_only_by_title_says_what_is_missing(emu, bot):
    # The Lobster is in the catalog as a film the reviews compare with: title and year only.
    _, cast = await ask(emu, "cast", title="The Lobster")
    assert "No cast or crew known yet." in cast
    _, quotes = await ask(emu, "quotes", title="The Lobster")
    assert "No quotes from this film yet." in quotes
    reply, summary = await ask(emu, "summary", title="The Lobster")
    assert (
        "No plot for this film yet: a moderator can write one with `/film plot`" in summary
        and reply["flags"] & EPHEMERAL
    )
