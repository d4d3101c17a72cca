"""What a hostile feed server cannot make an update cost: each bound, met at its edge.

A real HTTP server on loopback (pytest-httpserver) plays the publisher. The
bounds are documented in README.md ("Feeds"): no DTD at all, at most
MAX_ELEMENTS elements and MAX_ENTRIES entries read per feed, MAX_FEED_BYTES of
downloads per feed, ids the feed no longer lists deleted, every stored value
bounded, a deadline for the whole update, and quitting never waits for it.
"""

from __future__ import annotations

import asyncio
import json
import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from briefing.feeds import parse, update
from briefing.feeds.fetch import FetchError
from briefing.feeds.store import Feed, load_feeds, save_feeds, subscriptions_path
from tests.apptools import make_app
from tests.feedtools import GOOD, briefing_yaml, feed, no_proxy, run, serve, server

__all__ = ["no_proxy", "server"]  # fixtures, used by name
pytestmark = pytest.mark.usefixtures("no_proxy")


def held(name: str) -> Path:
    return Path(os.environ["XDG_DATA_HOME"]) / "briefing" / "feeds" / name


def stories(count: int, prefix: str = "s") -> list[tuple[str, bytes]]:
    return [
        (f"{prefix}-{n}", briefing_yaml(f"{prefix}-{n}", f"Story {n}").encode())
        for n in range(1, count + 1)
    ]


def offer(server: HTTPServer, items: list[tuple[str, bytes]]) -> None:
    serve(server, "/feed.atom", feed(items))
    for briefing_id, body in items:
        serve(server, f"/{briefing_id}.yaml", body)


def test_a_dtd_hidden_behind_a_comment_is_refused_by_the_parser(server: HTTPServer) -> None:
    # A comment holding "<a" before the DOCTYPE fooled a text scan for the root element.
    laughs = '<!ENTITY a0 "lol">' + "".join(
        f'<!ENTITY a{i} "{f"&a{i - 1};" * 10}">' for i in range(1, 8)
    )
    bomb = (
        feed([("alpha", GOOD)])
        .replace(b"<feed ", f"<!-- <a -->\n<!DOCTYPE feed [{laughs}]>\n<feed ".encode(), 1)
        .replace(b"<title>Faulty</title>", b"<title>&a7;</title>")
    )
    server.expect_request("/feed.atom").respond_with_data(bomb)
    serve(server, "/alpha.yaml", GOOD)
    result = run("subscribe", server.url_for("/feed.atom"))
    assert result.code == 1, result.out
    assert "declares a DTD (DOCTYPE)" in result.err
    assert not subscriptions_path().exists()


def test_a_doctype_without_entities_is_refused_too(server: HTTPServer) -> None:
    plain = feed([("alpha", GOOD)]).replace(b"<feed ", b"<!DOCTYPE feed>\n<feed ", 1)
    server.expect_request("/feed.atom").respond_with_data(plain)
    result = run("subscribe", server.url_for("/feed.atom"))
    assert result.code == 1 and "declares a DTD (DOCTYPE)" in result.err


def test_a_feed_past_the_element_bound_is_refused_before_feedparser(
    server: HTTPServer,
) -> None:
    items = [("alpha", GOOD)]
    padding = b"<x/>" * parse.MAX_ELEMENTS
    offer(server, items)
    server.clear()
    serve(server, "/feed.atom", feed(items).replace(b"</feed>", padding + b"</feed>"))
    serve(server, "/alpha.yaml", GOOD)
    save_feeds([Feed(name="wide", url=server.url_for("/feed.atom"))])
    result = run("update")
    assert result.code == 1
    assert f"has more than {parse.MAX_ELEMENTS:,} elements; refused" in result.err
    assert not (held("wide") / "alpha.yaml").exists()


def test_deep_nesting_is_refused() -> None:
    body = b'<feed xmlns="http://www.w3.org/2005/Atom">' + b"<x>" * 100 + b"</x>" * 100 + b"</feed>"
    with pytest.raises(FetchError, match="nests elements more than 64 deep"):
        parse.parse_feed(body, "http://127.0.0.1/feed.atom")


def test_entries_past_the_bound_are_not_read(
    server: HTTPServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(parse, "MAX_ENTRIES", 20)  # the real bound's 203 downloads took 4 s
    items = stories(parse.MAX_ENTRIES + 3)
    offer(server, items)
    save_feeds([Feed(name="many", url=server.url_for("/feed.atom"))])
    result = run("update")
    assert f"only the first {parse.MAX_ENTRIES} are read" in result.err
    assert len(list(held("many").glob("*.yaml"))) == parse.MAX_ENTRIES
    (stored,) = load_feeds()[0]
    assert len(stored.entries) == parse.MAX_ENTRIES


def test_downloads_stop_at_the_bytes_bound_per_feed(
    server: HTTPServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    items = stories(5)
    room = sum(len(body) for _, body in items[:3])
    monkeypatch.setattr(update, "MAX_FEED_BYTES", room)
    offer(server, items)
    save_feeds([Feed(name="heavy", url=server.url_for("/feed.atom"))])
    result = run("update")
    assert result.code == 1
    assert "this feed's briefings already fill" in result.err
    kept = sum(path.stat().st_size for path in held("heavy").glob("*.yaml"))
    assert kept <= room and len(list(held("heavy").glob("*.yaml"))) == 3


def test_ids_that_leave_the_feed_are_deleted(server: HTTPServer) -> None:
    items = stories(4)
    offer(server, items)
    save_feeds([Feed(name="moving", url=server.url_for("/feed.atom"))])
    assert run("update").code == 0
    server.clear()
    offer(server, items[2:] + stories(1, prefix="new"))
    result = run("update")
    assert result.code == 0, result.err
    names = sorted(path.name for path in held("moving").glob("*.yaml"))
    assert names == ["new-1.yaml", "s-3.yaml", "s-4.yaml"]
    (stored,) = load_feeds()[0]
    assert sorted(stored.entries) == ["new-1", "s-3", "s-4"]


def test_long_values_from_a_server_never_grow_the_subscriptions_file(
    server: HTTPServer,
) -> None:
    items = stories(3)
    body = feed(items)
    long_date = b"2024-01-01T00:00:00Z" + b"9" * 200_000
    body = body.replace(
        b"<updated>2024-01-01T00:00:00Z</updated>", b"<updated>" + long_date + b"</updated>"
    )
    serve(server, "/feed.atom", Response(body, headers={"ETag": '"' + "e" * 6000 + '"'}))
    for briefing_id, data in items:
        serve(server, f"/{briefing_id}.yaml", data)
    save_feeds(
        [
            Feed(name="long", url=server.url_for("/feed.atom")),
            Feed(name="other", url="http://127.0.0.1:9/x"),
        ]
    )
    run("update", "long")
    size = subscriptions_path().stat().st_size
    assert size < 16 * 1024, size
    feeds, warning = load_feeds()
    assert warning is None and [f.name for f in feeds] == ["long", "other"]


def test_one_unreadable_subscription_never_costs_the_others() -> None:
    save_feeds(
        [
            Feed(name="good", url="http://127.0.0.1:9/a"),
            Feed(name="also", url="http://127.0.0.1:9/b"),
        ]
    )
    document = json.loads(subscriptions_path().read_text())
    document["feeds"].insert(1, {"name": "Not A Slug", "url": "gopher://x"})
    document["feeds"][0]["title"] = "t" * 1_000_000
    subscriptions_path().write_text(json.dumps(document))
    feeds, warning = load_feeds()
    assert [f.name for f in feeds] == ["good", "also"]
    assert warning is not None and "feed 2 skipped" in warning and "the others are kept" in warning
    assert len(feeds[0].title) == 200
    assert not list(subscriptions_path().parent.glob("*.damaged-*"))


def test_the_whole_update_stops_at_its_deadline(server: HTTPServer) -> None:
    items = stories(10)
    serve(server, "/feed.atom", feed(items))
    asked: list[str] = []

    def slow(request: Request) -> Response:
        asked.append(request.path)
        body = dict(items)[request.path.strip("/").removesuffix(".yaml")]

        def drip() -> Iterator[bytes]:  # each download just inside --timeout 1
            for start in range(0, len(body), len(body) // 8 + 1):
                time.sleep(0.1)
                yield body[start : start + len(body) // 8 + 1]

        return Response(drip(), headers={"Content-Length": str(len(body))})

    for briefing_id, _ in items:
        server.expect_request(f"/{briefing_id}.yaml").respond_with_handler(slow)
    save_feeds([Feed(name="slow", url=server.url_for("/feed.atom"))])
    result = run("update", "--timeout", "1")
    assert result.code == 1
    assert "stopped at the 4 s limit for the whole update" in result.err
    assert len(asked) < len(items)  # the rest were never asked for
    (stored,) = load_feeds()[0]
    kept = {path.stem for path in held("slow").glob("*.yaml")}
    assert set(stored.entries) == kept  # what finished is remembered, and only that


def test_the_deadline_is_a_usage_error_out_of_range() -> None:
    assert run("update", "--deadline", "0").code == 2


async def test_quitting_the_reader_stops_an_update_in_flight(
    server: HTTPServer, tmp_path: Path
) -> None:
    asked, release = threading.Event(), threading.Event()

    def stuck(_request: Request) -> Response:
        asked.set()
        release.wait(60)  # a server that never answers while the reader quits
        return Response(feed([("alpha", GOOD)]))

    server.expect_request("/feed.atom").respond_with_handler(stuck)
    save_feeds([Feed(name="stuck", url=server.url_for("/feed.atom"))])
    app = make_app(state_dir=tmp_path / "state")
    said: list[str] = []
    app.notify = lambda message, **_: said.append(message)  # type: ignore[method-assign]
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.press("U")
            assert await asyncio.to_thread(asked.wait, 10)
            await pilot.press("q")
        # The update lets go of the subscriptions at once, without the server's answer
        # (before, the thread held them until the server answered).
        assert await asyncio.to_thread(_lock_frees_within, 10.0)
        assert said == ["Updating feeds\u2026"]  # nothing told to an app that has gone
        (stored,) = load_feeds()[0]
        assert stored.name == "stuck"
    finally:
        release.set()


def test_a_stopped_background_update_saves_what_finished(server: HTTPServer) -> None:
    from briefing.feeds.background import BackgroundUpdate

    offer(server, stories(1))
    save_feeds([Feed(name="early", url=server.url_for("/feed.atom"))])
    job = BackgroundUpdate()
    job.stop()  # before it even started: it stops at once, the file stays readable
    summary = job.run()
    assert summary.message == "Feeds update stopped." and not summary.arrived
    assert [f.name for f in load_feeds()[0]] == ["early"]


def _lock_frees_within(seconds: float) -> bool:
    """Whether the subscriptions lock can be taken before `seconds` pass (polled)."""
    from briefing.feeds.store import Busy, exclusive

    ends = time.monotonic() + seconds
    while time.monotonic() < ends:
        try:
            with exclusive():
                return True
        except Busy:
            time.sleep(0.05)
    return False
