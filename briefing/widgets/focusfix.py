"""Keys that arrive together act exactly as if typed slowly.

Textual decides which widget gets a key when the key *arrives*: a read of 30
bytes puts 30 Key events on the focused widget's queue at once, and the
bindings of each are looked up later, when it has bubbled back to the app.
A key that moves focus (`t`, `/`, Enter in a field) then does not change
where the text after it goes (`t t s` typed "s" into the filter, 21 `t`
filled it with t's). Two parts fix it, both here:

1. `dispatch_key_now`: the app handles each key from the terminal itself,
   one at a time, as it arrives: text into the focused field, else the
   binding active for it now (through public APIs: `active_bindings`,
   `run_action`, `insert_text_at_cursor`); focus moves at once (the reader
   uses `set_focus`, never `focus()`), so the next key sees it. Keys with
   no binding take Textual's usual path.

   An action often finishes through messages (Enter on a list item posts
   OptionSelected, which becomes EntrySelected, which the screen turns into
   a card with focus): `settle` lets the screen's widgets handle what the
   action posted before the next key is looked at.

2. `KeepFocusOnStaleHide`: Textual blurs a widget that has focus when its
   Hide event arrives; with keys in one read the Hide comes late and took
   focus from the pane the last key chose. It overrides a private method,
   so it lives here alone.

Both read private parts of Textual (`_on_hide`, each widget's message
queue), so they live here alone. tests/test_app_pty.py (30 keys in one
write, among them Enter on a list item and on a card's mention, give the
same screen as typed one by one) fails without them.
"""

from __future__ import annotations

import asyncio
from typing import Any

from textual import events
from textual.app import App
from textual.screen import ModalScreen, Screen
from textual.widget import Widget
from textual.widgets import Input


def displayed_now(widget: Widget) -> bool:
    """Whether the widget and every ancestor up to its screen are displayed."""
    node: object = widget
    while isinstance(node, Widget):
        if not node.display:
            return False
        node = node.parent
    return True


class KeepFocusOnStaleHide:
    """Mixin (before the widget class) for focusable widgets of panes that switch.

    Not a Widget itself: a Widget base ahead of Input would change how its
    component styles are found.
    """

    def _on_hide(self, event: events.Hide) -> None:
        assert isinstance(self, Widget)
        if self.screen.focused is not self:
            # `has_focus` lags (it changes when the Blur event is handled): focus
            # has already moved on, and blurring now would take it from there.
            return
        if displayed_now(self):
            return  # shown again since: the Hide is stale
        super()._on_hide(event)  # type: ignore[misc]


async def dispatch_key_now(app: App[Any], event: events.Key) -> bool:
    """Handle a key from the terminal at once; False leaves it to Textual."""
    screen = app.screen
    if isinstance(screen, ModalScreen):
        return False  # the palette and help: Textual's own path
    active = screen.active_bindings.get(event.key)
    focused = app.focused
    text_goes_in = active is None or not active.binding.priority
    if isinstance(focused, Input) and event.is_printable and event.character and text_goes_in:
        focused.insert_text_at_cursor(event.character)
        return True
    if active is None:
        return False
    if active.enabled:
        await app.run_action(active.binding.action, active.node)
        await settle(screen)
    return True


SETTLE_ROUNDS = 50
"""Turns of the event loop to wait at most: a message hops one widget per turn."""


async def settle(screen: Screen[Any]) -> None:
    """Give the screen's widgets turns until none has a message waiting.

    Bounded: a widget stuck on something slow delays the next key by at most
    SETTLE_ROUNDS turns of the loop, never indefinitely.
    """
    for _ in range(SETTLE_ROUNDS):
        nodes = screen.walk_children(with_self=True)
        if not any(node._message_queue.qsize() for node in nodes):
            return
        await asyncio.sleep(0)
