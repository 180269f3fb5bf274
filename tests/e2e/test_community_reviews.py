"""Member reviews: posted as a discussion thread, spoilers tagged, replies in the tree,
one per member (edits keep the previous version), removal updates the ratings."""

from __future__ import annotations

import asyncio
import json

from bot.sandbox.emulator.interactions import message_text
from bot.sandbox.emulator.reactions import react, unreact
from tests.e2e._discussions import NLMG, add_film, thread_id_in
from tests.e2e._replies import settled

REVIEW = (
    "A quiet, aching film about three friends at a boarding school. "
    "Ruth completes after her second donation. Carey Mulligan is wonderful."
)


async def post_review(emu, user="Alice", rating=3.5, text=REVIEW, where="film-talk"):
    record = await emu.slash(user, "review", where=where, film=NLMG, rating=rating, text=text)
    reply_text = await record.text()
    assert "Your review of Never Let Me Go (2010)" in reply_text, reply_text
    return thread_id_in(reply_text), reply_text


async def test_a_review_is_a_thread_with_stars_tagged_spoilers_and_a_reply_tree(emu, bot):
    thread, answer = await post_review(emu)
    assert "spoiler tags" in answer
    (opener, *_) = emu.messages_in(thread)
    content = opener["content"]
    assert content.startswith("## Review of Never Let Me Go (2010)")
    assert "**By:** Alice" in content and "**Rating:** ★★★½☆ 3.5/5" in content
    assert "||Ruth completes after her second donation.||" in content
    assert "Carey Mulligan is wonderful." in content and emu.pings(opener) == set()
    assert emu.world.channels[thread]["name"].startswith("★★★½ Never Let Me Go (2010)")

    reply = await emu.post("Bob", thread, "Agreed, the score too.", reply_to=opener)
    await emu.post("Carol", thread, "And the ending!", reply_to=reply)
    await settled(bot, emu)
    tree = await emu.slash("Dave", "thread tree", where=thread)
    text = message_text(await tree.reply())
    assert "3 comments" in text and "Agreed, the score too." in text
    assert "Ruth completes" not in text.replace("||Ruth completes", "")  # only tagged

    (stored,) = await bot.services.community.reviews.for_film(int(emu.world.guild["id"]), 1)
    assert stored.text == REVIEW and stored.rating.value == 3.5
    assert stored.thread_id == int(thread) and stored.opener_message_id == int(opener["id"])
    assert (await bot.services.discussions.by_thread(int(thread))).film_id == 1


async def test_a_second_review_offers_to_edit_and_keeps_the_previous_version(emu, bot):
    thread, _ = await post_review(emu, rating=3)
    again = await emu.slash("Alice", "review", film=NLMG, rating=4.5, text="Better the 2nd time.")
    offer = await again.reply()
    assert "You already reviewed Never Let Me Go (2010) (3/5, version 1)" in offer["content"]
    done = await emu.click("Alice", offer, label="Replace")
    assert "(4.5/5) is in" in await done.text()
    opener = emu.messages_in(thread)[0]
    assert "★★★★½ 4.5/5" in opener["content"] and "Better the 2nd time." in opener["content"]
    reviews = bot.services.community.reviews
    (review,) = await reviews.for_film(int(emu.world.guild["id"]), 1)
    assert review.version == 2
    (previous,) = await reviews.versions(review.id)
    assert previous.rating.value == 3 and previous.text == REVIEW
    assert len([t for t in emu.world.channels.values() if t.get("name", "").startswith("★")]) == 1


async def test_ratings_show_on_the_card_and_removal_updates_them(emu, bot):
    await post_review(emu, "Alice", 3.5)
    await post_review(emu, "Bob", 4.5, "Lovely.")
    card = await (await emu.slash("Dave", "film info", title=NLMG)).reply()
    (embed,) = card["embeds"]
    rating = next(f["value"] for f in embed["fields"] if f["name"] == "Rating")
    assert rating.startswith("Film Club: 4.0/5 from 2 members")

    top = message_text(await (await emu.slash("Dave", "film top")).reply())
    assert "Bayesian average" in top and "Never Let Me Go (2010): **" in top

    listed = message_text(await (await emu.slash("Dave", "film reviews", film=NLMG)).reply())
    assert "by Alice" in listed and "by Bob" in listed

    refused = await emu.slash("Carol", "unreview", film=NLMG, member="Bob")
    assert "Only the review's author or a moderator" in await refused.text()
    removed = await emu.slash("Bob", "unreview", film=NLMG)
    assert "no longer counts it" in await removed.text()
    card = await (await emu.slash("Dave", "film info", title=NLMG)).reply()
    rating = next(f["value"] for f in card["embeds"][0]["fields"] if f["name"] == "Rating")
    assert rating.startswith("Film Club: 3.5/5 from 1 member")
    mine = message_text(await (await emu.slash("Dave", "member reviews", member="Bob")).reply())
    assert "has not reviewed a film yet" in mine


async def test_bad_reviews_are_refused_and_nothing_is_created(emu, bot):
    cases = [
        (6, "x", "so 6 is out of range"),
        (3.3, "x", "3.3 is between 3 and 3.5"),
        (3, "w" * 4001, "Your review is 4,001 characters; the limit is 4,000"),
    ]
    for rating, text, expected in cases:
        record = await emu.slash("Alice", "review", film=NLMG, rating=rating, text=text)
        assert expected in await record.text()
    unknown = await emu.slash("Alice", "review", film="Never Let Me Goo", rating=3, text="x")
    assert "Never Let Me Go (2010)" in await unknown.text()
    assert await bot.services.community.reviews.ratings(int(emu.world.guild["id"])) == []
    assert not [c for c in emu.world.channels.values() if c.get("parent_id")]


async def test_without_text_a_modal_asks_for_a_title_and_the_review(emu, bot):
    shown = await emu.slash("Alice", "review", where="film-talk", film=NLMG, rating=2)
    submitted = await emu.submit_modal(
        "Alice", shown, {"title": "Hailsham @everyone", "text": "Too slow for me."}
    )
    thread = thread_id_in(await submitted.text())
    opener = emu.messages_in(thread)[0]
    assert opener["content"].startswith("## Hailsham @\u200beveryone")
    assert "★★☆☆☆ 2/5" in opener["content"] and emu.pings(opener) == set()


async def test_reactions_show_in_the_tree_the_chain_and_the_export(emu, bot):
    counted = asyncio.Event()

    async def on_counted(message_id: int) -> None:
        counted.set()

    bot.add_listener(on_counted, "on_reaction_counted")
    thread, _ = await post_review(emu)
    opener = emu.messages_in(thread)[0]
    comment = await emu.post("Bob", thread, "Liked it.", reply_to=opener)
    for user, emoji in (("Alice", "❤️"), ("Carol", "❤️"), ("Dave", "👍"), ("Dave", "❤️")):
        counted.clear()
        await react(emu, user, comment, emoji)
        await counted.wait()
    counted.clear()
    await unreact(emu, "Dave", comment, "❤️")
    await counted.wait()
    await settled(bot, emu)
    tree = message_text(await (await emu.slash("Dave", "thread tree", where=thread)).reply())
    assert "❤️ 2 · 👍 1" in tree
    chain = await emu.context_menu("Dave", "Show reply chain", comment)
    assert "❤️ 2 · 👍 1" in message_text(await chain.reply())
    export = await (await emu.slash("Dave", "thread export", where=thread, format="json")).reply()
    (attachment,) = export["attachments"]
    document = json.loads(emu.store.files[attachment["id"]].data)
    assert document[0]["replies"][0]["reactions"] == {"❤️": 2, "👍": 1}


async def test_a_moderator_removes_a_review_its_replies_stay_under_a_tombstone(emu, bot):
    thread, _ = await post_review(emu)
    opener = emu.messages_in(thread)[0]
    await emu.post("Bob", thread, "I disagree.", reply_to=opener)
    removed = await emu.slash("Mona", "unreview", film=NLMG, member="Alice")
    assert "Removed the review of Never Let Me Go (2010) by <@" in await removed.text()
    assert emu.pings(await removed.reply()) == set()
    await settled(bot, emu)
    tree = message_text(await (await emu.slash("Dave", "thread tree", where=thread)).reply())
    assert "*[removed by a moderator]*" in tree and "I disagree." in tree
    assert "Quiet" not in tree and "Ruth completes" not in tree
    (review,) = [r async for r in _all_reviews(bot)]
    assert review.status.value == "removed" and review.text == REVIEW  # kept for moderators


async def _all_reviews(bot):
    async with bot.services.conn.execute("SELECT id FROM reviews") as cursor:
        ids = [row[0] for row in await cursor.fetchall()]
    for review_id in ids:
        yield await bot.services.community.reviews.get(review_id)


async def test_reviews_open_as_forum_posts_in_a_configured_forum(emu, bot):
    saved = await emu.slash("Olive", "community settings", reviews_channel="film-forum")
    assert "Reviews open in: <#" in await saved.text()
    thread, _ = await post_review(emu, where="general", text="Lovely.")
    channel = emu.world.channels[thread]
    assert channel["parent_id"] == emu.world.channel_id("film-forum")
    opener = emu.messages_in(thread)[0]
    assert "**Rating:** ★★★½☆ 3.5/5" in opener["content"]
    discussion = await bot.services.discussions.by_thread(int(thread))
    assert discussion.opener_message_id == int(opener["id"])


async def test_top_films_by_genre_and_minimum_ratings(emu, bot):
    moon = await add_film(bot, "Moon", 2009, ("Science Fiction",))
    lobster = await add_film(bot, "The Lobster", 2015, ("Comedy",))
    await post_review(emu, "Alice", 5, "x")
    votes = [("Alice", moon, 4.5), ("Bob", moon, 4.5), ("Carol", moon, 4.5), ("Dave", lobster, 1)]
    for user, film, rating in votes:
        record = await emu.slash(user, "review", where="film-talk", film=f"#{film}",
                                 rating=rating, text="Seen it.")  # fmt: skip
        assert "Your review of" in await record.text()
    # prior 3.9: NLMG (one 5) -> 4.08, Moon (three 4.5) -> 4.13: more ratings win
    text = message_text(await (await emu.slash("Dave", "film top")).reply())
    assert "mean (3.90/5) by 5" in text
    assert "1. Moon (2009): **4.12** (mean 4.5/5 from 3 ratings)" in text
    assert "2. Never Let Me Go (2010): **4.08** (mean 5.0/5 from 1 rating)" in text
    scifi = message_text(
        await (await emu.slash("Dave", "film top", genre="science fiction")).reply()
    )
    assert "Moon (2009)" in scifi and "Never Let Me Go" in scifi and "Lobster" not in scifi
    assert "in science fiction" in scifi  # spelled as the catalog does not ("Sci-Fi")
    drama = message_text(await (await emu.slash("Dave", "film top", genre="Drama")).reply())
    assert "Never Let Me Go" in drama and "Moon" not in drama
    two = message_text(await (await emu.slash("Dave", "film top", min_ratings=2)).reply())
    assert "Moon (2009)" in two and "Never Let Me Go" not in two and "Lobster" not in two


async def test_an_abusive_review_is_held_back_by_screening_and_nothing_is_posted(emu, bot):
    assert await bot.services.screening_startup.wait_loaded()
    record = await emu.slash(
        "Bob", "review", where="film-talk", film=NLMG, rating=1, text="you are a pathetic idiot"
    )
    assert "Screening held your review back as abusive" in await record.text()
    assert await bot.services.community.reviews.ratings(int(emu.world.guild["id"])) == []
    assert not [c for c in emu.world.channels.values() if c.get("parent_id")]
