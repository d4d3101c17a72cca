"""Helpers for the feed tests: small briefings, a CLI runner in-process, a real nginx.

CI sets BRIEFING_REQUIRE_FEEDS=1, which turns a missing nginx or newsboat into
a failure; elsewhere those tests skip with the reason.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import io
import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Response

from briefing.cli.main import main
from briefing.feeds.atom import Entry, build_feed
from briefing.format.loader import load_bytes
from briefing.render.exports import to_text

REQUIRED = os.environ.get("BRIEFING_REQUIRE_FEEDS") == "1"
PROXY_VARIABLES = (
    "HTTP_PROXY",
    "HTTPS_PROXY",
    "ALL_PROXY",
    "http_proxy",
    "https_proxy",
    "all_proxy",
)


def need(program: str, *extra: str) -> str:
    """The program's path; skip (or fail in CI) when it is not installed."""
    found = shutil.which(program) or next(
        (
            str(Path(d) / program)
            for d in ("/usr/sbin", "/sbin", *extra)
            if (Path(d) / program).exists()
        ),
        None,
    )
    if found is None:
        reason = f"{program} is not installed (apt-get install nginx-light newsboat)"
        if REQUIRED:
            pytest.fail(f"BRIEFING_REQUIRE_FEEDS=1 but {reason}")
        pytest.skip(reason)
    return found


def briefing_yaml(briefing_id: str, title: str, paragraph: str = "Something happened.") -> str:
    return (
        f"briefing: 1\nid: {briefing_id}\ntitle: {title!r}\nsummary: A short summary.\n"
        f"date: 2024-01-19\nsource: {{outlet: Test Wire}}\n"
        f"sections:\n  - id: main\n    title: What happened\n    body:\n      - {paragraph!r}\n"
    )


def write_briefings(folder: Path, count: int, prefix: str = "story") -> list[str]:
    folder.mkdir(parents=True, exist_ok=True)
    ids = [f"{prefix}-{number}" for number in range(1, count + 1)]
    for briefing_id in ids:
        title = f"Story {briefing_id.upper()} & <friends>"
        (folder / f"{briefing_id}.yaml").write_text(briefing_yaml(briefing_id, title))
    return ids


@dataclass
class Ran:
    code: int
    out: str
    err: str


def run(*args: str) -> Ran:
    """`briefing ARGS` in this process (the environment is the test's), output captured."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(list(args))
        except SystemExit as exit_:
            code = int(exit_.code or 0)
    assert "Traceback" not in err.getvalue()
    return Ran(code, out.getvalue(), err.getvalue())


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Nginx:
    root: Path
    port: int
    log: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def requests(self) -> list[tuple[str, int]]:
        """(path, status) of every request so far, in order."""
        found = []
        for line in self.log.read_text().splitlines():
            path, status = line.split()
            found.append((path, int(status)))
        return found


NGINX_CONF = """\
{user}
worker_processes 1;
daemon off;
pid {tmp}/nginx.pid;
error_log {tmp}/error.log;
events {{ worker_connections 1024; }}
http {{
    types {{ application/atom+xml atom; application/yaml yaml; text/html html; }}
    default_type application/octet-stream;
    log_format brief '$uri $status';
    access_log {tmp}/access.log brief;
    client_body_temp_path {tmp}/body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    keepalive_requests 100000;
    server {{
        listen 127.0.0.1:{port};
        root {root};
        etag on;
    }}
}}
"""


@contextlib.contextmanager
def nginx_serving(root: Path, tmp: Path) -> Iterator[Nginx]:
    """A real nginx on 127.0.0.1 at a free port serving `root`, stopped afterwards."""
    program = need("nginx")
    port = free_port()
    tmp.mkdir(parents=True, exist_ok=True)
    root.mkdir(parents=True, exist_ok=True)
    user = "user root;" if os.geteuid() == 0 else ""  # workers must read pytest's 0700 tmp dirs
    conf = tmp / "nginx.conf"
    conf.write_text(NGINX_CONF.format(user=user, tmp=tmp, port=port, root=root))
    (tmp / "access.log").touch()
    process = subprocess.Popen(
        [program, "-c", str(conf), "-p", str(tmp), "-e", str(tmp / "error.log")],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 10
        while True:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.2):
                break
            if process.poll() is not None or time.monotonic() > deadline:
                error = process.stderr.read().decode() if process.stderr else ""
                raise RuntimeError(
                    f"nginx did not start: {error} {(tmp / 'error.log').read_text()}"
                )
            time.sleep(0.05)
        yield Nginx(root, port, tmp / "access.log")
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture
def no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    """Loopback tests talk to loopback directly, whatever proxy the machine has."""
    for name in PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def server() -> Iterator[HTTPServer]:
    """A real threaded HTTP server on loopback, told per test how to answer (or misbehave)."""
    httpd = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    httpd.start()
    yield httpd
    httpd.clear()
    httpd.stop()


GOOD = briefing_yaml("alpha", "Alpha, first version").encode()
"""A briefing the feed tests offer as `alpha`."""


def feed(items: list[tuple[str, bytes]], *, sha: str | None = None, day: int = 1) -> bytes:
    """An Atom feed offering each (id, body) as `ID.yaml`, relative to the feed."""
    entries = []
    for briefing_id, body in items:
        try:
            content = to_text(load_bytes(body).briefing)
        except Exception:  # a deliberately broken body: the feed still describes it
            content = "broken"
        entries.append(
            Entry(
                briefing_id=briefing_id,
                title=briefing_id,
                summary="s",
                updated=dt.datetime(2024, 1, day, tzinfo=dt.UTC),
                href=f"{briefing_id}.yaml",
                length=len(body),
                sha256=sha or hashlib.sha256(body).hexdigest(),
                content=content,
                entry_id=f"urn:test:{briefing_id}",
            )
        )
    return build_feed(entries, title="Faulty", feed_id="urn:test", author="t", self_href=None)


def serve(server: HTTPServer, path: str, body: bytes | Response) -> None:
    handler = server.expect_request(path)
    if isinstance(body, Response):
        handler.respond_with_response(body)
    else:
        handler.respond_with_data(body, content_type="application/octet-stream")
