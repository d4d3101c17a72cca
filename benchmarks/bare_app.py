"""The floor: a bare Textual app showing one Static, started the way briefing is."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.widgets import Static


class BareApp(App[None]):
    BINDINGS = [Binding("q", "quit", "Quit")]

    def compose(self) -> ComposeResult:
        yield Static("BARE-READY ^p")


if __name__ == "__main__":
    BareApp().run()
