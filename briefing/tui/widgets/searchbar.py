"""The search field shown by `/`: matches once typing pauses, Enter keeps them, Esc clears."""

from __future__ import annotations

from collections.abc import Callable

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.content import Content
from textual.message import Message
from textual.widgets import Input, Label

from briefing.tui.widgets.field import Field
from briefing.tui.widgets.statusline import StatusLine


class SearchBar(Horizontal):
    """A one-line bar docked at the bottom of the reader."""

    class Changed(Message):
        def __init__(self, query: str) -> None:
            super().__init__()
            self.query = query

    class Done(Message):
        """Enter: keep the matches and go back to reading."""

    class Cancelled(Message):
        """Escape: clear the matches."""

    def compose(self) -> ComposeResult:
        yield Label("/", id="search-prompt")
        yield Field(placeholder="Search the briefing", id="search-input", compact=True)
        yield StatusLine(id="search-count")

    def leave_to(self, move_focus: Callable[[], object]) -> None:
        """What leaving the field does to focus, at once (the owner knows where to)."""
        self.query_one(Field).leave_to = move_focus

    def open(self) -> None:
        self.display = True
        # Focus now, not after the next refresh: keys typed right after `/`
        # are already queued and must land in the field.
        self.query_one(Field).enter()

    def close(self) -> None:
        self.query_one(Field).value = ""
        self.set_count("")
        self.display = False

    def set_count(self, text: str) -> None:
        self.query_one("#search-count", StatusLine).text = Content(text)

    @on(Input.Changed, "#search-input")
    def _changed(self, event: Input.Changed) -> None:
        event.stop()
        self.post_message(self.Changed(event.value))

    @on(Input.Submitted, "#search-input")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()

    @on(Field.Left, "#search-input")
    def _left(self, event: Field.Left) -> None:
        event.stop()
        if event.cleared:
            self.display = False
            self.post_message(self.Cancelled())
        else:
            self.post_message(self.Done())
