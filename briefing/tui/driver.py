"""A Linux driver that survives what SSH clients, odd terminals and signals send.

Fixes over Textual 8.2.8's LinuxDriver, each covered by a test that fails
if the workaround stops working:

- Window size is capped, from every source: the pty (`stty rows 15000`), the
  first size Textual takes from its console before any Resize (the driver
  starts with a capped `_size`), Resize events, and LINES/COLUMNS (capped by
  terminal.configure). A claimed 15000x15000 window drove Textual to several
  GB for ~45 s, deaf to q, SIGHUP and SIGTERM meanwhile.
- The input thread sleeps until input arrives. Textual's loop selects with
  a 0.1 s timeout so that it notices the exit event and the parser's Escape
  timeout: ten wake-ups a second in every idle reader (0.11 of a core for
  200 idle served sessions). Here the thread blocks on the terminal and a
  self-pipe, which the exit event writes to when it is set; it waits with a
  timeout only while the parser holds a lone Escape (the parser's own
  deadline, `_timeout_time`, read where Textual keeps it).
- Input is decoded forgivingly. Invalid UTF-8 typed by the user (a Latin-1
  terminal, a hostile client) becomes U+FFFD instead of killing the input
  thread (Textualize/textual#6456), and an escape sequence with thousands
  of parameter bytes is cut short: Textual's parser takes quadratic time on
  one and drops every key after it.
- Frames are written in fewer bytes (`sgrdelta.compact`: styles as
  differences, no dead cursor moves), the same cells on screen; the
  terminal's style is carried from one write to the next.
- Signals restore the terminal. From the moment the driver takes the
  terminal until the app installs its own handlers (which save the reading
  position), SIGTERM and SIGHUP put the terminal back and exit; SIGQUIT
  always does (Textual leaves it to the default, which kept the alternate
  screen and mouse reporting on).
- A closed terminal ends the reader at once: Textual's shutdown unmounted
  every widget first, 1.5-2 s with a card open.
- Ctrl+Z suspends only where a shell with job control can resume the reader
  (`terminal.job_control`); elsewhere the reader says so and carries on,
  where it used to stop for good.
"""

from __future__ import annotations

import codecs
import contextlib
import os
import select
import signal
import termios
import threading
from collections.abc import Callable
from types import FrameType
from typing import Any

from textual import events
from textual._parser import ParseError
from textual._time import get_time
from textual._xterm_parser import XTermParser
from textual.drivers.linux_driver import LinuxDriver
from textual.geometry import Size
from textual.message import Message

from briefing.tui.sgrdelta import Style, compact
from briefing.tui.terminal import MAX_COLUMNS, MAX_LINES, hung_up, job_control

MAX_SEQUENCE = 64
"""Parameter bytes kept in one control sequence from the terminal."""


class InputFilter:
    """UTF-8 decoding that never fails, and bounded control sequences.

    Nothing is held back (the parser's Escape timeout must keep working):
    characters pass straight through, except the parameter bytes of a CSI
    sequence past MAX_SEQUENCE, which are dropped until its final byte.
    """

    def __init__(self, encoding: str = "utf-8") -> None:
        self._decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
        self._state = 0  # 0 text, 1 after ESC, 2 inside CSI
        self._length = 0

    def decode(self, data: bytes, final: bool = False) -> str:
        text = self._decoder.decode(data, final)
        if "\x1b" not in text and self._state == 0:
            return text
        kept: list[str] = []
        for char in text:
            state = self._state
            if state == 0:
                if char == "\x1b":
                    self._state = 1
            elif state == 1:
                self._state = 2 if char == "[" else (1 if char == "\x1b" else 0)
                self._length = 0
            elif "\x20" <= char <= "\x3f":
                self._length += 1
                if self._length > MAX_SEQUENCE:
                    continue
            else:
                self._state = 1 if char == "\x1b" else 0
            kept.append(char)
        return "".join(kept)


class WakingEvent(threading.Event):
    """A threading.Event that also calls `wake` when set: the input thread's exit signal.

    Textual's driver sets `exit_event` and joins the input thread; with a
    blocking select, only a byte on the self-pipe makes the thread look.
    """

    def __init__(self, wake: Callable[[], None]) -> None:
        super().__init__()
        self._wake = wake

    def set(self) -> None:
        super().set()
        self._wake()


TEXTUAL_POLL = 0.1
"""Textual's input poll (s): used only if its parser no longer keeps `_timeout_time`."""


def input_timeout(parser: XTermParser) -> float | None:
    """How long the input thread may sleep: until the parser's Escape deadline, or for ever.

    Textual's Parser keeps the moment it gives up waiting for the rest of
    an escape sequence in `_timeout_time` (None when not waiting) and acts
    on it in `tick()`. Without that attribute, poll as Textual does.
    """
    if not hasattr(parser, "_timeout_time"):
        return TEXTUAL_POLL
    deadline = parser._timeout_time
    return None if deadline is None else max(0.0, deadline - get_time())


def clamp(size: Size) -> Size:
    return Size(max(1, min(size.width, MAX_COLUMNS)), max(1, min(size.height, MAX_LINES)))


RESTORE = (
    b"\x18"  # CAN: ends any escape sequence a frame left half-written
    b"\x1b[?2004l"  # bracketed paste off
    b"\x1b[?1000l\x1b[?1003l\x1b[?1015l\x1b[?1006l"  # mouse reporting off
    b"\x1b[?1004l"  # focus reporting off
    b"\x1b[<u"  # kitty keyboard protocol off
    b"\x1b[?7h"  # line wrap back on
    b"\x1b[?1049l"  # leave the alternate screen
    b"\x1b[?25h"  # show the cursor
)
"""What the terminal needs to be usable again, written in one go."""

HANGUP_FLUSH_SECONDS = 2.0
"""Longest a reader whose terminal is gone waits to write its place (a database may be down)."""
SIGNALS_BEFORE_MOUNT = (signal.SIGTERM, signal.SIGHUP)
"""Handled here until the app installs its own (which also save the reading state)."""


class ReaderDriver(LinuxDriver):
    """LinuxDriver with a capped window size, a forgiving input decoder, and signal care."""

    def __init__(
        self,
        app: Any,
        *,
        debug: bool = False,
        mouse: bool = True,
        size: tuple[int, int] | None = None,
    ) -> None:
        super().__init__(app, debug=debug, mouse=mouse, size=size)
        # Without this, Textual's first layout uses its console's size, which
        # reads LINES/COLUMNS and the pty uncapped, before any Resize arrives.
        first = clamp(Size(*(size or self._get_terminal_size())))
        self._size = (first.width, first.height)
        self._wake_read = self._wake_write = -1
        self.exit_event = WakingEvent(self._wake_input_thread)
        self._style: Style | None = None  # the terminal's style after our last write

    def write(self, data: str) -> None:
        height = self._size[1] if self._size is not None else None
        data, self._style = compact(data, height, self._style)
        super().write(data)

    def _open_wake_pipe(self) -> None:
        """The self-pipe, opened at each start: a suspend (Ctrl+Z) closes the driver."""
        if self._wake_read < 0:
            self._wake_read, self._wake_write = os.pipe()
            os.set_blocking(self._wake_read, False)
            os.set_blocking(self._wake_write, False)

    def _wake_input_thread(self) -> None:
        if self._wake_write < 0:  # closed: its number may belong to another file now
            return
        with contextlib.suppress(OSError):  # a full pipe is already a wake-up
            os.write(self._wake_write, b"x")

    def run_input_thread(self) -> None:
        """Read the terminal, sleeping until a byte, the exit event or an Escape's deadline.

        Does what Textual's loop does (decode, feed the parser, dispatch its
        events, tick it for lone Escapes, feed "" at the end), without the
        0.1 s poll. At end of input (a closed pipe as stdin) the terminal is
        no longer watched, where Textual's loop read it again at once forever.
        """
        fileno, wake = self.fileno, self._wake_read
        parser = XTermParser(self._debug)
        decoder = InputFilter("utf-8")
        watched = [fileno, wake]
        try:
            while not self.exit_event.is_set():
                ready, _, _ = select.select(watched, [], [], input_timeout(parser))
                if wake in ready:
                    with contextlib.suppress(OSError):
                        os.read(wake, 512)
                if fileno in ready:
                    data = os.read(fileno, 4096)
                    if not data:
                        watched = [wake]
                    # Decoded text can be empty (bytes of a cut-short sequence): not an end.
                    text = decoder.decode(data)
                    if text:
                        for event in parser.feed(text):
                            self.process_message(event)
                for event in parser.tick():
                    self.process_message(event)
            for event in parser.feed(decoder.decode(b"", final=True)):
                self.process_message(event)
        finally:
            with contextlib.suppress(EOFError, ParseError):
                for _event in parser.feed(""):
                    pass

    def close(self) -> None:
        super().close()
        wake_read, wake_write = self._wake_read, self._wake_write
        self._wake_read = self._wake_write = -1
        for fd in (wake_read, wake_write):
            with contextlib.suppress(OSError):
                os.close(fd)

    def start_application_mode(self) -> None:
        for signum in (*SIGNALS_BEFORE_MOUNT, signal.SIGQUIT):
            signal.signal(signum, self._restore_and_exit)
        self._open_wake_pipe()
        self._style = None  # a shell may have drawn in between (Ctrl+Z, fg)
        super().start_application_mode()  # type: ignore[no-untyped-call]

    def _restore_and_exit(self, signum: int, _frame: FrameType | None) -> None:
        """Put the terminal back and leave at once, as 128 + the signal number.

        Runs in the main thread between two bytecodes; nothing here waits on
        Textual's threads, which would be stuck behind whatever start-up was
        doing.
        """
        fd = self._file.fileno() if self._file is not None else 2
        with contextlib.suppress(termios.error, OSError):
            if self.attrs_before is not None:
                termios.tcsetattr(self.fileno, termios.TCSANOW, self.attrs_before)
        with contextlib.suppress(OSError):
            os.write(fd, RESTORE)
        os._exit(128 + signum)

    def disable_input(self) -> None:
        """The first step of Textual's shutdown; on a terminal that is gone, the last.

        When the window or SSH link closed, the app has already saved the
        reading position (its SIGHUP handler does that before it asks to
        exit), and nothing can be drawn or restored any more. Textual would
        still unmount every widget one by one (1.5-2 s with a card open), so
        the process ends here instead, with the app's exit status.
        """
        if hung_up(self._file.fileno() if self._file is not None else 2):
            from briefing.store.statestore import flush_all

            flush_all(HANGUP_FLUSH_SECONDS)  # the place the SIGHUP handler queued
            os._exit(self._app.return_code or 0)
        super().disable_input()

    @property
    def can_suspend(self) -> bool:
        """Only with job control; otherwise say why Ctrl+Z does nothing.

        Textual asks this only when the app is about to suspend, so the
        notice appears exactly when the user pressed the key.
        """
        if job_control(self.fileno):
            return True
        self._app.notify(
            "Suspend (Ctrl+Z) is not available here: this session has no job control "
            "to resume the reader. Press q to quit.",
            title="Suspend",
            severity="warning",
            markup=False,
        )
        return False

    def _get_terminal_size(self) -> tuple[int, int]:
        width, height = super()._get_terminal_size()
        size = clamp(Size(width, height))
        return size.width, size.height

    def process_message(self, message: Message) -> None:
        if isinstance(message, events.Resize):
            size = clamp(message.size)
            if size != message.size:
                message = events.Resize(size, clamp(message.virtual_size))
        super().process_message(message)
