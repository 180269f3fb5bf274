"""The service a cog calls, with the embedded backend and a real SQLite file."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from screening_support import embedded, migrated, never_let_me_go

from bot.errors import InvalidInput, NotFound, PermissionDenied
from bot.screening.model import ChannelMode, IncomingMessage, ReviewItemNotFound, Scope
from bot.screening.pipeline import ScreeningPipeline
from bot.screening.policy import MessagePlace
from bot.screening.service import ScreeningService
from storage.screening import ScreenedMessageRepository
from storage.screening_review import ReviewRepository

GUILD, FORUM, THREAD, GENERAL, AUTHOR, MOD = 1, 20, 10, 30, 500, 900
IN_THREAD = MessagePlace(THREAD, parent_id=FORUM, is_discussion_thread=True)


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2025, 1, 1, 12, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
async def conn(tmp_path):
    connection = await migrated(tmp_path / "filmbot.sqlite3")
    yield connection
    await connection.close()


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
async def service(conn, clock):
    pipeline = ScreeningPipeline(embedded(), reason="TOXICITY_BACKEND=embedded")
    built = make_service(conn, pipeline, clock)
    yield built
    await pipeline.close()


def make_service(conn, pipeline, clock) -> ScreeningService:
    async def films(film_id: int):
        return never_let_me_go() if film_id == 1 else None

    return ScreeningService(conn, pipeline=pipeline, films=films, clock=clock)


def message(message_id: int, content: str, **fields) -> IncomingMessage:
    values = {"guild_id": GUILD, "channel_id": THREAD, "author_id": AUTHOR, "parent_id": FORUM}
    values.update(fields)
    return IncomingMessage(message_id=message_id, content=content, film_id=1, **values)


async def test_an_insult_is_hidden_queued_for_review_and_kept_verbatim(service) -> None:
    original = "y0u are a p4thetic 1d10t"
    handled = await service.handle_message(message(1, original), IN_THREAD)
    assert handled.outcome == "hide"
    assert handled.review_item is not None and handled.review_item.state == "pending"
    assert handled.review_item.content == original
    stored = await service.latest_screening(1)
    assert stored.content == original
    assert stored.normalised == "you are a pathetic idiot"
    assert stored.outcome == "hide" and stored.backend == "embedded"
    assert stored.scores["insult"] > 0.93
    assert "leetspeak" in stored.note


async def test_a_civil_comment_passes_and_is_stored_without_a_review_item(service) -> None:
    handled = await service.handle_message(
        message(2, "Carey Mulligan is amazing, the ending wrecked me."), IN_THREAD
    )
    assert handled.outcome == "pass" and handled.review_item is None
    assert (await service.latest_screening(2)).status == "screened"
    assert await service.pending_reviews(GUILD) == []


async def test_quoting_the_film_in_its_thread_passes(service) -> None:
    text = "\u201cWe were modeled on trash. Junkies, prostitutes, drunks.\u201d \u2013 Ruth"
    handled = await service.handle_message(message(3, text), IN_THREAD, film=never_let_me_go())
    assert handled.outcome == "pass"
    assert "film dialogue set aside: 1" in (await service.latest_screening(3)).note


async def test_messages_outside_the_scope_are_not_screened_or_stored(service) -> None:
    handled = await service.handle_message(
        message(4, "you idiot", channel_id=GENERAL, parent_id=None), MessagePlace(GENERAL)
    )
    assert not handled.screened and "outside the screening scope" in handled.reason
    assert await service.latest_screening(4) is None


@pytest.mark.parametrize(
    "content", ["", "\U0001f602\U0001f525", "https://example.com/clip", "\u200b"]
)
async def test_messages_with_nothing_to_score_are_stored_as_skipped(service, content) -> None:
    handled = await service.handle_message(message(5, content), IN_THREAD)
    assert handled.outcome == "pass"
    stored = await service.latest_screening(5)
    assert stored.status == "skipped" and stored.note.endswith("no words to score")


async def test_an_insult_at_the_end_of_a_4000_character_message_is_found(service) -> None:
    text = (
        "The cinematography in the Norfolk scenes is lovely. " * 77
        + "And by the way you are an idiot."
    )
    assert len(text) >= 4000
    assert (await service.handle_message(message(6, text), IN_THREAD)).outcome == "hide"


async def test_an_edit_is_screened_again_as_a_new_revision(service) -> None:
    await service.handle_message(message(7, "nice film"), IN_THREAD)
    edited = await service.handle_message(message(7, "nice film, you moron"), IN_THREAD)
    assert edited.outcome == "hide" and edited.stored.revision == 1
    assert (await service.latest_screening(7)).content == "nice film, you moron"


async def test_other_languages_do_not_crash(service) -> None:
    handled = await service.handle_message(
        message(8, "Ce film est magnifique, 素晴らしい映画"), IN_THREAD
    )
    assert handled.screened and handled.outcome == "pass"


async def test_when_scoring_is_unavailable_the_message_waits_and_catch_up_screens_it(
    conn, clock
) -> None:
    closed = ScreeningPipeline(embedded())
    await closed.close()  # a pipeline that refuses work, like a full queue
    first_run = make_service(conn, closed, clock)
    handled = await first_run.handle_message(message(9, "you are a moron"), IN_THREAD)
    assert handled.unscreened and "ScreenerClosed" in handled.reason
    assert (await first_run.latest_screening(9)).status == "unscreened"

    restarted = make_service(conn, ScreeningPipeline(embedded()), clock)
    report = await restarted.catch_up()
    await restarted.pipeline.close()
    assert (report.screened, report.failed) == (1, 0)
    assert report.flagged_or_hidden[0].outcome == "hide"
    stored = await restarted.latest_screening(9)
    assert stored.status == "screened" and stored.content == "you are a moron"
    assert await restarted.count_unscreened() == 0


async def test_failed_catch_up_backs_off_and_keeps_the_message(conn, clock) -> None:
    messages = ScreenedMessageRepository(conn)
    closed = ScreeningPipeline(embedded())
    await closed.close()
    service = make_service(conn, closed, clock)
    await service.handle_message(message(10, "hello"), IN_THREAD)
    report = await service.catch_up()
    assert (report.screened, report.failed) == (0, 1)
    stored = await service.latest_screening(10)
    assert stored.status == "unscreened" and stored.attempts == 1
    assert await messages.list_unscreened(clock.now) == []
    assert len(await messages.list_unscreened(clock.now + timedelta(minutes=2))) == 1


async def test_moderator_decisions_are_recorded_and_cannot_be_made_twice(service, conn) -> None:
    handled = await service.handle_message(message(11, "you are an idiot"), IN_THREAD)
    item_id = handled.review_item.id
    await service.set_alert(item_id, channel_id=777, message_id=888)
    assert (await ReviewRepository(conn).by_alert_message(888)).id == item_id
    escalated = await service.decide_review(item_id, "escalate", MOD, note="timeout 1h")
    assert escalated.state == "escalated" and escalated.is_open
    removed = await service.decide_review(item_id, "remove", MOD + 1)
    assert removed.state == "removed" and removed.decided_by == MOD + 1
    with pytest.raises(InvalidInput, match=f"already removed by <@{MOD + 1}>"):
        await service.decide_review(item_id, "approve", MOD)
    history = await service.review_decisions(item_id)
    assert [(d.state, d.decided_by) for d in history] == [("escalated", MOD), ("removed", MOD + 1)]


async def test_the_queue_lists_open_items_oldest_first(service) -> None:
    for message_id in (12, 13):
        await service.handle_message(message(message_id, "you are an idiot"), IN_THREAD)
    await service.handle_message(message(14, "nice film"), IN_THREAD)
    pending = await service.pending_reviews(GUILD)
    assert [item.message_id for item in pending] == [12, 13]
    await service.decide_review(pending[0].id, "approve", MOD)
    assert [item.message_id for item in await service.pending_reviews(GUILD)] == [13]


async def test_member_reports_join_the_queue_and_are_rate_limited(service, clock) -> None:
    reporter = 600
    report, item = await service.report_message(message(20, "meh"), reporter, "  rude  to me ")
    assert report.reason == "rude to me" and item.source == "report" and item.reports == 1
    _, same_item = await service.report_message(message(20, "meh"), reporter + 1, "agree")
    assert same_item.id == item.id and same_item.reports == 2
    with pytest.raises(InvalidInput, match="already reported"):
        await service.report_message(message(20, "meh"), reporter, "again")
    with pytest.raises(InvalidInput, match="your own message"):
        await service.report_message(message(21, "mine"), AUTHOR, "oops")
    with pytest.raises(InvalidInput, match="say why"):
        await service.report_message(message(22, "x"), reporter, "   ")
    for message_id in range(23, 27):
        await service.report_message(message(message_id, "x"), reporter, "spam")
    with pytest.raises(PermissionDenied, match="at most 5 messages an hour"):
        await service.report_message(message(27, "x"), reporter, "spam")
    clock.now += timedelta(hours=1, minutes=1)
    await service.report_message(message(27, "x"), reporter, "spam")


async def test_status_names_the_backend_and_why(service) -> None:
    await service.handle_message(message(30, "nice"), IN_THREAD)
    assert service.status().startswith(
        "backend embedded (TOXICITY_BACKEND=embedded); 1 message scored"
    )


async def test_every_policy_change_is_seen_by_the_next_message(service) -> None:
    assert (await service.policy(GUILD)).scope is Scope.THREADS  # now cached
    await service.set_scope(GUILD, Scope.EVERYWHERE, MOD)
    assert (await service.policy(GUILD)).scope is Scope.EVERYWHERE
    new = await service.change_thresholds(GUILD, "insult", "0.5", None, MOD, channel_id=GENERAL)
    assert new.flag == 0.5 and new.hide == 0.93  # the hide threshold inherited is kept
    handled = await service.handle_message(message(40, "you are dim"), MessagePlace(GENERAL))
    assert handled.screened
    await service.set_channel_mode(GUILD, GENERAL, ChannelMode.EXEMPT, MOD)
    handled = await service.handle_message(message(41, "hello"), MessagePlace(GENERAL))
    assert handled.reason == "the channel is exempt"
    await service.set_role_exempt(GUILD, 77, True, MOD)
    assert (await service.policy(GUILD)).exempt_roles == {77}
    assert await service.reset_thresholds(GUILD, "insult", channel_id=GENERAL) == 1
    limits = (await service.policy(GUILD)).thresholds_for(MessagePlace(GENERAL))
    assert limits["insult"][1] == "default"
    await service.set_scope(GUILD, None, MOD)
    policy = await service.policy(GUILD)
    assert not policy.enabled and policy.scope is Scope.EVERYWHERE


async def test_a_missing_review_item_is_not_found(service) -> None:
    with pytest.raises(ReviewItemNotFound, match="no review item #404 in this server"):
        await service.review_item(404, GUILD)
    with pytest.raises(ReviewItemNotFound, match=r"no review item #404\."):
        await service.decide_review(404, "approve", MOD)
    with pytest.raises(NotFound):
        await service.screened_message(404)
    assert await service.latest_screening(404) is None
