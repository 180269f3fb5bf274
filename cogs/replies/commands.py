"""/thread track | untrack | tree | original | export | backfill, and "Show reply chain".

Every answer is private (ephemeral): the tree, originals and exports are for the one who asked.
"""

from __future__ import annotations

import tempfile
from datetime import timedelta
from pathlib import Path
from typing import Any, Literal

import discord
from discord import app_commands

from bot import limits
from bot.discussions.rules import check_member_can
from bot.errors import InvalidInput, NotFound, PermissionDenied
from bot.render import EmbedData
from bot.replies.backfill import BackfillReport
from bot.replies.export import ExportFormat
from bot.replies.render import RenderedTree, RenderOptions, TimeStyle
from bot.replies.views import parse_message_ref
from bot.text import embed_title, escape_markdown
from cogs._checks import check_bot_can, granted, moderator_only
from cogs._steps import CaptureStep, find_cog
from cogs._types import Interaction
from cogs._ui import Paginator
from cogs.replies.catchup import Readable
from cogs.replies.history import read_history
from cogs.replies.records import Capturable

OUTLINE = RenderOptions(time_style=TimeStyle.DISCORD)
# What keeping a channel's replies takes: its messages as they come and its history to catch up.
CAPTURE_NEEDS = {"view_channel": "View Channel", "read_message_history": "Read Message History"}
EXTENSIONS = {ExportFormat.HTML: "html", ExportFormat.MARKDOWN: "md", ExportFormat.JSON: "json"}


def capturing(interaction: Interaction) -> CaptureStep:
    """The capture cog (the /thread commands are registered by its extension)."""
    cog = find_cog(interaction.client, CaptureStep)
    assert cog is not None
    return cog


async def captured_here(interaction: Interaction) -> Readable:
    """The channel the command was used in, if its messages are captured and the member may
    read its history (what the tree, export and backfill hand out); else a clear refusal."""
    channel = interaction.channel
    if isinstance(channel, Readable) and await capturing(interaction).captures(channel):
        if not interaction.permissions.read_message_history:
            raise PermissionDenied(
                "You need the **Read Message History** permission in this channel to see what "
                "was posted before; Discord would not show it to you either."
            )
        return channel
    raise InvalidInput(
        "The bot does not keep the replies of this channel: film discussion threads are kept, "
        "and moderators can add a channel with /thread track."
    )


def name_of(channel: object) -> str:
    """The channel's name as Discord holds it (escape it where it is shown)."""
    return getattr(channel, "name", "") or "this channel"


# --- tracking -------------------------------------------------------------------------------
@app_commands.command(name="track")
@app_commands.describe(channel="The channel or thread to capture (default: this one)")
@moderator_only()
async def track(
    interaction: Interaction,
    channel: discord.TextChannel | discord.ForumChannel | discord.Thread | None = None,
) -> None:
    """Keep the reply tree of a channel (and its threads) from now on. Moderators only."""
    target = channel or interaction.channel
    assert interaction.guild is not None and isinstance(target, Capturable)
    assert isinstance(interaction.user, discord.Member)  # the group is guild-only
    check_member_can(  # what the bot keeps, the moderator must be able to read
        granted(target.permissions_for(interaction.user)),
        kind="history",
        channel_id=target.id,
        doing="have the replies kept",
    )
    check_bot_can(interaction, target, CAPTURE_NEEDS, "keep the replies of")
    added = await interaction.client.services.replies.scope.track(
        interaction.guild.id, target.id, interaction.user.id
    )
    if not added:
        text = f"{target.mention} is already tracked."
    else:
        text = (
            f"From now on every message in {target.mention} (and its threads) is kept with its "
            "replies. Run /thread backfill there to read what was posted before."
        )
    await interaction.response.send_message(text, ephemeral=True)


@app_commands.command(name="untrack")
@app_commands.describe(channel="The channel or thread to stop capturing (default: this one)")
@moderator_only()
async def untrack(
    interaction: Interaction,
    channel: discord.TextChannel | discord.ForumChannel | discord.Thread | None = None,
) -> None:
    """Stop keeping new messages of a channel; what was kept stays. Moderators only."""
    target = channel or interaction.channel
    assert interaction.guild is not None and isinstance(target, Capturable)
    services = interaction.client.services
    if not await services.replies.scope.untrack(interaction.guild.id, target.id):
        raise NotFound(f"{target.mention} is not tracked (film discussion threads always are).")
    text = f"{target.mention} is no longer tracked; the messages already kept stay."
    if await services.discussions.by_thread(target.id) is not None:
        text += " It is a film discussion thread, so its messages are still kept."
    await interaction.response.send_message(text, ephemeral=True)


# --- showing --------------------------------------------------------------------------------
@app_commands.command(name="tree")
@app_commands.describe(message="A message link or id: the chain around it (default: whole thread)")
async def tree(interaction: Interaction, message: str | None = None) -> None:
    """Show the discussion as nested comments, or the reply chain around one message."""
    await interaction.response.defer(ephemeral=True, thinking=True)  # a long thread takes time
    await capturing(interaction).settled()
    if message is not None:
        await show_chain(interaction, parse_message_ref(message))
        return
    channel = await captured_here(interaction)
    rendered = await interaction.client.services.replies.thread_outline(channel.id, OUTLINE)
    noun = "comment" if rendered.comments == 1 else "comments"
    await send_pages(interaction, f"{name_of(channel)} · {rendered.comments:,} {noun}", rendered)


@app_commands.context_menu(name="Show reply chain")
@app_commands.guild_only()
async def show_reply_chain(interaction: Interaction, message: discord.Message) -> None:
    """The message with the comments it answers and every reply to it."""
    await interaction.response.defer(ephemeral=True, thinking=True)
    await capturing(interaction).settled()
    await show_chain(interaction, message.id)


async def readable_message(interaction: Interaction, message_id: int) -> None:
    """Refuse a message the bot kept from a channel the member cannot read (a private channel's
    comments must not leak through a message id)."""
    stored = await interaction.client.services.replies.message(message_id)
    channel = interaction.client.get_channel(stored.thread_id)
    member = interaction.user
    if (
        not isinstance(channel, Capturable)
        or not isinstance(member, discord.Member)
        or channel.guild.id != interaction.guild_id
    ):
        raise NotFound("That message is not in a channel of this server that you can read.")
    permissions = channel.permissions_for(member)
    if not (permissions.view_channel and permissions.read_message_history):
        raise NotFound("That message is not in a channel of this server that you can read.")


async def show_chain(interaction: Interaction, message_id: int) -> None:
    await readable_message(interaction, message_id)
    rendered = await interaction.client.services.replies.chain_outline(message_id, OUTLINE)
    noun = "comment" if rendered.comments == 1 else "comments"
    await send_pages(interaction, f"Reply chain · {rendered.comments:,} {noun}", rendered)


async def send_pages(interaction: Interaction, title: str, rendered: RenderedTree) -> None:
    title = embed_title(title)
    pages = [EmbedData(title=title, description=page) for page in rendered.pages]
    await Paginator.send(interaction, pages, ephemeral=True)


@app_commands.command(name="original")
@app_commands.describe(message="A message link or id")
@moderator_only()
async def original(interaction: Interaction, message: str) -> None:
    """The original text of a deleted or removed comment, with earlier versions. Moderators."""
    await capturing(interaction).settled()
    message_id = parse_message_ref(message)
    await readable_message(interaction, message_id)
    text = await interaction.client.services.replies.original_text(message_id)
    embed = discord.Embed(title="Original comment", description=text)
    await interaction.response.send_message(embed=embed, ephemeral=True)


# --- files and history ----------------------------------------------------------------------
@app_commands.command(name="export")
@app_commands.describe(format="html (reads like a blog's comments), markdown or json")
async def export(
    interaction: Interaction, format: Literal["html", "markdown", "json"] = "html"
) -> None:
    """The whole discussion of this thread as a file: nested, dated, tombstones shown."""
    channel = await captured_here(interaction)
    await interaction.response.defer(ephemeral=True, thinking=True)
    await capturing(interaction).settled()
    replies = interaction.client.services.replies
    await replies.set_thread_title(channel.id, channel.guild.id, channel.name)
    fmt = ExportFormat(format)
    with tempfile.TemporaryDirectory(prefix="filmbot-export-") as folder:
        path = Path(folder) / f"thread-{channel.id}.{EXTENSIONS[fmt]}"
        result = await replies.export(channel.id, fmt, path)
        if result.bytes_written > interaction.filesize_limit:
            raise InvalidInput(
                f"The export is {result.bytes_written:,} bytes, more than Discord accepts here "
                f"({interaction.filesize_limit:,}): run `python -m bot threads export "
                f"{channel.id} --format {fmt.value} --out FILE` on the bot's machine instead."
            )
        await interaction.followup.send(
            f"{result.comments:,} comments of {escape_markdown(name_of(channel))} as {fmt.value}.",
            file=discord.File(path),
            ephemeral=True,
        )


@app_commands.command(name="backfill")
@moderator_only()
async def backfill(interaction: Interaction) -> None:
    """Read this channel's history from Discord and keep what was missed. Moderators only."""
    channel = await captured_here(interaction)
    status = LongJobReply(interaction, channel)
    await interaction.response.send_message("Reading this channel's history…", ephemeral=True)
    await capturing(interaction).settled()

    async def show_progress(report: BackfillReport) -> None:
        await status.progress(
            f"Reading this channel's history… {report.seen:,} messages so far, "
            f"{len(report.new):,} new."
        )

    services = interaction.client.services
    try:
        report = await read_history(channel, services, on_batch=show_progress)
    except discord.Forbidden:
        raise PermissionDenied(
            f"Discord refused to let me read the history of {channel.mention}: I need Read "
            "Message History there. What I read before Discord refused is kept."
        ) from None
    await services.replies.set_thread_title(channel.id, channel.guild.id, channel.name)
    await status.finish(f"Done. {report.summary()}")


class LongJobReply:
    """A long job's private reply, edited while the interaction token lives (15 minutes); once
    it is about to expire, progress stops and the result is posted in the channel instead."""

    MARGIN = timedelta(minutes=1)

    def __init__(self, interaction: Interaction, channel: discord.abc.Messageable) -> None:
        self.interaction, self.channel = interaction, channel
        self.clock = interaction.client.services.clock
        lifetime = timedelta(minutes=limits.INTERACTION_TOKEN_MINUTES)
        self.editable_until = self.clock.now() + lifetime - self.MARGIN

    async def progress(self, text: str) -> None:
        if self.clock.now() < self.editable_until:
            await self.interaction.edit_original_response(content=text)

    async def finish(self, text: str) -> None:
        if self.clock.now() < self.editable_until:
            await self.interaction.edit_original_response(content=text)
            return
        await self.channel.send(
            f"{self.interaction.user.mention}, your /thread backfill finished. {text}",
            allowed_mentions=discord.AllowedMentions.none(),
        )


def build_group() -> app_commands.Group:
    """/thread with its subcommands (a new group per bot, so a restarted bot gets its own)."""
    thread = app_commands.Group(
        name="thread",
        description="Reply chains: the discussion's tree of replies, kept, shown and exported",
        guild_only=True,
    )
    commands: tuple[app_commands.Command[Any, Any, None], ...] = (
        track,
        untrack,
        tree,
        original,
        export,
        backfill,
    )
    for command in commands:
        thread.add_command(command)
    return thread
