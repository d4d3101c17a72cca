"""A text field the reader's way: steady cursor, capped length, Enter/Esc leave it.

- No blinking: a blinking cursor writes to the terminal twice a second,
  forever, which costs bytes over SSH and wakes idle links.
- At most `MAX_FIELD` characters: an unbracketed paste of 100 KB into an
  Input is quadratic (each character re-renders the whole value).
- Enter leaves the field keeping its text; Esc leaves it and clears it. The
  owner decides where focus goes next (it gets `Field.Left`).
- `/` comes back to it with its text selected: typing starts a fresh
  pattern (as in less and vim), Enter keeps the old one, an arrow edits it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import Input

from briefing.tui.widgets.focusfix import KeepFocusOnStaleHide

MAX_FIELD = 1000
"""Longest text a field accepts (documented in the README)."""


class Field(KeepFocusOnStaleHide, Input):
    """Input with a steady cursor, a length cap, and a way out by either key."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "escape", "leave(True)", "Clear", show=False, tooltip="Clear the field and leave it"
        ),
    ]

    class Left(Message):
        """The user left the field: Enter (`cleared` False) or Esc (True)."""

        def __init__(self, field: Field, cleared: bool) -> None:
            super().__init__()
            self.field = field
            self.cleared = cleared

        @property
        def control(self) -> Field:
            return self.field

    def __init__(self, **kwargs: object) -> None:
        kwargs.setdefault("max_length", MAX_FIELD)
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.leave_to: Callable[[], object] | None = None
        """Moves focus out at once when the field is left (set by its owner):
        a key typed right after Enter must not land in the field."""

    def on_mount(self) -> None:
        self.cursor_blink = False

    def enter(self) -> None:
        """Focus the field at once, its text selected (typing replaces it)."""
        self.screen.set_focus(self)
        self.select_all()

    async def action_submit(self) -> None:
        await super().action_submit()
        self._leave(cleared=False)

    def action_leave(self, clear: bool) -> None:
        if clear:
            self.value = ""
        self._leave(cleared=clear)

    def _leave(self, *, cleared: bool) -> None:
        if self.leave_to is not None:
            self.leave_to()
        self.post_message(self.Left(self, cleared=cleared))
