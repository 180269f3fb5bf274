"""/discuss reopen, list, slowmode: the life of a discussion thread after it is opened."""

from __future__ import annotations

import discord
from discord import app_commands

from bot import limits
from bot.discussions.model import Discussion, validate_slowmode
from bot.discussions.rules import check_member_can, list_pages
from bot.errors import InvalidInput, NotFound, PermissionDenied
from bot.text import escape_markdown, neutral_name, neutralise_mentions
from cogs._checks import moderator_only, services
from cogs._types import Interaction
from cogs._ui import Paginator
from cogs.discussions.checks import guild_of, member_permissions, starter_only

ARCHIVED_CHOICES_SCANNED = 200


async def archived_choices(
    interaction: Interaction, current: str
) -> list[app_commands.Choice[str]]:
    """Archived discussions of this server whose film matches what is typed."""
    guild = guild_of(interaction)
    discussions = services(interaction).discussions
    archived = await discussions.list_archived(guild.id, ARCHIVED_CHOICES_SCANNED)
    typed = current.strip().lower()
    choices = []
    for discussion in archived:
        if typed and typed not in discussion.film_label.lower():
            continue
        if not _visible(interaction, guild, discussion):
            continue
        parent = guild.get_channel(discussion.channel_id)
        where = f" · #{parent.name}" if parent else ""
        name = (discussion.film_label + where)[: limits.CHOICE_NAME]
        choices.append(app_commands.Choice(name=name, value=str(discussion.thread_id)))
    return choices[: limits.AUTOCOMPLETE_CHOICES]


async def _thread_here(interaction: Interaction, command: str) -> tuple[discord.Thread, Discussion]:
    """The thread this command runs in, and the discussion it holds."""
    channel = interaction.channel
    discussion = None
    if isinstance(channel, discord.Thread):
        discussion = await services(interaction).discussions.by_thread(channel.id)
    if not isinstance(channel, discord.Thread) or discussion is None:
        raise InvalidInput(f"Use /discuss {command} inside a film discussion thread.")
    return channel, discussion


async def _discussion_here(interaction: Interaction, command: str) -> Discussion:
    """The discussion whose thread this command runs in."""
    return (await _thread_here(interaction, command))[1]


async def _chosen(interaction: Interaction, value: str | None) -> Discussion:
    if value is None:
        return await _discussion_here(interaction, "reopen")
    try:
        thread_id = int(value)
    except ValueError:
        thread_id = 0
    if not 0 < thread_id < limits.SNOWFLAKE_END:
        raise InvalidInput("Pick an archived discussion from the list.")
    discussion = await services(interaction).discussions.by_thread(thread_id)
    if discussion is None or discussion.guild_id != interaction.guild_id:
        raise NotFound("That is not a film discussion of this server: pick one from the list.")
    return discussion


@app_commands.command(name="reopen")
@app_commands.describe(discussion="An archived discussion (default: the thread you are in)")
@app_commands.autocomplete(discussion=archived_choices)
@starter_only()
async def reopen(interaction: Interaction, discussion: str | None = None) -> None:
    """Reopen an archived film discussion so members can post in it again."""
    record = await _chosen(interaction, discussion)
    await interaction.response.defer(ephemeral=True, thinking=True)  # before REST (rate limits)
    try:
        thread = await guild_of(interaction).fetch_channel(record.thread_id)
    except discord.NotFound:
        raise NotFound(
            f"The thread of {_label(record)} was deleted on Discord: start a new one with "
            "/discuss start."
        ) from None
    if not isinstance(thread, discord.Thread):
        raise InvalidInput("That discussion's channel is not a thread any more.")
    check_member_can(
        member_permissions(interaction, thread),
        kind="locked thread" if thread.locked else "thread",
        channel_id=thread.id,
        doing="reopen this discussion",
    )
    if not record.archived and not thread.archived:
        raise InvalidInput(f"The discussion of {_label(record)} is already open: {thread.mention}.")
    if thread.archived and thread.locked:  # unarchiving an unlocked thread needs Send Messages
        _need_manage_threads(thread, "reopen locked threads")
    repo = services(interaction).discussions
    if record.archived:  # first, so the unarchive event finds it open and leaves it be
        await repo.reopen(thread.id, interaction.user.id)
    if thread.archived:
        try:
            await thread.edit(archived=False)
        except discord.HTTPException:
            if record.archived:
                await repo.mark_archived(thread.id)
            raise
    await interaction.followup.send(
        f"Reopened {thread.mention} ({escape_markdown(record.film_label)}).", ephemeral=True
    )


@app_commands.command(name="list")
async def list_open(interaction: Interaction) -> None:
    """List this server's open film discussions."""
    guild = guild_of(interaction)
    discussions = [
        d
        for d in await services(interaction).discussions.list_open(guild.id)
        if _visible(interaction, guild, d)  # a staff channel's discussions stay private
    ]
    heading = f"**Open film discussions in {neutralise_mentions(escape_markdown(guild.name))}**"
    await Paginator.send(interaction, list_pages(discussions, heading=heading))


@app_commands.command(name="slowmode")
@app_commands.describe(seconds="Seconds each member waits between messages here (0 turns it off)")
@moderator_only()
async def slowmode(
    interaction: Interaction,
    seconds: app_commands.Range[int, 0, limits.SLOWMODE_MAX_SECONDS],
) -> None:
    """Set slowmode in this discussion thread."""
    thread, record = await _thread_here(interaction, "slowmode")
    validate_slowmode(seconds)
    check_member_can(
        member_permissions(interaction, thread),
        kind="slowmode",
        channel_id=thread.id,
        doing="change slowmode",
    )
    _need_manage_threads(thread, "change slowmode")
    await interaction.response.defer(ephemeral=True, thinking=True)  # before REST (rate limits)
    await thread.edit(slowmode_delay=seconds)
    await services(interaction).discussions.set_slowmode(thread.id, seconds)
    text = f"Slowmode is now {seconds} s" if seconds else "Slowmode is off"
    await interaction.followup.send(
        f"{text} in the discussion of {escape_markdown(record.film_label)}.", ephemeral=True
    )


def _visible(interaction: Interaction, guild: discord.Guild, discussion: Discussion) -> bool:
    """Whether the member asking can see the channel the discussion's thread is under."""
    parent = guild.get_channel(discussion.channel_id)
    return parent is not None and "read_messages" in member_permissions(interaction, parent)


def _label(discussion: Discussion) -> str:
    return neutral_name(discussion.film_label, limits.THREAD_NAME)


def _need_manage_threads(thread: discord.Thread, doing: str) -> None:
    if not thread.permissions_for(thread.guild.me).manage_threads:
        raise PermissionDenied(
            f"I can't {doing} here: I need the **Manage Threads** permission. Ask an admin to "
            "give it to my role (Server Settings > Roles)."
        )
