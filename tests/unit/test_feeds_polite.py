"""Politeness and the last safety rules: validators, User-Agent, concurrency, redirects, proxies."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from briefing import __version__
from briefing.feeds.store import Feed, load_feeds, save_feeds
from tests.feedtools import GOOD, briefing_yaml, feed, no_proxy, run, server

__all__ = ["no_proxy", "server"]  # fixtures, used by name
pytestmark = pytest.mark.usefixtures("no_proxy")


def held(name: str) -> Path:
    return Path(os.environ["XDG_DATA_HOME"]) / "briefing" / "feeds" / name


def test_validators_are_sent_and_refreshed_by_a_304(server: HTTPServer) -> None:
    seen: list[dict[str, str]] = []
    etags = iter(['"v1"', '"v2"', '"v3"'])

    def answer(request: Request) -> Response:
        seen.append(dict(request.headers))
        etag = next(etags)
        if "If-None-Match" in request.headers:
            return Response(status=304, headers={"ETag": etag})
        return Response(
            feed([("alpha", GOOD)]),
            headers={"ETag": etag, "Last-Modified": "Mon, 01 Jan 2024 00:00:00 GMT"},
        )

    server.expect_request("/feed.atom").respond_with_handler(answer)
    server.expect_request("/alpha.yaml").respond_with_data(GOOD)
    save_feeds([Feed(name="wire", url=server.url_for("/feed.atom"))])
    assert run("update").out.strip() == "wire: 1 new, 0 updated"
    assert run("update").out.strip() == "wire: unchanged"
    assert run("update").out.strip() == "wire: unchanged"
    assert seen[0]["User-Agent"] == f"briefing/{__version__}"
    assert "If-None-Match" not in seen[0]
    assert seen[1]["If-None-Match"] == '"v1"'
    assert seen[1]["If-Modified-Since"] == "Mon, 01 Jan 2024 00:00:00 GMT"
    assert seen[2]["If-None-Match"] == '"v2"'  # the 304's new ETag was kept
    (stored,) = load_feeds()[0]
    assert stored.validators[stored.url]["etag"] == '"v3"'


def test_concurrency_is_bounded_by_jobs(server: HTTPServer) -> None:
    active, peak = 0, 0
    lock = threading.Lock()

    def slow(request: Request) -> Response:
        nonlocal active, peak
        with lock:
            active += 1
            peak = max(peak, active)
        time.sleep(0.25)
        with lock:
            active -= 1
        name = request.path.strip("/").split(".")[0]
        return Response(feed([(name, briefing_yaml(name, name).encode())]))

    feeds = []
    for number in range(8):
        server.expect_request(f"/f{number}.atom").respond_with_handler(slow)
        body = briefing_yaml(f"f{number}", f"f{number}").encode()
        server.expect_request(f"/f{number}.yaml").respond_with_data(body)
        feeds.append(Feed(name=f"f{number}", url=server.url_for(f"/f{number}.atom")))
    save_feeds(feeds)
    result = run("update", "--jobs", "2")
    assert result.code == 0, result.err
    assert peak == 2
    assert run("update", "--jobs", "0").code == 2


def test_redirects_are_followed_at_most_five_times(server: HTTPServer) -> None:
    for hop in range(6):
        server.expect_request(f"/r{hop}").respond_with_response(
            Response(status=307, headers={"Location": f"/r{hop + 1}"})
        )
    server.expect_request("/r6").respond_with_data(feed([("alpha", GOOD)]))
    server.expect_request("/alpha.yaml").respond_with_data(GOOD)
    save_feeds(
        [Feed(name="far", url=server.url_for("/r0")), Feed(name="near", url=server.url_for("/r1"))]
    )
    result = run("update")
    assert result.code == 1
    assert "far: failed: feed: more than 5 redirects" in result.out
    assert "near: 1 new, 0 updated" in result.out  # exactly five is fine


def test_proxies_from_the_environment_are_used(
    server: HTTPServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    hosts: list[str] = []

    def proxied(request: Request) -> Response:
        hosts.append(request.host)
        return Response(feed([("alpha", GOOD)]))

    server.expect_request("/feed.atom").respond_with_handler(proxied)
    monkeypatch.setenv("HTTP_PROXY", server.url_for("/"))
    result = run("subscribe", "http://feeds.invalid/feed.atom")
    assert result.code == 0, result.err
    assert hosts == ["feeds.invalid"]
    monkeypatch.setenv("NO_PROXY", "feeds.invalid")
    assert run("update").code == 1  # now asked directly, and .invalid does not resolve
    assert hosts == ["feeds.invalid"]


def test_a_feed_over_8_mib_is_refused(server: HTTPServer) -> None:
    huge = feed([("alpha", GOOD)]).replace(
        b"</feed>", b"<!--" + b"x" * (8 * 1024 * 1024) + b"--></feed>"
    )
    server.expect_request("/feed.atom").respond_with_data(huge)
    save_feeds([Feed(name="big", url=server.url_for("/feed.atom"))])
    result = run("update")
    assert result.code == 1 and "feed: larger than the 8 MiB limit" in result.err


def test_ids_that_are_not_slugs_never_become_paths(server: HTTPServer, tmp_path: Path) -> None:
    body = feed([("alpha", GOOD)]).replace(b"<briefing:id>alpha<", b"<briefing:id>../../evil<")
    server.expect_request("/feed.atom").respond_with_data(body)
    server.expect_request("/alpha.yaml").respond_with_data(GOOD)
    save_feeds([Feed(name="bad", url=server.url_for("/feed.atom"))])
    result = run("update")
    assert result.code == 1 and "no valid briefing id" in result.err
    kept = [p.name for p in held("bad").iterdir()] if held("bad").exists() else []
    assert kept in ([], [".feed.atom"])  # the feed document itself, never a briefing
    assert not list(Path(os.environ["XDG_DATA_HOME"]).rglob("evil*"))


def test_a_file_whose_id_differs_from_the_feed_is_refused(server: HTTPServer) -> None:
    other = briefing_yaml("beta", "Beta").encode()
    server.expect_request("/feed.atom").respond_with_data(feed([("alpha", other)]))
    server.expect_request("/alpha.yaml").respond_with_data(other)
    save_feeds([Feed(name="liar", url=server.url_for("/feed.atom"))])
    result = run("update")
    assert result.code == 1 and "its id is 'beta', not 'alpha' as the feed says" in result.err


def test_the_first_feed_to_hold_an_id_keeps_it(server: HTTPServer) -> None:
    server.expect_request("/a.atom").respond_with_data(feed([("alpha", GOOD)]))
    server.expect_request("/b.atom").respond_with_data(feed([("alpha", GOOD)]))
    server.expect_request("/alpha.yaml").respond_with_data(GOOD)
    save_feeds(
        [
            Feed(name="a", url=server.url_for("/a.atom")),
            Feed(name="b", url=server.url_for("/b.atom")),
        ]
    )
    first = run("update", "--jobs", "1")
    assert first.code == 0
    assert first.err.count("alpha") == 1 and "feed 'a', which wins" in first.err
    assert (held("a") / "alpha.yaml").exists() and not (held("b") / "alpha.yaml").exists()
    assert "alpha" not in run("update").err


def test_subscribe_checks_the_feed_and_saves_nothing_when_it_is_not_one(server: HTTPServer) -> None:
    server.expect_request("/page").respond_with_data(b"<html><body>hello</body></html>")
    server.expect_request("/feed.atom").respond_with_data(feed([("alpha", GOOD)]))
    result = run("subscribe", server.url_for("/page"))
    assert result.code == 1 and "is not a valid feed" in result.err
    assert load_feeds()[0] == []
    ok = run("subscribe", server.url_for("/feed.atom"))
    assert ok.code == 0 and "as faulty (1 briefing)" in ok.out
    assert run("subscribe", server.url_for("/feed.atom")).out.startswith("already subscribed")
    listed = run("feeds").out.splitlines()
    assert listed[1].split()[:3] == ["faulty", "never", "0"]


def test_tls_is_verified(tmp_path: Path) -> None:
    import shutil
    import ssl
    import subprocess

    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.skip("openssl is not installed (needed to make a self-signed certificate)")
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(
        [openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key),
         "-out", str(cert), "-subj", "/CN=127.0.0.1", "-days", "1",
         "-addext", "subjectAltName=IP:127.0.0.1"],
        check=True, capture_output=True, timeout=60,
    )  # fmt: skip
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    httpd = HTTPServer(host="127.0.0.1", port=0, ssl_context=context, threaded=True)
    httpd.expect_request("/feed.atom").respond_with_data(feed([("alpha", GOOD)]))
    httpd.start()
    try:
        result = run("subscribe", httpd.url_for("/feed.atom"))
        assert httpd.url_for("/").startswith("https://")
        assert result.code == 1 and "CERTIFICATE_VERIFY_FAILED" in result.err, result.err
    finally:
        httpd.clear()
        httpd.stop()


def test_a_feed_with_entity_declarations_is_refused_before_parsing(server: HTTPServer) -> None:
    laughs = '<!ENTITY a0 "lol">' + "".join(
        f'<!ENTITY a{i} "{f"&a{i - 1};" * 10}">' for i in range(1, 10)
    )
    bomb = (
        feed([("alpha", GOOD)])
        .replace(b"<feed ", f"<!DOCTYPE feed [{laughs}]>\n<feed ".encode(), 1)
        .replace(b"<title>Faulty</title>", b"<title>&a9;</title>")
    )
    server.expect_request("/feed.atom").respond_with_data(bomb)
    started = time.monotonic()
    result = run("subscribe", server.url_for("/feed.atom"))
    assert result.code == 1 and "declares a DTD (DOCTYPE)" in result.err
    assert time.monotonic() - started < 5
