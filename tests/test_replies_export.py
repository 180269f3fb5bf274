"""Exports: JSON nested like the tree, HTML like a blog's comments (everything escaped),
Markdown indented; streamed to the file."""

from __future__ import annotations

import io
import json
from html.parser import HTMLParser

import pytest
from replies_support import GUILD, THREAD, message, mid, open_repository

from bot.errors import InvalidInput, NotFound
from bot.progress import Progress
from bot.replies.export import ExportFormat, export_thread, parse_format
from bot.replies.saving import save_messages


@pytest.fixture
async def repo(tmp_path):
    async with open_repository(tmp_path) as repository:
        await save_messages(
            repository,
            [
                message(
                    1, text="Who else cried at ||the last scene in the field||?", author="Kathy"
                ),
                message(2, 1, text="<script>alert('x')</script> me & you", author="<b>Ruth</b>"),
                message(3, 2, text="Hailsham was the point.", author="Tommy"),
                message(4, 1, text="gone", author="Miss Lucy"),
                message(5, text="A new topic", author="@everyone"),
            ],
        )
        await repository.mark_deleted(mid(2))
        await repository.mark_removed(mid(4), "screener")
        await repository.set_thread_title(THREAD, GUILD, "Never Let Me Go <2010>")
        yield repository


async def export(repo, tmp_path, fmt: ExportFormat, **kwargs) -> str:
    out = tmp_path / f"thread.{fmt.value}"
    result = await export_thread(repo, THREAD, fmt, out, **kwargs)
    assert result.comments == 5 and result.bytes_written == out.stat().st_size
    assert not (tmp_path / f"thread.{fmt.value}.partial").exists()
    return out.read_text(encoding="utf-8")


async def test_json_is_a_list_of_top_level_comments_with_nested_replies(repo, tmp_path):
    document = json.loads(await export(repo, tmp_path, ExportFormat.JSON))

    def shape(comments):
        return [(c["author"], c["state"], c["text"], shape(c["replies"])) for c in comments]

    assert shape(document) == [
        (
            "Kathy",
            "visible",
            "Who else cried at ||the last scene in the field||?",
            [
                (
                    "<b>Ruth</b>",
                    "deleted_by_author",
                    "[deleted by its author]",
                    [("Tommy", "visible", "Hailsham was the point.", [])],
                ),
                ("Miss Lucy", "removed_by_moderator", "[removed by a moderator]", []),
            ],
        ),
        ("@everyone", "visible", "A new topic", []),
    ]
    first = document[0]
    assert set(first) == {"id", "author", "created_at", "text", "state", "replies"}
    assert first["id"] == str(mid(1))
    assert first["created_at"] == "2024-05-01T10:01:00+00:00"


class _Collect(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.open: list[str] = []
        self.spoilers: list[str] = []
        self._in_spoiler_span = False

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        if tag not in {"meta", "br"}:
            self.open.append(tag)
        self._in_spoiler_span = tag == "span" and self.open[-2:-1] == ["details"]

    def handle_endtag(self, tag):
        assert self.open.pop() == tag
        self._in_spoiler_span = False

    def handle_data(self, data):
        if self._in_spoiler_span:
            self.spoilers.append(data)


async def test_html_escapes_all_user_text_and_hides_spoilers(repo, tmp_path):
    page = await export(repo, tmp_path, ExportFormat.HTML)
    parsed = _Collect()
    parsed.feed(page)

    assert "script" not in parsed.tags and "b" not in parsed.tags
    assert parsed.open == []  # every element closed: the nesting is well formed
    assert parsed.spoilers == ["the last scene in the field"]
    assert "&lt;b&gt;Ruth&lt;/b&gt;" in page
    assert "Never Let Me Go &lt;2010&gt;" in page
    assert '<li class="comment tombstone" id="c10002">' in page
    assert "[deleted by its author]" in page and "[removed by a moderator]" in page
    assert "&lt;script&gt;" not in page  # a tombstone never shows the original text
    assert page.index("Hailsham") > page.index('id="c10002"')  # the reply stays under it
    assert '<time datetime="2024-05-01T10:01:00+00:00">1 May 2024 at 10:01 UTC</time>' in page


async def test_html_escapes_markup_in_visible_comments(repo, tmp_path):
    await save_messages(repo, [message(6, 5, text='<img src=x onerror="boom()"> & <a href=j>')])

    json_file = (await export_thread(repo, THREAD, ExportFormat.JSON, tmp_path / "p.json")).path
    assert "<img" in json_file.read_text(encoding="utf-8")  # JSON keeps the text as written
    html_file = (await export_thread(repo, THREAD, ExportFormat.HTML, tmp_path / "p.html")).path
    text = html_file.read_text(encoding="utf-8")
    assert "&lt;img src=x onerror=&quot;boom()&quot;&gt; &amp; &lt;a href=j&gt;" in text
    assert "<img" not in text


async def test_markdown_is_an_indented_list(repo, tmp_path):
    document = await export(repo, tmp_path, ExportFormat.MARKDOWN)

    lines = [line for line in document.splitlines() if line.strip()]
    assert lines[0] == "# Never Let Me Go &lt;2010&gt;"
    assert lines[2].startswith("- **Kathy** · 1 May 2024 at 10:01 UTC · [jump](")
    assert lines[3] == "  Who else cried at ||the last scene in the field||?"
    assert lines[4].startswith("  - **\\<b\\>Ruth\\</b\\>** · ")  # shown literally, not bold
    assert lines[5] == "    *[deleted by its author]*"
    assert lines[6].startswith("    - **Tommy**")
    assert lines[8].startswith("  - **Miss Lucy**")
    assert lines[10].startswith("- **@\u200beveryone**")


async def test_export_of_an_unknown_thread_writes_nothing(repo, tmp_path):
    with pytest.raises(NotFound, match="No stored thread has the id 123"):
        await export_thread(repo, 123, ExportFormat.JSON, tmp_path / "x.json")
    assert list(tmp_path.glob("x.json*")) == []


async def test_export_into_a_missing_folder_is_a_clear_error(repo, tmp_path):
    with pytest.raises(InvalidInput, match="Cannot write"):
        await export_thread(repo, THREAD, ExportFormat.JSON, tmp_path / "no" / "x.json")


def test_format_names_are_checked():
    assert parse_format(" HTML ") is ExportFormat.HTML
    with pytest.raises(InvalidInput, match="choose one of json, html, markdown"):
        parse_format("pdf")


async def test_a_50000_message_thread_streams_to_valid_json_with_progress(tmp_path):
    async with open_repository(tmp_path) as repo:
        records = [message(n, (n - 1) // 4 or None, thread=77) for n in range(1, 50_001)]
        await repo.upsert_messages(records)
        stream = io.StringIO()

        out = tmp_path / "big.json"
        result = await export_thread(
            repo, 77, ExportFormat.JSON, out, progress=Progress("Export", 50_000, stream=stream)
        )

        assert result.comments == 50_000
        document = json.loads(out.read_text(encoding="utf-8"))
        assert len(document) == 4  # messages 1-4 start the four top-level chains
        total, stack = 0, list(document)
        while stack:
            comment = stack.pop()
            total += 1
            stack.extend(comment["replies"])
        assert total == 50_000
        assert "100.0% 50,000/50,000" in stream.getvalue()
