"""How far a briefing has been read, in one vocabulary used everywhere.

    unread · n% read · read · updated since read

The share read is how much of the briefing's text has been on screen: the
characters of the units shown to their end (`ReadingState.shown_units`)
among all. A one-screen briefing seen whole is read. State files from
before that was kept fall back to where the saved position sits (its unit
among all units, in reading order; from the last section on, read).
"Updated since read": the state keeps a hash of the briefing as last read
(`ReadingState.seen`, see briefing.tracking.changes); a briefing whose hash
differs now is marked so, whatever the share. Only the small state record is
read, never the remembered text. No Textual here.
"""

from __future__ import annotations

from pathlib import Path

from briefing.format.model import Briefing
from briefing.render.layout import Layout
from briefing.render.position import from_saved
from briefing.store.state import ReadingState, load_state
from briefing.tracking.changes import briefing_hash

UNREAD = "unread"
READ = "read"
UPDATED = "updated since read"


def updated_since_read(briefing: Briefing, state: ReadingState) -> bool:
    """Read before, and its content has changed since."""
    return state.seen is not None and state.seen != briefing_hash(briefing)


def share_read(briefing: Briefing, state: ReadingState) -> float:
    """0 to 1: how much of the text has been on screen."""
    if state.shown_units is not None:
        units = Layout(briefing).units  # units only: nothing is wrapped
        total = sum(len(unit.text) for unit in units)
        if not total:
            return 1.0
        shown: set[int] = set()
        for first, last in state.shown_units:
            shown.update(range(first, min(last, len(units) - 1) + 1))
        return sum(len(units[n].text) for n in shown) / total
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
    if updated_since_read(briefing, state):
        return UPDATED
    share = share_read(briefing, state)
    if share >= 1.0:
        return READ
    return f"{max(1, round(share * 100))}% read"
