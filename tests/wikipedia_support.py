"""The hand-written Wikipedia fixture (tests/fixtures/wikipedia/films.xml) in dump layouts."""

from __future__ import annotations

import asyncio
from pathlib import Path

import mwxml
from aiohttp import web

from bench._wikidump import split_export, write_bz2, write_multistream

FIXTURE = Path(__file__).parent / "fixtures" / "wikipedia" / "films.xml"
FILM_ARTICLES = ("Moon (2009 film)", "Shutter Island (film)", "Her (film)")


def fixture_pages():
    """(header, pages, footer) of the fixture export."""
    return split_export(FIXTURE.read_text(encoding="utf-8"))


def fixture_bz2(folder: Path, name: str = "enwiki-20261101-pages-articles.xml.bz2") -> Path:
    """The fixture as one bz2 stream, like pages-articles.xml.bz2."""
    folder.mkdir(parents=True, exist_ok=True)
    header, pages, footer = fixture_pages()
    path = folder / name
    write_bz2(path, header, pages, footer)
    return path


def fixture_multistream(
    folder: Path, *, per_stream: int = 2, index: bool = True,
    name: str = "enwiki-20261101-pages-articles-multistream.xml.bz2",
) -> Path:  # fmt: skip
    """The fixture as concatenated bz2 streams (with the index file unless `index` is False)."""
    folder.mkdir(parents=True, exist_ok=True)
    header, pages, footer = fixture_pages()
    path = folder / name
    written = write_multistream(path, header, pages, per_stream=per_stream, footer=footer)
    if not index:
        written.unlink()
    return path


class FakeMediaWiki:
    """Answers like the MediaWiki Action API (formatversion 2) about the fixture's articles.

    Search finds main-namespace articles whose title starts with the query's first word. The
    first `throttle` requests get a 429 and the next `lagged` a maxlag error, both with
    Retry-After; with `hang` set nothing is answered (the client's timeout ends the wait).
    """

    def __init__(self, *, throttle: int = 0, lagged: int = 0, hang: bool = False,
                 extra: dict[str, str] | None = None, retry_after: int = 3) -> None:  # fmt: skip
        self.throttle, self.lagged, self.hang = throttle, lagged, hang
        self.retry_after = retry_after
        self.requests: list[web.Request] = []
        self.released = asyncio.Event()  # set before shutting down, to end hanging requests
        self.articles: dict[str, tuple[int, int, str]] = {}
        with FIXTURE.open("rb") as file:
            for page in mwxml.Dump.from_file(file):
                for revision in page:
                    if page.namespace == 0 and not page.redirect:
                        self.articles[page.title] = (page.id, revision.id, revision.text)
        for number, (title, text) in enumerate((extra or {}).items(), start=900):
            self.articles[title] = (number, number * 10, text)

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_get("/w/api.php", self.api)
        return app

    async def api(self, request: web.Request) -> web.Response:
        self.requests.append(request)
        if self.hang:
            await self.released.wait()
        if self.throttle > 0:
            self.throttle -= 1
            return web.json_response({}, status=429, headers={"Retry-After": str(self.retry_after)})
        if self.lagged > 0:
            self.lagged -= 1
            error = {
                "error": {
                    "code": "maxlag",
                    "info": "Waiting for a database server: 7 seconds lagged",
                }
            }
            return web.json_response(error, headers={"Retry-After": "5"})
        query = request.query
        if query.get("list") == "search":
            word = query["srsearch"].split()[0].casefold()
            hits = [{"ns": 0, "title": t} for t in self.articles if t.casefold().startswith(word)]
            return web.json_response({"query": {"search": hits[: int(query["srlimit"])]}})
        pages = []
        for title in query["titles"].split("|"):
            page_id, revision_id, text = self.articles[title]
            revision = {"revid": revision_id, "slots": {"main": {"content": text}}}
            pages.append({"pageid": page_id, "ns": 0, "title": title, "revisions": [revision]})
        return web.json_response({"batchcomplete": True, "query": {"pages": pages}})


async def serve_mediawiki(fake: FakeMediaWiki) -> tuple[web.AppRunner, str]:
    """The fake on a local port; its API address."""
    runner = web.AppRunner(fake.app())
    runner.app.on_shutdown.append(lambda _app: _release(fake))
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    host, port = runner.addresses[0][:2]
    return runner, f"http://{host}:{port}/w/api.php"


async def _release(fake: FakeMediaWiki) -> None:
    fake.released.set()
