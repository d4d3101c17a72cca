"""An entry's card: who or what it is, its related entries, and every mention.

The card is one line-based scroll view (one scrollbar): the description's
wrapped lines, then its related entries, then its mentions, two rows each.
Only rows on screen are made, so an entry named 100,000 times opens as fast
as one named twice, and the count is `len()` of the model's tuple. Related
entries and mentions are items the cursor (j/k, arrows) moves over; Enter
opens one.
"""

from __future__ import annotations

from typing import ClassVar

from textual import events
from textual.binding import BindingType
from textual.content import Content
from textual.geometry import Offset, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from briefing.format.model import Briefing, Mention, Passage
from briefing.tui.bindings import CARD_KEYS, PANE_KEYS
from briefing.tui.messages import EntryChosen
from briefing.tui.widgets.focusfix import KeepFocusOnStaleHide, RepaintFocusLines

MENTION_ROWS = 2
"""Rows per mention: where it is, then the words around it."""


def snippet(passage: Passage, mention: Mention, width: int) -> Content:
    """The words around a mention, fitted to `width`, the mention in bold.

    The mention sits a third of the way in, so neighbouring mentions in one
    paragraph show different words (the part where each differs).
    """
    text = passage.text
    name = text[mention.start : mention.end]
    room = max(0, width - len(name))
    left = max(0, mention.start - room // 3)
    right = min(len(text), mention.end + room - (mention.start - left))
    # Cut between words, not inside one: "…the border" rather than "…der".
    if left > 0 and not text[left - 1].isspace():
        space = text.find(" ", left, mention.start)
        if space != -1:
            left = space + 1
    if right < len(text) and not text[right].isspace():
        space = text.rfind(" ", mention.end, right)
        if space != -1:
            right = space
    before = ("\u2026" if left else "") + text[left : mention.start].replace("\n", " ")
    after = text[mention.end : right].replace("\n", " ") + ("\u2026" if right < len(text) else "")
    return Content.assemble(before, (name, "bold"), after)


def where(briefing: Briefing, passage: Passage) -> str:
    """The part of the briefing a passage belongs to, as a reader names it:
    "Background, paragraph 2" (", point 3" for a bullet)."""
    place = passage.place
    if place.area == "summary":
        return "Summary"
    if place.area == "timeline":
        return f"Timeline, {briefing.timeline[place.block].date}"
    label = f"{briefing.sections[place.section].title}, paragraph {place.block + 1}"
    if place.item >= 0:
        label += f", point {place.item + 1}"
    return label


class EntryCard(KeepFocusOnStaleHide, RepaintFocusLines, ScrollView, can_focus=True):
    """The card of one glossary entry."""

    BINDINGS: ClassVar[list[BindingType]] = [*CARD_KEYS, *PANE_KEYS]

    COMPONENT_CLASSES = {"card--cursor"}

    highlighted: reactive[int | None] = reactive(None)
    """The item under the cursor: related entries first, then mentions."""

    class MentionPicked(Message):
        """Go to this mention in the article (or the timeline)."""

        def __init__(self, entry_id: str, number: int) -> None:
            super().__init__()
            self.entry_id = entry_id
            self.number = number

    class Closed(Message):
        """The user left the card (the entry it showed, to highlight in the list)."""

        def __init__(self, entry_id: str | None) -> None:
            super().__init__()
            self.entry_id = entry_id

    def __init__(self, briefing: Briefing, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.briefing = briefing
        self.entry_id: str | None = None
        self._head: list[Content] = []
        self._related: tuple[str, ...] = ()
        self._mentions: tuple[tuple[Passage, Mention], ...] = ()
        self._width = 0

    # What is shown -----------------------------------------------------

    def show_entry(self, entry_id: str) -> None:
        entry = self.briefing.entries[entry_id]
        self.entry_id = entry_id
        self._related = entry.related
        self._mentions = self.briefing.mentions_of(entry_id)
        self._width = 0
        self._layout()
        self.highlighted = None
        self.scroll_to(y=0, animate=False, immediate=True)

    @property
    def item_count(self) -> int:
        return len(self._related) + len(self._mentions)

    def _head_content(self) -> list[Content]:
        assert self.entry_id is not None
        entry = self.briefing.entries[self.entry_id]
        parts: list[Content | str | tuple[str, str]] = [
            (entry.name, "bold"), "\n", (entry.kind.value.capitalize(), "italic dim"),
            "\n\n", entry.role,
        ]  # fmt: skip
        if entry.about:
            parts += ["\n\n", entry.about]
        if entry.aliases:
            parts += ["\n\n", ("Also called: ", "dim"), ", ".join(entry.aliases)]
        return [Content.assemble(*parts)]

    def _layout(self) -> None:
        width = max(10, self.scrollable_content_region.width - 1)
        if width == self._width or self.entry_id is None:
            return
        self._width = width
        head: list[Content] = []
        for block in self._head_content():
            head.extend(block.wrap(width))
        if self._related:
            head += [Content(""), Content.styled("Related", "bold")]
        self._head = head
        self.virtual_size = Size(width, self._mention_top + MENTION_ROWS * len(self._mentions))
        self.refresh()

    @property
    def _mention_top(self) -> int:
        """The row of the first mention (after the head, related entries and a label)."""
        return len(self._head) + len(self._related) + 2

    def on_resize(self) -> None:
        self._layout()
        # Keys that came with the one that opened the card moved the cursor
        # while it had no size yet: show that item now it has one.
        self._show_item(self.highlighted)

    # Drawing -----------------------------------------------------------

    def _pinned(self, y: int) -> bool:
        """The top row keeps the entry's name once the card scrolls: on a short
        window the cursor's item and the name it belongs to show together."""
        return y == 0 and int(self.scroll_offset.y) > 0 and bool(self._head)

    def render_line(self, y: int) -> Strip:
        number = int(self.scroll_offset.y) + y
        width = self.scrollable_content_region.width
        base = self.rich_style
        content, item = self._row(number)
        if self._pinned(y):
            content, item = self._head[0], None
        style = base
        if item is not None and item == self.highlighted:
            style = base + self.get_component_rich_style("card--cursor")
        if content is None:
            return Strip.blank(width, style)
        line = content.truncate(max(0, width - 1), ellipsis=True)
        segments = Content(" ").append(line).render_segments()
        return Strip(segments).apply_style(style).extend_cell_length(width, style).crop(0, width)

    def _row(self, number: int) -> tuple[Content | None, int | None]:
        """The content of a row and the item it belongs to (None: not an item)."""
        head = len(self._head)
        if number < head:
            return self._head[number], None
        number -= head
        if number < len(self._related):
            ref = self._related[number]
            return Content.assemble("\u2192 ", self.briefing.entries[ref].name), number
        number -= len(self._related)
        if number == 0:
            return None, None
        if number == 1:
            count = len(self._mentions)
            label = f"Mentions ({count})" if count else "Not mentioned in the text"
            return Content.styled(label, "bold"), None
        index, part = divmod(number - 2, MENTION_ROWS)
        if index >= len(self._mentions):
            return None, None
        passage, mention = self._mentions[index]
        item = len(self._related) + index
        if part == 0:
            return Content.styled(where(self.briefing, passage), "dim italic"), item
        return snippet(passage, mention, max(10, self._width - 1)), item

    def _item_row(self, item: int) -> int:
        if item < len(self._related):
            return len(self._head) + item
        return self._mention_top + MENTION_ROWS * (item - len(self._related))

    def focus_lines(self) -> tuple[int, int] | None:
        """The highlighted item's lines: the only part drawn differently with focus."""
        item = self.highlighted
        if item is None:
            return None
        return self._item_row(item), 1 if item < len(self._related) else MENTION_ROWS

    def watch_highlighted(self, item: int | None) -> None:
        self._show_item(item)
        self.refresh()

    def _show_item(self, item: int | None, retries: int = 3) -> None:
        """Scroll so the item is on screen (the first one with the card's head)."""
        height = self.scrollable_content_region.height
        if item is None or height <= 0:
            return
        row = self._item_row(item)
        top = int(self.scroll_offset.y)
        span = 1 if item < len(self._related) else MENTION_ROWS
        if (row < top + 1 and top > 0) or not item:
            # Below the pinned name (row 0 shows it once the card scrolls).
            self.scroll_to(y=max(0, row - 1) if item else 0, animate=False, immediate=True)
        if row + span > int(self.scroll_offset.y) + height:
            self.scroll_to(y=row + span - height, animate=False, immediate=True)
            if row + span > int(self.scroll_offset.y) + height and retries:
                # The scroll range is still the last entry's (a scrollbar on its
                # way changes the width): once more after the next refresh.
                self.call_after_refresh(self._show_item, item, retries - 1)

    def render_lines(self, crop: object) -> list[Strip]:
        lines = super().render_lines(crop)  # type: ignore[arg-type]
        if self.has_focus and self.highlighted is not None:
            region = self.scrollable_content_region
            row = self._item_row(self.highlighted) - int(self.scroll_offset.y)
            if 0 <= row < region.height:
                self.app.cursor_position = Offset(region.x + 1, region.y + row)
        return lines

    # Keys --------------------------------------------------------------

    def focus_items(self) -> None:
        """Focus the card with the cursor on its first item (a related entry,
        else a mention): `j` then walks them in the order they are drawn."""
        self.screen.set_focus(self)
        if self.highlighted is None and self.item_count:
            self.highlighted = 0

    def action_move(self, step: int) -> None:
        if not self.item_count:
            self.scroll_to(y=self.scroll_offset.y + step, animate=False, immediate=True)
            return
        current = self.highlighted
        if current is None:
            self.highlighted = 0 if step > 0 else self.item_count - 1
        else:
            self.highlighted = max(0, min(self.item_count - 1, current + step))

    def action_edge(self, end: int) -> None:
        if self.item_count:
            self.highlighted = self.item_count - 1 if end else 0
        if not end:
            self.scroll_to(y=0, animate=False, immediate=True)

    def action_page(self, step: int) -> None:
        height = max(1, self.scrollable_content_region.height - 1)
        if not self.item_count:
            self.scroll_to(y=self.scroll_offset.y + step * height, animate=False, immediate=True)
            return
        per_page = max(1, height // MENTION_ROWS)
        self.action_move(step * per_page)

    def action_open(self) -> None:
        item = self.highlighted
        if item is None or self.entry_id is None:
            return
        if item < len(self._related):
            self.post_message(EntryChosen(self._related[item]))
        else:
            self.post_message(self.MentionPicked(self.entry_id, item - len(self._related)))

    def action_close(self) -> None:
        self.post_message(self.Closed(self.entry_id))

    class FilterAsked(Message):
        """`/` on a card: filter the glossary the card sits in, not the article."""

    def action_filter(self) -> None:
        self.post_message(self.FilterAsked())

    def on_click(self, event: events.Click) -> None:
        _content, item = self._row(int(self.scroll_offset.y) + event.y)
        if item is not None and not self._pinned(event.y):
            self.highlighted = item
            self.action_open()

    def text(self, rows: int = 200) -> str:
        """The card's first rows as plain text (for tests and the accessibility tree)."""
        return "\n".join(
            "" if content is None else content.plain
            for content, _item in map(self._row, range(min(rows, self.virtual_size.height)))
        )

    @property
    def mention_count(self) -> int:
        return len(self._mentions)
