"""A scrolling box with less's keys, for the views that only page (help, changes)."""

from __future__ import annotations

from typing import ClassVar

from textual.binding import BindingType
from textual.containers import VerticalScroll

from briefing.tui.bindings import SCROLL_KEYS


class Pager(VerticalScroll, can_focus=True):
    """`VerticalScroll` with the article's scroll keys; every move is immediate
    (an animated page writes many times the bytes over SSH)."""

    BINDINGS: ClassVar[list[BindingType]] = SCROLL_KEYS

    def _to(self, y: float) -> None:
        self.scroll_to(y=max(0.0, min(y, self.max_scroll_y)), animate=False, immediate=True)

    def action_line(self, step: int) -> None:
        self._to(self.scroll_offset.y + step)

    def action_page(self, step: int) -> None:
        self._to(self.scroll_offset.y + step * max(1, self.size.height - 1))

    def action_half_page(self, step: int) -> None:
        self._to(self.scroll_offset.y + step * max(1, self.size.height // 2))

    def action_edge(self, end: int) -> None:
        self._to(self.max_scroll_y if end else 0)
