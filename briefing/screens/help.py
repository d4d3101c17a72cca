"""The help screen: every key, from the bindings (see `briefing.keys`)."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

from ..keys import key_table


class HelpScreen(ModalScreen[None]):
    """Keys by group; any of Esc, q or ? closes it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark", "dismiss", "Close", tooltip="Close the help"),
        Binding("j,down", "scroll(1)", "Down", show=False),
        Binding("k,up", "scroll(-1)", "Up", show=False),
    ]

    def compose(self) -> ComposeResult:
        parts: list[Content | str | tuple[str, str]] = [("Keys", "bold"), "\n"]
        for group, rows in key_table():
            parts += ["\n", (group, "bold underline"), "\n"]
            width = max(len(keys) for keys, _ in rows)
            for keys, what in rows:
                parts += [(keys.ljust(width + 2), "bold"), what, "\n"]
        parts += ["\n", ("Esc, q or ? closes this help.", "dim")]
        with VerticalScroll(id="help-box"):
            yield Static(Content.assemble(*parts), id="help-text")

    def action_scroll(self, step: int) -> None:
        box = self.query_one("#help-box", VerticalScroll)
        box.scroll_to(y=box.scroll_offset.y + step, animate=False)
