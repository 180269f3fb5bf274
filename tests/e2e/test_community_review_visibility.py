"""/film reviews and /member reviews show a review only to members who can read its thread, and
post publicly only when the whole channel could read every review listed."""

from __future__ import annotations

import discord

from tests.e2e._discussions import NLMG
from tests.e2e.test_community_reviews import post_review


def staff_only(emu, channel_id: str) -> None:
    """Members can't see the channel; moderators can."""
    view = str(discord.Permissions(view_channel=True).value)
    emu.world.channels[channel_id]["permission_overwrites"].extend(
        [
            {"id": emu.world.role_id("Member"), "type": 0, "allow": "0", "deny": view},
            {"id": emu.world.role_id("Moderator"), "type": 0, "allow": view, "deny": "0"},
        ]
    )


async def listed(emu, user: str, where: str, command: str, **options) -> tuple[str, bool]:
    record = await emu.slash(user, command, where=where, **options)
    return await record.text(), await record.is_ephemeral()


async def test_a_review_in_a_private_channel_is_listed_only_for_those_who_can_read_it(
    emu, start_bot, settings
):
    staff = emu.world.add_channel("staff-room")
    staff_only(emu, staff)
    async with start_bot(settings) as bot:
        await post_review(emu, "Mona", 1.5, "Secret verdict: dreary.", where="staff-room")
        await post_review(emu, "Alice", 4, "Open verdict: lovely.", where="film-talk")
        (private,) = await bot.services.community.reviews.by_author(
            int(emu.world.guild["id"]), int(emu.world.user_id("Mona"))
        )
        link = f"/{private.thread_id}"

        # an outsider, in public: only the public review, posted for the channel
        text, ephemeral = await listed(emu, "Bob", "film-talk", "film reviews", film=NLMG)
        assert "by Alice" in text and "by Mona" not in text and link not in text
        assert "1.5/5" not in text and not ephemeral
        text, ephemeral = await listed(emu, "Bob", "film-talk", "member reviews", member="Mona")
        assert "has not reviewed a film yet" in text and link not in text and not ephemeral

        # a member of the private channel sees it, but only for themselves in a public channel
        text, ephemeral = await listed(emu, "Mona", "film-talk", "film reviews", film=NLMG)
        assert "by Mona" in text and link in text and "by Alice" in text and ephemeral
        assert "Shown only to you" in text
        text, ephemeral = await listed(emu, "Mona", "film-talk", "member reviews", member="Mona")
        assert "1.5/5" in text and link in text and ephemeral

        # inside the private channel everyone who can see the answer can read both: public
        text, ephemeral = await listed(emu, "Mona", "staff-room", "film reviews", film=NLMG)
        assert "by Mona" in text and "by Alice" in text and not ephemeral
        assert "Shown only to you" not in text

        # the reviews themselves are untouched
        stored = await bot.services.community.reviews.for_film(int(emu.world.guild["id"]), 1)
        assert len(stored) == 2
