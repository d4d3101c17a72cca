"""One SSH session: refuse what is not an interactive terminal, else bridge a reader's pty.

The reader runs in a child of the zygote on a pty whose master end stays
here. Bytes go both ways through this object, and every path is bounded:
input waits in a small buffer (past it the channel stops reading, so the
client's SSH window closes), output that the client does not take is
counted, and past `max_backlog` the connection is dropped rather than held.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import os
import re
import signal
import struct
import termios
import time
from typing import Any, Protocol

import asyncssh

from briefing.serve.channel import held_output
from briefing.serve.connection import Connection
from briefing.serve.limits import Limits


class SessionHost(Protocol):
    """What a session needs of the server's hub (the hub imports this module, not
    the other way round): its limits, a reader process, and where to report."""

    limits: Limits

    def spawn(self, session: ReaderSession, slave: int, env: dict[str, str]) -> str: ...

    def cancel(self, session: ReaderSession) -> None: ...

    def log_refusal(self, connection: Connection, what: str) -> None: ...

    def session_closed(self, session: ReaderSession) -> None: ...


MAX_INPUT_BUFFER = 65536
RESIZE_INTERVAL = 0.2
"""Seconds between two window sizes passed to the reader; in between, the last one waits."""
MAX_COLUMNS, MAX_LINES = 1000, 500
_TOKEN = re.compile(r"[A-Za-z0-9._+@-]{1,64}")


def allowed_environment(term: str | None, sent: dict[str, str]) -> dict[str, str]:
    """TERM, LANG and COLORTERM when they look like what they claim; NO_COLOR as a flag."""
    env: dict[str, str] = {}
    if term and _TOKEN.fullmatch(term):
        env["TERM"] = term
    for name in ("LANG", "COLORTERM"):
        value = sent.get(name)
        if value and _TOKEN.fullmatch(value):
            env[name] = value
    if "NO_COLOR" in sent:
        env["NO_COLOR"] = "1"
    return env


def winsize(columns: int, lines: int) -> bytes:
    columns = max(1, min(columns or 80, MAX_COLUMNS))
    lines = max(1, min(lines or 24, MAX_LINES))
    return struct.pack("HHHH", lines, columns, 0, 0)


class ReaderSession(asyncssh.SSHServerSession):  # type: ignore[type-arg]
    """A session channel: one reader, or a one-line refusal."""

    def __init__(self, hub: SessionHost, connection: Connection) -> None:
        self.hub = hub
        self.connection = connection
        self.chan: Any = None
        self.term: str | None = None
        self.size = (80, 24)
        self.refusal: str | None = None
        self.master = -1
        self.pid: int | None = None
        self.status: int | None = None
        self.started = time.monotonic()
        self.last_input = self.started
        self.bytes_in = self.bytes_out = 0
        self.ended: str | None = None
        self.home: str | None = None
        self.logged = False
        self.client_gone = False
        self._input = bytearray()
        self._reader_done = False
        self._kill_timer: asyncio.TimerHandle | None = None
        self._resize_timer: asyncio.TimerHandle | None = None
        self._last_resize = 0.0
        self.resizes_applied = self.resizes_received = 0

    # --- what the client asks for -------------------------------------------------

    def connection_made(self, chan: Any) -> None:
        self.chan = chan

    def pty_requested(self, term_type: str, term_size: tuple[int, int, int, int],
                      term_modes: object) -> bool:  # fmt: skip
        self.term = term_type or "xterm"
        self.size = (term_size[0], term_size[1])
        return True

    def shell_requested(self) -> bool:
        return True

    def exec_requested(self, command: str) -> bool:
        self.refusal = "running commands is not offered here; connect without one to read"
        return True

    def subsystem_requested(self, subsystem: str) -> bool:
        name = subsystem if _TOKEN.fullmatch(subsystem) else "requested"
        self.refusal = f"the {name} subsystem (file transfer) is not offered here"
        return True

    def session_started(self) -> None:
        if self.refusal is None and self.term is None:
            self.refusal = "only interactive sessions are offered: connect with a terminal (ssh -t)"
        if self.refusal is None and not self.connection.may_open_terminal:
            self.refusal = "this key may not open a terminal (no-pty or restrict)"
        if self.refusal is None and self.connection.has_reader:
            self.refusal = "one reader per connection"
        if self.refusal is not None:
            self.hub.log_refusal(self.connection, self.refusal)
            self.ended = "refused"
            self.chan.write_stderr(f"briefing: {self.refusal}\r\n".encode())
            self.chan.exit(1)
            return
        self.connection.has_reader = True
        try:
            self._start_reader()
        except OSError as error:
            self.hub.log_refusal(self.connection, f"could not start a reader: {error}")
            self.ended = "refused"
            if self.master >= 0:
                os.close(self.master)
                self.master = -1
            self.chan.write_stderr(b"briefing: the server could not start a reader; sorry\r\n")
            self.chan.exit(1)

    def _start_reader(self) -> None:
        master, slave = os.openpty()
        try:
            fcntl.ioctl(master, termios.TIOCSWINSZ, winsize(*self.size))
            os.set_blocking(master, False)
            self.master = master
            sent = self.chan.get_environment()
            env = allowed_environment(self.term, {str(k): str(v) for k, v in sent.items()})
            self.home = self.hub.spawn(self, slave, env)
        finally:
            os.close(slave)
        asyncio.get_running_loop().add_reader(master, self._pump_output)

    def spawned(self, pid: int) -> None:
        self.pid = pid
        if self.ended is not None:  # the client left before the reader started
            self.stop_reader()

    def data_received(self, data: bytes, datatype: object) -> None:
        self.last_input = time.monotonic()
        self.bytes_in += len(data)
        if self.master < 0 or self._reader_done:
            return
        self._input += data
        self._flush_input()

    def _flush_input(self) -> None:
        loop = asyncio.get_running_loop()
        while self._input:
            try:
                written = os.write(self.master, self._input)
            except BlockingIOError:
                break
            except OSError:
                self._input.clear()
                return
            del self._input[:written]
        if not self._input:
            with contextlib.suppress(ValueError, OSError):
                loop.remove_writer(self.master)
            self.chan.resume_reading()
            return
        loop.add_writer(self.master, self._flush_input)
        if len(self._input) >= MAX_INPUT_BUFFER:
            self.chan.pause_reading()  # the client's window closes until the reader reads

    def terminal_size_changed(self, width: int, height: int, pixwidth: int,
                              pixheight: int) -> None:  # fmt: skip
        """At most one resize reaches the reader per RESIZE_INTERVAL: the last size wins.

        Each resize makes the reader lay out and draw everything again; a client
        sending a hundred a second would keep a core busy for nothing.
        """
        self.size = (width, height)
        self.resizes_received += 1
        if self._resize_timer is not None:
            return  # the pending one will apply the latest size
        now = time.monotonic()
        wait = self._last_resize + RESIZE_INTERVAL - now
        if wait <= 0:
            self._apply_size()
        else:
            self._resize_timer = asyncio.get_running_loop().call_later(wait, self._apply_size)

    def _apply_size(self) -> None:
        self._resize_timer = None
        self._last_resize = time.monotonic()
        self.resizes_applied += 1
        if self.master >= 0:
            with contextlib.suppress(OSError):
                fcntl.ioctl(self.master, termios.TIOCSWINSZ, winsize(*self.size))

    def break_received(self, msec: int) -> bool:
        return False

    def signal_received(self, signal: str) -> None:
        """Signals from the client are not passed on: the reader has its own keys."""

    def eof_received(self) -> bool:
        self.end("client sent EOF")
        return False

    def connection_lost(self, exc: Exception | None) -> None:
        self.client_gone = True
        if self.ended is None:
            self.ended = "client closed" if exc is None else "connection lost"
        self.stop_reader()
        if self.master < 0:
            self.hub.session_closed(self)

    # --- the reader's side ---------------------------------------------------------

    def _pump_output(self) -> None:
        try:
            data = os.read(self.master, 65536)
        except BlockingIOError:
            return
        except OSError:
            data = b""  # EIO: every holder of the slave side is gone
        if not data:
            self._reader_gone()
            return
        if self.client_gone:
            return  # the reader is stopping and nobody is there to see it
        self.bytes_out += len(data)
        self.chan.write(data)
        # Output waits in two places: the channel (for the client's window) and
        # the transport (for the socket). A client with a huge window that stops
        # reading fills only the second, so both count against the cap.
        if held_output(self.chan) > self.hub.limits.max_backlog:
            self.end("client stopped reading (backlog cap)")
            self.chan.get_connection().abort()

    def _reader_gone(self) -> None:
        loop = asyncio.get_running_loop()
        with contextlib.suppress(ValueError, OSError):
            loop.remove_reader(self.master)
        with contextlib.suppress(ValueError, OSError):
            loop.remove_writer(self.master)
        if self._reader_done:
            return
        self._reader_done = True
        # The exit status comes from the zygote; give it a moment to arrive.
        loop.call_later(0.3, self._finish)

    def _finish(self) -> None:
        if self._kill_timer is not None:
            self._kill_timer.cancel()
        with contextlib.suppress(OSError):
            os.close(self.master)
        self.master = -1
        status = self.status
        notice = None
        if self.ended is None and status == -signal.SIGXCPU:
            self.ended = "reader used its CPU time (--max-cpu)"
            notice = "session closed: the reader used all the CPU time a session may have"
        elif self.ended is None:
            self.ended = "quit" if status == 0 else f"reader ended ({_describe(status)})"
            if status != 0:
                notice = "the reader stopped unexpectedly"
        else:
            notice = f"session closed: {self.ended}"
        if notice and not self.client_gone:
            with contextlib.suppress(Exception):
                self.chan.write_stderr(f"\r\nbriefing: {notice}\r\n".encode())
        with contextlib.suppress(Exception):
            self.chan.exit(0 if status == 0 else 1)
        self.hub.session_closed(self)

    def exited(self, status: int) -> None:
        self.status = status

    def end(self, reason: str) -> None:
        """Close this session: the reader is told to save and exit first."""
        if self.ended is None:
            self.ended = reason
        self.stop_reader()
        if self.master < 0 and self.chan is not None:
            with contextlib.suppress(Exception):
                self.chan.close()

    def stop_reader(self) -> None:
        """SIGTERM (the reader saves and exits), then SIGKILL after the grace period."""
        if self.pid is None and self.master >= 0 and not self._reader_done:
            self.hub.cancel(self)  # still waiting for its turn: it need never start
        if self.pid is None or self._reader_done or self.status is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.pid, signal.SIGTERM)
        if self._kill_timer is None:
            loop = asyncio.get_running_loop()
            self._kill_timer = loop.call_later(self.hub.limits.grace, self._kill)

    def _kill(self) -> None:
        if self.pid is not None and not self._reader_done and self.status is None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, signal.SIGKILL)


def _describe(status: int | None) -> str:
    if status is None:
        return "status unknown"
    if status < 0:
        return f"signal {-status}"
    return f"exit {status}"
