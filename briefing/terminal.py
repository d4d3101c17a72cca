"""Decide how to meet the terminal: the full-screen reader or plain text, and its colours.

Textual assumes a capable terminal on stderr. Here the choice is made
deliberately for each odd case: no terminal or TERM=dumb prints plain text,
colour depth follows what the terminal announces (COLORTERM does not cross
SSH, so BRIEFING_COLOR can force it), and a redirected stderr does not
stop the reader drawing on the terminal.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator, MutableMapping
from contextlib import contextmanager

DUMB_TERMS = ("", "dumb", "unknown")
COLOR_CHOICES = ("auto", "truecolor", "256", "16", "none")
ESCAPE_DELAY_MS = "25"
"""How long a lone Escape waits for the rest of a sequence (Textual's default: 100 ms)."""


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
    environ.setdefault("ESCDELAY", ESCAPE_DELAY_MS)
    environ.setdefault("TEXTUAL_ANIMATIONS", "none")
    encoding = (getattr(sys.__stderr__, "encoding", None) or "").lower().replace("_", "-")
    if encoding not in ("utf-8", "utf8") and sys.__stderr__ is not None:
        # A Latin-1 or ASCII terminal: one '?' per character it cannot show keeps
        # every line its width; the default backslash escapes break the layout.
        sys.__stderr__.reconfigure(errors="replace")


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
