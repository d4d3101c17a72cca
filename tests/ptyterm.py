"""Run a real command in a pseudo-terminal and read its screen with pyte.

End-to-end tests and benchmarks use this to see what a person would see: the
exact bytes the program writes go through a VT emulator, and keys go in as
the bytes a terminal would send.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import pty
import select
import signal
import struct
import termios
import time
from collections.abc import Callable, Mapping, Sequence

import pyte
from pyte.screens import wcwidth

KEYS = {
    "enter": b"\r",
    "escape": b"\x1b",
    "tab": b"\t",
    "down": b"\x1b[B",
    "up": b"\x1b[A",
    "pagedown": b"\x1b[6~",
    "pageup": b"\x1b[5~",
    "ctrl+d": b"\x04",
    "ctrl+u": b"\x15",
    "ctrl+p": b"\x10",
    "space": b" ",
}


class _Screen(pyte.Screen):
    """pyte's screen, drawn as a real terminal shows a half-overwritten wide character.

    pyte keeps the empty stub cell after a wide character even when a later
    write replaces the character's first half (Textual redraws only what
    changed, so this depends on timing); its `display` then indexes the empty
    stub and raises IndexError. A terminal blanks that orphaned half: so do we.
    """

    @property
    def display(self) -> list[str]:
        rows = []
        for y in range(self.lines):
            line, cells, skip = self.buffer[y], [], False
            for x in range(self.columns):
                if skip:  # the right half of the wide character just drawn
                    skip = False
                    continue
                data = line[x].data
                if not data:
                    cells.append(" ")  # an orphaned right half
                    continue
                skip = wcwidth(data[0]) == 2
                cells.append(data)
            rows.append("".join(cells))
        return rows


class Terminal:
    """A child process on a pty, with a pyte screen fed from its output."""

    def __init__(
        self,
        argv: Sequence[str],
        *,
        columns: int = 100,
        lines: int = 30,
        env: Mapping[str, str] | None = None,
        cwd: str | None = None,
    ) -> None:
        self.columns, self.lines = columns, lines
        self.screen = _Screen(columns, lines)
        self.stream = pyte.ByteStream(self.screen)
        self.output = bytearray()
        pid, fd = pty.fork()
        if pid == 0:  # child: never return into the test runner
            try:
                if cwd:
                    os.chdir(cwd)
                os.execvpe(argv[0], list(argv), dict(env if env is not None else os.environ))
            finally:
                os._exit(127)
        self.pid, self.fd = pid, fd
        self.resize(columns, lines)
        self.status: int | None = None

    def resize(self, columns: int, lines: int) -> None:
        self.columns, self.lines = columns, lines
        self.screen.resize(lines, columns)
        fcntl.ioctl(self.fd, termios.TIOCSWINSZ, struct.pack("HHHH", lines, columns, 0, 0))
        with contextlib.suppress(OSError):
            os.kill(self.pid, signal.SIGWINCH)

    def read(self, timeout: float = 0.05) -> int:
        """Read whatever is available within `timeout`; the number of bytes read."""
        total = 0
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return total
            ready, _, _ = select.select([self.fd], [], [], remaining)
            if not ready:
                return total
            try:
                chunk = os.read(self.fd, 65536)
            except OSError:
                return total
            if not chunk:
                return total
            total += len(chunk)
            self.output += chunk
            self.stream.feed(chunk)

    def text(self) -> str:
        return "\n".join(self.screen.display)

    def wait_for(self, needle: str, timeout: float = 15.0) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if needle in self.text():
                return True
            self.read(0.05)
            if self.exited():
                self.read(0.1)
                return needle in self.text()
        return needle in self.text()

    def wait_until(self, check: Callable[[], bool], timeout: float = 15.0) -> bool:
        """Whether `check()` (of the screen) holds within `timeout`."""
        deadline = time.monotonic() + timeout
        while not check() and time.monotonic() < deadline and not self.exited():
            self.read(0.05)
        return check()

    def wait_gone(self, needle: str, timeout: float = 15.0) -> bool:
        """Whether the text is off the screen within `timeout` (a screen was closed)."""
        deadline = time.monotonic() + timeout
        while needle in self.text() and time.monotonic() < deadline and not self.exited():
            self.read(0.05)
        return needle not in self.text()

    def settle(self, quiet: float = 0.3, timeout: float = 10.0) -> None:
        """Read until no output arrives for `quiet` seconds."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not self.read(quiet):
                return

    def press(self, *keys: str) -> None:
        for key in keys:
            self.write(KEYS.get(key, key.encode()))
            self.read(0.05)

    def write(self, data: bytes) -> None:
        os.write(self.fd, data)

    def exited(self) -> bool:
        if self.status is not None:
            return True
        pid, status = os.waitpid(self.pid, os.WNOHANG)
        if pid == 0:
            return False
        self.status = status
        return True

    def wait_exit(self, timeout: float = 10.0) -> int | None:
        """The exit code (or -signal), or None if still running after `timeout`."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.read(0.05)
            if self.exited():
                assert self.status is not None
                if os.WIFSIGNALED(self.status):
                    return -os.WTERMSIG(self.status)
                return os.WEXITSTATUS(self.status)
        return None

    def hang_up(self) -> None:
        """Close our end of the pty, as closing a tmux pane does: the kernel hangs up the session.

        The descriptor is forgotten at once, so `close()` cannot close it a second time: by
        then its number may belong to another test's pty, whose reads would fail with EBADF.
        """
        fd, self.fd = self.fd, -1
        os.close(fd)

    def close(self) -> None:
        if not self.exited():
            with contextlib.suppress(OSError):
                os.kill(self.pid, signal.SIGKILL)
            with contextlib.suppress(OSError):
                os.waitpid(self.pid, 0)
        if self.fd >= 0:
            fd, self.fd = self.fd, -1
            with contextlib.suppress(OSError):
                os.close(fd)
