"""The library: every briefing found, newest first; `/` filters, Enter opens.

In the reader's style: letters are commands (j/k/g/G move, `q` quits, `/`
puts the cursor in the filter), the reader's key hints, and per briefing its
origin and read mark (unread, n% read, read, updated since read).
"""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Input, Static
from textual.widgets.option_list import Option

from briefing.store.library import Found, Library
from briefing.store.readmarks import read_mark
from briefing.tui.widgets.field import Field
from briefing.tui.widgets.keyhints import KeyHints
from briefing.tui.widgets.lists import VimOptionList


def matches(found: Found, query: str) -> bool:
    needle = query.strip().lower()
    b = found.briefing
    haystack = " ".join((b.title, b.id, b.date.isoformat(), *b.topics)).lower()
    return all(word in haystack for word in needle.split())


class LibraryScreen(Screen[str | None]):
    """Pick a briefing; dismisses with its id (None when closed)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("question_mark", "app.help", "Help", tooltip="Show every key"),
        Binding("q", "app.quit", "Quit", tooltip="Save your place and quit"),
        Binding("slash", "filter", "Filter", tooltip="Filter by title, topic or date"),
        Binding("escape", "close", "Back", tooltip="Back to the briefing"),
    ]

    def __init__(self, library: Library, state_dir: Path | None = None) -> None:
        super().__init__()
        self.library = library
        self.state_dir = state_dir
        self._marks: dict[str, str] = {}

    def compose(self) -> ComposeResult:
        count = len(self.library.found)
        title = f"Library \u00b7 {count} briefing{'s' * (count != 1)}"
        if self.library.refused:
            title += f" \u00b7 {self.library.refused} could not be loaded (see `briefing check`)"
        with Vertical(id="library"):
            yield Static(Content.styled(title, "bold"), id="library-title")
            yield Field(placeholder="/ filters by title, topic or date", id="library-filter",
                        compact=True)  # fmt: skip
            yield VimOptionList(id="library-list")
        yield KeyHints()

    def on_mount(self) -> None:
        self.query_one(Field).leave_to = lambda: self.set_focus(self.query_one(VimOptionList))
        self.show("")
        self.set_focus(self.query_one(VimOptionList))

    def mark(self, found: Found) -> str:
        briefing_id = found.briefing.id
        if briefing_id not in self._marks:
            self._marks[briefing_id] = read_mark(found.briefing, self.state_dir)
        return self._marks[briefing_id]

    def show(self, query: str) -> None:
        listing = self.query_one(VimOptionList)
        listing.clear_options()
        for found in self.library.newest_first():
            if not matches(found, query):
                continue
            b = found.briefing
            topics = ", ".join(b.topics)
            label = Content.assemble(
                (b.date.isoformat(), "bold"), "  ", b.title, "\n",
                ("            " + self.mark(found), "italic"),
                (f" \u00b7 {found.origin}" + (f" \u00b7 {topics}" if topics else ""), "dim"),
            )  # fmt: skip
            listing.add_option(Option(label, id=b.id))
        if listing.option_count:
            listing.highlighted = 0
        else:
            listing.add_option(
                Option(Content.styled("No briefing matches", "dim italic"), disabled=True)
            )

    @on(Input.Changed, "#library-filter")
    def _filter(self, event: Input.Changed) -> None:
        self.show(event.value)

    @on(Input.Submitted, "#library-filter")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()

    @on(Field.Left, "#library-filter")
    def _left(self, event: Field.Left) -> None:
        event.stop()
        self.set_focus(self.query_one(VimOptionList))

    @on(VimOptionList.OptionSelected, "#library-list")
    def _chosen(self, event: VimOptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_filter(self) -> None:
        self.query_one(Field).enter()

    def action_close(self) -> None:
        self.dismiss(None)
