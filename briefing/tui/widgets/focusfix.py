"""Focus, worked around where Textual's own handling costs or misleads.

Keys that arrive together act exactly as if typed slowly, and a focus
change repaints only what shows focus.

Textual decides which widget gets a key when the key *arrives*: a read of 30
bytes puts 30 Key events on the focused widget's queue at once, and the
bindings of each are looked up later, when it has bubbled back to the app.
A key that moves focus (`t`, `/`, Enter in a field) then does not change
where the text after it goes (`t t s` typed "s" into the filter, 21 `t`
filled it with t's). Two parts fix it:

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
   focus from the pane the last key chose.

3. `RepaintFocusLines`: Textual repaints a whole widget when it gains or
   loses focus. The reader's panes show focus only in their cursor line
   (and their header), so a Tab repainted two full panes for two lines that
   changed: this repaints only the lines a pane names (`focus_lines`).

   The screen, too, repaints itself whole when focus moves (its `focused`
   reactive): `NoScreenRepaintOnFocus` skips that, through public APIs.

All three read or override private parts of Textual (`_on_hide`,
`_on_focus`, `_on_blur`, each widget's message queue, an OptionList's line
index), so they live here alone. tests/test_app_pty.py (30 keys in one
write, among them Enter on a list item and on a card's mention, give the
same screen as typed one by one; a Tab writes a fraction of a frame) fails
without them, and tests/test_focusfix.py fails once Textual no longer does
what they work around.
"""

from __future__ import annotations

import asyncio
from typing import Any

from textual import events
from textual.app import App
from textual.screen import ModalScreen, Screen
from textual.scroll_view import ScrollView
from textual.widget import Widget
from textual.widgets import Input, OptionList


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
        if self.screen.focused is self and displayed_now(self):
            # Shown again since: the Hide is stale. Textual calls each class's
            # own handler down the MRO, and Widget's would blur this pane, which
            # the last key chose: stop it. (When focus has moved on, Widget's
            # blur does nothing, and it still tells the scrollbars.)
            event.prevent_default()


class RepaintFocusLines:
    """Mixin (before the ScrollView class): focus changes repaint `focus_lines` only.

    A pane using it must draw nothing else differently with focus: no tint or
    border under `:focus` (the stylesheet turns Textual's off for lists).
    """

    _changing_focus = False

    def focus_lines(self) -> tuple[int, int] | None:
        """(first line, count) in content coordinates that show focus, or None."""
        return None

    def _on_focus(self, event: events.Focus) -> None:
        self._repaint_focus(super()._on_focus, event)  # type: ignore[misc]

    def _on_blur(self, event: events.Blur) -> None:
        self._repaint_focus(super()._on_blur, event)  # type: ignore[misc]

    def _repaint_focus(self, handler: Any, event: events.Event) -> None:
        assert isinstance(self, ScrollView)
        self._changing_focus = True
        try:
            handler(event)  # sets has_focus: styles update, then whole-widget refreshes
        finally:
            self._changing_focus = False
        # Textual calls each class's own handler down the MRO: this stops it
        # calling Widget's again, unflagged (nothing between defines one).
        event.prevent_default()
        lines = self.focus_lines()
        if lines is not None:
            self.refresh_lines(*lines)

    def refresh(self, *regions: Any, **options: Any) -> Any:
        whole = not regions and not options.get("layout") and not options.get("recompose")
        if self._changing_focus and whole:
            return self  # the whole-widget repaint of a focus change: see focus_lines
        return super().refresh(*regions, **options)  # type: ignore[misc]


class NoScreenRepaintOnFocus:
    """Mixin (before Screen): moving focus does not repaint the whole screen.

    Textual's `Screen.focused` is a reactive that repaints the screen: every
    Tab wrote every row (~17 KB at 100x30). The widgets that show focus
    repaint their own lines (`RepaintFocusLines`, the headers' `marked`).
    """

    _moving_focus = False

    def set_focus(self, widget: Widget | None, *args: Any, **kwargs: Any) -> None:
        self._moving_focus = True
        try:
            super().set_focus(widget, *args, **kwargs)  # type: ignore[misc]
        finally:
            self._moving_focus = False

    def refresh(self, *regions: Any, **options: Any) -> Any:
        whole = not regions and not options.get("layout") and not options.get("recompose")
        if self._moving_focus and whole:
            return self
        return super().refresh(*regions, **options)  # type: ignore[misc]


def option_focus_lines(option_list: OptionList) -> tuple[int, int] | None:
    """The lines of an OptionList's highlighted option (its only focus-styled part)."""
    highlighted = option_list.highlighted
    if highlighted is None:
        return None
    try:
        return option_list._index_to_line[highlighted], option_list._heights[highlighted]
    except KeyError:
        return None


async def dispatch_key_now(app: App[Any], event: events.Key) -> bool:
    """Handle a key from the terminal at once; False leaves it to Textual."""
    screen = app.screen
    if isinstance(screen, ModalScreen):
        return False  # the palette and help: Textual's own path
    active = screen.active_bindings.get(event.key)
    focused = app.focused
    text_goes_in = active is None or not active.binding.priority
    if isinstance(focused, Input) and event.is_printable and event.character and text_goes_in:
        if focused.selection.is_empty:
            focused.insert_text_at_cursor(event.character)
        else:
            focused.replace(event.character, *focused.selection)
        return True
    if active is None:
        return False
    if active.enabled:
        # One frame for everything the key does: without the batch, the
        # screen's frame timer drew the article between two turns of `settle`
        # and what a message changed after (the top bar naming a new section)
        # waited a frame period (1/60 s) for a second frame of its own.
        with app.batch_update():
            await app.run_action(active.binding.action, active.node)
            await settle(screen)
        if app.screen.is_attached:
            app.screen.check_idle()  # the frame, now the batch is over
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
