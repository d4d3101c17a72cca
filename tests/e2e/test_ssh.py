"""`briefing` over a real SSH connection: a private sshd on 127.0.0.1, `ssh -tt` in a pty.

CI sets BRIEFING_REQUIRE_SSH=1, which turns a missing sshd into a failure;
elsewhere these tests skip with the reason.
"""

from __future__ import annotations

import getpass
import os
import shutil
import signal
import socket
import subprocess
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.ptyterm import Terminal
from tests.ptytools import BRIEFING
from tests.storetools import saved_state

REQUIRED = os.environ.get("BRIEFING_REQUIRE_SSH") == "1"
SSHD = shutil.which("sshd") or ("/usr/sbin/sshd" if Path("/usr/sbin/sshd").exists() else None)
SSH = shutil.which("ssh")
KEYGEN = shutil.which("ssh-keygen")


@dataclass
class Server:
    port: int
    key: Path
    home: Path


def _unavailable(reason: str) -> None:
    if REQUIRED:
        pytest.fail(f"BRIEFING_REQUIRE_SSH=1 but {reason}")
    pytest.skip(reason)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    if not (SSHD and SSH and KEYGEN):
        _unavailable("OpenSSH (sshd, ssh, ssh-keygen) is not installed")
    assert SSHD and KEYGEN
    home = tmp_path_factory.mktemp("ssh")
    os.chmod(home, 0o700)
    for name in ("host_key", "client_key"):
        subprocess.run(
            [KEYGEN, "-q", "-t", "ed25519", "-N", "", "-f", str(home / name)], check=True
        )
    (home / "authorized_keys").write_bytes((home / "client_key.pub").read_bytes())
    os.chmod(home / "authorized_keys", 0o600)
    if os.geteuid() == 0:
        Path("/run/sshd").mkdir(mode=0o755, exist_ok=True)  # privilege separation
    port = _free_port()
    config = home / "sshd_config"
    config.write_text(
        "\n".join(
            [
                f"Port {port}",
                "ListenAddress 127.0.0.1",
                f"HostKey {home / 'host_key'}",
                f"PidFile {home / 'sshd.pid'}",
                f"AuthorizedKeysFile {home / 'authorized_keys'}",
                f"AllowUsers {getpass.getuser()}",
                "PermitRootLogin prohibit-password",
                "PasswordAuthentication no",
                "KbdInteractiveAuthentication no",
                "UsePAM no",
                "StrictModes no",
                "AllowTcpForwarding no",
                "X11Forwarding no",
                "LogLevel ERROR",
            ]
        )
        + "\n"
    )
    process = subprocess.Popen(
        [SSHD, "-D", "-e", "-f", str(config)],
        stdout=subprocess.DEVNULL,
        stderr=open(home / "sshd.log", "wb"),  # noqa: SIM115
    )
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if process.poll() is not None:
            _unavailable(f"sshd exited: {(home / 'sshd.log').read_text()[-500:]}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.05)
    try:
        yield Server(port, home / "client_key", home)
    finally:
        process.terminate()
        process.wait(timeout=5)


def _connect(server: Server, tmp_path: Path, token: str) -> Terminal:
    assert SSH and BRIEFING
    remote = (
        f"env BRIEFING_TEST_TOKEN={token} LANG=C.UTF-8 XDG_STATE_HOME={tmp_path / 'state'} "
        f"XDG_DATA_HOME={tmp_path / 'data'} {BRIEFING}"
    )
    argv = [
        SSH, "-tt", "-p", str(server.port), "-i", str(server.key),
        "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=no",
        "-o", f"UserKnownHostsFile={server.home / 'known_hosts'}", "-o", "LogLevel=ERROR",
        f"{getpass.getuser()}@127.0.0.1", remote,
    ]  # fmt: skip
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "TERM": "xterm-256color",
           "HOME": str(tmp_path), "LANG": "C.UTF-8"}  # fmt: skip
    return Terminal(argv, columns=100, lines=30, env=env, cwd=str(tmp_path))


def _far_side(token: str) -> list[int]:
    """Pids of live processes started with our token in their environment."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            mine = f"BRIEFING_TEST_TOKEN={token}".encode() in (entry / "environ").read_bytes()
            if mine and "State:\tZ" not in (entry / "status").read_text():
                found.append(int(entry.name))
        except OSError:
            continue
    return found


def _gone_within(token: str, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not _far_side(token):
            return True
        time.sleep(0.1)
    return not _far_side(token)


def test_reading_over_ssh(server: Server, tmp_path: Path) -> None:
    token = uuid.uuid4().hex
    terminal = _connect(server, tmp_path, token)
    try:
        assert terminal.wait_for("Glossary", timeout=30), terminal.text()
        assert _far_side(token), "briefing runs on the far side"
        terminal.settle()
        terminal.press("c", "2", "enter")
        assert terminal.wait_for("\u25bc 2. The strikes"), terminal.text()
        terminal.press("tab", "/")  # `/` filters the list: letters are commands
        terminal.write(b"brew")
        terminal.press("enter", "enter")
        assert terminal.wait_for("Eurasia Group"), terminal.text()
        assert terminal.wait_for("Mentions (2)"), terminal.text()
        terminal.press("enter")
        terminal.settle()
        terminal.press("tab")  # back to the article: `/` on a card filters the glossary
        terminal.press("/")
        terminal.write(b"Kerman")
        terminal.press("enter")
        assert terminal.wait_for("1 of "), terminal.text()
        terminal.press("escape")
        terminal.settle()  # typed at once, Escape and q would arrive as Alt+q
        terminal.press("q")
        assert terminal.wait_exit(timeout=15) == 0
        assert _gone_within(token, 5), "no briefing process is left on the far side"
        assert saved_state(tmp_path / "state" / "briefing") is not None
    finally:
        terminal.close()


def test_dropped_link_ends_the_far_side(server: Server, tmp_path: Path) -> None:
    token = uuid.uuid4().hex
    terminal = _connect(server, tmp_path, token)
    try:
        assert terminal.wait_for("Glossary", timeout=30), terminal.text()
        assert _far_side(token)
        os.kill(terminal.pid, signal.SIGKILL)  # the client vanishes mid-session
        assert _gone_within(token, 5), "briefing outlived the SSH connection"
    finally:
        terminal.close()
