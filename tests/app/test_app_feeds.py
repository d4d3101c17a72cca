"""`U` in the reader updates feeds in a worker thread and says what arrived; keys keep working."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
from pytest_httpserver import HTTPServer

from briefing.feeds.store import Feed, save_feeds
from tests.apptools import make_app
from tests.feedtools import no_proxy, run, write_briefings

__all__ = ["no_proxy"]
pytestmark = pytest.mark.usefixtures("no_proxy")


async def test_u_updates_in_the_background(tmp_path: Path) -> None:
    write_briefings(tmp_path / "src", 2)
    assert run("publish", str(tmp_path / "src"), str(tmp_path / "out")).code == 0
    httpd = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    release = threading.Event()

    def slow_feed(_request: Any) -> Any:
        from werkzeug import Response

        release.wait(10)  # the update is still running while we press keys
        return Response((tmp_path / "out" / "feed.atom").read_bytes())

    httpd.expect_request("/feed.atom").respond_with_handler(slow_feed)
    for name in ("story-1", "story-2"):
        httpd.expect_request(f"/{name}.yaml").respond_with_data(
            (tmp_path / "out" / f"{name}.yaml").read_bytes()
        )
    httpd.start()
    try:
        save_feeds([Feed(name="wire", url=httpd.url_for("/feed.atom"))])
        app = make_app(state_dir=tmp_path / "state")
        said: list[tuple[str, dict[str, Any]]] = []
        real_notify = app.notify

        def notify(message: str, **kwargs: Any) -> None:
            said.append((message, kwargs))
            real_notify(message, **kwargs)

        app.notify = notify  # type: ignore[method-assign]
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.press("U")
            await pilot.press("2")  # a key while the update waits on the server
            await pilot.pause()
            assert app.reader is not None and app.reader.article.has_focus
            assert [m for m, _ in said] == ["Updating feeds\u2026"]
            release.set()
            await app.workers.wait_for_complete()
            await pilot.pause()
            assert said[-1][0] == "2 new, 0 updated from 1 feed."
            assert all(kwargs.get("markup") is False for _, kwargs in said)
            app.action_library()
            await pilot.pause()
            assert app.library is not None
            found = app.library.by_id("story-1")
            assert found is not None and found.origin == "feed wire"
    finally:
        release.set()
        httpd.clear()
        httpd.stop()
