"""/discuss start: a thread (or forum post) per film, opened by its card and spoiler-tagged summary.

Everything that can refuse is checked before anything is created: who asks, the film, the
channel, the bot's permissions there (read fresh from Discord), an open thread for the film.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, cast

import discord
from discord import app_commands

from bot import limits
from bot.discussions.model import POLICIES, Discussion, parse_policy
from bot.discussions.rules import (
    check_bot_can_open,
    check_member_can,
    forum_tags_for,
    policy_line,
    tags_for_post,
    thread_name,
)
from bot.errors import InvalidInput, PermissionDenied
from bot.films.cards import film_card
from bot.films.model import FilmDetails
from bot.spoilers.summary import render_summary
from bot.text import neutral_name
from cogs._checks import granted, services
from cogs._types import Interaction
from cogs.discussions.checks import guild_of, member_permissions, starter_only
from cogs.films.options import fill_in_plot, film_autocomplete, resolve_film

if TYPE_CHECKING:
    from discord.types.threads import ThreadArchiveDuration

log = logging.getLogger(__name__)
ParentChannel = discord.TextChannel | discord.ForumChannel


@app_commands.command(name="start")
@app_commands.describe(
    film="The film to discuss",
    channel="A text channel (the thread goes under it) or a forum (a new post); default: here",
    spoilers="allowed, or tagged-only (untagged reveals are re-posted with tags); "
    "default: the server's setting",
    force="Open a second thread even if one for this film is already open in that channel",
)
@app_commands.autocomplete(film=film_autocomplete)
@app_commands.choices(spoilers=[app_commands.Choice(name=p, value=p) for p in POLICIES])
@starter_only()
async def start(
    interaction: Interaction,
    film: str,
    channel: ParentChannel | None = None,
    spoilers: str | None = None,
    force: bool = False,
) -> None:
    """Open a discussion thread for a film, starting with its card and spoiler-tagged summary."""
    svc, guild = services(interaction), guild_of(interaction)
    film_id = (await resolve_film(interaction, film)).id  # defers itself when it asks TMDB
    if not interaction.response.is_done():  # before any REST call that could wait on a limit
        await interaction.response.defer(ephemeral=True, thinking=True)
    parent = await _fresh_parent(interaction, channel)
    details = await svc.catalog.get_details(film_id)
    options = await svc.discussions.settings(guild.id)
    policy = parse_policy(spoilers or options.default_spoiler_policy)
    forum = isinstance(parent, discord.ForumChannel)
    check_member_can(
        member_permissions(interaction, parent),
        kind="forum" if forum else "text",
        channel_id=parent.id,
        doing="open a discussion",
    )
    perms = parent.permissions_for(guild.me)
    check_bot_can_open(granted(perms), forum=forum, channel_name=parent.name)
    # Two /discuss start at the same moment: the second waits, then finds the first open.
    async with svc.discussions.opening(parent.id, details.film.id):
        discussion, note = await _open_once(interaction, parent, details, policy, force)
    log.info("discussion of film %s opened in thread %s", details.film.id, discussion.thread_id)
    if discussion.tagged_only:  # so the first comment is checked at once
        await svc.guard.warm(details.film.id, guild.id)
    opened = _opened_text(discussion)
    await interaction.followup.send(f"{opened}\n{note}" if note else opened, ephemeral=True)


async def _open_once(
    interaction: Interaction,
    parent: ParentChannel,
    details: FilmDetails,
    policy: str,
    force: bool,
) -> tuple[Discussion, str | None]:
    """Refuse a second open thread (unless forced), then create, fill and record the thread."""
    svc, guild = services(interaction), guild_of(interaction)
    options = await svc.discussions.settings(guild.id)
    await svc.discussions.check_can_open(
        parent.id,
        details.film.id,
        force=force,
        still_open=_still_open(guild),
    )
    if not interaction.response.is_done():  # resolve_film defers while it asks TMDB
        await interaction.response.defer(ephemeral=True, thinking=True)
    if await svc.catalog.needs_plot_lookup(details.film):  # then read what it found
        note = await fill_in_plot(interaction, details.film, ephemeral=True)
        details = await svc.catalog.get_details(details.film.id)
    else:
        note = None
    thread, opener_id = await _create(parent, details, policy, options.default_auto_archive_minutes)
    discussion = await svc.discussions.open(
        guild_id=guild.id,
        channel_id=parent.id,
        thread_id=thread.id,
        film_id=details.film.id,
        film_label=details.film.label,
        spoiler_policy=policy,
        created_by=interaction.user.id,
        auto_archive_minutes=options.default_auto_archive_minutes,
        opener_message_id=opener_id,
    )
    return discussion, note


def _opened_text(discussion: Discussion) -> str:
    label = neutral_name(discussion.film_label, limits.THREAD_NAME)
    return f"Opened <#{discussion.thread_id}> for {label} (spoilers: {discussion.spoiler_policy})."


async def _fresh_parent(
    interaction: Interaction, chosen: app_commands.AppCommandChannel | ParentChannel | None
) -> ParentChannel:
    """The channel to open in (default: here, or the parent of this thread), read from Discord
    so its permission overwrites are current."""
    target = chosen or interaction.channel
    if isinstance(target, discord.Thread):
        target = target.parent
    if target is None or interaction.guild is None:
        raise InvalidInput("Name a text channel or a forum to open the discussion in.")
    try:
        fresh = await interaction.guild.fetch_channel(target.id)
    except discord.Forbidden:
        raise PermissionDenied(
            f"I can't see <#{target.id}>: give my role the **View Channel** permission there."
        ) from None
    if not isinstance(fresh, ParentChannel):
        raise InvalidInput(
            f"#{fresh.name} is not a text channel or a forum: pick one with the channel option."
        )
    return fresh


def thread_type(channel: discord.TextChannel) -> discord.ChannelType:
    """Announcement channels hold announcement threads; text channels public ones."""
    if channel.is_news():
        return discord.ChannelType.news_thread
    return discord.ChannelType.public_thread


def _still_open(guild: discord.Guild) -> Callable[[Discussion], Awaitable[bool]]:
    async def still_open(discussion: Discussion) -> bool:
        try:
            thread = await guild.fetch_channel(discussion.thread_id)
        except discord.NotFound:
            return False
        return not (isinstance(thread, discord.Thread) and thread.archived)

    return still_open


async def _create(
    parent: ParentChannel, details: FilmDetails, policy: str, archive_minutes: int
) -> tuple[discord.Thread, int]:
    """The thread with its opener (card, then the summary); deleted again if the opener fails."""
    card = discord.Embed.from_dict(film_card(details).as_dict())
    duration = cast("ThreadArchiveDuration", archive_minutes)  # validated by the service
    name = thread_name(details.film.label)
    summary = render_summary(details)
    if isinstance(parent, discord.ForumChannel):
        tags = tags_for_post(
            forum_tags_for(details.film.genres, [(t.id, t.name) for t in parent.available_tags]),
            [(t.id, t.moderated) for t in parent.available_tags],
            required=parent.flags.require_tag,
            can_moderate=parent.permissions_for(parent.guild.me).manage_threads,
            forum_name=parent.name,
        )
        created = await parent.create_thread(
            name=name,
            auto_archive_duration=duration,
            content=policy_line(policy),
            embed=card,
            applied_tags=[tag for t in tags if (tag := parent.get_tag(t)) is not None],
        )
        thread, opener_id = created.thread, created.message.id
    else:
        thread = await parent.create_thread(
            name=name,
            type=thread_type(parent),
            auto_archive_duration=duration,
        )
        opener_id = None
    try:
        if opener_id is None:
            opener_id = (await thread.send(policy_line(policy), embed=card)).id
        for part in summary:
            await thread.send(part)
    except discord.HTTPException:
        with contextlib.suppress(discord.HTTPException):
            await thread.delete()
        raise
    return thread, opener_id
