"""`briefing update` on a terminal: a Rich progress display, then one coloured line per feed."""

from __future__ import annotations

import os
import sys
import time

from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from briefing.feeds.store import Feed, save_feeds
from tests.feedtools import PROXY_VARIABLES, run, server

__all__ = ["server"]  # a fixture, used by name
from tests.feedtools import GOOD, feed
from tests.ptyterm import Terminal


def test_progress_on_a_terminal_and_plain_lines_elsewhere(server: HTTPServer) -> None:
    def slow(_request: Request) -> Response:
        time.sleep(1.0)  # long enough for the progress bar to be drawn
        return Response(feed([("alpha", GOOD)]))

    server.expect_request("/feed.atom").respond_with_handler(slow)
    server.expect_request("/alpha.yaml").respond_with_data(GOOD)
    save_feeds([Feed(name="wire", url=server.url_for("/feed.atom"))])
    env = {k: v for k, v in os.environ.items() if k not in PROXY_VARIABLES}
    env.update(TERM="xterm-256color", COLUMNS="80", LINES="24")
    env.pop("NO_COLOR", None)
    terminal = Terminal([sys.executable, "-m", "briefing", "update"], columns=80, lines=24, env=env)
    try:
        assert terminal.wait_for("updating", timeout=20), terminal.text()
        assert terminal.wait_exit(20) == 0
        terminal.read(0.2)
        assert "wire: 1 new, 0 updated" in terminal.text()
        assert "updating" not in terminal.text()  # the bar goes away when done
    finally:
        terminal.close()
    plain = run("update")  # not a terminal: one plain line, no escapes
    assert plain.out == "wire: unchanged\n" and "\x1b" not in plain.out + plain.err
