"""`briefing serve` for tests and benchmarks: start it on a free loopback port, drive ssh.

A server runs as the installed console script with its own XDG folders, so
its host key and every reader's state live in a temporary directory. The
client is the real OpenSSH `ssh` in a pty (tests/ptyterm.py).
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from tests.ptyterm import Terminal
from tests.storetools import saved_state

BRIEFING = shutil.which("briefing", path=str(Path(sys.executable).parent))
SSH = shutil.which("ssh")
SFTP = shutil.which("sftp")
SCP = shutil.which("scp")
KEYGEN = shutil.which("ssh-keygen")
AGENT = shutil.which("ssh-agent")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def make_key(folder: Path, name: str) -> Path:
    assert KEYGEN
    path = folder / name
    if not path.exists():
        subprocess.run([KEYGEN, "-q", "-t", "ed25519", "-N", "", "-f", str(path)], check=True)
    return path


def fingerprint(key: Path) -> str:
    assert KEYGEN
    done = subprocess.run(
        [KEYGEN, "-l", "-E", "sha256", "-f", f"{key}.pub"], capture_output=True, text=True
    )
    return done.stdout.split()[1]


class Served:
    """A running `briefing serve` with its own folders and log."""

    def __init__(
        self,
        home: Path,
        *flags: str,
        port: int | None = None,
        command: list[str] | None = None,
        cwd: Path | None = None,
    ) -> None:
        """`command` replaces the installed script (a benchmark serves another checkout)."""
        assert BRIEFING
        self.home = home
        self.port = port or free_port()
        self.log_path = home / f"serve-{self.port}-{time.monotonic_ns()}.log"
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": str(home),
            "LANG": "C.UTF-8",
            "XDG_DATA_HOME": str(home / "data"),
            "XDG_STATE_HOME": str(home / "state"),
            "XDG_CONFIG_HOME": str(home / "config"),
            "XDG_CACHE_HOME": str(home / "cache"),
        }
        argv = [*(command or [BRIEFING]), "serve", "--host", "127.0.0.1", "--port", str(self.port)]
        argv += flags
        with open(self.log_path, "wb") as log:
            self.process = subprocess.Popen(
                argv, env=env, stdin=subprocess.DEVNULL, stdout=log, stderr=log, cwd=cwd
            )
        deadline = time.monotonic() + 60
        while "listening on" not in self.log():
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"briefing serve did not start:\n{self.log()}")
            time.sleep(0.05)

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def wait_log(self, needle: str, timeout: float = 10.0) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if needle in self.log():
                return True
            time.sleep(0.05)
        return needle in self.log()

    def reader_folder(self, key: Path) -> Path:
        """Where the reader of `key` keeps its state (its SQLite database is in there)."""
        readers = self.home / "state" / "briefing" / "serve" / "readers"
        return readers / reader_digest(key) / "state" / "briefing"

    def saved_state(
        self, key: Path, briefing_id: str = "iran-pakistan-2024-01"
    ) -> dict[str, Any] | None:
        """What the reader of `key` saved for a briefing (None: nothing)."""
        return saved_state(self.reader_folder(key), briefing_id, f"ssh:{reader_digest(key)}")

    def readers(self) -> list[int]:
        """Pids of the running readers (children of the zygote, a child of the server)."""
        zygotes = children(self.process.pid)
        return sorted(pid for zygote in zygotes for pid in children(zygote))

    def stop(self, timeout: float = 30.0) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
            raise

    def ssh_argv(self, key: Path | None, *extra: str, known_hosts: str = "accept-new",
                 port: int | None = None) -> list[str]:  # fmt: skip
        assert SSH
        auth = (
            ["-i", str(key), "-o", "IdentitiesOnly=yes", "-o", "BatchMode=yes"]
            if key is not None
            else ["-o", "PubkeyAuthentication=no", "-o", "PasswordAuthentication=no"]
        )
        return [
            SSH, "-p", str(port or self.port), *auth, "-F", "/dev/null",
            "-o", f"StrictHostKeyChecking={known_hosts}",
            "-o", f"UserKnownHostsFile={self.home / 'known_hosts'}",
            "-o", "LogLevel=ERROR", "-o", "SendEnv=LANG", *extra, "127.0.0.1",
        ]  # fmt: skip

    def connect(self, key: Path | None, *extra: str, columns: int = 100, lines: int = 30,
                known_hosts: str = "accept-new", env: dict[str, str] | None = None,
                port: int | None = None) -> Terminal:  # fmt: skip
        """The real ssh in a pty, to this server (or to `port`: a balancer in front of it)."""
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "TERM": "xterm-256color",
               "HOME": str(self.home), "LANG": "C.UTF-8", **(env or {})}  # fmt: skip
        argv = self.ssh_argv(key, "-tt", *extra, known_hosts=known_hosts, port=port)
        return Terminal(argv, columns=columns, lines=lines, env=env, cwd=str(self.home))

    def run(self, argv: Sequence[str], timeout: float = 20) -> subprocess.CompletedProcess[str]:
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(self.home)}
        return subprocess.run(
            list(argv), capture_output=True, text=True, timeout=timeout, env=env,
            stdin=subprocess.DEVNULL, cwd=str(self.home),
        )  # fmt: skip

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.stop(timeout=20)


def reader_digest(key: Path) -> str:
    """The name the server gives the reader of `key` (a hash of its fingerprint)."""
    return hashlib.sha256(fingerprint(key).encode()).hexdigest()


def children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            status = (entry / "status").read_text()
        except OSError:
            continue
        fields = dict(line.split(":\t", 1) for line in status.splitlines() if ":\t" in line)
        if fields.get("PPid", "").strip() == str(pid) and not fields.get("State", "").startswith(
            "Z"
        ):
            found.append(int(entry.name))
    return found


SSH_REQUIRED = os.environ.get("BRIEFING_REQUIRE_SSH") == "1"


@pytest.fixture(scope="module", autouse=True)
def openssh_and_asyncssh() -> None:
    missing = [name for name, there in (("ssh", SSH), ("ssh-keygen", KEYGEN),
               ("briefing", BRIEFING)) if not there]  # fmt: skip
    if importlib.util.find_spec("asyncssh") is None:
        missing.append("asyncssh (pip install -e '.[serve]')")
    if missing:
        reason = f"not installed: {', '.join(missing)}"
        if SSH_REQUIRED:
            pytest.fail(f"BRIEFING_REQUIRE_SSH=1 but {reason}")
        pytest.skip(reason)
