"""The article pane: every section of the briefing, drawn line by line.

One widget draws the whole article (Textual's line API), so a briefing of
1,000 sections costs no more widgets than one of four, and only rows on
screen are styled. Two things are kept here, and never a screen row:

- the reading position, an `Anchor` in the content (`reading_anchor`; see
  `briefing.render.position`; `Widget.anchor` is something else):
  every re-wrap (resize, sidebar, a section toggled above) scrolls so its row
  is the top row again, and every scroll by the user moves it;
- the cursor, one `Target` (a heading, a mention, a quote's speaker) that
  Enter acts on. It is always on screen: a scroll that would push it off
  moves it to the first target on screen (scrolling down), the last
  (scrolling up), or to none, where Enter does nothing.

`cursor` and `open_sections` are reactives: the widget moves them itself
(keys, clicks, scrolling) and the screen watches them; `selected_entry` and
`changes` come down from the screen by `data_bind`. Rows are drawn by an
`ArticleRenderer` (`articlelines`) the widget owns and hands what it draws.

After each frame the terminal's own cursor is put on the reader's cursor, so
braille displays and magnifiers follow the reading place; it stays hidden
(shown, it would blink or cost bytes while idle).
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from typing import ClassVar

from rich.style import Style
from textual import events
from textual.binding import BindingType
from textual.geometry import Offset, Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.style import Style as VisualStyle

from briefing.format.model import Briefing
from briefing.render.layout import Layout
from briefing.render.position import Anchor, anchor_at_row, anchor_row
from briefing.render.textsearch import Match
from briefing.tracking.changes import Changes
from briefing.tui.bindings import ARTICLE_KEYS, PANE_KEYS
from briefing.tui.messages import EntryChosen
from briefing.tui.sizes import MAX_WIDTH, sidebar_width
from briefing.tui.widgets.articlelines import ArticleRenderer
from briefing.tui.widgets.changemarks import heading_marks
from briefing.tui.widgets.focusfix import KeepFocusOnStaleHide, RepaintFocusLines
from briefing.tui.widgets.targets import Spot, Target, targets_on_rows


class ArticleView(KeepFocusOnStaleHide, RepaintFocusLines, ScrollView, can_focus=True):
    """The briefing's text, with collapsible sections and marked mentions."""

    BINDINGS: ClassVar[list[BindingType]] = [*ARTICLE_KEYS, *PANE_KEYS]

    # The text area's size must change only with the widget's (a Resize, which
    # re-wraps): a scrollbar coming or going without one left `_laid_out_for`
    # stale, and the reading anchor then stopped following the view.
    DEFAULT_CSS = """
    ArticleView {
        overflow-x: hidden;
        scrollbar-gutter: stable;
    }
    """

    COMPONENT_CLASSES = {
        "article--title",
        "article--meta",
        "article--summary",
        "article--heading",
        "article--lede",
        "article--text",
        "article--quote",
        "article--speaker",
        "article--speaker-link",
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
    changes: reactive[Changes | None] = reactive(None)
    """What changed since last read: `[changed]`/`[new]` after the marked titles."""
    cursor: reactive[Target | None] = reactive(None, repaint=False)
    """What Enter acts on (None: nothing; the top row shows focus).

    A new cursor repaints only the rows it left and entered (`watch_cursor`)."""
    open_sections: reactive[frozenset[int]] = reactive(frozenset(), repaint=False)
    """Indexes of the open sections; a change wraps the rows again."""

    class SectionInView(Message):
        """The section at the top of the view changed (None: above the first)."""

        def __init__(self, section: int | None) -> None:
            super().__init__()
            self.section = section

    class SectionToggled(Message):
        """A section opened or closed (None: every section at once)."""

        def __init__(self, section: int | None, is_open: bool) -> None:
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
        self.set_reactive(ArticleView.open_sections, frozenset(open_sections))
        self._styles: dict[str, Style] = {}
        self._frame = (0, Style())
        """The width and base style of the frame being drawn (see `render_lines`)."""
        self.renderer = ArticleRenderer(self.layout_rows, self._style)
        """Draws the rows; its inputs follow this widget's state (the watchers below)."""
        self.renderer.open_sections = self.open_sections
        self.reading_anchor = Anchor()
        """The reading position: its row is the top row (see `briefing.render.position`)."""
        self._section_in_view: int | None = None
        self._section_reported = False
        self._laid_out_for = Size(0, 0)
        self._placing = False
        self.shown_units: set[int] = set()
        """Units whose text has been on screen to its end (the library's "% read")."""

    # Layout ------------------------------------------------------------

    @property
    def page_height(self) -> int:
        return max(1, self.scrollable_content_region.height)

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

    def relayout(self) -> None:
        """Wrap again, then put the anchored character back on the top row."""
        rows = self.layout_rows.build(self.text_width, self.open_sections)
        self.renderer.margin = self.margin
        self._set_scroll_height(len(rows))
        self._laid_out_for = self.scrollable_content_region.size
        self._place_anchor()
        self._report_section()
        self.refresh()

    def _set_scroll_height(self, rows: int) -> None:
        """Set the scrollable size, laying out the screen only when the bar comes or goes.

        `virtual_size` is a layout reactive: setting it lays out and redraws
        the whole screen (~10 ms and a second frame per toggled section),
        though the pane keeps its place and size. When the scrollbar stays
        (or stays away), the bar's own length is all that changes.
        """
        size = Size(self.scrollable_content_region.width, rows)
        if size == self.virtual_size:
            return
        overflows = rows > self.scrollable_content_region.height
        # The bar shown now was decided by the last layout from the height then.
        steady = (
            self.is_mounted
            and self.virtual_size.width == size.width
            and self.styles.overflow_y == "auto"
            and self.show_vertical_scrollbar == overflows
        )
        if not steady:
            self.virtual_size = size
            return
        self.set_reactive(ArticleView.virtual_size, size)
        if overflows:
            self.vertical_scrollbar.window_virtual_size = rows  # repaints the bar

    def _place_anchor(self) -> None:
        self._placing = True
        try:
            row = anchor_row(self.layout_rows, self.reading_anchor)
            # Forced: when the text has just outgrown the pane, the scrollbar
            # (and with it Textual's leave to scroll) comes only with the next
            # layout, and the scroll would be refused. `max_scroll_y` follows
            # the new `virtual_size` already, so the row is still clamped.
            self.scroll_to(y=row, animate=False, immediate=True, force=True)
        finally:
            self._placing = False
        self._keep_cursor_visible(1)
        self._note_shown()

    def _note_shown(self) -> None:
        """Count the units whose last row is on screen now as shown."""
        rows = self.layout_rows.rows
        top = self.top
        end = min(len(rows), top + self.page_height)
        for number in range(max(0, top), end):
            unit = rows[number].unit
            if unit >= 0 and (number + 1 == len(rows) or rows[number + 1].unit != unit):
                self.shown_units.add(unit)

    def set_anchor(self, anchor: Anchor) -> None:
        """Read from here (a restored or remembered position)."""
        self.reading_anchor = anchor
        self._place_anchor()
        self._report_section()  # the top bar names the section reopened in

    def anchored_top(self) -> int:
        """Where the top row should be for the anchor (clamped to the scroll range)."""
        return min(anchor_row(self.layout_rows, self.reading_anchor), int(self.max_scroll_y))

    def on_resize(self, event: events.Resize) -> None:
        self.relayout()

    def on_mount(self) -> None:
        self.relayout()

    def watch_changes(self, changes: Changes | None) -> None:
        self.set_section_marks(heading_marks(self.briefing, changes))

    def watch_open_sections(self, open_sections: frozenset[int]) -> None:
        self.renderer.open_sections = open_sections
        if self.is_mounted:
            self.relayout()

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        if self._placing or self.scrollable_content_region.size != self._laid_out_for:
            return  # our own re-anchoring, or Textual clamping before a re-wrap
        self.reading_anchor = anchor_at_row(self.layout_rows, int(new_value))
        self._keep_cursor_visible(1 if new_value >= old_value else -1)
        self._note_shown()
        self._report_section()

    def section_in_view(self) -> int | None:
        """The section of the reading place (None: the title and summary above the first).

        That is the anchor's, not the top row's: a jump to a section near the end
        cannot scroll it to the top, and the section jumped to is still the place.
        """
        if not self.layout_rows.rows:
            return None
        row = anchor_row(self.layout_rows, self.reading_anchor)
        section = self.layout_rows.section_at(row + 1)
        return None if section < 0 else section

    def _report_section(self) -> None:
        section = self.section_in_view()
        if section != self._section_in_view or not self._section_reported:
            self._section_in_view, self._section_reported = section, True
            self.post_message(self.SectionInView(section))

    def watch_selected_entry(self, entry: str | None) -> None:
        self.renderer.selected_entry = entry
        self.refresh()

    # Drawing -----------------------------------------------------------

    @property
    def section_marks(self) -> dict[int, str]:
        """A short mark drawn after a section's title (the change tracker's `[changed]`)."""
        return self.renderer.section_marks

    def set_section_marks(self, marks: dict[int, str]) -> None:
        """Marks per section index, shown after each title (plain text, one line)."""
        self.renderer.section_marks = marks
        self.refresh()

    @property
    def matches(self) -> list[Match]:
        """Search matches, in reading order."""
        return self.renderer.matches

    @matches.setter
    def matches(self, matches: list[Match]) -> None:
        self.renderer.matches = matches
        self.refresh()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._styles.clear()
        self.renderer.forget()

    def _style(self, name: str) -> Style:
        style = self._styles.get(name)
        if style is None:
            style = self.get_component_rich_style(f"article--{name}", partial=True)
            self._styles[name] = style
        return style

    def render_line(self, y: int) -> Strip:
        width, base = self._frame
        return self.renderer.strip(self.top + y, width, base)

    def render_lines(self, crop: Region) -> list[Strip]:
        # Once per frame, not per row: `rich_style` walks the ancestors.
        self._frame = (self.scrollable_content_region.width, self.rich_style)
        self.renderer.margin = self.margin
        lines = self._kept_lines(crop) if self._plain_box() else super().render_lines(crop)
        if self.has_focus:
            self._place_terminal_cursor()
        return lines

    def _plain_box(self) -> bool:
        """Whether Textual's styling of a row would only pad it to the widget's width.

        True for the stylesheet's article (no border, outline, padding, tint,
        opacity or hatch); a theme or stylesheet that adds one gets Textual's
        own path.
        """
        styles = self.styles
        return (
            not any(edge for edge, _color in styles.border)
            and not any(edge for edge, _color in styles.outline)
            and not any(styles.padding)
            and not styles.tint.a
            and styles.opacity == 1.0
            and styles.text_opacity == 1.0
            and not styles.has_rule("hatch")
            and self.border_title is None
            and self.border_subtitle is None
        )

    def _kept_lines(self, crop: Region) -> list[Strip]:
        """The rows as Textual's styling would give them, but the same strips each frame.

        Textual styles every row of a widget into a new strip at each
        repaint, so after a one-row scroll each row on screen was filtered,
        cut and turned into escape codes again though only one had changed.
        The renderer keeps its strips by row number, and the padding and
        filters here are cached on each strip by Textual itself, so a row
        drawn before comes back as the very strip the compositor already
        cut and encoded.
        """
        width, base = self._frame
        full = self.size.width
        base_background, background = self.background_colors
        pad = VisualStyle(background=base_background + background).rich_style
        filters = self.get_line_filters()
        top, strip_for = self.top, self.renderer.strip
        lines = []
        for y in crop.line_range:
            line = strip_for(top + y, width, base).adjust_cell_length(full, pad)
            for line_filter in filters:
                line = line.apply_filter(line_filter, background)
            lines.append(line)
        if crop.column_span != (0, full):
            start, end = crop.column_span
            lines = [line.crop(start, end) for line in lines]
        return lines

    def _place_terminal_cursor(self) -> None:
        """Put the terminal's cursor on the cursor target (or the top row), so
        braille displays and magnifiers follow the reader's place."""
        region = self.scrollable_content_region
        row, column = self.renderer.cursor_cell(self.top)
        x = region.x + min(self.margin + column, max(0, region.width - 1))
        self.app.cursor_position = Offset(x, region.y + max(0, row - self.top))

    # The cursor --------------------------------------------------------

    def cursor_row(self) -> int | None:
        if self.cursor is None:
            return None
        return self.layout_rows.row_of(self.cursor.unit, self.cursor.start)

    def focus_lines(self) -> tuple[int, int]:
        """The cursor's rows show focus (a heading or a name may wrap); with no
        cursor, the top row, where the terminal's cursor goes."""
        return self._target_lines(self.cursor) or (self.top, 1)

    def _target_lines(self, target: Target | None) -> tuple[int, int] | None:
        """(first row, count) a target is drawn on (None: none, or not laid out)."""
        if target is None:
            return None
        layout = self.layout_rows
        first = layout.row_of(target.unit, target.start)
        if first is None:
            return None
        heading = target.heading is not None
        end = len(layout.units[target.unit].text) if heading else target.end
        last = layout.row_of(target.unit, max(target.start, end - 1))
        return first, (first if last is None else max(first, last)) - first + 1

    def set_cursor(self, target: Target | None) -> None:
        self.cursor = target

    def watch_cursor(self, old: Target | None, new: Target | None) -> None:
        """Repaint the rows the cursor left and entered, not the pane.

        A scroll repaints every row anyway; a cursor moved in place (a click,
        the next mention on screen) sends two rows, not a screenful.
        """
        self.renderer.cursor = new
        top, bottom = self.top, self.top + self.page_height
        shown = False
        for lines in (self._target_lines(old), self._target_lines(new)):
            if lines is not None:
                first, count = lines
                self.refresh_lines(first, count)
                shown = shown or (first < bottom and first + count > top)
        if not shown:
            # Neither on screen: the top row, so the terminal's cursor (see
            # `_place_terminal_cursor`) still moves to where focus now is.
            self.refresh_lines(top, 1)

    def _keep_cursor_visible(self, direction: int) -> None:
        row = self.cursor_row()
        top, height = self.top, self.page_height
        if self.cursor is None or row is not None and top <= row < top + height:
            return
        found = targets_on_rows(self.layout_rows, top, top + height)
        self.cursor = (found[0] if direction > 0 else found[-1]) if found else None

    def spot(self) -> Spot:
        """Where the reader is, for the jump list."""
        return Spot(self.reading_anchor, self.cursor)

    def go_to_spot(self, spot: Spot) -> None:
        self.cursor = spot.cursor
        unit = spot.anchor.unit
        section = self.layout_rows.units[unit].section
        if (
            section >= 0
            and section not in self.open_sections
            and unit != self.layout_rows.headings[section]
        ):
            self.set_open(section, True)
        self.set_anchor(spot.anchor)

    # Moving ------------------------------------------------------------

    def _move_to(self, row: float) -> None:
        # Every move is immediate: an animated page writes ~20x the bytes over SSH.
        self.scroll_to(y=max(0.0, min(row, self.max_scroll_y)), animate=False, immediate=True)

    def _jump_to(self, row: int) -> None:
        """Make `row` the reading place, and scroll it as near the top as the view allows.

        Near the end of a short article the view cannot put the row on top; the
        place is still the row jumped to (the top bar names its section, a wider
        or taller window and a reopen show it), not whatever the top row is.
        """
        self.reading_anchor = anchor_at_row(self.layout_rows, max(0, row))
        self._place_anchor()
        self._report_section()

    def scroll_to_row(self, row: int, *, center: bool = True) -> None:
        self._jump_to(row - self.page_height // 3 if center else row)

    def ensure_visible(self, row: int) -> None:
        if not self.top <= row < self.top + self.page_height:
            self.scroll_to_row(row)

    def set_open(self, section: int, is_open: bool) -> None:
        if (section in self.open_sections) == is_open:
            return
        if is_open:
            self.open_sections = self.open_sections | {section}
        else:
            self.open_sections = self.open_sections - {section}
        self.post_message(self.SectionToggled(section, is_open))

    def set_all(self, is_open: bool) -> None:
        every = frozenset(range(len(self.briefing.sections)))
        self.open_sections = every if is_open else frozenset()
        self.post_message(self.SectionToggled(None, is_open))

    def current_section(self) -> int | None:
        """The section whose heading has the cursor, else the reading place's
        (None: the title and summary, above the first section)."""
        cursor = self.cursor
        if cursor is not None and cursor.heading is not None:
            return cursor.heading
        return self.section_in_view()

    def go_to_section(self, section: int) -> None:
        heading = self.layout_rows.headings[section]
        self.cursor = Target(heading, heading=section)
        self._jump_to(self.layout_rows.section_rows[section])

    def go_to_span(self, unit: int, start: int, end: int, entry_id: str | None = None) -> None:
        """Put the cursor on a span, opening its section first if needed."""
        section = self.layout_rows.units[unit].section
        if section >= 0 and section not in self.open_sections:
            self.set_open(section, True)
        row = self.layout_rows.row_of(unit, start)
        if row is None and section >= 0:
            # A section's lede shows only while it is closed: a match in it has no
            # row once the section is open, so the cursor goes to the heading.
            self.go_to_section(section)
            return
        self.cursor = Target(unit, start, end, entry_id)
        if row is not None:
            self.ensure_visible(row)

    def position(self) -> tuple[int, int]:
        """The cursor's place in reading order, or just before the top row's text."""
        if self.cursor is not None:
            return (self.cursor.unit, self.cursor.start)
        anchor = self.reading_anchor
        return (anchor.unit, anchor.offset - 1)

    def action_step_section(self, step: int) -> None:
        headings = self.layout_rows.headings
        if not headings:
            return
        unit, start = self.position()
        if step > 0:
            index = bisect_right(headings, unit - (start < 0))
        else:
            index = bisect_left(headings, unit + (start > 0)) - 1
        if not 0 <= index < len(headings):
            self.app.bell()
            self.notify(f"No {'next' if step > 0 else 'previous'} section.", timeout=2)
            return
        self.go_to_section(index)

    def _cursor_into_view(self) -> bool:
        """With no cursor, put it on the first item in view (False: none there).

        The first `j`, `k` or Enter then shows what Enter would act on, instead
        of acting on nothing; Home clears the cursor again, so `]` from the top
        still counts from the top."""
        if self.cursor is not None:
            return False
        top = self.top
        found = targets_on_rows(self.layout_rows, top, top + self.page_height)
        if found:
            self.cursor = found[0]
        return bool(found)

    def action_line(self, step: int) -> None:
        self._move_to(self.scroll_offset.y + step)
        self._cursor_into_view()

    def action_page(self, step: int) -> None:
        self._move_to(self.scroll_offset.y + step * max(1, self.page_height - 1))

    def action_half_page(self, step: int) -> None:
        self._move_to(self.scroll_offset.y + step * max(1, self.page_height // 2))

    def action_edge(self, end: int) -> None:
        self._move_to(self.max_scroll_y if end else 0)
        if not end:
            self.set_cursor(None)  # Home, then `]`: section 1

    def action_view_item(self, which: int) -> None:
        """`H`/`L`: the cursor to the first (0) or last (-1) item on screen; a bell if none."""
        top = self.top
        found = targets_on_rows(self.layout_rows, top, top + self.page_height)
        if not found:
            self.app.bell()
            return
        self.cursor = found[which]

    def action_recentre(self) -> None:
        """`z`: the cursor's first row (with no cursor, the top row) to the middle."""
        row = self.cursor_row()
        if row is None:
            row = self.top
        self._move_to(row - (self.page_height - 1) // 2)

    def action_activate(self) -> None:
        if self._cursor_into_view():
            return  # shown first, acted on at the next Enter
        cursor = self.cursor
        if cursor is None:
            return  # nothing in view to act on
        if cursor.heading is not None:
            self.set_open(cursor.heading, cursor.heading not in self.open_sections)
        elif cursor.entry_id is not None:
            self.post_message(EntryChosen(cursor.entry_id))

    def step_mention(self, step: int) -> bool | None:
        """Go to the next (or previous) mention: None when there is none, else
        whether it went round past the last (or first)."""
        found = self.layout_rows.targets_of(self.selected_entry)
        if not found:
            return None
        unit, start = self.position()
        if step > 0:
            index = bisect_right(found, (unit, start, 1 << 62))
            wrapped = index >= len(found)
        else:
            index = bisect_left(found, (unit, start)) - 1
            wrapped = index < 0
        unit, start, end, entry = found[index % len(found)]
        self.go_to_span(unit, start, end, entry)
        return wrapped

    # Mouse -------------------------------------------------------------

    def on_click(self, event: events.Click) -> None:
        number = self.top + event.y
        if not 0 <= number < len(self.layout_rows.rows):
            return
        row = self.layout_rows.rows[number]
        if row.unit < 0:
            return
        unit = self.layout_rows.units[row.unit]
        if unit.kind == "heading":
            self.cursor = Target(row.unit, heading=unit.section)
            self.set_open(unit.section, unit.section not in self.open_sections)
            return
        column = event.x - self.margin - unit.indent - len(unit.bullet)
        offset = row.start + column
        for mention in unit.mentions:
            if mention.start <= offset < mention.end and row.start <= offset < row.end:
                self.go_to_span(row.unit, mention.start, mention.end, mention.entry_id)
                self.post_message(EntryChosen(mention.entry_id))
                return
