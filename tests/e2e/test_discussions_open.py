"""/discuss start in a text channel and a forum, with its refusals."""

from __future__ import annotations

import asyncio

from bot.sandbox.emulator.interactions import message_text
from bot.spoilers.format import hidden_text, unhidden_text, visible_text
from tests.e2e._discussions import (
    NLMG,
    add_film,
    open_discussion,
    thread_id_in,
    threads_under,
)


async def test_autocomplete_offers_catalog_titles(emu, bot):
    choices = await emu.autocomplete("Mona", "discuss start", focused="film", film="never let")
    assert choices[0] == {"name": "Never Let Me Go (2010)", "value": NLMG}


async def test_moderator_opens_a_thread_under_a_text_channel(emu, bot):
    thread_id = await open_discussion(emu, "film-talk")
    thread = emu.world.channels[thread_id]
    assert thread["name"] == "Never Let Me Go (2010) - discussion"
    assert thread["parent_id"] == emu.world.channel_id("film-talk")
    assert thread["thread_metadata"]["auto_archive_duration"] == 10080
    opener, *summary = emu.messages_in(thread_id)
    assert "Spoilers: **tagged-only**" in opener["content"]
    card = opener["embeds"][0]
    assert card["title"] == "Never Let Me Go (2010)"
    assert "Mark Romanek" in message_text(opener)
    text = "".join(m["content"] for m in summary)
    assert all(len(m["content"]) <= 2000 for m in summary) and len(summary) >= 2
    shown = unhidden_text(text)
    assert "Kathy quietly loves Tommy" in shown  # the premise is plain
    assert "Spoilers below: click or tap the black bars" in shown
    assert "Tommy undergoes his final donation and dies" in hidden_text(text)
    assert "dies" not in shown and "deferral" not in shown
    assert "Ruth's Redemption" in visible_text(text) and "Redemption" not in shown
    assert all(m["content"].count("||") % 2 == 0 for m in summary)
    assert all(emu.pings(m) == set() for m in (opener, *summary))
    stored = await bot.services.discussions.by_thread(int(thread_id))
    assert (stored.film_id, stored.film_label) == (1, "Never Let Me Go (2010)")
    assert stored.spoiler_policy == "tagged-only"
    assert stored.opener_message_id == int(opener["id"])
    assert stored.created_by == int(emu.world.user_id("Mona"))


async def test_forum_post_gets_the_film_genre_tags(emu, bot):
    thread_id = await open_discussion(emu, "film-forum", spoilers="allowed")
    thread = emu.world.channels[thread_id]
    forum = emu.world.channels[emu.world.channel_id("film-forum")]
    names = {t["id"]: t["name"] for t in forum["available_tags"]}
    assert sorted(names[t] for t in thread["applied_tags"]) == [
        "Drama",
        "Romance",
        "Science Fiction",
    ]
    starter = emu.messages_in(thread_id)[0]
    assert starter["id"] == thread_id and "Spoilers: **allowed**" in starter["content"]
    stored = await bot.services.discussions.by_thread(int(thread_id))
    assert stored.opener_message_id == int(thread_id) and not stored.tagged_only


async def test_second_thread_is_refused_with_a_link_unless_forced(emu, bot):
    first = await open_discussion(emu, "film-talk")
    again = await emu.slash("Mona", "discuss start", film=NLMG, channel="film-talk")
    assert await again.text() == (
        f"A discussion of Never Let Me Go (2010) is already open here: <#{first}>. "
        "Join it, or use force to open a second one."
    )
    assert await again.is_ephemeral()
    assert len(threads_under(emu, "film-talk")) == 1
    elsewhere = await open_discussion(emu, "general")  # another channel is fine
    forced = await open_discussion(emu, "film-talk", force=True)
    assert len({first, elsewhere, forced}) == 3
    assert len(threads_under(emu, "film-talk")) == 2


async def test_thread_archived_on_discord_is_reopened_and_no_longer_blocks(emu, bot):
    first = await open_discussion(emu, "film-talk")
    archived = asyncio.ensure_future(bot.wait_for("discussion_archived"))
    await bot.get_channel(int(first)).edit(archived=True)  # as Discord does after a quiet week
    assert await archived == int(first)
    listed = await emu.slash("Alice", "discuss list")
    choices = await emu.autocomplete("Mona", "discuss reopen", focused="discussion", discussion="")
    assert choices == [{"name": "Never Let Me Go (2010) · #film-talk", "value": first}]
    assert first not in await listed.text()
    reopened = await emu.slash("Mona", "discuss reopen", discussion=first)
    assert await reopened.text() == f"Reopened <#{first}> (Never Let Me Go (2010))."
    assert emu.world.channels[first]["thread_metadata"]["archived"] is False
    stored = await bot.services.discussions.by_thread(int(first))
    assert not stored.archived and stored.reopened_by == int(emu.world.user_id("Mona"))
    assert first in await (await emu.slash("Alice", "discuss list")).text()
    again = await emu.slash("Mona", "discuss reopen", discussion=first)
    assert "already open" in await again.text()


async def test_missing_bot_permissions_are_named_and_nothing_is_created(emu, bot):
    emu.world.deny_bot(emu.world.channel_id("film-talk"), manage_webhooks=True)
    record = await emu.slash("Mona", "discuss start", film=NLMG, channel="film-talk")
    assert await record.text() == (
        "I can't open a discussion in #film-talk: I need the **Manage Webhooks** permission "
        "there. Nothing was created. Ask an admin to give it to my role (Server Settings > "
        "Roles, or the channel's permissions)."
    )
    emu.world.deny_bot(
        emu.world.channel_id("film-forum"), send_messages_in_threads=True, manage_messages=True
    )
    record = await emu.slash("Mona", "discuss start", film=NLMG, channel="film-forum")
    assert "**Send Messages in Threads** and **Manage Messages** permissions" in (
        await record.text()
    )
    assert threads_under(emu, "film-talk") == threads_under(emu, "film-forum") == []
    assert emu.recorder.find("POST", r"/threads$") == []
    assert await bot.services.discussions.list_open(int(emu.world.guild["id"])) == []


async def test_members_are_refused_unless_they_hold_the_starter_role(emu, bot):
    record = await emu.slash("Alice", "discuss start", film=NLMG, channel="film-talk")
    assert await record.text() == "Only moderators can open film discussions here."
    assert await record.is_ephemeral()
    role = emu.world.role_id("Member")
    answer = await emu.slash("Mona", "discuss config starter-role", role="Member")
    assert (await answer.text()).startswith(f"<@&{role}> can now open discussions.")
    settings = await bot.services.discussions.settings(int(emu.world.guild["id"]))
    assert settings.starter_role_id == int(role)
    refused = await emu.slash("Bob", "discuss config policy", value="allowed")
    assert "Only moderators" in await refused.text()
    allowed = await emu.slash("Alice", "discuss start", film=NLMG, channel="film-talk")
    assert (await allowed.text()).startswith("Opened ")
    assert len(threads_under(emu, "film-talk")) == 1


async def test_film_without_summary_gets_card_and_no_summary_yet(emu, bot):
    film_id = await add_film(bot, "Gattaca", 1997, ("Drama", "Sci-Fi"))
    thread_id = await open_discussion(emu, "film-forum", film=f"#{film_id}")
    starter, summary = emu.messages_in(thread_id)
    assert starter["embeds"][0]["title"] == "Gattaca (1997)"
    assert summary["content"] == (
        "**Summary: Gattaca (1997)**\nNo plot for this film yet: a moderator can write one with "
        "`/film plot`, or import Wikipedia's with `python -m bot catalog import wikipedia FILE`."
    )
    forum = emu.world.channels[emu.world.channel_id("film-forum")]
    names = {t["id"]: t["name"] for t in forum["available_tags"]}
    assert {names[t] for t in emu.world.channels[thread_id]["applied_tags"]} == {
        "Drama",
        "Science Fiction",
    }


async def test_unknown_film_and_wrong_channel_are_explained(emu, bot):
    unknown = await emu.slash("Mona", "discuss start", film="Zzyzx Road Trip", channel="film-talk")
    assert (await unknown.text()).startswith('No film called "Zzyzx Road Trip".')
    opened = await open_discussion(emu, "film-talk")
    inside = await emu.slash("Mona", "discuss start", where=opened, film=NLMG)
    assert thread_id_in(await inside.text()) == opened  # run in the thread: its parent counts
    assert threads_under(emu, "film-talk") == [emu.world.channels[opened]]
