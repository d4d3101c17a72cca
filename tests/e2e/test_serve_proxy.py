"""`briefing serve --proxy-protocol`: the client's address comes from the balancer's header.

Raw sockets send good, bad, split, late and missing headers; the end-to-end
test puts Debian's HAProxy (`mode tcp`, `send-proxy-v2`) in front and the
real OpenSSH client bound to 127.0.0.2 behind it. CI sets
BRIEFING_REQUIRE_HAPROXY=1, which turns a missing haproxy into a failure;
elsewhere that test skips with the reason.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from briefing.serve.proxyheader import v1_header, v2_header
from tests.servetools import (
    Served,
    free_port,
    make_key,
    openssh_and_asyncssh,  # noqa: F401 - the same skip rule
)

HAPROXY = shutil.which("haproxy") or ("/usr/sbin/haproxy" if Path("/usr/sbin/haproxy").exists()
                                      else None)  # fmt: skip
LOGIN_TIMEOUT = "3"


@pytest.fixture
def home(tmp_path: Path) -> Path:
    os.chmod(tmp_path, 0o700)
    return tmp_path


@pytest.fixture
def server(home: Path) -> Iterator[Served]:
    served = Served(home, "--proxy-protocol", "--login-timeout", LOGIN_TIMEOUT,
                    "--max-per-address", "1")  # fmt: skip
    yield served
    served.close()


def _banner_after(server: Served, prefix: bytes, *, source: str = "127.0.0.1") -> bytes:
    """Send `prefix` (then nothing), and return what the server sends back until it closes."""
    with socket.socket() as sock:
        sock.bind((source, 0))
        sock.connect(("127.0.0.1", server.port))
        sock.settimeout(20)
        if prefix:
            with contextlib.suppress(OSError):  # dropped while a big prefix was still going
                sock.sendall(prefix)
        received = b""
        try:
            while chunk := sock.recv(4096):
                received += chunk
                if b"\r\n" in received:
                    break
        except ConnectionResetError:
            pass
        return received


def test_a_good_header_gives_the_client_address_to_the_log(server: Served) -> None:
    header = v2_header("203.0.113.7", 40000, "127.0.0.1", server.port)
    assert _banner_after(server, header + b"SSH-2.0-test\r\n").startswith(b"SSH-2.0-")
    header = v1_header("198.51.100.4", 40001, "127.0.0.1", server.port)
    assert _banner_after(server, header + b"SSH-2.0-test\r\n").startswith(b"SSH-2.0-")
    assert server.wait_log("connection 203.0.113.7:40000 closed before a session"), server.log()
    assert server.wait_log("connection 198.51.100.4:40001 closed before a session"), server.log()


@pytest.mark.parametrize(
    ("prefix", "logged"),
    [
        (b"", "no PROXY header within the login timeout"),
        (b"SSH-2.0-OpenSSH_9.2\r\n", "bad PROXY header: not a PROXY protocol header"),
        (v2_header("203.0.113.7", 1, "127.0.0.1", 22)[:20], "no PROXY header within"),
        (b"\r\n\r\n\x00\r\nQUIT\n\x31\x11\x00\x0c" + bytes(12), "PROXY protocol version 3"),
        (b"PROXY TCP4 1.2.3.4 5.6.7.8 99999 22\r\n", "bad PROXY header: a PROXY v1 line"),
        (os.urandom(10 * 1024 * 1024), "bad PROXY header"),
    ],
    ids=["none", "ssh-without-header", "truncated", "bad-version", "bad-v1", "10MB-garbage"],
)
def test_a_missing_or_bad_header_is_dropped_within_the_login_timeout(
    server: Served, prefix: bytes, logged: str
) -> None:
    if prefix[:1] in (b"\r", b"P") and prefix[:2] != b"\r\n" and len(prefix) > 1000:
        prefix = b"x" + prefix  # the garbage must not begin like a header
    assert _banner_after(server, prefix) == b"", "nothing is said before a header"
    assert server.wait_log(logged, timeout=15), server.log()


def test_a_header_split_across_reads_is_taken(server: Served) -> None:
    header = v2_header("203.0.113.8", 40002, "127.0.0.1", server.port)
    with socket.create_connection(("127.0.0.1", server.port)) as sock:
        sock.settimeout(20)
        for byte in header:
            sock.sendall(bytes([byte]))
            time.sleep(0.005)
        sock.sendall(b"SSH-2.0-test\r\n")
        assert sock.recv(100).startswith(b"SSH-2.0-")
    assert server.wait_log("connection 203.0.113.8:40002 closed"), server.log()


def test_a_header_from_outside_proxy_from_is_not_believed(home: Path) -> None:
    served = Served(home, "--proxy-protocol", "--proxy-from", "127.0.0.5/32")
    try:
        header = v2_header("203.0.113.9", 40003, "127.0.0.1", served.port)
        assert _banner_after(served, header + b"SSH-2.0-test\r\n") == b""
        assert served.wait_log("dropped 127.0.0.1:"), served.log()
        assert "not a --proxy-from address" in served.log()
        assert "203.0.113.9" not in served.log()
        answer = _banner_after(served, header + b"SSH-2.0-test\r\n", source="127.0.0.5")
        assert answer.startswith(b"SSH-2.0-"), "the listed balancer is believed"
    finally:
        assert served.stop() == 0


# --- the real thing: HAProxy in front, OpenSSH behind it -------------------------


@pytest.fixture
def haproxy(home: Path, server: Served) -> Iterator[int]:
    if HAPROXY is None:
        reason = "not installed: haproxy (apt-get install haproxy)"
        if os.environ.get("BRIEFING_REQUIRE_HAPROXY") == "1":
            pytest.fail(f"BRIEFING_REQUIRE_HAPROXY=1 but {reason}")
        pytest.skip(reason)
    port = free_port()
    config = home / "haproxy.cfg"
    config.write_text(
        "global\n  maxconn 100\n"
        "defaults\n  mode tcp\n  timeout connect 5s\n  timeout client 60s\n"
        "  timeout server 60s\n"
        f"frontend ssh\n  bind 127.0.0.1:{port}\n  default_backend readers\n"
        f"backend readers\n  server one 127.0.0.1:{server.port} send-proxy-v2\n"
    )
    log = open(home / "haproxy.log", "wb")  # noqa: SIM115 - closed below
    process = subprocess.Popen([HAPROXY, "-db", "-f", str(config)], stdout=log, stderr=log,
                               stdin=subprocess.DEVNULL)  # fmt: skip
    deadline = time.monotonic() + 20
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError((home / "haproxy.log").read_text()) from None
            time.sleep(0.05)
    yield port
    process.terminate()
    process.wait(timeout=10)
    log.close()


def test_through_haproxy_the_client_is_logged_and_limited_by_its_own_address(
    server: Served, haproxy: int, home: Path
) -> None:
    # HAProxy's readiness probe above connected without a header: it was dropped.
    server.port, backend_port = haproxy, server.port
    key = make_key(home, "reader")
    first = server.connect(key, "-b", "127.0.0.2")
    try:
        assert first.wait_for("Glossary", timeout=30), first.text()
        assert server.wait_log("127.0.0.2"), server.log()
        # --max-per-address 1: a second client from 127.0.0.2 is refused, with the reason...
        refused = server.run([*server.ssh_argv(key, "-b", "127.0.0.2"), "true"])
        assert "too many sessions from your address" in refused.stderr, refused.stderr
        # ...while another address, through the same balancer, is not.
        other = server.run([*server.ssh_argv(key, "-b", "127.0.0.3"), "true"])
        assert "running commands is not offered" in other.stderr, other.stderr
        first.press("q")
        assert first.wait_exit(timeout=15) == 0
    finally:
        first.close()
        server.port = backend_port
    log = server.log()
    assert "refused 127.0.0.2:" in log and "session 127.0.0.2:" in log, log
    session_lines = [line for line in log.splitlines() if " session 127.0.0.1:" in line]
    assert not session_lines, "no session is logged as the balancer's address"
