"""Community and film commands fed hostile titles, genres and roles: answers stay in order and
inert, fit Discord's limits, and a refused setting stores nothing."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import discord

from bot import limits
from bot.community.model import Setting
from bot.sandbox.emulator.interactions import message_text
from bot.sandbox.emulator.routes_events import scheduled_events
from bot.sandbox.emulator.routes_polls import vote
from tests.e2e._discussions import add_film
from tests.e2e.test_community_movienight import night_at, plan, start_clock

OVERRIDES = ("\u202e", "\u202d", "\u2067", "\u2068")


def guild(emu) -> int:
    return int(emu.world.guild["id"])


async def test_everyone_and_bot_roles_cannot_be_the_reminder_role(emu, bot):
    before = await bot.services.community.settings.get(guild(emu))
    record = await emu.slash("Olive", "community settings", reminder_role=emu.world.guild["id"])
    assert await record.text() == (
        "@everyone can't be the reminder role: the reminder pings only members who opted in. "
        "Make a role such as Movie Night that members can take, and choose that."
    )
    assert await record.is_ephemeral() and emu.pings(await record.reply()) == set()
    record = await emu.slash("Olive", "community settings", reminder_role="FilmBot")
    assert (await record.text()).startswith("That role belongs to a bot or an integration")
    record = await emu.slash(
        "Olive", "community settings", timezone="Europe/Paris", reminder_role=emu.world.guild["id"]
    )
    assert (await record.text()).startswith("@everyone can't be the reminder role")
    assert await bot.services.community.settings.get(guild(emu)) == before  # not even the zone


async def test_a_title_with_a_direction_override_does_not_reverse_the_answers(emu, bot):
    film = await add_film(bot, "\u202eReversed\u2066 Road", 1999, ("Drama",))
    for user, command, options in (
        ("Alice", "watchlist add", {"film": f"#{film}"}),
        ("Alice", "watchlist list", {}),
        ("Bob", "watchlist add", {"film": f"#{film}"}),
        ("Alice", "film summary", {"title": f"#{film}", "public": True}),
        ("Alice", "review", {"film": f"#{film}", "rating": 4, "text": "Fine."}),
        ("Alice", "film top", {}),
    ):
        record = await emu.slash(user, command, **options)
        text = message_text(await record.reply())
        assert "Reversed Road (1999)" in text, text
        assert not any(ch in text for ch in OVERRIDES), text


async def test_two_members_adding_one_film_at_once_are_both_answered(emu, bot):
    first = await emu.slash("Alice", "watchlist add", film="#1")
    second = await emu.slash("Bob", "watchlist add", film="#1")
    texts = sorted([await first.text(), await second.text()])
    assert texts[0] == "Added Never Let Me Go (2010) to the watchlist."
    assert texts[1].startswith("Never Let Me Go (2010) is already on the watchlist (suggested by")
    assert len(await bot.services.community.watchlist.entries(guild(emu))) == 1


async def test_a_4000_character_genre_is_cut_in_the_public_answer(emu, bot):
    record = await emu.slash("Alice", "film top", genre="<@&1> " + "g" * 4000)
    text = message_text(await record.reply())
    assert "Ranked by Bayesian average in \\<@\u200b&1\\> ggg" in text
    assert "g…:" in text and len(text) < limits.EMBED_DESCRIPTION
    assert emu.pings(await record.reply()) == set()


async def test_a_missing_plot_section_is_named_inertly(emu, bot):
    film = await add_film(bot, "Quiet Letters", 1998)
    for typed, shown in (
        ("<@&42> ||twist||", "\\<@\u200b&42\\> \\|\\|twist\\|\\|"),
        ("\u202eEnding", "Ending"),
        ("x" * 4000, "x" * 99 + "…"),
    ):
        record = await emu.slash("Mona", "film plot-remove", title=f"#{film}", section=typed)
        assert await record.text() == (
            f"This film has no section called “{shown}” (it has: none yet)."
        ), typed


async def test_channels_the_bot_cannot_use_are_refused_when_set(emu, start_bot, settings):
    hidden = emu.world.add_channel("hidden")
    emu.world.deny_bot(hidden, view_channel=True)
    async with start_bot(settings) as bot:
        before = await bot.services.community.settings.get(guild(emu))
        record = await emu.slash("Olive", "community settings", reviews_channel="hidden")
        assert await record.text() == (
            "I can't open a discussion in #hidden: I need the **Create Public Threads**, "
            "**Send Messages in Threads**, **Embed Links**, **Manage Messages** and **Manage "
            "Webhooks** permissions there. Nothing was created. Ask an admin to give it to my "
            "role (Server Settings > Roles, or the channel's permissions)."
        )
        record = await emu.slash("Olive", "community settings", announce_channel="hidden")
        assert await record.text() == (
            f"I cannot post a movie night's poll and open its thread in <#{hidden}>: I need "
            "Send Messages and Create Public Threads there. Give me the permission, then try "
            "again."
        )
        assert await bot.services.community.settings.get(guild(emu)) == before


async def test_absurd_movie_night_dates_are_refused_and_nothing_is_planned(emu, bot):
    for film in ("#1", "#2"):
        await (await emu.slash("Alice", "watchlist add", film=film)).reply()
    far = "9999-12-31 23:59 (UTC) is too far ahead: plan a movie night at most 100 years ahead"
    for when, expected in (
        ("9999-12-31 23:59", far + " (before "),
        ("0001-01-01 00:00", "0001-01-01 00:00 (UTC) is in the past: pick a moment after "),
        ("x" * 4000, "I can't read `" + "x" * 79 + "…` as a date"),
        ("||x|| <@&1>", "I can't read `||x|| <@\u200b&1>` as a date"),
        ("2026-02-30 20:00", "I can't read `2026-02-30 20:00` as a date and time"),
    ):
        record = await emu.slash("Mona", "movienight plan", when=when)
        text = await record.text()
        assert text.startswith(expected) and len(text) < 300, text
    record = await emu.slash("Olive", "community settings", timezone="Pacific/Kiritimati")
    assert "Saved." in await record.text()
    record = await emu.slash("Mona", "movienight plan", when="9999-12-31 23:59")
    assert "is too far ahead" in await record.text()  # UTC+14 would overflow the year
    record = await emu.slash("Mona", "movienight plan", when="0001-01-01 00:00")
    assert "is in the past" in await record.text()
    assert await bot.services.community.movie_nights.unfinished(guild(emu)) == []
    assert not [m for m in emu.messages_in("general") if m.get("poll")]


async def test_removing_someone_elses_review_needs_manage_messages(emu, start_bot, settings):
    timeout_only = discord.Permissions(view_channel=True, moderate_members=True)
    emu.world.members[emu.world.user_id("Dave")]["roles"].append(
        emu.world.add_role("Helper", timeout_only, position=4)
    )
    async with start_bot(settings) as bot:
        posted = await emu.slash("Bob", "review", film="#1", rating=4, text="Quietly devastating.")
        assert "Your review of" in await posted.text()
        record = await emu.slash("Dave", "unreview", film="#1", member="Bob")
        assert await record.text() == (
            "Removing someone else's review needs the **Manage Messages** permission here, "
            "as deleting their messages would."
        )
        (review,) = await bot.services.community.reviews.for_film(guild(emu), 1)
        assert review.removed_by is None and review.author_id == int(emu.world.user_id("Bob"))
        record = await emu.slash("Alice", "unreview", film="#1", member="Bob")
        assert await record.text() == "Only the review's author or a moderator can remove it."
        record = await emu.slash("Mona", "unreview", film="#1", member="Bob")
        assert (await record.text()).startswith("Removed the review of Never Let Me Go (2010)")
        assert await bot.services.community.reviews.for_film(guild(emu), 1) == []


async def test_a_member_who_left_still_has_reviews_to_list_and_remove(emu, bot):
    posted = await emu.slash("Bob", "review", film="#1", rating=4, text="Quietly devastating.")
    assert "Your review of" in await posted.text()
    bob = emu.world.user_id("Bob")
    left = asyncio.ensure_future(bot.wait_for("raw_member_remove"))
    emu.world.members.pop(bob)
    await emu.gateway.dispatch(
        "GUILD_MEMBER_REMOVE",
        {"guild_id": emu.world.guild["id"], "user": emu.world.users[bob].payload},
    )
    await left
    record = await emu.slash("Alice", "member reviews", member=bob)
    assert message_text(await record.reply()).startswith("Reviews by Bob (1)\n• ★★★★☆ 4/5")
    record = await emu.slash("Mona", "unreview", film="#1", member=bob)
    assert (await record.text()).startswith("Removed the review of Never Let Me Go (2010) by ")
    assert await bot.services.community.reviews.for_film(guild(emu), 1) == []


async def test_a_plot_section_titled_with_invisible_characters_is_refused(emu, bot):
    film = await add_film(bot, "Quiet Letters", 1998)
    shown = await emu.slash("Mona", "film plot", title=f"#{film}")
    values = {"heading": "\u200b\u202e\u2060", "level": "ending", "text": "Jane burns them."}
    submitted = await emu.submit_modal("Mona", shown, values)
    assert await submitted.text() == "Give the section a title, e.g. “The ending”."
    assert (await bot.services.catalog.get_details(film)).summary == ()
    shown = await emu.slash("Mona", "film plot", title=f"#{film}")
    values = {"heading": "\u202eThe\u200b end", "level": "ending", "text": "\u202eJane burns them."}
    submitted = await emu.submit_modal("Mona", shown, values)
    assert "Added the section “The end” (ending)" in await submitted.text()
    (section,) = (await bot.services.catalog.get_details(film)).summary
    assert (section.heading, section.text) == ("The end", "Jane burns them.")


async def test_an_everyone_reminder_role_stored_earlier_pings_nobody(emu, start_bot, settings):
    """A server whose reminder role was set to @everyone before the rule gets a plain reminder."""
    clock = start_clock()
    async with start_bot(settings, clock=clock) as bot:
        for film in ("#1", "#2"):
            await (await emu.slash("Alice", "watchlist add", film=film)).reply()
        await bot.services.community.settings.change(
            guild(emu), {Setting.REMINDER_ROLE: guild(emu), Setting.REMINDER_MINUTES: 30}
        )
        starts_at, when = night_at(clock)
        await plan(emu, when)
        night = (await bot.services.community.movie_nights.unfinished())[0]
        clock.set(night.poll_ends_at)
        await bot.services.expiry.wait_idle()
        clock.set(starts_at - timedelta(minutes=30))
        await bot.services.expiry.wait_idle()
        reminder = await emu.wait_for_message(
            "general", predicate=lambda m: m["content"].startswith("Movie night <t:")
        )
        assert emu.pings(reminder) == set() and "everyone" not in reminder["content"]


async def test_a_review_is_not_opened_where_the_member_cannot_open_a_thread(
    emu, start_bot, settings
):
    read_only = emu.world.add_channel("announcements")
    no_threads = str(discord.Permissions(create_public_threads=True).value)
    emu.world.channels[read_only]["permission_overwrites"].append(
        {"id": emu.world.role_id("Member"), "type": 0, "allow": "0", "deny": no_threads}
    )
    async with start_bot(settings) as bot:
        record = await emu.slash(
            "Alice", "review", where="announcements", film="#1", rating=4, text="Lovely."
        )
        assert await record.text() == (
            f"You can't post a review in <#{read_only}>: you need the **Create Public Threads** "
            "permission there. Nothing was changed."
        )
        assert await bot.services.community.reviews.for_film(guild(emu), 1) == []
        assert not [c for c in emu.world.channels.values() if c.get("parent_id") == read_only]
        record = await emu.slash(
            "Alice", "review", where="film-talk", film="#1", rating=4, text="Lovely."
        )
        assert "Your review of" in await record.text()


async def test_a_search_with_no_letters_or_digits_asks_for_a_title(emu, bot):
    for typed in ("🎬🎬", "```", "\u200b\u202e", "|| **"):
        record = await emu.slash("Carol", "film search", query=typed)
        assert await record.text() == (
            "Type part of a film's title to search for, e.g. sunshine 2007."
        ), typed
        assert await record.is_ephemeral()
    record = await emu.slash("Carol", "film search", query="never let")
    assert "Never Let Me Go (2010)" in message_text(await record.reply())


async def test_a_member_cannot_empty_the_watchlist_of_others_suggestions(emu, bot):
    await (await emu.slash("Alice", "watchlist add", film="#1")).reply()
    await (await emu.slash("Bob", "watchlist add", film="#2")).reply()
    alice = emu.world.user_id("Alice")
    record = await emu.slash("Bob", "watchlist remove", film="#1")
    assert await record.text() == (
        f"Never Let Me Go (2010) was suggested by <@{alice}>: only they or a moderator can "
        "take it off the watchlist."
    )
    assert emu.pings(await record.reply()) == set()
    assert len(await bot.services.community.watchlist.entries(guild(emu))) == 2
    record = await emu.slash("Bob", "watchlist remove", film="#2")
    assert (await record.text()).startswith("Removed The Fountain (2006)")
    record = await emu.slash("Mona", "watchlist remove", film="#1")
    assert (await record.text()).startswith("Removed Never Let Me Go (2010)")
    assert await bot.services.community.watchlist.entries(guild(emu)) == []


async def test_a_time_zone_that_is_a_folder_or_too_long_is_refused_inertly(emu, bot):
    before = await bot.services.community.settings.get(guild(emu))
    for typed, shown in (
        ("Europe", "`Europe`"),
        ("y" * 2000, "`" + "y" * 79 + "…`"),
        ("||Europe/Paris|| `x`", "`||Europe/Paris|| ˋxˋ`"),
        ("<@&1> \u202eParis", "`<@\u200b&1> Paris`"),
    ):
        record = await emu.slash("Olive", "community settings", timezone=typed, region="gb")
        text = await record.text()
        assert text.startswith(f"Unknown time zone {shown}: use an IANA name such as "), text
        assert await record.is_ephemeral() and emu.pings(await record.reply()) == set()
    record = await emu.slash("Olive", "community settings", region="||G")
    assert await record.text() == (
        "A region is a two-letter country code such as US, GB or FR, not `||G`."
    )
    assert await bot.services.community.settings.get(guild(emu)) == before  # not even the region


async def test_a_review_of_only_invisible_characters_is_refused(emu, bot):
    for text in ("\u200b\u200d\u2060", "\u202e \u200b", "\u0301\u0301"):
        record = await emu.slash("Alice", "review", film="#1", rating=4, text=text)
        assert await record.text() == (
            "Your review has no visible text: write a few words. Nothing was posted."
        ), repr(text)
    assert await bot.services.community.reviews.for_film(guild(emu), 1) == []
    assert not [c for c in emu.world.channels.values() if c.get("parent_id")]


async def test_a_long_winning_title_keeps_its_year_in_the_event_name(emu, start_bot, settings):
    clock = start_clock()
    async with start_bot(settings, clock=clock) as bot:
        long = await add_film(bot, "<@&1> " + "Very long title " * 20, 2001)
        other = await add_film(bot, "Other", 2002)
        for film in (long, other):
            await (await emu.slash("Alice", "watchlist add", film=f"#{film}")).reply()
        _, when = night_at(clock)
        await plan(emu, when)
        await vote(emu, "Alice", next(m for m in emu.messages_in("general") if m.get("poll")), 1)
        (night,) = await bot.services.community.movie_nights.unfinished()
        clock.set(night.poll_ends_at)
        await bot.services.expiry.wait_idle()
        (event,) = scheduled_events(emu).values()
        assert len(event["name"]) == limits.SCHEDULED_EVENT_NAME
        assert event["name"].startswith("Movie night: <@&1> Very long title")
        assert event["name"].endswith("… (2001)")


async def test_a_member_is_told_the_film_club_settings_need_manage_server(emu, bot):
    before = await bot.services.community.settings.get(guild(emu))
    for options in ({}, {"timezone": "Europe/Paris"}):
        record = await emu.slash("Alice", "community settings", **options)
        assert await record.text() == (
            "Only members with the **Manage Server** permission can see or change the film "
            "club's settings."
        )
        assert await record.is_ephemeral()
    assert await bot.services.community.settings.get(guild(emu)) == before


async def test_a_double_click_on_replace_makes_one_new_version(emu, bot):
    await (await emu.slash("Alice", "review", film="#1", rating=3, text="First.")).reply()
    offer = await (await emu.slash("Alice", "review", film="#1", rating=4, text="Second.")).reply()
    first, second = await asyncio.gather(
        emu.click("Alice", offer, label="Replace"), emu.click("Alice", offer, label="Replace")
    )
    texts = sorted([await first.text(), await second.text()])
    assert texts[0].startswith("This was already answered; nothing more was done.")
    assert texts[1].startswith("Your review of Never Let Me Go (2010) (4/5) is in <#")
    (review,) = await bot.services.community.reviews.for_film(guild(emu), 1)
    assert (review.version, review.text) == (2, "Second.")


async def test_two_reviews_of_one_film_at_once_are_not_both_said_to_be_posted(emu, bot):
    """The member sent two: one is posted; the other is not claimed to be (it was)."""
    first, second = await asyncio.gather(
        emu.slash("Bob", "review", film="#2", rating=3, text="Slow."),
        emu.slash("Bob", "review", film="#2", rating=4.5, text="Grew on me."),
    )
    texts = sorted([await first.text(), await second.text()])
    (review,) = await bot.services.community.reviews.for_film(guild(emu), 2)
    shown = review.rating.number()
    assert texts[0].startswith(f"You reviewed The Fountain (2006) a moment ago ({shown}): ")
    assert texts[1].startswith(f"Your review of The Fountain (2006) ({shown}) is in <#")
