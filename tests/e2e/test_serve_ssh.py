"""`briefing serve` end to end: the real OpenSSH client against the server on 127.0.0.1.

CI sets BRIEFING_REQUIRE_SSH=1, which turns a missing OpenSSH client or
asyncssh into a failure; elsewhere these tests skip with the reason.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.ptyterm import Terminal
from tests.servetools import (
    Served,
    make_key,
)

OPEN_TWO = "\u25bc 2. The strikes"
OPEN_ONE = "\u25bc 1. Background"


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("serve")
    os.chmod(folder, 0o700)
    return folder


@pytest.fixture(scope="module")
def server(home: Path) -> Iterator[Served]:
    served = Served(home, "--max-per-address", "50", "--burst", "50", "--rate", "600")
    yield served
    served.close()


def _reading(terminal: Terminal) -> None:
    assert terminal.wait_for("Glossary", timeout=30), terminal.text()
    terminal.settle()


def test_read_open_a_card_resize_quit_and_come_back(server: Served, home: Path) -> None:
    key = make_key(home, "alice")
    terminal = server.connect(key)
    try:
        _reading(terminal)
        assert OPEN_ONE in terminal.text()
        terminal.press("c", "2", "enter")
        assert terminal.wait_for(OPEN_TWO), terminal.text()
        terminal.press("tab", "/")  # `/` filters the list: letters are commands in it
        terminal.write(b"brew")
        assert terminal.wait_for("People (1)"), terminal.text()  # the filter has applied
        terminal.settle()
        terminal.press("enter")
        terminal.settle()
        terminal.press("enter")
        assert terminal.wait_for("Mentions (2)"), terminal.text()
        terminal.press("escape")
        terminal.settle()
        header = terminal.screen.display[0].strip()
        terminal.resize(70, 20)
        # The new size travels through ssh, sshd and the server to the reader's
        # pty: wait for the reader's new frame, not for a quiet pause (under load
        # the pause came first and the old frame was read). Shrinking, the local
        # emulator drops the old frame's top rows, so the header back on the
        # first row means the reader has drawn at 70x20.
        redrawn = terminal.wait_until(
            lambda: (
                terminal.screen.display[0].strip() == header
                and "Quit" in terminal.screen.display[-1]
            )
        )
        assert redrawn, terminal.text()
        terminal.settle()
        rows = terminal.screen.display
        assert len(rows) == 20 and "Quit" in rows[-1], terminal.text()
        assert "Quit" not in "".join(rows[:-1]), "the old, taller frame is gone"
        terminal.press("q")
        assert terminal.wait_exit(timeout=15) == 0
    finally:
        terminal.close()
    saved = json.loads(server.state_file(key).read_text())
    assert saved["open_sections"] and "background" not in saved["open_sections"]

    again = server.connect(key)
    try:
        _reading(again)
        assert OPEN_TWO in again.text() and OPEN_ONE not in again.text(), again.text()
        again.press("q")
        assert again.wait_exit(timeout=15) == 0
    finally:
        again.close()
    assert server.wait_log("ended: quit")


def test_a_second_key_starts_fresh(server: Served, home: Path) -> None:
    make_key(home, "alice")
    key = make_key(home, "bob")
    terminal = server.connect(key)
    try:
        _reading(terminal)
        assert OPEN_ONE in terminal.text(), terminal.text()
        terminal.press("q")
        assert terminal.wait_exit(timeout=15) == 0
    finally:
        terminal.close()
    assert server.state_file(key).is_file()
    assert server.state_file(key) != server.state_file(home / "alice")


def test_anonymous_reads_without_saved_state(server: Served, home: Path) -> None:
    anonymous = home / "state" / "briefing" / "serve" / "anonymous"
    terminal = server.connect(None)
    try:
        _reading(terminal)
        assert terminal.wait_for("reading anonymously"), terminal.text()
        terminal.press("c")
        terminal.settle()
        terminal.press("q")
        assert terminal.wait_exit(timeout=15) == 0
    finally:
        terminal.close()
    assert server.wait_log(" anonymous ")
    assert not list(anonymous.iterdir()), "nothing of an anonymous reader is kept"


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["touch", "MARKER"], "running commands is not offered"),
        (["-T"], "only interactive sessions are offered"),
        (["-s", "sftp"], "sftp subsystem"),
    ],
)
def test_exec_no_pty_and_subsystems_are_refused(
    server: Served, home: Path, extra: list[str], message: str
) -> None:
    key = make_key(home, "carol")
    before = server.readers()
    argv = server.ssh_argv(key)
    done = server.run([*argv[:-1], *(e for e in extra if e.startswith("-")), argv[-1],
                       *(e for e in extra if not e.startswith("-"))])  # fmt: skip
    assert done.returncode != 0
    assert message in done.stderr and done.stderr.count("briefing:") == 1, done.stderr
    assert not (home / "MARKER").exists()
    assert server.readers() == before, "no reader was started"
    assert server.wait_log("refused 127.0.0.1"), server.log()


@pytest.mark.parametrize("legacy", [False, True])
def test_scp_is_refused(server: Served, home: Path, legacy: bool) -> None:
    from tests.servetools import SCP

    if SCP is None:
        pytest.skip("scp is not installed")
    key = make_key(home, "carol")
    target = home / "copied"
    argv = [SCP, *(["-O"] if legacy else []), "-P", str(server.port), "-i", str(key),
            "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=accept-new",
            "-o", f"UserKnownHostsFile={home / 'known_hosts'}", str(home / "alice.pub"),
            f"127.0.0.1:{target}"]  # fmt: skip
    done = server.run(argv)
    assert done.returncode != 0
    assert "is not offered here" in done.stderr, done.stderr
    assert not target.exists()


def test_forwarding_is_refused(server: Served, home: Path) -> None:
    key = make_key(home, "dave")
    from tests.servetools import AGENT, free_port

    forward = free_port()
    target = socket.create_server(("127.0.0.1", 0))
    target.settimeout(0.5)
    agent_socket = home / "agent.sock"
    agent = None
    extra = ["-L", f"{forward}:127.0.0.1:{target.getsockname()[1]}", "-X"]
    if AGENT:
        import subprocess

        agent = subprocess.Popen([AGENT, "-D", "-a", str(agent_socket)],
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
        deadline = time.monotonic() + 5
        while not agent_socket.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        extra.append("-A")
    terminal = server.connect(key, *extra, env={"SSH_AUTH_SOCK": str(agent_socket)})
    try:
        _reading(terminal)
        with socket.create_connection(("127.0.0.1", forward), timeout=5) as client:
            client.settimeout(5)
            assert client.recv(100) == b"", "the forwarded connection is closed at once"
        with pytest.raises(TimeoutError):
            target.accept()  # nothing reached the forwarding target
        assert server.wait_log("port forwarding (-L)"), server.log()
        if agent is not None:
            assert server.wait_log("Agent forwarding request denied"), server.log()
        terminal.press("q")
        assert terminal.wait_exit(timeout=15) == 0
    finally:
        terminal.close()
        target.close()
        if agent is not None:
            agent.terminate()
            agent.wait()


def test_kill_9_of_one_reader_ends_that_session_only(server: Served, home: Path) -> None:
    first = server.connect(make_key(home, "erin"))
    try:
        _reading(first)
        readers = server.readers()
        second = server.connect(make_key(home, "frank"))
        try:
            _reading(second)
            (victim,) = set(server.readers()) - set(readers)
            limits = Path(f"/proc/{victim}/limits").read_text()
            address_space = next(x for x in limits.splitlines() if "address space" in x)
            assert str(1024 * 1024 * 1024) in address_space, "RLIMIT_AS is set"
            os.kill(victim, signal.SIGKILL)
            assert second.wait_exit(timeout=10) is not None, "that client sees the end"
            assert "stopped unexpectedly" in second.text(), second.text()
            first.press("c")
            assert first.wait_for("\u25b6 1. Background"), first.text()
            first.press("q")
            assert first.wait_exit(timeout=15) == 0
        finally:
            second.close()
    finally:
        first.close()
    assert server.wait_log("reader ended (signal 9)"), server.log()


def test_the_none_method_and_remote_forwarding_are_refused(server: Served, home: Path) -> None:
    key = make_key(home, "carol")
    argv = server.ssh_argv(key, "-o", "PreferredAuthentications=none")
    done = server.run([*argv, "true"])
    assert done.returncode == 255 and "Permission denied" in done.stderr, done.stderr
    argv = server.ssh_argv(key, "-o", "ExitOnForwardFailure=yes", "-R", "0:127.0.0.1:9", "-N")
    done = server.run(argv)
    assert done.returncode == 255 and "forwarding failed" in done.stderr, done.stderr
    assert server.wait_log("remote port forwarding (-R)"), server.log()


def test_ctrl_z_does_not_suspend_a_served_reader(server: Served, home: Path) -> None:
    terminal = server.connect(make_key(home, "gina"))
    try:
        _reading(terminal)
        terminal.write(b"\x1a")
        assert terminal.wait_for("Suspending is off"), terminal.text()
        terminal.press("c")
        assert terminal.wait_for("\u25b6 1. Background"), "still reading"
        terminal.press("q")
        assert terminal.wait_exit(timeout=15) == 0
    finally:
        terminal.close()


def test_a_silent_connection_is_dropped_at_the_login_timeout(home: Path) -> None:
    quick = Served(home, "--login-timeout", "1")
    try:
        started = time.monotonic()
        with socket.create_connection(("127.0.0.1", quick.port), timeout=10) as client:
            assert client.recv(64).startswith(b"SSH-2.0-")
            while client.recv(4096):
                pass
        assert time.monotonic() - started < 8, "closed by the login timeout"
    finally:
        assert quick.stop() == 0
