"""How far a briefing has been read, in one vocabulary used everywhere.

    unread · n% read · read · updated since read

The share read is where the saved reading position sits in the briefing's
text (its unit among all units, in reading order); from the last section on
it counts as read. "Updated since read" comes from the change tracker:
it registers a check in `UPDATED_CHECKS` (a briefing whose text changed
since the saved read is marked so, whatever the share). No Textual here.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from .document import Layout
from .model import Briefing
from .position import from_saved
from .state import ReadingState, load_state

UNREAD = "unread"
READ = "read"
UPDATED = "updated since read"

UPDATED_CHECKS: list[Callable[[Briefing, ReadingState], bool]] = []
"""Hooks: each says whether a briefing changed since this saved state was read."""


def share_read(briefing: Briefing, state: ReadingState) -> float:
    """0 to 1: how far into the text the saved position is."""
    if state.position is None:
        return 0.0
    layout = Layout(briefing)  # units only: nothing is wrapped
    anchor = from_saved(layout, state.position)
    if layout.headings and anchor.unit >= layout.headings[-1]:
        return 1.0
    return anchor.unit / max(1, len(layout.units) - 1)


def read_mark(briefing: Briefing, state_dir: Path | None = None) -> str:
    """The briefing's mark: unread, n% read, read, or updated since read."""
    state, _warning = load_state(briefing.id, state_dir)
    if state.position is None and not state.scroll_y and state.open_sections is None:
        return UNREAD
    if any(check(briefing, state) for check in UPDATED_CHECKS):
        return UPDATED
    share = share_read(briefing, state)
    if share >= 1.0:
        return READ
    return f"{max(1, round(share * 100))}% read"
