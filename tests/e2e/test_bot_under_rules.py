"""The bot passes under Discord's rules: names, forum tags, reasons, deadlines, thread types.

Every test here also runs under the recorded-request check (conftest): a request the emulator's
rules refuse fails it.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from replies_support import open_repository

from bot.cli._poster import post_imported_thread
from bot.replies.wxr import import_wxr
from bot.sandbox.emulator.interactions import message_text
from bot.sandbox.emulator.kinds import ChannelType
from bot.sandbox.emulator.rules import REQUIRE_TAG
from tests.e2e._discussions import NLMG, add_film, thread_id_in
from tests.e2e._moderation import confirm, manual_clock
from tests.e2e._replies import open_discussion as replies_thread
from tests.e2e._replies import settled
from tests.e2e._screening import (
    alerts,
    discussion_thread,
    post_screened,
    ready,
    report_form_open,
    screen_everywhere,
    use_alert_channel,
)

INSULT = "you are a pathetic idiot"
COMMENTS = Path(__file__).parents[1] / "fixtures" / "never_let_me_go_comments.wxr"


async def test_a_hidden_message_of_discord_dan_comes_back_under_his_name(emu, start_bot, settings):
    emu.world.add_user("Discord Dan", ["Member"])
    async with start_bot(settings) as bot:
        await ready(bot)
        await use_alert_channel(bot, emu)
        await screen_everywhere(bot, emu)
        thread = await discussion_thread(bot, emu)
        await post_screened(bot, emu, "Discord Dan", thread, INSULT)
        (alert,) = alerts(emu)
        clicked = await emu.click("Mona", alert, label="Approve")
        await clicked.wait(lambda r: r.followups)
        assert "restored under Discord Dan's name" in message_text(clicked.followups[0])
        restored = await emu.wait_for_message(thread, predicate=lambda m: INSULT in m["content"])
        assert restored["author"]["username"] == "Disc\u043erd Dan"  # a look-alike o


def _forum(emu) -> dict:
    forum = emu.world.channels[emu.world.channel_id("film-forum")]
    forum["flags"] = REQUIRE_TAG
    return forum


async def test_a_forum_that_requires_a_tag_gets_one_when_no_genre_matches(emu, bot):
    forum = _forum(emu)
    film_id = await add_film(bot, "Koyaanisqatsi", 1982, ("Documentary",))
    record = await emu.slash("Mona", "discuss start", film=f"#{film_id}", channel="film-forum")
    post = emu.world.channels[thread_id_in(await record.text())]
    assert post["applied_tags"] == [forum["available_tags"][0]["id"]]


async def test_a_forum_without_a_usable_tag_says_so_and_creates_nothing(emu, bot):
    forum = _forum(emu)
    for tag in forum["available_tags"]:
        tag["moderated"] = True
    emu.world.deny_bot(forum["id"], manage_threads=True)
    record = await emu.slash("Mona", "discuss start", film=NLMG, channel="film-forum")
    text = await record.text()
    assert "#film-forum requires a tag on every post" in text and "Manage Threads" in text
    assert not [c for c in emu.world.channels.values() if c.get("parent_id") == forum["id"]]


async def test_a_long_purge_reason_is_cut_to_512_for_the_audit_log(emu, bot):
    for number in range(2):
        await emu.post("Bob", "general", f"spoiler {number}")
    reason = "Spoilers and more spoilers. " * 30
    record = await emu.slash("Mona", "mod purge", count=2, reason=reason)
    clicked = await confirm(emu, "Mona", record, "Delete")
    assert "Deleted 2 messages" in await clicked.text()
    (bulk,) = emu.recorder.find("POST", r"/messages/bulk-delete$")
    assert bulk.status == 204 and bulk.reason == reason.strip()[:512]


async def _first_request_is_a_deferral(emu, since: int, record) -> None:
    await record.reply()
    first = emu.recorder.requests[since]
    assert first.path.endswith("/callback") and first.json["type"] == 5, first.path


async def test_commands_defer_before_any_rest_work(emu, bot):
    thread = await replies_thread(bot, emu)
    await (await emu.slash("Mona", "mod warn", member="Bob", reason="spoilers")).reply()
    runs = [
        ("mod lock", {"reason": "heated"}, thread),
        ("mod unlock", {"reason": "calm again"}, thread),
        ("discuss slowmode", {"seconds": 10}, thread),
        ("mod reason", {"number": 1, "text": "Spoilers in #general"}, "general"),
        ("discuss start", {"film": NLMG, "channel": "film-talk"}, "general"),
    ]
    for command, options, where in runs:
        since = len(emu.recorder.requests)
        record = await emu.slash("Mona", command, where=where, **options)
        await _first_request_is_a_deferral(emu, since, record)
    emu.world.channels[thread]["thread_metadata"]["archived"] = True
    await bot.services.discussions.mark_archived(int(thread))
    since = len(emu.recorder.requests)
    await _first_request_is_a_deferral(
        emu, since, await emu.slash("Mona", "discuss reopen", discussion=thread)
    )


async def test_the_report_modal_defers_before_it_alerts(emu, bot):
    _, shown = await report_form_open(bot, emu)
    since = len(emu.recorder.requests)
    submitted = await emu.submit_modal("Alice", shown, {"reason": "spam"})
    await _first_request_is_a_deferral(emu, since, submitted)
    assert "review #1" in await submitted.text()


async def test_backfill_posts_its_result_when_the_token_is_about_to_expire(
    emu, start_bot, settings, monkeypatch
):
    clock = manual_clock()
    emu.clock = clock
    async with start_bot(settings, clock=clock) as bot:
        thread = await replies_thread(bot, emu)
        await emu.post("Alice", thread, "Ruth's confession")
        await settled(bot, emu)
        recorded = emu.recorder.record

        async def slow_history(request):  # reading the history took 16 minutes
            if request.method == "GET" and request.path.endswith(f"{thread}/messages"):
                clock.advance(timedelta(minutes=16))
            await recorded(request)

        monkeypatch.setattr(emu.recorder, "record", slow_history)
        await emu.slash("Mona", "thread backfill", where=thread)
        done = await emu.wait_for_message(thread, predicate=lambda m: "Done." in m["content"])
        assert "your /thread backfill finished. Done. Read" in done["content"]
        assert emu.pings(done) == set()
        edits = emu.recorder.find("PATCH", r"/messages/@original$")
        assert edits == []  # nothing was sent on the expired token


async def test_threads_in_announcement_channels_are_announcement_threads(emu, start_bot, settings):
    emu.world.add_channel("news", ChannelType.ANNOUNCEMENT)
    async with start_bot(settings) as bot:
        await ready(bot)
        record = await emu.slash("Mona", "discuss start", film=NLMG, channel="news")
        thread = emu.world.channels[thread_id_in(await record.text())]
        assert thread["type"] == ChannelType.ANNOUNCEMENT_THREAD
        assert thread["parent_id"] == emu.world.channel_id("news")


async def test_about_lists_every_permission_the_bot_needs_with_the_invite_link(emu, bot):
    text = await (await emu.slash("Alice", "about")).text()
    for label in ("Manage Threads", "Manage Events", "Send Polls", "Manage Webhooks"):
        assert label in text
    assert f"client_id={emu.world.application_id}" in text and "permissions=564385009495046" in text


async def test_threads_import_post_into_a_forum_that_requires_a_tag(emu, settings):
    forum = _forum(emu)
    settings = settings.model_copy(update={"discord_api_base": emu.base_url})
    async with open_repository(settings.database_path.parent) as repo:
        await import_wxr(repo, COMMENTS)
        posted = await post_imported_thread(repo, -1, int(forum["id"]), settings)
    post = emu.world.channels[str(posted.thread_id)]
    assert post["applied_tags"] == [forum["available_tags"][0]["id"]] and posted.posted == 15


async def test_a_failed_opener_deletes_its_half_made_thread(emu, bot, error_log):
    talk = emu.world.channel_id("film-talk")
    emu.inject_error("POST", r"/channels/\d+/messages$", 403, code=50013)
    record = await emu.slash("Mona", "discuss start", film=NLMG, channel="film-talk")
    assert "error id" in await record.text()  # how the refusal is worded is not this test's
    error_log.expect("in discuss start")
    (deleted,) = emu.recorder.find("DELETE", r"^/channels/\d+$")
    assert deleted.status == 200 and deleted.response["parent_id"] == talk
    assert not [c for c in emu.world.channels.values() if c.get("parent_id") == talk]
