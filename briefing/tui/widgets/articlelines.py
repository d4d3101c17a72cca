"""How the article draws its rows: text, mentions, search matches, the cursor.

Only rows on screen are drawn (Textual's line API), and mentions and matches
on a row are found by bisecting: one paragraph may hold 100,000 of either.
After each frame the terminal's own cursor is put on the reader's cursor, so
braille displays and magnifiers follow the reading place; it stays hidden
(shown, it would blink or cost bytes while idle).

A mixin of `ArticleView` (the state it draws lives there), kept apart so
each module stays small.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right

from rich.segment import Segment
from rich.style import Style
from textual.geometry import Offset, Region
from textual.scroll_view import ScrollView
from textual.strip import Strip

from briefing.format.cleaning import plain_line
from briefing.render.layout import CLOSED_MARK, OPEN_MARK, Layout, Row
from briefing.render.textsearch import Match
from briefing.tui.sizes import MAX_WIDTH, sidebar_width
from briefing.tui.widgets.paint import paint
from briefing.tui.widgets.targets import Target


class ArticleDrawing(ScrollView):
    """Row drawing for the article view (see `ArticleView`)."""

    layout_rows: Layout
    open_sections: frozenset[int]
    cursor: Target | None
    selected_entry: str | None

    def init_drawing(self) -> None:
        self._matches: list[Match] = []
        self._matches_by_unit: dict[int, tuple[list[int], list[Match]]] = {}
        self._styles: dict[str, Style] = {}
        self.section_marks: dict[int, str] = {}
        """A short mark drawn after a section's title (the change tracker's `[changed]`)."""

    @property
    def text_width(self) -> int:
        """Columns of text per row: the pane's, capped at `MAX_WIDTH`."""
        width = self.scrollable_content_region.width
        if width <= 0:
            # Not laid out yet: guess from the window (minus a sidebar), so the
            # first keys already have rows to move over; a wrong guess costs
            # one more wrap when the real size arrives.
            window = self.app.size.width
            width = window - sidebar_width(window) - 1  # and the scrollbar
        return max(10, min(width - 2, MAX_WIDTH))

    @property
    def margin(self) -> int:
        """Columns left of the text: one, or enough to centre a capped column."""
        spare = self.scrollable_content_region.width - 2 - self.text_width
        return 1 + max(0, spare // 2)

    @property
    def top(self) -> int:
        return int(self.scroll_offset.y)

    def set_section_marks(self, marks: dict[int, str]) -> None:
        """Marks per section index, shown after each title (plain text, one line)."""
        self.section_marks = {index: plain_line(mark) for index, mark in marks.items()}
        self.refresh()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._styles.clear()

    def _style(self, name: str) -> Style:
        style = self._styles.get(name)
        if style is None:
            style = self.get_component_rich_style(f"article--{name}", partial=True)
            self._styles[name] = style
        return style

    # Drawing -----------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        number = self.scroll_offset.y + y
        rows = self.layout_rows.rows
        width = self.scrollable_content_region.width
        base = self.rich_style
        if number >= len(rows):
            return Strip.blank(width, base)
        strip = Strip(self._segments(rows[number]), None)
        return strip.extend_cell_length(width, base).crop(0, width).apply_style(base)

    def render_lines(self, crop: Region) -> list[Strip]:
        lines = super().render_lines(crop)
        if self.has_focus:
            self._place_terminal_cursor()
        return lines

    def _place_terminal_cursor(self) -> None:
        """Put the terminal's cursor on the cursor target (or the top row), so
        braille displays and magnifiers follow the reader's place."""
        region = self.scrollable_content_region
        row, column = self.top, 0
        cursor = self.cursor
        if cursor is not None:
            found = self.layout_rows.row_of(cursor.unit, cursor.start)
            if found is not None:
                row = found
                unit = self.layout_rows.units[cursor.unit]
                prefix = 0 if cursor.heading is not None else unit.indent + len(unit.bullet)
                column = prefix + max(0, cursor.start - self.layout_rows.rows[row].start)
        x = region.x + min(self.margin + column, max(0, region.width - 1))
        self.app.cursor_position = Offset(x, region.y + max(0, row - self.top))

    def _segments(self, row: Row) -> list[Segment]:
        if row.unit < 0:
            return []
        unit = self.layout_rows.units[row.unit]
        style = self._style(unit.kind)
        segments = [Segment(" " * self.margin)]
        indent = unit.indent
        if unit.kind == "heading":
            if self.cursor is not None and self.cursor.unit == row.unit:
                style = style + self._style("cursor")
            mark = OPEN_MARK if unit.section in self.open_sections else CLOSED_MARK
            segments.append(Segment(mark if row.first else "  ", style))
            indent = 0
        elif indent:
            segments.append(Segment(" " * indent))
        if unit.bullet:
            bullet = unit.bullet if row.first else " " * len(unit.bullet)
            segments.append(Segment(bullet, style))
        segments.extend(self._text_segments(row, style))
        if unit.kind == "heading" and row.end == len(unit.text):
            change = self.section_marks.get(unit.section)
            if change:
                segments.append(Segment(f"  {change}", self._style("changed")))
        return segments

    def _text_segments(self, row: Row, style: Style) -> list[Segment]:
        unit = self.layout_rows.units[row.unit]
        spans: list[tuple[int, int, Style]] = []
        mentions = unit.mentions
        # Mentions and matches are found by bisecting, never by walking a
        # unit's all: one paragraph may hold 100,000 of them.
        first = bisect_left(mentions, row.start, key=lambda m: m.end) if len(mentions) > 8 else 0
        for mention in mentions[first:]:
            if mention.start >= row.end:
                break
            if mention.end <= row.start:
                continue
            if unit.kind == "speaker":
                name = "speaker-link"
            elif mention.entry_id == self.selected_entry:
                name = "mention-selected"
            else:
                name = "mention"
            spans.append((mention.start, mention.end, self._style(name)))
        starts, matches = self._matches_by_unit.get(row.unit, ((), ()))
        begin = max(0, bisect_right(starts, row.start) - 1)
        for match in matches[begin : bisect_left(starts, row.end)]:
            if match.end > row.start:
                spans.append((match.start, match.end, self._style("match")))
        cursor = self.cursor
        if cursor is not None and cursor.unit == row.unit and cursor.heading is None:
            spans.append((cursor.start, cursor.end, self._style("cursor")))
        return paint(unit.text, row.start, row.end, style, spans)

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
        self.refresh()
