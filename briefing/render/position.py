"""The reading position, anchored in the content rather than on a screen row.

The position is the first character of the top text row: a unit of the
article (a heading, a paragraph, a bullet...) and a character offset in it.
Wrapping at another width, opening or closing a section above it, or showing
the sidebar moves rows around; the anchored character stays put, and the
reader scrolls so that its row is the top row again.

Saved, the unit becomes "section id + block" (the block counts units from the
section's heading: 0 is the heading, then the lede and the body's units), so
a saved place survives a new build of the same file and any window size.
No Textual here: the state file and the tests use this directly.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:  # only for hints: state.py imports this, and must not load the layout code
    from briefing.render.layout import Layout

Area = Literal["header", "section", "source"]


@dataclass(frozen=True, slots=True)
class Anchor:
    """Character `offset` of `layout.units[unit]` belongs on the top row.

    `lead` blank rows above it are kept on screen too (the gap before a
    paragraph), so the top row is `row_of(unit, offset) - lead`.
    """

    unit: int = 0
    offset: int = 0
    lead: int = 0


@dataclass(frozen=True, slots=True)
class SavedPosition:
    """An anchor as the state file stores it: independent of unit numbering."""

    area: Area = "header"
    section: str | None = None
    block: int = 0
    offset: int = 0
    lead: int = 0
    """Blank rows kept above the anchored row (the gap before a heading): without it a
    reopened reader would start one row lower than it was left."""


MAX_LEAD = 3
"""`anchor_at_row` looks at most this many rows below the top for text."""


def anchor_at_row(layout: Layout, top: int) -> Anchor:
    """The anchor for a view whose top row is `top`."""
    rows = layout.rows
    for number in range(max(0, top), min(len(rows), top + MAX_LEAD + 1)):
        row = rows[number]
        if row.unit >= 0:
            return Anchor(row.unit, row.start, number - top)
    return Anchor(0, 0, 0) if top <= 0 else anchor_at_row(layout, top - MAX_LEAD - 1)


def anchor_row(layout: Layout, anchor: Anchor) -> int:
    """The row the view's top should be on for this anchor.

    A unit inside a closed section is not laid out: its section's heading
    stands in for it.
    """
    row = layout.row_of(anchor.unit, anchor.offset)
    if row is not None:
        return max(0, row - anchor.lead)
    section = layout.units[anchor.unit].section
    if 0 <= section < len(layout.section_rows):
        return layout.section_rows[section]
    return 0


def to_saved(layout: Layout, anchor: Anchor) -> SavedPosition:
    """The anchor in terms of section ids, for the state file."""
    unit = layout.units[anchor.unit]
    if unit.section >= 0:
        heading = layout.headings[unit.section]
        section_id = layout.briefing.sections[unit.section].id
        return SavedPosition(
            "section", section_id, anchor.unit - heading, anchor.offset, anchor.lead
        )
    first = layout.headings[0] if layout.headings else len(layout.units)
    if anchor.unit < first:
        return SavedPosition("header", None, anchor.unit, anchor.offset, anchor.lead)
    end = layout.bodies[-1][1] if layout.bodies else first
    return SavedPosition("source", None, anchor.unit - end, anchor.offset, anchor.lead)


def from_saved(layout: Layout, saved: SavedPosition) -> Anchor:
    """The anchor for a saved position; out-of-range parts are clamped."""
    units = layout.units
    if saved.area == "section":
        ids = [section.id for section in layout.briefing.sections]
        if saved.section not in ids:
            return Anchor()
        index = ids.index(saved.section)
        start = layout.headings[index]
        end = layout.bodies[index][1]
        unit = min(start + max(0, saved.block), end - 1)
    elif saved.area == "source":
        begin = layout.bodies[-1][1] if layout.bodies else 3
        unit = min(begin + max(0, saved.block), len(units) - 1)
    else:
        first = layout.headings[0] if layout.headings else len(units)
        unit = min(max(0, saved.block), first - 1)
    offset = min(max(0, saved.offset), len(units[unit].text))
    return Anchor(unit, offset, min(max(0, saved.lead), MAX_LEAD))
