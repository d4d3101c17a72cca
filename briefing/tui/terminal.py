"""Decide how to meet the terminal: the full-screen reader or plain text, and its colours.

Textual assumes a capable terminal on stderr. Here the choice is made
deliberately for each odd case: no terminal or TERM=dumb prints plain text,
colour depth follows what the terminal announces (COLORTERM does not cross
SSH, so BRIEFING_COLOR can force it), and a redirected stderr does not
stop the reader drawing on the terminal.
"""

from __future__ import annotations

import os
import select
import sys
from collections.abc import Iterator, MutableMapping
from contextlib import contextmanager

MAX_COLUMNS = 600
MAX_LINES = 200
"""The largest window drawn, whatever the pty, `stty`, LINES/COLUMNS or a client claim
(a 4K screen at a small font is about 550x130). A claimed 15000x15000 window drove
Textual to several GB for ~45 s; even 1000x500 took seconds per full frame here."""

DUMB_TERMS = ("", "dumb", "unknown")
COLOR_CHOICES = ("auto", "truecolor", "256", "16", "none")
ESCAPE_DELAY_MS = "25"
"""How long a lone Escape waits for the rest of a sequence (Textual's default: 100 ms)."""
ESCAPE_DELAY_RANGE = (10, 1000)
"""ESCDELAY from the environment is kept within this (ms): a huge value meant Escape never fired."""


def reader_unavailable() -> str | None:
    """Why the full-screen reader should not start here, or None when it can."""
    if not sys.stdin.isatty():
        return "standard input is not a terminal"
    if not sys.stdout.isatty():
        return "standard output is not a terminal"
    if os.environ.get("TERM", "") in DUMB_TERMS:
        return "TERM is unset or dumb"
    return None


def color_system(environ: MutableMapping[str, str]) -> str:
    """Textual's colour system for this terminal: truecolor, 256 or standard.

    `BRIEFING_COLOR` (auto, truecolor, 256, 16, none) wins; otherwise
    truecolour only where COLORTERM announces it, 256 colours where TERM
    says so, and the 16 standard colours everywhere else.
    """
    forced = environ.get("BRIEFING_COLOR", "auto").strip().lower()
    if forced in ("truecolor", "24bit"):
        return "truecolor"
    if forced == "256":
        return "256"
    if forced in ("16", "none"):
        return "standard"
    if environ.get("COLORTERM", "").lower() in ("truecolor", "24bit"):
        return "truecolor"
    term = environ.get("TERM", "").lower()
    if "256" in term or term.endswith("-direct"):
        return "256"
    return "standard"


def configure(environ: MutableMapping[str, str] | None = None) -> None:
    """Set Textual's environment before it is imported (its constants read it once)."""
    environ = os.environ if environ is None else environ
    environ.setdefault("TEXTUAL_COLOR_SYSTEM", color_system(environ))
    if environ.get("BRIEFING_COLOR", "").strip().lower() == "none":
        environ.setdefault("NO_COLOR", "1")
    environ["ESCDELAY"] = str(
        _bounded(environ.get("ESCDELAY"), *ESCAPE_DELAY_RANGE, ESCAPE_DELAY_MS)
    )
    # Rich and shutil take the window size from LINES and COLUMNS before asking the pty.
    for name, most in (("COLUMNS", MAX_COLUMNS), ("LINES", MAX_LINES)):
        if name in environ:
            bounded = _bounded(environ[name], 1, most, "")
            if bounded == "" or not environ[name].strip().strip("0"):
                del environ[name]  # not a size: the pty's own size applies
            else:
                environ[name] = str(bounded)
    environ.setdefault("TEXTUAL_ANIMATIONS", "none")
    encoding = (getattr(sys.__stderr__, "encoding", None) or "").lower().replace("_", "-")
    if encoding not in ("utf-8", "utf8") and sys.__stderr__ is not None:
        # A Latin-1 or ASCII terminal: one '?' per character it cannot show keeps
        # every line its width; the default backslash escapes break the layout.
        sys.__stderr__.reconfigure(errors="replace")


def _bounded(value: str | None, low: int, high: int, default: str) -> int | str:
    """A whole number from the environment, clamped; `default` when it is not one."""
    text = (value or "").strip()
    if not text.isascii() or not text.isdigit():
        return default
    if len(text) > len(str(high)):  # also keeps int() away from 5,000-digit strings
        return high
    return max(low, min(int(text), high))


def job_control(fd: int) -> bool:
    """True when a shell with job control would bring the reader back after Ctrl+Z.

    Such a shell puts each job in its own process group, in the shell's
    session, and makes it the terminal's foreground group. Under `sh -c`
    (ForceCommand, tmux, `ssh host briefing`) the reader shares its parent's
    group or leads its own session, so a stopped reader would stay stopped
    for good: nobody there runs `fg`.
    """
    try:
        group = os.getpgrp()
        if os.tcgetpgrp(fd) != group:
            return False
        parent = os.getppid()
        return os.getsid(parent) == os.getsid(0) and os.getpgid(parent) != group
    except OSError:
        return False


def hung_up(fd: int) -> bool:
    """True when the terminal on `fd` is gone (its window or SSH link closed)."""
    try:
        poller = select.poll()
        poller.register(fd, select.POLLOUT)
        ready = poller.poll(0)
    except (OSError, ValueError):
        return True
    gone = select.POLLHUP | select.POLLERR | select.POLLNVAL
    return any(events & gone for _, events in ready)


@contextmanager
def drawing_on_the_terminal() -> Iterator[None]:
    """Let Textual draw on the terminal even when stderr is redirected (`2>log`).

    Textual writes the screen to stderr. When stderr is a file but stdout is
    the terminal, stderr points at the terminal while the reader runs, and
    back at the file afterwards, so messages after exit still reach the log.
    """
    if os.isatty(2) or not os.isatty(1):
        yield
        return
    sys.stderr.flush()
    saved = os.dup(2)
    os.dup2(1, 2)
    try:
        yield
    finally:
        sys.stderr.flush()
        os.dup2(saved, 2)
        os.close(saved)
