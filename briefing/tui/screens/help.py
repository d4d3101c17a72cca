"""The help screen: every key, from the bindings (see `briefing.tui.keytable`).

Keys and what they do sit in two columns, so a wrapped description stays
under its own column; it scrolls with the reader's keys, and the hint that
closes it stays in view at the bottom of the box.
"""

from __future__ import annotations

from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

from briefing.tui.keytable import key_table
from briefing.tui.widgets.pager import Pager


def key_tables() -> Table:
    """All groups as one two-column table (Text cells: nothing is parsed as markup)."""
    table = Table.grid(padding=(0, 2))
    table.add_column(no_wrap=True, style="bold")
    table.add_column(ratio=1)
    for number, (group, rows) in enumerate(key_table()):
        if number:
            table.add_row(Text(""), Text(""))
        table.add_row(Text(group, style="bold underline"), Text(""))
        for keys, what in rows:
            table.add_row(Text(keys), Text(what))
    return table


class HelpScreen(ModalScreen[None]):
    """Keys by group; any of Esc, q or ? closes it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark", "dismiss", "Close", tooltip="Close the help"),
    ]

    def compose(self) -> ComposeResult:
        with Vertical(id="help-frame"):
            with Pager(id="help-box"):
                yield Static(Content.styled("Keys", "bold"), id="help-title")
                yield Static(key_tables(), id="help-text")
            yield Static(
                Content.styled("Esc q ? close \u00b7 j k Space g G scroll", "dim"),
                id="help-hint",
            )

    def on_mount(self) -> None:
        self.set_focus(self.query_one(Pager))

    def text(self) -> str:
        """The keys as plain text (for tests and screen readers' logs)."""
        return "\n".join(
            f"{group}\n" + "\n".join(f"{keys}  {what}" for keys, what in rows)
            for group, rows in key_table()
        )
