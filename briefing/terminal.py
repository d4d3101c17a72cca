"""Decide whether this terminal can show the full-screen reader at all.

Textual draws a broken screen, or truecolour escape codes into a file, where
there is no real terminal; printing the briefing serves those cases better.
"""

from __future__ import annotations

import os
import sys

DUMB_TERMS = ("", "dumb", "unknown")


def reader_unavailable() -> str | None:
    """Why the full-screen reader should not start here, or None when it can."""
    if not sys.stdin.isatty():
        return "standard input is not a terminal"
    if not sys.stdout.isatty():
        return "standard output is not a terminal"
    if os.environ.get("TERM", "") in DUMB_TERMS:
        return "TERM is unset or dumb"
    return None
