"""What `/mod ladder show` and `/mod config show` display: plain text and embed data."""

from __future__ import annotations

from collections.abc import Sequence

from bot import limits
from bot.moderation.ladder import describe_step
from bot.moderation.model import APPEAL_TEXT_MAX, LadderStep, ModConfig
from bot.moderation.rules import MODERATION_PERMISSION, PERMISSION_NAMES
from bot.render import EmbedData, EmbedField, trim
from bot.text import escape_markdown, neutralise_mentions


def ladder_text(steps: Sequence[LadderStep], *, customised: bool) -> str:
    """The ladder as a list, saying whether it is the default, customised, or off."""
    if not steps:
        return (
            "The escalation ladder is **off**: warnings never lead to automatic actions. "
            "`/mod ladder reset` brings back the default; `/mod ladder set` adds a step."
        )
    origin = "customised for this server" if customised else "the default"
    lines = [f"Escalation ladder ({origin}); only warnings inside each window count:"]
    lines += [f"• {describe_step(step)}" for step in steps]
    return "\n".join(lines)


def config_embed(config: ModConfig, guild_name: str) -> EmbedData:
    """Every moderation setting of the server, and where the others are changed."""
    if config.moderator_role_ids:
        roles = ", ".join(f"<@&{role_id}>" for role_id in config.moderator_role_ids)
    else:
        permission = PERMISSION_NAMES[MODERATION_PERMISSION]
        roles = f"none set: anyone with the **{permission}** permission moderates"
    appeal = config.appeal_text or "not set: members are told to contact the moderators"
    fields = (
        EmbedField("Moderator roles", roles),
        EmbedField("Mod log channel", _channel(config.log_channel_id), inline=True),
        EmbedField("Alert channel (review queue)", _channel(config.alert_channel_id), inline=True),
        EmbedField("Appeal text (in every DM)", trim(neutralise_mentions(appeal), APPEAL_TEXT_MAX)),
        EmbedField(
            "Elsewhere",
            "Escalation ladder: `/mod ladder show`\nScreening thresholds: the `/mod screening` "
            "commands",
        ),
    )
    title = trim(f"Moderation settings · {escape_markdown(guild_name)}", limits.EMBED_TITLE)
    return EmbedData(
        title=title,
        fields=fields,
        footer="Change with /mod config add-role, remove-role, log-channel, alert-channel, appeal",
    )


def _channel(channel_id: int | None) -> str:
    return "not set" if channel_id is None else f"<#{channel_id}>"
