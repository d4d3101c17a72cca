"""The library: every briefing found, newest first; type to filter, Enter opens."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Input, Static
from textual.widgets.option_list import Option

from ..library import Found, Library
from ..versions import updated_since_read
from ..widgets.changemarks import updated_mark
from ..widgets.field import Field
from ..widgets.lists import VimOptionList


def matches(found: Found, query: str) -> bool:
    needle = query.strip().lower()
    b = found.briefing
    haystack = " ".join((b.title, b.id, b.date.isoformat(), *b.topics)).lower()
    return all(word in haystack for word in needle.split())


class LibraryScreen(Screen[str | None]):
    """Pick a briefing; dismisses with its id (None when closed)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Back", tooltip="Back to the briefing"),
    ]

    def __init__(self, library: Library) -> None:
        super().__init__()
        self.library = library
        self.updated: set[str] | None = None
        """Ids of briefings changed since read (computed when first shown)."""

    def compose(self) -> ComposeResult:
        count = len(self.library.found)
        title = f"Library \u00b7 {count} briefing{'s' * (count != 1)}"
        if self.library.refused:
            title += f" \u00b7 {self.library.refused} could not be loaded (see `briefing check`)"
        with Vertical(id="library"):
            yield Static(Content.styled(title, "bold"), id="library-title")
            yield Field(placeholder="Type to filter by title, topic or date", id="library-filter",
                        compact=True)  # fmt: skip
            yield VimOptionList(id="library-list")
        yield Footer()

    def on_mount(self) -> None:
        self.show("")
        self.query_one("#library-filter").focus()

    def show(self, query: str) -> None:
        if self.updated is None:
            state_dir = getattr(self.app, "state_dir", None)
            self.updated = updated_since_read((f.briefing for f in self.library.found), state_dir)
        listing = self.query_one(VimOptionList)
        listing.clear_options()
        for found in self.library.newest_first():
            if not matches(found, query):
                continue
            b = found.briefing
            label = Content.assemble(
                (b.date.isoformat(), "bold"), "  ", b.title, updated_mark(b.id in self.updated),
                "\n",
                ("            " + ", ".join(b.topics), "dim"),
            )  # fmt: skip
            listing.add_option(Option(label, id=b.id))
        if listing.option_count:
            listing.highlighted = 0

    @on(Input.Changed, "#library-filter")
    def _filter(self, event: Input.Changed) -> None:
        self.show(event.value)

    @on(Input.Submitted, "#library-filter")
    def _submit(self) -> None:
        listing = self.query_one(VimOptionList)
        if listing.highlighted is not None:
            option = listing.get_option_at_index(listing.highlighted)
            self.dismiss(option.id)

    @on(VimOptionList.OptionSelected, "#library-list")
    def _chosen(self, event: VimOptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def on_key(self, event: object) -> None:
        """Up and down move the list even while typing in the filter."""
        from textual.events import Key

        if not isinstance(event, Key):
            return
        listing = self.query_one(VimOptionList)
        if self.query_one("#library-filter").has_focus and event.key in ("down", "up"):
            (listing.action_cursor_down if event.key == "down" else listing.action_cursor_up)()
            event.stop()

    def action_close(self) -> None:
        self.dismiss(None)
