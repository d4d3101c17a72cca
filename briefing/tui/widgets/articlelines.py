"""How the article draws its rows: text, mentions, search matches, the cursor.

`ArticleRenderer` turns one row of a `Layout` into segments from inputs it
is handed (open sections, the cursor, the selected entry, search matches,
section marks, the margin, and a style lookup), so it is tested without a
widget; `ArticleView` owns one and keeps its inputs current. Only rows on
screen are drawn (Textual's line API), and mentions and matches on a row are
found by bisecting: one paragraph may hold 100,000 of either.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable
from collections.abc import Set as AbstractSet

from rich.segment import Segment
from rich.style import Style
from textual.strip import Strip

from briefing.format.cleaning import plain_line
from briefing.render.layout import CLOSED_MARK, OPEN_MARK, Layout, Row
from briefing.render.textsearch import Match
from briefing.tui.widgets.paint import Span, paint
from briefing.tui.widgets.targets import Target

StyleLookup = Callable[[str], Style]
"""A style by name: a unit's kind ("text", "heading"...), or "mention",
"mention-selected", "speaker-link", "match", "cursor", "changed"."""


class ArticleRenderer:
    """Draws rows of the article's `Layout` from explicit inputs.

    The inputs are attributes the owner keeps current; a row is drawn from
    them when asked, so nothing here knows about scrolling or focus.

    Drawn rows are kept by row number until an input they depend on changes:
    scrolling by one row then draws one row, the one scrolled in, and the
    other rows on screen are the strips drawn before (Textual's own caches
    on a `Strip` then serve them too). A new cursor redraws only the rows of
    the units it left and entered; any other input, a new layout (a re-wrap,
    a section toggled), another width or base style redraw every row.
    """

    KEPT_ROWS = 512
    """Drawn rows kept at most (a few screenfuls; then all are dropped)."""

    def __init__(self, layout: Layout, style: StyleLookup) -> None:
        self.layout = layout
        self.style = style
        self._open_sections: AbstractSet[int] = frozenset()
        self._cursor: Target | None = None
        self._selected_entry: str | None = None
        self._margin = 1
        self._section_marks: dict[int, str] = {}
        self._matches: list[Match] = []
        self._matches_by_unit: dict[int, tuple[list[int], list[Match]]] = {}
        self._drawn: dict[int, Strip] = {}
        self._drawn_for: tuple[list[Row], int, Style] | None = None
        """The rows list, width and base style the drawn strips were made for."""

    def forget(self) -> None:
        """Draw every row again when next asked (the style lookup's answers changed)."""
        self._drawn.clear()

    @property
    def open_sections(self) -> AbstractSet[int]:
        """Sections drawn with the open mark (the layout holds their rows)."""
        return self._open_sections

    @open_sections.setter
    def open_sections(self, open_sections: AbstractSet[int]) -> None:
        self._open_sections = open_sections
        self._drawn.clear()

    @property
    def cursor(self) -> Target | None:
        return self._cursor

    @cursor.setter
    def cursor(self, cursor: Target | None) -> None:
        old, self._cursor = self._cursor, cursor
        if old == cursor:
            return
        # Only the rows of the units the cursor left and entered change.
        units = {target.unit for target in (old, cursor) if target is not None}
        rows = self.layout.rows
        for number in [n for n in self._drawn if n < len(rows) and rows[n].unit in units]:
            del self._drawn[number]

    @property
    def selected_entry(self) -> str | None:
        """Mentions of this glossary entry are drawn as selected."""
        return self._selected_entry

    @selected_entry.setter
    def selected_entry(self, entry: str | None) -> None:
        if entry != self._selected_entry:
            self._selected_entry = entry
            self._drawn.clear()

    @property
    def margin(self) -> int:
        """Columns left of the text."""
        return self._margin

    @margin.setter
    def margin(self, margin: int) -> None:
        if margin != self._margin:
            self._margin = margin
            self._drawn.clear()

    @property
    def section_marks(self) -> dict[int, str]:
        """A short mark drawn after a section's title (the change tracker's `[changed]`)."""
        return self._section_marks

    @section_marks.setter
    def section_marks(self, marks: dict[int, str]) -> None:
        # Plain text on one line: a mark may come from a file's contents.
        self._section_marks = {index: plain_line(mark) for index, mark in marks.items()}
        self._drawn.clear()

    @property
    def matches(self) -> list[Match]:
        """Search matches, in reading order."""
        return self._matches

    @matches.setter
    def matches(self, matches: list[Match]) -> None:
        # Indexed by unit, with starts for bisecting: drawing a row must not
        # walk every match (a one-letter query finds a hundred thousand).
        self._matches = matches
        by_unit: dict[int, tuple[list[int], list[Match]]] = {}
        for match in matches:
            starts, found = by_unit.setdefault(match.unit, ([], []))
            starts.append(match.start)
            found.append(match)
        self._matches_by_unit = by_unit
        self._drawn.clear()

    # Rows --------------------------------------------------------------

    def strip(self, number: int, width: int, base: Style) -> Strip:
        """Row `number` of the layout as a strip of exactly `width` cells on `base`."""
        rows = self.layout.rows
        if not 0 <= number < len(rows):
            return Strip.blank(width, base)
        drawn_for = self._drawn_for
        if (
            drawn_for is None
            or drawn_for[0] is not rows
            or drawn_for[1] != width
            or drawn_for[2] != base
            or len(self._drawn) >= self.KEPT_ROWS
        ):
            self._drawn.clear()
            self._drawn_for = (rows, width, base)
        strip = self._drawn.get(number)
        if strip is None:
            strip = Strip(self.segments(rows[number]), None)
            strip = strip.extend_cell_length(width, base).crop(0, width).apply_style(base)
            self._drawn[number] = strip
        return strip

    def segments(self, row: Row) -> list[Segment]:
        """The row's segments, from the margin to the end of its text (or mark)."""
        if row.unit < 0:
            return []
        unit = self.layout.units[row.unit]
        style = self.style(unit.kind)
        segments = [Segment(" " * self.margin)]
        indent = unit.indent
        if unit.kind == "heading":
            if self.cursor is not None and self.cursor.unit == row.unit:
                style = style + self.style("cursor")
            mark = OPEN_MARK if unit.section in self.open_sections else CLOSED_MARK
            segments.append(Segment(mark if row.first else "  ", style))
            indent = 0
        elif indent:
            segments.append(Segment(" " * indent))
        if unit.bullet:
            bullet = unit.bullet if row.first else " " * len(unit.bullet)
            segments.append(Segment(bullet, style))
        segments.extend(paint(unit.text, row.start, row.end, style, self.spans(row)))
        if unit.kind == "heading" and row.end == len(unit.text):
            change = self._section_marks.get(unit.section)
            if change:
                segments.append(Segment(f"  {change}", self.style("changed")))
        return segments

    def spans(self, row: Row) -> list[Span]:
        """Styled spans over the row's text: mentions, then matches, then the cursor."""
        unit = self.layout.units[row.unit]
        spans: list[Span] = []
        mentions = unit.mentions
        # Mentions and matches are found by bisecting, and only those on the
        # row are visited (indexes, not a slice: a slice copies the rest of a
        # unit's mentions, and one paragraph may hold 100,000 of them).
        # Mentions never overlap, so their ends rise with their starts.
        if unit.kind == "speaker":
            mention_style = selected_style = self.style("speaker-link")
        else:
            mention_style = self.style("mention")
            selected_style = self.style("mention-selected")
        selected = self.selected_entry
        index = bisect_left(mentions, row.start + 1, key=lambda m: m.end)
        while index < len(mentions):
            mention = mentions[index]
            if mention.start >= row.end:
                break
            index += 1
            chosen = selected_style if mention.entry_id == selected else mention_style
            spans.append((mention.start, mention.end, chosen))
        starts, matches = self._matches_by_unit.get(row.unit, ((), ()))
        begin = max(0, bisect_right(starts, row.start) - 1)
        for match in matches[begin : bisect_left(starts, row.end)]:
            if match.end > row.start:
                spans.append((match.start, match.end, self.style("match")))
        cursor = self.cursor
        if cursor is not None and cursor.unit == row.unit and cursor.heading is None:
            spans.append((cursor.start, cursor.end, self.style("cursor")))
        return spans

    def cursor_cell(self, top: int) -> tuple[int, int]:
        """(row, column) in content coordinates where the terminal's cursor goes.

        On the cursor target's first character, or the start of the top row
        when there is no cursor (or its unit is not laid out); the column
        counts from the start of the text, after the margin.
        """
        layout = self.layout
        cursor = self.cursor
        if cursor is not None:
            found = layout.row_of(cursor.unit, cursor.start)
            if found is not None:
                unit = layout.units[cursor.unit]
                prefix = 0 if cursor.heading is not None else unit.indent + len(unit.bullet)
                return found, prefix + max(0, cursor.start - layout.rows[found].start)
        return top, 0
