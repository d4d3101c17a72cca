"""Several hosts: the real OpenSSH client through a real HAProxy to two `briefing serve`
backends that share one host key and one real PostgreSQL.

Everything runs on loopback and is started here: the PostgreSQL cluster
(tests/pgtools.py), both backends (tests/servetools.py) and HAProxy
(tests/haproxytools.py, round robin, health checks). When `briefing serve`
has `--proxy-protocol`, HAProxy sends PROXY v2 headers (`send-proxy-v2`), as
in deploy/haproxy.cfg; without it the same test runs on plain TCP.
"""

from __future__ import annotations

import os
import signal
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.haproxytools import HAProxy, require_haproxy
from tests.pgtools import PostgresCluster, running_cluster
from tests.ptyterm import Terminal
from tests.servetools import (  # noqa: F401 - openssh_and_asyncssh is a fixture
    BRIEFING,
    KEYGEN,
    SSH,
    Served,
    make_key,
    openssh_and_asyncssh,
    reader_digest,
)
from tests.storetools import saved_state_in_postgres

SECTION_ONE = "1. Background"
SECTION_THREE = "3. Reactions"


@pytest.fixture(scope="module", autouse=True)
def _haproxy() -> None:
    """HAProxy, beside the OpenSSH and asyncssh that every serve test needs."""
    require_haproxy()


@pytest.fixture(scope="module")
def cluster() -> Iterator[PostgresCluster]:
    yield from running_cluster()


def _proxy_protocol_supported() -> bool:
    assert BRIEFING
    done = subprocess.run([BRIEFING, "serve", "--help"], capture_output=True, text=True)
    return "--proxy-protocol" in done.stdout


def _reading(terminal: Terminal) -> None:
    assert terminal.wait_for("Glossary", timeout=30), terminal.text()
    terminal.settle()


def _quits(backend: Served) -> int:
    return backend.log().count("ended: quit")


def _read_and_quit(backend: Served, front: HAProxy, key: Path, *keys: str) -> str:
    """Connect through the balancer, press `keys`, quit; the screen as it was on arrival."""
    terminal = backend.connect(key, port=front.port)
    try:
        _reading(terminal)
        arrived = terminal.text()
        if keys:
            terminal.press(*keys)
            terminal.settle()
        terminal.press("q")
        assert terminal.wait_exit(timeout=20) == 0, terminal.text()
    finally:
        terminal.close()
    return arrived


def test_a_reader_keeps_its_place_whichever_backend_answers(
    tmp_path: Path, cluster: PostgresCluster
) -> None:
    os.chmod(tmp_path, 0o700)
    url = cluster.new_database()
    host_key = make_key(tmp_path, "host_key")
    alice, bob = make_key(tmp_path, "alice"), make_key(tmp_path, "bob")
    proxy = _proxy_protocol_supported()
    flags = ["--host-key", str(host_key), "--state-url", url, "--max-per-address", "50",
             "--burst", "50", "--rate", "600"]  # fmt: skip
    if proxy:
        flags.append("--proxy-protocol")
    backends: list[Served] = []
    front: HAProxy | None = None
    try:
        for name in ("one", "two"):
            (tmp_path / name).mkdir(mode=0o700)
            backends.append(Served(tmp_path / name, *flags))
        front = HAProxy(tmp_path, [b.port for b in backends], proxy_protocol=proxy)
        client = backends[0]  # any: it only builds the ssh command (same known_hosts file)

        # Key A reads to section 3 and quits on one backend...
        before = [_quits(b) for b in backends]
        arrived = _read_and_quit(client, front, alice, "3")
        assert SECTION_ONE in arrived, arrived
        first = next(i for i, b in enumerate(backends) if b.wait_log("ended: quit") and
                     _quits(b) > before[i])  # fmt: skip
        saved = saved_state_in_postgres(url, f"ssh:{reader_digest(alice)}")
        assert saved is not None and saved["position"]["section"] == "reactions", saved

        # ...the next connection lands on the other (round robin), at section 3.
        before = [_quits(b) for b in backends]
        arrived = _read_and_quit(client, front, alice)
        other = 1 - first
        assert backends[other].wait_log("ended: quit") and _quits(backends[other]) > before[other]
        assert _quits(backends[first]) == before[first], "round robin sent it to the same one"
        assert SECTION_THREE in arrived and SECTION_ONE not in arrived, arrived

        # The first backend dies (SIGKILL); key A still connects and keeps its place.
        os.kill(backends[first].process.pid, signal.SIGKILL)
        backends[first].process.wait()
        front.wait_status({f"backend{first + 1}": "DOWN", f"backend{other + 1}": "UP"})
        for _ in range(2):  # both turns of the round robin reach the survivor
            arrived = _read_and_quit(client, front, alice)
            assert SECTION_THREE in arrived and SECTION_ONE not in arrived, arrived

        # Key B's place is its own: it starts at the top, and its move is not A's.
        arrived = _read_and_quit(client, front, bob, "2")
        assert SECTION_ONE in arrived, arrived
        bob_saved = saved_state_in_postgres(url, f"ssh:{reader_digest(bob)}")
        assert bob_saved is not None and bob_saved["position"]["section"] == "strikes"
        alice_saved = saved_state_in_postgres(url, f"ssh:{reader_digest(alice)}")
        assert alice_saved is not None and alice_saved["position"]["section"] == "reactions"
        if proxy:
            # The backends saw the client's address from the header, not a refusal.
            assert "dropped" not in backends[other].log(), backends[other].log()
    finally:
        if front is not None:
            front.close()
        for backend in backends:
            backend.close()
