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
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

from briefing.tui.keytable import key_table


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
        Binding("j,down,ctrl+e", "scroll(1)", "Down", show=False),
        Binding("k,up,ctrl+y", "scroll(-1)", "Up", show=False),
        Binding("space,f,pagedown,ctrl+f", "page(1)", "Page down", show=False),
        Binding("b,pageup,ctrl+b", "page(-1)", "Page up", show=False),
        Binding("d,ctrl+d", "half(1)", "Half page down", show=False),
        Binding("u,ctrl+u", "half(-1)", "Half page up", show=False),
        Binding("g,home", "edge(0)", "Top", show=False),
        Binding("G,end", "edge(1)", "Bottom", show=False),
    ]

    def compose(self) -> ComposeResult:
        with Vertical(id="help-frame"):
            with VerticalScroll(id="help-box"):
                yield Static(Content.styled("Keys", "bold"), id="help-title")
                yield Static(key_tables(), id="help-text")
            yield Static(
                Content.styled("Esc q ? close \u00b7 j k Space g G scroll", "dim"),
                id="help-hint",
            )

    @property
    def _box(self) -> VerticalScroll:
        return self.query_one("#help-box", VerticalScroll)

    def _to(self, y: float) -> None:
        self._box.scroll_to(y=max(0.0, y), animate=False, immediate=True)

    def action_scroll(self, step: int) -> None:
        self._to(self._box.scroll_offset.y + step)

    def action_page(self, step: int) -> None:
        self._to(self._box.scroll_offset.y + step * max(1, self._box.size.height - 1))

    def action_half(self, step: int) -> None:
        self._to(self._box.scroll_offset.y + step * max(1, self._box.size.height // 2))

    def action_edge(self, end: int) -> None:
        self._to(self._box.max_scroll_y if end else 0)

    def text(self) -> str:
        """The keys as plain text (for tests and screen readers' logs)."""
        return "\n".join(
            f"{group}\n" + "\n".join(f"{keys}  {what}" for keys, what in rows)
            for group, rows in key_table()
        )
