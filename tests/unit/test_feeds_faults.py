"""Every way a feed server can misbehave: a clear message, exit 1, the last good copy kept.

A real HTTP server (pytest-httpserver, threaded) plays the misbehaving publisher.
Each case first subscribes and downloads a good `alpha`, then the server turns bad.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Response

from briefing.format.loader import load_path
from tests.feedtools import GOOD, briefing_yaml, feed, no_proxy, run, serve, server

__all__ = ["no_proxy", "server"]  # fixtures, used by name
pytestmark = pytest.mark.usefixtures("no_proxy")

EDITED = briefing_yaml("alpha", "Alpha, second version").encode()
MIB = 1024 * 1024


def edited_alpha(server: HTTPServer, body: bytes | Response, *, sha: str | None = None) -> None:
    """The feed now offers a new alpha (day 2); its download answers with `body`."""
    advertised = body if isinstance(body, bytes) else EDITED
    serve(server, "/feed.atom", feed([("alpha", advertised)], sha=sha, day=2))
    serve(server, "/alpha.yaml", body)


def slow_drip(server: HTTPServer) -> None:
    def drip() -> Iterator[bytes]:
        for _ in range(40):
            yield b" "
            time.sleep(0.1)

    serve(server, "/feed.atom", Response(drip(), content_type="application/atom+xml"))


def truncated(server: HTTPServer) -> None:
    response = Response(iter([EDITED[:40]]), headers={"Content-Length": str(len(EDITED))})
    edited_alpha(server, response, sha=hashlib.sha256(EDITED).hexdigest())


def status(code: int, **headers: str) -> Callable[[HTTPServer], None]:
    return lambda server: serve(server, "/feed.atom", Response(b"no", status=code, headers=headers))


def redirect_loop(server: HTTPServer) -> None:
    serve(server, "/feed.atom", Response(status=302, headers={"Location": "/b"}))
    serve(server, "/b", Response(status=301, headers={"Location": "feed.atom"}))


def redirect_to_file(server: HTTPServer) -> None:
    serve(server, "/feed.atom", Response(status=302, headers={"Location": "file:///etc/passwd"}))


def too_big(server: HTTPServer) -> None:
    big = EDITED + b"\n# " + b"x" * (5 * MIB) + b"\n"
    edited_alpha(server, big)


def gzip_bomb(server: HTTPServer) -> None:
    # 64 MiB of newlines (16 times the limit) in about 64 KiB, made a MiB at a time (the
    # test's own memory stays small: a later test's subprocess inherits this process's
    # peak RSS figure). A GiB proved nothing more and took 12 s to compress.
    packer = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    block = b"\n" * MIB
    bomb = b"".join(packer.compress(block) for _ in range(64)) + packer.flush()
    response = Response(bomb, headers={"Content-Encoding": "gzip"})
    edited_alpha(server, response, sha="0" * 64)


def wrong_sha(server: HTTPServer) -> None:
    edited_alpha(server, EDITED, sha=hashlib.sha256(b"something else").hexdigest())


def invalid_yaml(server: HTTPServer) -> None:
    edited_alpha(server, b"briefing: 1\nid: alpha\ntitle: [unclosed\n")


def html_feed(server: HTTPServer) -> None:
    page = b"<!doctype html><html><head><title>Hi</title></head><body><p>Not a feed</body></html>"
    serve(server, "/feed.atom", Response(page, content_type="text/html"))


def enclosure_to_ftp(server: HTTPServer) -> None:
    body = feed([("alpha", EDITED)], day=2).replace(b'href="alpha.yaml"', b'href="ftp://h/a"')
    serve(server, "/feed.atom", body)


FAULTS: dict[str, tuple[Callable[[HTTPServer], None], str]] = {
    "slow drip": (slow_drip, "no complete answer within 1.5 s"),
    "truncated body": (truncated, "alpha.yaml: peer closed connection"),
    "500": (status(500), "feed: HTTP 500"),
    "429 with Retry-After": (status(429, **{"Retry-After": "120"}), "asked again after 120 s"),
    "503": (status(503), "server busy (HTTP 503)"),
    "redirect loop": (redirect_loop, "redirect loop"),
    "redirect to file:": (redirect_to_file, "only http and https are allowed, not file"),
    "5 MiB briefing": (too_big, "alpha.yaml: larger than the 4 MiB limit"),
    "gzip bomb": (gzip_bomb, "alpha.yaml: larger than the 4 MiB limit"),
    "wrong SHA-256": (wrong_sha, "differs from the feed's"),
    "invalid YAML": (invalid_yaml, "alpha.yaml: refused by the loader: 3:8: not valid YAML"),
    "feed is HTML": (html_feed, "is not a valid feed"),
    "enclosure on ftp:": (enclosure_to_ftp, "only http and https are allowed, not ftp"),
}


def subscribed(server: HTTPServer) -> Path:
    """Subscribe to a good feed and download alpha; its stored path."""
    serve(server, "/feed.atom", feed([("alpha", GOOD)]))
    serve(server, "/alpha.yaml", GOOD)
    assert run("subscribe", server.url_for("/feed.atom")).code == 0
    first = run("update")
    assert (first.code, first.out.strip()) == (0, "faulty: 1 new, 0 updated"), first.err
    stored = Path(os.environ["XDG_DATA_HOME"]) / "briefing" / "feeds" / "faulty" / "alpha.yaml"
    assert stored.read_bytes() == GOOD
    server.clear()
    return stored


@pytest.mark.parametrize("fault", FAULTS, ids=list(FAULTS))
def test_a_fault_keeps_the_good_copy(server: HTTPServer, fault: str) -> None:
    stored = subscribed(server)
    make, message = FAULTS[fault]
    make(server)
    started = time.monotonic()
    result = run("update", "--timeout", "1.5")
    assert time.monotonic() - started < 10
    assert result.code == 1, (result.out, result.err)
    assert "1 of 1 feed(s) failed" in result.err
    assert message in result.err, result.err
    assert stored.read_bytes() == GOOD
    assert load_path(stored).briefing.title == "Alpha, first version"
    left = {p.name for p in stored.parent.iterdir()} - {"alpha.yaml", ".feed.atom"}
    assert not left  # no temporary file left
    if fault.startswith("429"):
        again = run("update")
        assert again.code == 1 and "the server asked us to wait until" in again.err


def test_a_colliding_id_warns_once_and_both_files_stay(server: HTTPServer) -> None:
    stored = subscribed(server)
    mine = Path(os.environ["XDG_DATA_HOME"]) / "briefing" / "briefings" / "beta.yaml"
    mine.parent.mkdir(parents=True)
    own = briefing_yaml("beta", "My own beta").encode()
    mine.write_bytes(own)
    serve(
        server, "/feed.atom", feed([("alpha", GOOD), ("beta", EDITED.replace(b"alpha", b"beta"))])
    )
    serve(server, "/beta.yaml", EDITED.replace(b"alpha", b"beta"))
    result = run("update")
    assert result.code == 0, result.err
    warnings = [line for line in result.err.splitlines() if "beta" in line]
    assert len(warnings) == 1 and "your file" in warnings[0] and "wins" in warnings[0]
    assert mine.read_bytes() == own and stored.read_bytes() == GOOD
    assert not (stored.parent / "beta.yaml").exists()
    assert "beta" not in run("update").err  # warned once
    titles = {row["title"] for row in json.loads(run("list", "--format", "json").out)}
    assert "My own beta" in titles


def test_a_copy_hidden_by_a_local_file_arrives_when_that_file_goes(server: HTTPServer) -> None:
    stored = subscribed(server)
    beta = EDITED.replace(b"alpha", b"beta")
    mine = Path(os.environ["XDG_DATA_HOME"]) / "briefing" / "briefings" / "beta.yaml"
    mine.parent.mkdir(parents=True)
    mine.write_bytes(briefing_yaml("beta", "My own beta").encode())
    server.expect_request("/feed.atom").respond_with_response(
        Response(feed([("alpha", GOOD), ("beta", beta)]), headers={"ETag": '"v2"'})
    )
    serve(server, "/beta.yaml", beta)
    assert run("update").code == 0
    assert not (stored.parent / "beta.yaml").exists()
    mine.unlink()
    server.clear()  # the feed has not changed: the server answers 304 from now on
    server.expect_request("/feed.atom", headers={"If-None-Match": '"v2"'}).respond_with_response(
        Response(status=304, headers={"ETag": '"v2"'})
    )
    serve(server, "/beta.yaml", beta)
    result = run("update")
    assert (result.code, result.out.strip()) == (0, "faulty: 1 new, 0 updated"), result.err
    assert (stored.parent / "beta.yaml").read_bytes() == beta
