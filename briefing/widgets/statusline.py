"""One line of text that repaints without a layout pass.

`Static.update` asks for a new layout of the whole screen; for a line of
fixed size that changes on every page turn (the section in view, "3 of 12")
that cost ~40 ms a key here. This widget only repaints itself.
"""

from __future__ import annotations

from textual.content import Content
from textual.reactive import reactive
from textual.widget import Widget


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
