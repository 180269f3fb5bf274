"""/discuss fed hostile input and used where Discord would refuse the member: a clear private
refusal, no thread, no stored discussion, and nothing in the answers that flips, hides or pings."""

from __future__ import annotations

import asyncio

import discord

from tests.e2e._discussions import NLMG, add_film, open_discussion, threads_under

HIDDEN = ("\u202e", "\u2066", "\u200f", "\u2060")


def guild(emu) -> int:
    return int(emu.world.guild["id"])


def deny(emu, channel: str, target: str, kind: int, **permissions: bool) -> None:
    """A channel overwrite denying a role (kind 0) or a member (kind 1) the permissions."""
    value = str(discord.Permissions(**permissions).value)
    overwrites = emu.world.channels[emu.world.channel_id(channel)]["permission_overwrites"]
    overwrites.append({"id": target, "type": kind, "allow": "0", "deny": value})


def staff_only(emu, channel: str) -> None:
    """Members can't see the channel; moderators can (a role's allow beats another's deny)."""
    deny(emu, channel, emu.world.role_id("Member"), 0, view_channel=True)
    allow = str(discord.Permissions(view_channel=True).value)
    overwrites = emu.world.channels[emu.world.channel_id(channel)]["permission_overwrites"]
    overwrites.append(
        {"id": emu.world.role_id("Moderator"), "type": 0, "allow": allow, "deny": "0"}
    )


async def starter_role_for_members(emu) -> None:
    answer = await emu.slash("Mona", "discuss config starter-role", role="Member")
    assert "can now open discussions" in await answer.text()


async def test_a_starter_cannot_open_a_discussion_in_a_channel_they_cannot_see(
    emu, start_bot, settings
):
    staff = emu.world.add_channel("staff-room")
    staff_only(emu, "staff-room")
    async with start_bot(settings) as bot:
        await starter_role_for_members(emu)
        record = await emu.slash("Alice", "discuss start", film=NLMG, channel="staff-room")
        assert await record.text() == (
            f"You can't see <#{staff}>, so you can't open a discussion there. Nothing was changed."
        )
        assert await record.is_ephemeral()
        assert threads_under(emu, "staff-room") == []
        assert await bot.services.discussions.list_open(guild(emu)) == []
        # a moderator who can see it still opens one there
        assert await open_discussion(emu, "staff-room")


async def test_a_member_denied_thread_creation_or_forum_posts_is_refused(emu, start_bot, settings):
    alice = emu.world.user_id("Alice")
    deny(emu, "film-talk", alice, 1, create_public_threads=True)
    deny(emu, "film-forum", alice, 1, send_messages=True)
    async with start_bot(settings) as bot:
        await starter_role_for_members(emu)
        text_channel = emu.world.channel_id("film-talk")
        record = await emu.slash("Alice", "discuss start", film=NLMG, channel="film-talk")
        assert await record.text() == (
            f"You can't open a discussion in <#{text_channel}>: you need the **Create Public "
            "Threads** permission there. Nothing was changed."
        )
        forum = emu.world.channel_id("film-forum")
        record = await emu.slash("Alice", "discuss start", film=NLMG, channel="film-forum")
        assert await record.text() == (
            f"You can't open a discussion in <#{forum}>: you need the **Send Messages** "
            "permission there. Nothing was changed."
        )
        assert threads_under(emu, "film-talk") == threads_under(emu, "film-forum") == []
        assert await bot.services.discussions.list_open(guild(emu)) == []
        assert emu.recorder.find("POST", r"/threads$") == []
        record = await emu.slash("Bob", "discuss start", film=NLMG, channel="film-talk")
        assert (await record.text()).startswith("Opened ")  # only Alice was denied


async def test_a_starter_cannot_reopen_a_discussion_they_cannot_see(emu, start_bot, settings):
    async with start_bot(settings) as bot:
        await starter_role_for_members(emu)
        thread = await open_discussion(emu, "film-talk")
        archived = asyncio.ensure_future(bot.wait_for("discussion_archived"))
        await bot.get_channel(int(thread)).edit(archived=True)
        await archived
    staff_only(emu, "film-talk")
    async with start_bot(settings) as bot:
        record = await emu.slash("Alice", "discuss reopen", discussion=thread)
        assert await record.text() == (
            f"You can't see <#{thread}>, so you can't reopen this discussion there. "
            "Nothing was changed."
        )
        assert emu.world.channels[thread]["thread_metadata"]["archived"] is True
        assert (await bot.services.discussions.by_thread(int(thread))).archived
        record = await emu.slash("Mona", "discuss reopen", discussion=thread)
        assert (await record.text()).startswith("Reopened ")


async def test_a_typed_discussion_that_is_not_an_id_is_explained(emu, bot):
    for typed in ("99999999999999999999", "-5", "0", "@everyone", "x" * 4000):
        record = await emu.slash("Mona", "discuss reopen", discussion=typed)
        assert await record.text() == "Pick an archived discussion from the list.", typed


async def test_spoiler_terms_are_kept_without_direction_overrides(emu, bot):
    thread = await open_discussion(emu, "film-talk")
    record = await emu.slash(
        "Mona", "discuss spoiler-terms add", term="\u202eHailsham\u2066 gallery", where=thread
    )
    text = await record.text()
    assert text.startswith("“Hailsham gallery” now always counts as a reveal"), text
    assert not any(ch in text for ch in HIDDEN)
    rows = await bot.services.conn.execute_fetchall(
        "SELECT term FROM discussion_spoiler_terms WHERE thread_id = ?", (int(thread),)
    )
    assert [row["term"] for row in rows] == ["Hailsham gallery"]
    record = await emu.slash("Mona", "discuss spoiler-terms add", term="\u200b\u202e", where=thread)
    assert (await record.text()).startswith("Type the term")
    rows = await bot.services.conn.execute_fetchall(
        "SELECT term FROM discussion_spoiler_terms WHERE thread_id = ?", (int(thread),)
    )
    assert len(rows) == 1


async def test_slowmode_needs_manage_threads_like_discord(emu, start_bot, settings):
    """A moderator role that only times members out cannot change a thread's slowmode."""
    timeout_only = discord.Permissions(view_channel=True, moderate_members=True)
    helpers = emu.world.add_role("Helper", timeout_only, position=4)
    dave = emu.world.user_id("Dave")
    emu.world.members[dave]["roles"].append(helpers)
    async with start_bot(settings) as bot:
        thread = await open_discussion(emu, "film-talk")
        record = await emu.slash("Dave", "discuss slowmode", where=thread, seconds=60)
        assert await record.text() == (
            f"You can't change slowmode in <#{thread}>: you need the **Manage Threads** "
            "permission there. Nothing was changed."
        )
        assert emu.world.channels[thread].get("rate_limit_per_user", 0) == 0
        assert (await bot.services.discussions.by_thread(int(thread))).slowmode_seconds == 0


async def test_a_locked_archived_discussion_is_reopened_only_with_manage_threads(emu, bot):
    await starter_role_for_members(emu)
    thread = await open_discussion(emu, "film-talk")
    await (await emu.slash("Mona", "mod lock", where=thread, reason="Heated")).reply()
    archived = asyncio.ensure_future(bot.wait_for("discussion_archived"))
    await bot.get_channel(int(thread)).edit(archived=True)
    await archived
    record = await emu.slash("Alice", "discuss reopen", discussion=thread)
    assert await record.text() == (
        f"You can't reopen this discussion in <#{thread}>: you need the **Manage Threads** "
        "permission there. Nothing was changed."
    )
    assert emu.world.channels[thread]["thread_metadata"]["archived"] is True
    record = await emu.slash("Mona", "discuss reopen", discussion=thread)
    assert (await record.text()).startswith("Reopened ")


async def test_tagging_someone_elses_comment_needs_manage_messages(emu, start_bot, settings):
    timeout_only = discord.Permissions(view_channel=True, moderate_members=True)
    emu.world.members[emu.world.user_id("Dave")]["roles"].append(
        emu.world.add_role("Helper", timeout_only, position=4)
    )
    async with start_bot(settings) as bot:
        thread = await open_discussion(emu, "film-talk", spoilers="allowed")
        comment = await emu.post("Bob", thread, "Ruth completes after her second donation.")
        record = await emu.context_menu("Dave", "Spoiler-tag this", comment)
        assert await record.text() == (
            "Tagging someone else's comment takes it down and re-posts it, which needs the "
            "**Manage Messages** permission here."
        )
        assert comment["id"] in {m["id"] for m in emu.messages_in(thread)}
        assert await bot.services.guard.record_for(int(comment["id"])) is None
        record = await emu.context_menu("Mona", "Spoiler-tag this", comment)
        assert (await record.text()).startswith("Re-posted with spoiler tags")


async def test_discussions_in_a_channel_a_member_cannot_see_are_not_listed(
    emu, start_bot, settings
):
    emu.world.add_channel("staff-room")
    staff_only(emu, "staff-room")
    async with start_bot(settings):
        staff = await open_discussion(emu, "staff-room")
        public = await open_discussion(emu, "film-talk")
        mine = await (await emu.slash("Alice", "discuss list")).text()
        assert f"<#{public}>" in mine and f"<#{staff}>" not in mine
        theirs = await (await emu.slash("Mona", "discuss list")).text()
        assert f"<#{public}>" in theirs and f"<#{staff}>" in theirs


async def test_reopen_suggests_only_discussions_the_member_can_see(emu, start_bot, settings):
    emu.world.add_channel("staff-room")
    staff_only(emu, "staff-room")
    async with start_bot(settings) as bot:
        await starter_role_for_members(emu)
        for channel in ("staff-room", "film-talk"):
            thread = await open_discussion(emu, channel)
            archived = asyncio.ensure_future(bot.wait_for("discussion_archived"))
            await bot.get_channel(int(thread)).edit(archived=True)
            await archived
        mine = await emu.autocomplete(
            "Alice", "discuss reopen", focused="discussion", discussion=""
        )
        assert [c["name"] for c in mine] == ["Never Let Me Go (2010) · #film-talk"]
        theirs = await emu.autocomplete(
            "Mona", "discuss reopen", focused="discussion", discussion=""
        )
        assert len(theirs) == 2


async def test_two_moderators_opening_one_film_at_once_get_one_thread(emu, bot):
    first = await emu.slash("Mona", "discuss start", film=NLMG, channel="film-talk")
    second = await emu.slash("Olive", "discuss start", film=NLMG, channel="film-talk")
    texts = sorted([await first.text(), await second.text()])
    (thread,) = threads_under(emu, "film-talk")
    assert texts[0].startswith("A discussion of Never Let Me Go (2010) is already open here: ")
    assert texts[1].startswith(f"Opened <#{thread['id']}> for Never Let Me Go (2010)")
    assert len(await bot.services.discussions.list_open(guild(emu))) == 1


async def test_a_comment_deleted_before_the_menu_was_used_is_not_brought_back(emu, bot):
    """Discord's client can still send "Spoiler-tag this" for a comment deleted a moment ago
    (its author or a moderator took it down); re-posting it would undo that deletion."""
    thread = await open_discussion(emu, "film-talk", spoilers="allowed")
    comment = await emu.post("Alice", thread, "Ruth completes after her second donation.")
    stale = dict(comment)
    await emu.delete(comment)
    record = await emu.context_menu("Alice", "Spoiler-tag this", stale, where=thread)
    assert await record.text() == "That comment was deleted, so there is nothing to tag."
    assert await record.is_ephemeral()
    assert not [m for m in emu.messages_in(thread) if m.get("webhook_id")]
    assert await bot.services.guard.record_for(int(comment["id"])) is None


async def test_a_long_title_is_cut_in_the_thread_name_but_the_year_is_kept(emu, bot):
    """Namesakes differ by their year: a 300-character title loses words, never "(1999)"."""
    film = await add_film(bot, "<@&1> " + "Endless title " * 20, 1999)
    record = await emu.slash("Mona", "discuss start", film=f"#{film}", channel="film-talk")
    assert (await record.text()).startswith("Opened <#")
    (thread,) = threads_under(emu, "film-talk")
    name = thread["name"]
    assert len(name) == 100 and name.endswith("… (1999) - discussion"), name
    assert name.startswith("<@\u200b&1> Endless title")
