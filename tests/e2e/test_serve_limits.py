"""`briefing serve` under abuse and faults: floods, stalled clients, SIGTERM, restarts.

Each test starts its own server with the limits it exercises. Skips like
tests/e2e/test_serve_ssh.py (and fails under BRIEFING_REQUIRE_SSH=1).
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import stat
import subprocess
from pathlib import Path

import pytest

from tests.ptyterm import Terminal
from tests.servetools import (
    Served,
    make_key,
    openssh_and_asyncssh,  # noqa: F401 - the same skip rule
)

COLLAPSED_ONE = "\u25b6 1. Background"


@pytest.fixture
def home(tmp_path: Path) -> Path:
    os.chmod(tmp_path, 0o700)
    return tmp_path


def _reading(terminal: Terminal) -> None:
    assert terminal.wait_for("Glossary", timeout=30), terminal.text()
    terminal.settle()


def _still_answers(terminal: Terminal) -> None:
    terminal.press("c")
    assert terminal.wait_for(COLLAPSED_ONE, timeout=10), terminal.text()
    terminal.press("e")
    assert terminal.wait_for("\u25bc 1. Background", timeout=10), terminal.text()


def test_a_flood_beyond_the_per_address_limit_is_refused(home: Path) -> None:
    server = Served(home, "--max-per-address", "2", "--burst", "100", "--rate", "6000")
    key = make_key(home, "key")
    sessions = [server.connect(key) for _ in range(2)]
    try:
        for terminal in sessions:
            _reading(terminal)
        argv = [*server.ssh_argv(key), "true"]
        flood = [subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True) for _ in range(8)]  # fmt: skip
        for attempt in flood:
            _out, err = attempt.communicate(timeout=30)
            assert attempt.returncode == 255
            assert "too many sessions from your address" in err, err
        assert server.log().count("refused 127.0.0.1") >= 8
        _still_answers(sessions[0])
        for terminal in sessions:
            terminal.press("q")
            assert terminal.wait_exit(timeout=15) == 0
    finally:
        for terminal in sessions:
            terminal.close()
        assert server.stop() == 0


def test_new_connections_per_minute_are_capped(home: Path) -> None:
    server = Served(home, "--burst", "3", "--rate", "1")
    key = make_key(home, "key")
    try:
        argv = [*server.ssh_argv(key), "true"]
        results = [server.run(argv) for _ in range(5)]
        assert all("running commands is not offered" in r.stderr for r in results[:3])
        assert all("too many new connections" in r.stderr for r in results[3:]), results[3:]
    finally:
        assert server.stop() == 0


async def _stall(port: int, key: Path) -> str:
    """Open a PTY session, then stop reading while making the reader draw."""
    import asyncssh

    async with asyncssh.connect(
        "127.0.0.1", port, username="reader", client_keys=[str(key)], known_hosts=None,
        kbdint_auth=False, password_auth=False, gss_auth=False,
    ) as conn:  # fmt: skip
        chan, _session = await conn.create_session(
            asyncssh.SSHClientSession, term_type="xterm-256color", term_size=(200, 60),
            encoding=None, window=8192, max_pktsize=4096,
        )  # fmt: skip
        await asyncio.sleep(2.0)
        chan.pause_reading()  # the SSH window closes: the server must buffer or drop
        for step in range(400):
            if chan.is_closing():
                return "dropped"
            chan.change_terminal_size(200 - step % 2 * 60, 60 - step % 2 * 20)
            chan.write(b"\x1b[6~" if step % 2 else b"\x1b[5~")
            await asyncio.sleep(0.02)
        try:
            await asyncio.wait_for(chan.wait_closed(), 20)
        except TimeoutError:
            return "still open"
        return "dropped"


def test_a_client_that_stops_reading_is_dropped(home: Path) -> None:
    server = Served(home, "--max-backlog", "32768")
    key = make_key(home, "key")
    other = server.connect(make_key(home, "other"))
    try:
        _reading(other)
        assert asyncio.run(_stall(server.port, key)) == "dropped"
        assert server.wait_log("client stopped reading (backlog cap)"), server.log()
        _still_answers(other)
        other.press("q")
        assert other.wait_exit(timeout=15) == 0
    finally:
        other.close()
        assert server.stop() == 0


def test_sigterm_saves_every_reader_and_a_restart_keeps_the_host_key(home: Path) -> None:
    server = Served(home, "--grace", "10")
    keys = [make_key(home, f"reader{n}") for n in range(5)]
    sessions = [server.connect(key) for key in keys]
    try:
        for terminal in sessions:
            _reading(terminal)
            terminal.press("c")
            assert terminal.wait_for(COLLAPSED_ONE), terminal.text()
            terminal.settle()
        assert server.stop(timeout=30) == 0
        for terminal in sessions:
            assert terminal.wait_exit(timeout=10) is not None, "the client sees the end"
    finally:
        for terminal in sessions:
            terminal.close()
    for key in keys:
        assert json.loads(server.state_file(key).read_text())["open_sections"] == []
    assert server.log().count("ended: server stopping") == 5, server.log()
    host_key = home / "data" / "briefing" / "serve" / "ssh_host_ed25519_key"
    assert stat.S_IMODE(host_key.stat().st_mode) == 0o600

    again = Served(home, port=server.port)
    try:
        terminal = again.connect(keys[0], known_hosts="yes")
        try:
            _reading(terminal)
            assert COLLAPSED_ONE in terminal.text(), "back at the same place"
            terminal.press("q")
            assert terminal.wait_exit(timeout=15) == 0
        finally:
            terminal.close()
    finally:
        assert again.stop() == 0


def test_authorized_keys_make_a_private_server(home: Path) -> None:
    admitted, stranger = make_key(home, "admitted"), make_key(home, "stranger")
    listed = home / "authorized_keys"
    listed.write_text("# readers\n" + Path(f"{admitted}.pub").read_text())
    server = Served(home, "--authorized-keys", str(listed))
    try:
        for key in (stranger, None):
            done = server.run([*server.ssh_argv(key), "true"])
            assert done.returncode == 255 and "Permission denied" in done.stderr, done.stderr
        terminal = server.connect(admitted)
        try:
            _reading(terminal)
            terminal.press("q")
            assert terminal.wait_exit(timeout=15) == 0
        finally:
            terminal.close()
    finally:
        assert server.stop() == 0


def test_an_idle_session_is_closed_with_its_place_saved(home: Path) -> None:
    server = Served(home, "--idle-timeout", "3")
    key = make_key(home, "sleepy")
    terminal = server.connect(key)
    try:
        _reading(terminal)
        terminal.press("c")
        assert terminal.wait_for(COLLAPSED_ONE), terminal.text()
        assert terminal.wait_exit(timeout=20) is not None, "the idle session was closed"
        assert "session closed: idle timeout" in terminal.output.decode(errors="replace")
    finally:
        terminal.close()
        assert server.stop() == 0
    assert json.loads(server.state_file(key).read_text())["open_sections"] == []
    assert "ended: idle timeout" in server.log()


def test_sighup_reloads_the_library_for_new_sessions(home: Path) -> None:
    library = home / "news"
    library.mkdir()
    server = Served(home, str(library))
    key = make_key(home, "reader")
    try:
        bundled = Path(__file__).resolve().parents[2] / "content" / "iran-pakistan-2024-01.yaml"
        text = bundled.read_text(encoding="utf-8")
        text = text.replace("id: iran-pakistan-2024-01", "id: a-later-story", 1)
        text = text.replace(
            "title: Iran and Pakistan trade strikes across a restive border",
            "title: A later story arrives",
            1,
        )
        (library / "later.yaml").write_text(text.replace("date: 2024-01-19", "date: 2025-02-01", 1))
        server.process.send_signal(signal.SIGHUP)
        assert server.wait_log("library reloaded: 2 briefings"), server.log()
        terminal = server.connect(key)
        try:
            assert terminal.wait_for("A later story arrives", timeout=30), terminal.text()
            terminal.press("q")
            assert terminal.wait_exit(timeout=15) == 0
        finally:
            terminal.close()
    finally:
        assert server.stop() == 0


async def _env_flood(port: int, key: Path, count: int, size: int) -> None:
    import asyncssh

    async with asyncssh.connect(
        "127.0.0.1", port, username="reader", client_keys=[str(key)], known_hosts=None,
        kbdint_auth=False, password_auth=False, gss_auth=False,
    ) as conn:  # fmt: skip
        env: dict[str | bytes, str | bytes] = {f"FLOOD{n}": "x" * size for n in range(count)}
        env["LANG"] = "C.UTF-8"
        chan, session = await conn.create_session(
            asyncssh.SSHClientSession, term_type="xterm", term_size=(80, 24), encoding=None,
            env=env,
        )  # fmt: skip
        await asyncio.sleep(3)
        chan.close()


def _rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def test_a_flood_of_environment_variables_does_not_grow_the_server(home: Path) -> None:
    server = Served(home)
    key = make_key(home, "key")
    try:
        before = _rss_kib(server.process.pid)
        asyncio.run(_env_flood(server.port, key, count=3000, size=20000))  # 60 MB sent
        grown = _rss_kib(server.process.pid) - before
        assert grown < 30_000, f"the server grew by {grown} KiB with the client's variables"
    finally:
        assert server.stop() == 0


def test_the_server_notices_a_changed_library_by_itself(home: Path) -> None:
    library = home / "news"
    library.mkdir()
    server = Served(home, "--watch", "0.5", str(library))
    try:
        bundled = Path(__file__).resolve().parents[2] / "content" / "iran-pakistan-2024-01.yaml"
        text = bundled.read_text(encoding="utf-8").replace(
            "id: iran-pakistan-2024-01", "id: another-story", 1
        )
        (library / "another.yaml").write_text(text)
        assert server.wait_log("the library changed"), server.log()
        assert server.wait_log("library reloaded: 2 briefings"), server.log()
    finally:
        assert server.stop() == 0


def test_an_open_session_sees_its_briefing_change(home: Path) -> None:
    """The server watches once and nudges its readers: an open one shows the new text."""
    library = home / "news"
    library.mkdir()
    bundled = Path(__file__).resolve().parents[2] / "content" / "iran-pakistan-2024-01.yaml"
    story = library / "story.yaml"
    text = (
        bundled.read_text(encoding="utf-8")
        .replace("id: iran-pakistan-2024-01", "id: nudged-story", 1)
        .replace("date: 2024-01-19", "date: 2024-01-20", 1)  # the newest: the one that opens
    )
    story.write_text(text, encoding="utf-8")
    server = Served(home, "--watch", "0.5", str(library))
    key = make_key(home, "key")
    terminal = server.connect(key)
    try:
        assert terminal.wait_for("Glossary"), terminal.text()
        assert terminal.wait_for("Iran and Pakistan trade strikes"), terminal.text()
        edited = text.replace(
            "title: Iran and Pakistan trade strikes", "title: Nudged, Iran and Pakistan", 1
        )
        assert edited != text
        story.write_text(edited, encoding="utf-8")
        assert server.wait_log("the library changed"), server.log()
        assert terminal.wait_for("Nudged, Iran and Pakistan", timeout=10), terminal.text()
        terminal.press("q")
        assert terminal.wait_exit(timeout=15) == 0
    finally:
        terminal.close()
        assert server.stop() == 0
