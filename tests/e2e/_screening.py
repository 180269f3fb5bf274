"""Helpers for the screening end-to-end tests (not a test module)."""

from __future__ import annotations

import asyncio

import discord

from bot.screening.handled import Handled
from bot.screening.model import Scope

# An insult aimed at a member: hidden by the embedded backend at default thresholds.
INSULT = "Bob you are a pathetic idiot and everyone knows it"


NLMG = "Never Let Me Go"


def guild_id(emu) -> int:
    return int(emu.world.guild["id"])


def user_id(emu, name: str) -> int:
    return int(emu.world.user_id(name))


async def ready(bot) -> None:
    """Wait for the backend, which loads in the background while the bot already runs."""
    assert await bot.services.screening_startup.wait_loaded()


async def use_alert_channel(bot, emu, channel: str = "mod-alerts") -> None:
    await bot.services.moderation.config.set_alert_channel(
        guild_id(emu), int(emu.world.channel_id(channel)), user_id(emu, "Olive")
    )


SPAM = "buy cheap films at shady.example"


async def report_form_open(bot, emu, text: str = SPAM):
    """Alerts go to #mod-alerts; Bob posts `text` in #general and Alice opens "Report
    message" on it: (the message, the shown form)."""
    await ready(bot)
    await use_alert_channel(bot, emu)
    target = await emu.post("Bob", "general", text)
    shown = await emu.context_menu("Alice", "Report message", target)
    await shown.modal_shown()
    return target, shown


async def screen_everywhere(bot, emu) -> None:
    """Screen every channel (the default is film discussion threads only)."""
    await bot.services.screening.set_scope(guild_id(emu), Scope.EVERYWHERE, 0)


async def film_thread(bot, emu) -> str:
    """The curated film's discussion thread, once the backend is ready and alerts have a
    channel."""
    await ready(bot)
    await use_alert_channel(bot, emu)
    return await discussion_thread(bot, emu)


async def assert_left_alone(bot, emu, thread: str, texts: list[str]) -> None:
    """Each text, posted by Alice, passes, stays up and raises no alert."""
    for text in texts:
        posted, handled = await post_screened(bot, emu, "Alice", thread, text)
        assert handled.outcome == "pass", (text, handled.verdict.rule)
        assert not is_deleted(emu, posted)
    assert alerts(emu) == []


async def discussion_thread(bot, emu, title: str = NLMG, policy: str = "allowed") -> str:
    """A thread in the forum, linked to the film as the discussions feature links it. Spoilers
    are allowed by default, so the spoiler guard (tested on its own) leaves the comments be."""
    film = await bot.services.catalog.find(title)
    forum = bot.get_channel(int(emu.world.channel_id("film-forum")))
    created = await forum.create_thread(name=title, content=f"Let's talk about {title}.")
    await bot.services.discussions.open(
        guild_id=guild_id(emu),
        channel_id=forum.id,
        thread_id=created.thread.id,
        film_id=film.id,
        film_label=title,
        spoiler_policy=policy,
        created_by=user_id(emu, "Olive"),
        auto_archive_minutes=10080,
    )
    return str(created.thread.id)


async def post_screened(bot, emu, author: str, channel: str, text: str) -> tuple[dict, Handled]:
    """Post as `author` and wait until the bot has screened it (and acted on the verdict)."""
    # wait_for registers at once, so the waiter exists before the message does
    waiter = asyncio.ensure_future(
        bot.wait_for(
            "message_screened",
            check=lambda message, handled: message.content == text,
            timeout=10,
        )
    )
    posted = await emu.post(author, channel, text)
    _, handled = await waiter
    return posted, handled


async def post_looked(
    bot, emu, author: str, channel: str, text: str
) -> tuple[dict, Handled, Handled]:
    """Post as `author`; wait for the first verdict, then for the second look after it (and
    for the desk to act on it): the message, the first Handled and the second look's."""
    looked = asyncio.ensure_future(
        bot.wait_for(
            "second_look",
            check=lambda handled: handled.stored is not None and handled.stored.content == text,
            timeout=30,
        )
    )
    posted, first = await post_screened(bot, emu, author, channel, text)
    return posted, first, await looked


def looked_at(bot, text: str) -> asyncio.Future:
    """A waiter for the second look at the message holding `text` (start it before posting)."""
    return asyncio.ensure_future(
        bot.wait_for("second_look", check=lambda h: h.stored.content == text, timeout=30)
    )


async def edit_screened(bot, emu, message: dict, text: str) -> Handled:
    waiter = asyncio.ensure_future(
        bot.wait_for(
            "message_screened",
            check=lambda m, h: m.id == int(message["id"]) and m.content == text,
            timeout=10,
        )
    )
    await emu.edit(message, text)
    _, handled = await waiter
    return handled


async def report(emu, reporter: str, message: dict, reason: str):
    """`reporter` reports `message` through the "Report message" menu and its modal; the
    modal's answer."""
    shown = await emu.context_menu(reporter, "Report message", message)
    await shown.modal_shown()
    return await emu.submit_modal(reporter, shown, {"reason": reason})


def alerts(emu) -> list[dict]:
    return emu.messages_in("mod-alerts")


def is_deleted(emu, message: dict) -> bool:
    return emu.world.find_message(message["id"]) is None


def channel_object(bot, emu, name: str) -> discord.abc.Messageable:
    return bot.get_channel(int(emu.world.channel_id(name)))


async def ephemeral_answer(emu, user: str, command: str, **options) -> str:
    """`user` runs the slash command; its answer, which only they can see."""
    record = await emu.slash(user, command, **options)
    assert await record.is_ephemeral()
    return await record.text()
