"""One line of text that repaints without a layout pass.

`Static.update` asks for a new layout of the whole screen; for a line of
fixed size that changes on every page turn (the section in view, "3 of 12")
that cost ~40 ms a key here. This widget only repaints itself.

`header_line` draws a pane's header in reverse video while the pane has
focus. It is drawn, not styled by a CSS class: a class change re-matches the
stylesheet (~3 ms a header on every Tab), a reverse span costs one row.
"""

from __future__ import annotations

from textual.content import Content
from textual.reactive import reactive
from textual.widget import Widget


def header_line(content: Content, width: int, marked: bool) -> Content:
    """`content` after a space; when `marked`, filled to `width` and reversed.

    The reverse goes under the content's own styles, so a part styled
    `not reverse` (the sidebar's active tab) stands out of a marked line.
    """
    line = Content.assemble(" ", content)
    if not marked:
        return line
    return line.pad_right(max(0, width - line.cell_length)).stylize_before("bold reverse")


class StatusLine(Widget):
    """A fixed-height line showing `text`."""

    DEFAULT_CSS = """
    StatusLine {
        height: 1;
    }
    """

    text: reactive[Content] = reactive(Content, layout=False)

    def render(self) -> Content:
        return self.text
