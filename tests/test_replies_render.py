"""The outline shown in Discord: nesting, folding, tombstones, safe names and spoilers, pages."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from hypothesis import given, settings
from hypothesis import strategies as st
from replies_support import START
from test_replies_tree import stored

from bot import limits
from bot.replies.model import MessageState
from bot.replies.render import INDENT, RenderOptions, TimeStyle, render_chain, render_tree
from bot.replies.text import excerpt, safe_name, spoiler_spans
from bot.replies.tree import build_tree
from bot.spoilers.format import Document

PLAIN = RenderOptions(time_style=TimeStyle.PLAIN)


def named(number, parent=None, *, name=None, text=None, **kwargs):
    base = stored(number, parent, **kwargs)
    return replace(
        base,
        author_name=name or base.author_name,
        content=text if text is not None else base.content,
    )


def test_outline_reads_like_nested_comments():
    tree = build_tree(
        [
            named(1, name="Kathy", text="Tommy's drawings ||were for the Gallery||."),
            named(2, 1, name="Ruth", state=MessageState.DELETED_BY_AUTHOR),
            named(3, 2, name="Tommy", text="I still think they mattered."),
            named(4, 77, name="Madame", text="Late to this."),
        ]
    )

    page = render_tree(tree, PLAIN).pages[0]

    e = INDENT
    assert page == (
        "**Kathy** · 2024-05-01 10:01 UTC · [jump](https://discord.com/channels/9/1/1)\n"
        f"{e}Tommy's drawings ||were for the Gallery||.\n"
        f"{e}↳ **Ruth** · 2024-05-01 10:02 UTC · [jump](https://discord.com/channels/9/1/2)\n"
        f"{e}{e}*[deleted by its author]*\n"
        f"{e}{e}↳ **Tommy** · 2024-05-01 10:03 UTC · [jump](https://discord.com/channels/9/1/3)\n"
        f"{e}{e}{e}I still think they mattered.\n"
        "**Madame** · 2024-05-01 10:04 UTC · [jump](https://discord.com/channels/9/1/4) · "
        "↪ *reply to a message the bot never saw*\n"
        f"{e}Late to this."
    )


def test_discord_time_style_uses_discord_timestamps():
    page = render_tree(build_tree([named(1)])).pages[0]

    assert f"<t:{int((START + timedelta(minutes=1)).timestamp())}:f>" in page


def test_replies_deeper_than_five_levels_fold_into_continue_this_thread():
    chain = [named(1)] + [named(n, n - 1) for n in range(2, 10)]

    rendered = render_tree(build_tree(chain), PLAIN)

    text = rendered.pages[0]
    assert "comment 5" in text and "comment 6" not in text
    assert (
        f"{INDENT * 5}↳ *continue this thread* (4 more replies) → "
        "[jump](https://discord.com/channels/9/1/6)"
    ) in text
    assert (rendered.comments, rendered.shown) == (9, 5)


def test_chain_shows_the_way_up_shortened_and_marks_the_message():
    chain = [named(1)] + [named(n, n - 1) for n in range(2, 9)]

    page = render_chain(build_tree(chain), 6, PLAIN).pages[0]

    lines = page.splitlines()
    assert lines[0] == (
        "⋮ *3 earlier comments in this chain* · [start](https://discord.com/channels/9/1/1)"
    )
    assert lines[1].startswith("**member4**")
    assert lines[5].startswith(f"{INDENT * 2}➤ **member6**")
    assert "comment 8" in page


def test_chain_with_only_one_more_ancestor_shows_it_rather_than_a_fold_line():
    chain = [named(1)] + [named(n, n - 1) for n in range(2, 5)]

    page = render_chain(build_tree(chain), 4, PLAIN).pages[0]

    assert "earlier comment" not in page
    assert page.startswith("**member1**") and f"{INDENT * 3}➤ **member4**" in page


def test_names_cannot_format_or_ping():
    assert safe_name("**@everyone** [x](http://a)") == (
        "\\*\\*@\u200beveryone\\*\\* \\[x\\](http://a)"  # no link without the brackets
    )
    assert safe_name("<@123> <#5> <@&7>") == "\\<@\u200b123\\> \\<#\u200b5\\> \\<@\u200b&7\\>"
    assert safe_name("@here\nnew line\u202e") == "@\u200bhere new line"
    assert len(safe_name("x" * 80)) == 32
    page = render_tree(build_tree([named(1, name="__@everyone__")]), PLAIN).pages[0]
    assert "@everyone" not in page and "\\_\\_@\u200beveryone\\_\\_" in page


def test_every_page_fits_and_every_comment_appears_once():
    messages = [named(1, text="x" * 150)]
    messages += [
        named(n, (n - 1) // 3 or None, text=f"reply {n} " + "y" * 120) for n in range(2, 400)
    ]

    rendered = render_tree(build_tree(messages), PLAIN)

    assert len(rendered.pages) > 10
    assert all(len(page) <= limits.EMBED_DESCRIPTION for page in rendered.pages)
    joined = "\n".join(rendered.pages)
    assert joined.count("**member") == rendered.shown
    assert rendered.shown + joined.count("continue this thread") < rendered.comments
    for n in range(1, 400):
        assert joined.count(f"reply {n} ") <= 1


def test_a_small_page_limit_is_respected():
    messages = [named(n) for n in range(1, 30)]

    rendered = render_tree(build_tree(messages), RenderOptions(page_limit=400))

    assert all(len(page) <= 400 for page in rendered.pages)
    assert sum(page.count("**member") for page in rendered.pages) == 29


def test_an_empty_thread_renders_a_friendly_page():
    assert render_tree(build_tree([])).pages == ["*No comments stored for this thread yet.*"]


def test_excerpt_keeps_spoilers_whole():
    text = "The ending: ||Tommy and Kathy learn there are no deferrals, and Ruth dies|| sadly."

    assert excerpt(text, 30) == "The ending:…"
    assert excerpt("||" + "a long secret " * 3 + "|| then more text follows here", 40) == (
        "||a long secret a long secret a long secret ||…"
    )
    assert excerpt("||" + "secret " * 40 + "||", 30) == "[spoiler]…"
    assert excerpt("short ||one|| fine", 100) == "short ||one|| fine"
    assert excerpt("Now you make me wanna read it… How did you like", 32) == (
        "Now you make me wanna read it…"
    )


def test_excerpt_neutralises_pings_and_unbalanced_code():
    assert excerpt("hey @everyone look", 50) == "hey @\u200beveryone look"
    assert excerpt("```py\nprint(1)\n```", 50) == "`print(1)`"  # a block becomes inline code
    assert excerpt("`code` and `more code that goes on", 24) == "`code` and \\`more code…"


spoiler_text = st.lists(
    st.one_of(
        st.text(alphabet="abc de|", min_size=1, max_size=15),
        st.text(alphabet="xyz ", min_size=1, max_size=20).map(lambda s: f"||{s}||"),
    ),
    max_size=12,
).map("".join)


@settings(max_examples=200, deadline=None)
@given(spoiler_text, st.integers(min_value=8, max_value=60))
def test_excerpt_never_cuts_inside_a_spoiler(text, limit):
    result = excerpt(text, limit)
    if result == "[spoiler]…":
        return
    kept = Document.parse(result.removesuffix("…"))
    whole = Document.parse(" ".join(text.split()))
    assert whole.visible().startswith(kept.visible().rstrip())

    def spoilers(doc):
        return [doc.text[start:end].strip() for start, end in spoiler_spans(doc)]

    kept_spoilers = [Document.parse(s).visible() for s in spoilers(kept)]
    whole_spoilers = [Document.parse(s).visible() for s in spoilers(whole)]
    assert kept_spoilers == whole_spoilers[: len(kept_spoilers)]  # each one whole
