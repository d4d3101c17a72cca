"""A text field that does not blink: a blinking cursor writes to the terminal
twice a second, forever, which costs bytes over SSH and wakes idle links."""

from __future__ import annotations

from textual.widgets import Input


class Field(Input):
    """Input with a steady cursor."""

    def on_mount(self) -> None:
        self.cursor_blink = False
