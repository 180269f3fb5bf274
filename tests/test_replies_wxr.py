"""Importing a blog's comment section from a WordPress export (WXR)."""

from __future__ import annotations

from pathlib import Path

import pytest
from replies_support import open_repository

from bot.errors import InvalidInput, NotFound
from bot.replies.model import MessageState
from bot.replies.tree import Marker, build_tree, posting_order
from bot.replies.wxr import html_to_text, import_wxr, parse_wxr

FIXTURE = Path(__file__).parent / "fixtures" / "never_let_me_go_comments.wxr"

# The seed blog's comment section as the page shows it: (depth, first words), in reading order.
BLOG_NESTING = [
    (0, "I read the book and it is amazing."),
    (0, "Hi knottedstar, thanks for stopping by."),
    (0, "I remember first hearing about this"),
    (1, "It surely does retain a very cold tone."),
    (0, "I really loved this one,"),
    (1, "I really wish I liked it more."),
    (2, "I actually found Lobster to be more detached"),
    (0, "Well, yes, it was a strange movie,"),
    (0, "I agree that “The Lobster” and even “The Island” are better films."),
    (1, "Wow! Now there are 2 people"),
    (2, "I think few movies can really and truly express"),
    (2, "You’re right. Several Stephen Kind’s adaptations"),
    (2, "The movie “Never Let Me Go” does transmit this vibe"),
    (2, "I don’t know. Both Andrew Macdonald and Alex Garland"),
    (2, "Yes, that’s a good point"),
]


@pytest.fixture
async def repo(tmp_path):
    async with open_repository(tmp_path) as repository:
        yield repository


def wxr(comments: str, *, item_title: str = "A post") -> str:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:wp="http://wordpress.org/export/1.2/">
<channel><wp:wxr_version>1.2</wp:wxr_version>
<item><title>{item_title}</title><guid>https://blog.example.org/?p=1</guid>{comments}</item>
</channel></rss>"""


def comment(cid: str, parent: str = "0", text: str = "hello", **extra: str) -> str:
    fields = {
        "comment_id": cid,
        "comment_parent": parent,
        "comment_author": f"author {cid}",
        "comment_date_gmt": f"2020-01-01 10:{int(cid) % 60:02d}:00",
        "comment_content": f"<![CDATA[{text}]]>",
        **extra,
    }
    inner = "".join(f"<wp:{k}>{v}</wp:{k}>" for k, v in fields.items())
    return f"<wp:comment>{inner}</wp:comment>"


async def test_the_seed_blog_imports_with_the_blogs_nesting(repo):
    [thread] = await import_wxr(repo, FIXTURE)

    assert (thread.title, thread.comments, thread.top_level) == ("Never Let Me Go", 15, 6)
    tree = build_tree(await repo.thread_messages(thread.thread_id))
    nesting = [(node.depth, node.message.content) for node in tree.walk()]
    assert len(nesting) == len(BLOG_NESTING)
    for (depth, text), (blog_depth, opening) in zip(nesting, BLOG_NESTING, strict=True):
        assert depth == blog_depth and text.startswith(opening), (text[:40], opening)
    assert max(depth for depth, _ in nesting) == 2  # three levels, as on the blog
    first = tree.roots[0].message
    assert first.author_name == "knottedstar" and first.source_id == "4101"
    stored = {m.message_id: m for m in await repo.thread_messages(thread.thread_id)}
    assert all(m.depth == tree.by_id[m.message_id].depth for m in stored.values())


async def test_the_seed_blog_markup_becomes_discord_markdown(repo):
    [thread] = await import_wxr(repo, FIXTURE)

    texts = [m.content for m in await repo.thread_messages(thread.thread_id)]
    assert any("Also — you *liked* The Island?" in text for text in texts)
    assert not any("Liked by" in text for text in texts)


async def test_importing_the_same_post_twice_is_refused(repo):
    [thread] = await import_wxr(repo, FIXTURE)

    with pytest.raises(InvalidInput, match=f"already imported as thread {thread.thread_id}"):
        await import_wxr(repo, FIXTURE)
    assert [t.message_count for t in await repo.list_threads()] == [15]


async def test_posting_walks_oldest_first_with_parents_already_posted(repo):
    [thread] = await import_wxr(repo, FIXTURE)

    order = list(posting_order(build_tree(await repo.thread_messages(thread.thread_id))))

    assert [m.source_id for m, _ in order] == [str(4101 + n) for n in range(15)]
    sources = {m.message_id: m.source_id for m, _ in order}
    assert [(m.source_id, sources.get(parent)) for m, parent in order][9:11] == [
        ("4110", "4109"),
        ("4111", "4110"),
    ]


async def test_a_truncated_file_stores_nothing(repo, tmp_path):
    truncated = tmp_path / "cut.wxr"
    data = FIXTURE.read_bytes()
    truncated.write_bytes(data[: len(data) // 2])

    with pytest.raises(InvalidInput, match="may be truncated. Nothing was imported"):
        await import_wxr(repo, truncated)
    assert await repo.list_threads() == []


@pytest.mark.parametrize(
    ("content", "why"),
    [
        ("<html><body><p>My blog</p></body></html>", "its root element is <html>"),
        (
            '<rss version="2.0"><channel><item><title>x</title></item></channel></rss>',
            "it has no WordPress \\(wp:\\) elements",
        ),
    ],
)
async def test_a_file_that_is_not_a_wordpress_export_stores_nothing(repo, tmp_path, content, why):
    path = tmp_path / "page.xml"
    path.write_text(content, encoding="utf-8")

    with pytest.raises(InvalidInput, match=f"not a WordPress export \\(WXR\\): {why}"):
        await import_wxr(repo, path)
    assert await repo.list_threads() == []


async def test_missing_file_and_empty_export_are_clear_errors(repo, tmp_path):
    with pytest.raises(NotFound, match="does not exist"):
        await import_wxr(repo, tmp_path / "nope.wxr")
    empty = tmp_path / "empty.wxr"
    empty.write_text(wxr(""), encoding="utf-8")
    with pytest.raises(InvalidInput, match="has no comments to import"):
        await import_wxr(repo, empty)


async def test_loops_self_replies_and_missing_parents_still_import_every_comment(repo, tmp_path):
    path = tmp_path / "odd.wxr"
    path.write_text(
        wxr(
            comment("1", "2")
            + comment("2", "1")
            + comment("3", "3")
            + comment("4", "99")
            + comment("5", "4")
        ),
        encoding="utf-8",
    )

    [thread] = await import_wxr(repo, path)

    tree = build_tree(await repo.thread_messages(thread.thread_id))
    shape = [(n.depth, n.message.source_id, n.marker) for n in tree.walk()]
    assert shape == [
        (0, "1", Marker.LOOP),
        (1, "2", None),
        (0, "3", Marker.SELF_REPLY),
        (0, "4", Marker.UNKNOWN_PARENT),
        (1, "5", None),
    ]


async def test_bad_comments_stop_the_import_with_their_id(repo, tmp_path):
    cases = {
        comment("1") + comment("1"): "two comments numbered 1",
        "<wp:comment><wp:comment_content>x</wp:comment_content></wp:comment>": "no wp:comment_id",
        comment("7", comment_date_gmt="yesterday"): "Comment 7 .* has the date 'yesterday'",
    }
    for body, message in cases.items():
        path = tmp_path / "bad.wxr"
        path.write_text(wxr(body), encoding="utf-8")
        with pytest.raises(InvalidInput, match=message):
            await import_wxr(repo, path)
    assert await repo.list_threads() == []


def test_pingbacks_are_skipped_and_unapproved_comments_kept_as_removed(tmp_path):
    path = tmp_path / "mixed.wxr"
    path.write_text(
        wxr(
            comment("1")
            + comment("2", comment_type="pingback")
            + comment("3", "1", comment_approved="spam")
        ),
        encoding="utf-8",
    )

    [post] = parse_wxr(path)

    assert post.skipped == 1
    assert [(c.source_id, c.state) for c in post.comments] == [
        ("1", MessageState.VISIBLE),
        ("3", MessageState.REMOVED_BY_MODERATOR),
    ]


def test_comment_html_becomes_text_and_unknown_tags_stay_visible():
    assert html_to_text("<p>One <strong>bold</strong> &amp; <em>fine</em></p><p>Two</p>") == (
        "One **bold** & *fine*\n\nTwo"
    )
    assert html_to_text('see <a href="https://x.org/a">this</a>') == "see this (https://x.org/a)"
    assert html_to_text("<script>alert(1)</script>") == "<script>alert(1)</script>"
