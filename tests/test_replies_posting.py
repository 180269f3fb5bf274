"""The messages an imported comment section is re-posted as (threads import --post)."""

from __future__ import annotations

from datetime import UTC, datetime

from bot import limits
from bot.replies.model import MessageState, StoredMessage
from bot.replies.posting import compose, webhook_username

WHEN = datetime(2017, 3, 3, 21, 15, tzinfo=UTC)


def comment(
    number: int,
    parent: int | None = None,
    text: str = "It surely does retain a very cold tone.",
    *,
    author: str = "Blog author",
    state: MessageState = MessageState.VISIBLE,
) -> StoredMessage:
    return StoredMessage(
        -number, -1, None, None, author, text, (), WHEN, None,
        None if parent is None else -parent, -1, 0, state, source_id=str(number),
    )  # fmt: skip


def test_a_top_level_comment_carries_its_date_and_author():
    post = compose(comment(1, author="knottedstar"))

    assert post.username == "knottedstar"
    assert post.content == (
        "-# 3 March 2017 at 21:15 UTC · from the blog\nIt surely does retain a very cold tone."
    )
    assert post.attachment is None


def test_a_reply_names_its_parent_with_an_excerpt_and_a_jump_link():
    parent = comment(1, text="I remember first hearing about this " * 10, author="*Cinema* fan")
    url = "https://discord.com/channels/1/2/3"

    post = compose(comment(2, 1), parent, url)

    first_line = post.content.splitlines()[0]
    assert first_line.startswith("-# ↪ replying to **\\*Cinema\\* fan**: I remember first")
    assert first_line.endswith("… · [jump](https://discord.com/channels/1/2/3)")
    assert len(first_line) < 200


def test_a_reply_to_a_tombstone_or_a_missing_comment_says_so():
    removed = comment(1, text="spam", state=MessageState.REMOVED_BY_MODERATOR)

    assert (
        "replying to **Blog author**: [removed by a moderator]"
        in compose(comment(2, 1), removed, None).content
    )
    assert compose(comment(2, 9), parent_missing=True).content.startswith(
        "-# ↪ replying to a comment missing from the export\n"
    )
    shown = compose(removed).content
    assert shown.endswith("*[removed by a moderator]*") and "spam" not in shown


def test_a_comment_too_long_for_one_message_is_attached_whole():
    text = "Ishiguro's cold tone. " * 200  # 4,400 characters

    post = compose(comment(7, text=text))

    assert len(post.content) <= limits.MESSAGE_CONTENT
    assert post.content.endswith("\n-# (the full comment is attached)")
    assert post.attachment == ("comment-7.txt", text)


def test_mentions_in_comments_cannot_ping():
    post = compose(comment(1, text="@everyone look <@123>"))

    assert "@everyone" not in post.content and "<@123>" not in post.content


def test_webhook_names_follow_discords_rules():
    assert webhook_username("  Blog   author ") == "Blog author"
    assert webhook_username("") == "Anonymous"
    assert webhook_username("Discord fan") == "Disc\u043erd fan"  # a look-alike "o"
    assert webhook_username("everyone") == "everyone (blog)"
    assert len(webhook_username("x" * 200)) == limits.WEBHOOK_USERNAME
