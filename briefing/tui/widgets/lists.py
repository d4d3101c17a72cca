"""An OptionList that vim users can drive: j/k, g/G as well as the arrows.

While it has focus, the terminal's cursor sits on the highlighted item (as
the article's does on its cursor), so braille displays and magnifiers
follow it.
"""

from __future__ import annotations

from typing import ClassVar

from textual.binding import BindingType
from textual.geometry import Offset, Region
from textual.strip import Strip
from textual.widgets import OptionList

from briefing.tui.bindings import LIST_KEYS, PANE_KEYS
from briefing.tui.widgets.focusfix import (
    KeepFocusOnStaleHide,
    RepaintFocusLines,
    option_focus_lines,
)


class VimOptionList(KeepFocusOnStaleHide, RepaintFocusLines, OptionList):
    """OptionList with j/k and g/G, as in every other pane of the reader."""

    def focus_lines(self) -> tuple[int, int] | None:
        return option_focus_lines(self)

    def render_lines(self, crop: Region) -> list[Strip]:
        lines = super().render_lines(crop)
        found = option_focus_lines(self) if self.has_focus else None
        if found is not None:
            region = self.scrollable_content_region
            row = found[0] - int(self.scroll_offset.y)
            if 0 <= row < region.height:
                self.app.cursor_position = Offset(region.x, region.y + row)
        return lines

    BINDINGS: ClassVar[list[BindingType]] = [*LIST_KEYS, *PANE_KEYS]
