"""An OptionList that vim users can drive: j/k, g/G as well as the arrows."""

from __future__ import annotations

from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.widgets import OptionList

from .focusfix import KeepFocusOnStaleHide, RepaintFocusLines, option_focus_lines


class VimOptionList(KeepFocusOnStaleHide, RepaintFocusLines, OptionList):
    """OptionList with j/k and g/G, as in every other pane of the reader."""

    def focus_lines(self) -> tuple[int, int] | None:
        return option_focus_lines(self)

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j", "cursor_down", "Down", show=False, tooltip="Next item"),
        Binding("k", "cursor_up", "Up", show=False, tooltip="Previous item"),
        Binding("g", "first", "First", show=False, tooltip="First item"),
        Binding("G", "last", "Last", show=False, tooltip="Last item"),
    ]
