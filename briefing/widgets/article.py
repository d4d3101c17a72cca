"""The article pane: every section of the briefing, drawn line by line.

One widget draws the whole article (Textual's line API), so a briefing of
1,000 sections costs no more widgets than one of four, and only rows on
screen are styled. A cursor marks one target at a time, a section heading or
a mention: Enter (or space on a heading) acts on it, the mouse does the same.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from ..document import CLOSED_MARK, OPEN_MARK, Layout, Row
from ..model import Briefing
from ..search import Match
from .changemarks import changes_of, mark_headings
from .paint import paint

MAX_WIDTH = 100
"""Longest line of text: prose wider than this is hard to read."""


@dataclass(frozen=True, slots=True)
class Target:
    """What the cursor is on: a section heading, or a span of a unit (mention or match)."""

    unit: int
    start: int = 0
    end: int = 0
    entry_id: str | None = None
    section: int = -1


class ArticleView(ScrollView, can_focus=True):
    """The briefing's text, with collapsible sections and marked mentions."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j,down", "line(1)", "Down", show=False, tooltip="Scroll down one line"),
        Binding("k,up", "line(-1)", "Up", show=False, tooltip="Scroll up one line"),
        Binding("g,home", "edge(0)", "Top", show=False, tooltip="Go to the top"),
        Binding("G,end", "edge(1)", "Bottom", show=False, tooltip="Go to the bottom"),
        Binding("space", "page_or_toggle", "Page", show=False,
                tooltip="Next page (toggles the section when the cursor is on its title)"),
        Binding("pagedown", "page(1)", "Page down", show=False, tooltip="Next page"),
        Binding("b,pageup", "page(-1)", "Page up", show=False, tooltip="Previous page"),
        Binding("ctrl+d", "half_page(1)", "Half page down", show=False,
                tooltip="Scroll down half a page"),
        Binding("ctrl+u", "half_page(-1)", "Half page up", show=False,
                tooltip="Scroll up half a page"),
        Binding("enter", "activate", "Open", show=False,
                tooltip="Toggle the section, or open the card of the mention, under the cursor"),
    ]  # fmt: skip

    COMPONENT_CLASSES = {
        "article--title",
        "article--meta",
        "article--summary",
        "article--heading",
        "article--lede",
        "article--text",
        "article--quote",
        "article--speaker",
        "article--label",
        "article--credit",
        "article--note",
        "article--point",
        "article--mention",
        "article--mention-selected",
        "article--match",
        "article--cursor",
        "article--changed",
    }

    selected_entry: reactive[str | None] = reactive(None)
    """Mentions of this glossary entry stand out, and `m` steps through them."""

    class MentionChosen(Message):
        """The user opened a mention (Enter or click): show that entry's card."""

        def __init__(self, entry_id: str) -> None:
            super().__init__()
            self.entry_id = entry_id

    class SectionInView(Message):
        """The section at the top of the view changed (-1: above the first)."""

        def __init__(self, section: int) -> None:
            super().__init__()
            self.section = section

    class SectionToggled(Message):
        """A section opened or closed."""

        def __init__(self, section: int, is_open: bool) -> None:
            super().__init__()
            self.section = section
            self.is_open = is_open

    def __init__(
        self, briefing: Briefing, open_sections: set[int] | None = None, **kwargs: object
    ) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.briefing = briefing
        self.layout_rows = Layout(briefing)
        if open_sections is None:
            open_sections = {i for i, s in enumerate(briefing.sections) if not s.collapsed}
        self.open_sections = open_sections
        self.cursor: Target | None = None
        self._matches: list[Match] = []
        self._matches_by_unit: dict[int, list[Match]] = {}
        self.current_match = -1
        self._styles: dict[str, Style] = {}
        self._section_in_view = -2
        self.extra_spans: dict[int, list[tuple[int, int, str]]] = {}
        """Per unit, spans drawn in a component style (the `[changed]` marks)."""

    # Layout ------------------------------------------------------------

    @property
    def text_width(self) -> int:
        width = self.scrollable_content_region.width
        if width <= 0:
            # Not laid out yet: guess from the window (minus a sidebar), so the
            # first keys already have rows to move over; a wrong guess costs
            # one more wrap when the real size arrives.
            window = self.app.size.width
            sidebar = 44 if window >= 140 else 36 if window >= 100 else 28 if window >= 60 else 0
            width = window - sidebar - 1  # and the scrollbar
        return max(10, min(width - 2, MAX_WIDTH))

    @property
    def margin(self) -> int:
        """Columns left of the text: one, or enough to centre a capped column."""
        spare = self.scrollable_content_region.width - 2 - self.text_width
        return 1 + max(0, spare // 2)

    def relayout(self) -> None:
        rows = self.layout_rows.build(self.text_width, self.open_sections)
        self.virtual_size = Size(self.scrollable_content_region.width, len(rows))
        self._report_section()
        self.refresh()

    def on_resize(self, event: events.Resize) -> None:
        self.relayout()

    def on_mount(self) -> None:
        mark_headings(self, changes_of(self))
        self.relayout()

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

    def _segments(self, row: Row) -> list[Segment]:
        if row.unit < 0:
            return []
        unit = self.layout_rows.units[row.unit]
        style = self._style(unit.kind)
        segments = [Segment(" " * self.margin)]
        indent = unit.indent
        if unit.kind == "heading":
            heading_style = style
            if (
                self.cursor is not None
                and self.cursor.unit == row.unit
                and self.cursor.section >= 0
            ):
                heading_style = style + self._style("cursor")
            mark = OPEN_MARK if unit.section in self.open_sections else CLOSED_MARK
            segments.append(Segment(mark if row.first else "  ", heading_style))
            indent = 0
            style = heading_style
        elif indent:
            segments.append(Segment(" " * indent))
        if unit.bullet:
            bullet = unit.bullet if row.first else " " * len(unit.bullet)
            segments.append(Segment(bullet, style))
        segments.extend(self._text_segments(row, style))
        return segments

    def _text_segments(self, row: Row, style: Style) -> list[Segment]:
        unit = self.layout_rows.units[row.unit]
        spans: list[tuple[int, int, Style]] = []
        for mention in unit.mentions:
            if mention.end <= row.start or mention.start >= row.end:
                continue
            name = "mention-selected" if mention.entry_id == self.selected_entry else "mention"
            spans.append((mention.start, mention.end, self._style(name)))
        for match in self.matches_in(row.unit):
            if match.end > row.start and match.start < row.end:
                spans.append((match.start, match.end, self._style("match")))
        for start, end, name in self.extra_spans.get(row.unit, ()):
            spans.append((start, end, self._style(name)))
        cursor = self.cursor
        if cursor is not None and cursor.unit == row.unit and cursor.section < 0:
            spans.append((cursor.start, cursor.end, self._style("cursor")))
        return paint(unit.text, row.start, row.end, style, spans)

    @property
    def matches(self) -> list[Match]:
        """Search matches, in reading order."""
        return self._matches

    @matches.setter
    def matches(self, matches: list[Match]) -> None:
        # Indexed by unit: drawing a row must not walk every match (a one-letter
        # query in a 1,000-section briefing has a hundred thousand of them).
        self._matches = matches
        self._matches_by_unit = {}
        for match in matches:
            self._matches_by_unit.setdefault(match.unit, []).append(match)
        self.refresh()

    def matches_in(self, unit: int) -> list[Match]:
        return self._matches_by_unit.get(unit, [])

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        self._report_section()

    def _report_section(self) -> None:
        section = self.layout_rows.section_at(int(self.scroll_offset.y) + 1)
        if section != self._section_in_view:
            self._section_in_view = section
            self.post_message(self.SectionInView(section))

    def watch_selected_entry(self) -> None:
        self.refresh()

    # Moving ------------------------------------------------------------

    def scroll_to_row(self, row: int, *, center: bool = True) -> None:
        height = self.scrollable_content_region.height
        top = row - height // 3 if center else row
        self.scroll_to(y=max(0, top), animate=False)

    def ensure_visible(self, row: int) -> None:
        top = self.scroll_offset.y
        height = self.scrollable_content_region.height
        if not top <= row < top + height:
            self.scroll_to_row(row)

    def set_open(self, section: int, is_open: bool) -> None:
        if (section in self.open_sections) == is_open:
            return
        if is_open:
            self.open_sections.add(section)
        else:
            self.open_sections.discard(section)
        self.relayout()
        self.post_message(self.SectionToggled(section, is_open))

    def set_all(self, is_open: bool) -> None:
        self.open_sections = set(range(len(self.briefing.sections))) if is_open else set()
        self.relayout()
        self.post_message(self.SectionToggled(-1, is_open))

    def go_to_section(self, section: int) -> None:
        heading = self.layout_rows.headings[section]
        self.cursor = Target(heading, section=section)
        self.scroll_to(y=self.layout_rows.section_rows[section], animate=False)
        self.refresh()

    def go_to_span(self, unit: int, start: int, end: int, entry_id: str | None = None) -> None:
        """Put the cursor on a span, opening its section first if needed."""
        section = self.layout_rows.units[unit].section
        if section >= 0 and section not in self.open_sections:
            self.set_open(section, True)
        self.cursor = Target(unit, start, end, entry_id)
        row = self.layout_rows.row_of(unit, start)
        if row is not None:
            self.ensure_visible(row)
        self.refresh()

    def _visible_section(self) -> int:
        return max(0, self.layout_rows.section_at(self.scroll_offset.y + 1))

    def action_step_section(self, step: int) -> None:
        if not self.briefing.sections:
            return
        if self.cursor is not None and self.cursor.section >= 0:
            current = self.cursor.section
        else:
            current = self.layout_rows.section_at(self.scroll_offset.y)
            if (
                step > 0
                and current >= 0
                and self.scroll_offset.y < self.layout_rows.section_rows[current]
            ):
                current -= 1
        target = min(max(current + step, 0), len(self.briefing.sections) - 1)
        self.go_to_section(target)

    def action_page_or_toggle(self) -> None:
        cursor = self.cursor
        if cursor is not None and cursor.section >= 0:
            heading_row = self.layout_rows.section_rows[cursor.section]
            top = self.scroll_offset.y
            if top <= heading_row < top + self.scrollable_content_region.height:
                self.set_open(cursor.section, cursor.section not in self.open_sections)
                return
        self.action_page(1)

    # Every move is immediate: an animated page writes ~20x the bytes over SSH.

    def _move_to(self, row: float) -> None:
        self.scroll_to(y=max(0.0, min(row, self.max_scroll_y)), animate=False, immediate=True)

    def action_line(self, step: int) -> None:
        self._move_to(self.scroll_offset.y + step)

    def action_page(self, step: int) -> None:
        page = max(1, self.scrollable_content_region.height - 1)
        self._move_to(self.scroll_offset.y + step * page)

    def action_half_page(self, step: int) -> None:
        self._move_to(
            self.scroll_offset.y + step * max(1, self.scrollable_content_region.height // 2)
        )

    def action_edge(self, end: int) -> None:
        self._move_to(self.max_scroll_y if end else 0)

    def action_activate(self) -> None:
        cursor = self.cursor
        if cursor is None:
            self.action_step_section(1)
        elif cursor.section >= 0:
            self.set_open(cursor.section, cursor.section not in self.open_sections)
        elif cursor.entry_id is not None:
            self.post_message(self.MentionChosen(cursor.entry_id))

    def action_step_mention(self, step: int) -> None:
        found = self.mention_targets()
        if not found:
            self.app.bell()
            return
        position = self._cursor_position()
        ordered = found if step > 0 else list(reversed(found))
        for unit, start, end, entry in ordered:
            if (unit, start) > position if step > 0 else (unit, start) < position:
                self.go_to_span(unit, start, end, entry)
                return
        unit, start, end, entry = ordered[0]
        self.go_to_span(unit, start, end, entry)

    def mention_targets(self) -> list[tuple[int, int, int, str]]:
        wanted = self.selected_entry
        return [
            (index, m.start, m.end, m.entry_id)
            for index, unit in enumerate(self.layout_rows.units)
            if unit.kind != "speaker"  # a quote's speaker is a link, not a mention
            for m in unit.mentions
            if wanted is None or m.entry_id == wanted
        ]

    def _cursor_position(self) -> tuple[int, int]:
        if self.cursor is not None:
            return (self.cursor.unit, self.cursor.start)
        row = self.layout_rows.rows[min(self.scroll_offset.y, len(self.layout_rows.rows) - 1)]
        return (row.unit, row.start - 1)

    # Mouse -------------------------------------------------------------

    def on_click(self, event: events.Click) -> None:
        number = self.scroll_offset.y + event.y
        if not 0 <= number < len(self.layout_rows.rows):
            return
        row = self.layout_rows.rows[number]
        if row.unit < 0:
            return
        unit = self.layout_rows.units[row.unit]
        if unit.kind == "heading":
            self.cursor = Target(row.unit, section=unit.section)
            self.set_open(unit.section, unit.section not in self.open_sections)
            return
        column = event.x - self.margin - unit.indent - len(unit.bullet)
        offset = row.start + column
        for mention in unit.mentions:
            if mention.start <= offset < mention.end and row.start <= offset < row.end:
                self.go_to_span(row.unit, mention.start, mention.end, mention.entry_id)
                self.post_message(self.MentionChosen(mention.entry_id))
                return
