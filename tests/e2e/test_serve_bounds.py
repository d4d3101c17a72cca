"""`briefing serve` at each of its bounds, driven by real asyncssh and OpenSSH clients.

Each test starts its own server with the bound it exercises set low, and
checks the server refuses or ends what passes it. Skips like
tests/e2e/test_serve_ssh.py (and fails under BRIEFING_REQUIRE_SSH=1).
"""

from __future__ import annotations

import asyncio
import os
import re
import socket
from pathlib import Path
from typing import Any

import pytest

from tests.servetools import (
    Served,
    make_key,
    openssh_and_asyncssh,  # noqa: F401 - the same skip rule
)

ASYNCSSH_OPTIONS: dict[str, Any] = {
    "username": "reader", "known_hosts": None, "kbdint_auth": False,
    "password_auth": False, "gss_auth": False,
}  # fmt: skip


@pytest.fixture
def home(tmp_path: Path) -> Path:
    os.chmod(tmp_path, 0o700)
    return tmp_path


def _rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


async def _huge_window_then_stop_reading(port: int, key: Path) -> str:
    """A 2 GiB channel window, then the client's socket is never read again."""
    import asyncssh

    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sock.connect(("127.0.0.1", port))
    async with asyncssh.connect(sock=sock, client_keys=[str(key)], **ASYNCSSH_OPTIONS) as conn:
        chan, _session = await conn.create_session(
            asyncssh.SSHClientSession, term_type="xterm-256color", term_size=(200, 60),
            encoding=None, window=1 << 31,
        )  # fmt: skip
        await asyncio.sleep(2.0)
        transport: Any = conn._transport  # noqa: SLF001 - the hostile part: never read again
        transport.pause_reading()
        for step in range(1500):
            if chan.is_closing():
                return "dropped"
            chan.write(b"c" if step % 2 else b"e")  # collapse/expand all: full redraws
            await asyncio.sleep(0.01)
        try:
            await asyncio.wait_for(chan.wait_closed(), 20)
        except TimeoutError:
            return "still open"
        return "dropped"


def test_a_huge_window_client_that_stops_reading_hits_the_backlog_cap(home: Path) -> None:
    server = Served(home, "--max-backlog", "65536")
    try:
        before = _rss_kib(server.process.pid)
        result = asyncio.run(_huge_window_then_stop_reading(server.port, make_key(home, "k")))
        grown = _rss_kib(server.process.pid) - before
        print(f"server RSS grew by {grown} KiB")
        assert result == "dropped", f"held, the server grew by {grown} KiB"
        assert server.wait_log("client stopped reading (backlog cap)"), server.log()
    finally:
        assert server.stop() == 0


async def _many_channels(port: int, key: Path, count: int) -> tuple[int, int]:
    import asyncssh
    from asyncssh.channel import SSHClientChannel

    async with asyncssh.connect("127.0.0.1", port, client_keys=[str(key)],
                                **ASYNCSSH_OPTIONS) as conn:  # fmt: skip
        opened = refused = 0
        held = []
        for _ in range(count):
            # A bare channel open, never followed by a request: each one the
            # server accepts stays open (and costs memory) until the client goes.
            chan: Any = SSHClientChannel(conn, asyncio.get_running_loop(), "strict", None,
                                         "strict", 65536, 16384)  # fmt: skip
            try:
                await chan._open(b"session")  # noqa: SLF001 - below the public API, on purpose
            except asyncssh.ChannelOpenError:
                refused += 1
                continue
            opened += 1
            held.append(chan)
        return opened, refused


def test_channels_per_connection_are_capped(home: Path) -> None:
    server = Served(home, "--max-channels", "4")
    try:
        opened, refused = asyncio.run(_many_channels(server.port, make_key(home, "k"), 200))
        assert (opened, refused) == (4, 196)
        assert server.log().count("too many channels on one connection") == 1, server.log()
    finally:
        assert server.stop() == 0


async def _log_in_and_wait(port: int, key: Path, timeout: float) -> str:
    import asyncssh

    async with asyncssh.connect("127.0.0.1", port, client_keys=[str(key)],
                                **ASYNCSSH_OPTIONS) as conn:  # fmt: skip
        try:
            await asyncio.wait_for(conn.wait_closed(), timeout)
        except TimeoutError:
            return "still open"
        return "closed"


def test_a_connection_without_a_reader_is_closed_when_idle(home: Path) -> None:
    server = Served(home, "--idle-timeout", "2")
    try:
        assert asyncio.run(_log_in_and_wait(server.port, make_key(home, "k"), 20)) == "closed"
        assert server.wait_log("closed: idle timeout, no reader open"), server.log()
    finally:
        assert server.stop() == 0


def test_a_connection_without_a_reader_ends_at_the_maximum_length(home: Path) -> None:
    server = Served(home, "--max-session", "2")
    try:
        assert asyncio.run(_log_in_and_wait(server.port, make_key(home, "k"), 20)) == "closed"
        assert server.wait_log("closed: maximum session length"), server.log()
    finally:
        assert server.stop() == 0


def test_silent_pre_login_sockets_from_one_address_lock_nobody_out(home: Path) -> None:
    server = Served(home, "--max-per-address", "50", "--burst", "50", "--rate", "6000",
                    "--login-timeout", "60")  # fmt: skip
    silent = []
    try:
        for _ in range(20):
            sock = socket.create_connection(("127.0.0.1", server.port))
            silent.append(sock)
        assert server.wait_log("logging in"), server.log()
        argv = [*server.ssh_argv(make_key(home, "k"), "-b", "127.0.0.2"), "true"]
        done = server.run(argv)
        assert "running commands is not offered" in done.stderr, (done.stderr, server.log())
        assert "too many connections from your address are logging in" in server.log()
    finally:
        for sock in silent:
            sock.close()
        assert server.stop() == 0


def test_reader_state_folders_are_capped_least_recently_used_first(home: Path) -> None:
    server = Served(home, "--max-readers-kept", "3")
    readers = home / "state" / "briefing" / "serve" / "readers"
    try:
        keys = [make_key(home, f"k{n}") for n in range(6)]
        for key in keys:
            terminal = server.connect(key)
            try:
                assert terminal.wait_for("Glossary", timeout=30), terminal.text()
                terminal.press("q")
                assert terminal.wait_exit(timeout=15) == 0
            finally:
                terminal.close()
        assert server.wait_log("removed 1 reader state folders"), server.log()
        kept = sorted(p.parent.parent.parent.name for p in readers.glob("*/state/briefing"))
        assert len(list(readers.iterdir())) == 3
        assert sorted(server.state_file(k).parents[2].name for k in keys[3:]) == sorted(
            p.name for p in readers.iterdir()
        ), kept
        size = sum(f.stat().st_size for f in readers.rglob("*") if f.is_file())
        print(f"reader state after 6 keys, 3 kept: {size} bytes")
    finally:
        assert server.stop() == 0


async def _disconnect_with(port: int, reason: str) -> None:
    """Connect, then disconnect before logging in, with a hostile reason."""
    import asyncssh

    sock = socket.create_connection(("127.0.0.1", port))
    sock.sendall(b"SSH-2.0-hostile\r\n")
    await asyncio.sleep(0.5)
    text = reason.encode()
    import struct

    payload = bytes([1]) + struct.pack("!I", 11) + struct.pack("!I", len(text)) + text
    payload += struct.pack("!I", 0)
    padding = 8 - (5 + len(payload)) % 8
    padding += 8 if padding < 4 else 0
    body = bytes([padding]) + payload + bytes(padding)
    sock.sendall(struct.pack("!I", len(body)) + body)
    await asyncio.sleep(0.5)
    sock.close()
    del asyncssh


def test_a_disconnect_reason_reaches_the_log_as_one_clean_line(home: Path) -> None:
    server = Served(home)
    try:
        forged = "bye\x1b[31m red\n2026-12-03 briefing serve: session 6.6.6.6:1 forged"
        asyncio.run(_disconnect_with(server.port, forged))
        assert server.wait_log("closed before a session"), server.log()
        log = server.log()
        assert "\x1b" not in log, log
        assert not any(line.startswith("2026-12-03 briefing serve: session 6.6.6.6")
                       for line in log.splitlines()), log  # fmt: skip
    finally:
        assert server.stop() == 0


def test_a_key_listed_with_from_is_refused_from_elsewhere(home: Path) -> None:
    key, other = make_key(home, "k"), make_key(home, "other")
    listed = home / "authorized_keys"
    public, public_other = Path(f"{key}.pub").read_text(), Path(f"{other}.pub").read_text()
    listed.write_text(f'from="127.0.0.2" {public}restrict {public_other}')
    server = Served(home, "--authorized-keys", str(listed))
    try:
        done = server.run([*server.ssh_argv(key), "true"])  # from 127.0.0.1
        assert done.returncode == 255 and "Permission denied" in done.stderr, done.stderr
        done = server.run([*server.ssh_argv(key, "-b", "127.0.0.2"), "true"])
        assert "running commands is not offered" in done.stderr, done.stderr
        terminal = server.connect(other)
        try:
            assert terminal.wait_exit(timeout=20) is not None
            assert "may not open a terminal" in terminal.output.decode(errors="replace")
        finally:
            terminal.close()
    finally:
        assert server.stop() == 0


def test_an_authorized_keys_option_that_cannot_be_honoured_stops_the_start(home: Path) -> None:
    key = make_key(home, "k")
    listed = home / "authorized_keys"
    listed.write_text(f'command="/bin/true" {Path(f"{key}.pub").read_text()}')
    with pytest.raises(RuntimeError, match=r"authorized_keys:1: error: option command"):
        Served(home, "--authorized-keys", str(listed))


async def _resize_flood(port: int, key: Path, count: int) -> str:
    import asyncssh

    async with asyncssh.connect("127.0.0.1", port, client_keys=[str(key)],
                                **ASYNCSSH_OPTIONS) as conn:  # fmt: skip
        chan, _ = await conn.create_session(
            asyncssh.SSHClientSession, term_type="xterm-256color", term_size=(120, 40),
            encoding=None,
        )  # fmt: skip
        for step in range(count):
            if chan.is_closing():
                return "closed"
            chan.change_terminal_size(120 + step % 2 * 40, 40 + step % 2 * 10)
            await asyncio.sleep(0.01)
        try:
            await asyncio.wait_for(chan.wait_closed(), 30)
        except TimeoutError:
            return "still open"
        return "closed"


def test_a_reader_past_its_cpu_time_is_ended(home: Path) -> None:
    server = Served(home, "--max-cpu", "1")
    try:
        assert asyncio.run(_resize_flood(server.port, make_key(home, "k"), 3000)) == "closed"
        assert server.wait_log("reader used its CPU time"), server.log()
    finally:
        assert server.stop() == 0


def test_resizes_are_coalesced_before_the_reader(home: Path) -> None:
    server = Served(home)
    try:
        asyncio.run(_resize_then_quit(server.port, make_key(home, "k"), 300))
        assert server.wait_log("resizes="), server.log()
        line = next(line for line in server.log().splitlines() if "resizes=" in line)
        found = re.search(r" (\d+\.\d)s in=.* resizes=(\d+)/(\d+) ", line)
        assert found is not None, line
        seconds, received, applied = float(found[1]), int(found[2]), int(found[3])
        assert received == 300
        assert applied <= seconds / 0.2 + 2, line  # at most one per RESIZE_INTERVAL
    finally:
        assert server.stop() == 0


async def _resize_then_quit(port: int, key: Path, count: int) -> None:
    import asyncssh

    async with asyncssh.connect("127.0.0.1", port, client_keys=[str(key)],
                                **ASYNCSSH_OPTIONS) as conn:  # fmt: skip
        chan, _ = await conn.create_session(
            asyncssh.SSHClientSession, term_type="xterm-256color", term_size=(120, 40),
            encoding=None,
        )  # fmt: skip
        await asyncio.sleep(1.0)
        for step in range(count):
            chan.change_terminal_size(120 + step % 2 * 40, 40 + step % 2 * 10)
            await asyncio.sleep(0.01)
        chan.write(b"q")
        await asyncio.wait_for(chan.wait_closed(), 30)
