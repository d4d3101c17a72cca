"""Every size and breakpoint of the reader's layout, in one table.

The reader screen sets its breakpoint class from here on every resize and
takes its sidebar widths as CSS made from this table (`sidebar_css`); the
article guesses its text width before the first layout from
`sidebar_width`. The stylesheet holds no widths.
No Textual here.
"""

from __future__ import annotations

TINY = 40
"""Below this many columns the footer gives way to a one-line hint in the top bar."""
NARROW = 60
"""Below this many columns the sidebar folds away and opens over the article."""
WIDE = 100
"""From this many columns the sidebar has its normal width (narrower below)."""
WIDER = 140
"""From this many columns the sidebar is wider."""

MAX_WIDTH = 100
"""Longest line of article text: prose wider than this is hard to read."""

SIDEBAR_WIDTHS = {"-medium": 28, "": 36, "-wide": 44}
"""The sidebar's width per breakpoint class."""


def breakpoint_class(width: int) -> str:
    """The screen class for a window this wide ("" for the normal width)."""
    if width < NARROW:
        return "-narrow"
    if width < WIDE:
        return "-medium"
    if width >= WIDER:
        return "-wide"
    return ""


def sidebar_width(window: int) -> int:
    """Columns the sidebar takes beside the article (0: it folds away)."""
    return SIDEBAR_WIDTHS.get(breakpoint_class(window), 0)


def sidebar_css() -> str:
    """The sidebar's width rules, per breakpoint class, for the reader screen's CSS."""
    rules = [
        f"ReaderScreen{'.' + name if name else ''} #sidebar {{ width: {width}; }}"
        for name, width in SIDEBAR_WIDTHS.items()
    ]
    rules.append("ReaderScreen.-narrow #sidebar { width: 90%; }")
    return "\n".join(rules)
