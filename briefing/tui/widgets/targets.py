"""What the article's cursor can be on, and a place to come back to.

Plain data and one function over the layout's rows: the article widget and
the jump list share them, and the state machine test checks them.
"""

from __future__ import annotations

from dataclasses import dataclass

from briefing.render.layout import Layout
from briefing.render.position import Anchor


@dataclass(frozen=True, slots=True)
class Target:
    """What the cursor is on: a section heading, or a span of a unit (a name or a match)."""

    unit: int
    start: int = 0
    end: int = 0
    entry_id: str | None = None
    heading: int | None = None
    """The section whose heading this is (None: a span, not a heading)."""


@dataclass(frozen=True, slots=True)
class Spot:
    """A place in the article the jump list can return to."""

    anchor: Anchor
    cursor: Target | None


def targets_on_rows(layout: Layout, first: int, last: int) -> list[Target]:
    """Headings, mentions and speakers starting on rows first..last-1, in order."""
    found: list[Target] = []
    rows = layout.rows
    for number in range(max(0, first), min(last, len(rows))):
        row = rows[number]
        if row.unit < 0:
            continue
        unit = layout.units[row.unit]
        if unit.kind == "heading":
            if row.first:
                found.append(Target(row.unit, heading=unit.section))
            continue
        for mention in unit.mentions:
            if row.start <= mention.start < max(row.end, row.start + 1):
                found.append(Target(row.unit, mention.start, mention.end, mention.entry_id))
    return found
